#include "ops/db_bootstrap.h"

#include "base/files.h"
#include "base/json.h"

namespace rex::ops {

std::string BootstrapRecordPath(const std::string& cwd, const std::string& stack) {
  return cwd + "/.rex/" + stack + "/bootstrap.json";
}

base::Status WriteBootstrapRecord(const std::string& cwd, const std::string& stack,
                                  const BootstrapRecord& record) {
  base::Json json = {{"time", record.time},
                     {"stackName", record.stack_name},
                     {"taskArn", record.task_arn},
                     {"exitCode", record.exit_code},
                     {"trigger", record.trigger}};
  return base::WriteFileAtomic(BootstrapRecordPath(cwd, stack), base::DumpJson(json));
}

base::Result<std::optional<BootstrapRecord>> ReadBootstrapRecord(const std::string& cwd,
                                                                 const std::string& stack) {
  const std::string path = BootstrapRecordPath(cwd, stack);
  auto text = base::ReadFile(path);
  if (!text.ok()) {
    if (text.error().code() == base::Code::kNotFound) return std::optional<BootstrapRecord>();
    return std::move(text).error();
  }
  REX_ASSIGN_OR_RETURN(base::Json json, base::ParseJson(*text, path));
  if (!json.is_object() || !json.contains("taskArn") || !json["exitCode"].is_number_integer()) {
    return base::InvalidArgument(path + " is not a bootstrap record (taskArn, exitCode)");
  }
  BootstrapRecord record;
  record.time = json.value("time", "");
  record.stack_name = json.value("stackName", "");
  record.task_arn = json.value("taskArn", "");
  record.exit_code = json["exitCode"].get<int>();
  record.trigger = json.value("trigger", "");
  return std::optional<BootstrapRecord>(record);
}

}  // namespace rex::ops
