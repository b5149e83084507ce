#pragma once

// UTF-8 validation for untrusted text. JSON output (nlohmann's dump) throws on a string that is
// not UTF-8, so readers of templates and config files check their text once, up front, and
// refuse it with the byte offset instead of letting a later dump end the process.

#include <cstddef>
#include <optional>
#include <string_view>

namespace rex::base {

// The offset of the first byte that does not start or continue a well-formed UTF-8 sequence
// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), or nothing when all of
// `text` is UTF-8.
std::optional<size_t> FindInvalidUtf8(std::string_view text);

}  // namespace rex::base
