// libFuzzer target: the SuperTokens bootstrap record (.rex/<stack>/bootstrap.json and
// records/<stack name>/bootstrap.json in the bootstrap bucket) as `rex db bootstrap` reads it.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/json.h"
#include "ops/db_bootstrap.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto json = rex::base::ParseJson(text, "bootstrap.json");
  if (!json.has_value()) return 0;
  auto record = rex::ops::BootstrapRecordFromJson(*json, "bootstrap.json");
  if (record.has_value()) (void)rex::base::DumpJson(rex::ops::BootstrapRecordToJson(*record));
  return 0;
}
