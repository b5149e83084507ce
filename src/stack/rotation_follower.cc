#include "stack/rotation_follower.h"

#include <map>
#include <utility>

#include "constructs/iam_policy.h"

namespace rex::stack {
namespace {

using core::List;
using core::Str;
using core::Value;

// A placeholder of the definition, replaced by DefinitionSubstitutions.
std::string Placeholder(const std::string& name) { return "${" + name + "}"; }

}  // namespace

RotationFollower::RotationFollower(core::Construct& scope, std::string id,
                                   RotationFollowerProps props)
    : core::Construct(scope, std::move(id)) {
  if (props.name_prefix.empty()) AddError("name_prefix is empty; pass \"<project>-<env>\"");
  if (props.services.empty()) {
    AddError("no services: pass the services that read the rotated secret");
  }
  if (props.secret_arn.value().is_string() &&
      props.secret_arn.value().json().get<std::string>().empty()) {
    AddError("secret_arn is empty; pass the rotated secret's ARN");
  }

  // One Task state per service, chained in order; the values are placeholders so the
  // definition stays a plain JSON object and CloudFormation substitutes the tokens.
  std::map<std::string, Str> substitutions = {
      {"Cluster", props.cluster_name},
  };
  std::vector<std::pair<std::string, Value>> states;
  std::vector<Str> service_arns;
  for (size_t i = 0; i < props.services.size(); ++i) {
    const auto& [name, arn] = props.services[i];
    const std::string placeholder = "Service" + std::to_string(i);
    substitutions.emplace(placeholder, arn);
    service_arns.push_back(arn);
    std::vector<std::pair<std::string, Value>> state = {
        {"Type", "Task"},
        {"Comment", "new tasks of " + name + " read the rotated password"},
        // The aws partition's spelling, which the States Language validators require.
        {"Resource", "arn:aws:states:::aws-sdk:ecs:updateService"},
        {"Parameters", Value::Object({{"Cluster", Placeholder("Cluster")},
                                      {"Service", Placeholder(placeholder)},
                                      {"ForceNewDeployment", true}})},
        {"Retry", Value::List({Value::Object({{"ErrorEquals", Value::List({"States.ALL"})},
                                              {"IntervalSeconds", 5},
                                              {"MaxAttempts", 3},
                                              {"BackoffRate", 2}})})},
    };
    if (i + 1 < props.services.size()) {
      state.emplace_back("Next", "Redeploy " + props.services[i + 1].first);
    } else {
      state.emplace_back("End", true);
    }
    states.emplace_back("Redeploy " + name, Value::Object(std::move(state)));
  }
  Value definition = Value::Object({
      {"Comment", "Redeploys the services of " + props.name_prefix +
                      " after RDS rotated the database master password (rex)"},
      {"StartAt", props.services.empty() ? std::string("") : "Redeploy " + props.services[0].first},
      {"States", Value::Object(std::move(states))},
  });

  auto& machine_role = Add<cfn::iam::CfnRole>(
      "StateMachineRole",
      cfn::iam::CfnRoleProps{
          .assume_role_policy_document =
              core::Json(constructs::ServiceTrustPolicy("states.amazonaws.com")),
          .description = "Step Functions role of " + props.name_prefix +
                         "-follow-db-rotation: redeploys the services that read the database "
                         "password, nothing else",
          .policies = List<cfn::iam::CfnRole::Policy>{cfn::iam::CfnRole::Policy{
              .policy_document = core::Json(constructs::PolicyDocument({constructs::AllowStatement(
                  "RedeployServices", {"ecs:UpdateService"}, service_arns,
                  Value::Object({{"ArnEquals", Value::Object({{"ecs:cluster",
                                                               props.cluster_arn.value()}})}}))})),
              .policy_name = "redeploy-services",
          }},
      });

  cfn::stepfunctions::CfnStateMachineProps machine_props{
      .definition = core::Json(std::move(definition)),
      .role_arn = machine_role.attr_arn(),
      .state_machine_name = props.name_prefix + "-follow-db-rotation",
      .state_machine_type = "STANDARD",
  };
  core::Map<core::Json> values;
  for (auto& [name, value] : substitutions) values.emplace(name, core::Json(value.value()));
  machine_props.definition_substitutions = std::move(values);
  state_machine_ = &Add<cfn::stepfunctions::CfnStateMachine>("StateMachine", machine_props);

  auto& rule_role = Add<cfn::iam::CfnRole>(
      "RuleRole",
      cfn::iam::CfnRoleProps{
          .assume_role_policy_document =
              core::Json(constructs::ServiceTrustPolicy("events.amazonaws.com")),
          .description = "EventBridge role of " + props.name_prefix +
                         "-db-rotated: starts the state machine that follows the rotation",
          .policies = List<cfn::iam::CfnRole::Policy>{cfn::iam::CfnRole::Policy{
              .policy_document = core::Json(constructs::PolicyDocument({constructs::AllowStatement(
                  "StartExecution", {"states:StartExecution"}, {state_machine_->Ref()})})),
              .policy_name = "start-execution",
          }},
      });

  Value pattern = Value::Object({
      {"source", Value::List({"aws.secretsmanager"})},
      {"detail-type", Value::List({"AWS Service Event via CloudTrail"})},
      {"detail", Value::Object({
                     {"eventSource", Value::List({"secretsmanager.amazonaws.com"})},
                     {"eventName", Value::List({"RotationSucceeded"})},
                     {"additionalEventData",
                      Value::Object({{"SecretId", Value::List({props.secret_arn.value()})}})},
                 })},
  });
  rule_ = &Add<cfn::events::CfnRule>(
      "Rule", cfn::events::CfnRuleProps{
                  .description = "RDS rotated the master password of " + props.name_prefix +
                                 "'s database: redeploy the services that read it",
                  .event_pattern = core::Json(std::move(pattern)),
                  .name = props.name_prefix + "-db-rotated",
                  .state = "ENABLED",
                  .targets = List<cfn::events::CfnRule::Target>{cfn::events::CfnRule::Target{
                      .arn = state_machine_->Ref(),
                      .id = "follow-db-rotation",
                      .role_arn = rule_role.attr_arn(),
                  }},
              });
}

}  // namespace rex::stack
