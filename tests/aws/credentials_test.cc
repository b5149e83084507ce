// The credential chain (aws-notes §8), region and endpoint resolution. Every network source
// goes through FakeTransport; files live in a per-test temporary directory.
#include "aws/credentials.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "aws/endpoints.h"
#include "base/files.h"
#include "base/strings.h"
#include "support/fake_clock.h"
#include "support/fake_transport.h"

namespace rex::aws {
namespace {

using base::Code;
using rex::testing::FakeClock;
using rex::testing::FakeTransport;
using rex::testing::HeaderOf;
using ::testing::HasSubstr;

constexpr const char* kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr const char* kToken = "FQoGZXIvYXdzEXAMPLESESSIONTOKEN";
constexpr const char* kRoleSecret = "ROLEsecretKEYthatMUSTnotLEAK0123456789";
constexpr const char* kRoleToken = "ROLEsessionTOKENthatMUSTnotLEAK";
constexpr const char* kWebToken = "eyJhbGciOiJSUzI1NiJ9.WEBIDENTITYTOKEN.sig";

std::string AssumeRoleXml(const std::string& op, const std::string& expiration) {
  return "<" + op + "Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><" + op +
         "Result><Credentials><AccessKeyId>ASIAROLE</AccessKeyId><SecretAccessKey>" + kRoleSecret +
         "</SecretAccessKey><SessionToken>" + kRoleToken + "</SessionToken><Expiration>" +
         expiration +
         "</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::123456789012:"
         "assumed-role/deploy/rex</Arn><AssumedRoleId>AROA:rex</AssumedRoleId>"
         "</AssumedRoleUser></" +
         op + "Result><ResponseMetadata><RequestId>sts-1</RequestId></ResponseMetadata></" + op +
         "Response>";
}

class CredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char templ[] = "/tmp/rex-aws-credentials-XXXXXX";
    ASSERT_NE(mkdtemp(templ), nullptr);
    dir_ = templ;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void WriteFile(const std::string& name, const std::string& text) {
    ASSERT_TRUE(base::WriteFileAtomic(dir_ + "/" + name, text, 0600).ok());
  }

  // Environment with the test's files and IMDS off unless a test sets otherwise.
  std::map<std::string, std::string> BaseEnv() {
    return {{"AWS_CONFIG_FILE", dir_ + "/config"},
            {"AWS_SHARED_CREDENTIALS_FILE", dir_ + "/credentials"},
            {"AWS_EC2_METADATA_DISABLED", "true"}};
  }

  std::unique_ptr<CredentialsProvider> Chain(std::map<std::string, std::string> env,
                                             std::string profile = "") {
    CredentialChainOptions options;
    options.env = MapEnvironment(std::move(env));
    options.profile = std::move(profile);
    options.region = "eu-west-1";
    options.home = dir_;
    return NewDefaultCredentialsChain(options, transport_, clock_);
  }

