// Issue 15, config and secrets: sealed secrets, the one rule of a secret's value, several keys
// set at once, list values as JSON arrays, the JSON view, bounded messages, and the file
// edits' lock and symlinks.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "base/crypto.h"
#include "base/files.h"
#include "base/strings.h"
#include "config/config.h"
#include "config/config_json.h"
#include "config/config_text.h"
#include "config/loader.h"

namespace rex::config {
namespace {

constexpr char kSource[] = "stacks/dev.yaml";
constexpr char kPassphrase[] = "test passphrase";
constexpr char kPassword[] = "Unit-Db-Passw0rd-Never-Shown";
constexpr char kApiKey[] = "UnitApiKey-0123456789-abcdef";

Env WithPassphrase() { return Env{.config_passphrase = kPassphrase}; }

// A config text with dbMasterPassword and supertokensApiKey set (encrypted).
std::string WithSecrets() {
  std::string text =
      SetConfigSecret("", kSource, "dbMasterPassword", kPassword, WithPassphrase()).value();
  return SetConfigSecret(text, kSource, "supertokensApiKey", kApiKey, WithPassphrase()).value();
}

TEST(SealedSecretTest, IsSetWithoutAValue) {
  Secret sealed = Secret::Sealed();
  EXPECT_TRUE(sealed.is_set());
  EXPECT_TRUE(sealed.is_sealed());
  EXPECT_EQ(sealed.Reveal(), "");
  Secret moved = std::move(sealed);
  EXPECT_TRUE(moved.is_sealed());
  EXPECT_FALSE(Secret("x").is_sealed());
  EXPECT_FALSE(Secret().is_sealed());
  EXPECT_NE(Secret::Sealed(), Secret(""));
}

TEST(SealedSecretTest, LoadWithoutPassphraseSealsWhenAllowedAndRefusesOtherwise) {
  std::string text = WithSecrets();
  Env sealed_env;
  sealed_env.allow_sealed = true;
  base::Result<Config> sealed = LoadConfig(text, kSource, sealed_env);
  ASSERT_TRUE(sealed.ok()) << sealed.error().message();
  EXPECT_TRUE(sealed->db_master_password.is_sealed());
  EXPECT_TRUE(sealed->supertokens_api_key.is_sealed());
  EXPECT_FALSE(sealed->github_token.is_set());
  base::Status need = RequireUnsealedSecrets(*sealed);
  EXPECT_EQ(need.code(), base::Code::kInvalidArgument);
  EXPECT_NE(need.message().find("dbMasterPassword, supertokensApiKey are encrypted but "
                                "REX_CONFIG_PASSPHRASE is not set"),
            std::string::npos)
      << need.message();

  base::Result<Config> refused = LoadConfig(text, kSource, Env{});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message().find("is encrypted but REX_CONFIG_PASSPHRASE is not set"),
            std::string::npos);

