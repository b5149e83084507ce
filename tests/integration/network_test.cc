// The real rex binary behind a corporate network: HTTPS_PROXY / HTTP_PROXY / NO_PROXY and
// AWS_CA_BUNDLE, honoured as the AWS CLI honours them (tests/support/test_proxy.h, a test
// double of a proxy on 127.0.0.1, in front of the fake AWS endpoint).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/fake_aws_server.h"
#include "support/run_rex.h"
#include "support/test_proxy.h"

namespace rex::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr const char* kPassphrase = "network integration passphrase";

class NetworkTest : public ::testing::Test {
 protected:
  RexRun Rex(std::vector<std::string> args, std::map<std::string, std::string> extra = {}) {
    args.insert(args.begin(), {"--endpoint-url", server_.url()});
    std::map<std::string, std::string> env = server_.RexEnv(kPassphrase);
    for (auto& [k, v] : extra) env[k] = v;
    return RunRex(args, {.cwd = dir_.path(), .env = env});
  }
  std::string Target() const { return "127.0.0.1:" + std::to_string(server_.port()); }

  FakeAwsServer server_;
  TestProxy proxy_;
  TempDir dir_;
};

TEST_F(NetworkTest, AwsTrafficGoesThroughTheProxy) {
  ASSERT_EQ(Rex({"init", "dev"}).exit_code, 0);
  RexRun up = Rex({"up", "--yes"}, {{"HTTP_PROXY", proxy_.url()}});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  EXPECT_THAT(proxy_.Seen(), Contains("POST " + Target()));  // CloudFormation's query calls
  EXPECT_EQ(server_.aws().StackStatus("rex-backend-dev"), "CREATE_COMPLETE");
}

TEST_F(NetworkTest, NoProxyBypassesIt) {
  ASSERT_EQ(Rex({"init", "dev"}).exit_code, 0);
  RexRun preview = Rex({"preview"}, {{"http_proxy", proxy_.url()}, {"no_proxy", "127.0.0.1"}});
  EXPECT_EQ(preview.exit_code, 0) << preview.err;
  EXPECT_THAT(proxy_.Seen(), IsEmpty());
  EXPECT_THAT(preview.out, HasSubstr("nothing deployed (stack rex-backend-dev does not exist"));
}

TEST_F(NetworkTest, AnUnusableCaBundleIsBadInput) {
  ASSERT_EQ(Rex({"init", "dev"}).exit_code, 0);
  dir_.Write("not-a-bundle.pem", "hello\n");
  RexRun up = Rex({"up", "--yes"}, {{"AWS_CA_BUNDLE", "not-a-bundle.pem"}});
  EXPECT_EQ(up.exit_code, 2) << up.err;
  EXPECT_THAT(up.err, HasSubstr("AWS_CA_BUNDLE " + dir_.path() +
                                "/not-a-bundle.pem: holds no PEM certificate"));
  EXPECT_THAT(server_.aws().Requests(), IsEmpty());
}

}  // namespace
}  // namespace rex::testing
