#include "support/fake_health_server.h"

#include <httplib.h>

namespace rex::testing {

FakeHealthServer::FakeHealthServer() : server_(std::make_unique<httplib::Server>()) {
  auto handler = [this](const httplib::Request& req, httplib::Response& res) {
    Answer answer;
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++hits_[req.path];
      if (auto it = answers_.find(req.path); it != answers_.end()) answer = it->second;
    }
    if (answer.delay.count() > 0) std::this_thread::sleep_for(answer.delay);
    res.status = answer.status;
    if (req.path == "/auth/hello") {
      res.set_content("Hello\n", "text/plain");
    } else {
      res.set_content(answer.status == 200 ? R"({"status":"ok"})" : R"({"status":"down"})",
                      "application/json");
    }
  };
  server_->Get("/api/health", handler);
  server_->Get("/auth/hello", handler);
  port_ = server_->bind_to_any_port("127.0.0.1");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

FakeHealthServer::~FakeHealthServer() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::string FakeHealthServer::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

void FakeHealthServer::Set(const std::string& path, int status, std::chrono::milliseconds delay) {
  std::lock_guard<std::mutex> lock(mu_);
  answers_[path] = Answer{status, delay};
}

int FakeHealthServer::hits(const std::string& path) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = hits_.find(path);
  return it == hits_.end() ? 0 : it->second;
}

}  // namespace rex::testing
