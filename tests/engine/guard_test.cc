#include "engine/guard.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cfn/registry.gen.h"
#include "template/plan.h"

namespace rex::engine {
namespace {

using ::testing::ElementsAre;

base::Json Cluster(const std::string& identifier, const std::string& deletion_policy = "",
                   const std::string& replace_policy = "") {
  base::Json r = {
      {"Type", "AWS::RDS::DBCluster"},
      {"Properties", {{"Engine", "aurora-postgresql"}, {"DBClusterIdentifier", identifier}}},
      {"Metadata", {{"rex:path", "Rex/Database/Cluster"}}}};
  if (!deletion_policy.empty()) r["DeletionPolicy"] = deletion_policy;
  if (!replace_policy.empty()) r["UpdateReplacePolicy"] = replace_policy;
  return r;
}

base::Json With(const base::Json& resource) {
  return {{"Resources", {{"DatabaseCluster", resource}, {"Topic", {{"Type", "AWS::SNS::Topic"}}}}}};
}

DataLossReport GuardOf(const base::Json& before, const base::Json& after) {
  return GuardPlan(tmpl::ComputePlan(before, after, cfn::FindResourceSchema));
}

TEST(GuardPlanTest, AReplacedDatabaseIsDataLossNamingWhatChanged) {
  DataLossReport r = GuardOf(With(Cluster("a")), With(Cluster("b")));
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].cause, DataLossCause::kReplaced);
  EXPECT_FALSE(r.findings[0].from_change_set);
  EXPECT_THAT(r.Lines(), ElementsAre("Database/Cluster (AWS::RDS::DBCluster): replaced "
                                     "(DBClusterIdentifier changed)"));
  EXPECT_EQ(r.Names(), "Database/Cluster");
}

TEST(GuardPlanTest, ADeletionIsDataLossUnlessRetained) {
  base::Json none = {{"Resources", {{"Topic", {{"Type", "AWS::SNS::Topic"}}}}}};
  EXPECT_THAT(GuardOf(With(Cluster("a")), none).Lines(),
              ElementsAre("Database/Cluster (AWS::RDS::DBCluster): deleted (no DeletionPolicy: "
                          "CloudFormation deletes it)"));
  EXPECT_THAT(GuardOf(With(Cluster("a", "Snapshot")), none).Lines(),
              ElementsAre("Database/Cluster (AWS::RDS::DBCluster): deleted (DeletionPolicy "
                          "Snapshot)"));
  EXPECT_TRUE(GuardOf(With(Cluster("a", "Retain")), none).empty());
}

TEST(GuardPlanTest, DroppingAPolicyThatKeepsDataIsGuarded) {
  EXPECT_THAT(GuardOf(With(Cluster("a", "Retain")), With(Cluster("a", "Delete"))).Lines(),
              ElementsAre("Database/Cluster (AWS::RDS::DBCluster): protection dropped "
                          "(DeletionPolicy Retain → Delete)"));
  EXPECT_THAT(GuardOf(With(Cluster("a", "", "Snapshot")), With(Cluster("a"))).Lines(),
              ElementsAre("Database/Cluster (AWS::RDS::DBCluster): protection dropped "
                          "(UpdateReplacePolicy Snapshot → none (Delete))"));
  // Adding or strengthening protection is fine, and so is anything on a stateless resource.
  EXPECT_TRUE(GuardOf(With(Cluster("a")), With(Cluster("a", "Retain"))).empty());
  EXPECT_TRUE(GuardOf(With(Cluster("a", "Snapshot")), With(Cluster("a", "Retain"))).empty());
  base::Json topic_retained = {
      {"Resources", {{"Topic", {{"Type", "AWS::SNS::Topic"}, {"DeletionPolicy", "Retain"}}}}}};
  base::Json topic = {{"Resources", {{"Topic", {{"Type", "AWS::SNS::Topic"}}}}}};
  EXPECT_TRUE(GuardOf(topic_retained, topic).empty());
}

