#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cfn/applicationautoscaling.gen.h"
#include "cfn/ecs.gen.h"
#include "cfn/servicediscovery.gen.h"
#include "config/config.h"
#include "constructs/fargate_service.h"
#include "core/construct.h"
#include "core/element.h"
#include "core/value.h"
#include "stack/database.h"

namespace rex::stack {

// Tokens of the other components. Every optional here is required; a missing one is an error
// at synthesis naming the field.
struct ComputeProps {
  // The stack config (names, services.*, autoscaling.*, migrationCommand, supertokensImage).
  // Required; must outlive the construct.
  const config::Config* config = nullptr;

  // --- networking
  std::optional<core::Str> vpc_id = {};  // for the Cloud Map namespace
  // Private subnets the tasks run in (no public IP). Required, at least one.
  core::List<core::Str> private_subnet_ids = {};
  // Security::services_security_group_id().
  std::optional<core::Str> services_security_group_id = {};

  // --- IAM (Security::AddTaskRoles)
  std::optional<core::Str> execution_role_arn = {};
  std::optional<core::Str> migration_task_role_arn = {};

  // --- per service (config.services): where each service's FargateService puts what is not
  // ECS (null: under Compute itself). RexStack passes its components so that the logical ids
  // stay "Monitoring<Name>LogGroup", "Security<Name>TaskRole", "SecurityAlbTo<Name>",
  // "LoadBalancer<Name>TargetGroup", "LoadBalancer<Name>Rule", "Monitoring<Name>CpuAlarm", ...
  core::Construct* log_group_scope = nullptr;      // log group, alarms: Monitoring
  core::Construct* security_scope = nullptr;       // task role, security-group rules: Security
  core::Construct* load_balancer_scope = nullptr;  // target group, listener rule: LoadBalancer
  // The ECR repository URI of each service whose image is "" (Registry), by name.
  std::map<std::string, core::Str> repository_uris = {};
  // The service whose image and size the migration task uses. Default: "api".
  std::string migration_service = "api";

  // --- data tier
  // Secret with the JSON keys username, password, host, port and dbname. Pass the ARN
  // through the resource that writes host and port into it (the Ref of an
  // AWS::SecretsManager::SecretTargetAttachment is the secret ARN), so tasks start only after
  // the keys exist.
  std::optional<core::Str> db_credentials_secret_arn = {};
  // Secret holding SuperTokens' PostgreSQL connection URI (a plain string).
  std::optional<core::Str> supertokens_connection_uri_secret_arn = {};
  // Where the database credentials are (Database::access()). When set, the app secrets db.*
  // and supertokens.connectionUri and the bootstrap container's libpq variables follow
  // ContainerValues (stack/database.h; with dbManagedPassword the password comes from RDS's
  // secret and the rest are plain environment values), and the two ARNs above are not needed.
  // Unset: the two ARNs above, as an unmanaged DatabaseAccess.
  std::optional<DatabaseAccess> database_access = {};
  // Secret holding the SuperTokens API key (a plain string).
  std::optional<core::Str> supertokens_api_key_secret_arn = {};
  // "redis://host:port" or "rediss://host:port"; carries no credential.
  std::optional<core::Str> redis_url = {};
  // Secret holding the Redis AUTH token (a plain string), with redisAuth only
  // (Cache::auth_token_secret_arn()); required then. A workload reading ${redisUrl} gets it as
  // REDIS_PASSWORD (stack/env_references.h GetsRedisPassword), as does `secrets` naming
  // redis.authToken.
  std::optional<core::Str> redis_auth_token_secret_arn = {};
  // Database the api and the migration use. Default: "rex_backend".
  std::string database_name = "rex_backend";

  // --- load balancer; required when a service has a `path`
  std::optional<core::Str> listener_arn = {};                     // LoadBalancer::listener_arn()
  std::optional<core::Str> load_balancer_security_group_id = {};  // Security::alb_...
  std::optional<core::Str> load_balancer_full_name = {};  // LoadBalancer::load_balancer_full_name()

  // Resources every service waits for (DependsOn) because its tasks need them at start and no
  // property references them: pass &Database::writer() (the cluster endpoint answers only
  // once the writer instance exists; without it, first deploys race the database and the
  // circuit breaker rolls the stack back). Default: none.
  std::vector<const core::CfnResource*> depends_on = {};

  // --- monitoring
  // Monitoring::alarm_topic_arn(): with a topic, every service gets its alarms.
  std::optional<core::Str> alarm_topic_arn = {};

