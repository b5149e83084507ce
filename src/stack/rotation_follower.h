#pragma once

#include <string>
#include <utility>
#include <vector>

#include "cfn/events.gen.h"
#include "cfn/iam.gen.h"
#include "cfn/stepfunctions.gen.h"
#include "core/construct.h"
#include "core/value.h"

namespace rex::stack {

struct RotationFollowerProps {
  // "<projectName>-<environment>": names the state machine and the rule. Required.
  std::string name_prefix = "";
  // The rotated secret: RDS's master user secret (Database::master_user_secret_arn()).
  // Required.
  core::Str secret_arn = "";
  // The ECS cluster the services run in: its name (Ref) and ARN (Fn::GetAtt Arn). Required.
  core::Str cluster_name = "";
  core::Str cluster_arn = "";
  // The services that read the secret at start, in order: their config name (for the state
  // names) and their ARN (Ref of the AWS::ECS::Service). At least one (else an error).
  std::vector<std::pair<std::string, core::Str>> services = {};
};

// Makes running tasks follow a rotation of the database's master password. ECS injects a
// secret into a container when the task starts, so after RDS rotates the password the running
// tasks still hold the old one and their new connections fail. This construct starts a new
// deployment of every service that reads the password when the rotation succeeds:
//
//   StateMachine      AWS::StepFunctions::StateMachine "<prefix>-follow-db-rotation",
//                     STANDARD: one Task state per service, in the order given, calling
//                     arn:aws:states:::aws-sdk:ecs:updateService with
//                     {Cluster, Service, ForceNewDeployment: true}, retried 3 times (backoff 2,
//                     from 5 s); the services' rolling deployments (circuit breaker on) replace
//                     the tasks without downtime. STANDARD keeps every execution's history for
//                     90 days, which is this state machine's log.
//   StateMachineRole  AWS::IAM::Role assumed by states.amazonaws.com (this account only):
//                     ecs:UpdateService on exactly these services' ARNs, on this cluster
//   Rule              AWS::Events::Rule "<prefix>-db-rotated" on the default bus matching
//                     Secrets Manager's RotationSucceeded service event for the secret:
//                     {"source": ["aws.secretsmanager"],
//                      "detail-type": ["AWS Service Event via CloudTrail"],
//                      "detail": {"eventSource": ["secretsmanager.amazonaws.com"],
//                                 "eventName": ["RotationSucceeded"],
//                                 "additionalEventData": {"SecretId": [<secret arn>]}}}
//                     targeting the state machine
//   RuleRole          AWS::IAM::Role assumed by events.amazonaws.com (this account only):
//                     states:StartExecution on the state machine only
//
// AWS delivers these events on a best-effort basis: a lost event leaves the tasks on the old
// password until their next deployment (`rex redeploy all` does it by hand).
// Errors (AddError on this construct): an empty prefix, secret or service list.
class RotationFollower : public core::Construct {
 public:
  RotationFollower(core::Construct& scope, std::string id, RotationFollowerProps props);

  cfn::stepfunctions::CfnStateMachine& state_machine() { return *state_machine_; }
  cfn::events::CfnRule& rule() { return *rule_; }

 private:
  cfn::stepfunctions::CfnStateMachine* state_machine_ = nullptr;
  cfn::events::CfnRule* rule_ = nullptr;
};

}  // namespace rex::stack
