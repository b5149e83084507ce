#pragma once

// BackupPlan: the AWS Backup plan of the Rex stack (backupPlan.*), a daily backup of the Aurora
// cluster kept backupPlan.retentionDays in a vault of the stack, optionally copied to a vault in
// backupPlan.copyRegion. Only built when backupPlan.enabled (RexStack decides):
//
//   Vault      AWS::Backup::BackupVault "<p>-<e>-backups" (kVaultSuffix), encrypted with AWS
//              Backup's default key (the AWS managed key aws/backup; no key of ours to lose or
//              pay for). DeletionPolicy and UpdateReplacePolicy Retain: the recovery points are
//              the point of the vault, and CloudFormation cannot delete a vault that holds any.
//   Role       AWS::IAM::Role assumed by backup.amazonaws.com, with the AWS managed policies
//              AWSBackupServiceRolePolicyForBackup and AWSBackupServiceRolePolicyForRestores
//              (what AWS Backup's own default role carries; cdk-nag IAM4 is accepted on the
//              record, stack/accepted.cc).
//   Plan       AWS::Backup::BackupPlan "<p>-<e>-daily" with one rule "daily": cron(0 5 ? * * *)
//              (05:00 UTC, AWS Backup's default time zone), start window 60 minutes, completion
//              window 480 minutes, lifecycle DeleteAfterDays = retentionDays; with copyRegion a
//              CopyAction to arn:<partition>:backup:<copyRegion>:<account>:backup-vault:<p>-<e>-
//              backups with the same lifecycle. The destination vault is not created here (a
//              stack in another region is outside this template): README "Backups and disaster
//              recovery" gives the command that creates it.
//   Selection  AWS::Backup::BackupSelection "<p>-<e>-database" of the plan: the cluster by ARN,
//              with the role above.
//
// Placement: a node of the construct tree (RexStack adds it as "Backup": logical ids
// BackupVault, BackupRole, BackupPlan, BackupSelection).
//
// Errors (AddError, at synthesis): a null config; no cluster ARN.

#include <optional>
#include <string>

#include "cfn/backup.gen.h"
#include "cfn/iam.gen.h"
#include "config/config.h"
#include "core/construct.h"
#include "core/value.h"

namespace rex::stack {

struct BackupPlanProps {
  // The stack config (naming, backupPlan.*); read during construction only. Required.
  const config::Config* config = nullptr;
  // ARN of the Aurora cluster to back up (GetAtt DBClusterArn). Required.
  std::optional<core::Str> cluster_arn = {};
};

class BackupPlan : public core::Construct {
 public:
  static constexpr const char* kVaultSuffix = "-backups";
  // The daily rule's schedule, in UTC.
  static constexpr const char* kSchedule = "cron(0 5 ? * * *)";

  BackupPlan(core::Construct& scope, std::string id, BackupPlanProps props);

  // "<p>-<e>-backups": the vault of the stack, and the name the copy region's vault must have.
  static std::string VaultName(const config::Config& config);

  cfn::backup::CfnBackupVault& vault() { return *vault_; }
  cfn::backup::CfnBackupPlan& plan() { return *plan_; }
  cfn::backup::CfnBackupSelection& selection() { return *selection_; }
  cfn::iam::CfnRole& role() { return *role_; }

 private:
  cfn::backup::CfnBackupVault* vault_ = nullptr;
  cfn::iam::CfnRole* role_ = nullptr;
  cfn::backup::CfnBackupPlan* plan_ = nullptr;
  cfn::backup::CfnBackupSelection* selection_ = nullptr;
};

}  // namespace rex::stack
