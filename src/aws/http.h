#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

// Plain HTTP message types and URL helpers shared by signing, the codecs and the transport.
namespace rex::aws {

// Header list in send order; names keep the case they were given, lookups ignore case.
using Headers = std::vector<std::pair<std::string, std::string>>;

// The first value of header `name` (case-insensitive), or nullopt.
std::optional<std::string> FindHeader(const Headers& headers, std::string_view name);

// Replaces every header `name` (case-insensitive) with one `name: value`.
void SetHeader(Headers& headers, std::string_view name, std::string value);

struct HttpRequest {
  std::string method = "GET";
  // Absolute URL "scheme://host[:port]/path[?query]"; path and query are already
  // percent-encoded as they go on the wire.
  std::string url;
  Headers headers = {};
  std::string body = {};
  // Time allowed to establish the connection (TCP and TLS). Default: 10 s.
  std::chrono::milliseconds connect_timeout = std::chrono::seconds(10);
  // Time allowed for the whole exchange. Default: 120 s.
  std::chrono::milliseconds timeout = std::chrono::seconds(120);
  // Time allowed without a byte from the server once connected: until the first byte of the
  // response (the status line) and then between two reads. Default: 60 s. The transport may cap
  // it lower (CurlTransportOptions::timeouts).
  std::chrono::milliseconds read_timeout = std::chrono::seconds(60);
  // What the request is for, as a person says it ("CloudFormation DescribeStacks"): shown while
  // rex waits for the answer. Never holds a secret. Default: none.
  std::string label = {};
};

struct HttpResponse {
  int status = 0;
  Headers headers = {};
  std::string body = {};

  std::optional<std::string> Header(std::string_view name) const {
    return FindHeader(headers, name);
  }
};

// The parts of an absolute URL. `path` is never empty ("/" at least) and `query` excludes the '?'.
struct Url {
  std::string scheme;
  std::string host;  // without the port; IPv6 literals keep their brackets
  std::optional<int> port = {};
  std::string path = "/";
  std::string query = {};

  // "host" or "host:port" as the Host header wants it (the default port of the scheme is
  // left out).
  std::string HostHeader() const;
  // "scheme://host[:port]" without a trailing slash.
  std::string Origin() const;
};

// Splits an absolute http(s) URL. kInvalidArgument naming the URL if it has no scheme or
// host, or a port that is not a number.
base::Result<Url> ParseUrl(std::string_view url);

// Percent-encodes every byte outside the RFC 3986 unreserved set (A-Z a-z 0-9 - _ . ~) as
// upper-case %XX; '/' is kept when `keep_slash`.
std::string UriEncode(std::string_view text, bool keep_slash = false);

// Decodes %XX escapes (and '+' as space when `plus_is_space`); malformed escapes are kept
// verbatim.
std::string UriDecode(std::string_view text, bool plus_is_space = false);

// Splits "a=1&b&c=%20" into decoded (key, value) pairs in order; a key without '=' gets "".
std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query);

// "YYYYMMDDTHHMMSSZ" (X-Amz-Date) for `time` in UTC.
std::string FormatAmzDate(std::chrono::system_clock::time_point time);

// "YYYY-MM-DDTHH:MM:SSZ" (ISO-8601, UTC, whole seconds).
std::string FormatIso8601(std::chrono::system_clock::time_point time);

// The years the date parsers accept: every date rex reads (AWS answers, credential expiry,
// history records) is in this range, and a time_point of system_clock (nanoseconds) can hold
// every second of it, so callers may convert without overflow.
inline constexpr int kMinDateYear = 1970;
inline constexpr int kMaxDateYear = 2200;

// Parses ISO-8601 "YYYY-MM-DDTHH:MM:SS[.fff](Z|+hh:mm|-hh:mm)" to seconds since the epoch
// (fraction kept). kInvalidArgument on anything else, on fields out of range (month 13, hour
// 24) and on years outside kMinDateYear..kMaxDateYear; the message quotes at most 64 bytes.
base::Result<double> ParseIso8601(std::string_view text);

// Parses an RFC 822/1123 date "Sun, 06 Nov 1994 08:49:37 GMT" to epoch seconds, with the
// same checks as ParseIso8601.
base::Result<double> ParseHttpDate(std::string_view text);

// "Sun, 06 Nov 1994 08:49:37 GMT" for epoch seconds `seconds`.
std::string FormatHttpDate(double seconds);

}  // namespace rex::aws
