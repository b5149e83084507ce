#include "stack/security.h"

#include <utility>

#include "base/check.h"
#include "constructs/fargate_service.h"
#include "core/intrinsics.h"

namespace rex::stack {
namespace {

using core::List;
using core::Str;
using core::Tag;
using core::Value;
using SecurityGroup = cfn::ec2::CfnSecurityGroup;

const config::Config& ConfigOrDefault(const config::Config* config) {
  static const config::Config kDefault;
  return config != nullptr ? *config : kDefault;
}

List<Tag> NameTag(const std::string& name) { return List<Tag>{Tag{"Name", name}}; }

// EC2 removes a group's default allow-all egress only when the group declares egress rules
// of its own. This rule matches nothing (ICMP type 252, code 86, to the broadcast address), so
// a group whose real egress rules are separate resources, or that needs none, sends nothing
// else. The same placeholder CDK writes for allowAllOutbound: false.
SecurityGroup::Egress NoTrafficEgress() {
  return SecurityGroup::Egress{
      .cidr_ip = "255.255.255.255/32",
      .description = "Disallow all traffic",
      .from_port = 252,
      .ip_protocol = "icmp",
      .to_port = 86,
  };
}

Value Statement(std::string sid, std::vector<Value> actions, Value resources) {
  return Value::Object({
      {"Sid", std::move(sid)},
      {"Effect", "Allow"},
      {"Action", Value::List(std::move(actions))},
      {"Resource", std::move(resources)},
  });
}

Value ArnList(const std::vector<Str>& arns) {
  std::vector<Value> items;
  items.reserve(arns.size());
  for (const Str& arn : arns) items.push_back(arn.value());
  return Value::List(std::move(items));
}

Value PolicyDocument(std::vector<Value> statements) {
  return Value::Object({
      {"Version", "2012-10-17"},
      {"Statement", Value::List(std::move(statements))},
  });
}

}  // namespace

Security::Security(core::Construct& scope, std::string id, SecurityProps props)
    : core::Construct(scope, std::move(id)), props_(std::move(props)) {
  if (props_.config == nullptr) AddError("config is required; pass the stack's Config");
  if (!props_.vpc_id.has_value()) AddError("vpc_id is required; pass Networking::vpc_id()");
  const config::Config& config = ConfigOrDefault(props_.config);
  prefix_ = config.project_name + "-" + config.environment;
  Str vpc_id = props_.vpc_id.value_or(Str(""));
  const bool https = !config.certificate_arn.empty();

  // ALB: the internet reaches it on 80, and on 443 when a certificate makes an HTTPS listener
  // (without one nothing listens on 443, so the port stays closed).
  List<SecurityGroup::Ingress> alb_ingress{SecurityGroup::Ingress{
      .cidr_ip = "0.0.0.0/0",
      .description = "HTTP from anywhere",
      .from_port = 80,
      .ip_protocol = "tcp",
      .to_port = 80,
  }};
  if (https) {
    alb_ingress.push_back(SecurityGroup::Ingress{
        .cidr_ip = "0.0.0.0/0",
        .description = "HTTPS from anywhere",
        .from_port = 443,
        .ip_protocol = "tcp",
        .to_port = 443,
    });
  }
  alb_ = &Add<SecurityGroup>(
      "AlbSecurityGroup",
      cfn::ec2::CfnSecurityGroupProps{
          .group_description =
              "Load balancer of " + prefix_ + ": HTTP(S) from the internet, to services",
          .security_group_egress = List<SecurityGroup::Egress>{NoTrafficEgress()},
          .security_group_ingress = alb_ingress,
          .tags = NameTag(prefix_ + "-alb"),
          .vpc_id = vpc_id,
      });

  // Services: 443 out for AWS APIs (ECR, Secrets Manager, CloudWatch Logs) and HTTPS APIs the
  // application calls; the data tier and Cloud Map peers through the rules below. DNS to the
  // VPC resolver is not filtered by security groups.
  services_ = &Add<SecurityGroup>(
      "ServicesSecurityGroup",
      cfn::ec2::CfnSecurityGroupProps{
          .group_description = "ECS tasks of " + prefix_ + ": from the load balancer",
          .security_group_egress = List<SecurityGroup::Egress>{SecurityGroup::Egress{
              .cidr_ip = "0.0.0.0/0",
              .description = "HTTPS to AWS APIs and the internet",
              .from_port = 443,
              .ip_protocol = "tcp",
              .to_port = 443,
          }},
          .tags = NameTag(prefix_ + "-services"),
          .vpc_id = vpc_id,
      });

  database_ = &Add<SecurityGroup>(
      "DatabaseSecurityGroup",
      cfn::ec2::CfnSecurityGroupProps{
          .group_description = "Aurora cluster of " + prefix_ + ": PostgreSQL from services only",
          .security_group_egress = List<SecurityGroup::Egress>{NoTrafficEgress()},
          .tags = NameTag(prefix_ + "-database"),
          .vpc_id = vpc_id,
      });

  cache_ = &Add<SecurityGroup>(
      "CacheSecurityGroup",
      cfn::ec2::CfnSecurityGroupProps{
          .group_description = "Redis of " + prefix_ + ": Redis from services only",
          .security_group_egress = List<SecurityGroup::Egress>{NoTrafficEgress()},
          .tags = NameTag(prefix_ + "-cache"),
          .vpc_id = vpc_id,
      });

  auto ingress = [&](const std::string& rule_id, SecurityGroup& to, SecurityGroup& from, int port,
                     std::string description) {
    Add<cfn::ec2::CfnSecurityGroupIngress>(rule_id,
                                           cfn::ec2::CfnSecurityGroupIngressProps{
                                               .description = std::move(description),
                                               .from_port = port,
                                               .group_id = to.attr_group_id(),
                                               .ip_protocol = "tcp",
                                               .source_security_group_id = from.attr_group_id(),
                                               .to_port = port,
                                           });
  };
  auto egress = [&](const std::string& rule_id, SecurityGroup& from, SecurityGroup& to, int port,
                    std::string description) {
    Add<cfn::ec2::CfnSecurityGroupEgress>(rule_id,
                                          cfn::ec2::CfnSecurityGroupEgressProps{
                                              .description = std::move(description),
                                              .destination_security_group_id = to.attr_group_id(),
                                              .from_port = port,
                                              .group_id = from.attr_group_id(),
                                              .ip_protocol = "tcp",
                                              .to_port = port,
                                          });
  };

  egress("ServicesToDatabase", *services_, *database_, kPostgresPort, "to Aurora PostgreSQL");
  egress("ServicesToCache", *services_, *cache_, kRedisPort, "to Redis");
  ingress("DatabaseFromServices", *database_, *services_, kPostgresPort,
          "PostgreSQL from ECS tasks");
  ingress("CacheFromServices", *cache_, *services_, kRedisPort, "Redis from ECS tasks");
}

void Security::AddTaskRoles(TaskRolesProps props) {
  if (execution_role_ != nullptr) {
    AddError(
        "AddTaskRoles was called twice; call it once with every repository, secret and "
        "log group");
    return;
  }
  if (props.repository_arns.empty()) {
    AddError("repository_arns is empty; pass the ARNs of the services' ECR repositories");
  }
  if (props.secret_arns.empty()) {
    AddError("secret_arns is empty; pass the ARN of every secret the tasks read");
  }
  if (props.log_group_arns.empty()) {
    AddError("log_group_arns is empty; pass the ARNs of the one-off tasks' log groups");
  }

  roles_ = std::move(props);
  execution_role_ = &Add<cfn::iam::CfnRole>(
      "ExecutionRole", cfn::iam::CfnRoleProps{
                           .assume_role_policy_document = core::Json(
                               constructs::EcsTasksAssumeRolePolicy(/*pin_source=*/false)),
                           .description = "ECS task execution role of " + prefix_ +
                                          ": pulls its images, writes its logs, reads its secrets",
                       });
  RenderExecutionPolicy();
  migration_role_ = &Add<cfn::iam::CfnRole>(
      "MigrationTaskRole",
      cfn::iam::CfnRoleProps{
          .assume_role_policy_document =
              core::Json(constructs::EcsTasksAssumeRolePolicy(/*pin_source=*/true)),
          .description = "Task role of " + prefix_ + "-migration: its own identity, no permissions",
      });
}

void Security::AllowServiceLogs(core::Str log_group_arn) {
  REX_CHECK(execution_role_ != nullptr);
  service_log_arns_.push_back(std::move(log_group_arn));
  RenderExecutionPolicy();
}

void Security::RenderExecutionPolicy() {
  std::vector<Str> log_group_arns = service_log_arns_;
  log_group_arns.insert(log_group_arns.end(), roles_.log_group_arns.begin(),
                        roles_.log_group_arns.end());
  std::vector<Value> statements;
  statements.push_back(Statement(
      "PullImages",
      {"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"},
      ArnList(roles_.repository_arns)));
  // ecr:GetAuthorizationToken has no resource-level permissions: IAM accepts only "*" for it.
  // This is the one wildcard resource of the stack.
  statements.push_back(Statement("EcrLogin", {"ecr:GetAuthorizationToken"}, "*"));
  statements.push_back(Statement("WriteLogs", {"logs:CreateLogStream", "logs:PutLogEvents"},
                                 ArnList(log_group_arns)));
  statements.push_back(
      Statement("ReadSecrets", {"secretsmanager:GetSecretValue"}, ArnList(roles_.secret_arns)));
  execution_role_->props().policies = List<cfn::iam::CfnRole::Policy>{cfn::iam::CfnRole::Policy{
      .policy_document = core::Json(PolicyDocument(std::move(statements))),
      .policy_name = "task-execution",
  }};
}

core::Str Security::execution_role_arn() const {
  REX_CHECK(execution_role_ != nullptr);
  return execution_role_->attr_arn();
}
core::Str Security::migration_task_role_arn() const {
  REX_CHECK(migration_role_ != nullptr);
  return migration_role_->attr_arn();
}

}  // namespace rex::stack
