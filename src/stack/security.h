#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cfn/ec2.gen.h"
#include "cfn/iam.gen.h"
#include "core/construct.h"
#include "core/value.h"
#include "stack/config.h"

namespace rex::stack {

// Ports the security groups open; the other components use the same numbers.
inline constexpr int kPostgresPort = 5432;
inline constexpr int kRedisPort = 6379;

struct SecurityProps {
  // The stack config (names, certificate). Required; must outlive the construct.
  const Config* config = nullptr;
  // The VPC the groups belong to (e.g. Networking::vpc_id()). Required.
  std::optional<core::Str> vpc_id = {};
};

// What the IAM roles may touch. Every list holds exact ARNs (tokens of the data tier and of
// Monitoring's log groups); nothing is widened to a wildcard.
struct TaskRolesProps {
  // The ECR repositories of the services (Repository Arn). Required, at least one.
  std::vector<core::Str> repository_arns = {};
  // Every Secrets Manager secret a task definition injects: DB credentials, SuperTokens
  // connection URI, SuperTokens API key. Required, at least one.
  std::vector<core::Str> secret_arns = {};
  // The service log groups (LogGroup Arn, which ends in ":*" and so covers their streams).
  // Required, at least one.
  std::vector<core::Str> log_group_arns = {};
};

// The security groups and IAM roles of ARCHITECTURE.md.
//
// Security groups (constructor): four groups in the VPC, every rule explicit.
//   alb          in: 80 (and 443 with a certificate) from 0.0.0.0/0
//                out: the port of each service with a `path` to the services group only
//                    ("AlbTo<Name>")
//   services     in: the port of each service with a `path` from the ALB group
//                    ("ServicesFromAlb<Name>"); the port of each service with `calledBy`
//                    from itself ("ServicesFromServices<Name>", Cloud Map callers)
//                out: 443 to anywhere (ECR, Secrets Manager, CloudWatch Logs and external
//                    HTTPS APIs through the NAT), 5432 to the database group, 6379 to the
//                    cache group, the port of each service with `calledBy` to itself
//                    ("ServicesToServices<Name>")
//   (the presets: api 8080 and supertokens 3567 behind the ALB, supertokens called by api)
//   database     in: 5432 from the services group only; out: nothing
//   cache        in: 6379 from the services group only; out: nothing
// Rules that name another group are separate AWS::EC2::SecurityGroupIngress/Egress resources
// so that no two groups reference each other (no cycle). A group whose egress is only such
// rules carries CDK's "match no traffic" placeholder (ICMP type 252 code 86 to
// 255.255.255.255/32) inline: without an inline rule EC2 keeps its default allow-all egress.
//
// IAM (AddTaskRoles, called once the data tier and Monitoring's log groups exist): a task
// execution role that pulls exactly the given repositories, writes exactly the given log
// groups and reads exactly the given secrets, and one empty task role per service of
// config.services ("<Name>TaskRole") and for the migration, that gives each its own identity and
// nothing else (ECS exec is not enabled, so no ssmmessages permissions). The bootstrap task runs
// without a task role. Roles are not named (CloudFormation generates names), so deploys need only
// CAPABILITY_IAM.
//
// Errors (reported at synthesis): a missing config or vpc_id, or an empty list in
// TaskRolesProps, is recorded on this construct.
class Security : public core::Construct {
 public:
  Security(core::Construct& scope, std::string id, SecurityProps props);

  // Creates the execution role and the task roles. Call exactly once; a second call records an
  // error.
  void AddTaskRoles(TaskRolesProps props);

  // Security group ids (Fn::GetAtt GroupId).
  core::Str alb_security_group_id() const { return alb_->attr_group_id(); }
  core::Str services_security_group_id() const { return services_->attr_group_id(); }
  core::Str database_security_group_id() const { return database_->attr_group_id(); }
  core::Str cache_security_group_id() const { return cache_->attr_group_id(); }

  // Role ARNs (Fn::GetAtt Arn). Only after AddTaskRoles; calling one before is a bug (abort).
  core::Str execution_role_arn() const;
  // The task role of the service `name` (aborts for a name not in config.services).
  core::Str task_role_arn(std::string_view name) const;
  core::Str migration_task_role_arn() const;

  // The L1 resources, as escape hatches.
  cfn::ec2::CfnSecurityGroup& alb_security_group() { return *alb_; }
  cfn::ec2::CfnSecurityGroup& services_security_group() { return *services_; }
  cfn::ec2::CfnSecurityGroup& database_security_group() { return *database_; }
  cfn::ec2::CfnSecurityGroup& cache_security_group() { return *cache_; }
  // Null before AddTaskRoles.
  cfn::iam::CfnRole* execution_role() { return execution_role_; }

 private:
  cfn::iam::CfnRole& AddTaskRole(const std::string& id, const std::string& service);

  SecurityProps props_;
  std::string prefix_;
  cfn::ec2::CfnSecurityGroup* alb_ = nullptr;
  cfn::ec2::CfnSecurityGroup* services_ = nullptr;
  cfn::ec2::CfnSecurityGroup* database_ = nullptr;
  cfn::ec2::CfnSecurityGroup* cache_ = nullptr;
  cfn::iam::CfnRole* execution_role_ = nullptr;
  std::vector<std::pair<std::string, cfn::iam::CfnRole*>> task_roles_;
  cfn::iam::CfnRole* migration_role_ = nullptr;
};

}  // namespace rex::stack
