#include "support/test_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace rex::testing {

namespace {

bool SendAll(int fd, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

// Connects to 127.0.0.1:port; -1 on failure.
int ConnectLoopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// "host:port" → port when host is loopback; 0 otherwise.
int LoopbackPort(const std::string& authority) {
  size_t colon = authority.rfind(':');
  if (colon == std::string::npos) return 0;
  std::string host = authority.substr(0, colon);
  if (host != "127.0.0.1" && host != "localhost") return 0;
  int port = std::atoi(authority.c_str() + colon + 1);
  return port > 0 && port < 65536 ? port : 0;
}

// Copies bytes both ways until both sides are done.
void Pipe(int a, int b) {
  bool a_open = true, b_open = true;
  char buffer[16384];
  while (a_open || b_open) {
    pollfd fds[2] = {{a, static_cast<short>(a_open ? POLLIN : 0), 0},
                     {b, static_cast<short>(b_open ? POLLIN : 0), 0}};
    if (::poll(fds, 2, 10000) <= 0) return;
    for (int i = 0; i < 2; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      int from = i == 0 ? a : b;
      int to = i == 0 ? b : a;
      ssize_t n = ::recv(from, buffer, sizeof(buffer), 0);
      if (n <= 0) {
        ::shutdown(to, SHUT_WR);
        (i == 0 ? a_open : b_open) = false;
        continue;
      }
      if (!SendAll(to, std::string(buffer, static_cast<size_t>(n)))) return;
    }
  }
}

}  // namespace

TestProxy::TestProxy() {
  listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  ::listen(listener_, 16);
  socklen_t len = sizeof(addr);
  ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { Accept(); });
}

TestProxy::~TestProxy() {
  stopping_ = true;
  ::shutdown(listener_, SHUT_RDWR);
  acceptor_.join();
  ::close(listener_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : sockets_) ::shutdown(fd, SHUT_RDWR);
  }
  for (std::thread& t : workers_) t.join();
}

std::string TestProxy::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::vector<std::string> TestProxy::Seen() const {
  std::lock_guard<std::mutex> lock(mu_);
  return seen_;
}

void TestProxy::Accept() {
  while (!stopping_) {
    int client = ::accept(listener_, nullptr, nullptr);
    if (client < 0) return;
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
      ::close(client);
      return;
    }
    sockets_.push_back(client);
    workers_.emplace_back([this, client] { Serve(client); });
  }
}

void TestProxy::Serve(int client) {
  int upstream = -1;
  auto finish = [&] {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : {client, upstream}) {
      if (fd < 0) continue;
      sockets_.erase(std::remove(sockets_.begin(), sockets_.end(), fd), sockets_.end());
      ::close(fd);
    }
  };
  std::string head;
  char buffer[4096];
  while (head.find("\r\n\r\n") == std::string::npos && head.size() < 65536) {
    ssize_t n = ::recv(client, buffer, sizeof(buffer), 0);
    if (n <= 0) return finish();
    head.append(buffer, static_cast<size_t>(n));
  }
  size_t end_of_line = head.find("\r\n");
  std::string line = head.substr(0, end_of_line);
  size_t sp1 = line.find(' ');
  size_t sp2 = line.rfind(' ');
  if (sp1 == std::string::npos || sp2 <= sp1) return finish();
  std::string method = line.substr(0, sp1);
  std::string target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string version = line.substr(sp2 + 1);

  std::string authority;
  std::string path = "/";
  if (method == "CONNECT") {
    authority = target;
  } else if (target.rfind("http://", 0) == 0) {
    size_t slash = target.find('/', 7);
    authority = target.substr(7, slash == std::string::npos ? std::string::npos : slash - 7);
    if (slash != std::string::npos) path = target.substr(slash);
  } else {
    SendAll(client, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    return finish();
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    seen_.push_back(method + " " + authority);
  }
  int port = LoopbackPort(authority);
  if (port != 0) {
    upstream = ConnectLoopback(port);
    if (upstream >= 0) {
      std::lock_guard<std::mutex> lock(mu_);
      sockets_.push_back(upstream);
    }
  }
  if (upstream < 0) {
    SendAll(client, "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    return finish();
  }
  if (method == "CONNECT") {
    std::string rest = head.substr(head.find("\r\n\r\n") + 4);
    if (!SendAll(client, "HTTP/1.1 200 Connection established\r\n\r\n") ||
        (!rest.empty() && !SendAll(upstream, rest))) {
      return finish();
    }
  } else {
    // Origin form, one request per connection: the origin closes after answering.
    std::string headers;
    size_t pos = end_of_line + 2;
    size_t headers_end = head.find("\r\n\r\n");
    while (pos < headers_end) {
      size_t eol = head.find("\r\n", pos);
      std::string h = head.substr(pos, eol - pos);
      pos = eol + 2;
      std::string lower = h;
      std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
      if (lower.rfind("connection:", 0) == 0 || lower.rfind("proxy-connection:", 0) == 0) continue;
      headers += h + "\r\n";
    }
    std::string request = method + " " + path + " " + version + "\r\n" + headers +
                          "Connection: close\r\n\r\n" + head.substr(headers_end + 4);
    if (!SendAll(upstream, request)) return finish();
  }
  Pipe(client, upstream);
  finish();
}

}  // namespace rex::testing
