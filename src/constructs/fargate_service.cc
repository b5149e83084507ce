#include "constructs/fargate_service.h"

#include <utility>

#include "base/strings.h"
#include "cfn/ec2.gen.h"
#include "constructs/alarm.h"
#include "core/intrinsics.h"

namespace rex::constructs {
namespace {

using core::List;
using core::Str;
using EcsService = cfn::ecs::CfnService;
using TaskDef = cfn::ecs::CfnTaskDefinition;
namespace sd = cfn::servicediscovery;
namespace aas = cfn::applicationautoscaling;
namespace elbv2 = cfn::elasticloadbalancingv2;

// AWS caps target group names at 32 characters.
constexpr size_t kMaxTargetGroupNameLength = 32;

void AddIngress(core::Construct& scope, const std::string& id, const Str& to, const Str& from,
                int port, std::string description) {
  scope.Add<cfn::ec2::CfnSecurityGroupIngress>(id, cfn::ec2::CfnSecurityGroupIngressProps{
                                                       .description = std::move(description),
                                                       .from_port = port,
                                                       .group_id = to,
                                                       .ip_protocol = "tcp",
                                                       .source_security_group_id = from,
                                                       .to_port = port,
                                                   });
}

void AddEgress(core::Construct& scope, const std::string& id, const Str& from, const Str& to,
               int port, std::string description) {
  scope.Add<cfn::ec2::CfnSecurityGroupEgress>(id, cfn::ec2::CfnSecurityGroupEgressProps{
                                                      .description = std::move(description),
                                                      .destination_security_group_id = to,
                                                      .from_port = port,
                                                      .group_id = from,
                                                      .ip_protocol = "tcp",
                                                      .to_port = port,
                                                  });
}

TaskDef::ContainerDefinition ContainerOf(const FargateContainer& spec) {
  std::optional<List<TaskDef::ContainerDependency>> depends_on;
  for (const std::string& container : spec.after_success) {
    if (!depends_on.has_value()) depends_on.emplace();
    depends_on->push_back({.condition = "SUCCESS", .container_name = container});
  }
  std::optional<List<TaskDef::KeyValuePair>> environment;
  for (const auto& [name, value] : spec.environment) {
    if (!environment.has_value()) environment.emplace();
    environment->push_back(TaskDef::KeyValuePair{.name = name, .value = value});
  }
  std::optional<List<TaskDef::PortMapping>> ports;
  if (spec.port.has_value()) {
    ports = List<TaskDef::PortMapping>{{
        .container_port = *spec.port,
        .name = spec.name,
        .protocol = "tcp",
    }};
  }
  std::optional<List<TaskDef::Secret>> secrets;
  for (const auto& [name, value_from] : spec.secrets) {
    if (!secrets.has_value()) secrets.emplace();
    secrets->push_back(TaskDef::Secret{.name = name, .value_from = value_from});
  }
  std::optional<TaskDef::HealthCheck> health_check;
  if (spec.health_check_command.has_value()) {
    health_check = TaskDef::HealthCheck{
        .command = List<Str>{"CMD-SHELL", *spec.health_check_command},
        .interval = 30,
        .retries = 3,
        .start_period = 60,
        .timeout = 5,
    };
  }
  TaskDef::LogConfiguration logs{
      .log_driver = "awslogs",
      .options =
          core::Map<Str>{
              {"awslogs-group", spec.log_group},
              {"awslogs-region", core::aws::Region()},
              {"awslogs-stream-prefix", spec.name},
          },
  };
  return TaskDef::ContainerDefinition{
      .command = spec.command,
      .depends_on = depends_on,
      .environment = environment,
      .essential = spec.essential,
      .health_check = health_check,
      .image = spec.image,
      .log_configuration = logs,
      .name = spec.name,
      .port_mappings = ports,
      .secrets = secrets,
  };
}

}  // namespace

cfn::ecs::CfnTaskDefinition& AddFargateTaskDefinition(core::Construct& scope,
                                                      const std::string& logical_id,
                                                      const FargateTaskDefinitionProps& props) {
  if (props.containers.empty()) {
    scope.AddError("task definition " + logical_id + " has no containers; give at least one");
  }
  List<TaskDef::ContainerDefinition> definitions;
  for (const FargateContainer& spec : props.containers) definitions.push_back(ContainerOf(spec));
  return scope.Add<TaskDef>(logical_id, cfn::ecs::CfnTaskDefinitionProps{
                                            .container_definitions = definitions,
                                            .cpu = std::to_string(props.cpu),
                                            .execution_role_arn = props.execution_role_arn,
                                            .family = props.family,
                                            .memory = std::to_string(props.memory),
                                            .network_mode = "awsvpc",
                                            .requires_compatibilities = List<Str>{"FARGATE"},
                                            .runtime_platform =
                                                TaskDef::RuntimePlatform{
                                                    .cpu_architecture = "X86_64",
                                                    .operating_system_family = "LINUX",
                                                },
                                            .task_role_arn = props.task_role_arn,
                                        });
}

core::Value EcsTasksAssumeRolePolicy(bool pin_source) {
  using core::Value;
  std::vector<std::pair<std::string, Value>> statement = {
      {"Effect", "Allow"},
      {"Principal", Value::Object({{"Service", "ecs-tasks.amazonaws.com"}})},
      {"Action", "sts:AssumeRole"},
  };
  if (pin_source) {
    statement.emplace_back(
        "Condition",
        Value::Object({
            {"ArnLike",
             Value::Object(
                 {{"aws:SourceArn",
                   core::Sub("arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:*")
                       .value()}})},
            {"StringEquals",
             Value::Object({{"aws:SourceAccount", core::aws::AccountId().value()}})},
        }));
  }
  return Value::Object({
      {"Version", "2012-10-17"},
      {"Statement", Value::List({Value::Object(std::move(statement))})},
  });
}

FargateService::FargateService(core::Construct& scope, FargateServiceProps props) {
  if (props.id.empty()) scope.AddError("a FargateService needs an id (prefix of logical ids)");
  if (props.name.empty()) props.name = props.service_name;
  if (!props.subnet_ids.is_token() && props.subnet_ids.items().empty()) {
    scope.AddError("service " + props.service_name + " has no subnets; pass the private subnets");
  }
  auto place = [&scope](core::Construct* where) -> core::Construct& {
    return where != nullptr ? *where : scope;
  };

  core::Construct& logs_scope = place(props.log_group.scope);
  log_group_ = &logs_scope.Add<cfn::logs::CfnLogGroup>(
      props.id + "LogGroup", cfn::logs::CfnLogGroupProps{
                                 .log_group_name = "/ecs/" + props.service_name,
                                 .retention_in_days = props.log_group.retention_days,
                             });
  // Stated explicitly (CloudFormation's default): the group goes with the stack. A retained
  // group would keep its fixed name and make the next create of the stack fail.
  log_group_->set_deletion_policy(core::DeletionPolicy::kDelete);
  log_group_->set_update_replace_policy(core::DeletionPolicy::kDelete);

  FargateTaskDefinitionProps task = props.task;
  if (task.family.empty()) task.family = props.service_name;
  for (FargateContainer& container : task.containers) container.log_group = log_group_->Ref();
  if (props.task_role.has_value()) {
    if (task.task_role_arn.has_value()) {
      scope.AddError("service " + props.service_name +
                     " has both a task role of its own and task.task_role_arn; give one");
    }
    task_role_ =
        &place(props.task_role->scope)
             .Add<cfn::iam::CfnRole>(
                 props.id + "TaskRole",
                 cfn::iam::CfnRoleProps{
                     .assume_role_policy_document = core::Json(EcsTasksAssumeRolePolicy(true)),
                     .description = "Task role of " + props.service_name +
                                    ": its own identity, no permissions",
                 });
    task.task_role_arn = task_role_->attr_arn();
  }
  task_ = &AddFargateTaskDefinition(scope, props.id + "TaskDefinition", task);

  core::Construct& rules_scope = place(props.security_group_rules_scope);
  const FargateContainer* first = task.containers.empty() ? nullptr : &task.containers.front();

  std::optional<List<EcsService::LoadBalancer>> load_balancers;
  std::optional<core::Int> grace;
  if (props.load_balancer.has_value()) {
    const auto& lb = *props.load_balancer;
    core::Construct& lb_scope = place(lb.scope);
    const FargateContainer* target = first;
    if (!lb.container.empty()) {
      target = nullptr;
      for (const FargateContainer& c : task.containers) {
        if (c.name == lb.container) target = &c;
      }
      if (target == nullptr) {
        scope.AddError("service " + props.service_name + " forwards to container " + lb.container +
                       ", which its task definition does not have");
      }
    }
    if (target != nullptr && !target->port.has_value()) {
      scope.AddError("service " + props.service_name + " forwards to container " + target->name +
                     ", which has no port; give the container a port");
    }
    if (lb.path.empty()) {
      scope.AddError("service " + props.service_name +
                     " has a load balancer but no path; give a path pattern such as /api/*");
    }
    const int port = target != nullptr ? target->port.value_or(0) : 0;
    if (props.service_name.size() > kMaxTargetGroupNameLength) {
      lb_scope.AddError("target group name \"" + props.service_name + "\" has " +
                        std::to_string(props.service_name.size()) +
                        " characters; AWS allows at most " +
                        std::to_string(kMaxTargetGroupNameLength));
    }
    target_group_ = &lb_scope.Add<elbv2::CfnTargetGroup>(
        props.id + "TargetGroup",
        elbv2::CfnTargetGroupProps{
            .health_check_enabled = true,
            .health_check_interval_seconds = 15,
            .health_check_path = lb.health_check_path.empty() ? "/" : lb.health_check_path,
            .health_check_protocol = "HTTP",
            .health_check_timeout_seconds = 5,
            .healthy_threshold_count = 2,
            .matcher = elbv2::CfnTargetGroup::Matcher{.http_code = "200"},
            .name = props.service_name,
            .port = port,
            .protocol = "HTTP",
            // Tasks drain in 30 s instead of the default 300: requests are expected to be
            // short, and deploys and scale-in finish sooner.
            .target_group_attributes =
                List<elbv2::CfnTargetGroup::TargetGroupAttribute>{
                    {.key = "deregistration_delay.timeout_seconds", .value = "30"},
                },
            .target_type = "ip",
            .unhealthy_threshold_count = 3,
            .vpc_id = lb.vpc_id,
        });
    listener_rule_ = &lb_scope.Add<elbv2::CfnListenerRule>(
        props.id + "Rule",
        elbv2::CfnListenerRuleProps{
            .actions = List<elbv2::CfnListenerRule::Action>{{
                .target_group_arn = target_group_->Ref(),
                .type = "forward",
            }},
            .conditions = List<elbv2::CfnListenerRule::RuleCondition>{{
                .field = "path-pattern",
                .path_pattern_config =
                    elbv2::CfnListenerRule::PathPatternConfig{.values = List<Str>{lb.path}},
            }},
            .listener_arn = lb.listener_arn,
            .priority = lb.priority,
        });
    if (port != 0) {
      AddEgress(rules_scope, "AlbTo" + props.id, lb.security_group_id, props.security_group_id,
                port, "to " + props.name + " tasks");
      AddIngress(rules_scope, "ServicesFromAlb" + props.id, props.security_group_id,
                 lb.security_group_id, port, props.name + " from the load balancer");
    }
    load_balancers = List<EcsService::LoadBalancer>{{
        .container_name = target != nullptr ? target->name : lb.container,
        .container_port = port,
        .target_group_arn = target_group_->Ref(),
    }};
    grace = lb.grace_seconds;
  }
  if (!props.callers.empty()) {
    const int port = first != nullptr ? first->port.value_or(0) : 0;
    if (port == 0) {
      scope.AddError("service " + props.service_name +
                     " has callers but its first container has no port; give it a port");
    } else {
      AddIngress(rules_scope, "ServicesFromServices" + props.id, props.security_group_id,
                 props.security_group_id, port,
                 props.name + " from the " + base::Join(props.callers, ", ") + " (Cloud Map)");
      AddEgress(rules_scope, "ServicesToServices" + props.id, props.security_group_id,
                props.security_group_id, port, "to " + props.name + " (Cloud Map)");
    }
  }

  std::optional<List<EcsService::ServiceRegistry>> registries;
  if (props.discovery.has_value()) {
    discovery_ = &scope.Add<sd::CfnService>(
        props.id + "Discovery",
        sd::CfnServiceProps{
            .description = props.discovery->description,
            .dns_config =
                sd::CfnService::DnsConfig{
                    .dns_records = List<sd::CfnService::DnsRecord>{{.ttl = 10, .type = "A"}},
                    .routing_policy = "MULTIVALUE",
                },
            // ECS reports task health to Cloud Map; unhealthy tasks leave DNS.
            .health_check_custom_config =
                sd::CfnService::HealthCheckCustomConfig{.failure_threshold = 1},
            .name = props.discovery->name,
            .namespace_id = props.discovery->namespace_id,
        });
    registries = List<EcsService::ServiceRegistry>{{.registry_arn = discovery_->attr_arn()}};
  }

  EcsService::DeploymentCircuitBreaker circuit_breaker;
  circuit_breaker.enable = true;
  circuit_breaker.rollback = true;
  EcsService::DeploymentConfiguration deployment;
  deployment.deployment_circuit_breaker = circuit_breaker;
  deployment.maximum_percent = 200;
  deployment.minimum_healthy_percent = 100;
  std::optional<core::Int> count;
  if (props.desired_count.has_value()) count = *props.desired_count;
  service_ = &scope.Add<EcsService>(
      props.id + "Service",
      cfn::ecs::CfnServiceProps{
          .cluster = props.cluster,
          .deployment_configuration = deployment,
          .desired_count = count,
          .enable_ecs_managed_tags = true,
          .health_check_grace_period_seconds = grace,
          .launch_type = "FARGATE",
          .load_balancers = load_balancers,
          .network_configuration =
              EcsService::NetworkConfiguration{
                  .awsvpc_configuration =
                      EcsService::AwsVpcConfiguration{
                          .assign_public_ip = "DISABLED",
                          .security_groups = List<Str>{props.security_group_id},
                          .subnets = props.subnet_ids,
                      },
              },
          .propagate_tags = "SERVICE",
          .service_name = props.service_name,
          .service_registries = registries,
          .task_definition = task_->Ref(),
      });
  // A target group takes targets only once a listener rule ties it to the load balancer.
  if (listener_rule_ != nullptr) service_->AddDependsOn(*listener_rule_);
  for (const core::CfnResource* resource : props.depends_on) service_->AddDependsOn(*resource);

  if (props.scaling.has_value()) {
    const auto& scaling = *props.scaling;
    scalable_target_ = &scope.Add<aas::CfnScalableTarget>(
        props.id + "ScalableTarget",
        aas::CfnScalableTargetProps{
            .max_capacity = scaling.max_count,
            .min_capacity = scaling.min_count,
            .resource_id = core::Join("/", {"service", props.cluster, service_->attr_name()}),
            .scalable_dimension = "ecs:service:DesiredCount",
            .service_namespace = "ecs",
        });
    scope.Add<aas::CfnScalingPolicy>(
        props.id + "CpuScaling",
        aas::CfnScalingPolicyProps{
            .policy_name = scaling.policy_name,
            .policy_type = "TargetTrackingScaling",
            .scaling_target_id = scalable_target_->Ref(),
            .target_tracking_scaling_policy_configuration =
                aas::CfnScalingPolicy::TargetTrackingScalingPolicyConfiguration{
                    .predefined_metric_specification =
                        aas::CfnScalingPolicy::PredefinedMetricSpecification{
                            .predefined_metric_type = "ECSServiceAverageCPUUtilization",
                        },
                    // Scale out fast, scale in slowly so a short lull does not drop tasks.
                    .scale_in_cooldown = 300,
                    .scale_out_cooldown = 60,
                    .target_value = scaling.target_cpu_percent,
                },
        });
  }

  if (props.alarms.has_value()) AddAlarms(place(props.alarms->scope), props);
}

void FargateService::AddAlarms(core::Construct& scope, const FargateServiceProps& props) {
  const auto& alarms = *props.alarms;
  auto add = [&](const std::string& id, const std::string& suffix, const std::string& description,
                 const std::string& metric_namespace, const std::string& metric,
                 std::vector<std::pair<std::string, Str>> dimensions, const std::string& statistic,
                 int period, int evaluation_periods, core::Num threshold) {
    alarms_.push_back(&AddThresholdAlarm(scope, id,
                                         ThresholdAlarmProps{
                                             .name = props.service_name + "-" + suffix,
                                             .description = description,
                                             .metric_namespace = metric_namespace,
                                             .metric = metric,
                                             .dimensions = std::move(dimensions),
                                             .statistic = statistic,
                                             .period = period,
                                             .evaluation_periods = evaluation_periods,
                                             .threshold = threshold,
                                             .topic_arn = alarms.topic_arn,
                                         }));
  };
  const std::string percent = std::to_string(alarms.utilization_percent);
  add(props.id + "CpuAlarm", "cpu-high",
      props.name + " service CPU at or above " + percent + "% for 10 minutes", "AWS/ECS",
      "CPUUtilization", {{"ClusterName", props.cluster}, {"ServiceName", service_name()}},
      "Average", 300, 2, alarms.utilization_percent);
  add(props.id + "MemoryAlarm", "memory-high",
      props.name + " service memory at or above " + percent + "% for 10 minutes", "AWS/ECS",
      "MemoryUtilization", {{"ClusterName", props.cluster}, {"ServiceName", service_name()}},
      "Average", 300, 2, alarms.utilization_percent);
  if (target_group_ != nullptr) {
    add(props.id + "UnhealthyTargetsAlarm", "unhealthy-targets",
        props.name + " target group has unhealthy targets for 3 minutes", "AWS/ApplicationELB",
        "UnHealthyHostCount",
        {{"TargetGroup", target_group_->attr_target_group_full_name()},
         {"LoadBalancer", props.load_balancer->load_balancer_full_name}},
        "Maximum", 60, 3, 1);
  }
}

}  // namespace rex::constructs
