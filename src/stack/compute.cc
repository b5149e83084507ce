#include "stack/compute.h"

#include <utility>

#include "core/intrinsics.h"
#include "stack/security.h"

namespace rex::stack {
namespace {

using core::List;
using core::Str;
using EcsService = cfn::ecs::CfnService;
using TaskDef = cfn::ecs::CfnTaskDefinition;
namespace sd = cfn::servicediscovery;
namespace aas = cfn::applicationautoscaling;

// The bootstrap task is one psql call; the smallest Fargate size is plenty.
constexpr int kBootstrapCpu = 256;
constexpr int kBootstrapMemory = 512;
constexpr const char* kBootstrapImage = "public.ecr.aws/docker/library/postgres:15-alpine";

const Config& ConfigOrDefault(const Config* config) {
  static const Config kDefault;
  return config != nullptr ? *config : kDefault;
}

TaskDef::KeyValuePair EnvVar(std::string name, Str value) {
  return TaskDef::KeyValuePair{.name = std::move(name), .value = std::move(value)};
}

TaskDef::Secret SecretFrom(std::string name, Str value_from) {
  return TaskDef::Secret{.name = std::move(name), .value_from = std::move(value_from)};
}

// ECS reads one JSON key of a Secrets Manager secret with "<arn>:<key>:<version stage>:<version
// id>"; empty stage and id mean the current version.
Str JsonKey(const Str& secret_arn, const std::string& key) {
  return core::Join("", {secret_arn, ":" + key + "::"});
}

// What differs between the containers of the task definitions.
struct ContainerSpec {
  std::string name;  // container name and log stream prefix
  Str image;
  std::optional<List<Str>> command = {};
  std::optional<int> port = {};
  List<TaskDef::KeyValuePair> environment = {};
  List<TaskDef::Secret> secrets = {};
  std::optional<TaskDef::HealthCheck> health_check = {};
  Str log_group;
  bool essential = true;
  // Containers that must exit 0 before this one starts.
  std::vector<std::string> after_success = {};
};

TaskDef::ContainerDefinition ContainerOf(const ContainerSpec& spec) {
  std::optional<List<TaskDef::ContainerDependency>> depends_on;
  for (const std::string& container : spec.after_success) {
    if (!depends_on.has_value()) depends_on.emplace();
    depends_on->push_back({.condition = "SUCCESS", .container_name = container});
  }
  std::optional<List<TaskDef::KeyValuePair>> environment;
  if (!spec.environment.items().empty()) environment = spec.environment;
  std::optional<List<TaskDef::PortMapping>> ports;
  if (spec.port.has_value()) {
    ports = List<TaskDef::PortMapping>{{
        .container_port = *spec.port,
        .name = spec.name,
        .protocol = "tcp",
    }};
  }
  std::optional<List<TaskDef::Secret>> secrets;
  if (!spec.secrets.items().empty()) secrets = spec.secrets;
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
      .health_check = spec.health_check,
      .image = spec.image,
      .log_configuration = logs,
      .name = spec.name,
      .port_mappings = ports,
      .secrets = secrets,
  };
}

}  // namespace

std::string BootstrapScript() {
  // One line per element; kept as separate literals so formatters leave the shell alone.
  const char* const lines[] = {
      "set -u",
      "exists=\"$(psql -tAc \"SELECT 1 FROM pg_database WHERE datname='supertokens'\")\"",
      "if [ \"$exists\" = \"1\" ]; then",
      "  echo \"database supertokens already exists\"",
      "  exit 0",
      "fi",
      "if out=\"$(psql -c 'CREATE DATABASE supertokens' 2>&1)\"; then",
      "  echo \"$out\"",
      "  echo \"database supertokens created\"",
      "  exit 0",
      "fi",
      "echo \"$out\" >&2",
      "case \"$out\" in",
      "  *\"already exists\"*) echo \"database supertokens already exists\"; exit 0 ;;",
      "esac",
      "exit 1",
  };
  std::string script;
  for (const char* line : lines) script += std::string(line) + "\n";
  return script;
}

