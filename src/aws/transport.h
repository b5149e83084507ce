#pragma once

#include <memory>

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

struct CurlTransportOptions {
  // Use the proxies named by the http_proxy/https_proxy/no_proxy environment variables.
  // Default: false, so no environment setting silently reroutes signed AWS traffic. The
  // metadata endpoints (169.254.x.x) are never proxied.
  bool use_environment_proxy = false;
  // Extra CA bundle (PEM file) to trust in addition to the system store. Default: none.
  std::string ca_bundle = {};
};

// libcurl transport: TLS peer and host verification always on, redirects not followed,
// "Expect: 100-continue" disabled, HTTP and HTTPS only.
std::unique_ptr<HttpTransport> NewCurlTransport(CurlTransportOptions options = {});

}  // namespace rex::aws
