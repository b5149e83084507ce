#include "constructs/fargate_service.h"

#include <gtest/gtest.h>

#include <string>

#include "cfn/iam.gen.h"
#include "core/stack.h"

namespace rex::constructs {
namespace {

using base::Json;

FargateServiceProps Props(core::Str cluster) {
  return FargateServiceProps{
      .id = "Mail",
      .name = "mail",
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
              }},
          },
      .cluster = std::move(cluster),
      .subnet_ids = core::List<core::Str>{"subnet-1"},
      .security_group_id = core::Str("sg-tasks"),
      .desired_count = 2,
  };
}

// A stack with one construct per kind of placement, the way a stack keeps log groups, IAM and
// rules, load balancing and alarms under components of their own.
struct Scopes {
  core::App app;
  core::Stack& stack = app.Add<core::Stack>("Shop");
  core::Construct& compute = stack.Add<core::Construct>("Compute");
  core::Construct& logs = stack.Add<core::Construct>("Logs");
  core::Construct& security = stack.Add<core::Construct>("Security");
  core::Construct& lb = stack.Add<core::Construct>("Lb");
  core::Construct& alarms = stack.Add<core::Construct>("Alarms");
};

// Behind the load balancer, with its own task role and alarms, each part in its scope.
FargateServiceProps BehindTheLoadBalancer(Scopes& s) {
  FargateServiceProps props = Props(core::Str("shop-cluster"));
  props.task.task_role_arn.reset();
  props.log_group = {.scope = &s.logs, .retention_days = 14};
  props.task_role = FargateServiceProps::TaskRole{.scope = &s.security};
  props.security_group_rules_scope = &s.security;
  props.load_balancer = FargateServiceProps::LoadBalancer{
      .scope = &s.lb,
      .vpc_id = core::Str("vpc-1"),
      .listener_arn = core::Str("arn:listener"),
      .path = "/mail/*",
      .priority = 30,
      .health_check_path = "/mail/health",
      .grace_seconds = 90,
      .security_group_id = core::Str("sg-alb"),
      .load_balancer_full_name = core::Str("app/shop-alb/1"),
  };
  props.alarms = FargateServiceProps::Alarms{
      .scope = &s.alarms, .topic_arn = core::Str("arn:topic"), .utilization_percent = 75};
  return props;
}

TEST(FargateServiceTest, TaskDefinitionServiceAndLogGroupUnderTheScopeWithPrefixedIds) {
  core::App app;
  auto& stack = app.Add<core::Stack>("Shop");
  auto& scope = stack.Add<core::Construct>("Compute");
  FargateService service(scope, Props(core::Str("shop-cluster")));
  auto t = stack.Synthesize();
  ASSERT_TRUE(t.has_value()) << t.error().message();
  const Json& resources = t->json["Resources"];
  // A task definition, a service and its log group; nothing else was asked for.
  EXPECT_EQ(resources.size(), 3u) << resources.dump(2);
  ASSERT_TRUE(resources.contains("ComputeMailTaskDefinition"));
  ASSERT_TRUE(resources.contains("ComputeMailService"));
  ASSERT_TRUE(resources.contains("ComputeMailLogGroup"));
  const Json& logs = resources["ComputeMailLogGroup"];
  EXPECT_EQ(logs["Properties"]["LogGroupName"], "/ecs/shop-dev-mail");
  EXPECT_EQ(logs["Properties"]["RetentionInDays"], 30);
  EXPECT_EQ(logs["DeletionPolicy"], "Delete");
  EXPECT_EQ(logs["UpdateReplacePolicy"], "Delete");
  const Json& task = resources["ComputeMailTaskDefinition"]["Properties"];
  EXPECT_EQ(task["Family"], "shop-dev-mail");
  EXPECT_EQ(task["Cpu"], "256");
  EXPECT_EQ(task["TaskRoleArn"], "arn:aws:iam::111122223333:role/mail");
  const Json& container = task["ContainerDefinitions"][0];
  EXPECT_EQ(container["PortMappings"][0]["ContainerPort"], 9000);
  EXPECT_EQ(container["Environment"][1]["Name"], "B");
  EXPECT_EQ(container["Secrets"][0]["Name"], "TOKEN");
  EXPECT_EQ(container["HealthCheck"]["Command"][0], "CMD-SHELL");
  EXPECT_EQ(container["LogConfiguration"]["Options"]["awslogs-group"],
            Json::parse(R"({"Ref": "ComputeMailLogGroup"})"));
  const Json& ecs = resources["ComputeMailService"]["Properties"];
  EXPECT_EQ(ecs["DesiredCount"], 2);
  EXPECT_EQ(ecs["ServiceName"], "shop-dev-mail");
  EXPECT_FALSE(ecs.contains("LoadBalancers"));
  EXPECT_FALSE(ecs.contains("ServiceRegistries"));
  EXPECT_EQ(ecs["DeploymentConfiguration"]["DeploymentCircuitBreaker"]["Rollback"], true);
  EXPECT_EQ(service.task_role(), nullptr);
  EXPECT_EQ(service.target_group(), nullptr);
  EXPECT_TRUE(service.alarms().empty());
}