  std::string dir_;
  FakeTransport transport_;
  FakeClock clock_;
};

TEST_F(CredentialsTest, EnvironmentComesFirst) {
  WriteFile("credentials", "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = x\n");
  auto env = BaseEnv();
  env["AWS_ACCESS_KEY_ID"] = "AKIDENV";
  env["AWS_SECRET_ACCESS_KEY"] = kSecret;
  env["AWS_SESSION_TOKEN"] = kToken;
  env["AWS_CREDENTIAL_EXPIRATION"] = "2015-08-30T14:00:00Z";
  auto creds = Chain(env)->Get();
  ASSERT_TRUE(creds.ok()) << creds.error().ToString();
  EXPECT_EQ(creds->access_key_id, "AKIDENV");
  EXPECT_EQ(creds->secret_access_key, kSecret);
  EXPECT_EQ(creds->session_token, kToken);
  ASSERT_TRUE(creds->expiration.has_value());
  EXPECT_EQ(FormatIso8601(*creds->expiration), "2015-08-30T14:00:00Z");
  EXPECT_EQ(transport_.request_count(), 0u);
}

TEST_F(CredentialsTest, ExplicitProfileSkipsEnvironment) {
  WriteFile("credentials", "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = s\n");
  auto env = BaseEnv();
  env["AWS_ACCESS_KEY_ID"] = "AKIDENV";
  env["AWS_SECRET_ACCESS_KEY"] = kSecret;
  auto creds = Chain(env, "dev")->Get();
  ASSERT_TRUE(creds.ok()) << creds.error().ToString();
  EXPECT_EQ(creds->access_key_id, "AKIDDEV");
}

TEST_F(CredentialsTest, ProfileFromConfigAndCredentialsFiles) {
  WriteFile("config",
            "# comment\n[default]\nregion = eu-west-1\n\n[profile ci]\n"
            "aws_access_key_id = AKIDCONFIG\naws_secret_access_key = c\ns3 =\n"
            "  max_concurrent_requests = 4\n");
  WriteFile("credentials", "[ci]\naws_access_key_id = AKIDCREDS\naws_secret_access_key = d\n");
  auto env = BaseEnv();
  env["AWS_PROFILE"] = "ci";
  auto creds = Chain(env)->Get();
  ASSERT_TRUE(creds.ok()) << creds.error().ToString();
  EXPECT_EQ(creds->access_key_id, "AKIDCREDS");  // the credentials file wins

  auto files = LoadProfileFiles(MapEnvironment(BaseEnv()), dir_);
  ASSERT_TRUE(files.ok());
  auto ci = FindProfile(*files, "ci");
  ASSERT_TRUE(ci.has_value());
  EXPECT_EQ((*ci)["s3.max_concurrent_requests"], "4");
  EXPECT_EQ((*FindProfile(*files, "default"))["region"], "eu-west-1");
}

TEST_F(CredentialsTest, MissingExplicitProfileIsInvalidArgument) {
  auto creds = Chain(BaseEnv(), "nope")->Get();
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.error().code(), Code::kInvalidArgument);
  EXPECT_EQ(creds.error().message(),
            "AWS profile \"nope\" not found in " + dir_ + "/config or " + dir_ + "/credentials");
}

TEST_F(CredentialsTest, NothingConfigured) {
  auto creds = Chain(BaseEnv())->Get();
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.error().code(), Code::kUnauthenticated);
  EXPECT_EQ(creds.error().message().rfind("no AWS credentials found", 0), 0u);
}

TEST_F(CredentialsTest, AssumeRoleWithSourceProfileRefreshesBeforeExpiry) {
  WriteFile("config",
            "[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/deploy\n"
            "source_profile = base\nrole_session_name = rex\nexternal_id = ext-1\n");
  WriteFile("credentials", std::string("[base]\naws_access_key_id = AKIDBASE\n") +
                               "aws_secret_access_key = " + kSecret + "\n");
  // Expires 1 hour after the fake clock's start (12:36).
  transport_.Respond(200, AssumeRoleXml("AssumeRole", "2015-08-30T13:36:00Z"));
  auto chain = Chain(BaseEnv(), "deploy");
  auto creds = chain->Get();
  ASSERT_TRUE(creds.ok()) << creds.error().ToString();
  EXPECT_EQ(creds->access_key_id, "ASIAROLE");
  EXPECT_EQ(creds->session_token, kRoleToken);
  ASSERT_EQ(transport_.request_count(), 1u);
  HttpRequest sent = transport_.requests()[0];
  EXPECT_EQ(sent.url, "https://sts.eu-west-1.amazonaws.com/");
  EXPECT_EQ(sent.body,
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3A"
            "role%2Fdeploy&RoleSessionName=rex&ExternalId=ext-1");
  EXPECT_NE(HeaderOf(sent, "Authorization").find("Credential=AKIDBASE/20150830/eu-west-1/sts/"),
            std::string::npos);

  // Cached while fresh.
  clock_.Advance(std::chrono::minutes(30));
  ASSERT_TRUE(chain->Get().ok());
  EXPECT_EQ(transport_.request_count(), 1u);
  // Within 5 minutes of expiry: refreshed.
  clock_.Advance(std::chrono::minutes(26));
  transport_.Respond(200, AssumeRoleXml("AssumeRole", "2015-08-30T14:36:00Z"));
  auto refreshed = chain->Get();
  ASSERT_TRUE(refreshed.ok());
  EXPECT_EQ(transport_.request_count(), 2u);
  EXPECT_EQ(FormatIso8601(*refreshed->expiration), "2015-08-30T14:36:00Z");
}