aws::CfnResourceChange Change(const std::string& action, const std::string& id,
                              const std::string& type, const std::string& replacement = "") {
  aws::CfnResourceChange c;
  c.action = action;
  c.logical_resource_id = id;
  c.resource_type = type;
  c.replacement = replacement;
  return c;
}

TEST(GuardChangeSetTest, TheOneRulePerChange) {
  auto modify = Change("Modify", "C", "AWS::RDS::DBCluster", "True");
  EXPECT_EQ(ChangeLosesData(modify, true, ""), DataLossCause::kReplaced);
  EXPECT_EQ(ChangeLosesData(modify, false, ""), std::nullopt);  // stateless
  modify.replacement = "Conditional";
  EXPECT_EQ(ChangeLosesData(modify, true, ""), DataLossCause::kMayBeReplaced);
  modify.replacement = "False";
  EXPECT_EQ(ChangeLosesData(modify, true, ""), std::nullopt);
  auto remove = Change("Remove", "C", "AWS::RDS::DBCluster");
  EXPECT_EQ(ChangeLosesData(remove, true, ""), DataLossCause::kDeleted);
  EXPECT_EQ(ChangeLosesData(remove, true, "Snapshot"), DataLossCause::kDeleted);
  EXPECT_EQ(ChangeLosesData(remove, true, "Retain"), std::nullopt);
  EXPECT_EQ(ChangeLosesData(remove, true, "RetainExceptOnCreate"), std::nullopt);
  EXPECT_EQ(ChangeLosesData(Change("Add", "C", "AWS::RDS::DBCluster"), true, ""), std::nullopt);
}

TEST(GuardChangeSetTest, FindingsFromTheSchemasAndTheDeployedTemplate) {
  base::Json deployed = {
      {"Resources",
       {{"Cache",
         {{"Type", "AWS::ElastiCache::ReplicationGroup"},
          {"Metadata", {{"rex:path", "Rex/Cache/ReplicationGroup"}}}}},
        {"Logs", {{"Type", "AWS::Logs::LogGroup"}, {"DeletionPolicy", "Retain"}}},
        {"Repo", {{"Type", "AWS::ECR::Repository"}}}}}};
  std::vector<aws::CfnResourceChange> changes = {
      Change("Modify", "Cache", "AWS::ElastiCache::ReplicationGroup", "Conditional"),
      Change("Remove", "Logs", "AWS::Logs::LogGroup"),       // retained
      Change("Remove", "Repo", "AWS::ECR::Repository"),      // lost
      Change("Modify", "Topic", "AWS::SNS::Topic", "True"),  // stateless
  };
  DataLossReport r = GuardChangeSet(changes, &deployed, nullptr, cfn::FindResourceSchema);
  EXPECT_THAT(r.Lines(),
              ElementsAre("Cache/ReplicationGroup (AWS::ElastiCache::ReplicationGroup): may be "
                          "replaced (CloudFormation: Replacement Conditional)",
                          "Repo (AWS::ECR::Repository): deleted (CloudFormation removes it; no "
                          "DeletionPolicy)"));
  EXPECT_TRUE(r.findings[0].from_change_set);
  // Without the deployed template a removal counts as without Retain.
  EXPECT_EQ(GuardChangeSet(changes, nullptr, nullptr, cfn::FindResourceSchema).findings.size(), 3u);
}

TEST(GuardTest, MergeKeepsOneFindingPerResourceAndCause) {
  DataLossReport a = GuardOf(With(Cluster("a")), With(Cluster("b")));
  DataLossReport b =
      GuardChangeSet({Change("Modify", "DatabaseCluster", "AWS::RDS::DBCluster", "True")}, nullptr,
                     nullptr, cfn::FindResourceSchema);
  a.Merge(b);
  EXPECT_EQ(a.findings.size(), 1u);
  EXPECT_EQ(DataLossMessage(a, "nothing was deployed"),
            "this deploy destroys the data of Database/Cluster; nothing was deployed. Rerun with "
            "--allow-data-loss if that is intended (a backup first is wise)\n"
            "  Database/Cluster (AWS::RDS::DBCluster): replaced (DBClusterIdentifier changed)");
}

}  // namespace
}  // namespace rex::engine