  // --- log groups of the one-off tasks (Monitoring::*_log_group_name())
  std::optional<core::Str> migration_log_group_name = {};
  std::optional<core::Str> bootstrap_log_group_name = {};
};

// ECS Fargate compute of ARCHITECTURE.md.
//
//   - Cluster "<p>-<e>-cluster" with Container Insights.
//   - Cloud Map private DNS namespace "<p>-<e>.local" in the VPC; services with `discovery`
//     register A records (TTL 10 s, health from ECS), so in the presets the api reaches
//     SuperTokens at http://supertokens.<p>-<e>.local:3567/auth.
//   - One constructs::FargateService per entry of config.services (construct ids from the
//     name: "api" -> "Api", so "ComputeApiTaskDefinition", "ComputeApiService", ...), which
//     owns everything of that service:
//     task definition "<p>-<e>-<name>" (Fargate, awsvpc, Linux x86_64, cpu/memory of the
//     entry, one essential container named after the service logging to its own log group
//     /ecs/<p>-<e>-<name> with logRetentionDays), its own empty task role, service
//     "<p>-<e>-<name>" (private subnets, services security group, circuit breaker).
//     The container runs `image` (the service's ECR repository when "") tagged imageTag, with
//     `command`, a port mapping for `port`, `environment` with its ${...} references replaced,
//     `secrets` from Secrets Manager only (never as environment values; the database keys as
//     "<arn>:<key>::") and healthCheck.command as a CMD-SHELL check. With `path` the service
//     has a target group (health GET healthCheck.path, "/" when empty) and a rule on the
//     serving listener, priorities 10, 20, 30, ... in services order (the presets: /api/* ->
//     api 10, /auth/* -> supertokens 20), the ALB group may reach its port, it waits
//     (grace healthCheck.gracePeriod) for its target group and DependsOn every listener rule;
//     with `discovery` it registers in Cloud Map; with `calledBy` the services group lets tasks
//     reach its port; with bootstrapDatabase a non-essential init container "create-database"
//     runs the bootstrap script first and the service's container starts only after it exits
//     0; with `autoscaling` and autoscaling.enabled a scalable target (min/max from config,
//     the service-linked role) tracks ECSServiceAverageCPUUtilization, and the service then has
//     no DesiredCount (ECS starts one task on create, the scaler raises it; later updates
//     leave the count alone); with an alarm topic, CPU and memory alarms at 80% (and an
//     unhealthy-targets alarm with a path). Every service DependsOn `depends_on`.
//   - Task definitions "<p>-<e>-migration" (the migration_service's image and size, its
//     environment and secrets, command migrationCommand) and "<p>-<e>-bootstrap"
//     (postgres:15-alpine from ECR Public, no task role; creates the database "supertokens"
//     unless it exists; PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE as the app secrets
//     db.host, ... are read (ContainerValues), TLS required).
//
// Errors (reported at synthesis): a missing config or token, or no private subnets.
class Compute : public core::Construct {
 public:
  Compute(core::Construct& scope, std::string id, ComputeProps props);

  core::Str cluster_name() const { return cluster_->Ref(); }
  core::Str cluster_arn() const { return cluster_->attr_arn(); }
  // Task definition ARNs (Ref), for `rex migrate` and the bootstrap run.
  core::Str migration_task_definition_arn() const { return migration_task_->Ref(); }
  core::Str bootstrap_task_definition_arn() const { return bootstrap_task_->Ref(); }
  // Service name (Fn::GetAtt Name) of the service `name`; aborts for a name that is not in
  // config.services.
  core::Str service_name(std::string_view name) const;
  // The log group ARNs of the services, in services order (for Security::AllowServiceLogs).
  std::vector<core::Str> service_log_group_arns() const;
  // The security group the tasks use (passthrough of the prop, for the ecsSecurityGroup output
  // and run-task).
  core::Str services_security_group_id() const;
  // "<p>-<e>.local".
  const std::string& namespace_name() const { return namespace_name_; }

  // The resources, as escape hatches; null for a name not in config.services. A service's
  // task_role() is where to attach the policies that grant it access to other resources.
  cfn::ecs::CfnCluster& cluster() { return *cluster_; }
  constructs::FargateService* service(std::string_view name);

 private:
  core::Str Require(const std::optional<core::Str>& token, const char* name);

  ComputeProps props_;
  std::string prefix_;
  std::string namespace_name_;
  cfn::ecs::CfnCluster* cluster_ = nullptr;
  cfn::ecs::CfnTaskDefinition* migration_task_ = nullptr;
  cfn::ecs::CfnTaskDefinition* bootstrap_task_ = nullptr;
  std::vector<std::pair<std::string, std::unique_ptr<constructs::FargateService>>> services_;
};

// The shell script of the bootstrap task (run with `sh -c`): creates the database
// "supertokens" if it does not exist, using the libpq environment (PGHOST, ...). Exits 0 when
// the database exists afterwards, 1 otherwise.
std::string BootstrapScript();

}  // namespace rex::stack
