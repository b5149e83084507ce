// secretsProvider / encryptedDataKey: parsing the provider, the keys' rules, loading a file
// sealed with a data key (through Env::decrypt_data_key, no AWS) and changing the provider.
#include "config/secrets_provider.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/crypto.h"
#include "base/encoding.h"
#include "config/config.h"

namespace rex::config {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kSource[] = "stacks/dev.yaml";
constexpr char kPassphrase[] = "a passphrase long enough";
const std::string kDataKey(base::kDataKeySize, '\x42');
const std::string kEncrypted = base::Base64Encode("sealed-data-key-blob");

TEST(SecretsProviderTest, ParsesPassphraseAndEveryKmsKeyForm) {
  EXPECT_FALSE(ParseSecretsProvider("passphrase").value().has_value());
  auto alias = ParseSecretsProvider("awskms://alias/rex").value();
  ASSERT_TRUE(alias.has_value());
  EXPECT_EQ(alias->key, "alias/rex");
  EXPECT_EQ(alias->region, "");
  auto id = ParseSecretsProvider("awskms://1234abcd-12ab-34cd-56ef-1234567890ab?region=eu-west-1")
                .value();
  EXPECT_EQ(id->key, "1234abcd-12ab-34cd-56ef-1234567890ab");
  EXPECT_EQ(id->region, "eu-west-1");
  auto arn = ParseSecretsProvider(
                 "awskms://arn:aws:kms:us-west-2:111122223333:key/"
                 "1234abcd-12ab-34cd-56ef-1234567890ab")
                 .value();
  EXPECT_EQ(arn->region, "us-west-2");
  EXPECT_EQ(
      ParseSecretsProvider("awskms://arn:aws:kms:us-west-2:111122223333:alias/rex").value()->region,
      "us-west-2");
  EXPECT_EQ(ParseSecretsProvider("awskms://mrk-0123456789abcdef0123456789abcdef").value()->key,
            "mrk-0123456789abcdef0123456789abcdef");
}

TEST(SecretsProviderTest, RefusalsSayWhatIsAllowed) {
  auto scheme = ParseSecretsProvider("gcpkms://projects/p");
  ASSERT_FALSE(scheme.ok());
  EXPECT_THAT(scheme.error().message(),
              AllOf(HasSubstr("\"gcpkms://\" is not supported"), HasSubstr("\"passphrase\" or")));
  EXPECT_THAT(ParseSecretsProvider("awskms://").error().message(), HasSubstr("names no KMS key"));
  EXPECT_THAT(ParseSecretsProvider("awskms://my-key").error().message(),
              HasSubstr("is not a KMS key id, ARN or alias/NAME"));
  EXPECT_THAT(ParseSecretsProvider("awskms://alias/x?endpoint=y").error().message(),
              HasSubstr("the only query is \"?region=<region>\""));
  EXPECT_THAT(ParseSecretsProvider("awskms://arn:aws:kms:us-west-2:111122223333:alias/rex?region="
                                   "eu-west-1")
                  .error()
                  .message(),
              HasSubstr("contradicts the region of the ARN (us-west-2)"));
  EXPECT_THAT(ParseSecretsProvider("Passphrase").error().message(),
              HasSubstr("\"Passphrase\" is not a provider"));
}

// A file sealed with kDataKey by rex's own edit (SetConfigSecret through the hook).
std::string KmsFile(const Env& env) {
  std::string text = "secretsProvider: awskms://alias/rex\nencryptedDataKey: " + kEncrypted + "\n";
  return SetConfigSecret(text, kSource, "githubToken", "ghp_unitTestToken000000000000000000000",
                         env)
      .value();
}

Env KmsEnv(int* calls = nullptr) {
  Env env;
  env.decrypt_data_key = [calls](std::string_view kms_key,
                                 std::string_view encrypted) -> base::Result<std::string> {
    if (calls != nullptr) ++*calls;
    EXPECT_EQ(kms_key, "alias/rex");
    EXPECT_EQ(encrypted, kEncrypted);
    return kDataKey;
  };
  return env;
}

TEST(SecretsProviderTest, LoadsWithTheDataKeyAskingForItOnce) {
  int calls = 0;
  std::string text = KmsFile(KmsEnv());
  EXPECT_THAT(text, HasSubstr("secure: v3:"));
  text =
      SetConfigSecret(text, kSource, "dbMasterPassword", "Unit-db-password-01", KmsEnv()).value();
  Config config = LoadConfig(text, kSource, KmsEnv(&calls)).value();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(config.github_token.Reveal(), "ghp_unitTestToken000000000000000000000");
  EXPECT_EQ(config.db_master_password.Reveal(), "Unit-db-password-01");
  // Without the hook: sealed when allowed, else an error naming the key.
  Env sealed;
  sealed.allow_sealed = true;
  EXPECT_TRUE(LoadConfig(text, kSource, sealed).value().github_token.is_sealed());
  EXPECT_THAT(LoadConfig(text, kSource, Env{}).error().message(),
              HasSubstr("githubToken: is sealed with a data key of KMS key alias/rex"));
  // Another stack's file does not decrypt (the binding names the stack).
  EXPECT_THAT(LoadConfig(text, "stacks/prod.yaml", KmsEnv()).error().message(),
              HasSubstr("cannot decrypt with the data key"));
}

TEST(SecretsProviderTest, TheHooksErrorKeepsItsCode) {
  std::string text = KmsFile(KmsEnv());
  Env denied;
  denied.decrypt_data_key = [](std::string_view, std::string_view) -> base::Result<std::string> {
    return base::PermissionDenied("not allowed kms:Decrypt");
  };
  auto loaded = LoadConfig(text, kSource, denied);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().code(), base::Code::kPermissionDenied);
  EXPECT_THAT(loaded.error().message(),
              HasSubstr("stacks/dev.yaml: encryptedDataKey: cannot decrypt it with KMS key "
                        "alias/rex: not allowed kms:Decrypt"));
  // A file without secrets never asks.
  std::string empty = "secretsProvider: awskms://alias/rex\nencryptedDataKey: " + kEncrypted + "\n";
  EXPECT_TRUE(LoadConfig(empty, kSource, denied).ok());
}

