// Issue 13's AWS Backup plan and CloudTrail trail through the real rex binary, offline (no AWS):
// the prod preset's preview shows them, turning them on replaces and deletes nothing, the
// backupPlan.* and cloudTrail.* keys refuse bad values naming the key (exit 2), the copy region
// reaches the template, rex check warns when a prod cluster has no backup plan, and rex cost
// prices them.

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/json.h"
#include "support/run_rex.h"

namespace rex::testing {
namespace {

using base::Json;

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class BackupTrailTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(Prod({"init", "prod"}).exit_code, 0); }

  RexRun Prod(std::vector<std::string> args) {
    args.insert(args.begin(), {"--stack", "prod"});
    return RunRex(args, {.cwd = dir_.path()});
  }

  Json Synth() {
    RexRun run = Prod({"synth"});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    return ParseOrFail(run.out);
  }

  // The resource types of the template, with their logical ids.
  static std::set<std::string> Types(const Json& tmpl) {
    std::set<std::string> types;
    for (const auto& [id, r] : tmpl["Resources"].items())
      types.insert(r["Type"].get<std::string>());
    return types;
  }

  TempDir dir_;
};

TEST_F(BackupTrailTest, ProdPreviewCreatesTheTrailAndTheBackupPlan) {
  RexRun run = Prod({"preview"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  for (const char* type : {"AWS::CloudTrail::Trail", "AWS::Backup::BackupVault",
                           "AWS::Backup::BackupPlan", "AWS::Backup::BackupSelection"}) {
    EXPECT_TRUE(Contains(run.out, type)) << type << "\n" << run.out;
  }
  RexRun json = Prod({"--json", "preview"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  std::set<std::string> created;
  Json plan = ParseOrFail(json.out);
  for (const Json& r : plan["resources"]) {
    if (r["action"] == "create") created.insert(r["logicalId"].get<std::string>());
  }
  for (const char* id : {"AuditTrailTrail", "AuditTrailLogs", "AuditTrailLogsPolicy", "BackupVault",
                         "BackupRole", "BackupPlan", "BackupSelection"}) {
    EXPECT_EQ(created.count(id), 1u) << id;
  }
}

TEST_F(BackupTrailTest, TurningThemOnAddsResourcesAndReplacesNothing) {
  ASSERT_EQ(Prod({"config", "set", "backupPlan.enabled", "false", "cloudTrail.enabled", "false"})
                .exit_code,
            0);
  Json before = Synth();
  EXPECT_EQ(Types(before).count("AWS::CloudTrail::Trail"), 0u);
  EXPECT_EQ(Types(before).count("AWS::Backup::BackupPlan"), 0u);
  dir_.Write(".rex/prod/deployed.template.json", base::DumpJson(before));

  ASSERT_EQ(
      Prod({"config", "set", "backupPlan.enabled", "true", "cloudTrail.enabled", "true"}).exit_code,
      0);
  RexRun json = Prod({"--json", "preview"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  Json plan = ParseOrFail(json.out);
  EXPECT_EQ(plan["summary"]["create"], 7) << json.out;
  for (const Json& r : plan["resources"]) {
    EXPECT_TRUE(r["action"] == "create" || r["action"] == "no-change")
        << r["logicalId"] << " " << r["action"];
  }
  RexRun text = Prod({"preview"});
  EXPECT_FALSE(Contains(text.out, "DATA LOSS")) << text.out;
}

TEST_F(BackupTrailTest, CopyRegionReachesTheTemplate) {
  RexRun set = Prod({"config", "set", "backupPlan.copyRegion", "us-west-2"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  Json t = Synth();
  Json rule = t["Resources"]["BackupPlan"]["Properties"]["BackupPlan"]["BackupPlanRule"][0];
  EXPECT_EQ(rule["CopyActions"][0]["DestinationBackupVaultArn"]["Fn::Sub"],
            "arn:${AWS::Partition}:backup:us-west-2:${AWS::AccountId}:backup-vault:"
            "rex-backend-prod-backups");
  EXPECT_EQ(rule["Lifecycle"]["DeleteAfterDays"], 35);
  EXPECT_TRUE(Contains(dir_.Read("stacks/prod.yaml"), "copyRegion: us-west-2"));
}

TEST_F(BackupTrailTest, BadValuesExit2NamingTheKeyAndWhatIsAllowed) {
  std::string before = dir_.Read("stacks/prod.yaml");
  RexRun own = Prod({"config", "set", "backupPlan.copyRegion", "us-east-1"});
  EXPECT_EQ(own.exit_code, 2) << own.out << own.err;
  EXPECT_TRUE(Contains(own.err, "backupPlan.copyRegion")) << own.err;
  EXPECT_TRUE(Contains(own.err, "the stack's own region")) << own.err;

  RexRun bad = Prod({"config", "set", "backupPlan.copyRegion", "mars-1"});
  EXPECT_EQ(bad.exit_code, 2) << bad.out << bad.err;
  EXPECT_TRUE(Contains(bad.err, "backupPlan.copyRegion")) << bad.err;
  EXPECT_TRUE(Contains(bad.err, "an AWS region name other than the stack's")) << bad.err;

  RexRun zero = Prod({"config", "set", "backupPlan.retentionDays", "0"});
  EXPECT_EQ(zero.exit_code, 2) << zero.err;
  EXPECT_TRUE(Contains(zero.err, "backupPlan.retentionDays")) << zero.err;
  EXPECT_TRUE(Contains(zero.err, "1 to 36500 days")) << zero.err;

  RexRun trail = Prod({"config", "set", "cloudTrail.retentionDays", "5000"});
  EXPECT_EQ(trail.exit_code, 2) << trail.err;
  EXPECT_TRUE(Contains(trail.err, "cloudTrail.retentionDays")) << trail.err;
  EXPECT_TRUE(Contains(trail.err, "1 to 3650 days")) << trail.err;

  EXPECT_EQ(dir_.Read("stacks/prod.yaml"), before) << "nothing written";
}

TEST_F(BackupTrailTest, CheckWarnsWhenAProdClusterHasNoBackupPlan) {
  RexRun on = Prod({"--json", "check"});
  ASSERT_EQ(on.exit_code, 0) << on.out << on.err;
  const Json report = ParseOrFail(on.out);  // the loop below reads into it: keep it alive
  for (const Json& f : report["findings"]) {
    EXPECT_NE(f["rule"], "backup-plan") << on.out;
    EXPECT_NE(f["rule"], "cloudtrail") << on.out;
  }

  ASSERT_EQ(Prod({"config", "set", "backupPlan.enabled", "false"}).exit_code, 0);
  RexRun off = Prod({"check"});
  EXPECT_EQ(off.exit_code, 0) << "a warning does not fail: " << off.out << off.err;
  EXPECT_TRUE(Contains(off.out, "backup-plan")) << off.out;
}

TEST_F(BackupTrailTest, CostPricesTheVaultAndTheTrailAndListsTheRestFree) {
  RexRun run = Prod({"--json", "cost"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  Json report = ParseOrFail(run.out);
  std::set<std::string> priced;
  for (const Json& item : report["items"]) {
    priced.insert(item["logicalId"].get<std::string>() + ": " + item["item"].get<std::string>());
  }
  EXPECT_EQ(priced.count("BackupVault: backups stored (warm)"), 1u) << run.out;
  EXPECT_EQ(priced.count("AuditTrailTrail: management events beyond the free first copy"), 1u);
  EXPECT_EQ(priced.count("AuditTrailLogs: storage (S3 Standard)"), 1u);
  std::string free = base::DumpJson(report["free"]);
  EXPECT_TRUE(Contains(free, "Backup/Plan (AWS::Backup::BackupPlan)")) << free;
  EXPECT_TRUE(Contains(free, "Backup/Selection (AWS::Backup::BackupSelection)")) << free;
  EXPECT_EQ(report["unpriced"].size(), 0u) << report["unpriced"];

  // A copy region prices the copies; a second trail's events are an assumption.
  ASSERT_EQ(Prod({"config", "set", "backupPlan.copyRegion", "eu-west-1"}).exit_code, 0);
  RexRun copy = Prod({"--json", "cost", "--assume", "cloudTrailPaidHundredThousandEvents=2"});
  ASSERT_EQ(copy.exit_code, 0) << copy.err;
  Json copied = ParseOrFail(copy.out);
  std::map<std::string, double> monthly;
  for (const Json& item : copied["items"]) {
    monthly[item["logicalId"].get<std::string>() + ": " + item["item"].get<std::string>()] =
        item["monthly"].get<double>();
  }
  EXPECT_EQ(monthly.count("BackupPlan: copies sent to the copy region"), 1u) << copy.out;
  EXPECT_EQ(monthly.count("BackupPlan: copies stored in the copy region (warm)"), 1u);
  // 200,000 events × $2.00 per 100,000.
  EXPECT_EQ(monthly["AuditTrailTrail: management events beyond the free first copy"], 4.0);
}

}  // namespace
}  // namespace rex::testing
