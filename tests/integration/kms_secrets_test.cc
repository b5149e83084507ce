// The awskms:// secrets provider through the real rex binary against the fake AWS endpoint
// (CloudFormation and a KMS double that really encrypts, tests/support/fake_kms.h):
// `rex config change-secrets-provider` from passphrase to KMS and back keeping every value,
// reading and setting secrets with KMS only, a deploy without a passphrase, a key KMS denies,
// offline commands that make no KMS call, the data key never in any output or file, and the
// provider keys' rules.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/encoding.h"
#include "base/json.h"
#include "support/fake_aws_server.h"
#include "support/fake_kms.h"
#include "support/run_rex.h"

namespace rex::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kStackName = "rex-backend-dev";
constexpr const char* kPassphrase = "first team passphrase";
constexpr const char* kNewPassphrase = "second team passphrase";
constexpr const char* kDbPassword = "Db-password-kms-0001";
constexpr const char* kGithubToken = "ghp_kmsTestToken00000000000000000000000";
constexpr const char* kAlias = "alias/rex-secrets";

class KmsSecretsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    key_id_ = kms_.AddKey(kAlias);
    other_key_ = kms_.AddKey("alias/other");
    server_.aws().AddService("kms", &kms_);
    ASSERT_EQ(Rex({"init", "dev"}).exit_code, 0);
  }

  // rex with the fake's credentials; `passphrase` "" runs it without REX_CONFIG_PASSPHRASE.
  RexRun Rex(std::vector<std::string> args, const std::string& passphrase = kPassphrase,
             std::string stdin_text = "") {
    args.insert(args.begin(), {"--endpoint-url", server_.url()});
    auto env = server_.RexEnv(passphrase);
    if (passphrase.empty()) env.erase("REX_CONFIG_PASSPHRASE");
    RexRun run = RunRex(args, {.cwd = dir_.path(), .env = env, .stdin_text = stdin_text});
    transcript_ += run.out + run.err;
    return run;
  }

  void SetSecrets() {
    ASSERT_EQ(Rex({"config", "set", "dbMasterPassword", "--secret"}, kPassphrase,
                  std::string(kDbPassword) + "\n")
                  .exit_code,
              0);
    ASSERT_EQ(Rex({"config", "set", "githubToken", "--secret"}, kPassphrase,
                  std::string(kGithubToken) + "\n")
                  .exit_code,
              0);
  }

  void ToKms() {
    SetSecrets();
    RexRun change = Rex({"config", "change-secrets-provider", std::string("awskms://") + kAlias});
    ASSERT_EQ(change.exit_code, 0) << change.err;
  }

  int KmsCalls() {
    int n = 0;
    for (const std::string& r : server_.aws().Requests()) n += r.rfind("kms:", 0) == 0 ? 1 : 0;
    return n;
  }

  std::string AllFiles() const {
    std::string all;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_.path())) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      all += text.str();
    }
    return all;
  }

  FakeAwsServer server_;
  FakeKms kms_;
  std::string key_id_;
  std::string other_key_;
  TempDir dir_;
  std::string transcript_;
};

TEST_F(KmsSecretsTest, PassphraseToKmsAndBackKeepsEveryValue) {
  ToKms();
  std::string file = dir_.Read("stacks/dev.yaml");
  EXPECT_THAT(file, AllOf(HasSubstr("secretsProvider: awskms://alias/rex-secrets"),
                          HasSubstr("encryptedDataKey: "), HasSubstr("secure: v3:"),
                          Not(HasSubstr("secure: v2:"))));
  // Both KMS calls bind the data key to the stack.
  auto calls = kms_.Calls();
  ASSERT_FALSE(calls.empty());
  EXPECT_EQ(calls.back().first, "GenerateDataKey");
  for (const auto& [action, context] : calls) {
    EXPECT_EQ(context, (std::map<std::string, std::string>{{"rex:stack", "dev"}})) << action;
  }

  // Read with KMS only: no passphrase.
  RexRun listing = Rex({"config", "--show-secrets"}, "");
  ASSERT_EQ(listing.exit_code, 0) << listing.err;
  EXPECT_THAT(listing.out, AllOf(HasSubstr(std::string("dbMasterPassword: ") + kDbPassword),
                                 HasSubstr(std::string("githubToken: ") + kGithubToken)));
  RexRun one = Rex({"config", "get", "githubToken", "--show-secrets"}, "");
  EXPECT_EQ(one.out, std::string(kGithubToken) + "\n");
  // A passphrase alone no longer reads them.
  EXPECT_EQ(Rex({"config", "get", "secretsProvider"}, "").out, "awskms://alias/rex-secrets\n");

  // Set one with KMS only.
  RexRun set = Rex({"config", "set", "supertokensApiKey", "--secret"}, "",
                   "supertokens-key-from-kms-0001\n");
  ASSERT_EQ(set.exit_code, 0) << set.err;

  // Back to a (new) passphrase: REX_CONFIG_PASSPHRASE is the new one, KMS reads the old values.
  RexRun back = Rex({"config", "change-secrets-provider", "passphrase"}, kNewPassphrase);
  ASSERT_EQ(back.exit_code, 0) << back.err;
  file = dir_.Read("stacks/dev.yaml");
  EXPECT_THAT(file, AllOf(HasSubstr("secretsProvider: passphrase"), Not(HasSubstr("v3:")),
                          Not(HasSubstr("\nencryptedDataKey: "))));
  RexRun after = Rex({"config", "--show-secrets"}, kNewPassphrase);
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_THAT(after.out, AllOf(HasSubstr(std::string("dbMasterPassword: ") + kDbPassword),
                               HasSubstr(std::string("githubToken: ") + kGithubToken),
                               HasSubstr("supertokensApiKey: supertokens-key-from-kms-0001")));
  EXPECT_EQ(Rex({"config", "--show-secrets"}, kPassphrase).exit_code, 2);  // the old one is gone
}

