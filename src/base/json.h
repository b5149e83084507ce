#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/result.h"

namespace rex::base {

using Json = nlohmann::json;  // keys kept sorted (std::map), so output is deterministic

// Parses JSON text. kInvalidArgument naming `what` (a file name or "response body") and
// the byte offset on malformed input; never throws.
Result<Json> ParseJson(std::string_view text, std::string_view what);

// The project's JSON text format: keys sorted, 2-space indent, trailing newline,
// non-ASCII kept as UTF-8.
std::string DumpJson(const Json& json);

}  // namespace rex::base
