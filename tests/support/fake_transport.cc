#include "support/fake_transport.h"

#include <strings.h>

namespace rex::testing {

base::Result<aws::HttpResponse> FakeTransport::Send(const aws::HttpRequest& request) {
  Handler handler;
  {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(request);
    if (!script_.empty()) {
      base::Result<aws::HttpResponse> next = std::move(script_.front());
      script_.pop_front();
      return next;
    }
    handler = handler_;
  }
  if (handler) return handler(request);
  return base::Internal("no scripted response for " + request.method + " " + request.url);
}

FakeTransport& FakeTransport::Respond(int status, std::string body, aws::Headers headers) {
  std::lock_guard<std::mutex> lock(mu_);
  aws::HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers = std::move(headers);
  script_.emplace_back(std::move(response));
  return *this;
}

FakeTransport& FakeTransport::Fail(base::Status status) {
  std::lock_guard<std::mutex> lock(mu_);
  script_.emplace_back(std::move(status));
  return *this;
}

FakeTransport& FakeTransport::Throttle(std::string request_id) {
  return Respond(400,
                 "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
                 "<Message>Rate exceeded</Message></Error><RequestId>" +
                     request_id + "</RequestId></ErrorResponse>",
                 {{"Content-Type", "text/xml"}});
}

FakeTransport& FakeTransport::ServiceUnavailable() { return Respond(503, ""); }

void FakeTransport::SetHandler(Handler handler) {
  std::lock_guard<std::mutex> lock(mu_);
  handler_ = std::move(handler);
}

std::vector<aws::HttpRequest> FakeTransport::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

size_t FakeTransport::request_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_.size();
}

size_t FakeTransport::remaining() const {
  std::lock_guard<std::mutex> lock(mu_);
  return script_.size();
}

std::string HeaderOf(const aws::HttpRequest& request, const std::string& name) {
  for (const auto& [key, value] : request.headers) {
    if (strcasecmp(key.c_str(), name.c_str()) == 0) return value;
  }
  return "";
}

}  // namespace rex::testing
