#pragma once

// The project's JSON reader and writer (nlohmann::json underneath). The reader is the one
// door for untrusted JSON: history records, bootstrap records, leases and JSON-protocol AWS
// answers all come through ParseJson, so it bounds what it accepts (kMaxJsonBytes of text,
// kMaxJsonDepth levels of nesting) and never throws, whatever the bytes. Within those bounds a
// parsed document can be copied, compared and dumped (nlohmann recurses per level there).

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/result.h"

namespace rex::base {

using Json = nlohmann::json;  // keys kept sorted (std::map), so output is deterministic

// The deepest nesting of arrays and objects ParseJson accepts: far beyond any template, record
// or AWS answer, far below what a recursive copy or dump of the document can survive.
inline constexpr int kMaxJsonDepth = 256;
// The longest text ParseJson accepts (64 MiB).
inline constexpr size_t kMaxJsonBytes = size_t{64} * 1024 * 1024;

// Parses JSON text. kInvalidArgument naming `what` (a file name or "response body") on
// malformed input (with the byte offset), on text longer than kMaxJsonBytes, on nesting deeper
// than kMaxJsonDepth (refused before nlohmann sees the text), and on anything else nlohmann
// refuses (a number such as 1e999 out of range); never throws.
Result<Json> ParseJson(std::string_view text, std::string_view what);

// The deepest nesting of '[' and '{' in JSON text (brackets inside strings ignored), stopping
// as soon as it passes `limit`; `offset` (if not null) receives the byte where that depth was
// reached. Never recurses; exposed for tests.
int ScanJsonDepth(std::string_view text, int limit, size_t* offset);

// The project's JSON text format: keys sorted, 2-space indent, trailing newline,
// non-ASCII kept as UTF-8.
std::string DumpJson(const Json& json);

}  // namespace rex::base