TEST_F(KmsSecretsTest, DeployNeedsNoPassphrase) {
  ToKms();
  ASSERT_EQ(Rex({"bootstrap"}, "").exit_code, 0);
  RexRun up = Rex({"up", "--yes"}, "");
  ASSERT_EQ(up.exit_code, 0) << up.err;
  EXPECT_EQ(server_.aws().StackStatus(kStackName), "CREATE_COMPLETE");
  EXPECT_EQ(server_.aws().LastParameters(kStackName)["DbMasterPassword"], kDbPassword);
  EXPECT_EQ(server_.aws().LastParameters(kStackName)["GithubToken"], kGithubToken);
}

TEST_F(KmsSecretsTest, PreviewAsksCloudFormationWithTheKmsDataKeyAndNoPassphrase) {
  ToKms();
  ASSERT_EQ(Rex({"bootstrap"}, "").exit_code, 0);
  ASSERT_EQ(Rex({"up", "--yes"}, "").exit_code, 0);
  ASSERT_EQ(Rex({"config", "set", "logRetentionDays", "30"}, "").exit_code, 0);
  int before = KmsCalls();
  RexRun preview = Rex({"preview"}, "");
  ASSERT_EQ(preview.exit_code, 0) << preview.err;
  EXPECT_THAT(preview.out, HasSubstr("CloudFormation change set confirms the plan"));
  EXPECT_THAT(preview.out + preview.err,
              AllOf(Not(HasSubstr("offline")), Not(HasSubstr(kDbPassword))));
  EXPECT_EQ(KmsCalls(), before + 1);
  EXPECT_EQ(server_.aws().LastParameters(kStackName)["DbMasterPassword"], kDbPassword);
}

TEST_F(KmsSecretsTest, ADeniedKeyIsExit1NamingTheKeyAndNothingIsDeployed) {
  ToKms();
  kms_.Deny(kAlias);
  RexRun up = Rex({"up", "--yes"}, "");
  EXPECT_EQ(up.exit_code, 1);
  EXPECT_THAT(up.err, AllOf(HasSubstr("encryptedDataKey"), HasSubstr("KMS key alias/rex-secrets"),
                            HasSubstr("kms:Decrypt")));
  for (const std::string& r : server_.aws().Requests()) {
    EXPECT_THAT(r, Not(HasSubstr("CreateChangeSet")));
  }
  RexRun show = Rex({"config", "--show-secrets"}, "");
  EXPECT_EQ(show.exit_code, 1);
  EXPECT_THAT(show.err, HasSubstr("KMS key alias/rex-secrets"));
  RexRun set =
      Rex({"config", "set", "supertokensApiKey", "--secret"}, "", "another-supertokens-key-0002\n");
  EXPECT_EQ(set.exit_code, 1);
  EXPECT_THAT(dir_.Read("stacks/dev.yaml"), Not(HasSubstr("supertokensApiKey:\n  secure")));
}

TEST_F(KmsSecretsTest, OfflineCommandsMakeNoKmsCall) {
  ToKms();
  int before = KmsCalls();
  for (std::vector<std::string> args : {std::vector<std::string>{"synth"},
                                        {"cost"},
                                        {"check"},
                                        {"preview", "--offline"},
                                        {"config"},
                                        {"config", "get", "dbMasterPassword"}}) {
    RexRun run = Rex(args, "");
    EXPECT_EQ(run.exit_code, 0) << args[0] << ": " << run.err;
  }
  EXPECT_EQ(KmsCalls(), before);
}

