#include "aws/sigv4.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "aws/hash.h"
#include "base/strings.h"

namespace rex::aws {

namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Trims and collapses every run of whitespace (including folded line breaks) to one space.
std::string CanonicalHeaderValue(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

bool IsUnsignedHeader(std::string_view lower_name) {
  return lower_name == "expect" || lower_name == "user-agent" || lower_name == "x-amzn-trace-id" ||
         lower_name == "authorization";
}

struct CanonicalHeaders {
  std::string block;         // "name:value\n" lines
  std::string signed_names;  // "a;b;c"
};

CanonicalHeaders BuildCanonicalHeaders(const Headers& headers) {
  // Duplicate names are joined with ',' in their original order.
  std::map<std::string, std::string> merged;
  for (const auto& [name, value] : headers) {
    std::string lower = Lower(name);
    if (IsUnsignedHeader(lower)) continue;
    auto [it, inserted] = merged.emplace(lower, CanonicalHeaderValue(value));
    if (!inserted) it->second += "," + CanonicalHeaderValue(value);
  }
  CanonicalHeaders out;
  for (const auto& [name, value] : merged) {
    out.block += name + ":" + value + "\n";
    if (!out.signed_names.empty()) out.signed_names += ";";
    out.signed_names += name;
  }
  return out;
}

std::string CanonicalQuery(const std::vector<std::pair<std::string, std::string>>& params) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(params.size());
  for (const auto& [k, v] : params) encoded.emplace_back(UriEncode(k), UriEncode(v));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [k, v] : encoded) {
    if (!out.empty()) out += "&";
    out += k + "=" + v;
  }
  return out;
}

std::string CanonicalUri(const std::string& path, const SigningParams& params) {
  std::string out = params.normalize_path ? NormalizePath(path) : path;
  if (params.double_encode_path) out = UriEncode(out, /*keep_slash=*/true);
  return out.empty() ? "/" : out;
}

std::string PayloadHash(const HttpRequest& request, const SigningParams& params) {
  return params.payload_hash ? *params.payload_hash : Sha256Hex(request.body);
}

std::string DateStamp(const SigningParams& params) {
  return FormatAmzDate(params.time).substr(0, 8);
}

void Finish(SigningResult& result, const std::string& method, const std::string& uri,
            const std::string& query, const CanonicalHeaders& headers,
            const std::string& payload_hash, const SigningParams& params) {
  result.signed_headers = headers.signed_names;
  result.canonical_request = method + "\n" + uri + "\n" + query + "\n" + headers.block + "\n" +
                             headers.signed_names + "\n" + payload_hash;
  result.string_to_sign = std::string(kAlgorithm) + "\n" + FormatAmzDate(params.time) + "\n" +
                          CredentialScope(params) + "\n" + Sha256Hex(result.canonical_request);
  result.signature = HexEncode(HmacSha256(DeriveSigningKey(params), result.string_to_sign));
}

}  // namespace

SigningParams SigningParams::ForS3(Credentials credentials, std::string region,
                                   std::chrono::system_clock::time_point time) {
  SigningParams params;
  params.credentials = std::move(credentials);
  params.region = std::move(region);
  params.service = "s3";
  params.time = time;
  params.normalize_path = false;
  params.double_encode_path = false;
  params.add_content_sha256 = true;
  return params;
}

std::string NormalizePath(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(start, end - start);
    if (segment.empty() || segment == ".") {
      // collapsed
    } else if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  std::string out;
  for (std::string_view s : segments) {
    out += "/";
    out += s;
  }
  if (out.empty()) return "/";
  if (base::EndsWith(path, "/")) out += "/";
  return out;
}

std::string CredentialScope(const SigningParams& params) {
  return DateStamp(params) + "/" + params.region + "/" + params.service + "/aws4_request";
}

std::string DeriveSigningKey(const SigningParams& params) {
  std::string key = HmacSha256("AWS4" + params.credentials.secret_access_key, DateStamp(params));
  key = HmacSha256(key, params.region);
  key = HmacSha256(key, params.service);
  return HmacSha256(key, "aws4_request");
}

