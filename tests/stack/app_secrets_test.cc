#include "stack/app_secrets.h"

#include <gtest/gtest.h>

#include <string>

#include "core/stack.h"
#include "support/template_matcher.h"

namespace rex::stack {
namespace {

using base::Json;
using rex::testing::HasResourceProperties;
using rex::testing::PropertiesOf;
using rex::testing::ResourceCountIs;

constexpr const char* kApiKey = "Recognizable-ApiKey-0123456789";
constexpr const char* kGithubToken = "ghp_RecognizableGithubToken42";

base::Result<core::Template> SynthSecrets(const config::Config& config) {
  core::App app;
  auto& stack = app.Add<core::Stack>("Rex");
  stack.Add<AppSecrets>("Secrets", AppSecretsProps{.config = &config});
  return stack.Synthesize();
}

Json Synth(const config::Config& config) {
  auto result = SynthSecrets(config);
  EXPECT_TRUE(result.has_value()) << result.error().message();
  return result.has_value() ? result->json : Json();
}

TEST(AppSecretsTest, GeneratedAlphanumericApiKeyByDefault) {
  Json t = Synth(config::Config{});
  ASSERT_TRUE(ResourceCountIs(t, "AWS::SecretsManager::Secret", 1));
  EXPECT_TRUE(HasResourceProperties(t, "AWS::SecretsManager::Secret", Json::parse(R"({
      "Name": "rex-backend-dev/supertokens/api-key",
      "GenerateSecretString": {"PasswordLength": 32, "ExcludePunctuation": true}})")));
  Json secret = PropertiesOf(t, "SecretsSupertokensApiKey");
  EXPECT_FALSE(secret.contains("SecretString"));
  // A plain string, not JSON: no template, no key.
  EXPECT_FALSE(secret["GenerateSecretString"].contains("SecretStringTemplate"));
  EXPECT_FALSE(t.contains("Parameters"));
}

TEST(AppSecretsTest, ConfiguredApiKeyTravelsAsNoEchoParameter) {
  config::Config config;
  config.supertokens_api_key = config::Secret(kApiKey);
  auto result = SynthSecrets(config);
  ASSERT_TRUE(result.has_value()) << result.error().message();
  EXPECT_EQ(result->ToJson().find(kApiKey), std::string::npos);
  const Json& t = result->json;
  EXPECT_EQ(t["Parameters"]["SupertokensApiKey"]["NoEcho"], true);
  EXPECT_EQ(t["Parameters"]["SupertokensApiKey"]["MinLength"], 20);
  EXPECT_EQ(PropertiesOf(t, "SecretsSupertokensApiKey")["SecretString"],
            Json::parse(R"({"Ref": "SupertokensApiKey"})"));
  EXPECT_FALSE(PropertiesOf(t, "SecretsSupertokensApiKey").contains("GenerateSecretString"));
}

TEST(AppSecretsTest, GithubTokenParameterOnlyWhenSet) {
  config::Config config;
  core::App app;
  auto& stack = app.Add<core::Stack>("Rex");
  auto& none = stack.Add<AppSecrets>("Secrets", AppSecretsProps{.config = &config});
  EXPECT_FALSE(none.github_token().has_value());
  EXPECT_EQ(none.supertokens_api_key_secret_arn().value().json(),
            Json::parse(R"({"Ref": "SecretsSupertokensApiKey"})"));

  config::Config with_token;
  with_token.github_token = config::Secret(kGithubToken);
  core::App app2;
  auto& stack2 = app2.Add<core::Stack>("Rex");
  auto& secrets = stack2.Add<AppSecrets>("Secrets", AppSecretsProps{.config = &with_token});
  ASSERT_TRUE(secrets.github_token().has_value());
  EXPECT_EQ(secrets.github_token()->value().json(), Json::parse(R"({"Ref": "GithubToken"})"));
  auto result = stack2.Synthesize();
  ASSERT_TRUE(result.has_value()) << result.error().message();
  EXPECT_EQ(result->ToJson().find(kGithubToken), std::string::npos);
  EXPECT_EQ(result->json["Parameters"]["GithubToken"]["NoEcho"], true);
  EXPECT_EQ(result->json["Parameters"]["GithubToken"]["Type"], "String");
}

TEST(AppSecretsTest, InvalidApiKeyIsAnErrorWithoutTheValue) {
  for (const char* bad :
       {"too-short-key", "has spaces in the api key!!", "under_score_0123456789"}) {
    config::Config config;
    config.supertokens_api_key = config::Secret(bad);
    auto result = SynthSecrets(config);
    ASSERT_FALSE(result.has_value()) << bad;
    // The config's rule (config::SecretProblem), the one `rex config set --secret` applies.
    EXPECT_EQ(result.error().message(),
              "error: Rex/Secrets: " + config::SecretProblem("supertokensApiKey", bad) +
                  "\n1 error; no template written");
    EXPECT_EQ(result.error().message().find(bad), std::string::npos);
    EXPECT_NE(result.error().message().find("use 20 to 4096 characters from letters, digits, "
                                            "\"=\" and \"-\""),
              std::string::npos);
  }
}

// A secret loaded without the passphrase (sealed) synthesizes as the decrypted one does: its
// value was checked when it was set, and the template holds only the NoEcho parameter.
TEST(AppSecretsTest, SealedSecretsSynthesizeLikeDecryptedOnes) {
  config::Config sealed;
  sealed.supertokens_api_key = config::Secret::Sealed();
  sealed.github_token = config::Secret::Sealed();
  config::Config decrypted;
  decrypted.supertokens_api_key = config::Secret(kApiKey);
  decrypted.github_token = config::Secret(kGithubToken);
  EXPECT_EQ(Synth(sealed), Synth(decrypted));
  EXPECT_EQ(Synth(sealed)["Parameters"]["SupertokensApiKey"]["NoEcho"], true);
}

}  // namespace
}  // namespace rex::stack
