// Issue 15, config and secrets, through the real binary: offline commands without the
// passphrase, secrets checked when set, multi-line secrets, JSON output, several keys set at
// once, list values, concurrent edits and symlinks, and size limits. Secrets never appear in
// any output.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "base/json.h"
#include "base/strings.h"
#include "support/fake_aws_server.h"
#include "support/run_rex.h"

namespace rex::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kPassphrase = "config integration passphrase";
constexpr const char* kDbPassword = "Cfg-Db-Passw0rd-Never-Shown-8841";
constexpr const char* kApiKey = "CfgApiKeyNeverShown-0123456789";

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(Rex({"init", "dev"}).exit_code, 0); }

  RexRun Rex(const std::vector<std::string>& args, const std::string& stdin_text = "",
             bool passphrase = false) {
    RexOptions options{.cwd = dir_.path()};
    if (passphrase) options.env["REX_CONFIG_PASSPHRASE"] = kPassphrase;
    options.stdin_text = stdin_text;
    return RunRex(args, options);
  }
  RexRun WithPassphrase(const std::vector<std::string>& args, const std::string& stdin_text = "") {
    return Rex(args, stdin_text, /*passphrase=*/true);
  }
  std::string File() const { return dir_.Read("stacks/dev.yaml"); }

  void SetSecrets() {
    ASSERT_EQ(WithPassphrase({"config", "set", "dbMasterPassword", "--secret"},
                             std::string(kDbPassword) + "\n")
                  .exit_code,
              0);
    ASSERT_EQ(WithPassphrase({"config", "set", "supertokensApiKey", "--secret"},
                             std::string(kApiKey) + "\n")
                  .exit_code,
              0);
  }

  static void ExpectNoSecret(const RexRun& run) {
    for (const char* secret : {kDbPassword, kApiKey}) {
      EXPECT_THAT(run.out, Not(HasSubstr(secret)));
      EXPECT_THAT(run.err, Not(HasSubstr(secret)));
    }
  }

  TempDir dir_;
};

TEST_F(ConfigTest, OfflineCommandsRunWithoutThePassphraseAndGiveTheSameOutput) {
  SetSecrets();
  const std::vector<std::vector<std::string>> commands = {
      {"synth"}, {"synth", "--yaml"}, {"cost"}, {"check"}, {"graph"}, {"preview", "--offline"}};
  for (const auto& command : commands) {
    RexRun sealed = Rex(command);
    RexRun plain = WithPassphrase(command);
    std::string name = base::Join(command, " ");
    EXPECT_EQ(sealed.exit_code, plain.exit_code) << name << "\n" << sealed.err;
    EXPECT_NE(sealed.exit_code, 2) << name << "\n" << sealed.err;
    EXPECT_EQ(sealed.out, plain.out) << name;
    EXPECT_THAT(sealed.err, Not(HasSubstr("REX_CONFIG_PASSPHRASE"))) << name;
    ExpectNoSecret(sealed);
    ExpectNoSecret(plain);
  }
  // The secrets stay NoEcho parameters of the template.
  RexRun synth = Rex({"synth"});
  auto tmpl = base::ParseJson(synth.out, "synth");
  ASSERT_TRUE(tmpl.has_value());
  EXPECT_EQ((*tmpl)["Parameters"]["DbMasterPassword"]["NoEcho"], true);
  EXPECT_EQ((*tmpl)["Parameters"]["SupertokensApiKey"]["NoEcho"], true);
}

TEST_F(ConfigTest, CommandsThatDeployNeedThePassphraseAndSaySo) {
  SetSecrets();
  for (const std::vector<std::string>& command : {std::vector<std::string>{"up", "--yes"},
                                                  {"destroy", "--yes"},
                                                  {"rollback", "1", "--yes"}}) {
    RexRun run = Rex(command);
    EXPECT_EQ(run.exit_code, 2) << base::Join(command, " ") << "\n" << run.err;
    EXPECT_THAT(run.err, HasSubstr("is encrypted but REX_CONFIG_PASSPHRASE is not set"));
    ExpectNoSecret(run);
  }
  // redeploy --image-tag writes the tag, then deploys: it stops before touching the config.
  const std::string before = File();
  RexRun redeploy = Rex({"redeploy", "api", "--image-tag", "v2", "--yes"});
  EXPECT_EQ(redeploy.exit_code, 2) << redeploy.err;
  EXPECT_THAT(redeploy.err, HasSubstr("REX_CONFIG_PASSPHRASE is not set"));
  EXPECT_EQ(File(), before);
}

