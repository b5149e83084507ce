// The bootstrap stack is built from the typed resources (engine/bootstrap.h AddBootstrapStack):
// cfn::s3 and cfn::iam classes in a core::Stack, so core's synthesis validates it (required
// properties, schema ranges and patterns) and the template differs from core's output only by
// the resources' Metadata, which SynthesizeBootstrapStack drops. Errors surface as
// kInvalidArgument naming the construct path and the property, and DeployBootstrap returns them
// before any AWS call.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "aws/credentials.h"
#include "cfn/iam.gen.h"
#include "cfn/s3.gen.h"
#include "core/construct.h"
#include "core/stack.h"
#include "engine/bootstrap.h"
#include "support/fake_aws_server.h"
#include "support/fake_clock.h"
#include "support/fake_transport.h"
#include "support/recording_observer.h"

namespace rex::engine {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

GithubAccess Acme() {
  GithubAccess g;
  g.repo = "acme/backend";
  return g;
}

// The child of `stack` with construct id `id`, as T; null if there is none or it is no T.
template <typename T>
T* ChildOf(const core::Stack& stack, const std::string& id) {
  for (const auto& child : stack.children()) {
    if (child->id() == id) return dynamic_cast<T*>(child.get());
  }
  return nullptr;
}

TEST(BootstrapStackTest, EveryResourceIsAGeneratedTypedClass) {
  core::App app;
  core::Stack& stack = AddBootstrapStack(app, Acme());
  EXPECT_EQ(stack.path(), "rex-bootstrap");
  auto* bucket = ChildOf<cfn::s3::CfnBucket>(stack, "Bucket");
  ASSERT_NE(bucket, nullptr);
  EXPECT_EQ(bucket->logical_id(), "Bucket");
  EXPECT_EQ(bucket->deletion_policy(), core::DeletionPolicy::kRetain);
  EXPECT_EQ(bucket->update_replace_policy(), core::DeletionPolicy::kRetain);
  ASSERT_TRUE(bucket->props().lifecycle_configuration.has_value());
  EXPECT_NE(ChildOf<cfn::s3::CfnBucketPolicy>(stack, "BucketPolicy"), nullptr);
  EXPECT_NE(ChildOf<cfn::iam::CfnOIDCProvider>(stack, "GitHubOidcProvider"), nullptr);
  auto* deploy = ChildOf<cfn::iam::CfnRole>(stack, "GitHubDeployRole");
  ASSERT_NE(deploy, nullptr);
  EXPECT_EQ(deploy->type(), "AWS::IAM::Role");
  EXPECT_NE(ChildOf<cfn::iam::CfnRole>(stack, "GitHubPreviewRole"), nullptr);

  // Without GitHub access: the bucket and its policy only.
  core::App plain_app;
  core::Stack& plain = AddBootstrapStack(plain_app, std::nullopt);
  EXPECT_NE(ChildOf<cfn::s3::CfnBucket>(plain, "Bucket"), nullptr);
  EXPECT_EQ(ChildOf<cfn::iam::CfnRole>(plain, "GitHubDeployRole"), nullptr);
  EXPECT_EQ(ChildOf<cfn::iam::CfnOIDCProvider>(plain, "GitHubOidcProvider"), nullptr);
}

TEST(BootstrapStackTest, TheTemplateIsCoresSynthesisWithoutTheResourcesMetadata) {
  const std::vector<std::optional<GithubAccess>> cases = {std::nullopt, Acme()};
  for (const std::optional<GithubAccess>& github : cases) {
    core::App app;
    core::Stack& stack = AddBootstrapStack(app, github);
    auto synthesized = stack.Synthesize();
    ASSERT_TRUE(synthesized.ok()) << synthesized.error().ToString();
    EXPECT_THAT(synthesized->warnings, IsEmpty());
    base::Json raw = synthesized->json;
    for (auto& [id, resource] : raw["Resources"].items()) {
      // core records the construct path; the bootstrap template leaves it out.
      EXPECT_EQ(resource["Metadata"]["rex:path"], "rex-bootstrap/" + id);
      resource.erase("Metadata");
    }
    auto tmpl = SynthesizeBootstrapStack(stack);
    ASSERT_TRUE(tmpl.ok()) << tmpl.error().ToString();
    EXPECT_EQ(base::DumpJson(*tmpl), base::DumpJson(raw));
    EXPECT_EQ(base::DumpJson(*tmpl), base::DumpJson(BootstrapTemplate(github)));
  }
}

TEST(BootstrapStackTest, AMissingRequiredPropertyIsASynthesisError) {
  core::App app;
  core::Stack& stack = AddBootstrapStack(app, std::nullopt);
  auto* policy = ChildOf<cfn::s3::CfnBucketPolicy>(stack, "BucketPolicy");
  ASSERT_NE(policy, nullptr);
  policy->props().policy_document.reset();
  auto tmpl = SynthesizeBootstrapStack(stack);
  ASSERT_FALSE(tmpl.ok());
  EXPECT_EQ(tmpl.error().code(), base::Code::kInvalidArgument);
  EXPECT_THAT(tmpl.error().message(),
              HasSubstr("error: rex-bootstrap/BucketPolicy: PolicyDocument: missing required "
                        "property"));
  EXPECT_THAT(tmpl.error().message(), HasSubstr("1 error; no template written"));
}

TEST(BootstrapStackTest, AValueOutsideTheSchemasRangeIsASynthesisError) {
  core::App app;
  core::Stack& stack = AddBootstrapStack(app, Acme());
  auto* deploy = ChildOf<cfn::iam::CfnRole>(stack, "GitHubDeployRole");
  ASSERT_NE(deploy, nullptr);
  deploy->props().max_session_duration = 60;
  auto tmpl = SynthesizeBootstrapStack(stack);
  ASSERT_FALSE(tmpl.ok());
  EXPECT_THAT(tmpl.error().message(),
              HasSubstr("error: rex-bootstrap/GitHubDeployRole: MaxSessionDuration: 60 is below "
                        "the minimum 3600"));
}

TEST(BootstrapStackTest, AGithubAccessTheIamSchemaRefusesIsReturnedBeforeAnyAwsCall) {
  // ValidateGithubAccess refuses it too; GithubAccessFromOutputs does not validate, so
  // DeployBootstrap must not rely on it.
  GithubAccess g = Acme();
  g.environment = "prod\x01";
  EXPECT_FALSE(ValidateGithubAccess(g).ok());
  auto tmpl = SynthesizeBootstrapTemplate(g);
  ASSERT_FALSE(tmpl.ok());
  EXPECT_THAT(tmpl.error().message(),
              HasSubstr("error: rex-bootstrap/GitHubDeployRole: Description: "));

  rex::testing::FakeClock clock;
  rex::testing::FakeAws fake(rex::testing::FakeAwsOptions{.clock = &clock});
  rex::testing::FakeTransport transport;
  int requests = 0;
  transport.SetHandler([&](const aws::HttpRequest& r) {
    ++requests;
    return fake.Handle(r);
  });
  aws::StaticCredentialsProvider credentials(
      aws::Credentials{"AKIDREXTESTKEY", "rex-test-secret/K7MDENG+bPxRfiCY"});
  aws::CloudFormationClient cfn(
      {"https://cloudformation.us-east-1.amazonaws.com", "us-east-1", "cloudformation"},
      &credentials, transport, clock);
  DeployClients clients{cfn, clock, nullptr};
  rex::testing::RecordingObserver observer;
  auto outcome = DeployBootstrap(clients, DeployRequest{}, observer, g);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code(), base::Code::kInvalidArgument);
  EXPECT_THAT(outcome.error().message(), HasSubstr("GitHubDeployRole: Description"));
  EXPECT_EQ(requests, 0);
  EXPECT_EQ(fake.StackStatus("rex-bootstrap"), "");
}

}  // namespace
}  // namespace rex::engine
