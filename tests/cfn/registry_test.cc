#include <gtest/gtest.h>

#include <iterator>
#include <map>
#include <string>
#include <string_view>

#include "cfn/ecr.gen.h"
#include "cfn/rds.gen.h"
#include "cfn/registry.gen.h"

namespace rex::cfn {
namespace {

TEST(RegistryTest, FindsKnownTypesOnly) {
  const core::ResourceSchema* cluster = FindResourceSchema("AWS::RDS::DBCluster");
  ASSERT_NE(cluster, nullptr);
  EXPECT_EQ(cluster, &rds::CfnDBCluster::Schema());
  EXPECT_EQ(FindResourceSchema("AWS::Nope::Thing"), nullptr);
  EXPECT_EQ(FindResourceSchema(""), nullptr);
}

TEST(RegistryTest, RdsDbClusterIsStatefulWithReplacingProperties) {
  const core::ResourceSchema* cluster = FindResourceSchema("AWS::RDS::DBCluster");
  ASSERT_NE(cluster, nullptr);
  EXPECT_TRUE(cluster->stateful);
  const core::PropertySchema* mode = cluster->FindProperty("EngineMode");
  ASSERT_NE(mode, nullptr);
  EXPECT_EQ(mode->replacement, core::Replacement::kYes);
  const core::PropertySchema* id = cluster->FindProperty("DBClusterIdentifier");
  ASSERT_NE(id, nullptr);
  EXPECT_EQ(id->replacement, core::Replacement::kYes);
  ASSERT_NE(cluster->FindAttribute("Endpoint.Address"), nullptr);
}

TEST(RegistryTest, SubnetVpcIdIsRequiredAndReplaces) {
  const core::ResourceSchema* subnet = FindResourceSchema("AWS::EC2::Subnet");
  ASSERT_NE(subnet, nullptr);
  EXPECT_FALSE(subnet->stateful);
  const core::PropertySchema* vpc = subnet->FindProperty("VpcId");
  ASSERT_NE(vpc, nullptr);
  EXPECT_TRUE(vpc->required);
  EXPECT_EQ(vpc->replacement, core::Replacement::kYes);
  const core::AttributeSchema* blocks = subnet->FindAttribute("Ipv6CidrBlocks");
  ASSERT_NE(blocks, nullptr);
  EXPECT_EQ(blocks->kind, core::TypeKind::kList);
}

TEST(RegistryTest, StatefulResources) {
  // Marked by the schema.
  for (std::string_view type :
       {"AWS::RDS::DBInstance", "AWS::ElastiCache::ReplicationGroup", "AWS::Logs::LogGroup",
        "AWS::S3::Bucket", "AWS::SecretsManager::Secret"}) {
    const core::ResourceSchema* schema = FindResourceSchema(type);
    ASSERT_NE(schema, nullptr) << type;
    EXPECT_TRUE(schema->stateful) << type;
  }
  // rex's own augmentation (tools/refresh-spec): the repository holds the images.
  EXPECT_TRUE(ecr::CfnRepository::Schema().stateful);
  EXPECT_FALSE(FindResourceSchema("AWS::EC2::VPC")->stateful);
}

TEST(RegistryTest, ConstraintsMergedFromProviderSchemas) {
  const core::ResourceSchema* service = FindResourceSchema("AWS::ECS::Service");
  ASSERT_NE(service, nullptr);
  const core::PropertySchema* launch = service->FindProperty("LaunchType");
  ASSERT_NE(launch, nullptr);
  EXPECT_FALSE(launch->allowed_values.empty());
  const core::ResourceSchema* group = FindResourceSchema("AWS::Logs::LogGroup");
  ASSERT_NE(group, nullptr);
  const core::PropertySchema* name = group->FindProperty("LogGroupName");
  ASSERT_NE(name, nullptr);
  EXPECT_FALSE(name->pattern.empty());
  EXPECT_EQ(name->max_length, 512);
}

TEST(RegistryTest, EveryServiceHasResourcesAndTheListIsSorted) {
  std::map<std::string, int> per_service;
  std::string_view previous;
  for (const core::ResourceSchema* schema : AllResourceSchemas()) {
    EXPECT_LT(previous, schema->type);
    previous = schema->type;
    EXPECT_EQ(FindResourceSchema(schema->type), schema);
    const std::string_view type = schema->type;
    per_service[std::string(type.substr(0, type.rfind("::")))]++;
  }
  const std::string_view namespaces[] = {
      "AWS::EC2",       "AWS::RDS",     "AWS::ElastiCache",
      "AWS::ECR",       "AWS::ECS",     "AWS::ServiceDiscovery",
      "AWS::IAM",       "AWS::Logs",    "AWS::ElasticLoadBalancingV2",
      "AWS::Amplify",   "AWS::SNS",     "AWS::ApplicationAutoScaling",
      "AWS::WAFv2",     "AWS::Route53", "AWS::CloudWatch",
      "AWS::S3",        "AWS::SQS",     "AWS::SecretsManager",
      "AWS::Scheduler", "AWS::Backup",  "AWS::CloudTrail",
      "AWS::Events",    "AWS::KMS",     "AWS::StepFunctions",
  };
  for (std::string_view ns : namespaces) EXPECT_GT(per_service[std::string(ns)], 0) << ns;
  EXPECT_EQ(per_service.size(), std::size(namespaces));
}

}  // namespace
}  // namespace rex::cfn
