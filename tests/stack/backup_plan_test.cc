#include "stack/backup_plan.h"

#include <gtest/gtest.h>

#include "config/presets.h"
#include "core/stack.h"
#include "stack/accepted.h"
#include "stack/rex_stack.h"
#include "support/template_matcher.h"

namespace rex::stack {
namespace {

using base::Json;
using rex::testing::HasResourceProperties;
using rex::testing::PropertiesOf;
using rex::testing::ResourceCountIs;

Json Synth(const config::Config& config) {
  core::App app;
  auto& stack = app.Add<core::Stack>("Rex");
  stack.Add<BackupPlan>(
      "Backup", BackupPlanProps{.config = &config, .cluster_arn = core::Str("arn:cluster")});
  auto result = stack.Synthesize();
  EXPECT_TRUE(result.has_value()) << result.error().message();
  return result.has_value() ? result->json : Json();
}

config::Config Enabled(int days = 35, std::string copy_region = "") {
  config::Config c;
  c.environment = "prod";
  c.backup_plan = {.enabled = true, .retention_days = days, .copy_region = std::move(copy_region)};
  return c;
}

TEST(BackupPlanTest, VaultIsRetainedWithItsRecoveryPoints) {
  Json t = Synth(Enabled());
  ASSERT_TRUE(ResourceCountIs(t, "AWS::Backup::BackupVault", 1));
  const Json& vault = t["Resources"]["BackupVault"];
  EXPECT_EQ(vault["Properties"], Json::parse(R"({"BackupVaultName": "rex-backend-prod-backups"})"));
  EXPECT_EQ(vault["DeletionPolicy"], "Retain");
  EXPECT_EQ(vault["UpdateReplacePolicy"], "Retain");
}

TEST(BackupPlanTest, DailyRuleKeepsBackupsRetentionDaysWithoutCopy) {
  Json t = Synth(Enabled(14));
  Json rule = PropertiesOf(t, "BackupPlan")["BackupPlan"]["BackupPlanRule"];
  ASSERT_EQ(rule.size(), 1u);
  EXPECT_EQ(rule[0], Json::parse(R"json({
      "RuleName": "daily", "ScheduleExpression": "cron(0 5 ? * * *)",
      "StartWindowMinutes": 60, "CompletionWindowMinutes": 480,
      "Lifecycle": {"DeleteAfterDays": 14},
      "TargetBackupVault": {
    "Ref" : "BackupVault"}
})json"));
  EXPECT_EQ(PropertiesOf(t, "BackupPlan")["BackupPlan"]["BackupPlanName"],
            "rex-backend-prod-daily");
}

TEST(BackupPlanTest, CopyRegionAddsACopyActionToTheVaultOfTheSameName) {
  Json t = Synth(Enabled(35, "us-west-2"));
  Json rule = PropertiesOf(t, "BackupPlan")["BackupPlan"]["BackupPlanRule"][0];
  EXPECT_EQ(rule["CopyActions"], Json::parse(R"([{
      "DestinationBackupVaultArn": {"Fn::Sub":
          "arn:${AWS::Partition}:backup:us-west-2:${AWS::AccountId}:backup-vault:rex-backend-prod-backups"},
      "Lifecycle": {"DeleteAfterDays": 35}}])"));
}

TEST(BackupPlanTest, SelectionPicksTheClusterWithTheBackupRole) {
  Json t = Synth(Enabled());
  EXPECT_TRUE(HasResourceProperties(t, "AWS::Backup::BackupSelection", Json::parse(R"({
      "BackupPlanId": {"Ref": "BackupPlan"},
      "BackupSelection": {"SelectionName": "rex-backend-prod-database",
                          "IamRoleArn": {"Fn::GetAtt": ["BackupRole", "Arn"]},
                          "Resources": ["arn:cluster"]}})")));
}

TEST(BackupPlanTest, RoleTrustsAwsBackupWithItsManagedPolicies) {
  Json t = Synth(Enabled());
  Json role = PropertiesOf(t, "BackupRole");
  EXPECT_EQ(role["AssumeRolePolicyDocument"]["Statement"], Json::parse(R"([{
      "Effect": "Allow", "Principal": {"Service": "backup.amazonaws.com"},
      "Action": "sts:AssumeRole"}])"));
  EXPECT_EQ(role["ManagedPolicyArns"], Json::parse(R"([
      {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"},
      {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores"}])"));
  EXPECT_FALSE(role.contains("Policies"));
}

TEST(BackupPlanTest, ManagedPoliciesAreAcceptedOnTheRecordOnlyForTheBackupRole) {
  Json t = Synth(Enabled());
  RecordAcceptedFindings(t, "prod");
  Json nag = t["Resources"]["BackupRole"]["Metadata"]["cdk_nag"]["rules_to_suppress"];
  ASSERT_EQ(nag.size(), 1u);
  EXPECT_EQ(nag[0]["id"], "AwsSolutions-IAM4");
  EXPECT_EQ(nag[0]["applies_to"].size(), 2u);
  EXPECT_FALSE(nag[0]["reason"].get<std::string>().empty());

  // Another managed policy on the same role is not accepted.
  Json other = Synth(Enabled());
  other["Resources"]["BackupRole"]["Properties"]["ManagedPolicyArns"].push_back(
      "arn:aws:iam::aws:policy/AdministratorAccess");
  RecordAcceptedFindings(other, "prod");
  EXPECT_FALSE(other["Resources"]["BackupRole"]["Metadata"].contains("cdk_nag"));
}

TEST(BackupPlanTest, MissingClusterIsAnError) {
  config::Config c = Enabled();
  core::App app;
  auto& stack = app.Add<core::Stack>("Rex");
  stack.Add<BackupPlan>("Backup", BackupPlanProps{.config = &c});
  auto result = stack.Synthesize();
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message().find("cluster_arn is required"), std::string::npos);
}

TEST(BackupPlanTest, RexStackBacksUpItsClusterOnlyWhenEnabled) {
  auto off = SynthesizeRexStack(config::PresetConfig(config::Preset::kDev));
  ASSERT_TRUE(off.has_value()) << off.error().message();
  EXPECT_TRUE(ResourceCountIs(off->json, "AWS::Backup::BackupPlan", 0));

  auto on = SynthesizeRexStack(config::PresetConfig(config::Preset::kProd));
  ASSERT_TRUE(on.has_value()) << on.error().message();
  ASSERT_TRUE(ResourceCountIs(on->json, "AWS::Backup::BackupPlan", 1));
  EXPECT_EQ(PropertiesOf(on->json, "BackupSelection")["BackupSelection"]["Resources"],
            Json::parse(R"([{"Fn::GetAtt": ["DatabaseCluster", "DBClusterArn"]}])"));
  EXPECT_EQ(PropertiesOf(on->json, "BackupPlan")["BackupPlan"]["BackupPlanRule"][0]["Lifecycle"],
            Json::parse(R"({"DeleteAfterDays": 35})"));
}

}  // namespace
}  // namespace rex::stack