TEST(FargateServiceTest, BehindTheLoadBalancerItOwnsEverythingInTheGivenScopes) {
  Scopes s;
  FargateService service(s.compute, BehindTheLoadBalancer(s));
  auto t = s.stack.Synthesize();
  ASSERT_TRUE(t.has_value()) << t.error().message();
  const Json& r = t->json["Resources"];
  for (const char* id : {"ComputeMailTaskDefinition", "ComputeMailService", "LogsMailLogGroup",
                         "SecurityMailTaskRole", "SecurityAlbToMail", "SecurityServicesFromAlbMail",
                         "LbMailTargetGroup", "LbMailRule", "AlarmsMailCpuAlarm",
                         "AlarmsMailMemoryAlarm", "AlarmsMailUnhealthyTargetsAlarm"}) {
    EXPECT_TRUE(r.contains(id)) << id;
  }
  EXPECT_EQ(r.size(), 11u) << r.dump(2);
  EXPECT_EQ(r["LogsMailLogGroup"]["Properties"]["RetentionInDays"], 14);

  // Its own task role: ECS tasks of this account assume it; no permissions.
  const Json& role = r["SecurityMailTaskRole"]["Properties"];
  EXPECT_EQ(role["Description"], "Task role of shop-dev-mail: its own identity, no permissions");
  EXPECT_FALSE(role.contains("Policies"));
  EXPECT_EQ(role["AssumeRolePolicyDocument"]["Statement"][0]["Condition"]["StringEquals"]
                ["aws:SourceAccount"],
            Json::parse(R"({"Ref": "AWS::AccountId"})"));
  EXPECT_EQ(r["ComputeMailTaskDefinition"]["Properties"]["TaskRoleArn"],
            Json::parse(R"({"Fn::GetAtt": ["SecurityMailTaskRole", "Arn"]})"));

  // Target group and the listener rule that forwards the path to it.
  const Json& tg = r["LbMailTargetGroup"]["Properties"];
  EXPECT_EQ(tg["Name"], "shop-dev-mail");
  EXPECT_EQ(tg["Port"], 9000);
  EXPECT_EQ(tg["VpcId"], "vpc-1");
  EXPECT_EQ(tg["TargetType"], "ip");
  EXPECT_EQ(tg["HealthCheckPath"], "/mail/health");
  const Json& rule = r["LbMailRule"]["Properties"];
  EXPECT_EQ(rule["ListenerArn"], "arn:listener");
  EXPECT_EQ(rule["Priority"], 30);
  EXPECT_EQ(rule["Conditions"][0]["PathPatternConfig"]["Values"], Json::array({"/mail/*"}));
  EXPECT_EQ(rule["Actions"][0]["TargetGroupArn"], Json::parse(R"({"Ref": "LbMailTargetGroup"})"));

  // The ALB's group reaches the port, and only that port.
  const Json& out = r["SecurityAlbToMail"]["Properties"];
  EXPECT_EQ(out["GroupId"], "sg-alb");
  EXPECT_EQ(out["DestinationSecurityGroupId"], "sg-tasks");
  EXPECT_EQ(out["FromPort"], 9000);
  EXPECT_EQ(out["ToPort"], 9000);
  EXPECT_EQ(out["Description"], "to mail tasks");
  const Json& in = r["SecurityServicesFromAlbMail"]["Properties"];
  EXPECT_EQ(in["GroupId"], "sg-tasks");
  EXPECT_EQ(in["SourceSecurityGroupId"], "sg-alb");
  EXPECT_EQ(in["Description"], "mail from the load balancer");

  // The ECS service forwards from the target group and waits for the rule.
  const Json& ecs = r["ComputeMailService"];
  EXPECT_EQ(ecs["Properties"]["LoadBalancers"], Json::parse(R"([{"ContainerName": "mail",
      "ContainerPort": 9000, "TargetGroupArn": {"Ref": "LbMailTargetGroup"}}])"));
  EXPECT_EQ(ecs["Properties"]["HealthCheckGracePeriodSeconds"], 90);
  EXPECT_EQ(ecs["DependsOn"], Json::array({"LbMailRule"}));

  // Alarms on the topic.
  const Json& cpu = r["AlarmsMailCpuAlarm"]["Properties"];
  EXPECT_EQ(cpu["AlarmName"], "shop-dev-mail-cpu-high");
  EXPECT_EQ(cpu["Threshold"], 75);
  EXPECT_EQ(cpu["AlarmActions"], Json::array({"arn:topic"}));
  EXPECT_EQ(cpu["OKActions"], Json::array({"arn:topic"}));
  EXPECT_EQ(cpu["AlarmDescription"], "mail service CPU at or above 75% for 10 minutes");
  EXPECT_EQ(cpu["Dimensions"], Json::parse(R"([{"Name": "ClusterName", "Value": "shop-cluster"},
      {"Name": "ServiceName", "Value": {"Fn::GetAtt": ["ComputeMailService", "Name"]}}])"));
  EXPECT_EQ(r["AlarmsMailUnhealthyTargetsAlarm"]["Properties"]["Dimensions"],
            Json::parse(R"([{"Name": "TargetGroup",
                              "Value": {"Fn::GetAtt": ["LbMailTargetGroup",
                                                       "TargetGroupFullName"]}},
                             {"Name": "LoadBalancer", "Value": "app/shop-alb/1"}])"));

  // Accessors reach what it made.
  ASSERT_NE(service.task_role(), nullptr);
  EXPECT_EQ(service.task_role()->logical_id(), "SecurityMailTaskRole");
  ASSERT_NE(service.target_group(), nullptr);
  ASSERT_NE(service.listener_rule(), nullptr);
  EXPECT_EQ(service.alarms().size(), 3u);
  EXPECT_EQ(service.log_group_arn().value().json(),
            Json::parse(R"({"Fn::GetAtt": ["LogsMailLogGroup", "Arn"]})"));
}

