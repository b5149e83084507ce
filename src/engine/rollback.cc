#include "engine/rollback.h"

#include <string_view>

namespace rex::engine {

base::Result<DeployRequest> RollbackRequest(const HistoryRecord& record,
                                            const std::map<std::string, std::string>& secrets) {
  std::string which = "deploy #" + std::to_string(record.number);
  if (record.stack_name.empty()) {
    return base::FailedPrecondition(which + " names no stack; it cannot be re-deployed");
  }
  if (!record.template_json.is_object()) {
    return base::FailedPrecondition(which + " (" + record.operation +
                                    ") recorded no template; pick a deploy from \"rex history\"");
  }
  std::map<std::string, std::string> values;
  for (const auto& [key, value] : record.parameters) {
    if (value != kRedacted) values[key] = value;
  }
  auto parameters = ParametersForTemplate(record.template_json, secrets, values);
  if (!parameters.ok()) return std::move(parameters).error().WithContext("roll back to " + which);
  DeployRequest request;
  request.stack_name = record.stack_name;
  request.template_body = CompactTemplateBody(record.template_json);
  request.parameters = std::move(*parameters);
  request.description = "rex rollback to " + which;
  return request;
}

}  // namespace rex::engine
