#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace rex::base {

// Standard base64 (RFC 4648 section 4, alphabet A-Z a-z 0-9 + /) with '=' padding.
std::string Base64Encode(std::string_view bytes);

// Decodes standard, padded base64. Strict: the length must be a multiple of 4, padding may
// only end the text, and every other character must be in the alphabet (no whitespace, no
// URL-safe alphabet). kInvalidArgument naming the first problem otherwise.
Result<std::string> Base64Decode(std::string_view text);

// Lowercase hexadecimal, two digits per byte.
std::string HexEncode(std::string_view bytes);

// Decodes hexadecimal (either case). kInvalidArgument for an odd length or a non-hex digit.
Result<std::string> HexDecode(std::string_view text);

}  // namespace rex::base
