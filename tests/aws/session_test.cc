// Session: region, endpoint and credential wiring from flags, environment and profile files,
// ending in a real (faked) STS call.
#include "aws/session.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "base/files.h"
#include "support/fake_clock.h"
#include "support/fake_transport.h"

namespace rex::aws {
namespace {

using rex::testing::FakeClock;
using rex::testing::FakeTransport;
using rex::testing::HeaderOf;

class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char templ[] = "/tmp/rex-aws-session-XXXXXX";
    ASSERT_NE(mkdtemp(templ), nullptr);
    dir_ = templ;
    ASSERT_TRUE(base::WriteFileAtomic(dir_ + "/config",
                                      "[default]\nregion = eu-central-1\n[profile ops]\n"
                                      "region = ap-southeast-2\nsts_regional_endpoints = legacy\n",
                                      0600)
                    .ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  SessionOptions Options(std::map<std::string, std::string> env) {
    env["AWS_CONFIG_FILE"] = dir_ + "/config";
    env["AWS_SHARED_CREDENTIALS_FILE"] = dir_ + "/credentials";
    env["AWS_EC2_METADATA_DISABLED"] = "true";
    SessionOptions options;
    options.env = MapEnvironment(env);
    options.home = dir_;
    return options;
  }

  std::string dir_;
  FakeTransport transport_;
  FakeClock clock_;
};

TEST_F(SessionTest, RegionPrecedence) {
  auto from_profile = Session::Create(Options({}), transport_, clock_);
  ASSERT_TRUE(from_profile.ok()) << from_profile.error().ToString();
  EXPECT_EQ((*from_profile)->region(), "eu-central-1");

  auto env_wins =
      Session::Create(Options({{"AWS_DEFAULT_REGION", "us-west-1"}}), transport_, clock_);
  ASSERT_TRUE(env_wins.ok());
  EXPECT_EQ((*env_wins)->region(), "us-west-1");

  SessionOptions flag = Options({{"AWS_REGION", "us-west-2"}});
  flag.region = "eu-north-1";
  auto flag_wins = Session::Create(flag, transport_, clock_);
  ASSERT_TRUE(flag_wins.ok());
  EXPECT_EQ((*flag_wins)->region(), "eu-north-1");

  SessionOptions ops = Options({});
  ops.profile = "ops";
  auto ops_session = Session::Create(ops, transport_, clock_);
  ASSERT_TRUE(ops_session.ok());
  EXPECT_EQ((*ops_session)->region(), "ap-southeast-2");
  EXPECT_EQ((*ops_session)->EndpointFor("sts")->url, "https://sts.amazonaws.com");
}

TEST_F(SessionTest, NoRegionAnywhere) {
  std::filesystem::remove(dir_ + "/config");
  auto session = Session::Create(Options({}), transport_, clock_);
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.error().code(), base::Code::kInvalidArgument);
}

TEST_F(SessionTest, StackConfigRegionIsTheLastFallback) {
  std::filesystem::remove(dir_ + "/config");
  SessionOptions options = Options({});
  options.stack_config_region = "sa-east-1";
  auto session = Session::Create(options, transport_, clock_);
  ASSERT_TRUE(session.ok()) << session.error().ToString();
  EXPECT_EQ((*session)->region(), "sa-east-1");
}

TEST_F(SessionTest, EndpointOverrideReachesEveryClient) {
  SessionOptions options = Options({{"AWS_ACCESS_KEY_ID", "AKIDLOCAL"},
                                    {"AWS_SECRET_ACCESS_KEY", "local-secret"},
                                    {"AWS_MAX_ATTEMPTS", "2"}});
  options.endpoint_url = "http://localhost:4566";
  auto session = Session::Create(options, transport_, clock_);
  ASSERT_TRUE(session.ok()) << session.error().ToString();
  EXPECT_EQ((*session)->retry().max_attempts, 2);
  auto sts = (*session)->Sts();
  ASSERT_TRUE(sts.ok());
  transport_.Respond(200,
                     "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::"
                     "000000000000:root</Arn><UserId>AKIDLOCAL</UserId><Account>000000000000"
                     "</Account></GetCallerIdentityResult></GetCallerIdentityResponse>");
  auto who = (*sts)->GetCallerIdentity();
  ASSERT_TRUE(who.ok()) << who.error().ToString();
  EXPECT_EQ(who->account, "000000000000");
  EXPECT_EQ(who->arn, "arn:aws:iam::000000000000:root");
  HttpRequest sent = transport_.requests()[0];
  EXPECT_EQ(sent.url, "http://localhost:4566/");
  EXPECT_EQ(sent.body, "Action=GetCallerIdentity&Version=2011-06-15");
  EXPECT_NE(HeaderOf(sent, "Authorization").find("Credential=AKIDLOCAL/20150830/eu-central-1/sts/"),
            std::string::npos);
  for (auto endpoint : {(*session)->EndpointFor("s3"), (*session)->EndpointFor("ecr")}) {
    ASSERT_TRUE(endpoint.ok());
    EXPECT_EQ(endpoint->url, "http://localhost:4566");
  }
  EXPECT_EQ((*session)->EndpointFor("ecr")->signing_name, "ecr");
}

}  // namespace
}  // namespace rex::aws