  // With the passphrase the values are decrypted, even when sealing is allowed.
  Env both = WithPassphrase();
  both.allow_sealed = true;
  base::Result<Config> decrypted = LoadConfig(text, kSource, both);
  ASSERT_TRUE(decrypted.ok()) << decrypted.error().message();
  EXPECT_EQ(decrypted->db_master_password.Reveal(), kPassword);
  EXPECT_TRUE(RequireUnsealedSecrets(*decrypted).ok());
}

TEST(SecretRuleTest, DbMasterPasswordRule) {
  EXPECT_EQ(SecretProblem("dbMasterPassword", kPassword), "");
  EXPECT_EQ(SecretProblem("dbMasterPassword", "short"),
            "dbMasterPassword: has 5 characters; use 8 to 41 printable ASCII characters without "
            "space and / \" @ \\ % ? # (RDS refuses some, the others break the SuperTokens "
            "connection URI)");
  EXPECT_NE(SecretProblem("dbMasterPassword", std::string(42, 'a')).find("has 42 characters"),
            std::string::npos);
  EXPECT_NE(SecretProblem("dbMasterPassword", "with@at-long").find("contains \"@\""),
            std::string::npos);
  EXPECT_NE(SecretProblem("dbMasterPassword", "with/slash-long").find("contains \"/\""),
            std::string::npos);
  EXPECT_NE(SecretProblem("dbMasterPassword", "with space-long").find("contains a space"),
            std::string::npos);
  EXPECT_NE(SecretProblem("dbMasterPassword", "caf\xc3\xa9-password").find("non-ASCII"),
            std::string::npos);
  EXPECT_NE(SecretProblem("dbMasterPassword", "two\nlines-long").find("contains a line break"),
            std::string::npos);
  EXPECT_EQ(SecretProblem("rex-backend:dbMasterPassword", "short").rfind("dbMasterPassword: ", 0),
            0u);
  EXPECT_EQ(SecretProblem("projectName", "anything"), "");
}

TEST(SecretRuleTest, ApiKeyAndGithubTokenRules) {
  EXPECT_EQ(SecretProblem("supertokensApiKey", kApiKey), "");
  // What `openssl rand -base64 32` prints: "+" and "/" are not allowed.
  EXPECT_NE(SecretProblem("supertokensApiKey", "q3+Zr8/abcdefghijklmnopqrstuvwxyz0123456=")
                .find("supertokensApiKey: contains \"+\"; use 20 to 4096 characters from "
                      "letters, digits, \"=\" and \"-\""),
            std::string::npos);
  EXPECT_NE(SecretProblem("supertokensApiKey", "abc").find("has 3 characters"), std::string::npos);
  EXPECT_EQ(SecretProblem("githubToken", "ghp_0123456789"), "");
  EXPECT_NE(SecretProblem("githubToken", "a b").find("contains a space"), std::string::npos);
}

TEST(SecretRuleTest, SetSecretAppliesTheRuleWithoutEchoingTheValue) {
  const std::string bad = "Bad/Password@Value";
  base::Result<std::string> set =
      SetConfigSecret("", kSource, "dbMasterPassword", bad, WithPassphrase());
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.error().code(), base::Code::kInvalidArgument);
  EXPECT_EQ(set.error().message().find(bad), std::string::npos);
  EXPECT_EQ(set.error().message().rfind("stacks/dev.yaml: dbMasterPassword: contains \"/\"", 0), 0u)
      << set.error().message();

  std::string huge(kMaxSecretBytes + 1, 'a');
  base::Result<std::string> too_big =
      SetConfigSecret("", kSource, "githubToken", huge, WithPassphrase());
  ASSERT_FALSE(too_big.ok());
  EXPECT_NE(too_big.error().message().find("a secret may have at most 65536"), std::string::npos);
}

TEST(SecretRuleTest, LoaderAppliesTheRuleToDecryptedValues) {
  // A value stored before the rule existed (encrypted directly): loading with the passphrase
  // refuses it without quoting it; sealed, it loads.
  const std::string bad = "not a valid key";
  std::string text =
      "supertokensApiKey: {secure: \"" +
      base::EncryptSecret(bad, kPassphrase, base::SecretBinding("dev", "supertokensApiKey"))
          .value() +
      "\"}\n";
  base::Result<Config> loaded = LoadConfig(text, kSource, WithPassphrase());
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().message().find(bad), std::string::npos);
  EXPECT_NE(loaded.error().message().find("stacks/dev.yaml: supertokensApiKey: contains a space"),
            std::string::npos)
      << loaded.error().message();
}

TEST(SetConfigValuesTest, DependentKeysChangeTogether) {
  base::Result<std::string> both =
      SetConfigValues("", kSource, {{"services.api.cpu", "1024"}, {"services.api.memory", "2048"}});
  ASSERT_TRUE(both.ok()) << both.error().message();
  Config config = LoadConfig(*both, kSource, Env{}).value();
  EXPECT_EQ(config.services.at("api").cpu, 1024);
  EXPECT_EQ(config.services.at("api").memory, 2048);
}

