#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cfn/applicationautoscaling.gen.h"
#include "cfn/ecs.gen.h"
#include "cfn/servicediscovery.gen.h"
#include "core/construct.h"
#include "core/element.h"
#include "core/value.h"
#include "stack/config.h"

namespace rex::stack {

// Tokens of the other components. Every optional here is required; a missing one is an error
// at synthesis naming the field.
struct ComputeProps {
  // The stack config (names, services.*, autoscaling.*, migrationCommand, supertokensImage).
  // Required; must outlive the construct.
  const Config* config = nullptr;

  // --- networking
  std::optional<core::Str> vpc_id = {};  // for the Cloud Map namespace
  // Private subnets the tasks run in (no public IP). Required, at least one.
  core::List<core::Str> private_subnet_ids = {};
  // Security::services_security_group_id().
  std::optional<core::Str> services_security_group_id = {};

  // --- IAM (Security::AddTaskRoles)
  std::optional<core::Str> execution_role_arn = {};
  std::optional<core::Str> api_task_role_arn = {};
  std::optional<core::Str> worker_task_role_arn = {};
  std::optional<core::Str> supertokens_task_role_arn = {};
  std::optional<core::Str> migration_task_role_arn = {};

  // --- images: ECR repository URIs (RepositoryUri), tagged with services.<name>.imageTag.
  std::optional<core::Str> api_repository_uri = {};
  std::optional<core::Str> worker_repository_uri = {};

  // --- data tier
  // Secret with the JSON keys username, password, host, port and dbname. Pass the ARN
  // through the resource that writes host and port into it (the Ref of an
  // AWS::SecretsManager::SecretTargetAttachment is the secret ARN), so tasks start only after
  // the keys exist.
  std::optional<core::Str> db_credentials_secret_arn = {};
  // Secret holding SuperTokens' PostgreSQL connection URI (a plain string).
  std::optional<core::Str> supertokens_connection_uri_secret_arn = {};
  // Secret holding the SuperTokens API key (a plain string).
  std::optional<core::Str> supertokens_api_key_secret_arn = {};
  // "redis://host:port" or "rediss://host:port"; carries no credential.
  std::optional<core::Str> redis_url = {};
  // Database the api and the migration use. Default: "rex_backend".
  std::string database_name = "rex_backend";

  // --- load balancer
  std::optional<core::Str> api_target_group_arn = {};
  std::optional<core::Str> supertokens_target_group_arn = {};
  // LoadBalancer::listener_rules(): the api and supertokens services DependsOn them.
  std::vector<const core::CfnResource*> listener_rules = {};
  // Resources every service waits for (DependsOn) because its tasks need them at start and no
  // property references them: pass &Database::writer() (the cluster endpoint answers only
  // once the writer instance exists; without it, first deploys race the database and the
  // circuit breaker rolls the stack back). Default: none.
  std::vector<const core::CfnResource*> depends_on = {};