Compute::Compute(core::Construct& scope, std::string id, ComputeProps props)
    : core::Construct(scope, std::move(id)), props_(std::move(props)) {
  if (props_.config == nullptr) AddError("config is required; pass the stack's Config");
  const Config& config = ConfigOrDefault(props_.config);
  prefix_ = config.project_name + "-" + config.environment;
  namespace_name_ = prefix_ + ".local";
  if (!props_.private_subnet_ids.is_token() && props_.private_subnet_ids.items().empty()) {
    AddError("private_subnet_ids is empty; pass Networking::private_subnet_ids()");
  }
  if (props_.listener_rules.empty()) {
    AddError("listener_rules is empty; pass LoadBalancer::listener_rules()");
  }

  Str vpc_id = Require(props_.vpc_id, "vpc_id");
  Str services_sg = Require(props_.services_security_group_id, "services_security_group_id");
  Str execution_role = Require(props_.execution_role_arn, "execution_role_arn");
  Str api_role = Require(props_.api_task_role_arn, "api_task_role_arn");
  Str worker_role = Require(props_.worker_task_role_arn, "worker_task_role_arn");
  Str supertokens_role = Require(props_.supertokens_task_role_arn, "supertokens_task_role_arn");
  Str migration_role = Require(props_.migration_task_role_arn, "migration_task_role_arn");
  Str api_repo = Require(props_.api_repository_uri, "api_repository_uri");
  Str worker_repo = Require(props_.worker_repository_uri, "worker_repository_uri");
  Str db_secret = Require(props_.db_credentials_secret_arn, "db_credentials_secret_arn");
  Str connection_uri_secret = Require(props_.supertokens_connection_uri_secret_arn,
                                      "supertokens_connection_uri_secret_arn");
  Str api_key_secret =
      Require(props_.supertokens_api_key_secret_arn, "supertokens_api_key_secret_arn");
  Str redis_url = Require(props_.redis_url, "redis_url");
  Str api_tg = Require(props_.api_target_group_arn, "api_target_group_arn");
  Str supertokens_tg = Require(props_.supertokens_target_group_arn, "supertokens_target_group_arn");
  Str api_logs = Require(props_.api_log_group_name, "api_log_group_name");
  Str worker_logs = Require(props_.worker_log_group_name, "worker_log_group_name");
  Str supertokens_logs = Require(props_.supertokens_log_group_name, "supertokens_log_group_name");
  Str migration_logs = Require(props_.migration_log_group_name, "migration_log_group_name");
  Str bootstrap_logs = Require(props_.bootstrap_log_group_name, "bootstrap_log_group_name");

  cluster_ = &Add<cfn::ecs::CfnCluster>(
      "Cluster", cfn::ecs::CfnClusterProps{
                     .cluster_name = prefix_ + "-cluster",
                     .cluster_settings = List<cfn::ecs::CfnCluster::ClusterSettings>{{
                         .name = "containerInsights",
                         .value = "enabled",
                     }},
                 });

  auto& dns_namespace = Add<sd::CfnPrivateDnsNamespace>(
      "Namespace", sd::CfnPrivateDnsNamespaceProps{
                       .description = "Service discovery for " + prefix_,
                       .name = namespace_name_,
                       .vpc = vpc_id,
                   });
  auto discovery = [&](const std::string& logical_id, const std::string& name) -> sd::CfnService& {
    return Add<sd::CfnService>(
        logical_id,
        sd::CfnServiceProps{
            .description = name + " tasks of " + prefix_,
            .dns_config =
                sd::CfnService::DnsConfig{
                    .dns_records = List<sd::CfnService::DnsRecord>{{.ttl = 10, .type = "A"}},
                    .routing_policy = "MULTIVALUE",
                },
            // ECS reports task health to Cloud Map; unhealthy tasks leave DNS.
            .health_check_custom_config =
                sd::CfnService::HealthCheckCustomConfig{.failure_threshold = 1},
            .name = name,
            .namespace_id = dns_namespace.attr_id(),
        });
  };
  auto& api_discovery = discovery("ApiDiscovery", "api");
  auto& supertokens_discovery = discovery("SupertokensDiscovery", "supertokens");

  // One task definition; its family is "<p>-<e>-<family>".
  auto task_definition = [&](const std::string& logical_id, const std::string& family, int cpu,
                             int memory, std::optional<Str> task_role,
                             std::vector<ContainerSpec> containers) -> TaskDef& {
    List<TaskDef::ContainerDefinition> definitions;
    for (const ContainerSpec& spec : containers) definitions.push_back(ContainerOf(spec));
    return Add<TaskDef>(logical_id, cfn::ecs::CfnTaskDefinitionProps{
                                        .container_definitions = definitions,
                                        .cpu = std::to_string(cpu),
                                        .execution_role_arn = execution_role,
                                        .family = prefix_ + "-" + family,
                                        .memory = std::to_string(memory),
                                        .network_mode = "awsvpc",
                                        .requires_compatibilities = List<Str>{"FARGATE"},
                                        .runtime_platform =
                                            TaskDef::RuntimePlatform{
                                                .cpu_architecture = "X86_64",
                                                .operating_system_family = "LINUX",
                                            },
                                        .task_role_arn = task_role,
                                    });
  };

  // api, worker and the migration run the same application image family and read the same
  // settings; only the api listens.
  const Str supertokens_uri =
      "http://supertokens." + namespace_name_ + ":" + std::to_string(kSupertokensPort) + "/auth";
  auto app_environment = [&](bool with_port) {
    List<TaskDef::KeyValuePair> env;
    env.push_back(EnvVar("DB_NAME", props_.database_name));
    if (with_port) env.push_back(EnvVar("PORT", std::to_string(kApiPort)));
    env.push_back(EnvVar("REDIS_URL", redis_url));
    env.push_back(EnvVar("SUPERTOKENS_CONNECTION_URI", supertokens_uri));
    return env;
  };
  const List<TaskDef::Secret> app_secrets{
      SecretFrom("DB_HOST", JsonKey(db_secret, "host")),
      SecretFrom("DB_PASSWORD", JsonKey(db_secret, "password")),
      SecretFrom("DB_PORT", JsonKey(db_secret, "port")),
      SecretFrom("DB_USER", JsonKey(db_secret, "username")),
      SecretFrom("SUPERTOKENS_API_KEY", api_key_secret),
  };
  auto image = [](const Str& repository, const std::string& tag) {
    return core::Join("", {repository, ":" + tag});
  };

  // The bootstrap container: its own task definition for `rex`, and an init container of
  // every SuperTokens task, so SuperTokens never starts without its database (on the first
  // deploy nothing else would have created it yet).
  auto bootstrap_container = [&](const std::string& name, Str log_group) {
    return ContainerSpec{
        .name = name,
        .image = kBootstrapImage,
        .command = List<Str>{"sh", "-c", BootstrapScript()},
        .environment =
            List<TaskDef::KeyValuePair>{
                EnvVar("PGAPPNAME", "rex-bootstrap"),
                EnvVar("PGCONNECT_TIMEOUT", "10"),
                EnvVar("PGSSLMODE", "require"),
            },
        .secrets =
            List<TaskDef::Secret>{
                SecretFrom("PGDATABASE", JsonKey(db_secret, "dbname")),
                SecretFrom("PGHOST", JsonKey(db_secret, "host")),
                SecretFrom("PGPASSWORD", JsonKey(db_secret, "password")),
                SecretFrom("PGPORT", JsonKey(db_secret, "port")),
                SecretFrom("PGUSER", JsonKey(db_secret, "username")),
            },
        .log_group = std::move(log_group),
    };
  };

  const ServicesConfig& sizes = config.services;
  api_task_ =
      &task_definition("ApiTaskDefinition", "api", sizes.api.cpu, sizes.api.memory, api_role,
                       {ContainerSpec{
                           .name = "api",
                           .image = image(api_repo, sizes.api.image_tag),
                           .port = kApiPort,
                           .environment = app_environment(true),
                           .secrets = app_secrets,
                           .log_group = api_logs,
                       }});
  auto& worker_task = task_definition("WorkerTaskDefinition", "worker", sizes.worker.cpu,
                                      sizes.worker.memory, worker_role,
                                      {ContainerSpec{
                                          .name = "worker",
                                          .image = image(worker_repo, sizes.worker.image_tag),
                                          .environment = app_environment(false),
                                          .secrets = app_secrets,
                                          .log_group = worker_logs,
                                      }});
  List<Str> migration_command;
  for (const std::string& arg : config.migration_command) migration_command.push_back(arg);
  migration_task_ = &task_definition("MigrationTaskDefinition", "migration", sizes.api.cpu,
                                     sizes.api.memory, migration_role,
                                     {ContainerSpec{
                                         .name = "migration",
                                         .image = image(api_repo, sizes.api.image_tag),
                                         .command = migration_command,
                                         .environment = app_environment(false),
                                         .secrets = app_secrets,
                                         .log_group = migration_logs,
                                     }});

  // SuperTokens serves its API under BASE_PATH, so the ALB rule /auth/* and the health check
  // /auth/hello reach it unchanged. The image has bash but no curl: the health check speaks
  // HTTP over bash's /dev/tcp (SuperTokens' own docker-compose example does the same).
  const std::string hello = "bash -c 'exec 3<>/dev/tcp/127.0.0.1/" +
                            std::to_string(kSupertokensPort) +
                            " && printf \"GET /auth/hello HTTP/1.1\\r\\nHost: localhost\\r\\n"
                            "Connection: close\\r\\n\\r\\n\" >&3 && grep -q Hello <&3'";
  ContainerSpec create_database = bootstrap_container("create-database", supertokens_logs);
  create_database.essential = false;
  auto& supertokens_task =
      task_definition("SupertokensTaskDefinition", "supertokens", sizes.supertokens.cpu,
                      sizes.supertokens.memory, supertokens_role,
                      {ContainerSpec{
                           .name = "supertokens",
                           .image = config.supertokens_image + ":" + sizes.supertokens.image_tag,
                           .port = kSupertokensPort,
                           .environment = List<TaskDef::KeyValuePair>{EnvVar("BASE_PATH", "/auth")},
                           .secrets =
                               List<TaskDef::Secret>{
                                   SecretFrom("API_KEYS", api_key_secret),
                                   SecretFrom("POSTGRESQL_CONNECTION_URI", connection_uri_secret),
                               },
                           .health_check =
                               TaskDef::HealthCheck{
                                   .command = List<Str>{"CMD-SHELL", hello},
                                   .interval = 30,
                                   .retries = 3,
                                   .start_period = 60,
                                   .timeout = 5,
                               },
                           .log_group = supertokens_logs,
                           .after_success = {"create-database"},
                       },
                       create_database});

  bootstrap_task_ =
      &task_definition("BootstrapTaskDefinition", "bootstrap", kBootstrapCpu, kBootstrapMemory,
                       std::nullopt, {bootstrap_container("bootstrap", bootstrap_logs)});

  struct Attachment {
    Str target_group_arn;
    std::string container;
    int port;
    Str registry_arn;
    int grace_seconds;
  };
  // Rolling deploys keep full capacity (100% healthy, up to 200% during the switch); the
  // circuit breaker stops a deploy whose tasks keep failing and rolls back to the last good
  // revision (the "auto-restart on failure" of ARCHITECTURE.md).
  EcsService::DeploymentCircuitBreaker circuit_breaker;
  circuit_breaker.enable = true;
  circuit_breaker.rollback = true;
  EcsService::DeploymentConfiguration deployment;
  deployment.deployment_circuit_breaker = circuit_breaker;
  deployment.maximum_percent = 200;
  deployment.minimum_healthy_percent = 100;
  auto service = [&](const std::string& logical_id, const std::string& name, TaskDef& task,
                     std::optional<int> desired_count,
                     std::optional<Attachment> attachment) -> EcsService& {
    std::optional<List<EcsService::LoadBalancer>> load_balancers;
    std::optional<List<EcsService::ServiceRegistry>> registries;
    std::optional<core::Int> grace;
    if (attachment.has_value()) {
      load_balancers = List<EcsService::LoadBalancer>{{
          .container_name = attachment->container,
          .container_port = attachment->port,
          .target_group_arn = attachment->target_group_arn,
      }};
      registries = List<EcsService::ServiceRegistry>{{.registry_arn = attachment->registry_arn}};
      grace = attachment->grace_seconds;
    }
    std::optional<core::Int> count;
    if (desired_count.has_value()) count = *desired_count;
    auto& ecs_service =
        Add<EcsService>(logical_id, cfn::ecs::CfnServiceProps{
                                        .cluster = cluster_->Ref(),
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
                                                        .security_groups = List<Str>{services_sg},
                                                        .subnets = props_.private_subnet_ids,
                                                    },
                                            },
                                        .propagate_tags = "SERVICE",
                                        .service_name = prefix_ + "-" + name,
                                        .service_registries = registries,
                                        .task_definition = task.Ref(),
                                    });
    if (attachment.has_value()) {
      for (const core::CfnResource* rule : props_.listener_rules) ecs_service.AddDependsOn(*rule);
    }
    for (const core::CfnResource* resource : props_.depends_on) {
      ecs_service.AddDependsOn(*resource);
    }
    return ecs_service;
  };

  const AutoscalingConfig& autoscaling = config.autoscaling;
  api_service_ =
      &service("ApiService", "api", *api_task_,
               autoscaling.enabled ? std::nullopt : std::optional<int>(sizes.api.desired_count),
               Attachment{api_tg, "api", kApiPort, api_discovery.attr_arn(), 60});
  worker_service_ =
      &service("WorkerService", "worker", worker_task, sizes.worker.desired_count, std::nullopt);
  // SuperTokens is a JVM: give it longer to start before health checks count.
  supertokens_service_ = &service("SupertokensService", "supertokens", supertokens_task,
                                  sizes.supertokens.desired_count,
                                  Attachment{supertokens_tg, "supertokens", kSupertokensPort,
                                             supertokens_discovery.attr_arn(), 120});

  if (autoscaling.enabled) {
    scalable_target_ = &Add<aas::CfnScalableTarget>(
        "ApiScalableTarget",
        aas::CfnScalableTargetProps{
            .max_capacity = autoscaling.max_count,
            .min_capacity = autoscaling.min_count,
            .resource_id = core::Join("/", {"service", cluster_->Ref(), api_service_->attr_name()}),
            .scalable_dimension = "ecs:service:DesiredCount",
            .service_namespace = "ecs",
        });
    Add<aas::CfnScalingPolicy>(
        "ApiCpuScaling",
        aas::CfnScalingPolicyProps{
            .policy_name = prefix_ + "-api-cpu",
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
                    .target_value = autoscaling.target_cpu_percent,
                },
        });
  }
}

core::Str Compute::Require(const std::optional<core::Str>& token, const char* name) {
  if (token.has_value()) return *token;
  AddError(std::string(name) + " is required");
  return Str("");
}

core::Str Compute::services_security_group_id() const {
  return props_.services_security_group_id.value_or(Str(""));
}

}  // namespace rex::stack