TEST_F(CredentialsTest, WebIdentityIsUnsigned) {
  WriteFile("token", std::string(kWebToken) + "\n");
  auto env = BaseEnv();
  env["AWS_WEB_IDENTITY_TOKEN_FILE"] = dir_ + "/token";
  env["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/ci";
  env["AWS_ROLE_SESSION_NAME"] = "gh";
  transport_.Respond(200, AssumeRoleXml("AssumeRoleWithWebIdentity", "2015-08-30T13:36:00Z"));
  auto creds = Chain(env)->Get();
  ASSERT_TRUE(creds.ok()) << creds.error().ToString();
  EXPECT_EQ(creds->access_key_id, "ASIAROLE");
  HttpRequest sent = transport_.requests()[0];
  EXPECT_EQ(HeaderOf(sent, "Authorization"), "");
  EXPECT_NE(sent.body.find("Action=AssumeRoleWithWebIdentity"), std::string::npos);
  EXPECT_NE(sent.body.find("RoleSessionName=gh"), std::string::npos);
  EXPECT_NE(sent.body.find("WebIdentityToken=eyJhbGciOiJSUzI1NiJ9.WEBIDENTITYTOKEN.sig"),
            std::string::npos);
}

TEST_F(CredentialsTest, ContainerCredentials) {
  auto env = BaseEnv();
  env["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = "/v2/credentials/abc";
  env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "Bearer container-token";
  transport_.ServiceUnavailable();  // retried
  transport_.Respond(200, std::string(R"({"AccessKeyId": "ASIAECS", "SecretAccessKey": ")") +
                              kRoleSecret + R"(", "Token": ")" + kRoleToken +
                              R"(", "Expiration": "2015-08-30T18:36:00Z"})");
  auto creds = Chain(env)->Get();
  ASSERT_TRUE(creds.ok()) << creds.error().ToString();
  EXPECT_EQ(creds->access_key_id, "ASIAECS");
  ASSERT_EQ(transport_.request_count(), 2u);
  HttpRequest sent = transport_.requests()[1];
  EXPECT_EQ(sent.url, "http://169.254.170.2/v2/credentials/abc");
  EXPECT_EQ(HeaderOf(sent, "Authorization"), "Bearer container-token");
  EXPECT_EQ(sent.timeout, std::chrono::seconds(2));
}

TEST_F(CredentialsTest, ContainerFullUriMustBeAllowedHost) {
  auto env = BaseEnv();
  env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://evil.example.com/creds";
  auto creds = Chain(env)->Get();
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.error().code(), Code::kUnauthenticated);
}

