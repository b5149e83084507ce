#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "aws/http.h"

// AWS Signature Version 4 (HMAC-SHA256), header and presigned-URL (query) forms.
//
// The signer works on an HttpRequest whose URL path and query are as they go on the wire.
// Non-S3 services sign the normalized path percent-encoded once more ("double encoding");
// S3 signs the path verbatim and always sends x-amz-content-sha256. Every function is pure
// and thread-safe.
namespace rex::aws {

// An AWS access key. `secret_access_key` and `session_token` are secrets: never print them
// (ToString-style helpers in this layer show only the access key id).
struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token = {};  // empty for long-term keys
  // When temporary credentials stop working; nullopt for long-term keys.
  std::optional<std::chrono::system_clock::time_point> expiration = {};
};

struct SigningParams {
  Credentials credentials;
  std::string region;   // e.g. "us-east-1"
  std::string service;  // signing name, e.g. "cloudformation", "s3", "ecr"
  std::chrono::system_clock::time_point time;
  // Remove "." / ".." segments and collapse "//" before encoding. Default: true; S3: false.
  bool normalize_path = true;
  // Percent-encode the (wire) path once more. Default: true; S3: false.
  bool double_encode_path = true;
  // Add and sign "x-amz-content-sha256: <payload hash>" (header signing only). S3: true.
  bool add_content_sha256 = false;
  // Add X-Amz-Security-Token after signing instead of signing it (some services want that).
  bool omit_session_token = false;
  // Payload hash to use instead of hex SHA-256 of the body, e.g. "UNSIGNED-PAYLOAD".
  std::optional<std::string> payload_hash = {};
  // Presigned URL lifetime (query signing only). Default: 1 hour.
  std::chrono::seconds expires = std::chrono::seconds(3600);

  // The S3 variant of the rules above for `credentials`, `region` and `time`.
  static SigningParams ForS3(Credentials credentials, std::string region,
                             std::chrono::system_clock::time_point time);
};

// Every intermediate of one signature, so tests (and debugging) can name the broken step.
struct SigningResult {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;       // lower-case hex
  std::string signed_headers;  // "host;x-amz-date"
  // Header signing: the headers added to the request, in the order added (X-Amz-Date,
  // X-Amz-Security-Token, x-amz-content-sha256, Authorization).
  Headers added_headers;
  // Query signing: the (decoded) parameters added to the URL, in the order added.
  std::vector<std::pair<std::string, std::string>> added_query;
};

// "yyyymmdd/region/service/aws4_request".
std::string CredentialScope(const SigningParams& params);

// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request").
std::string DeriveSigningKey(const SigningParams& params);

// Signs `request` with an Authorization header and adds the headers in
// SigningResult::added_headers to it. The request must carry a Host header (or one is added
// from its URL). kInvalidArgument if the URL cannot be parsed.
base::Result<SigningResult> SignRequest(HttpRequest& request, const SigningParams& params);

// Presigns `request`: appends X-Amz-Algorithm, -Credential, -Date, -SignedHeaders,
// -Expires, [-Security-Token,] -Signature to its URL query. Headers stay unchanged.
base::Result<SigningResult> PresignRequest(HttpRequest& request, const SigningParams& params);

// Removes "." and ".." segments and collapses repeated '/', keeping a trailing '/'.
std::string NormalizePath(std::string_view path);

}  // namespace rex::aws