TEST(SecretsProviderTest, RulesOfTheTwoKeys) {
  EXPECT_THAT(LoadConfig("secretsProvider: awskms://alias/rex\n", kSource, Env{}).error().message(),
              HasSubstr("encryptedDataKey: is empty but secretsProvider is"));
  EXPECT_THAT(
      LoadConfig("encryptedDataKey: " + kEncrypted + "\n", kSource, Env{}).error().message(),
      HasSubstr("encryptedDataKey: is set but secretsProvider is \"passphrase\""));
  EXPECT_THAT(
      LoadConfig("secretsProvider: awskms://alias/rex\nencryptedDataKey: '***'\n", kSource, Env{})
          .error()
          .message(),
      HasSubstr("encryptedDataKey: \"***\" is not allowed: use base64"));
  EXPECT_THAT(SetConfigValue("", kSource, "secretsProvider", "passphrase").error().message(),
              HasSubstr("is changed only by \"rex config change-secrets-provider"));
  EXPECT_THAT(
      RemoveConfigValue("encryptedDataKey: x\n", kSource, "encryptedDataKey").error().message(),
      HasSubstr("change-secrets-provider"));
}

TEST(SecretsProviderTest, ChangeProviderRoundTripKeepsValues) {
  Env with_passphrase;
  with_passphrase.config_passphrase = kPassphrase;
  std::string text = SetConfigSecret("projectName: rex\n", kSource, "githubToken",
                                     "ghp_roundTripToken0000000000000000000", with_passphrase)
                         .value();
  int generated = 0;
  GenerateDataKeyFn generate = [&](std::string_view kms_key) -> base::Result<NewDataKey> {
    ++generated;
    EXPECT_EQ(kms_key, "alias/rex");
    return NewDataKey{kDataKey, kEncrypted};
  };
  std::string kms =
      ChangeSecretsProvider(text, kSource, "awskms://alias/rex", with_passphrase, generate).value();
  EXPECT_EQ(generated, 1);
  EXPECT_THAT(kms, AllOf(HasSubstr("projectName: rex"), HasSubstr("secure: v3:"),
                         HasSubstr("encryptedDataKey: " + kEncrypted), Not(HasSubstr("v2:"))));
  EXPECT_EQ(LoadConfig(kms, kSource, KmsEnv()).value().github_token.Reveal(),
            "ghp_roundTripToken0000000000000000000");

  Env back_env = KmsEnv();
  back_env.config_passphrase = "another passphrase 2";
  std::string back = ChangeSecretsProvider(kms, kSource, "passphrase", back_env, nullptr).value();
  EXPECT_THAT(back, AllOf(HasSubstr("secretsProvider: passphrase"), HasSubstr("secure: v2:"),
                          Not(HasSubstr("encryptedDataKey"))));
  Env reader;
  reader.config_passphrase = "another passphrase 2";
  EXPECT_EQ(LoadConfig(back, kSource, reader).value().github_token.Reveal(),
            "ghp_roundTripToken0000000000000000000");

  // Back to passphrase needs one; a short one is refused; KMS failures keep their code.
  Env no_passphrase = KmsEnv();
  EXPECT_THAT(
      ChangeSecretsProvider(kms, kSource, "passphrase", no_passphrase, nullptr).error().message(),
      HasSubstr("needs REX_CONFIG_PASSPHRASE set to the new passphrase"));
  GenerateDataKeyFn denied = [](std::string_view) -> base::Result<NewDataKey> {
    return base::PermissionDenied("not allowed kms:GenerateDataKey");
  };
  auto refused =
      ChangeSecretsProvider(text, kSource, "awskms://alias/rex", with_passphrase, denied);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), base::Code::kPermissionDenied);
}

}  // namespace
}  // namespace rex::config