TEST_F(ConfigTest, SecretsAreCheckedAtSetWithTheRuleTheSynthApplies) {
  const std::string before = File();
  struct Case {
    const char* key;
    std::string value;
    const char* problem;
  };
  const std::vector<Case> cases = {
      // openssl rand -base64 32
      {"supertokensApiKey", "q3+Zr8/Wk1abcdefghijklmnopqrstuvwxyzABCD=", "contains \"+\""},
      {"supertokensApiKey", "too-short", "has 9 characters"},
      {"dbMasterPassword", "Pass@word-long", "contains \"@\""},
      {"dbMasterPassword", "Pass/word-long", "contains \"/\""},
      {"dbMasterPassword", "Pass word long", "contains a space"},
      {"dbMasterPassword", "P\xc3\xa4ssword-long", "contains a non-ASCII character"},
      {"dbMasterPassword", "short", "has 5 characters"},
      {"dbMasterPassword", std::string(42, 'p'), "has 42 characters"},
  };
  for (const Case& c : cases) {
    RexRun run = WithPassphrase({"config", "set", c.key, "--secret"}, c.value + "\n");
    EXPECT_EQ(run.exit_code, 2) << c.key << " " << c.problem;
    EXPECT_THAT(run.err,
                HasSubstr(std::string("stacks/dev.yaml: ") + c.key + ": " + c.problem + "; use "));
    EXPECT_THAT(run.err, Not(HasSubstr(c.value)));
    EXPECT_THAT(run.out, Not(HasSubstr(c.value)));
  }
  EXPECT_EQ(File(), before) << "a refused secret must leave the file alone";
  // What the rule allows is accepted, and the synth takes it.
  ASSERT_EQ(WithPassphrase({"config", "set", "supertokensApiKey", "--secret"},
                           std::string(kApiKey) + "\n")
                .exit_code,
            0);
  RexRun synth = WithPassphrase({"synth"});
  EXPECT_EQ(synth.exit_code, 0) << synth.err;
  ExpectNoSecret(synth);
}

TEST_F(ConfigTest, MultiLineSecretIsRefusedWholeAndOneTrailingNewlineIsStripped) {
  RexRun two_lines = WithPassphrase({"config", "set", "dbMasterPassword", "--secret"},
                                    std::string(kDbPassword) + "\nsecond-line\n");
  EXPECT_EQ(two_lines.exit_code, 2);
  EXPECT_THAT(two_lines.err, HasSubstr("dbMasterPassword: contains a line break; use "));
  ExpectNoSecret(two_lines);
  EXPECT_THAT(two_lines.err, Not(HasSubstr("second-line")));

  ASSERT_EQ(WithPassphrase({"config", "set", "dbMasterPassword", "--secret"},
                           std::string(kDbPassword) + "\r\n")
                .exit_code,
            0);
  RexRun shown = WithPassphrase({"config", "get", "dbMasterPassword", "--show-secrets"});
  EXPECT_EQ(shown.out, std::string(kDbPassword) + "\n");
  // Without a newline at all the value is taken as is.
  ASSERT_EQ(WithPassphrase({"config", "set", "supertokensApiKey", "--secret"}, kApiKey).exit_code,
            0);
  EXPECT_EQ(WithPassphrase({"config", "get", "supertokensApiKey", "--show-secrets"}).out,
            std::string(kApiKey) + "\n");
}

