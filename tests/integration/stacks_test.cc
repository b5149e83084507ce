// Stacks through the real binary (issue 15): commands that change AWS need stacks/<name>.yaml
// (the presets serve only offline commands), `rex init NAME [--preset P]`, one stack-name rule
// everywhere, `rex stack ls|rm`, `rex destroy --preview`, `rex up` stopped by a check error,
// `rex rollback 0`, `rex help` and `rex version`.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "base/json.h"
#include "support/fake_aws_server.h"
#include "support/run_rex.h"

namespace rex::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kPassphrase = "stacks integration passphrase";

class StacksTest : public ::testing::Test {
 protected:
  RexRun Rex(std::vector<std::string> args, std::map<std::string, std::string> extra_env = {}) {
    args.insert(args.begin(), {"--endpoint-url", server_.url()});
    std::map<std::string, std::string> env = server_.RexEnv(kPassphrase);
    for (auto& [k, v] : extra_env) env[k] = v;
    return RunRex(args, {.cwd = dir_.path(), .env = env});
  }

  // Requests that reached the fake other than the bootstrap's own.
  size_t Requests() { return server_.aws().Requests().size(); }

  FakeAwsServer server_;
  TempDir dir_;
};

TEST_F(StacksTest, CommandsThatChangeAwsNeedAStackConfigAndNeverUseAPreset) {
  const std::vector<std::vector<std::string>> commands = {
      {"up", "--yes"}, {"destroy", "--yes"}, {"destroy", "--preview"}, {"rollback", "1", "--yes"},
      {"migrate"},     {"db", "bootstrap"},  {"unlock", "--yes"}};
  for (const auto& command : commands) {
    std::vector<std::string> args = {"--stack", "prod"};
    args.insert(args.end(), command.begin(), command.end());
    RexRun run = Rex(args);
    EXPECT_EQ(run.exit_code, 2) << command[0] << ": " << run.err;
    EXPECT_THAT(run.err, AllOf(HasSubstr("no stack config stacks/prod.yaml"),
                               HasSubstr("create it with \"rex init prod\"")))
        << command[0];
  }
  EXPECT_EQ(Requests(), 0u) << "a command reached AWS without a stack config";
  // The offline commands keep the built-in presets.
  for (const char* offline : {"synth", "cost", "check", "graph"}) {
    RexRun run = Rex({"--stack", "prod", offline});
    EXPECT_EQ(run.exit_code, 0) << offline << ": " << run.err;
  }
}

TEST_F(StacksTest, InitNamesAStackAndTakesAPreset) {
  RexRun qa = Rex({"init", "qa"});
  ASSERT_EQ(qa.exit_code, 0) << qa.err;
  EXPECT_THAT(dir_.Read("stacks/qa.yaml"), HasSubstr("environment: qa"));
  RexRun prod = Rex({"init", "--preset", "prod"});
  ASSERT_EQ(prod.exit_code, 0) << prod.err;
  EXPECT_THAT(dir_.Read("stacks/prod.yaml"), HasSubstr("environment: prod"));
  RexRun staging = Rex({"init", "qa2", "--preset", "staging"});
  ASSERT_EQ(staging.exit_code, 0) << staging.err;
  EXPECT_THAT(dir_.Read("stacks/qa2.yaml"),
              AllOf(HasSubstr("environment: qa2"), HasSubstr("staging preset")));
  RexRun by_flag = Rex({"--stack", "qa3", "init"});
  ASSERT_EQ(by_flag.exit_code, 0) << by_flag.err;
  EXPECT_TRUE(fs::exists(dir_.path() + "/stacks/qa3.yaml"));
  EXPECT_FALSE(fs::exists(dir_.path() + "/stacks/dev.yaml"));
  // Each is its own CloudFormation stack, and each loads.
  RexRun ls = Rex({"--json", "stack", "ls"});
  ASSERT_EQ(ls.exit_code, 0) << ls.err;
  auto json = base::ParseJson(ls.out, "stdout");
  ASSERT_TRUE(json.ok()) << ls.out;
  EXPECT_EQ((*json)["version"], 1);
  std::vector<std::string> names, stack_names;
  for (const auto& s : (*json)["stacks"]) {
    names.push_back(s["name"].get<std::string>());
    stack_names.push_back(s["stackName"].get<std::string>());
  }
  EXPECT_EQ(names, (std::vector<std::string>{"prod", "qa", "qa2", "qa3"}));
  EXPECT_EQ(stack_names, (std::vector<std::string>{"rex-backend-prod", "rex-backend-qa",
                                                   "rex-backend-qa2", "rex-backend-qa3"}));
  EXPECT_EQ((*json)["stacks"][2]["preset"], "staging");
  EXPECT_EQ(Rex({"--stack", "qa2", "check"}).exit_code, 0);
  // Never overwrites.
  RexRun again = Rex({"init", "qa"});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_THAT(again.err, HasSubstr("stacks/qa.yaml already exists"));
}