TEST(FargateServiceTest, ThePolicyOfAnotherConstructCanBeAttachedToItsTaskRole) {
  Scopes s;
  FargateService service(s.compute, BehindTheLoadBalancer(s));
  s.stack.Add<cfn::iam::CfnPolicy>(
      "MailQueueAccess", cfn::iam::CfnPolicyProps{
                             .policy_document = core::Json(Json::parse(R"({"Version": "2012-10-17",
              "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage",
                             "Resource": "arn:aws:sqs:us-east-1:111122223333:mail"}]})")),
                             .policy_name = "mail-queue",
                             .roles = core::List<core::Str>{service.task_role()->Ref()},
                         });
  auto t = s.stack.Synthesize();
  ASSERT_TRUE(t.has_value()) << t.error().message();
  EXPECT_EQ(t->json["Resources"]["MailQueueAccess"]["Properties"]["Roles"],
            Json::parse(R"([{"Ref": "SecurityMailTaskRole"}])"));
}

TEST(FargateServiceTest, CloudMapOnly) {
  Scopes s;
  FargateServiceProps props = Props(core::Str("shop-cluster"));
  props.security_group_rules_scope = &s.security;
  props.discovery = FargateServiceProps::Discovery{
      .namespace_id = core::Str("ns-1"), .name = "mail", .description = "mail tasks"};
  props.callers = {"api", "worker"};
  props.alarms = FargateServiceProps::Alarms{.topic_arn = core::Str("arn:topic")};
  FargateService service(s.compute, props);
  auto t = s.stack.Synthesize();
  ASSERT_TRUE(t.has_value()) << t.error().message();
  const Json& r = t->json["Resources"];
  const Json& ecs = r["ComputeMailService"]["Properties"];
  EXPECT_FALSE(ecs.contains("LoadBalancers"));
  EXPECT_FALSE(ecs.contains("HealthCheckGracePeriodSeconds"));
  EXPECT_FALSE(r["ComputeMailService"].contains("DependsOn"));
  EXPECT_EQ(ecs["ServiceRegistries"][0]["RegistryArn"],
            Json::parse(R"({"Fn::GetAtt": ["ComputeMailDiscovery", "Arn"]})"));
  EXPECT_EQ(r["ComputeMailDiscovery"]["Properties"]["Name"], "mail");
  // The tasks' group lets its own tasks reach the port; nothing from a load balancer.
  EXPECT_FALSE(r.contains("SecurityAlbToMail"));
  EXPECT_FALSE(r.contains("SecurityServicesFromAlbMail"));
  const Json& in = r["SecurityServicesFromServicesMail"]["Properties"];
  EXPECT_EQ(in["GroupId"], "sg-tasks");
  EXPECT_EQ(in["SourceSecurityGroupId"], "sg-tasks");
  EXPECT_EQ(in["FromPort"], 9000);
  EXPECT_EQ(in["Description"], "mail from the api, worker (Cloud Map)");
  const Json& out = r["SecurityServicesToServicesMail"]["Properties"];
  EXPECT_EQ(out["DestinationSecurityGroupId"], "sg-tasks");
  EXPECT_EQ(out["Description"], "to mail (Cloud Map)");
  // CPU and memory alarms (under the construct's scope: none given), no target group alarm.
  EXPECT_TRUE(r.contains("ComputeMailCpuAlarm"));
  EXPECT_TRUE(r.contains("ComputeMailMemoryAlarm"));
  EXPECT_FALSE(r.contains("ComputeMailUnhealthyTargetsAlarm"));
  EXPECT_EQ(service.alarms().size(), 2u);
  EXPECT_EQ(service.target_group(), nullptr);
  EXPECT_EQ(service.listener_rule(), nullptr);
}