TEST_F(ConfigTest, ConfigJsonIsJsonWithAVersionAndHonoursShowSecrets) {
  SetSecrets();
  RexRun listing = Rex({"config", "--json"});
  ASSERT_EQ(listing.exit_code, 0) << listing.err;
  auto json = base::ParseJson(listing.out, "rex config --json");
  ASSERT_TRUE(json.has_value()) << listing.out.substr(0, 300);
  EXPECT_EQ((*json)["version"], 1);
  EXPECT_EQ((*json)["stack"], "dev");
  EXPECT_EQ((*json)["file"], "stacks/dev.yaml");
  EXPECT_EQ((*json)["config"]["services"]["api"]["cpu"], 512);
  EXPECT_EQ((*json)["config"]["dbMasterPassword"], "[secret]");
  EXPECT_TRUE((*json)["config"]["githubToken"].is_null());
  ExpectNoSecret(listing);

  RexRun get = Rex({"config", "get", "services.api.memory", "--json"});
  ASSERT_EQ(get.exit_code, 0) << get.err;
  auto value = base::ParseJson(get.out, "rex config get --json");
  ASSERT_TRUE(value.has_value()) << get.out;
  EXPECT_EQ(
      *value,
      base::Json(
          {{"version", 1}, {"stack", "dev"}, {"key", "services.api.memory"}, {"value", 1024}}));

  // --show-secrets shows values in the listing (text and JSON), and needs the passphrase.
  RexRun shown = WithPassphrase({"config", "--json", "--show-secrets"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  auto shown_json = base::ParseJson(shown.out, "shown");
  ASSERT_TRUE(shown_json.has_value());
  EXPECT_EQ((*shown_json)["config"]["dbMasterPassword"], kDbPassword);
  RexRun shown_text = WithPassphrase({"config", "--show-secrets"});
  EXPECT_THAT(shown_text.out, HasSubstr(std::string("supertokensApiKey: ") + kApiKey + "\n"));
  RexRun no_passphrase = Rex({"config", "--show-secrets"});
  EXPECT_EQ(no_passphrase.exit_code, 2);
  EXPECT_THAT(no_passphrase.err, HasSubstr("REX_CONFIG_PASSPHRASE is not set"));
  ExpectNoSecret(no_passphrase);
}

TEST_F(ConfigTest, SetTakesSeveralKeysAtOnceValidatedTogether) {
  const std::string before = File();
  RexRun alone = Rex({"config", "set", "services.api.cpu", "1024"});
  EXPECT_EQ(alone.exit_code, 2);
  EXPECT_THAT(alone.err, HasSubstr("services.api.cpu: the new value conflicts with "
                                   "services.api.memory: 1024 is not allowed with cpu 1024"));
  EXPECT_THAT(alone.err, HasSubstr("rex config set services.api.cpu=... services.api.memory=..."));
  EXPECT_EQ(File(), before);

  RexRun pairs = Rex({"config", "set", "services.api.cpu=1024", "services.api.memory=2048"});
  ASSERT_EQ(pairs.exit_code, 0) << pairs.err;
  EXPECT_EQ(Rex({"config", "get", "services.api.cpu"}).out, "1024\n");
  EXPECT_EQ(Rex({"config", "get", "services.api.memory"}).out, "2048\n");

  RexRun words =
      Rex({"config", "set", "services.worker.cpu", "2048", "services.worker.memory", "4096"});
  ASSERT_EQ(words.exit_code, 0) << words.err;
  EXPECT_EQ(Rex({"config", "get", "services.worker.memory"}).out, "4096\n");

  // The plain two-word form is kept; an odd count of words is a usage error.
  EXPECT_EQ(Rex({"config", "set", "natGateways", "2"}).exit_code, 0);
  RexRun odd = Rex({"config", "set", "natGateways", "2", "logRetentionDays"});
  EXPECT_EQ(odd.exit_code, 2);
  EXPECT_THAT(odd.err, HasSubstr("logRetentionDays needs a VALUE"));
}

TEST_F(ConfigTest, ListValuesTakeAJsonArray) {
  RexRun set = Rex({"config", "set", "migrationCommand", R"(["sh","-c","a && b"])"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  RexRun get = Rex({"config", "get", "migrationCommand", "--json"});
  auto json = base::ParseJson(get.out, "get");
  ASSERT_TRUE(json.has_value()) << get.out;
  EXPECT_EQ((*json)["value"], base::Json::array({"sh", "-c", "a && b"}));
  RexRun synth = Rex({"synth"});
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
  EXPECT_THAT(synth.out, HasSubstr(R"("a && b")"));

  // Among several KEY=VALUE words too.
  RexRun pairs = Rex({"config", "set", "natGateways=2", R"(migrationCommand=["sh", "-c", "x y"])"});
  ASSERT_EQ(pairs.exit_code, 0) << pairs.err;
  EXPECT_EQ(Rex({"config", "get", "migrationCommand"}).out, "[\"sh\", \"-c\", \"x y\"]\n");

  ASSERT_EQ(Rex({"config", "set", "migrationCommand", "./migrate up"}).exit_code, 0);
  EXPECT_EQ(Rex({"config", "get", "migrationCommand"}).out, "[\"./migrate\", \"up\"]\n");
}

TEST_F(ConfigTest, ParallelSetsLoseNoUpdate) {
  const std::vector<std::pair<std::string, std::string>> edits = {
      {"services.api.desiredCount", "3"}, {"services.worker.desiredCount", "4"},
      {"logRetentionDays", "14"},         {"backupRetentionDays", "9"},
      {"redisNumReplicas", "1"},          {"wafRateLimit", "3000"}};
  std::vector<RexRun> runs(edits.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < edits.size(); ++i) {
    threads.emplace_back([this, &runs, &edits, i] {
      runs[i] = RunRex({"config", "set", edits[i].first, edits[i].second}, {.cwd = dir_.path()});
    });
  }
  for (std::thread& t : threads) t.join();
  for (size_t i = 0; i < edits.size(); ++i) {
    EXPECT_EQ(runs[i].exit_code, 0) << runs[i].err;
    EXPECT_EQ(Rex({"config", "get", edits[i].first}).out, edits[i].second + "\n") << edits[i].first;
  }
}

TEST_F(ConfigTest, SymlinkedStackFileIsWrittenThrough) {
  std::filesystem::path root(dir_.path());
  std::filesystem::create_directories(root / "team-configs");
  std::filesystem::rename(root / "stacks/dev.yaml", root / "team-configs/dev.yaml");
  std::filesystem::create_symlink("../team-configs/dev.yaml", root / "stacks/dev.yaml");
  ASSERT_EQ(Rex({"config", "set", "natGateways", "2"}).exit_code, 0);
  EXPECT_TRUE(std::filesystem::is_symlink(root / "stacks/dev.yaml"));
  EXPECT_THAT(dir_.Read("team-configs/dev.yaml"), HasSubstr("natGateways: 2"));
}

TEST_F(ConfigTest, SizeLimitsGiveShortClearErrors) {
  // Many unknown keys: the first 50 problems, then a count.
  std::string many;
  for (int i = 0; i < 5000; ++i) many += "unknownKey" + std::to_string(i) + ": 1\n";
  dir_.Write("stacks/dev.yaml", many);
  RexRun unknown = Rex({"synth"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_LE(base::Split(unknown.err, '\n').size(), 55u);
  EXPECT_THAT(unknown.err, HasSubstr("and 4950 more problems"));

  // Too many keys for a stack config at all.
  std::string huge;
  for (int i = 0; i < 12000; ++i) huge += "k" + std::to_string(i) + ": 1\n";
  dir_.Write("stacks/dev.yaml", huge);
  RexRun too_many = Rex({"config"});
  EXPECT_EQ(too_many.exit_code, 2);
  EXPECT_THAT(too_many.err, HasSubstr("a stack config file may have at most 10000"));

  // A long value is cut in the message.
  dir_.Write("stacks/dev.yaml", "projectName: " + std::string(500000, 'x') + "\n");
  RexRun long_value = Rex({"synth"});
  EXPECT_EQ(long_value.exit_code, 2);
  EXPECT_LT(long_value.err.size(), 1000u);
  EXPECT_THAT(long_value.err, HasSubstr("(500000 bytes)"));

  // A secret over 64 KiB is refused before it is encrypted (rex stops reading stdin there, so
  // the rest of this test's write meets a closed pipe: EPIPE, not a signal).
  std::signal(SIGPIPE, SIG_IGN);
  dir_.Write("stacks/dev.yaml", "natGateways: 1\n");
  RexRun big_secret =
      WithPassphrase({"config", "set", "githubToken", "--secret"}, std::string(200000, 't'));
  EXPECT_EQ(big_secret.exit_code, 2);
  EXPECT_THAT(big_secret.err, HasSubstr("a secret may have at most 65536"));
  EXPECT_LT(big_secret.err.size(), 500u);
}

// With credentials, preview asks CloudFormation for a change set, which needs the secrets'
// values: without the passphrase it shows the offline plan and says why, asking nothing.
TEST(ConfigOnlineTest, PreviewWithoutThePassphraseShowsTheOfflinePlanAndSaysWhy) {
  TempDir dir;
  FakeAwsServer server;
  std::map<std::string, std::string> env = server.RexEnv(kPassphrase);
  auto rex = [&](std::vector<std::string> args, const std::map<std::string, std::string>& with,
                 const std::string& stdin_text = "") {
    args.insert(args.begin(), {"--endpoint-url", server.url()});
    return RunRex(args, {.cwd = dir.path(), .env = with, .stdin_text = stdin_text});
  };
  ASSERT_EQ(rex({"init", "dev"}, env).exit_code, 0);
  ASSERT_EQ(
      rex({"config", "set", "dbMasterPassword", "--secret"}, env, std::string(kDbPassword) + "\n")
          .exit_code,
      0);
  ASSERT_EQ(rex({"up", "--yes"}, env).exit_code, 0);
  std::map<std::string, std::string> without = env;
  without.erase("REX_CONFIG_PASSPHRASE");
  size_t before = server.aws().Requests().size();
  RexRun preview = rex({"preview"}, without);
  EXPECT_EQ(preview.exit_code, 0) << preview.err;
  EXPECT_THAT(preview.out + preview.err,
              HasSubstr("dbMasterPassword is encrypted but REX_CONFIG_PASSPHRASE is not set"));
  std::vector<std::string> asked = server.aws().Requests();
  for (size_t i = before; i < asked.size(); ++i) {
    EXPECT_NE(asked[i], "cloudformation:CreateChangeSet");
  }
  EXPECT_THAT(preview.out + preview.err, Not(HasSubstr(kDbPassword)));
}

}  // namespace
}  // namespace rex::testing
