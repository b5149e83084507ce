// rex check's backup-plan and cloudtrail rules (template/checks.h).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/json.h"
#include "template/checks.h"

namespace rex::tmpl {
namespace {

using base::Json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<Finding> Findings(const Json& resources, const std::string& environment) {
  CheckOptions options;
  options.environment = environment;
  return RunChecks(Json{{"Resources", resources}}, options);
}

// "rule logical_id" of the findings of `rule`.
std::vector<std::string> Of(const std::vector<Finding>& findings, const std::string& rule) {
  std::vector<std::string> out;
  for (const Finding& f : findings) {
    if (f.rule == rule) out.push_back(f.rule + " " + f.logical_id);
  }
  return out;
}

Json Cluster() {
  return Json::parse(R"({"Type": "AWS::RDS::DBCluster", "DeletionPolicy": "Snapshot",
      "Properties": {"Engine": "aurora-postgresql", "StorageEncrypted": true,
                     "BackupRetentionPeriod": 7, "DeletionProtection": true,
                     "EnableIAMDatabaseAuthentication": true}})");
}

Json Selection(Json resource) {
  Json s = Json::parse(R"({"Type": "AWS::Backup::BackupSelection",
      "Properties": {"BackupPlanId": {"Ref": "Plan"},
                     "BackupSelection": {"SelectionName": "db", "IamRoleArn": "arn:role"}}})");
  s["Properties"]["BackupSelection"]["Resources"] = Json::array({std::move(resource)});
  return s;
}

Json Trail(Json overrides) {
  Json props = {{"IsLogging", true},
                {"IsMultiRegionTrail", true},
                {"EnableLogFileValidation", true},
                {"S3BucketName", "logs"}};
  if (overrides.is_object()) props.update(overrides);
  return {{"Type", "AWS::CloudTrail::Trail"}, {"Properties", props}};
}

TEST(BackupPlanCheckTest, OutsideDevAClusterNoSelectionNamesIsAWarning) {
  std::vector<Finding> findings = Findings({{"Db", Cluster()}}, "prod");
  ASSERT_THAT(Of(findings, "backup-plan"), ElementsAre("backup-plan Db"));
  for (const Finding& f : findings) {
    if (f.rule != "backup-plan") continue;
    EXPECT_EQ(f.severity, Severity::kWarning);
    EXPECT_EQ(f.message, "no AWS::Backup::BackupSelection selects it in environment prod");
  }
  EXPECT_THAT(Of(Findings({{"Db", Cluster()}}, "dev"), "backup-plan"), IsEmpty());
}

TEST(BackupPlanCheckTest, ASelectionByArnOrRefSatisfiesIt) {
  Json by_arn = {{"Db", Cluster()},
                 {"Sel", Selection(Json::parse(R"({"Fn::GetAtt": ["Db", "DBClusterArn"]})"))}};
  EXPECT_THAT(Of(Findings(by_arn, "prod"), "backup-plan"), IsEmpty());
  Json by_ref = {{"Db", Cluster()}, {"Sel", Selection(Json::parse(R"({"Ref": "Db"})"))}};
  EXPECT_THAT(Of(Findings(by_ref, "staging"), "backup-plan"), IsEmpty());
  // A selection of something else leaves the cluster unprotected.
  Json other = {{"Db", Cluster()},
                {"Other", Cluster()},
                {"Sel", Selection(Json::parse(R"({"Fn::GetAtt": ["Other", "DBClusterArn"]})"))}};
  EXPECT_THAT(Of(Findings(other, "prod"), "backup-plan"), ElementsAre("backup-plan Db"));
}

TEST(CloudTrailCheckTest, ATrailLogsEveryRegionAndValidatesItsFiles) {
  EXPECT_THAT(Of(Findings({{"Trail", Trail({})}}, "dev"), "cloudtrail"), IsEmpty());
  std::vector<Finding> findings = Findings(
      {{"Trail", Trail({{"IsMultiRegionTrail", false}, {"EnableLogFileValidation", false}})}},
      "dev");
  ASSERT_THAT(Of(findings, "cloudtrail"), ElementsAre("cloudtrail Trail"));
  EXPECT_EQ(findings[0].message, "IsMultiRegionTrail, EnableLogFileValidation are not true");
  Json unset = Trail({});
  unset["Properties"].erase("IsLogging");
  EXPECT_EQ(Findings({{"Trail", unset}}, "prod")[0].message, "IsLogging is not true");
}

TEST(CloudTrailCheckTest, AStackWithoutATrailIsNoFinding) {
  EXPECT_THAT(Of(Findings({{"Db", Cluster()}}, "prod"), "cloudtrail"), IsEmpty());
}

}  // namespace
}  // namespace rex::tmpl