TEST_F(StacksTest, OneStackNameRuleForEveryCommand) {
  const std::string rule =
      "is not allowed: use 1 to 64 letters, digits and hyphens, starting with a letter";
  RexRun init = Rex({"init", "../../etc/x"});
  EXPECT_EQ(init.exit_code, 2);
  EXPECT_THAT(init.err, AllOf(HasSubstr("stack name \"../../etc/x\" " + rule),
                              Not(HasSubstr("rex init ../../etc/x"))));
  ASSERT_EQ(Rex({"init", "dev"}).exit_code, 0);
  RexRun set = Rex({"--stack", "../x", "config", "set", "region", "us-east-1"});
  EXPECT_EQ(set.exit_code, 2);
  EXPECT_THAT(set.err, HasSubstr("stack name \"../x\" " + rule));
  EXPECT_FALSE(fs::exists(dir_.path() + "/x.yaml"));
  RexRun env = Rex({"synth"}, {{"REX_STACK", "a/b"}});
  EXPECT_EQ(env.exit_code, 2);
  EXPECT_THAT(env.err,
              AllOf(HasSubstr("stack name \"a/b\" " + rule), HasSubstr("(from $REX_STACK)")));
  for (const char* bad : {"9lives", "a_b", "a.b", "x/y", "."}) {
    EXPECT_EQ(Rex({"--stack", bad, "synth"}).exit_code, 2) << bad;
  }
  std::string longest = "s" + std::string(63, 'a');
  EXPECT_EQ(Rex({"init", longest}).exit_code, 0);
  EXPECT_EQ(Rex({"init", longest + "a"}).exit_code, 2);
  EXPECT_EQ(Rex({"stack", "rm", "../dev", "--yes"}).exit_code, 2);
  EXPECT_TRUE(fs::exists(dir_.path() + "/stacks/dev.yaml"));
}

TEST_F(StacksTest, StackLsListsConfigs) {
  RexRun empty = Rex({"stack", "ls"});
  EXPECT_EQ(empty.exit_code, 0);
  EXPECT_THAT(empty.err,
              HasSubstr("no stack configs in stacks/; create one with \"rex init NAME\""));
  ASSERT_EQ(Rex({"init", "dev"}).exit_code, 0);
  ASSERT_EQ(Rex({"init", "qa", "--preset", "staging"}).exit_code, 0);
  RexRun ls = Rex({"stack", "ls"});
  ASSERT_EQ(ls.exit_code, 0) << ls.err;
  EXPECT_THAT(ls.out,
              AllOf(HasSubstr("STACK"), HasSubstr("rex-backend-dev"), HasSubstr("rex-backend-qa"),
                    HasSubstr("staging"), HasSubstr("stacks/qa.yaml"), HasSubstr("us-east-1")));
}

