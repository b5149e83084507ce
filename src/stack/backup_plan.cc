#include "stack/backup_plan.h"

#include <utility>

#include "constructs/iam_policy.h"
#include "core/intrinsics.h"

namespace rex::stack {
namespace {

using core::List;
using core::Str;
using core::Value;
using Plan = cfn::backup::CfnBackupPlan;
using Selection = cfn::backup::CfnBackupSelection;

const config::Config& ConfigOrDefault(const config::Config* config) {
  static const config::Config kDefault;
  return config != nullptr ? *config : kDefault;
}

// The trust policy of the backup role. No aws:SourceAccount condition: AWS Backup's own
// default role (AWSBackupDefaultServiceRole) trusts the service without one, and AWS Backup
// does not document passing the source account when it assumes a role.
Value BackupTrustPolicy() {
  return constructs::PolicyDocument({Value::Object({
      {"Effect", "Allow"},
      {"Principal", Value::Object({{"Service", "backup.amazonaws.com"}})},
      {"Action", "sts:AssumeRole"},
  })});
}

Str ManagedPolicy(const std::string& name) {
  return core::Sub("arn:${AWS::Partition}:iam::aws:policy/service-role/" + name);
}

}  // namespace

std::string BackupPlan::VaultName(const config::Config& config) {
  return config.project_name + "-" + config.environment + kVaultSuffix;
}

BackupPlan::BackupPlan(core::Construct& scope, std::string id, BackupPlanProps props)
    : core::Construct(scope, std::move(id)) {
  if (props.config == nullptr) AddError("config is required; pass the stack's Config");
  if (!props.cluster_arn.has_value()) {
    AddError("cluster_arn is required; pass the Aurora cluster's DBClusterArn");
  }
  const config::Config& config = ConfigOrDefault(props.config);
  const std::string prefix = config.project_name + "-" + config.environment;
  const config::BackupPlanConfig& backup = config.backup_plan;
  const std::string vault_name = VaultName(config);

  vault_ = &Add<cfn::backup::CfnBackupVault>(
      "Vault", cfn::backup::CfnBackupVaultProps{.backup_vault_name = vault_name});
  // Backups outlive the stack: a destroyed or replaced vault keeps its recovery points until
  // their lifecycle deletes them.
  vault_->set_deletion_policy(core::DeletionPolicy::kRetain);
  vault_->set_update_replace_policy(core::DeletionPolicy::kRetain);

  role_ = &Add<cfn::iam::CfnRole>(
      "Role",
      cfn::iam::CfnRoleProps{
          .assume_role_policy_document = core::Json(BackupTrustPolicy()),
          .description = "AWS Backup role of " + prefix + ": backs up and restores the database",
          .managed_policy_arns = List<Str>{ManagedPolicy("AWSBackupServiceRolePolicyForBackup"),
                                           ManagedPolicy("AWSBackupServiceRolePolicyForRestores")},
      });

  Plan::LifecycleResourceType lifecycle{.delete_after_days = backup.retention_days};
  Plan::BackupRuleResourceType rule{
      .completion_window_minutes = 480,
      .lifecycle = lifecycle,
      .rule_name = "daily",
      .schedule_expression = kSchedule,
      .start_window_minutes = 60,
      .target_backup_vault = vault_->Ref(),
  };
  if (!backup.copy_region.empty()) {
    rule.copy_actions = List<Plan::CopyActionResourceType>{Plan::CopyActionResourceType{
        .destination_backup_vault_arn =
            core::Sub("arn:${AWS::Partition}:backup:" + backup.copy_region +
                      ":${AWS::AccountId}:backup-vault:" + vault_name),
        .lifecycle = lifecycle,
    }};
  }
  plan_ =
      &Add<Plan>("Plan", cfn::backup::CfnBackupPlanProps{
                             .backup_plan =
                                 Plan::BackupPlanResourceType{
                                     .backup_plan_name = prefix + "-daily",
                                     .backup_plan_rule = List<Plan::BackupRuleResourceType>{rule},
                                 },
                         });

  selection_ = &Add<Selection>(
      "Selection", cfn::backup::CfnBackupSelectionProps{
                       .backup_plan_id = plan_->Ref(),
                       .backup_selection =
                           Selection::BackupSelectionResourceType{
                               .iam_role_arn = role_->attr_arn(),
                               .resources = List<Str>{props.cluster_arn.value_or(Str(""))},
                               .selection_name = prefix + "-database",
                           },
                   });
}

}  // namespace rex::stack
