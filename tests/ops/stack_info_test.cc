#include "ops/stack_info.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/files.h"
#include "base/json.h"
#include "ops/harness.h"

namespace rex::ops {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The resources of a golden template as ListStackResources would list them once created:
// physical id "phys-<LogicalId>", except the types whose Ref is an ARN with structure.
std::vector<aws::StackResourceSummary> ResourcesOf(const std::string& golden) {
  auto text = base::ReadFile(testing::GoldenPath(golden));
  EXPECT_TRUE(text.ok());
  auto tmpl = base::ParseJson(text.ok() ? *text : "{}", golden);
  EXPECT_TRUE(tmpl.ok());
  std::vector<aws::StackResourceSummary> out;
  for (const auto& [id, resource] : (*tmpl)["Resources"].items()) {
    std::string type = resource["Type"].get<std::string>();
    std::string physical = "phys-" + id;
    if (type == "AWS::Amplify::App") physical = "arn:aws:amplify:us-east-1:123:apps/d1app";
    if (type == "AWS::Amplify::Branch") {
      physical = "arn:aws:amplify:us-east-1:123:apps/d1app/branches/main";
    }
    if (type == "AWS::ECS::Service") {
      physical = "arn:aws:ecs:us-east-1:123:service/rex-backend-dev-cluster/svc-" + id;
    }
    aws::StackResourceSummary r;
    r.logical_resource_id = id;
    r.physical_resource_id = physical;
    r.resource_type = type;
    r.resource_status = "CREATE_COMPLETE";
    out.push_back(r);
  }
  return out;
}

aws::Stack StackWithOutputs() {
  aws::Stack stack;
  stack.stack_name = "rex-backend-dev";
  stack.stack_status = "UPDATE_COMPLETE";
  stack.outputs = {{"ecsClusterName", "rex-backend-dev-cluster", "", ""},
                   {"migrationTaskDefinitionArn", "arn:td/migration:3", "", ""},
                   {"bootstrapTaskDefinitionArn", "arn:td/bootstrap:1", "", ""},
                   {"privateSubnetIds", "subnet-a,subnet-b", "", ""},
                   {"ecsSecurityGroup", "sg-123", "", ""},
                   {"albDnsName", "alb-1.elb.amazonaws.com", "", ""},
                   {"apiUrl", "https://api.example.com", "", ""},
                   {"frontendUrl", "https://main.d1app.amplifyapp.com", "", ""}};
  return stack;
}

// Pins the logical ids of src/stack/ that ops reads: if one is renamed, this fails.
TEST(StackInfoTest, EveryPartOfTheGoldenStackIsFound) {
  StackInfo info = BuildStackInfo(StackWithOutputs(), ResourcesOf("dev-everything"), "us-east-1");
  EXPECT_EQ(info.cluster, "rex-backend-dev-cluster");
  EXPECT_EQ(info.migration_task_definition, "arn:td/migration:3");
  EXPECT_EQ(info.bootstrap_task_definition, "arn:td/bootstrap:1");
  EXPECT_THAT(info.private_subnets, ElementsAre("subnet-a", "subnet-b"));
  EXPECT_EQ(info.services_security_group, "sg-123");
  ASSERT_EQ(info.services.size(), 3u);
  const ServiceInfo* api = info.FindService("api");
  ASSERT_NE(api, nullptr);
  EXPECT_EQ(api->service_arn,
            "arn:aws:ecs:us-east-1:123:service/rex-backend-dev-cluster/svc-ComputeApiService");
  EXPECT_EQ(api->service_name, "svc-ComputeApiService");
  EXPECT_EQ(api->log_group, "phys-MonitoringApiLogGroup");
  EXPECT_EQ(api->target_group_arn, "phys-LoadBalancerApiTargetGroup");
  ASSERT_NE(info.FindService("worker"), nullptr);
  EXPECT_EQ(info.FindService("worker")->target_group_arn, "");
  EXPECT_EQ(info.FindService("supertokens")->target_group_arn,
            "phys-LoadBalancerSupertokensTargetGroup");
  EXPECT_EQ(info.log_groups.at("migration"), "phys-MonitoringMigrationLogGroup");
  EXPECT_EQ(info.log_groups.at("bootstrap"), "phys-MonitoringBootstrapLogGroup");
  EXPECT_EQ(info.log_groups.at("worker"), "phys-MonitoringWorkerLogGroup");
  EXPECT_EQ(info.log_groups.at("supertokens"), "phys-MonitoringSupertokensLogGroup");
  EXPECT_EQ(info.load_balancer_arn, "phys-LoadBalancerAlb");
  EXPECT_EQ(info.alb_dns_name, "alb-1.elb.amazonaws.com");
  EXPECT_EQ(info.api_url, "https://api.example.com");
  EXPECT_EQ(info.frontend_url, "https://main.d1app.amplifyapp.com");
  EXPECT_EQ(info.db_cluster_identifier, "phys-DatabaseCluster");
  EXPECT_EQ(info.cache_replication_group_id, "phys-CacheReplicationGroup");
  EXPECT_EQ(info.amplify_app_id, "d1app");
  EXPECT_EQ(info.amplify_branch, "main");
  EXPECT_TRUE(RequireUsable(info).ok());
}

// Without the outputs (an older stack), the resources still give the ids.
TEST(StackInfoTest, FallsBackToResourcesWithoutOutputs) {
  aws::Stack stack;
  stack.stack_name = "rex-backend-dev";
  stack.stack_status = "CREATE_COMPLETE";
  StackInfo info = BuildStackInfo(stack, ResourcesOf("dev"), "us-east-1");
  EXPECT_EQ(info.cluster, "phys-ComputeCluster");
  EXPECT_EQ(info.migration_task_definition, "phys-ComputeMigrationTaskDefinition");
  EXPECT_EQ(info.bootstrap_task_definition, "phys-ComputeBootstrapTaskDefinition");
  EXPECT_THAT(info.private_subnets,
              ElementsAre("phys-NetworkPrivateSubnet1", "phys-NetworkPrivateSubnet2"));
  EXPECT_EQ(info.services_security_group, "phys-SecurityServicesSecurityGroup");
  // The dev preset has no Amplify app.
  EXPECT_EQ(info.amplify_app_id, "");
  EXPECT_EQ(info.api_url, "");
  base::Status missing = RequireField(info, info.amplify_app_id, "Amplify app");
  EXPECT_EQ(missing.code(), base::Code::kFailedPrecondition);
  EXPECT_EQ(missing.message(),
            "stack rex-backend-dev has no Amplify app; run \"rex up\" with this version of rex "
            "to add it");
}

TEST(StackInfoTest, UnusableStates) {
  StackInfo info;
  info.stack_name = "rex-backend-dev";
  struct Case {
    const char* status;
    const char* says;
  };
  for (const Case& c : {Case{"CREATE_IN_PROGRESS", "still being created"},
                        Case{"ROLLBACK_COMPLETE", "its creation failed"},
                        Case{"DELETE_IN_PROGRESS", "being deleted"}}) {
    info.stack_status = c.status;
    base::Status s = RequireUsable(info);
    EXPECT_EQ(s.code(), base::Code::kFailedPrecondition) << c.status;
    EXPECT_THAT(s.message(), HasSubstr(std::string("stack rex-backend-dev is ") + c.status));
    EXPECT_THAT(s.message(), HasSubstr(c.says));
  }
  for (const char* ok :
       {"CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "UPDATE_IN_PROGRESS"}) {
    info.stack_status = ok;
    EXPECT_TRUE(RequireUsable(info).ok()) << ok;
  }
}

TEST(StackInfoTest, LastArnSegment) {
  EXPECT_EQ(LastArnSegment("arn:aws:ecs:us-east-1:1:service/cluster/api"), "api");
  EXPECT_EQ(LastArnSegment("plain-name"), "plain-name");
}

TEST(StackInfoTest, MissingStackSaysRunUp) {
  testing::OpsHarness h;
  auto info = LoadStackInfo(h.cfn, testing::kStackName, "us-east-1");
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().code(), base::Code::kNotFound);
  EXPECT_EQ(info.error().message(),
            "stack rex-backend-dev does not exist in us-east-1; run \"rex up\" first");
}

// Against the fake endpoint: what a deployed dev stack answers is enough for every field the
// dev preset has.
TEST(StackInfoTest, ReadsADeployedStack) {
  testing::OpsHarness h;
  ASSERT_TRUE(h.Deploy());
  auto info = LoadStackInfo(h.cfn, testing::kStackName, "us-east-1");
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  auto resources = h.fake.StackResources(testing::kStackName);
  EXPECT_EQ(info->stack_status, "CREATE_COMPLETE");
  EXPECT_EQ(info->cluster, resources.at("ComputeCluster").physical_id);
  EXPECT_EQ(info->migration_task_definition,
            resources.at("ComputeMigrationTaskDefinition").physical_id);
  EXPECT_EQ(info->private_subnets.size(), 2u);
  EXPECT_EQ(info->services.size(), 3u);
  EXPECT_EQ(info->log_groups.size(), 5u);
  EXPECT_EQ(info->FindService("api")->service_arn, resources.at("ComputeApiService").physical_id);
  EXPECT_FALSE(info->db_cluster_identifier.empty());
  EXPECT_FALSE(info->cache_replication_group_id.empty());
}

}  // namespace
}  // namespace rex::ops
