#include "stack/rex_stack.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/intrinsics.h"
#include "stack/accepted.h"
#include "stack/audit_trail.h"
#include "stack/backup_plan.h"
#include "stack/jobs_queues_buckets.h"
#include "stack/rotation_follower.h"

namespace rex::stack {
namespace {

void AddOutput(core::Stack& stack, const std::string& name, const core::Str& value,
               const std::string& description) {
  stack.Add<core::Output>(name,
                          core::OutputProps{.value = value.value(), .description = description});
}

}  // namespace

std::string StackName(const config::Config& config) {
  return config.project_name + "-" + config.environment;
}

RexStack::RexStack(core::Construct& scope, std::string id, const config::Config& config)
    : core::Stack(scope, std::move(id),
                  core::StackProps{.description = "Rex Backend (" + StackName(config) +
                                                  "), synthesized by rex"}),
      config_(std::make_unique<const config::Config>(config)) {
  const config::Config* c = config_.get();
  networking_ = &Add<Networking>("Network", NetworkingProps{
                                                .name_prefix = StackName(*c),
                                                .vpc_cidr = c->vpc_cidr,
                                                .nat_gateways = c->nat_gateways,
                                                .enable_flow_logs = c->enable_flow_logs,
                                                .enable_s3_endpoint = c->enable_s3_endpoint,
                                                .log_retention_days = c->log_retention_days,
                                            });
  security_ =
      &Add<Security>("Security", SecurityProps{.config = c, .vpc_id = networking_->vpc_id()});
  monitoring_ = &Add<Monitoring>("Monitoring", MonitoringProps{.config = c});
  database_ = &Add<Database>(
      "Database", DatabaseProps{.config = c,
                                .private_subnet_ids = networking_->private_subnet_ids(),
                                .security_group_id = security_->database_security_group_id()});
  cache_ =
      &Add<Cache>("Cache", CacheProps{.config = c,
                                      .private_subnet_ids = networking_->private_subnet_ids(),
                                      .security_group_id = security_->cache_security_group_id()});
  registry_ = &Add<Registry>("Registry", RegistryProps{.config = c});
  secrets_ = &Add<AppSecrets>("Secrets", AppSecretsProps{.config = c});

  // The execution role may read exactly the secrets the task definitions inject, pull exactly
  // the services' repositories and write exactly the log groups (the services' are added
  // below, once their FargateServices exist). The database's secrets are
  // named by pattern so the role does not wait for the cluster (the task definitions do).
  std::vector<core::Str> secret_arns = database_->secret_arn_patterns();
  secret_arns.push_back(secrets_->supertokens_api_key_secret_arn());
  if (auto token = cache_->auth_token_secret_arn()) secret_arns.push_back(*token);
  security_->AddTaskRoles(TaskRolesProps{
      .repository_arns = registry_->repository_arns(),
      .secret_arns = std::move(secret_arns),
      .log_group_arns = monitoring_->log_group_arns(),
  });

  load_balancer_ = &Add<LoadBalancer>(
      "LoadBalancer", LoadBalancerProps{.config = c,
                                        .vpc_id = networking_->vpc_id(),
                                        .public_subnet_ids = networking_->public_subnet_ids(),
                                        .security_group_id = security_->alb_security_group_id()});
  // The ECR repositories of the services that run their own image.
  std::map<std::string, core::Str> repository_uris;
  for (const auto& [name, service] : c->services.entries) {
    if (registry_->repository(name) != nullptr) {
      repository_uris.emplace(name, registry_->repository_uri(name));
    }
  }
  // One FargateService per service; what is not ECS goes under the component that held it
  // before, so logical ids do not move.
  compute_ = &Add<Compute>(
      "Compute", ComputeProps{
                     .config = c,
                     .vpc_id = networking_->vpc_id(),
                     .private_subnet_ids = networking_->private_subnet_ids(),
                     .services_security_group_id = security_->services_security_group_id(),
                     .execution_role_arn = security_->execution_role_arn(),
                     .migration_task_role_arn = security_->migration_task_role_arn(),
                     .log_group_scope = monitoring_,
                     .security_scope = security_,
                     .load_balancer_scope = load_balancer_,
                     .repository_uris = std::move(repository_uris),
                     .database_access = database_->access(),
                     .supertokens_api_key_secret_arn = secrets_->supertokens_api_key_secret_arn(),
                     .redis_url = cache_->redis_url(),
                     .redis_auth_token_secret_arn = cache_->auth_token_secret_arn(),
                     .database_name = std::string(Database::kDatabaseName),
                     .listener_arn = load_balancer_->listener_arn(),
                     .load_balancer_security_group_id = security_->alb_security_group_id(),
                     .load_balancer_full_name = load_balancer_->load_balancer_full_name(),
                     // The cluster endpoint answers only once the writer instance is up.
                     .depends_on = {&database_->writer()},
                     .alarm_topic_arn = monitoring_->alarm_topic_arn(),
                     .migration_log_group_name = monitoring_->migration_log_group_name(),
                     .bootstrap_log_group_name = monitoring_->bootstrap_log_group_name(),
                 });
  for (const core::Str& arn : compute_->service_log_group_arns()) {
    security_->AllowServiceLogs(arn);
  }
  if (database_->managed_password()) {
    // RDS rotates the password; the services that read it at start are redeployed after each
    // rotation (their init containers included).
    std::vector<std::pair<std::string, core::Str>> readers;
    for (const auto& [name, service] : c->services.entries) {
      bool reads = service.bootstrap_database;
      for (const auto& [variable, secret] : service.secrets) {
        reads = reads || secret == "db.password" || secret == "supertokens.connectionUri";
      }
      if (reads) readers.emplace_back(name, compute_->service(name)->service().Ref());
    }
    if (!readers.empty()) {
      Add<RotationFollower>("DbRotation", RotationFollowerProps{
                                              .name_prefix = StackName(*c),
                                              .secret_arn = database_->master_user_secret_arn(),
                                              .cluster_name = compute_->cluster_name(),
                                              .cluster_arn = compute_->cluster_arn(),
                                              .services = std::move(readers),
                                          });
    }
  }
  frontend_ = &Add<Frontend>("Frontend", FrontendProps{.config = c,
                                                       .api_url = load_balancer_->api_url(),
                                                       .github_token = secrets_->github_token()});
  monitoring_->AddAlarms(AlarmsProps{
      .load_balancer_full_name = load_balancer_->load_balancer_full_name(),
      .db_cluster_identifier = database_->cluster_identifier(),
      .redis_replication_group_id = cache_->replication_group_id(),
  });
  if (c->backup_plan.enabled) {
    Add<BackupPlan>("Backup", BackupPlanProps{
                                  .config = c,
                                  .cluster_arn = database_->cluster().attr_db_cluster_arn(),
                              });
  }
  if (c->cloud_trail.enabled) Add<AuditTrail>("AuditTrail", AuditTrailProps{.config = c});

  // Outputs keep the names of the original Pulumi program; lists are comma-separated.
  AddOutput(*this, "albDnsName", load_balancer_->dns_name(), "DNS name of the load balancer");
  AddOutput(*this, "apiUrl", load_balancer_->api_url(), "base URL of the API");
  AddOutput(*this, "ecsClusterName", compute_->cluster_name(), "ECS cluster name");
  AddOutput(*this, "migrationTaskDefinitionArn", compute_->migration_task_definition_arn(),
            "task definition of the database migration (rex migrate runs it)");
  AddOutput(*this, "bootstrapTaskDefinitionArn", compute_->bootstrap_task_definition_arn(),
            "task definition that creates the supertokens database (rex db bootstrap)");
  AddOutput(*this, "privateSubnetIds", core::JoinList(",", networking_->private_subnet_ids()),
            "private subnet ids, comma-separated");
  AddOutput(*this, "publicSubnetIds", core::JoinList(",", networking_->public_subnet_ids()),
            "public subnet ids, comma-separated");
  AddOutput(*this, "ecsSecurityGroup", security_->services_security_group_id(),
            "security group of the ECS tasks");
  AddOutput(*this, "rdsClusterEndpoint", database_->endpoint_address(),
            "writer endpoint of the Aurora cluster");
  AddOutput(*this, "redisEndpoint", cache_->primary_endpoint_address(),
            "primary endpoint of the Redis replication group");
  if (frontend_->enabled()) {
    AddOutput(*this, "frontendUrl", frontend_->frontend_url(), "URL of the Amplify frontend");
  }
  for (const std::string& name : registry_->repository_services()) {
    std::string output = config::ServiceConstructId(name);
    output[0] = static_cast<char>(output[0] - 'A' + 'a');
    AddOutput(*this, output + "RepositoryUrl", registry_->repository_uri(name),
              "ECR repository of the " + name + " image");
  }
  AddOutput(*this, "vpcId", networking_->vpc_id(), "the VPC id");
  AddJobsQueuesAndBuckets(*this);
}

base::Result<core::Template> SynthesizeRexStack(const config::Config& config) {
  REX_RETURN_IF_ERROR(config::ValidateConfig(config, "config"));
  core::App app;
  auto& stack = app.Add<RexStack>("Rex", config);
  auto synthesized = stack.Synthesize();
  if (!synthesized.ok()) return synthesized;
  core::Template tmpl = std::move(synthesized).value();
  RecordAcceptedFindings(tmpl.json, config.environment);
  return tmpl;
}

}  // namespace rex::stack
