#pragma once

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

struct CurlTransportOptions {
  // Default: none, so nothing reroutes signed AWS traffic unless the caller passes the
  // environment's settings (ProxySettingsFromEnvironment). The instance-metadata endpoints
  // (169.254.x.x, fd00:ec2::) are never proxied.
  ProxySettings proxy = {};
  // Extra CA bundle (PEM file, AWS_CA_BUNDLE) trusted in addition to the system store, not
  // instead of it. Default: none.
  std::string ca_bundle = {};
};

// libcurl transport: TLS peer and host verification always on, redirects not followed,
// "Expect: 100-continue" disabled, HTTP and HTTPS only.
std::unique_ptr<HttpTransport> NewCurlTransport(CurlTransportOptions options = {});

}  // namespace rex::aws