TEST_F(StacksTest, StackRmRefusesWhileTheStackExistsUnlessForced) {
  ASSERT_EQ(Rex({"init", "dev"}).exit_code, 0);
  RexRun up = Rex({"up", "--yes", "--skip-bootstrap"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  ASSERT_TRUE(server_.aws().HasStack("rex-backend-dev"));
  RexRun refused = Rex({"stack", "rm", "dev", "--yes"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, AllOf(HasSubstr("CloudFormation still holds stack rex-backend-dev"),
                                 HasSubstr("\"rex --stack dev destroy\" first")));
  EXPECT_TRUE(fs::exists(dir_.path() + "/stacks/dev.yaml"));
  // No terminal and no --yes: nothing removed.
  EXPECT_EQ(Rex({"stack", "rm", "dev", "--force"}).exit_code, 2);
  EXPECT_TRUE(fs::exists(dir_.path() + "/stacks/dev.yaml"));
  RexRun forced = Rex({"stack", "rm", "dev", "--force", "--yes"});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_FALSE(fs::exists(dir_.path() + "/stacks/dev.yaml"));
  EXPECT_TRUE(server_.aws().HasStack("rex-backend-dev"));  // AWS untouched
}

TEST_F(StacksTest, StackRmRemovesAConfigWhoseStackDoesNotExist) {
  ASSERT_EQ(Rex({"init", "qa"}).exit_code, 0);
  // An edit leaves the lock file it took beside the config; rm takes both away.
  ASSERT_EQ(Rex({"--stack", "qa", "config", "set", "natGateways", "1"}).exit_code, 0);
  ASSERT_TRUE(fs::exists(dir_.path() + "/stacks/.qa.yaml.lock"));
  RexRun rm = Rex({"stack", "rm", "qa", "--yes"});
  EXPECT_EQ(rm.exit_code, 0) << rm.err;
  EXPECT_FALSE(fs::exists(dir_.path() + "/stacks/qa.yaml"));
  EXPECT_FALSE(fs::exists(dir_.path() + "/stacks/.qa.yaml.lock"));
  RexRun missing = Rex({"stack", "rm", "qa", "--yes"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("no stack config stacks/qa.yaml"));
}

TEST_F(StacksTest, DestroyPreviewShowsTheDeletionAndChangesNothing) {
  ASSERT_EQ(Rex({"init", "dev"}).exit_code, 0);
  RexRun nothing = Rex({"destroy", "--preview"});
  EXPECT_EQ(nothing.exit_code, 0) << nothing.err;
  EXPECT_THAT(nothing.out, HasSubstr("does not exist"));
  ASSERT_EQ(Rex({"up", "--yes", "--skip-bootstrap"}).exit_code, 0);
  RexRun synth = Rex({"synth"});
  auto deployed = base::ParseJson(synth.out, "synth");
  ASSERT_TRUE(deployed.ok()) << synth.err;
  size_t resources = (*deployed)["Resources"].size();
  RexRun preview = Rex({"destroy", "--preview"});
  EXPECT_EQ(preview.exit_code, 0) << preview.err;
  EXPECT_THAT(preview.out, AllOf(HasSubstr("rex destroy would delete rex-backend-dev"),
                                 HasSubstr(std::to_string(resources) + " to delete")));
  RexRun json = Rex({"--json", "destroy", "--preview"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto plan = base::ParseJson(json.out, "stdout");
  ASSERT_TRUE(plan.ok()) << json.out;
  EXPECT_EQ((*plan)["summary"]["delete"], resources);
  EXPECT_EQ((*plan)["stackName"], "rex-backend-dev");
  EXPECT_EQ(server_.aws().StackStatus("rex-backend-dev"), "CREATE_COMPLETE");
  for (const std::string& request : server_.aws().Requests()) {
    EXPECT_THAT(request, Not(HasSubstr("DeleteStack")));
  }
}

TEST_F(StacksTest, UpIsStoppedByACheckErrorBeforeAnyAwsCall) {
  ASSERT_EQ(Rex({"init", "staging"}).exit_code, 0);
  ASSERT_EQ(Rex({"--stack", "staging", "config", "set", "dbDeletionProtection", "false"}).exit_code,
            0);
  RexRun up = Rex({"--stack", "staging", "up", "--yes"});
  EXPECT_EQ(up.exit_code, 1);
  EXPECT_THAT(up.err, AllOf(HasSubstr("aurora-deletion-protection"),
                            HasSubstr("rex up stopped before any AWS call")));
  EXPECT_EQ(Requests(), 0u);
  // Accepted with a reason in checks.suppress, it deploys.
  std::string config = dir_.Read("stacks/staging.yaml");
  size_t at = config.find("checks:\n  suppress: []\n");
  ASSERT_NE(at, std::string::npos) << config;
  config.replace(at, std::string("checks:\n  suppress: []\n").size(),
                 "checks:\n  suppress:\n"
                 "    - rule: aurora-deletion-protection\n"
                 "      reason: staging is rebuilt every week\n");
  dir_.Write("stacks/staging.yaml", config);
  // The staging template is over the inline limit: it goes through the bootstrap bucket.
  RexRun bootstrap = Rex({"bootstrap"});
  ASSERT_EQ(bootstrap.exit_code, 0) << bootstrap.err;
  RexRun allowed = Rex({"--stack", "staging", "up", "--yes", "--skip-bootstrap"});
  EXPECT_EQ(allowed.exit_code, 0) << allowed.err;
  EXPECT_EQ(server_.aws().StackStatus("rex-backend-staging"), "CREATE_COMPLETE");
}

TEST(CliWordsTest, RollbackZeroSaysTheRangePlainly) {
  TempDir dir;
  for (const char* n : {"0", "abc", "99999999999999999999"}) {
    RexRun run = RunRex({"rollback", n, "--yes"}, {.cwd = dir.path()});
    EXPECT_EQ(run.exit_code, 2) << n;
    EXPECT_THAT(run.err, HasSubstr("rollback N: \"" + std::string(n) +
                                   "\" is not a deploy record number: use 1 or more, as \"rex "
                                   "history\" lists them"))
        << n << ": " << run.err;
    EXPECT_LT(run.err.size(), 300u) << run.err;
  }
}

TEST(CliWordsTest, HelpAndVersionAreCommands) {
  TempDir dir;
  RexRun help = RunRex({"help"}, {.cwd = dir.path()});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_EQ(help.out, RunRex({"--help"}, {.cwd = dir.path()}).out);
  RexRun synth_help = RunRex({"help", "synth"}, {.cwd = dir.path()});
  EXPECT_EQ(synth_help.exit_code, 0);
  EXPECT_EQ(synth_help.out, RunRex({"synth", "--help"}, {.cwd = dir.path()}).out);
  RexRun version = RunRex({"version"}, {.cwd = dir.path()});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out, RunRex({"--version"}, {.cwd = dir.path()}).out);
  EXPECT_THAT(version.out, HasSubstr("rex "));
  RexRun unknown = RunRex({"help", "synt"}, {.cwd = dir.path()});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("unknown command \"synt\"; did you mean \"synth\"?"));
}

}  // namespace
}  // namespace rex::testing
