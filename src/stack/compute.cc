#include "stack/compute.h"

#include <algorithm>
#include <map>
#include <utility>

#include "core/intrinsics.h"
#include "stack/env_references.h"
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

const config::Config& ConfigOrDefault(const config::Config* config) {
  static const config::Config kDefault;
  return config != nullptr ? *config : kDefault;
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
  const config::Config& config = ConfigOrDefault(props_.config);
  prefix_ = config.project_name + "-" + config.environment;
  namespace_name_ = prefix_ + ".local";
  if (!props_.private_subnet_ids.is_token() && props_.private_subnet_ids.items().empty()) {
    AddError("private_subnet_ids is empty; pass Networking::private_subnet_ids()");
  }
  bool any_path = false;
  for (const auto& [name, service] : config.services.entries)
    any_path = any_path || !service.path.empty();

  Str vpc_id = Require(props_.vpc_id, "vpc_id");
  Str services_sg = Require(props_.services_security_group_id, "services_security_group_id");
  Str execution_role = Require(props_.execution_role_arn, "execution_role_arn");
  Str migration_role = Require(props_.migration_task_role_arn, "migration_task_role_arn");
  DatabaseAccess database;
  if (props_.database_access.has_value()) {
    database = *props_.database_access;
  } else {
    database.secret_arn = Require(props_.db_credentials_secret_arn, "db_credentials_secret_arn");
    database.supertokens_uri_secret_arn = Require(props_.supertokens_connection_uri_secret_arn,
                                                  "supertokens_connection_uri_secret_arn");
  }
  Str api_key_secret =
      Require(props_.supertokens_api_key_secret_arn, "supertokens_api_key_secret_arn");
  Str redis_url = Require(props_.redis_url, "redis_url");
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

  // The app secrets a service's `secrets` may name (config::services::AppSecretNames()) but
  // the database's (db.*, supertokens.connectionUri: ContainerValues, in `database_values`).
  auto app_secret = [&](const std::string& name) -> Str {
    if (name == "supertokens.apiKey") return api_key_secret;
    if (name == "redis.authToken") {
      if (props_.redis_auth_token_secret_arn.has_value())
        return *props_.redis_auth_token_secret_arn;
      AddError("the app secret redis.authToken needs redisAuth true (no AUTH token secret)");
      return Str("");
    }
    AddError("unknown app secret \"" + name + "\"");
    return Str("");
  };
  // A value with ${...} references replaced (stack/env_references.h).
  auto resolve = [&](const std::string& text, const config::ServiceConfig& service) -> Str {
    return ResolveReferences(text,
                             ReferenceValues{.redis_url = redis_url,
                                             .db_name = props_.database_name,
                                             .namespace_name = namespace_name_,
                                             .supertokens_image = config.supertokens_image,
                                             .port = service.port},
                             [&](const std::string& problem) { AddError(problem); });
  };
  auto environment = [&](const config::ServiceConfig& service) {
    std::vector<std::pair<std::string, Str>> env;
    for (const auto& [name, value] : service.environment)
      env.emplace_back(name, resolve(value, service));
    return env;
  };
  // The database's app secrets through ContainerValues (stack/database.h): the references go
  // to `out`, the plain values (with dbManagedPassword) to `env`. Other names: false.
  auto database_values = [&](const std::string& variable, const std::string& name,
                             std::vector<std::pair<std::string, Str>>& out,
                             std::vector<std::pair<std::string, Str>>& env) {
    auto values = ContainerValues(database, variable, name);
    for (auto& [to, value] : values) {
      (value.secret ? out : env).emplace_back(to, std::move(value.value));
    }
    return !values.empty();
  };
  auto by_name = [](const auto& a, const auto& b) { return a.first < b.first; };
  // A container's `secrets`; `env` (the container's environment) gets the database values
  // that are plain, and stays sorted by name.
  auto secrets = [&](const config::ServiceConfig& service,
                     std::vector<std::pair<std::string, Str>>& env) {
    std::vector<std::pair<std::string, Str>> out;
    for (const auto& [name, secret] : service.secrets) {
      if (!database_values(name, secret, out, env)) out.emplace_back(name, app_secret(secret));
    }
    if (GetsRedisPassword(config.redis_auth, service.environment, service.secrets)) {
      out.emplace_back(kRedisPasswordVariable, app_secret("redis.authToken"));
    }
    std::sort(env.begin(), env.end(), by_name);
    std::sort(out.begin(), out.end(), by_name);
    return out;
  };
  auto image_of = [&](const std::string& name, const config::ServiceConfig& service) -> Str {
    if (service.image.empty()) {
      auto repository = props_.repository_uris.find(name);
      if (repository == props_.repository_uris.end()) {
        AddError("repository_uris has no entry for service " + name +
                 " (its image is its ECR repository)");
        return Str("");
      }
      return core::Join("", {repository->second, ":" + service.image_tag});
    }
    // An external image: its references are plain text (${supertokensImage}, ...).
    std::string image = service.image;
    const std::string reference = "${supertokensImage}";
    for (size_t at = image.find(reference); at != std::string::npos; at = image.find(reference)) {
      image.replace(at, reference.size(), config.supertokens_image);
    }
    return Str(image + ":" + service.image_tag);
  };

  // The bootstrap container: its own task definition for `rex`, and an init container of
  // every service with bootstrapDatabase, so such a service never starts without its database
  // (on the first deploy nothing else would have created it yet).
  auto bootstrap_container = [&](const std::string& name, Str log_group) {
    std::vector<std::pair<std::string, Str>> env = {
        {"PGAPPNAME", "rex-bootstrap"}, {"PGCONNECT_TIMEOUT", "10"}, {"PGSSLMODE", "require"}};
    std::vector<std::pair<std::string, Str>> pg_secrets;
    for (const auto& [variable, key] :
         std::map<std::string, std::string>{{"PGDATABASE", "db.dbname"},
                                            {"PGHOST", "db.host"},
                                            {"PGPASSWORD", "db.password"},
                                            {"PGPORT", "db.port"},
                                            {"PGUSER", "db.username"}}) {
      database_values(variable, key, pg_secrets, env);
    }
    std::sort(env.begin(), env.end(), by_name);
    return constructs::FargateContainer{
        .name = name,
        .image = kBootstrapImage,
        .command = List<Str>{"sh", "-c", BootstrapScript()},
        .environment = std::move(env),
        .secrets = std::move(pg_secrets),
        .log_group = std::move(log_group),
    };
  };

  // What a service behind the load balancer attaches to.
  std::optional<Str> listener_arn;
  std::optional<Str> alb_security_group;
  std::optional<Str> alb_full_name;
  if (any_path) {
    listener_arn = Require(props_.listener_arn, "listener_arn");
    alb_security_group =
        Require(props_.load_balancer_security_group_id, "load_balancer_security_group_id");
    alb_full_name = Require(props_.load_balancer_full_name, "load_balancer_full_name");
  }
  const config::AutoscalingConfig& autoscaling = config.autoscaling;
  int priority = 0;
  for (const auto& [name, service] : config.services.entries) {
    const std::string construct_id = config::ServiceConstructId(name);
    std::vector<std::pair<std::string, Str>> env = environment(service);
    std::vector<std::pair<std::string, Str>> service_secrets = secrets(service, env);
    constructs::FargateContainer container{
        .name = name,
        .image = image_of(name, service),
        .environment = std::move(env),
        .secrets = std::move(service_secrets),
    };
    if (!service.command.empty()) {
      List<Str> command;
      for (const std::string& arg : service.command) command.push_back(arg);
      container.command = command;
    }
    if (service.port != 0) container.port = service.port;
    if (!service.health_check.command.empty()) {
      container.health_check_command = service.health_check.command;
    }
    std::vector<constructs::FargateContainer> containers;
    if (service.bootstrap_database) {
      container.after_success = {"create-database"};
      // The init container logs to the service's group (FargateService sets it).
      constructs::FargateContainer create_database = bootstrap_container("create-database", "");
      create_database.essential = false;
      containers = {container, create_database};
    } else {
      containers = {container};
    }
    constructs::FargateServiceProps service_props{
        .id = construct_id,
        .name = name,
        .service_name = prefix_ + "-" + name,
        .task =
            constructs::FargateTaskDefinitionProps{
                .family = prefix_ + "-" + name,
                .cpu = service.cpu,
                .memory = service.memory,
                .execution_role_arn = execution_role,
                .containers = containers,
            },
        .cluster = cluster_->Ref(),
        .subnet_ids = props_.private_subnet_ids,
        .security_group_id = services_sg,
        .log_group = {.scope = props_.log_group_scope, .retention_days = config.log_retention_days},
        .task_role = constructs::FargateServiceProps::TaskRole{.scope = props_.security_scope},
        .callers = service.called_by,
        .security_group_rules_scope = props_.security_scope,
        .depends_on = props_.depends_on,
    };
    const bool scaled = service.autoscaling && autoscaling.enabled;
    if (!scaled) service_props.desired_count = service.desired_count;
    if (!service.path.empty()) {
      priority += 10;  // in services order: 10, 20, 30, ...
      service_props.load_balancer = constructs::FargateServiceProps::LoadBalancer{
          .scope = props_.load_balancer_scope,
          .vpc_id = vpc_id,
          .listener_arn = listener_arn.value_or(Str("")),
          .path = service.path,
          .priority = priority,
          .health_check_path = service.health_check.path.empty() ? "/" : service.health_check.path,
          .container = name,
          .grace_seconds = service.health_check.grace_period,
          .security_group_id = alb_security_group.value_or(Str("")),
          .load_balancer_full_name = alb_full_name.value_or(Str("")),
      };
    }
    if (service.discovery) {
      service_props.discovery = constructs::FargateServiceProps::Discovery{
          .namespace_id = dns_namespace.attr_id(),
          .name = name,
          .description = name + " tasks of " + prefix_,
      };
    }
    if (scaled) {
      service_props.scaling = constructs::FargateServiceProps::Scaling{
          .min_count = autoscaling.min_count,
          .max_count = autoscaling.max_count,
          .target_cpu_percent = autoscaling.target_cpu_percent,
          .policy_name = prefix_ + "-" + name + "-cpu",
      };
    }
    if (props_.alarm_topic_arn.has_value()) {
      service_props.alarms = constructs::FargateServiceProps::Alarms{
          .scope = props_.log_group_scope,
          .topic_arn = *props_.alarm_topic_arn,
      };
    }
    services_.emplace_back(name,
                           std::make_unique<constructs::FargateService>(*this, service_props));
  }
  // Every service behind the load balancer waits for every listener rule, not only its own
  // (which FargateService adds): deployed stacks have these DependsOn, and dropping them would
  // change their templates.
  for (auto& [name, service] : services_) {
    if (service->listener_rule() == nullptr) continue;
    for (auto& [other_name, other] : services_) {
      if (other.get() != service.get() && other->listener_rule() != nullptr) {
        service->service().AddDependsOn(*other->listener_rule());
      }
    }
  }

  // The migration runs in the image, size and settings of migration_service.
  const config::ServiceConfig* app = config.services.Find(props_.migration_service);
  if (app == nullptr) {
    AddError("migration_service \"" + props_.migration_service + "\" is not in services");
  } else {
    List<Str> migration_command;
    for (const std::string& arg : config.migration_command) migration_command.push_back(arg);
    std::vector<std::pair<std::string, Str>> env;
    for (const auto& [name, value] : environment(*app)) {
      if (app->environment.at(name).find("${port}") == std::string::npos)
        env.emplace_back(name, value);
    }
    std::vector<std::pair<std::string, Str>> migration_secrets = secrets(*app, env);
    migration_task_ = &constructs::AddFargateTaskDefinition(
        *this, "MigrationTaskDefinition",
        constructs::FargateTaskDefinitionProps{
            .family = prefix_ + "-migration",
            .cpu = app->cpu,
            .memory = app->memory,
            .execution_role_arn = execution_role,
            .task_role_arn = migration_role,
            .containers = {constructs::FargateContainer{
                .name = "migration",
                .image = image_of(props_.migration_service, *app),
                .command = migration_command,
                .environment = env,
                .secrets = migration_secrets,
                .log_group = migration_logs,
            }},
        });
  }

  bootstrap_task_ = &constructs::AddFargateTaskDefinition(
      *this, "BootstrapTaskDefinition",
      constructs::FargateTaskDefinitionProps{
          .family = prefix_ + "-bootstrap",
          .cpu = kBootstrapCpu,
          .memory = kBootstrapMemory,
          .execution_role_arn = execution_role,
          .containers = {bootstrap_container("bootstrap", bootstrap_logs)},
      });
}

core::Str Compute::Require(const std::optional<core::Str>& token, const char* name) {
  if (token.has_value()) return *token;
  AddError(std::string(name) + " is required");
  return Str("");
}

core::Str Compute::services_security_group_id() const {
  return props_.services_security_group_id.value_or(Str(""));
}

std::vector<core::Str> Compute::service_log_group_arns() const {
  std::vector<core::Str> arns;
  for (const auto& [name, service] : services_) arns.push_back(service->log_group_arn());
  return arns;
}

constructs::FargateService* Compute::service(std::string_view name) {
  for (auto& [entry, service] : services_) {
    if (entry == name) return service.get();
  }
  return nullptr;
}

core::Str Compute::service_name(std::string_view name) const {
  for (const auto& [entry, service] : services_) {
    if (entry == name) return service->service_name();
  }
  std::abort();  // a programming error: ask only for configured services
}

}  // namespace rex::stack
