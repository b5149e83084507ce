#include "constructs/iam_policy.h"

#include <utility>

#include "core/intrinsics.h"

namespace rex::constructs {

using core::Str;
using core::Value;

Value AllowStatement(std::string sid, std::vector<std::string> actions,
                     std::vector<core::Str> resources, Value condition) {
  std::vector<Value> action_values;
  action_values.reserve(actions.size());
  for (std::string& action : actions) action_values.emplace_back(std::move(action));
  std::vector<Value> resource_values;
  resource_values.reserve(resources.size());
  for (const Str& resource : resources) resource_values.push_back(resource.value());
  std::vector<std::pair<std::string, Value>> members = {
      {"Sid", std::move(sid)},
      {"Effect", "Allow"},
      {"Action", Value::List(std::move(action_values))},
      {"Resource", Value::List(std::move(resource_values))},
  };
  if (!condition.is_null()) members.emplace_back("Condition", std::move(condition));
  return Value::Object(std::move(members));
}

Value PolicyDocument(std::vector<Value> statements) {
  return Value::Object({
      {"Version", "2012-10-17"},
      {"Statement", Value::List(std::move(statements))},
  });
}

Value ServiceTrustPolicy(const std::string& service_principal) {
  return PolicyDocument({Value::Object({
      {"Effect", "Allow"},
      {"Principal", Value::Object({{"Service", service_principal}})},
      {"Action", "sts:AssumeRole"},
      {"Condition",
       Value::Object({{"StringEquals",
                       Value::Object({{"aws:SourceAccount", core::aws::AccountId().value()}})}})},
  })});
}

std::optional<Str> RoleNameFromArn(const Str& role_arn) {
  const Value& value = role_arn.value();
  if (value.refs().size() != 1) return std::nullopt;
  const core::CfnElement* element = value.refs().front();
  const auto* role = dynamic_cast<const cfn::iam::CfnRole*>(element);
  if (role == nullptr) return std::nullopt;
  return Str::Token(Value::RefTo(*role));
}

cfn::iam::CfnPolicy& AddRolePolicy(core::Construct& scope, const std::string& id,
                                   const std::string& policy_name, std::vector<Str> role_names,
                                   std::vector<Value> statements) {
  if (role_names.empty()) {
    scope.AddError("policy " + policy_name + " is attached to no role; give at least one");
  }
  return scope.Add<cfn::iam::CfnPolicy>(
      id, cfn::iam::CfnPolicyProps{
              .policy_document = core::Json(PolicyDocument(std::move(statements))),
              .policy_name = policy_name,
              .roles = core::List<Str>(std::move(role_names)),
          });
}

}  // namespace rex::constructs
