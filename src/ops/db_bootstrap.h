#pragma once

// The SuperTokens database bootstrap: the stack's bootstrap task (src/stack/compute.cc,
// BootstrapScript) creates database `supertokens` if it is missing and exits 0 when it already
// exists, so running it again is harmless. `rex up` runs it after the stack's creation and
// `rex db bootstrap` on demand; each run that ends is recorded in .rex/<stack>/bootstrap.json.

#include <cstdint>
#include <optional>
#include <string>

#include "base/result.h"
#include "base/status.h"

namespace rex::ops {

struct BootstrapRecord {
  std::string time;        // ISO-8601 UTC, when the task stopped
  std::string stack_name;  // "rex-backend-dev"
  std::string task_arn;
  int exit_code = 0;
  std::string trigger;  // "rex up" (after the stack's creation) | "rex db bootstrap"
};

// "<cwd>/.rex/<stack>/bootstrap.json" (`stack` is the config name, e.g. "dev").
std::string BootstrapRecordPath(const std::string& cwd, const std::string& stack);

// Writes the record atomically (base::WriteFileAtomic). Errors: as the write.
base::Status WriteBootstrapRecord(const std::string& cwd, const std::string& stack,
                                  const BootstrapRecord& record);

// nullopt when there is none; kInvalidArgument when it is not a record.
base::Result<std::optional<BootstrapRecord>> ReadBootstrapRecord(const std::string& cwd,
                                                                 const std::string& stack);

}  // namespace rex::ops