TEST_F(CredentialsTest, ImdsV2) {
  auto env = BaseEnv();
  env.erase("AWS_EC2_METADATA_DISABLED");
  transport_.Respond(200, "imds-token")
      .Respond(200, "ec2-role\n")
      .Respond(200, std::string(R"({"Code": "Success", "AccessKeyId": "ASIAEC2", )") +
                        R"("SecretAccessKey": ")" + kRoleSecret + R"(", "Token": ")" + kRoleToken +
                        R"(", "Expiration": "2015-08-30T18:36:00Z"})");
  auto creds = Chain(env)->Get();
  ASSERT_TRUE(creds.ok()) << creds.error().ToString();
  EXPECT_EQ(creds->access_key_id, "ASIAEC2");
  auto sent = transport_.requests();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[0].method, "PUT");
  EXPECT_EQ(sent[0].url, "http://169.254.169.254/latest/api/token");
  EXPECT_EQ(HeaderOf(sent[0], "x-aws-ec2-metadata-token-ttl-seconds"), "21600");
  EXPECT_EQ(sent[0].timeout, std::chrono::seconds(1));
  EXPECT_EQ(sent[1].url, "http://169.254.169.254/latest/meta-data/iam/security-credentials/");
  EXPECT_EQ(sent[2].url,
            "http://169.254.169.254/latest/meta-data/iam/security-credentials/ec2-role");
  EXPECT_EQ(HeaderOf(sent[2], "x-aws-ec2-metadata-token"), "imds-token");
}

TEST_F(CredentialsTest, ImdsFallsBackToV1WhenTokenRefused) {
  auto env = BaseEnv();
  env.erase("AWS_EC2_METADATA_DISABLED");
  transport_.Respond(405, "")
      .Respond(200, "ec2-role")
      .Respond(200, R"({"AccessKeyId": "ASIAV1", "SecretAccessKey": "s", "Token": "t"})");
  auto creds = Chain(env)->Get();
  ASSERT_TRUE(creds.ok()) << creds.error().ToString();
  EXPECT_EQ(creds->access_key_id, "ASIAV1");
  EXPECT_EQ(HeaderOf(transport_.requests()[2], "x-aws-ec2-metadata-token"), "");
}

// Not on EC2: nothing answers the metadata address. The chain says, in one line, that no
// credentials were found and where it looked, not what the metadata endpoint did; it asks once
// (the token request), with the SDKs' 1 s limits, and remembers the answer for later calls.
TEST_F(CredentialsTest, NoMetadataServiceIsNoCredentialsFoundListingTheSources) {
  auto env = BaseEnv();
  env.erase("AWS_EC2_METADATA_DISABLED");
  transport_.Fail(base::DeadlineExceeded("PUT http://169.254.169.254/latest/api/token: no answer"));
  auto chain = Chain(env);
  auto creds = chain->Get();
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.error().code(), Code::kUnauthenticated);
  const std::string& message = creds.error().message();
  EXPECT_EQ(message.rfind("no AWS credentials found (tried: environment (AWS_ACCESS_KEY_ID), "
                          "profile \"default\" in " +
                              dir_ + "/config and " + dir_ + "/credentials",
                          0),
            0u)
      << message;
  EXPECT_THAT(message, HasSubstr("SSO, container, instance metadata)"));
  EXPECT_EQ(message.find("169.254"), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  ASSERT_EQ(transport_.request_count(), 1u);
  EXPECT_EQ(transport_.requests()[0].connect_timeout, std::chrono::seconds(1));
  EXPECT_EQ(transport_.requests()[0].read_timeout, std::chrono::seconds(1));

  auto again = chain->Get();
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().message(), message);
  EXPECT_EQ(transport_.request_count(), 1u) << "the absent metadata service was asked again";
}

// Something answers the metadata address with HTTP 403 (a proxy, a sandbox): that is no
// instance with a role either, and the error does not speak of HTTP 403.
TEST_F(CredentialsTest, MetadataAddressAnswering403IsNoCredentialsFound) {
  auto env = BaseEnv();
  env.erase("AWS_EC2_METADATA_DISABLED");
  transport_.Respond(403, "Forbidden").Respond(403, "Forbidden");
  auto creds = Chain(env)->Get();
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.error().code(), Code::kUnauthenticated);
  EXPECT_EQ(creds.error().message().rfind("no AWS credentials found (tried: ", 0), 0u)
      << creds.error().message();
  EXPECT_EQ(creds.error().message().find("403"), std::string::npos) << creds.error().message();
}