TEST(FargateServiceTest, WithoutAPortNoRulesNoTargets) {
  Scopes s;
  FargateServiceProps props = Props(core::Str("shop-cluster"));
  props.task.containers[0].port.reset();
  props.task.task_role_arn.reset();
  props.security_group_rules_scope = &s.security;
  FargateService service(s.compute, props);
  auto t = s.stack.Synthesize();
  ASSERT_TRUE(t.has_value()) << t.error().message();
  const Json& r = t->json["Resources"];
  EXPECT_EQ(r.size(), 3u) << r.dump(2);  // task definition, service, log group
  const Json& task = r["ComputeMailTaskDefinition"]["Properties"];
  EXPECT_FALSE(task["ContainerDefinitions"][0].contains("PortMappings"));
  EXPECT_FALSE(task.contains("TaskRoleArn"));  // no AWS identity
}

TEST(FargateServiceTest, DiscoveryAndScaling) {
  core::App app;
  auto& stack = app.Add<core::Stack>("Shop");
  FargateServiceProps props = Props(core::Str("shop-cluster"));
  props.desired_count.reset();
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
  EXPECT_EQ(resources["MailScalableTarget"]["Properties"]["MaxCapacity"], 4);
  EXPECT_EQ(resources["MailCpuScaling"]["Properties"]["PolicyName"], "shop-mail-cpu");
}

// Synthesizes `props` in a Scopes stack and returns the error message ("" if it synthesized).
std::string ErrorOf(FargateServiceProps props) {
  core::App app;
  auto& stack = app.Add<core::Stack>("Shop");
  auto& compute = stack.Add<core::Construct>("Compute");
  auto& lb = stack.Add<core::Construct>("Lb");
  if (props.load_balancer.has_value()) props.load_balancer->scope = &lb;
  FargateService service(compute, std::move(props));
  auto t = stack.Synthesize();
  return t.has_value() ? "" : t.error().message();
}

