// `rex secrets rotate` through the real rex binary against the fake AWS endpoint
// (CloudFormation, ECS and Secrets Manager doubles, tests/support/): the generated SuperTokens
// API key (PutSecretValue) and the config-held one (sealed into the config, deployed as rex
// up), each ending with the new value in place, every service reading it redeployed and the
// old value without a staging label; a redeploy that fails midway and the run that finishes
// it; a deploy that does not go ahead leaving the config's value as it was; the awskms://
// provider sealing the new value without a passphrase; unknown names, a stack that does not
// exist, --json; and the values never in any output or file.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/json.h"
#include "support/fake_aws_server.h"
#include "support/fake_ecs.h"
#include "support/fake_kms.h"
#include "support/fake_logs.h"
#include "support/fake_secretsmanager.h"
#include "support/run_rex.h"

namespace rex::testing {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kStackName = "rex-backend-dev";
constexpr const char* kPassphrase = "rotate passphrase 9";
constexpr const char* kConfigKey = "st-config-key-old-value-5521";
constexpr const char* kSecretId = "SecretsSupertokensApiKey";

bool LettersAndDigits(const std::string& s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; });
}

// Every file under `dir`, concatenated (the config, .rex/ records and caches).
std::string AllFiles(const std::string& dir) {
  std::string all;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    all += text.str();
  }
  return all;
}

class SecretsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.aws().AddService("ecs", &ecs_);
    server_.aws().AddService("logs", &logs_);
    server_.aws().AddService("secretsmanager", &secrets_);
    server_.aws().AddService("kms", &kms_);
    ecs_.Follow(server_.aws(), kStackName);
    logs_.Follow(server_.aws(), kStackName);
    secrets_.Follow(server_.aws(), kStackName);
    ASSERT_EQ(Rex({"init", "dev"}).exit_code, 0);
  }

  RexRun Rex(std::vector<std::string> args, std::string stdin_text = "") {
    args.insert(args.begin(), {"--endpoint-url", server_.url()});
    auto env = server_.RexEnv(kPassphrase);
    if (!with_passphrase_) env.erase("REX_CONFIG_PASSPHRASE");
    RexRun run =
        RunRex(args, {.cwd = dir_.path(), .env = env, .stdin_text = std::move(stdin_text)});
    transcript_ += run.out + run.err;
    return run;
  }

  void Deploy() {
    ecs_.ScriptTask("ComputeBootstrapTaskDefinition", {.log_lines = {"created"}});
    RexRun up = Rex({"up", "--yes"});
    ASSERT_EQ(up.exit_code, 0) << up.err;
  }

  std::string SecretArn() {
    return server_.aws().StackResources(kStackName).at(kSecretId).physical_id;
  }
  std::string Current() { return secrets_.ValueWithStage(SecretArn(), "AWSCURRENT"); }

  // The services UpdateService forced a new deployment of.
  std::vector<std::string> Redeployed() {
    std::vector<std::string> names;
    for (const base::Json& r : ecs_.UpdateServiceRequests()) {
      if (r.value("forceNewDeployment", false)) {
        std::string service = r.value("service", "");
        names.push_back(service.substr(service.rfind('/') + 1));
      }
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  // The services of the deployed stack, by the physical name the fake gave them.
  std::vector<std::string> ServiceNames() {
    std::vector<std::string> names;
    for (const auto& [id, r] : server_.aws().StackResources(kStackName)) {
      if (r.type == "AWS::ECS::Service")
        names.push_back(r.physical_id.substr(r.physical_id.rfind('/') + 1));
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  FakeAwsServer server_;
  FakeLogs logs_{3};
  FakeEcs ecs_{&logs_};
  FakeSecretsManager secrets_;
  FakeKms kms_;
  bool with_passphrase_ = true;  // REX_CONFIG_PASSPHRASE in rex's environment
  TempDir dir_;
  std::string transcript_;
};

TEST_F(SecretsTest, AGeneratedKeyIsReplacedInSecretsManagerAndItsReadersRedeployed) {
  Deploy();
  const std::string old_value = Current();
  ASSERT_FALSE(old_value.empty());

  RexRun rotate = Rex({"secrets", "rotate", "supertokensApiKey", "--yes"});
  ASSERT_EQ(rotate.exit_code, 0) << rotate.err;

  const std::string new_value = Current();
  EXPECT_NE(new_value, old_value);
  EXPECT_GE(new_value.size(), 32u);
  EXPECT_TRUE(LettersAndDigits(new_value));
  // The old value carries no label any more: nothing reads it, Secrets Manager deletes it.
  EXPECT_EQ(secrets_.LabelledValues(SecretArn()), std::vector<std::string>{new_value});
  // Every service of the dev stack reads the key (api, worker: SUPERTOKENS_API_KEY;
  // supertokens: API_KEYS), each redeployed once.
  EXPECT_EQ(Redeployed(), ServiceNames());
  EXPECT_EQ(Redeployed().size(), 3u);
  EXPECT_THAT(rotate.out, HasSubstr("supertokensApiKey rotated in rex-backend-dev"));
  EXPECT_THAT(rotate.err, HasSubstr("read by api, supertokens, worker"));
  // No CloudFormation deploy for a generated key.
  EXPECT_EQ(server_.aws().ChangeSetsCreated(kStackName), 1);

  EXPECT_THAT(transcript_, AllOf(Not(HasSubstr(new_value)), Not(HasSubstr(old_value))));
  EXPECT_THAT(AllFiles(dir_.path()), AllOf(Not(HasSubstr(new_value)), Not(HasSubstr(old_value))));
}

TEST_F(SecretsTest, AConfigKeyIsSealedIntoTheConfigDeployedAndItsReadersRedeployed) {
  ASSERT_EQ(Rex({"config", "set", "supertokensApiKey", "--secret"}, std::string(kConfigKey) + "\n")
                .exit_code,
            0);
  Deploy();
  ASSERT_EQ(Current(), kConfigKey);

  RexRun rotate = Rex({"secrets", "rotate", "supertokensApiKey", "--yes"});
  ASSERT_EQ(rotate.exit_code, 0) << rotate.err;
  EXPECT_THAT(rotate.out, HasSubstr("Plan for rex-backend-dev"));  // through rex up
  EXPECT_EQ(server_.aws().ChangeSetsCreated(kStackName), 2);

  const std::string new_value = Current();
  EXPECT_NE(new_value, kConfigKey);
  EXPECT_GE(new_value.size(), 32u);
  EXPECT_TRUE(LettersAndDigits(new_value));
  EXPECT_EQ(server_.aws().LastParameters(kStackName).at("SupertokensApiKey"), new_value);
  EXPECT_EQ(secrets_.LabelledValues(SecretArn()), std::vector<std::string>{new_value});
  EXPECT_EQ(Redeployed(), ServiceNames());
  // Nothing of either value in any output or file (the config holds it sealed).
  EXPECT_THAT(transcript_, AllOf(Not(HasSubstr(new_value)), Not(HasSubstr(kConfigKey))));
  EXPECT_THAT(AllFiles(dir_.path()), AllOf(Not(HasSubstr(new_value)), Not(HasSubstr(kConfigKey))));

  // The config holds the new value.
  RexRun shown = RunRex({"config", "get", "supertokensApiKey", "--show-secrets"},
                        {.cwd = dir_.path(), .env = server_.RexEnv(kPassphrase)});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_EQ(shown.out, new_value + "\n");
}

TEST_F(SecretsTest, WithTheKmsProviderTheNewValueIsSealedWithKmsAndNoPassphrase) {
  kms_.AddKey("alias/rex-secrets");
  ASSERT_EQ(Rex({"config", "set", "supertokensApiKey", "--secret"}, std::string(kConfigKey) + "\n")
                .exit_code,
            0);
  RexRun change = Rex({"config", "change-secrets-provider", "awskms://alias/rex-secrets"});
  ASSERT_EQ(change.exit_code, 0) << change.err;
  with_passphrase_ = false;
  Deploy();
  ASSERT_EQ(Current(), kConfigKey);

  RexRun rotate = Rex({"secrets", "rotate", "supertokensApiKey", "--yes"});
  ASSERT_EQ(rotate.exit_code, 0) << rotate.err;
  const std::string new_value = Current();
  EXPECT_NE(new_value, kConfigKey);
  EXPECT_EQ(server_.aws().LastParameters(kStackName).at("SupertokensApiKey"), new_value);
  EXPECT_EQ(secrets_.LabelledValues(SecretArn()), std::vector<std::string>{new_value});
  EXPECT_EQ(Redeployed(), ServiceNames());
  // Sealed under the KMS data key (v3), never with a passphrase (v2).
  EXPECT_THAT(dir_.Read("stacks/dev.yaml"),
              AllOf(HasSubstr("secure: v3:"), Not(HasSubstr("secure: v2:"))));
  RexRun shown = RunRex(
      {"--endpoint-url", server_.url(), "config", "get", "supertokensApiKey", "--show-secrets"},
      {.cwd = dir_.path(), .env = [this] {
         auto env = server_.RexEnv(kPassphrase);
         env.erase("REX_CONFIG_PASSPHRASE");
         return env;
       }()});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_EQ(shown.out, new_value + "\n");
  EXPECT_THAT(transcript_, AllOf(Not(HasSubstr(new_value)), Not(HasSubstr(kConfigKey))));
}

TEST_F(SecretsTest, ADeployThatDoesNotGoAheadLeavesTheConfigValueAsItWas) {
  ASSERT_EQ(Rex({"config", "set", "supertokensApiKey", "--secret"}, std::string(kConfigKey) + "\n")
                .exit_code,
            0);
  Deploy();
  const std::string config_before = dir_.Read("stacks/dev.yaml");
  // Without --yes and without a terminal: rex up's own refusal, before any change.
  RexRun declined = Rex({"secrets", "rotate", "supertokensApiKey"}, "no\n");
  EXPECT_EQ(declined.exit_code, 2);
  EXPECT_THAT(declined.err, HasSubstr("needs --yes when stdin is not a terminal"));
  EXPECT_EQ(dir_.Read("stacks/dev.yaml"), config_before);

  // A deploy that fails: CloudFormation rolls the secret back, the config gets its value back.
  server_.aws().FailResource(kSecretId, "simulated failure");
  RexRun failed = Rex({"secrets", "rotate", "supertokensApiKey", "--yes"});
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_THAT(failed.err, HasSubstr("is back to the deployed value"));
  EXPECT_EQ(Current(), kConfigKey);
  EXPECT_TRUE(Redeployed().empty());
  RexRun shown = RunRex({"config", "get", "supertokensApiKey", "--show-secrets"},
                        {.cwd = dir_.path(), .env = server_.RexEnv(kPassphrase)});
  EXPECT_EQ(shown.out, std::string(kConfigKey) + "\n");
  EXPECT_THAT(transcript_, Not(HasSubstr(kConfigKey)));
}

TEST_F(SecretsTest, ARedeployThatFailsIsReportedAndTheNextRunFinishes) {
  Deploy();
  const std::string old_value = Current();
  // The api's next deployment is rolled back; the one after it succeeds.
  ecs_.ScriptDeployment("ComputeApiService", {.roll_back = true});
  ecs_.ScriptDeployment("ComputeApiService", {});
  RexRun failed = Rex({"secrets", "rotate", "supertokensApiKey", "--yes"});
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_THAT(failed.err,
              AllOf(HasSubstr("api was rolled back"), HasSubstr("the rotation is incomplete"),
                    HasSubstr("run \"rex secrets rotate supertokensApiKey\" again")));
  const std::string first = Current();
  EXPECT_NE(first, old_value);
  // Not retired: the old value still carries AWSPREVIOUS.
  EXPECT_THAT(secrets_.LabelledValues(SecretArn()), Contains(old_value));

  RexRun again = Rex({"secrets", "rotate", "supertokensApiKey", "--yes"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(secrets_.LabelledValues(SecretArn()), std::vector<std::string>{Current()});
  EXPECT_NE(Current(), first);
  EXPECT_THAT(transcript_,
              AllOf(Not(HasSubstr(first)), Not(HasSubstr(Current())), Not(HasSubstr(old_value))));
}

TEST_F(SecretsTest, JsonIsOneDocument) {
  Deploy();
  RexRun rotate = Rex({"secrets", "rotate", "supertokensApiKey", "--yes", "--json"});
  ASSERT_EQ(rotate.exit_code, 0) << rotate.err;
  auto doc = base::ParseJson(rotate.out, "stdout");
  ASSERT_TRUE(doc.ok()) << rotate.out;
  EXPECT_EQ((*doc)["version"], 1);
  EXPECT_EQ((*doc)["stack"], kStackName);
  EXPECT_EQ((*doc)["secret"], "supertokensApiKey");
  EXPECT_EQ((*doc)["source"], "secretsManager");
  EXPECT_EQ((*doc)["result"], "rotated");
  EXPECT_EQ((*doc)["previousRetired"], true);
  ASSERT_EQ((*doc)["services"].size(), 3u);
  for (const base::Json& s : (*doc)["services"]) EXPECT_EQ(s["result"], "stable");
  EXPECT_THAT(rotate.out, Not(HasSubstr(Current())));
}

TEST_F(SecretsTest, UnknownNamesExit2ListingWhatCanBeRotated) {
  RexRun unknown = Rex({"secrets", "rotate", "dbPassword", "--yes"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, AllOf(HasSubstr("unknown secret \"dbPassword\""),
                                 HasSubstr("rex secrets rotate can rotate: supertokensApiKey")));
  EXPECT_TRUE(server_.aws().Requests().empty());
}

TEST_F(SecretsTest, AStackThatDoesNotExistExits1SayingRunUpFirst) {
  RexRun rotate = Rex({"secrets", "rotate", "supertokensApiKey", "--yes"});
  EXPECT_EQ(rotate.exit_code, 1);
  EXPECT_THAT(rotate.err, HasSubstr("run \"rex up\" first"));
  EXPECT_TRUE(secrets_.Calls().empty());
}

}  // namespace
}  // namespace rex::testing
