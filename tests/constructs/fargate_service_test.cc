#include "constructs/fargate_service.h"

#include <gtest/gtest.h>

#include <string>

#include "core/stack.h"

namespace rex::constructs {
namespace {

using base::Json;

FargateServiceProps Props(core::Str cluster) {
  return FargateServiceProps{
      .id = "Mail",
      .service_name = "shop-dev-mail",
      .task =
          FargateTaskDefinitionProps{
              .cpu = 256,
              .memory = 512,
              .execution_role_arn = core::Str("arn:aws:iam::111122223333:role/exec"),
              .task_role_arn = core::Str("arn:aws:iam::111122223333:role/mail"),
              .containers = {FargateContainer{
                  .name = "mail",
                  .image = core::Str("example.com/mail:1.0"),
                  .port = 9000,
                  .environment = {{"A", core::Str("1")}, {"B", core::Str("2")}},
                  .secrets = {{"TOKEN", core::Str("arn:aws:secretsmanager:us-east-1:1:secret:t")}},
                  .health_check_command = "true",
                  .log_group = core::Str("/ecs/shop-dev-mail"),
              }},
          },
      .cluster = std::move(cluster),
      .subnet_ids = core::List<core::Str>{"subnet-1"},
      .security_group_id = core::Str("sg-1"),
      .desired_count = 2,
  };
}

TEST(FargateServiceTest, TaskDefinitionAndServiceUnderTheScopeWithPrefixedIds) {
  core::App app;
  auto& stack = app.Add<core::Stack>("Shop");
  auto& scope = stack.Add<core::Construct>("Compute");
  FargateService service(scope, Props(core::Str("shop-cluster")));
  auto t = stack.Synthesize();
  ASSERT_TRUE(t.has_value()) << t.error().message();
  const Json& resources = t->json["Resources"];
  ASSERT_TRUE(resources.contains("ComputeMailTaskDefinition"));
  ASSERT_TRUE(resources.contains("ComputeMailService"));
  EXPECT_FALSE(resources.contains("ComputeMailDiscovery"));
  EXPECT_FALSE(resources.contains("ComputeMailScalableTarget"));
  const Json& task = resources["ComputeMailTaskDefinition"]["Properties"];
  EXPECT_EQ(task["Family"], "shop-dev-mail");
  EXPECT_EQ(task["Cpu"], "256");
  const Json& container = task["ContainerDefinitions"][0];
  EXPECT_EQ(container["PortMappings"][0]["ContainerPort"], 9000);
  EXPECT_EQ(container["Environment"][1]["Name"], "B");
  EXPECT_EQ(container["Secrets"][0]["Name"], "TOKEN");
  EXPECT_EQ(container["HealthCheck"]["Command"][0], "CMD-SHELL");
  const Json& ecs = resources["ComputeMailService"]["Properties"];
  EXPECT_EQ(ecs["DesiredCount"], 2);
  EXPECT_EQ(ecs["ServiceName"], "shop-dev-mail");
  EXPECT_FALSE(ecs.contains("LoadBalancers"));
  EXPECT_EQ(ecs["DeploymentConfiguration"]["DeploymentCircuitBreaker"]["Rollback"], true);
}

TEST(FargateServiceTest, DiscoveryScalingAndLoadBalancer) {
  core::App app;
  auto& stack = app.Add<core::Stack>("Shop");
  FargateServiceProps props = Props(core::Str("shop-cluster"));
  props.desired_count.reset();
  props.load_balancer = FargateServiceProps::LoadBalancer{.target_group_arn = core::Str("arn:tg"),
                                                          .container = "mail",
                                                          .port = 9000,
                                                          .grace_seconds = 90};
  props.discovery = FargateServiceProps::Discovery{
      .namespace_id = core::Str("ns-1"), .name = "mail", .description = "mail tasks"};
  props.scaling = FargateServiceProps::Scaling{
      .min_count = 2, .max_count = 4, .target_cpu_percent = 50, .policy_name = "shop-mail-cpu"};
  FargateService service(stack, props);
  auto t = stack.Synthesize();
  ASSERT_TRUE(t.has_value()) << t.error().message();
  const Json& resources = t->json["Resources"];
  const Json& ecs = resources["MailService"]["Properties"];
  EXPECT_FALSE(ecs.contains("DesiredCount"));
  EXPECT_EQ(ecs["HealthCheckGracePeriodSeconds"], 90);
  EXPECT_EQ(ecs["LoadBalancers"][0]["ContainerName"], "mail");
  EXPECT_EQ(ecs["ServiceRegistries"][0]["RegistryArn"],
            Json::parse(R"({"Fn::GetAtt":["MailDiscovery","Arn"]})"));
  EXPECT_EQ(resources["MailScalableTarget"]["Properties"]["MaxCapacity"], 4);
  EXPECT_EQ(resources["MailCpuScaling"]["Properties"]["PolicyName"], "shop-mail-cpu");
}

TEST(FargateServiceTest, LoadBalancerOnAMissingContainerIsAnError) {
  core::App app;
  auto& stack = app.Add<core::Stack>("Shop");
  FargateServiceProps props = Props(core::Str("shop-cluster"));
  props.load_balancer = FargateServiceProps::LoadBalancer{
      .target_group_arn = core::Str("arn:tg"), .container = "web", .port = 9000};
  FargateService service(stack, props);
  auto t = stack.Synthesize();
  ASSERT_FALSE(t.has_value());
  EXPECT_NE(t.error().message().find(
                "service shop-dev-mail forwards to container web, which its task definition "
                "does not have"),
            std::string::npos)
      << t.error().message();
}

}  // namespace
}  // namespace rex::constructs
