// The libcurl transport against a loopback cpp-httplib server (no other network).
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "aws/transport.h"
#include "support/test_proxy.h"

namespace rex::aws {
namespace {

class CurlTransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
      res.status = 201;
      res.set_header("x-amzn-RequestId", "req-1");
      res.set_content(req.method + "|" + req.get_header_value("X-Test") + "|" +
                          req.get_header_value("Content-Type") + "|" + req.body,
                      "text/plain");
    });
    server_.Get("/status/503", [](const httplib::Request&, httplib::Response& res) {
      res.status = 503;
      res.set_content("busy", "text/plain");
    });
    server_.Get("/slow", [](const httplib::Request&, httplib::Response& res) {
      std::this_thread::sleep_for(std::chrono::milliseconds(800));
      res.set_content("late", "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 500 && !server_.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  void TearDown() override {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  std::string Url(const std::string& path) {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::unique_ptr<HttpTransport> transport_ = NewCurlTransport();
};

TEST_F(CurlTransportTest, SendsMethodHeadersAndBody) {
  HttpRequest request{
      .method = "POST",
      .url = Url("/echo"),
      .headers = {{"X-Test", "yes"}, {"Content-Type", "application/x-amz-json-1.1"}},
      .body = "{\"a\":1}"};
  auto response = transport_->Send(request);
  ASSERT_TRUE(response.ok()) << response.error().ToString();
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body, "POST|yes|application/x-amz-json-1.1|{\"a\":1}");
  EXPECT_EQ(response->Header("X-AMZN-REQUESTID"), "req-1");
}

TEST_F(CurlTransportTest, ReturnsErrorStatusesAsResponses) {
  auto response = transport_->Send(HttpRequest{.method = "GET", .url = Url("/status/503")});
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(response->body, "busy");
}

TEST_F(CurlTransportTest, TimeoutIsDeadlineExceeded) {
  HttpRequest request{.method = "GET", .url = Url("/slow?X-Amz-Security-Token=SECRET")};
  request.timeout = std::chrono::milliseconds(100);
  auto response = transport_->Send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code(), base::Code::kDeadlineExceeded);
  EXPECT_EQ(response.error().message().find("SECRET"), std::string::npos)
      << "the query string must not appear: " << response.error().message();
}

TEST_F(CurlTransportTest, RefusedConnectionIsUnavailable) {
  std::string url = Url("/echo");
  TearDown();
  auto response = transport_->Send(HttpRequest{.method = "POST", .url = url, .body = "x"});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code(), base::Code::kUnavailable);
  EXPECT_EQ(response.error().message().rfind("POST " + url + ": ", 0), 0u)
      << response.error().message();
}

TEST_F(CurlTransportTest, HttpGoesThroughTheProxyUnlessNoProxyNamesTheHost) {
  rex::testing::TestProxy proxy;
  auto proxied = NewCurlTransport({.proxy = {.http_proxy = proxy.url()}});
  auto response = proxied->Send(HttpRequest{.method = "POST", .url = Url("/echo"), .body = "x"});
  ASSERT_TRUE(response.ok()) << response.error().ToString();
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(proxy.Seen(), (std::vector<std::string>{"POST 127.0.0.1:" + std::to_string(port_)}));

  auto bypassed =
      NewCurlTransport({.proxy = {.http_proxy = proxy.url(), .no_proxy = "example.com,127.0.0.1"}});
  ASSERT_TRUE(bypassed->Send(HttpRequest{.method = "POST", .url = Url("/echo")}).ok());
  EXPECT_EQ(proxy.Seen().size(), 1u);  // nothing more went through the proxy
}

TEST_F(CurlTransportTest, HttpsGoesThroughAConnectTunnel) {
  rex::testing::TestProxy proxy;
  auto proxied = NewCurlTransport({.proxy = {.https_proxy = proxy.url()}});
  // The origin behind the tunnel speaks plain HTTP, so TLS fails; the proxy saw the CONNECT.
  std::string url = "https://127.0.0.1:" + std::to_string(port_) + "/echo";
  HttpRequest request{.method = "POST", .url = url};
  request.timeout = std::chrono::milliseconds(3000);
  EXPECT_FALSE(proxied->Send(request).ok());
  EXPECT_EQ(proxy.Seen(), (std::vector<std::string>{"CONNECT 127.0.0.1:" + std::to_string(port_)}));
}

// A listening socket nobody accepts: the kernel completes the connection, the request is
// written, and no byte ever comes back (a stalled endpoint).
class StalledEndpoint {
 public:
  StalledEndpoint() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof(address);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
        ::listen(fd_, 8) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      ADD_FAILURE() << "cannot listen on 127.0.0.1";
      return;
    }
    port_ = ntohs(address.sin_port);
  }
  ~StalledEndpoint() {
    if (fd_ >= 0) ::close(fd_);
  }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST(CurlTransport, StalledEndpointFailsAtTheReadTimeoutNamingTheEndpointAndTheLimit) {
  StalledEndpoint stalled;
  auto transport = NewCurlTransport({.timeouts = {.read = std::chrono::seconds(1)}});
  HttpRequest request{.method = "POST", .url = stalled.Url("/?Action=DescribeStacks&X=SECRET")};
  auto response = transport->Send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code(), base::Code::kDeadlineExceeded);
  EXPECT_EQ(response.error().message(), "POST " + stalled.Url("/") +
                                            ": no answer within the read timeout of 1s "
                                            "(REX_READ_TIMEOUT)");
}

