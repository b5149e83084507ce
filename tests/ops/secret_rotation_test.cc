#include "ops/secret_rotation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <set>

#include "aws/secretsmanager.h"
#include "ops/harness.h"
#include "support/fake_secretsmanager.h"

namespace rex::ops {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

struct RotationHarness : testing::OpsHarness {
  rex::testing::FakeSecretsManager secrets_fake;
  aws::SecretsManagerClient secrets{
      {"https://secretsmanager.us-east-1.amazonaws.com", "us-east-1", "secretsmanager"},
      &credentials,
      transport,
      clock};

  RotationHarness() {
    fake.AddService("secretsmanager", &secrets_fake);
    secrets_fake.Follow(fake, testing::kStackName);
  }

  StackInfo Info() {
    auto info = LoadStackInfo(cfn, testing::kStackName, "us-east-1");
    EXPECT_TRUE(info.ok()) << info.error().ToString();
    return info.ok() ? *info : StackInfo{};
  }
};

TEST(SecretRotationTest, FindsTheSecretByKeyAndListsWhatCanBeRotated) {
  auto found = FindRotatableSecret("supertokensApiKey");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->logical_id, "SecretsSupertokensApiKey");
  EXPECT_TRUE(FindRotatableSecret("rex-backend:supertokensApiKey").ok());
  auto unknown = FindRotatableSecret("supertokensApiKye");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code(), base::Code::kInvalidArgument);
  EXPECT_THAT(unknown.error().message(), AllOf(HasSubstr("unknown secret \"supertokensApiKye\""),
                                               HasSubstr("did you mean \"supertokensApiKey\"?"),
                                               HasSubstr("can rotate: supertokensApiKey")));
}

TEST(SecretRotationTest, NewValuesAreLettersAndDigitsAndDiffer) {
  std::set<std::string> seen;
  std::set<char> used;
  for (int i = 0; i < 50; ++i) {
    auto value = NewSecretValue();
    ASSERT_TRUE(value.ok());
    ASSERT_EQ(value->size(), 40u);
    for (char c : *value) {
      EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << c;
      used.insert(c);
    }
    seen.insert(*value);
  }
  EXPECT_EQ(seen.size(), 50u);
  // 2,000 draws over 62 symbols reach nearly all of them (a stuck generator would not).
  EXPECT_GT(used.size(), 55u);
  auto token = NewRequestToken();
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token->size(), 36u);
}

TEST(SecretRotationTest, TheReadersAreTheServicesWhoseTaskDefinitionNamesTheSecret) {
  RotationHarness h;
  ASSERT_TRUE(h.Deploy("dev"));
  StackInfo info = h.Info();
  auto readers = FindSecretReaders(h.session, info, "SecretsSupertokensApiKey");
  ASSERT_TRUE(readers.ok()) << readers.error().ToString();
  EXPECT_THAT(*readers, ElementsAre("api", "supertokens", "worker"));

  // A worker that no longer reads it is not a reader; nor is a secret nobody names.
  auto text = base::ReadFile(testing::GoldenPath("dev"));
  ASSERT_TRUE(text.ok());
  auto tmpl = base::ParseJson(*text, "dev");
  ASSERT_TRUE(tmpl.ok());
  const std::string worker_task = (*tmpl)["Resources"][info.services.at("worker").logical_id]
                                         ["Properties"]["TaskDefinition"]["Ref"]
                                             .get<std::string>();
  for (auto& container : (*tmpl)["Resources"][worker_task]["Properties"]["ContainerDefinitions"]) {
    container.erase("Secrets");
  }
  EXPECT_THAT(ServicesReadingSecret(*tmpl, info, "SecretsSupertokensApiKey"),
              ElementsAre("api", "supertokens"));
  EXPECT_TRUE(ServicesReadingSecret(*tmpl, info, "NoSuchSecret").empty());
}

TEST(SecretRotationTest, PutThenRetireLeavesOnlyTheNewValueLabelled) {
  RotationHarness h;
  ASSERT_TRUE(h.Deploy("dev"));
  const std::string arn = h.Info().PhysicalId("SecretsSupertokensApiKey");
  ASSERT_FALSE(arn.empty());
  const std::string old_value = h.secrets_fake.ValueWithStage(arn, "AWSCURRENT");

  // Nothing to retire before a rotation.
  auto none = RetirePreviousValue(h.secrets, arn);
  ASSERT_TRUE(none.ok()) << none.error().ToString();
  EXPECT_FALSE(*none);

  auto token = NewRequestToken();
  ASSERT_TRUE(token.ok());
  auto version = PutNewValue(h.secrets, arn, "NewValue0123456789abcdefghijklmnop", *token);
  ASSERT_TRUE(version.ok()) << version.error().ToString();
  EXPECT_EQ(*version, *token);
  // A retried call with the same token makes no second version.
  ASSERT_TRUE(PutNewValue(h.secrets, arn, "NewValue0123456789abcdefghijklmnop", *token).ok());
  EXPECT_EQ(h.secrets_fake.ValueWithStage(arn, "AWSCURRENT"), "NewValue0123456789abcdefghijklmnop");
  EXPECT_EQ(h.secrets_fake.ValueWithStage(arn, "AWSPREVIOUS"), old_value);

  auto retired = RetirePreviousValue(h.secrets, arn);
  ASSERT_TRUE(retired.ok()) << retired.error().ToString();
  EXPECT_TRUE(*retired);
  EXPECT_THAT(h.secrets_fake.LabelledValues(arn),
              ElementsAre("NewValue0123456789abcdefghijklmnop"));

  // An unknown secret is kNotFound.
  auto missing = h.secrets.DescribeSecret("arn:aws:secretsmanager:us-east-1:1:secret:nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), base::Code::kNotFound);
}

}  // namespace
}  // namespace rex::ops
