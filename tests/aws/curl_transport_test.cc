// The libcurl transport against a loopback cpp-httplib server (no other network).
#include <gtest/gtest.h>
#include <httplib.h>

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