// An https request through a proxy that never answers the CONNECT: the connection (the tunnel
// and TLS) is never made, so the connect timeout applies, not the (shorter) read timeout.
TEST(CurlTransport, NoConnectionWithinTheConnectTimeoutNamesThatLimit) {
  StalledEndpoint proxy;
  auto transport = NewCurlTransport(
      {.proxy = {.https_proxy = proxy.Url("")},
       .timeouts = {.connect = std::chrono::seconds(2), .read = std::chrono::seconds(1)}});
  auto response =
      transport->Send(HttpRequest{.method = "POST", .url = "https://127.0.0.1:9/?Action=X"});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code(), base::Code::kDeadlineExceeded);
  EXPECT_EQ(response.error().message(),
            "POST https://127.0.0.1:9/: could not connect within the connect timeout of 2s "
            "(REX_CONNECT_TIMEOUT)");
}

TEST(CurlTransport, ARequestsOwnShorterReadTimeoutWins) {
  StalledEndpoint stalled;
  auto transport = NewCurlTransport({.timeouts = {.read = std::chrono::seconds(30)}});
  HttpRequest request{.method = "GET", .url = stalled.Url("/latest/api/token")};
  request.read_timeout = std::chrono::seconds(1);
  auto response = transport->Send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_THAT(response.error().message(), ::testing::HasSubstr("read timeout of 1s"));
}

TEST(TransportTimeouts, FromTheEnvironment) {
  auto defaults = TimeoutsFromEnvironment(MapEnvironment({}));
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->connect, std::chrono::seconds(10));
  EXPECT_EQ(defaults->read, std::chrono::seconds(30));
  auto set = TimeoutsFromEnvironment(
      MapEnvironment({{"REX_CONNECT_TIMEOUT", "3"}, {"REX_READ_TIMEOUT", "120"}}));
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->connect, std::chrono::seconds(3));
  EXPECT_EQ(set->read, std::chrono::seconds(120));
  for (const char* bad : {"0", "-1", "1.5", "3601", "ten", "5s"}) {
    auto refused = TimeoutsFromEnvironment(MapEnvironment({{"REX_READ_TIMEOUT", bad}}));
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.error().code(), base::Code::kInvalidArgument);
    EXPECT_EQ(refused.error().message(),
              std::string("REX_READ_TIMEOUT must be a whole number of seconds from 1 to 3600; "
                          "got \"") +
                  bad + "\"");
  }
}

TEST(ProxySettings, FromTheEnvironmentUpperCaseFirst) {
  ProxySettings p =
      ProxySettingsFromEnvironment(MapEnvironment({{"HTTPS_PROXY", "http://proxy:3128"},
                                                   {"https_proxy", "http://other:1"},
                                                   {"http_proxy", "http://plain:8080"},
                                                   {"no_proxy", "169.254.169.254,.internal"}}));
  EXPECT_EQ(p.https_proxy, "http://proxy:3128");
  EXPECT_EQ(p.http_proxy, "http://plain:8080");
  EXPECT_EQ(p.no_proxy, "169.254.169.254,.internal");
  EXPECT_EQ(ProxySettingsFromEnvironment(MapEnvironment({})).https_proxy, "");
}

TEST(CaBundle, MustBeAReadablePemFile) {
  base::Status missing = CheckCaBundle("/nonexistent/ca.pem");
  EXPECT_EQ(missing.code(), base::Code::kInvalidArgument);
  EXPECT_EQ(missing.message(),
            "AWS_CA_BUNDLE /nonexistent/ca.pem: cannot be read (a PEM file of CA certificates "
            "is expected)");
  std::string junk = std::filesystem::temp_directory_path() / "rex-not-a-bundle.pem";
  std::ofstream(junk) << "not a certificate\n";
  EXPECT_EQ(
      CheckCaBundle(junk).message(),
      "AWS_CA_BUNDLE " + junk + ": holds no PEM certificate (\"-----BEGIN CERTIFICATE-----\")");
  std::filesystem::remove(junk);
  const char* system = "/etc/ssl/certs/ca-certificates.crt";
  if (!std::filesystem::exists(system)) GTEST_SKIP() << "no " << system << " to read";
  EXPECT_TRUE(CheckCaBundle(system).ok());
}

TEST(CurlTransport, RejectsOtherSchemes) {
  auto response =
      NewCurlTransport()->Send(HttpRequest{.method = "GET", .url = "file:///etc/passwd"});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code(), base::Code::kInvalidArgument);
}

}  // namespace
}  // namespace rex::aws
