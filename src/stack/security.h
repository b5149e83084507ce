#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cfn/ec2.gen.h"
#include "cfn/iam.gen.h"
#include "config/config.h"
#include "core/construct.h"
#include "core/value.h"

namespace rex::stack {

// Ports the security groups open; the other components use the same numbers.
inline constexpr int kPostgresPort = 5432;
inline constexpr int kRedisPort = 6379;

struct SecurityProps {
  // The stack config (names, certificate). Required; must outlive the construct.
  const config::Config* config = nullptr;
  // The VPC the groups belong to (e.g. Networking::vpc_id()). Required.
  std::optional<core::Str> vpc_id = {};
};

// What the IAM roles may touch. Every list holds exact ARNs (tokens of the data tier and of
// the log groups); nothing is widened to a wildcard.
struct TaskRolesProps {
  // The ECR repositories of the services (Repository Arn). Required, at least one.
  std::vector<core::Str> repository_arns = {};
  // Every Secrets Manager secret a task definition injects: DB credentials, SuperTokens
  // connection URI, SuperTokens API key. Required, at least one.
  std::vector<core::Str> secret_arns = {};
  // The log groups of the one-off tasks (Monitoring::log_group_arns(); LogGroup Arn, which ends
  // in ":*" and so covers their streams). The services' own groups come through
  // AllowServiceLogs. Required, at least one.
  std::vector<core::Str> log_group_arns = {};
};

// The shared security groups and IAM roles of ARCHITECTURE.md. What belongs to one service
// (its task role, the rules of its port) is made by its constructs::FargateService, under this
// construct (Compute places it here), so the logical ids stay "Security<Name>TaskRole",
// "SecurityAlbTo<Name>", ...
//
// Security groups (constructor): four groups in the VPC, every rule explicit.
//   alb          in: 80 (and 443 with a certificate) from 0.0.0.0/0
//                out: only the services' rules ("AlbTo<Name>", made by FargateService)
//   services     in: the services' rules (from the ALB, from Cloud Map callers)
//                out: 443 to anywhere (ECR, Secrets Manager, CloudWatch Logs and external
//                    HTTPS APIs through the NAT), 5432 to the database group, 6379 to the
//                    cache group, and the services' rules
//   database     in: 5432 from the services group only; out: nothing
//   cache        in: 6379 from the services group only; out: nothing
// Rules that name another group are separate AWS::EC2::SecurityGroupIngress/Egress resources
// so that no two groups reference each other (no cycle). A group whose egress is only such
// rules carries CDK's "match no traffic" placeholder (ICMP type 252 code 86 to
// 255.255.255.255/32) inline: without an inline rule EC2 keeps its default allow-all egress.
//
// IAM (AddTaskRoles, called once the data tier and Monitoring's log groups exist): a task
// execution role that pulls exactly the given repositories, writes exactly the given log
// groups (the services' first, in AllowServiceLogs order, then TaskRolesProps.log_group_arns)
// and reads exactly the given secrets, and an empty task role for the migration that gives it
// its own identity and nothing else (ECS exec is not enabled, so no ssmmessages
// permissions). The bootstrap task runs without a task role. Roles are not named
// (CloudFormation generates names), so deploys need only CAPABILITY_IAM.
//
// Errors (reported at synthesis): a missing config or vpc_id, or an empty list in
// TaskRolesProps, is recorded on this construct.
class Security : public core::Construct {
 public:
  Security(core::Construct& scope, std::string id, SecurityProps props);

  // Creates the execution role and the migration task role. Call exactly once; a second call
  // records an error.
  void AddTaskRoles(TaskRolesProps props);
  // Lets the execution role write the log group of a service (FargateService::log_group_arn()).
  // Call after AddTaskRoles (before is a bug: abort), once per service, in services order.
  void AllowServiceLogs(core::Str log_group_arn);

  // Security group ids (Fn::GetAtt GroupId).
  core::Str alb_security_group_id() const { return alb_->attr_group_id(); }
  core::Str services_security_group_id() const { return services_->attr_group_id(); }
  core::Str database_security_group_id() const { return database_->attr_group_id(); }
  core::Str cache_security_group_id() const { return cache_->attr_group_id(); }

  // Role ARNs (Fn::GetAtt Arn). Only after AddTaskRoles; calling one before is a bug (abort).
  core::Str execution_role_arn() const;
  core::Str migration_task_role_arn() const;

  // The L1 resources, as escape hatches.
  cfn::ec2::CfnSecurityGroup& alb_security_group() { return *alb_; }
  cfn::ec2::CfnSecurityGroup& services_security_group() { return *services_; }
  cfn::ec2::CfnSecurityGroup& database_security_group() { return *database_; }
  cfn::ec2::CfnSecurityGroup& cache_security_group() { return *cache_; }
  // Null before AddTaskRoles.
  cfn::iam::CfnRole* execution_role() { return execution_role_; }

 private:
  // Sets the execution role's inline policy from roles_ and service_log_arns_.
  void RenderExecutionPolicy();

  SecurityProps props_;
  TaskRolesProps roles_;
  std::vector<core::Str> service_log_arns_;
  std::string prefix_;
  cfn::ec2::CfnSecurityGroup* alb_ = nullptr;
  cfn::ec2::CfnSecurityGroup* services_ = nullptr;
  cfn::ec2::CfnSecurityGroup* database_ = nullptr;
  cfn::ec2::CfnSecurityGroup* cache_ = nullptr;
  cfn::iam::CfnRole* execution_role_ = nullptr;
  cfn::iam::CfnRole* migration_role_ = nullptr;
};

}  // namespace rex::stack
