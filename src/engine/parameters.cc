#include "engine/parameters.h"

#include <optional>
#include <vector>

#include "core/references.h"

namespace rex::engine {

namespace {

bool IsNoEcho(const base::Json& declaration) {
  auto it = declaration.find("NoEcho");
  if (it == declaration.end()) return false;
  if (it->is_boolean()) return it->get<bool>();
  // CloudFormation also accepts the string "true".
  return it->is_string() && it->get<std::string>() == "true";
}

const base::Json& ParametersOf(const base::Json& tmpl) {
  static const base::Json kEmpty = base::Json::object();
  if (!tmpl.is_object()) return kEmpty;
  auto it = tmpl.find("Parameters");
  return it != tmpl.end() && it->is_object() ? *it : kEmpty;
}

// The default of a parameter declaration as the string CloudFormation would use, if any.
std::optional<std::string> DefaultOf(const base::Json& declaration) {
  auto it = declaration.find("Default");
  if (it == declaration.end()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

// The first output whose value references parameter `id`; "" when none does.
std::string OutputShowing(const base::Json& tmpl, const std::string& id) {
  auto outputs = tmpl.find("Outputs");
  if (outputs == tmpl.end() || !outputs->is_object()) return "";
  for (const auto& [name, output] : outputs->items()) {
    if (core::ReferencedNames(output).contains(id)) return name;
  }
  return "";
}

}  // namespace

base::Result<std::vector<DeployParameter>> ParametersForTemplate(
    const base::Json& tmpl, const std::map<std::string, std::string>& secrets,
    const std::map<std::string, std::string>& values) {
  std::vector<DeployParameter> out;
  std::vector<std::string> missing;
  for (const auto& [id, declaration] : ParametersOf(tmpl).items()) {
    if (!declaration.is_object()) continue;
    if (IsNoEcho(declaration)) {
      auto secret = secrets.find(id);
      if (secret != secrets.end()) {
        std::string output = OutputShowing(tmpl, id);
        if (!output.empty()) {
          return base::InvalidArgument("template parameter " + id +
                                       " (NoEcho) is shown by output " + output +
                                       "; rex does not send a secret that the stack would show");
        }
        out.push_back({id, secret->second, true});
      } else if (!DefaultOf(declaration)) {
        missing.push_back(id + " (NoEcho)");
      }
      continue;
    }
    auto value = values.find(id);
    if (value != values.end()) {
      out.push_back({id, value->second, false});
    } else if (!DefaultOf(declaration)) {
      missing.push_back(id);
    }
  }
  if (!missing.empty()) {
    std::string list;
    for (const std::string& m : missing) list += (list.empty() ? "" : ", ") + m;
    return base::InvalidArgument("template parameters without a value or a default: " + list);
  }
  return out;
}

std::vector<aws::CfnParameter> ToCfnParameters(const std::vector<DeployParameter>& parameters) {
  std::vector<aws::CfnParameter> out;
  out.reserve(parameters.size());
  for (const DeployParameter& p : parameters) out.push_back({p.key, p.value, false});
  return out;
}

std::map<std::string, std::string> RedactedParameters(
    const std::vector<DeployParameter>& parameters) {
  std::map<std::string, std::string> out;
  for (const DeployParameter& p : parameters) {
    out[p.key] = p.no_echo ? std::string(kRedacted) : p.value;
  }
  return out;
}

std::vector<std::string> NoEchoParameterIds(const base::Json& tmpl) {
  std::vector<std::string> out;
  for (const auto& [id, declaration] : ParametersOf(tmpl).items()) {
    if (declaration.is_object() && IsNoEcho(declaration)) out.push_back(id);
  }
  return out;
}

}  // namespace rex::engine