TEST_F(KmsSecretsTest, TheDataKeyAppearsNowhere) {
  ToKms();
  Rex({"config", "--show-secrets"}, "");
  RexRun change = Rex({"config", "change-secrets-provider", "awskms://alias/other", "--json"},
                      "");  // a new data key, under another KMS key
  ASSERT_EQ(change.exit_code, 0) << change.err;
  auto doc = base::ParseJson(change.out, "stdout");
  ASSERT_TRUE(doc.ok()) << change.out;
  EXPECT_EQ((*doc)["secretsProvider"], "awskms://alias/other");
  EXPECT_EQ((*doc)["file"], "stacks/dev.yaml");
  EXPECT_EQ((*doc)["version"], 1);
  Rex({"config", "--json", "--show-secrets"}, "");
  Rex({"synth"}, "");
  auto issued = kms_.IssuedDataKeys();
  ASSERT_EQ(issued.size(), 2u);
  std::string files = AllFiles();
  for (const std::string& key : issued) {
    EXPECT_THAT(transcript_, Not(HasSubstr(base::Base64Encode(key))));
    EXPECT_THAT(transcript_, Not(HasSubstr(key)));
    EXPECT_THAT(files, Not(HasSubstr(base::Base64Encode(key))));
    EXPECT_THAT(files, Not(HasSubstr(key)));
  }
  EXPECT_THAT(files, Not(HasSubstr(kDbPassword)));
  EXPECT_THAT(dir_.Read("stacks/dev.yaml"), HasSubstr("secretsProvider: awskms://alias/other"));
}

TEST_F(KmsSecretsTest, BadProviderValuesAreExit2NamingTheKeyAndWhatIsAllowed) {
  RexRun scheme = Rex({"config", "change-secrets-provider", "gcpkms://projects/p/keys/k"});
  EXPECT_EQ(scheme.exit_code, 2);
  EXPECT_THAT(scheme.err, AllOf(HasSubstr("secretsProvider"), HasSubstr("gcpkms://"),
                                HasSubstr("\"passphrase\" or \"awskms://")));
  RexRun set = Rex({"config", "set", "secretsProvider", "awskms://alias/x"});
  EXPECT_EQ(set.exit_code, 2);
  EXPECT_THAT(set.err, HasSubstr("change-secrets-provider"));
  RexRun query = Rex({"config", "change-secrets-provider", "awskms://alias/x?profile=p"});
  EXPECT_EQ(query.exit_code, 2);
  EXPECT_THAT(query.err, HasSubstr("?region=<region>"));

  ToKms();
  std::string file = dir_.Read("stacks/dev.yaml");
  std::string good = file;
  size_t at = file.find("\nencryptedDataKey: ");
  ASSERT_NE(at, std::string::npos);
  file.replace(at + 1, file.find('\n', at + 1) - at - 1, "encryptedDataKey: not*base64");
  dir_.Write("stacks/dev.yaml", file);
  RexRun bad = Rex({"up", "--yes"}, "");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, AllOf(HasSubstr("encryptedDataKey"), HasSubstr("base64")));
  RexRun synth = Rex({"synth"}, "");
  EXPECT_EQ(synth.exit_code, 2);
  EXPECT_THAT(synth.err, HasSubstr("encryptedDataKey"));

  std::string unknown = good;
  at = unknown.find("secretsProvider: awskms://");
  unknown.replace(at, std::string("secretsProvider: awskms://").size(),
                  "secretsProvider: vault://");
  dir_.Write("stacks/dev.yaml", unknown);
  RexRun vault = Rex({"synth"}, "");
  EXPECT_EQ(vault.exit_code, 2);
  EXPECT_THAT(vault.err, AllOf(HasSubstr("secretsProvider"), HasSubstr("awskms://")));

  // A data key made for another key: KMS refuses it, rex names the file's key.
  std::string swapped = good;
  at = swapped.find("awskms://alias/rex-secrets");
  swapped.replace(at, std::string("awskms://alias/rex-secrets").size(), "awskms://alias/other");
  dir_.Write("stacks/dev.yaml", swapped);
  RexRun wrong = Rex({"config", "--show-secrets"}, "");
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_THAT(wrong.err, AllOf(HasSubstr("KMS key alias/other"), HasSubstr("encryptedDataKey")));
}

}  // namespace
}  // namespace rex::testing