  // --- log groups (Monitoring::*_log_group_name())
  std::optional<core::Str> api_log_group_name = {};
  std::optional<core::Str> worker_log_group_name = {};
  std::optional<core::Str> supertokens_log_group_name = {};
  std::optional<core::Str> migration_log_group_name = {};
  std::optional<core::Str> bootstrap_log_group_name = {};
};

// ECS Fargate compute of ARCHITECTURE.md.
//
//   - Cluster "<p>-<e>-cluster" with Container Insights.
//   - Cloud Map private DNS namespace "<p>-<e>.local" in the VPC; api and supertokens register
//     A records (TTL 10 s, health from ECS), so the api reaches SuperTokens at
//     http://supertokens.<p>-<e>.local:3567/auth.
//   - Task definitions "<p>-<e>-{api,worker,supertokens,migration,bootstrap}": Fargate, awsvpc,
//     Linux x86_64, Cpu/Memory from services.*, one essential container each, awslogs to its
//     own log group (stream prefix = service). Secrets reach containers only as `Secrets`
//     (valueFrom an ARN, JSON keys as "<arn>:<key>::"), never as environment values:
//       api, worker, migration: env PORT (api only), DB_NAME, REDIS_URL,
//         SUPERTOKENS_CONNECTION_URI; secrets DB_HOST, DB_PORT, DB_USER, DB_PASSWORD (from the
//         credentials secret) and SUPERTOKENS_API_KEY. The migration runs migrationCommand.
//       supertokens: image supertokensImage:imageTag, env BASE_PATH=/auth; secrets API_KEYS
//         and POSTGRESQL_CONNECTION_URI; a container health check on /auth/hello (bash
//         /dev/tcp, since the image has no curl). A non-essential init container
//         "create-database" runs the bootstrap script first and SuperTokens starts only after
//         it exits 0 (DependsOn SUCCESS), so the database exists on every start, including the
//         first deploy, before anyone could run the bootstrap task.
//       bootstrap: postgres:15-alpine from ECR Public, no task role; creates the database
//         "supertokens" unless it exists ("already exists" from a concurrent run counts as
//         success); PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE from the credentials
//         secret, TLS required.
//   - Services "<p>-<e>-{api,worker,supertokens}": FARGATE, private subnets, services security
//     group, no public IP, circuit breaker with rollback, 100%/200% rolling deploys, ECS
//     managed tags propagated from the service; api and supertokens behind their target
//     groups (grace 60 s / 120 s) and in Cloud Map, DependsOn the listener rules; every
//     service DependsOn `depends_on`.
//   - autoscaling.enabled: a scalable target on the api service (min/max from config, the
//     Application Auto Scaling service-linked role, so no RoleARN) with target tracking on
//     ECSServiceAverageCPUUtilization. The api service then has no DesiredCount: ECS starts
//     one task on create and the scalable target raises it to minCount; later stack updates
//     leave the count to the scaler instead of resetting it (what CDK does).
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
  // Service names (Fn::GetAtt Name), e.g. for alarms and `rex redeploy`.
  core::Str api_service_name() const { return api_service_->attr_name(); }
  core::Str worker_service_name() const { return worker_service_->attr_name(); }
  core::Str supertokens_service_name() const { return supertokens_service_->attr_name(); }
  // The security group the tasks use (passthrough of the prop, for the ecsSecurityGroup output
  // and run-task).
  core::Str services_security_group_id() const;
  // "<p>-<e>.local".
  const std::string& namespace_name() const { return namespace_name_; }

  // The L1 resources, as escape hatches; scalable_target() is null without autoscaling.
  cfn::ecs::CfnCluster& cluster() { return *cluster_; }
  cfn::ecs::CfnService& api_service() { return *api_service_; }
  cfn::ecs::CfnService& worker_service() { return *worker_service_; }
  cfn::ecs::CfnService& supertokens_service() { return *supertokens_service_; }
  cfn::ecs::CfnTaskDefinition& api_task_definition() { return *api_task_; }
  cfn::applicationautoscaling::CfnScalableTarget* scalable_target() { return scalable_target_; }

 private:
  core::Str Require(const std::optional<core::Str>& token, const char* name);

  ComputeProps props_;
  std::string prefix_;
  std::string namespace_name_;
  cfn::ecs::CfnCluster* cluster_ = nullptr;
  cfn::ecs::CfnTaskDefinition* api_task_ = nullptr;
  cfn::ecs::CfnTaskDefinition* migration_task_ = nullptr;
  cfn::ecs::CfnTaskDefinition* bootstrap_task_ = nullptr;
  cfn::ecs::CfnService* api_service_ = nullptr;
  cfn::ecs::CfnService* worker_service_ = nullptr;
  cfn::ecs::CfnService* supertokens_service_ = nullptr;
  cfn::applicationautoscaling::CfnScalableTarget* scalable_target_ = nullptr;
};

// The shell script of the bootstrap task (run with `sh -c`): creates the database
// "supertokens" if it does not exist, using the libpq environment (PGHOST, ...). Exits 0 when
// the database exists afterwards, 1 otherwise.
std::string BootstrapScript();

}  // namespace rex::stack
