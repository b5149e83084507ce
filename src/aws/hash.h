#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

// Small wrappers over OpenSSL's digests and encoders used by signing and the codecs.
// All functions are pure and thread-safe.
namespace rex::aws {

// Lower-case hex of `bytes`.
std::string HexEncode(std::string_view bytes);

// Raw 32-byte SHA-256 digest of `data`.
std::string Sha256(std::string_view data);

// Lower-case hex SHA-256 of `data` (64 characters).
std::string Sha256Hex(std::string_view data);

// Raw 32-byte HMAC-SHA256 of `data` under `key`.
std::string HmacSha256(std::string_view key, std::string_view data);

// Base64 (standard alphabet, padded) of the MD5 of `data`, as S3's Content-MD5 wants it.
std::string Md5Base64(std::string_view data);

// Standard padded base64.
std::string Base64Encode(std::string_view bytes);

// Decodes standard base64 (padding optional, whitespace ignored). kInvalidArgument on any
// other character.
base::Result<std::string> Base64Decode(std::string_view text);

}  // namespace rex::aws
