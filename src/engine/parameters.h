#pragma once

// Stack parameter values for a deploy, and their redacted form for anything that is shown or
// stored. Secret values reach CloudFormation only as NoEcho parameters (DESIGN.md, Config):
// the template declares `"NoEcho": true` and the deploy passes the value; CloudFormation
// then shows "****" for it in every API answer. rex keeps to the same rule: a NoEcho value
// never goes to an observer, a history record, a log line or an error message.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "aws/cloudformation.h"
#include "base/json.h"
#include "base/result.h"

namespace rex::engine {

// What a redacted NoEcho value reads as (CloudFormation's own mask).
inline constexpr std::string_view kRedacted = "****";

struct DeployParameter {
  std::string key = {};
  std::string value = {};
  bool no_echo = false;  // value is a secret
};

// The parameters to send when deploying `tmpl`:
// - a NoEcho parameter takes the value of the entry of `secrets` whose name is exactly its
//   logical id (so a template from elsewhere, e.g. a history record, cannot draw a secret into
//   a parameter named like it: "DbMasterPasswordCopy" gets nothing); without one, it falls
//   back to its Default. A template whose Outputs reference (Ref, or "${Id}" in Fn::Sub) a
//   NoEcho parameter that would receive a secret is refused (kInvalidArgument): the stack
//   would show the secret in its outputs;
// - any other parameter is sent only when `values` has its logical id (else its Default
//   applies).
// kInvalidArgument naming the parameter (never a value) when one has neither a value nor a
// Default. Parameters come back in logical-id order.
base::Result<std::vector<DeployParameter>> ParametersForTemplate(
    const base::Json& tmpl, const std::map<std::string, std::string>& secrets,
    const std::map<std::string, std::string>& values = {});

// The parameters as CreateChangeSet takes them.
std::vector<aws::CfnParameter> ToCfnParameters(const std::vector<DeployParameter>& parameters);

// key → value with every NoEcho value replaced by kRedacted: the form observers, history and
// `rex history` see.
std::map<std::string, std::string> RedactedParameters(
    const std::vector<DeployParameter>& parameters);

// Logical ids of the template's NoEcho parameters, sorted.
std::vector<std::string> NoEchoParameterIds(const base::Json& tmpl);

}  // namespace rex::engine
