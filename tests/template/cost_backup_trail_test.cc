// rex cost's prices of the AWS Backup plan and the CloudTrail trail (template/cost.h).

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "base/json.h"
#include "template/cost.h"

namespace rex::tmpl {
namespace {

using base::Json;

const CostItem* FindItem(const CostReport& report, const std::string& id, const std::string& item) {
  for (const CostItem& i : report.items) {
    if (i.logical_id == id && i.item == item) return &i;
  }
  return nullptr;
}

bool Listed(const std::vector<std::string>& list, const std::string& text) {
  return std::any_of(list.begin(), list.end(),
                     [&](const std::string& s) { return s.find(text) != std::string::npos; });
}

Json Plan(bool copy) {
  Json rule = {{"RuleName", "daily"}, {"TargetBackupVault", "v"}};
  if (copy) rule["CopyActions"] = Json::array({{{"DestinationBackupVaultArn", "arn:copy"}}});
  return {{"Type", "AWS::Backup::BackupPlan"},
          {"Properties", {{"BackupPlan", {{"BackupPlanName", "p"}, {"BackupPlanRule", {rule}}}}}}};
}

Json Resources(bool copy) {
  return {{"Resources",
           {{"Vault",
             {{"Type", "AWS::Backup::BackupVault"}, {"Properties", {{"BackupVaultName", "v"}}}}},
            {"Plan", Plan(copy)},
            {"Selection",
             {{"Type", "AWS::Backup::BackupSelection"},
              {"Properties", {{"BackupPlanId", {{"Ref", "Plan"}}}}}}},
            {"Trail",
             {{"Type", "AWS::CloudTrail::Trail"},
              {"Properties", {{"IsLogging", true}, {"S3BucketName", "b"}}}}}}}};
}

TEST(BackupCostTest, TheVaultsWarmStorageIsPricedPerGbMonth) {
  CostReport report = EstimateCost(Resources(false), Assumptions());
  const CostItem* storage = FindItem(report, "Vault", "backups stored (warm)");
  ASSERT_NE(storage, nullptr);
  EXPECT_EQ(storage->quantity, 10);  // backupStorageGb
  EXPECT_EQ(storage->price_key, "backup.aurora.gb_month");
  EXPECT_DOUBLE_EQ(storage->monthly, 0.21);  // 10 GB × $0.021
  // Without a copy action the plan costs nothing by itself; the selection never does.
  EXPECT_TRUE(Listed(report.free, "(AWS::Backup::BackupPlan)"));
  EXPECT_TRUE(Listed(report.free, "(AWS::Backup::BackupSelection)"));
  EXPECT_FALSE(Listed(report.unpriced, "Backup"));
}

TEST(BackupCostTest, ACopyRegionStoresTheBackupsAgainAndSendsThem) {
  Assumptions assumptions;
  ASSERT_TRUE(assumptions.Set("backupStorageGb", 50).ok());
  ASSERT_TRUE(assumptions.Set("backupCopyGbPerMonth", 20).ok());
  CostReport report = EstimateCost(Resources(true), assumptions);
  const CostItem* stored = FindItem(report, "Plan", "copies stored in the copy region (warm)");
  ASSERT_NE(stored, nullptr);
  EXPECT_DOUBLE_EQ(stored->monthly, 1.05);  // 50 GB × $0.021
  const CostItem* sent = FindItem(report, "Plan", "copies sent to the copy region");
  ASSERT_NE(sent, nullptr);
  EXPECT_EQ(sent->price_key, "data_transfer.inter_region.gb");
  EXPECT_DOUBLE_EQ(sent->monthly, 0.40);  // 20 GB × $0.02
  EXPECT_FALSE(Listed(report.free, "(AWS::Backup::BackupPlan)"));
}

TEST(TrailCostTest, TheFirstCopyOfManagementEventsIsFreeAnotherIsPriced) {
  CostReport first = EstimateCost(Resources(false), Assumptions());
  const CostItem* free_copy =
      FindItem(first, "Trail", "management events beyond the free first copy");
  ASSERT_NE(free_copy, nullptr);
  EXPECT_EQ(free_copy->monthly, 0);

  Assumptions second_trail;
  ASSERT_TRUE(second_trail.Set("cloudTrailPaidHundredThousandEvents", 3).ok());
  CostReport paid = EstimateCost(Resources(false), second_trail);
  const CostItem* events = FindItem(paid, "Trail", "management events beyond the free first copy");
  ASSERT_NE(events, nullptr);
  EXPECT_EQ(events->price_key, "cloudtrail.management_events.hundred_thousand");
  EXPECT_DOUBLE_EQ(events->monthly, 6.00);  // 300,000 events × $2.00 per 100,000
}

}  // namespace
}  // namespace rex::tmpl
