// libFuzzer target: base::ParseJson, the one reader of untrusted JSON (history and bootstrap
// records, leases, JSON-protocol AWS answers). Any input gives a document or an error Status;
// an accepted document is within base::kMaxJsonDepth, so copying and dumping it (both recurse
// in nlohmann) must work too.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto json = rex::base::ParseJson(text, "fuzz.json");
  if (json.has_value()) {
    rex::base::Json copy = *json;
    if (copy != *json) __builtin_trap();
    (void)rex::base::DumpJson(copy);
  }
  return 0;
}
