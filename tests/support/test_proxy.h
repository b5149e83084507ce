#pragma once

// A TEST DOUBLE of a corporate HTTP proxy on 127.0.0.1 (a free port), for the tests of
// HTTPS_PROXY / HTTP_PROXY / NO_PROXY: it answers CONNECT host:port with a tunnel (what
// clients do for https:// URLs) and forwards absolute-form requests ("POST http://host:port/
// path HTTP/1.1", what clients do for http:// URLs) to the origin in origin form, and records
// every target it was asked for ("CONNECT 127.0.0.1:443", "POST 127.0.0.1:8080"). Only
// loopback targets are served: anything else is answered 403, so a test can never reach out.
// Stops, closing every connection, when destroyed.

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace rex::testing {

class TestProxy {
 public:
  TestProxy();
  ~TestProxy();
  TestProxy(const TestProxy&) = delete;
  TestProxy& operator=(const TestProxy&) = delete;

  // "http://127.0.0.1:<port>".
  std::string url() const;
  // Every request target seen, in order.
  std::vector<std::string> Seen() const;

 private:
  void Accept();
  void Serve(int client);

  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  mutable std::mutex mu_;
  std::vector<std::string> seen_;
  std::vector<std::thread> workers_;
  std::vector<int> sockets_;  // open client and upstream sockets, shut down on stop
};

}  // namespace rex::testing