base::Result<SigningResult> SignRequest(HttpRequest& request, const SigningParams& params) {
  REX_ASSIGN_OR_RETURN(Url url, ParseUrl(request.url));
  // Re-signing (a retry) replaces the previous signature's headers.
  for (std::string_view name :
       {"authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"}) {
    std::erase_if(request.headers, [&](const auto& h) { return Lower(h.first) == name; });
  }
  if (!FindHeader(request.headers, "host")) request.headers.emplace_back("Host", url.HostHeader());

  SigningResult result;
  std::string payload_hash = PayloadHash(request, params);
  result.added_headers.emplace_back("X-Amz-Date", FormatAmzDate(params.time));
  bool has_token = !params.credentials.session_token.empty();
  if (has_token && !params.omit_session_token) {
    result.added_headers.emplace_back("X-Amz-Security-Token", params.credentials.session_token);
  }
  if (params.add_content_sha256)
    result.added_headers.emplace_back("x-amz-content-sha256", payload_hash);

  Headers to_sign = request.headers;
  to_sign.insert(to_sign.end(), result.added_headers.begin(), result.added_headers.end());
  CanonicalHeaders canonical = BuildCanonicalHeaders(to_sign);
  Finish(result, request.method, CanonicalUri(url.path, params),
         CanonicalQuery(ParseQuery(url.query)), canonical, payload_hash, params);

  if (has_token && params.omit_session_token) {
    result.added_headers.emplace_back("X-Amz-Security-Token", params.credentials.session_token);
  }
  result.added_headers.emplace_back(
      "Authorization", std::string(kAlgorithm) + " Credential=" + params.credentials.access_key_id +
                           "/" + CredentialScope(params) + ", SignedHeaders=" +
                           result.signed_headers + ", Signature=" + result.signature);
  request.headers.insert(request.headers.end(), result.added_headers.begin(),
                         result.added_headers.end());
  return result;
}

base::Result<SigningResult> PresignRequest(HttpRequest& request, const SigningParams& params) {
  REX_ASSIGN_OR_RETURN(Url url, ParseUrl(request.url));
  Headers to_sign = request.headers;
  if (!FindHeader(to_sign, "host")) to_sign.emplace_back("Host", url.HostHeader());
  CanonicalHeaders canonical = BuildCanonicalHeaders(to_sign);

  SigningResult result;
  result.added_query = {
      {"X-Amz-Algorithm", std::string(kAlgorithm)},
      {"X-Amz-Credential", params.credentials.access_key_id + "/" + CredentialScope(params)},
      {"X-Amz-Date", FormatAmzDate(params.time)},
      {"X-Amz-SignedHeaders", canonical.signed_names},
      {"X-Amz-Expires", std::to_string(params.expires.count())},
  };
  bool has_token = !params.credentials.session_token.empty();
  if (has_token && !params.omit_session_token) {
    result.added_query.emplace_back("X-Amz-Security-Token", params.credentials.session_token);
  }
  auto query = ParseQuery(url.query);
  query.insert(query.end(), result.added_query.begin(), result.added_query.end());
  Finish(result, request.method, CanonicalUri(url.path, params), CanonicalQuery(query), canonical,
         PayloadHash(request, params), params);
  if (has_token && params.omit_session_token) {
    result.added_query.emplace_back("X-Amz-Security-Token", params.credentials.session_token);
  }
  result.added_query.emplace_back("X-Amz-Signature", result.signature);

  std::string suffix;
  for (const auto& [k, v] : result.added_query) {
    if (!suffix.empty()) suffix += "&";
    suffix += UriEncode(k) + "=" + UriEncode(v);
  }
  size_t q = request.url.find('?');
  if (q == std::string::npos) {
    request.url += "?" + suffix;
  } else if (q + 1 == request.url.size()) {
    request.url += suffix;
  } else {
    request.url += "&" + suffix;
  }
  return result;
}

}  // namespace rex::aws