TEST(SetConfigValuesTest, AloneTheErrorNamesTheKeySetAndTheRelation) {
  base::Result<std::string> alone = SetConfigValue("", kSource, "services.api.cpu", "1024");
  ASSERT_FALSE(alone.ok());
  EXPECT_EQ(alone.error().message(),
            "stacks/dev.yaml: services.api.cpu: the new value conflicts with "
            "services.api.memory: 1024 is not allowed with cpu 1024: use 2048 to 8192 MiB in "
            "steps of 1024; change both in one command: rex config set services.api.cpu=... "
            "services.api.memory=...");
}

TEST(SetConfigValuesTest, ProblemsTheFileAlreadyHadAreNotBlamedOnTheEdit) {
  const std::string text = "alertEmail: ops@example.com\n";  // needs enableAlarms
  base::Result<std::string> set = SetConfigValue(text, kSource, "natGateways", "2");
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.error().message(),
            "stacks/dev.yaml: alertEmail: needs enableAlarms: true (no alarm would ever send it "
            "mail)");
}

TEST(SetConfigValuesTest, KeyGivenTwiceOrSecretIsRefused) {
  EXPECT_NE(SetConfigValues("", kSource, {{"natGateways", "1"}, {"natGateways", "2"}})
                .error()
                .message()
                .find("natGateways: is given twice"),
            std::string::npos);
  EXPECT_NE(SetConfigValues("", kSource, {{"natGateways", "1"}, {"githubToken", "x"}})
                .error()
                .message()
                .find("githubToken: is a secret"),
            std::string::npos);
}

TEST(ListValueTest, JsonArrayIsStoredAsAYamlSequence) {
  base::Result<std::string> set =
      SetConfigValue("", kSource, "migrationCommand", R"(["sh", "-c", "a && b"])");
  ASSERT_TRUE(set.ok()) << set.error().message();
  Config config = LoadConfig(*set, kSource, Env{}).value();
  EXPECT_EQ(config.migration_command, (std::vector<std::string>{"sh", "-c", "a && b"}));
  // The plain form still splits at spaces.
  Config words =
      LoadConfig(SetConfigValue("", kSource, "migrationCommand", "./migrate up 2").value(), kSource,
                 Env{})
          .value();
  EXPECT_EQ(words.migration_command, (std::vector<std::string>{"./migrate", "up", "2"}));
}

TEST(ListValueTest, MalformedJsonArrayIsRefused) {
  base::Result<std::string> set =
      SetConfigValue("", kSource, "migrationCommand", R"(["sh", ["x"]])");
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.error().message().find("migrationCommand: has an item that is a list; use a JSON "
                                       "array of strings"),
            std::string::npos)
      << set.error().message();
  EXPECT_FALSE(SetConfigValue("", kSource, "migrationCommand", R"(["sh", )").ok());
}

TEST(ConfigJsonTest, NestedCamelCaseWithSecretsHidden) {
  Env sealed_env;
  sealed_env.allow_sealed = true;
  Config config = LoadConfig(WithSecrets(), kSource, sealed_env).value();
  base::Json json = ConfigJson(config, /*show_secrets=*/true);
  EXPECT_EQ(json["services"]["api"]["cpu"], 512);
  EXPECT_EQ(json["projectName"], "rex-backend");
  EXPECT_EQ(json["dbMinCapacity"], 0.5);
  EXPECT_EQ(json["enableS3Endpoint"], true);
  EXPECT_TRUE(json["dbDeletionProtection"].is_null());
  EXPECT_EQ(json["migrationCommand"], base::Json::array({"./migrate", "up"}));
  EXPECT_EQ(json["dbMasterPassword"], "[secret]");  // sealed: no value to show
  EXPECT_TRUE(json["githubToken"].is_null());
  EXPECT_TRUE(json["checks"]["suppress"].is_array());

  Config decrypted = LoadConfig(WithSecrets(), kSource, WithPassphrase()).value();
  EXPECT_EQ(ConfigJson(decrypted, false)["dbMasterPassword"], "[secret]");
  EXPECT_EQ(ConfigJson(decrypted, true)["dbMasterPassword"], kPassword);
  EXPECT_EQ(KeyJson(decrypted, "services.worker.memory", false).value(), 1024);
  EXPECT_EQ(KeyJson(decrypted, "dbDeletionProtection", false).value(), false);
  EXPECT_FALSE(KeyJson(decrypted, "services.api", false).ok());
}