// With instance metadata off, the list says so.
TEST_F(CredentialsTest, NoCredentialsNamesMetadataSwitchedOff) {
  auto creds = Chain(BaseEnv())->Get();
  ASSERT_FALSE(creds.ok());
  EXPECT_THAT(creds.error().message(),
              HasSubstr("instance metadata (off: AWS_EC2_METADATA_DISABLED)"));
  EXPECT_EQ(transport_.request_count(), 0u);
}

// No error message or description produced by the chain contains a secret.
TEST_F(CredentialsTest, SecretsNeverAppearInErrors) {
  std::vector<std::string> messages;
  auto collect = [&](const base::Result<Credentials>& r) {
    ASSERT_FALSE(r.ok());
    messages.push_back(r.error().ToString());
  };
  {  // Malformed line holding a secret.
    WriteFile("credentials", std::string("[default]\naws_secret_access_key ") + kSecret + "\n");
    collect(Chain(BaseEnv())->Get());
    std::filesystem::remove(dir_ + "/credentials");
  }
  {  // Half-configured environment.
    auto env = BaseEnv();
    env["AWS_SECRET_ACCESS_KEY"] = kSecret;
    env["AWS_SESSION_TOKEN"] = kToken;
    collect(Chain(env)->Get());
  }
  {  // Bad expiration next to real keys.
    auto env = BaseEnv();
    env["AWS_ACCESS_KEY_ID"] = "AKID";
    env["AWS_SECRET_ACCESS_KEY"] = kSecret;
    env["AWS_CREDENTIAL_EXPIRATION"] = std::string("not-a-time-") + kToken;
    collect(Chain(env)->Get());
  }
  {  // Container endpoint answers garbage that echoes secrets.
    auto env = BaseEnv();
    env["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = "/creds";
    env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = kToken;
    transport_.Respond(200, std::string("<html>") + kRoleSecret + kToken);
    collect(Chain(env)->Get());
  }
  {  // STS refuses the assume-role call made with secret source keys.
    WriteFile("config",
              "[profile deploy]\nrole_arn = arn:aws:iam::1:role/d\nsource_profile = base\n");
    WriteFile("credentials", std::string("[base]\naws_access_key_id = AKIDBASE\n") +
                                 "aws_secret_access_key = " + kSecret +
                                 "\naws_session_token = " + kToken + "\n");
    transport_.Respond(403,
                       "<ErrorResponse><Error><Code>AccessDenied</Code><Message>not allowed"
                       "</Message></Error><RequestId>x</RequestId></ErrorResponse>");
    collect(Chain(BaseEnv(), "deploy")->Get());
    std::filesystem::remove(dir_ + "/config");
    std::filesystem::remove(dir_ + "/credentials");
  }
  {  // Web identity refused.
    WriteFile("token", kWebToken);
    auto env = BaseEnv();
    env["AWS_WEB_IDENTITY_TOKEN_FILE"] = dir_ + "/token";
    env["AWS_ROLE_ARN"] = "arn:aws:iam::1:role/ci";
    transport_.Respond(400,
                       "<ErrorResponse><Error><Code>InvalidIdentityToken</Code><Message>bad"
                       "</Message></Error></ErrorResponse>");
    collect(Chain(env)->Get());
  }
  ASSERT_EQ(messages.size(), 6u);
  for (const std::string& m : messages) {
    for (const char* secret : {kSecret, kToken, kRoleSecret, kRoleToken, kWebToken}) {
      EXPECT_EQ(m.find(secret), std::string::npos) << m;
    }
  }
  EXPECT_TRUE(base::EndsWith(messages[0], "/credentials:2: expected key = value")) << messages[0];
  std::string described = DescribeCredentials(
      Credentials{"AKIDEXAMPLE1234", kSecret, kToken,
                  std::chrono::system_clock::time_point(std::chrono::seconds(1440938160))});
  EXPECT_EQ(described, "access key AKID…1234, temporary, expires 2015-08-30T12:36:00Z");
}

TEST(Endpoints, ServicePrefixesAndSigningNames) {
  auto cfn = ResolveEndpoint("cloudformation", {.region = "eu-west-1"});
  ASSERT_TRUE(cfn.ok());
  EXPECT_EQ(cfn->url, "https://cloudformation.eu-west-1.amazonaws.com");
  EXPECT_EQ(cfn->signing_name, "cloudformation");
  auto ecr = ResolveEndpoint("ecr", {.region = "us-east-2"});
  ASSERT_TRUE(ecr.ok());
  EXPECT_EQ(ecr->url, "https://api.ecr.us-east-2.amazonaws.com");
  EXPECT_EQ(ecr->signing_name, "ecr");
  auto elb = ResolveEndpoint("elbv2", {.region = "us-east-2"});
  ASSERT_TRUE(elb.ok());
  EXPECT_EQ(elb->url, "https://elasticloadbalancing.us-east-2.amazonaws.com");
  auto cn = ResolveEndpoint("logs", {.region = "cn-north-1"});
  ASSERT_TRUE(cn.ok());
  EXPECT_EQ(cn->url, "https://logs.cn-north-1.amazonaws.com.cn");
}

TEST(Endpoints, StsGlobalAndRegional) {
  auto regional = ResolveEndpoint("sts", {.region = "eu-west-1"});
  ASSERT_TRUE(regional.ok());
  EXPECT_EQ(regional->url, "https://sts.eu-west-1.amazonaws.com");
  auto global = ResolveEndpoint("sts", {.region = "eu-west-1", .sts_global = true});
  ASSERT_TRUE(global.ok());
  EXPECT_EQ(global->url, "https://sts.amazonaws.com");
  EXPECT_EQ(global->signing_region, "us-east-1");
}

TEST(Endpoints, OverrideIsUsedForEveryService) {
  for (const char* service : {"cloudformation", "s3", "sts", "ecs", "logs", "ecr"}) {
    auto e =
        ResolveEndpoint(service, {.region = "us-east-1", .endpoint_url = "http://localhost:4566/"});
    ASSERT_TRUE(e.ok()) << service;
    EXPECT_EQ(e->url, "http://localhost:4566");
    EXPECT_EQ(e->signing_region, "us-east-1");
  }
  auto bad = ResolveEndpoint("s3", {.region = "us-east-1", .endpoint_url = "localhost:4566"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), Code::kInvalidArgument);
}

TEST(Endpoints, RegionErrors) {
  auto none = ResolveEndpoint("ecs", {.region = ""});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().message(), "no AWS region: pass --region or set AWS_REGION");
  auto bad = ResolveEndpoint("ecs", {.region = "EU West"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message(), "invalid AWS region \"EU West\" (expected e.g. eu-west-1)");
  EXPECT_FALSE(ResolveEndpoint("dynamodb", {.region = "us-east-1"}).ok());
}

TEST(Region, WithoutAStackConfigTheFirstNonEmptyWins) {
  EXPECT_EQ(*ResolveRegion({.flag = "a", .aws_region_env = "b"}), "a");
  EXPECT_EQ(*ResolveRegion({.aws_region_env = "b", .aws_default_region_env = "c"}), "b");
  EXPECT_EQ(*ResolveRegion({.aws_default_region_env = "c", .profile_region = "d"}), "c");
  EXPECT_EQ(*ResolveRegion({.profile_region = "d", .fallback_region = "e"}), "d");
  EXPECT_EQ(*ResolveRegion({.fallback_region = "e"}), "e");
  auto none = ResolveRegion({});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code(), Code::kInvalidArgument);
}