FargateServiceProps WithLoadBalancer() {
  FargateServiceProps props = Props(core::Str("shop-cluster"));
  props.load_balancer = FargateServiceProps::LoadBalancer{
      .vpc_id = core::Str("vpc-1"),
      .listener_arn = core::Str("arn:listener"),
      .path = "/mail/*",
      .priority = 10,
      .security_group_id = core::Str("sg-alb"),
      .load_balancer_full_name = core::Str("app/shop-alb/1"),
  };
  return props;
}

TEST(FargateServiceTest, LoadBalancerOnAMissingContainerIsAnError) {
  FargateServiceProps props = WithLoadBalancer();
  props.load_balancer->container = "web";
  EXPECT_NE(ErrorOf(props).find("error: Shop/Compute: service shop-dev-mail forwards to container "
                                "web, which its task definition does not have"),
            std::string::npos)
      << ErrorOf(props);
}

TEST(FargateServiceTest, LoadBalancerErrors) {
  ASSERT_EQ(ErrorOf(WithLoadBalancer()), "");

  FargateServiceProps no_path = WithLoadBalancer();
  no_path.load_balancer->path = "";
  EXPECT_NE(ErrorOf(no_path).find("error: Shop/Compute: service shop-dev-mail has a load "
                                  "balancer but no path; give a path pattern such as /api/*"),
            std::string::npos)
      << ErrorOf(no_path);

  FargateServiceProps no_port = WithLoadBalancer();
  no_port.task.containers[0].port.reset();
  EXPECT_NE(ErrorOf(no_port).find("service shop-dev-mail forwards to container mail, which has "
                                  "no port; give the container a port"),
            std::string::npos)
      << ErrorOf(no_port);

  FargateServiceProps long_name = WithLoadBalancer();
  long_name.service_name = "a-very-long-shop-production-mail";  // 32: allowed
  EXPECT_EQ(ErrorOf(long_name), "");
  long_name.service_name = "a-very-long-shop-production-mails";
  EXPECT_NE(ErrorOf(long_name).find("error: Shop/Lb: target group name "
                                    "\"a-very-long-shop-production-mails\" has 33 characters; "
                                    "AWS allows at most 32"),
            std::string::npos)
      << ErrorOf(long_name);
}

TEST(FargateServiceTest, OtherErrors) {
  FargateServiceProps callers = Props(core::Str("shop-cluster"));
  callers.task.containers[0].port.reset();
  callers.callers = {"api"};
  EXPECT_NE(ErrorOf(callers).find("service shop-dev-mail has callers but its first container has "
                                  "no port; give it a port"),
            std::string::npos)
      << ErrorOf(callers);

  FargateServiceProps two_roles = Props(core::Str("shop-cluster"));
  two_roles.task_role = FargateServiceProps::TaskRole{};
  EXPECT_NE(ErrorOf(two_roles).find("service shop-dev-mail has both a task role of its own and "
                                    "task.task_role_arn; give one"),
            std::string::npos)
      << ErrorOf(two_roles);

  FargateServiceProps bare = Props(core::Str("shop-cluster"));
  bare.id = "";
  bare.subnet_ids = core::List<core::Str>{};
  bare.task.containers.clear();
  const std::string message = ErrorOf(bare);
  EXPECT_NE(message.find("a FargateService needs an id (prefix of logical ids)"), std::string::npos)
      << message;
  EXPECT_NE(message.find("service shop-dev-mail has no subnets; pass the private subnets"),
            std::string::npos);
  EXPECT_NE(message.find("task definition TaskDefinition has no containers; give at least one"),
            std::string::npos);
}

TEST(FargateServiceTest, AssumeRolePolicyPinsTheSourceOnlyWhenAsked) {
  Json pinned = EcsTasksAssumeRolePolicy(true).json();
  Json statement = pinned["Statement"][0];
  EXPECT_EQ(statement["Principal"]["Service"], "ecs-tasks.amazonaws.com");
  EXPECT_EQ(statement["Action"], "sts:AssumeRole");
  EXPECT_EQ(statement["Condition"]["ArnLike"]["aws:SourceArn"], Json::parse(R"({"Fn::Sub":
                "arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:*"})"));
  EXPECT_FALSE(EcsTasksAssumeRolePolicy(false).json()["Statement"][0].contains("Condition"));
}

}  // namespace
}  // namespace rex::constructs
