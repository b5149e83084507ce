#pragma once

#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "aws/transport.h"

namespace rex::testing {

// An HttpTransport that answers from a script and records every request. Each Send takes
// the next scripted step (a response or a transport error); when the script is empty, the
// handler (if set) answers, else Send fails with kInternal "no scripted response for
// <METHOD> <url>" so a test notices an unexpected call. Thread-safe.
class FakeTransport : public aws::HttpTransport {
 public:
  using Handler = std::function<base::Result<aws::HttpResponse>(const aws::HttpRequest&)>;

  base::Result<aws::HttpResponse> Send(const aws::HttpRequest& request) override;

  // Scripts a response.
  FakeTransport& Respond(int status, std::string body, aws::Headers headers = {});
  // Scripts a transport failure (e.g. base::Unavailable("connection reset")).
  FakeTransport& Fail(base::Status status);
  // Scripts a query-protocol Throttling error (HTTP 400, "Rate exceeded").
  FakeTransport& Throttle(std::string request_id = "7f3c0000-throttled");
  // Scripts an HTTP 503 with an empty body.
  FakeTransport& ServiceUnavailable();
  // Answers requests once the script is used up.
  void SetHandler(Handler handler);

  // Every request sent, in order.
  std::vector<aws::HttpRequest> requests() const;
  size_t request_count() const;
  // Steps still scripted.
  size_t remaining() const;

 private:
  mutable std::mutex mu_;
  std::deque<base::Result<aws::HttpResponse>> script_;
  Handler handler_;
  std::vector<aws::HttpRequest> requests_;
};

// The value of header `name` (case-insensitive) in `request`, or "".
std::string HeaderOf(const aws::HttpRequest& request, const std::string& name);

}  // namespace rex::testing