TEST(Region, TheStackConfigRegionIsUsedWhenNothingElseDisagrees) {
  RegionSources config{.stack_config_region = "us-east-1",
                       .stack_config_source = "stacks/prod.yaml"};
  EXPECT_EQ(*ResolveRegion(config), "us-east-1");
  RegionSources same = config;
  same.aws_region_env = "us-east-1";
  same.profile_region = "us-east-1";
  EXPECT_EQ(*ResolveRegion(same), "us-east-1");
  RegionSources flag = config;
  flag.flag = "us-east-1";
  flag.aws_region_env = "eu-west-1";  // --region overrides the environment when it matches
  EXPECT_EQ(*ResolveRegion(flag), "us-east-1");
  RegionSources shadowed = config;
  shadowed.aws_region_env = "us-east-1";
  shadowed.profile_region = "eu-west-1";  // shadowed by AWS_REGION: nothing would use it
  EXPECT_EQ(*ResolveRegion(shadowed), "us-east-1");
  // A fallback never competes with the config.
  RegionSources fallback = config;
  fallback.fallback_region = "eu-west-1";
  EXPECT_EQ(*ResolveRegion(fallback), "us-east-1");
}

TEST(Region, AnotherRegionFromTheEnvironmentOrProfileIsBadInputNamingBoth) {
  RegionSources env{.aws_region_env = "eu-west-1",
                    .stack_config_region = "us-east-1",
                    .stack_config_source = "stacks/prod.yaml"};
  auto mismatch = ResolveRegion(env);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.error().code(), Code::kInvalidArgument);
  EXPECT_EQ(mismatch.error().message(),
            "region mismatch: stacks/prod.yaml says region us-east-1 but AWS_REGION says "
            "eu-west-1; the stack lives in its config's region, so rex refuses to guess: pass "
            "--region us-east-1 (or unset AWS_REGION) to use us-east-1, or change `region` in "
            "stacks/prod.yaml to move the stack");

  RegionSources default_env{.aws_default_region_env = "ap-south-1",
                            .stack_config_region = "us-east-1",
                            .stack_config_source = "stacks/dev.yaml"};
  auto by_default = ResolveRegion(default_env);
  ASSERT_FALSE(by_default.ok());
  EXPECT_EQ(by_default.error().code(), Code::kInvalidArgument);
  EXPECT_THAT(by_default.error().message(),
              HasSubstr("stacks/dev.yaml says region us-east-1 but AWS_DEFAULT_REGION says "
                        "ap-south-1"));

  RegionSources profile{.profile_region = "eu-central-1",
                        .profile_name = "ci",
                        .stack_config_region = "us-east-1",
                        .stack_config_source = "stacks/dev.yaml"};
  auto by_profile = ResolveRegion(profile);
  ASSERT_FALSE(by_profile.ok());
  EXPECT_EQ(by_profile.error().code(), Code::kInvalidArgument);
  EXPECT_THAT(by_profile.error().message(),
              HasSubstr("stacks/dev.yaml says region us-east-1 but the region of AWS profile "
                        "\"ci\" says eu-central-1"));
}

TEST(Region, AFlagThatDiffersFromTheStackConfigIsBadInputNamingBoth) {
  RegionSources flag{.flag = "eu-west-1",
                     .aws_region_env = "eu-west-1",
                     .stack_config_region = "us-east-1",
                     .stack_config_source = "stacks/prod.yaml"};
  auto mismatch = ResolveRegion(flag);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.error().code(), Code::kInvalidArgument);
  EXPECT_EQ(mismatch.error().message(),
            "--region eu-west-1 does not match the region of stacks/prod.yaml (us-east-1); the "
            "stack lives in us-east-1: pass --region us-east-1 or leave --region out");
}

TEST(Ini, ErrorsNameFileAndLineOnly) {
  auto outside = ParseIni("key = value\n", "cfg");
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.error().message(), "cfg:1: setting outside any [section]");
  auto header = ParseIni("[default\n", "cfg");
  ASSERT_FALSE(header.ok());
  EXPECT_EQ(header.error().message(), "cfg:1: unterminated section header");
}

}  // namespace
}  // namespace rex::aws
