#include "stack/synthetic.h"

#include "cfn/cloudwatch.gen.h"
#include "cfn/ecs.gen.h"
#include "cfn/elasticloadbalancingv2.gen.h"
#include "cfn/iam.gen.h"
#include "cfn/logs.gen.h"
#include "core/intrinsics.h"
#include "stack/networking.h"

namespace rex::stack {
namespace {

namespace ec2 = cfn::ec2;
namespace ecs = cfn::ecs;
namespace elb = cfn::elasticloadbalancingv2;
using core::List;
using core::Str;

constexpr int kPerService = 6;

int BaseResourceCount() {
  // networking with defaults (one NAT, S3 endpoint) + cluster, two security groups, ALB,
  // listener, execution role.
  static const int count = [] {
    core::App app;
    auto& stack = app.Add<core::Stack>("Count");
    stack.Add<Networking>("Network", NetworkingProps{});
    auto result = stack.Synthesize();
    return static_cast<int>(result->json["Resources"].size()) + 6;
  }();
  return count;
}

}  // namespace

int SyntheticStack::ResourceCount(int services) {
  return BaseResourceCount() + kPerService * services;
}

int SyntheticStack::ServicesFor(int resources) {
  int needed = resources - BaseResourceCount();
  return needed <= 0 ? 0 : (needed + kPerService - 1) / kPerService;
}

SyntheticStack::SyntheticStack(core::Construct& scope, std::string id, SyntheticProps props)
    : core::Stack(scope, std::move(id),
                  core::StackProps{.description = "synthetic stack for benchmarks"}) {
  auto& net = Add<Networking>("Network", NetworkingProps{.name_prefix = "synthetic"});
  auto& cluster = Add<ecs::CfnCluster>("Cluster", ecs::CfnClusterProps{});
  auto& alb_sg = Add<ec2::CfnSecurityGroup>(
      "AlbSecurityGroup",
      ec2::CfnSecurityGroupProps{
          .group_description = "synthetic load balancer",
          .security_group_ingress =
              List<ec2::CfnSecurityGroup::Ingress>{ec2::CfnSecurityGroup::Ingress{
                  .cidr_ip = "0.0.0.0/0", .from_port = 80, .ip_protocol = "tcp", .to_port = 80}},
          .vpc_id = net.vpc_id()});
  auto& task_sg = Add<ec2::CfnSecurityGroup>(
      "TaskSecurityGroup",
      ec2::CfnSecurityGroupProps{
          .group_description = "synthetic tasks",
          .security_group_ingress =
              List<ec2::CfnSecurityGroup::Ingress>{
                  ec2::CfnSecurityGroup::Ingress{.from_port = 8080,
                                                 .ip_protocol = "tcp",
                                                 .source_security_group_id = alb_sg.attr_group_id(),
                                                 .to_port = 8080}},
          .vpc_id = net.vpc_id()});
  auto& alb = Add<elb::CfnLoadBalancer>(
      "LoadBalancer",
      elb::CfnLoadBalancerProps{.scheme = "internet-facing",
                                .security_groups = List<Str>{alb_sg.attr_group_id()},
                                .subnets = net.public_subnet_ids(),
                                .type = "application"});
  auto& listener = Add<elb::CfnListener>(
      "Listener",
      elb::CfnListenerProps{
          .default_actions = List<elb::CfnListener::Action>{elb::CfnListener::Action{
              .fixed_response_config = elb::CfnListener::FixedResponseConfig{.status_code = "404"},
              .type = "fixed-response"}},
          .load_balancer_arn = alb.Ref(),
          .port = 80,
          .protocol = "HTTP"});
  auto& role = Add<cfn::iam::CfnRole>(
      "ExecutionRole",
      cfn::iam::CfnRoleProps{.assume_role_policy_document = core::Json(base::Json::parse(R"({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                           "Action": "sts:AssumeRole"}]})")),
                             .managed_policy_arns = List<Str>{
                                 core::Sub("arn:${AWS::Partition}:iam::aws:policy/service-role/"
                                           "AmazonECSTaskExecutionRolePolicy")}});

  for (int i = 0; i < props.services; ++i) {
    std::string n = std::to_string(i + 1);
    auto& scope_i = Add<core::Construct>("Service" + n);
    auto& logs = scope_i.Add<cfn::logs::CfnLogGroup>(
        "Logs", cfn::logs::CfnLogGroupProps{.log_group_name = "/ecs/synthetic-" + n,
                                            .retention_in_days = 7});
    auto& task =
        scope_i.Add<ecs::CfnTaskDefinition>(
            "TaskDefinition",
            ecs::CfnTaskDefinitionProps{
                .container_definitions =
                    List<ecs::CfnTaskDefinition::ContainerDefinition>{
                        ecs::CfnTaskDefinition::ContainerDefinition{
                            .essential = true,
                            .image = "public.ecr.aws/nginx/nginx:stable",
                            .log_configuration =
                                ecs::CfnTaskDefinition::LogConfiguration{
                                    .log_driver = "awslogs",
                                    .options =
                                        core::Map<Str>{{"awslogs-group", logs.Ref()},
                                                       {"awslogs-region", core::aws::Region()},
                                                       {"awslogs-stream-prefix", "app"}}},
                            .name = "app",
                            .port_mappings =
                                List<ecs::CfnTaskDefinition::PortMapping>{
                                    ecs::CfnTaskDefinition::PortMapping{.container_port = 8080}}}},
                .cpu = "256",
                .execution_role_arn = role.attr_arn(),
                .family = "synthetic-" + n,
                .memory = "512",
                .network_mode = "awsvpc",
                .requires_compatibilities = List<Str>{"FARGATE"}});
    auto& group = scope_i.Add<elb::CfnTargetGroup>(
        "TargetGroup", elb::CfnTargetGroupProps{.health_check_path = "/health",
                                                .port = 8080,
                                                .protocol = "HTTP",
                                                .target_type = "ip",
                                                .vpc_id = net.vpc_id()});
    auto& rule = scope_i.Add<elb::CfnListenerRule>(
        "Rule",
        elb::CfnListenerRuleProps{
            .actions = List<elb::CfnListenerRule::Action>{elb::CfnListenerRule::Action{
                .target_group_arn = group.Ref(), .type = "forward"}},
            .conditions =
                List<elb::CfnListenerRule::RuleCondition>{elb::CfnListenerRule::RuleCondition{
                    .field = "path-pattern", .values = List<Str>{"/s" + n + "/*"}}},
            .listener_arn = listener.Ref(),
            .priority = i + 1});
    auto& service = scope_i.Add<ecs::CfnService>(
        "Service",
        ecs::CfnServiceProps{
            .cluster = cluster.Ref(),
            .desired_count = 1,
            .launch_type = "FARGATE",
            .load_balancers = List<ecs::CfnService::LoadBalancer>{ecs::CfnService::LoadBalancer{
                .container_name = "app", .container_port = 8080, .target_group_arn = group.Ref()}},
            .network_configuration =
                ecs::CfnService::NetworkConfiguration{
                    .awsvpc_configuration =
                        ecs::CfnService::AwsVpcConfiguration{
                            .assign_public_ip = "DISABLED",
                            .security_groups = List<Str>{task_sg.attr_group_id()},
                            .subnets = net.private_subnet_ids()}},
            .task_definition = task.Ref()});
    service.AddDependsOn(rule);
    scope_i.Add<cfn::cloudwatch::CfnAlarm>(
        "CpuAlarm", cfn::cloudwatch::CfnAlarmProps{
                        .comparison_operator = "GreaterThanOrEqualToThreshold",
                        .dimensions =
                            List<cfn::cloudwatch::CfnAlarm::Dimension>{
                                cfn::cloudwatch::CfnAlarm::Dimension{.name = "ClusterName",
                                                                     .value = cluster.Ref()},
                                cfn::cloudwatch::CfnAlarm::Dimension{.name = "ServiceName",
                                                                     .value = service.attr_name()}},
                        .evaluation_periods = 3,
                        .metric_name = "CPUUtilization",
                        .namespace_ = "AWS/ECS",
                        .period = 60,
                        .statistic = "Average",
                        .threshold = 80});
  }
}

}  // namespace rex::stack
