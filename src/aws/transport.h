#pragma once

#include <chrono>
#include <memory>

#include "aws/env.h"
#include "aws/http.h"
#include "base/result.h"

// The one seam between rex and the network. Everything in src/aws/ sends HTTP through an
// HttpTransport, so tests substitute FakeTransport (tests/support/fake_transport.h).
namespace rex::aws {

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;

  // Sends `request` and returns the response, whatever its HTTP status. Errors:
  // kUnavailable when no response arrived (DNS failure, connection refused or reset, TLS
  // failure), kDeadlineExceeded when the connect or total timeout of the request expired,
  // kInvalidArgument for a malformed URL. Messages name the URL's origin and path but
  // never its query string (presigned URLs carry tokens there). Implementations must be
  // safe to call from several threads at once.
  virtual base::Result<HttpResponse> Send(const HttpRequest& request) = 0;
};

// Proxies as the AWS CLI honours them. Empty fields: no proxy.
struct ProxySettings {
  std::string http_proxy = {};   // for http:// URLs (HTTP_PROXY / http_proxy)
  std::string https_proxy = {};  // for https:// URLs, through CONNECT (HTTPS_PROXY / https_proxy)
  // Hosts never proxied (NO_PROXY / no_proxy): comma-separated names, domain suffixes
  // (".example.com" or "example.com" match subdomains too), IP addresses, or "*" for all.
  std::string no_proxy = {};
};

// HTTPS_PROXY, HTTP_PROXY and NO_PROXY from `env`, upper case first, then lower case (as the
// AWS CLI reads them).
ProxySettings ProxySettingsFromEnvironment(const EnvLookup& env);

// OK when `path` (AWS_CA_BUNDLE) is a readable PEM file holding at least one certificate;
// kInvalidArgument naming the file and what is wrong otherwise.
base::Status CheckCaBundle(const std::string& path);

// The limits every request gets at most (a request may ask for less: instance metadata takes
// 1 s). The AWS SDKs' connect and read (socket) timeouts.
struct TransportTimeouts {
  // Time to establish the connection (TCP and TLS). Default: 10 s (REX_CONNECT_TIMEOUT).
  std::chrono::milliseconds connect = std::chrono::seconds(10);
  // Time without a byte from the server once connected: until the first byte of the answer and
  // between two reads. Default: 30 s (REX_READ_TIMEOUT).
  std::chrono::milliseconds read = std::chrono::seconds(30);
};

// Defaults with REX_CONNECT_TIMEOUT and REX_READ_TIMEOUT (whole seconds, 1 to 3600) applied.
// kInvalidArgument naming the variable and the allowed range for anything else.
base::Result<TransportTimeouts> TimeoutsFromEnvironment(const EnvLookup& env);

struct CurlTransportOptions {
  // Default: none, so nothing reroutes signed AWS traffic unless the caller passes the
  // environment's settings (ProxySettingsFromEnvironment). The instance-metadata endpoints
  // (169.254.x.x, fd00:ec2::) are never proxied.
  ProxySettings proxy = {};
  // Extra CA bundle (PEM file, AWS_CA_BUNDLE) trusted in addition to the system store, not
  // instead of it. Default: none.
  std::string ca_bundle = {};
  // Caps on each request's connect_timeout and read_timeout. A request that runs into one fails
  // with kDeadlineExceeded "<METHOD> <origin><path>: no answer within the read timeout of 30s
  // (REX_READ_TIMEOUT)" (or "could not connect within the connect timeout of 10s
  // (REX_CONNECT_TIMEOUT)").
  TransportTimeouts timeouts = {};
};

// libcurl transport: TLS peer and host verification always on, redirects not followed,
// "Expect: 100-continue" disabled, HTTP and HTTPS only.
std::unique_ptr<HttpTransport> NewCurlTransport(CurlTransportOptions options = {});

}  // namespace rex::aws
