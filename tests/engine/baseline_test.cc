#include "engine/baseline.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "aws/credentials.h"
#include "engine/deploy.h"
#include "support/fake_aws_server.h"
#include "support/fake_clock.h"
#include "support/fake_transport.h"
#include "support/recording_observer.h"
#include "support/run_rex.h"

namespace rex::engine {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

struct Harness {
  rex::testing::FakeClock clock;
  rex::testing::FakeAws fake{rex::testing::FakeAwsOptions{.events_per_tick = 50, .clock = &clock}};
  rex::testing::FakeTransport transport;
  aws::StaticCredentialsProvider credentials{
      aws::Credentials{"AKIDREXTESTKEY", "rex-test-secret/K7MDENG+bPxRfiCY"}};
  aws::CloudFormationClient cfn{
      {"https://cloudformation.us-east-1.amazonaws.com", "us-east-1", "cloudformation"},
      &credentials,
      transport,
      clock};
  DeployClients clients{cfn, clock, nullptr};
  rex::testing::RecordingObserver observer;

  Harness() {
    transport.SetHandler([this](const aws::HttpRequest& r) { return fake.Handle(r); });
  }
};

base::Json Template() {
  return {{"Parameters",
           {{"Size", {{"Type", "String"}, {"Default", "small"}}},
            {"Secret", {{"Type", "String"}, {"NoEcho", true}}}}},
          {"Resources", {{"Topic", {{"Type", "AWS::SNS::Topic"}}}}}};
}

TEST(BaselineTest, NothingDeployedWhenTheStackDoesNotExist) {
  Harness h;
  auto baseline = ReadDeployedBaseline(h.cfn, "demo-dev", "us-east-1");
  ASSERT_TRUE(baseline.ok()) << baseline.error().ToString();
  EXPECT_EQ(baseline->source, Baseline::Source::kCloudFormation);
  EXPECT_FALSE(baseline->deployed());
  EXPECT_EQ(baseline->Describe(), "nothing deployed (stack demo-dev does not exist in us-east-1)");
}

TEST(BaselineTest, TheTemplateAndParametersCloudFormationHolds) {
  Harness h;
  DeployRequest request{.stack_name = "demo-dev", .template_body = base::DumpJson(Template())};
  request.parameters = {{"Size", "large", false}, {"Secret", "s3cr3t-never-here", true}};
  auto deployed = Deploy(h.clients, request, h.observer);
  ASSERT_TRUE(deployed.ok()) << deployed.error().ToString();

  auto baseline = ReadDeployedBaseline(h.cfn, "demo-dev", "us-east-1");
  ASSERT_TRUE(baseline.ok()) << baseline.error().ToString();
  ASSERT_TRUE(baseline->deployed());
  EXPECT_EQ(*baseline->tmpl, Template());
  EXPECT_EQ(baseline->parameters.at("Size"), "large");
  EXPECT_EQ(baseline->parameters.at("Secret"), "****");  // as CloudFormation answers NoEcho
  EXPECT_FALSE(baseline->nested);
  EXPECT_EQ(baseline->Describe(), "the template CloudFormation holds (CREATE_COMPLETE)");
  // Asked for the template as submitted.
  bool original = false;
  for (const aws::HttpRequest& r : h.transport.requests()) {
    if (r.body.find("Action=GetTemplate&") != std::string::npos) {
      original = r.body.find("TemplateStage=Original") != std::string::npos;
    }
  }
  EXPECT_TRUE(original);
}

TEST(BaselineTest, NestedStacksAreFlagged) {
  Harness h;
  base::Json parent = {
      {"Resources",
       {{"Part1",
         {{"Type", "AWS::CloudFormation::Stack"},
          {"Properties", {{"TemplateURL", "https://example.invalid/part1.json"}}}}}}}};
  DeployRequest request{.stack_name = "big", .template_body = base::DumpJson(parent)};
  ASSERT_TRUE(Deploy(h.clients, request, h.observer).ok());
  auto baseline = ReadDeployedBaseline(h.cfn, "big");
  ASSERT_TRUE(baseline.ok()) << baseline.error().ToString();
  EXPECT_TRUE(baseline->nested);
}

TEST(BaselineTest, TheCacheIsLabelledWithItsDateAndNotCheckedWithAws) {
  rex::testing::TempDir dir;
  StateStore state(dir.path());
  auto none = ReadCachedBaseline(state, "dev");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->source, Baseline::Source::kNone);
  EXPECT_EQ(none->Describe(),
            "nothing deployed as far as this folder knows (no .rex/dev/deployed.template.json; "
            "not checked with AWS)");
  ASSERT_TRUE(state.WriteDeployedTemplate("dev", Template()).ok());
  auto cached = ReadCachedBaseline(state, "dev");
  ASSERT_TRUE(cached.ok()) << cached.error().ToString();
  EXPECT_EQ(cached->source, Baseline::Source::kCache);
  EXPECT_EQ(*cached->tmpl, Template());
  EXPECT_THAT(cached->Describe(),
              MatchesRegex("the copy of [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC in "
                           "\\.rex/dev/deployed\\.template\\.json, not checked with AWS"));
}

}  // namespace
}  // namespace rex::engine
