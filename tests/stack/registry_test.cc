#include "stack/registry.h"

#include <gtest/gtest.h>

#include "core/stack.h"
#include "support/template_matcher.h"

namespace rex::stack {
namespace {

using base::Json;
using rex::testing::HasResourceProperties;
using rex::testing::PropertiesOf;
using rex::testing::ResourceCountIs;

base::Result<core::Template> SynthRegistry(const config::Config& config, int keep_images = 10) {
  core::App app;
  auto& stack = app.Add<core::Stack>("Rex");
  stack.Add<Registry>("Registry", RegistryProps{.config = &config, .keep_images = keep_images});
  return stack.Synthesize();
}

Json Synth(const config::Config& config) {
  auto result = SynthRegistry(config);
  EXPECT_TRUE(result.has_value()) << result.error().message();
  return result.has_value() ? result->json : Json();
}

TEST(StackRegistryTest, TwoRepositoriesScannedOnPushAndEncrypted) {
  Json t = Synth(config::Config{});
  ASSERT_TRUE(ResourceCountIs(t, "AWS::ECR::Repository", 2));
  for (const char* name : {"rex-backend-dev-api", "rex-backend-dev-worker"}) {
    Json expected = Json::parse(R"({
        "ImageScanningConfiguration": {"ScanOnPush": true},
        "EncryptionConfiguration": {"EncryptionType": "AES256"},
        "ImageTagMutability": "MUTABLE"})");
    expected["RepositoryName"] = name;
    EXPECT_TRUE(HasResourceProperties(t, "AWS::ECR::Repository", expected)) << name;
  }
}

TEST(StackRegistryTest, LifecyclePolicyKeepsTheLastTenImages) {
  Json t = Synth(config::Config{});
  for (const char* id : {"RegistryApi", "RegistryWorker"}) {
    std::string text = PropertiesOf(t, id)["LifecyclePolicy"]["LifecyclePolicyText"];
    Json policy = Json::parse(text);
    ASSERT_EQ(policy["rules"].size(), 1u) << id;
    EXPECT_EQ(policy["rules"][0], Json::parse(R"({
        "rulePriority": 1, "description": "keep the last 10 images",
        "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 10},
        "action": {"type": "expire"}})"))
        << id;
  }
}

TEST(StackRegistryTest, DevEmptiesRepositoriesOnDelete) {
  Json t = Synth(config::Config{});
  EXPECT_EQ(PropertiesOf(t, "RegistryApi")["EmptyOnDelete"], true);
  EXPECT_EQ(t["Resources"]["RegistryApi"]["DeletionPolicy"], "Delete");
  EXPECT_EQ(t["Resources"]["RegistryWorker"]["UpdateReplacePolicy"], "Delete");
}

TEST(StackRegistryTest, OutsideDevRepositoriesAreRetained) {
  config::Config config;
  config.environment = "staging";
  Json t = Synth(config);
  for (const char* id : {"RegistryApi", "RegistryWorker"}) {
    EXPECT_FALSE(PropertiesOf(t, id).contains("EmptyOnDelete")) << id;
    EXPECT_EQ(t["Resources"][id]["DeletionPolicy"], "Retain") << id;
    EXPECT_EQ(t["Resources"][id]["UpdateReplacePolicy"], "Retain") << id;
  }
  EXPECT_EQ(PropertiesOf(t, "RegistryApi")["RepositoryName"], "rex-backend-staging-api");
}

TEST(StackRegistryTest, Accessors) {
  config::Config config;
  core::App app;
  auto& stack = app.Add<core::Stack>("Rex");
  auto& registry = stack.Add<Registry>("Registry", RegistryProps{.config = &config});
  EXPECT_EQ(registry.repository_uri("api").value().json(),
            Json::parse(R"({"Fn::GetAtt": ["RegistryApi", "RepositoryUri"]})"));
  EXPECT_EQ(registry.repository_uri("worker").value().json(),
            Json::parse(R"({"Fn::GetAtt": ["RegistryWorker", "RepositoryUri"]})"));
  EXPECT_EQ(registry.repository_arns()[0].value().json(),
            Json::parse(R"({"Fn::GetAtt": ["RegistryApi", "Arn"]})"));
  EXPECT_EQ(registry.repository_arns()[1].value().json(),
            Json::parse(R"({"Fn::GetAtt": ["RegistryWorker", "Arn"]})"));
  EXPECT_EQ(registry.repository("api")->logical_id(), "RegistryApi");
  EXPECT_EQ(registry.repository("worker")->logical_id(), "RegistryWorker");
}

TEST(StackRegistryTest, KeepingNoImagesIsAnError) {
  auto result = SynthRegistry(config::Config{}, 0);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().message().substr(0, result.error().message().find('\n')),
            "error: Rex/Registry: keep_images is 0; a repository must keep at least 1 image");
}

}  // namespace
}  // namespace rex::stack
