#pragma once

// A TEST DOUBLE of the backend behind the ALB for `rex status`: an HTTP server on 127.0.0.1
// answering GET /api/health and GET /auth/hello (what the api and SuperTokens answer), with a
// scripted status and delay per path. Point the stack's apiUrl at url() with
// FakeAws::SetOutputOverride.
//
// Thread-safe.

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace httplib {
class Server;
}

namespace rex::testing {

class FakeHealthServer {
 public:
  FakeHealthServer();
  ~FakeHealthServer();
  FakeHealthServer(const FakeHealthServer&) = delete;
  FakeHealthServer& operator=(const FakeHealthServer&) = delete;

  // "http://127.0.0.1:<port>".
  std::string url() const;
  // How `path` answers from now on. Default: 200 with a small body, at once.
  void Set(const std::string& path, int status, std::chrono::milliseconds delay = {});
  int hits(const std::string& path) const;

 private:
  struct Answer {
    int status = 200;
    std::chrono::milliseconds delay{0};
  };
  mutable std::mutex mu_;
  std::map<std::string, Answer> answers_;
  std::map<std::string, int> hits_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace rex::testing
