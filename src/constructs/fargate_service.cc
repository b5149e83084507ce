#include "constructs/fargate_service.h"

#include <utility>

#include "core/intrinsics.h"

namespace rex::constructs {
namespace {

using core::List;
using core::Str;
using EcsService = cfn::ecs::CfnService;
using TaskDef = cfn::ecs::CfnTaskDefinition;
namespace sd = cfn::servicediscovery;
namespace aas = cfn::applicationautoscaling;

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

FargateService::FargateService(core::Construct& scope, FargateServiceProps props) {
  if (props.id.empty()) scope.AddError("a FargateService needs an id (prefix of logical ids)");
  if (!props.subnet_ids.is_token() && props.subnet_ids.items().empty()) {
    scope.AddError("service " + props.service_name + " has no subnets; pass the private subnets");
  }
  FargateTaskDefinitionProps task = props.task;
  if (task.family.empty()) task.family = props.service_name;
  task_ = &AddFargateTaskDefinition(scope, props.id + "TaskDefinition", task);

  std::optional<List<EcsService::LoadBalancer>> load_balancers;
  std::optional<core::Int> grace;
  if (props.load_balancer.has_value()) {
    const auto& lb = *props.load_balancer;
    bool found = false;
    for (const FargateContainer& c : task.containers) found = found || c.name == lb.container;
    if (!found) {
      scope.AddError("service " + props.service_name + " forwards to container " + lb.container +
                     ", which its task definition does not have");
    }
    load_balancers = List<EcsService::LoadBalancer>{{
        .container_name = lb.container,
        .container_port = lb.port,
        .target_group_arn = lb.target_group_arn,
    }};
    grace = lb.grace_seconds;
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
  if (props.load_balancer.has_value()) {
    for (const core::CfnResource* rule : props.load_balancer->listener_rules) {
      service_->AddDependsOn(*rule);
    }
  }
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
}

}  // namespace rex::constructs