TEST(BoundsTest, LongValuesAreCutInMessages) {
  std::string value(50000, 'x');
  std::string quoted = text::Quote(value);
  EXPECT_EQ(quoted, "\"" + std::string(100, 'x') + "...\" (50000 bytes)");
  EXPECT_EQ(text::QuoteAll(value).size(), value.size() + 2);
  base::Result<Config> loaded = LoadConfig("projectName: " + value + "\n", kSource, Env{});
  ASSERT_FALSE(loaded.ok());
  EXPECT_LT(loaded.error().message().size(), 600u) << loaded.error().message().substr(0, 600);
  // A cut never splits a UTF-8 character.
  std::string accented;
  for (int i = 0; i < 100; ++i) accented += "\xc3\xa9";
  std::string cut = text::Quote(accented);
  EXPECT_EQ(cut.find("\xc3..."), std::string::npos);
}

TEST(BoundsTest, ProblemsAreCappedAndKeysCounted) {
  std::string many;
  for (int i = 0; i < 200; ++i) many += "unknownKey" + std::to_string(i) + ": 1\n";
  base::Result<Config> loaded = LoadConfig(many, kSource, Env{});
  ASSERT_FALSE(loaded.ok());
  std::vector<std::string> lines = base::Split(loaded.error().message(), '\n');
  ASSERT_EQ(lines.size(), 51u);
  EXPECT_EQ(lines.back(), "stacks/dev.yaml: and 150 more problems (fix these first)");

  std::string huge;
  for (int i = 0; i < 10001; ++i) huge += "k" + std::to_string(i) + ": 1\n";
  base::Result<Config> refused = LoadConfig(huge, kSource, Env{});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message(),
            "stacks/dev.yaml: has more than 10000 keys and list items; a stack config file may "
            "have at most 10000");
}

class FileEditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("rex-config-edit-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "stacks");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(FileEditTest, ConcurrentEditsLoseNoUpdate) {
  std::string path = (dir_ / "stacks/dev.yaml").string();
  ASSERT_TRUE(base::WriteFileAtomic(path, "natGateways: 1\n").ok());
  const std::vector<std::pair<std::string, std::string>> edits = {
      {"services.api.desiredCount", "3"}, {"services.worker.desiredCount", "4"},
      {"logRetentionDays", "14"},         {"backupRetentionDays", "9"},
      {"redisNumReplicas", "1"},          {"wafRateLimit", "3000"}};
  std::vector<std::thread> threads;
  for (const auto& [key, value] : edits) {
    threads.emplace_back([&path, key = key, value = value] {
      EXPECT_TRUE(SetConfigFileValue(path, key, value).ok()) << key;
    });
  }
  for (std::thread& t : threads) t.join();
  for (const auto& [key, value] : edits) {
    EXPECT_EQ(GetConfigFileValue(path, key).value(), value) << key;
  }
  EXPECT_TRUE(std::filesystem::exists(dir_ / "stacks/.dev.yaml.lock"));
}

TEST_F(FileEditTest, SymlinkIsWrittenThrough) {
  std::filesystem::create_directories(dir_ / "team-configs");
  std::string target = (dir_ / "team-configs/dev.yaml").string();
  ASSERT_TRUE(base::WriteFileAtomic(target, "natGateways: 1\n").ok());
  std::filesystem::create_symlink("../team-configs/dev.yaml", dir_ / "stacks/dev.yaml");
  ASSERT_TRUE(
      SetConfigFileValues((dir_ / "stacks/dev.yaml").string(), {{"natGateways", "2"}}).ok());
  EXPECT_TRUE(std::filesystem::is_symlink(dir_ / "stacks/dev.yaml"));
  EXPECT_EQ(base::ReadFile(target).value(), "natGateways: 2\n");
}

}  // namespace
}  // namespace rex::config
