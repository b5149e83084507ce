// The CLI as a user meets it: help, usage errors, init, config (with secrets), synth.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "base/files.h"
#include "base/json.h"
#include "base/strings.h"
#include "support/run_rex.h"

namespace rex::testing {
namespace {

constexpr const char* kPassphrase = "correct horse battery staple";
constexpr const char* kSecret = "Sup3r-Secret-Passw0rd-4711";

TEST(CliTest, HelpListsCommandsAndExitsZero) {
  RexRun run = RunRex({"--help"});
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.out.find("Usage: rex [global flags] <command> [flags]"), std::string::npos);
  for (const char* command : {"init", "config", "synth", "completion"}) {
    EXPECT_NE(run.out.find(std::string("  ") + command + " "), std::string::npos) << command;
  }
  RexRun synth_help = RunRex({"synth", "--help"});
  EXPECT_EQ(synth_help.exit_code, 0);
  EXPECT_NE(synth_help.out.find("--yaml"), std::string::npos);
  EXPECT_NE(synth_help.out.find("-o,--output"), std::string::npos);
}

TEST(CliTest, UnknownCommandSuggestsTheClosest) {
  RexRun run = RunRex({"synt"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err,
            "error: unknown command \"synt\"; did you mean \"synth\"?\n"
            "run 'rex --help' for usage\n");
  EXPECT_EQ(run.out, "");
}

TEST(CliTest, UnknownFlagIsUsageError) {
  RexRun run = RunRex({"synth", "--yml"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("--yml"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("run 'rex synth --help' for usage"), std::string::npos) << run.err;
}

TEST(CliTest, SynthOnAFreshDirectoryUsesTheDevPreset) {
  TempDir dir;
  RexRun run = RunRex({"synth"}, {.cwd = dir.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto tmpl = base::ParseJson(run.out, "stdout");
  ASSERT_TRUE(tmpl.has_value());
  EXPECT_EQ((*tmpl)["AWSTemplateFormatVersion"], "2010-09-09");
  EXPECT_NE(run.err.find("using the built-in dev preset"), std::string::npos) << run.err;
}

TEST(CliTest, SynthWritesFilesAtomicallyAndYaml) {
  TempDir dir;
  std::filesystem::create_directory(dir.path() + "/out");  // -o never creates folders
  RexRun run = RunRex({"synth", "--yaml", "-o", "out/template.yaml"}, {.cwd = dir.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "");
  std::string yaml = dir.Read("out/template.yaml");
  EXPECT_EQ(yaml.rfind("AWSTemplateFormatVersion: \"2010-09-09\"\n", 0), 0u) << yaml.substr(0, 80);
}

TEST(CliTest, SynthIsDeterministic) {
  TempDir dir;
  RexRun a = RunRex({"synth"}, {.cwd = dir.path()});
  RexRun b = RunRex({"synth"}, {.cwd = dir.path()});
  ASSERT_EQ(a.exit_code, 0);
  EXPECT_EQ(a.out, b.out);
}

TEST(CliTest, UnknownStackNamesTheFileAndTheStacksThatExist) {
  TempDir dir;
  ASSERT_EQ(RunRex({"init", "dev"}, {.cwd = dir.path()}).exit_code, 0);
  RexRun run = RunRex({"synth", "--stack", "deb"}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err,
            "error: no stack config stacks/deb.yaml; stacks: dev; did you mean --stack dev?; "
            "create it with \"rex init deb\"\n");
}

TEST(CliTest, InitWritesThePresetAndRefusesToOverwrite) {
  TempDir dir;
  RexRun first = RunRex({"init", "prod"}, {.cwd = dir.path()});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(dir.Read("stacks/prod.yaml").find("natGateways: 2"), std::string::npos);
  RexRun again = RunRex({"init", "prod"}, {.cwd = dir.path()});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_EQ(again.err,
            "error: stacks/prod.yaml already exists; edit it or change keys with \"rex --stack "
            "prod config set\"\n");
  RexRun bad = RunRex({"init", "qa", "--preset", "qa"}, {.cwd = dir.path()});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("qa"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/stacks/qa.yaml"));
}

TEST(CliTest, ConfigSetGetRoundTripWithValidation) {
  TempDir dir;
  ASSERT_EQ(RunRex({"init"}, {.cwd = dir.path()}).exit_code, 0);
  RexRun set = RunRex({"config", "set", "natGateways", "2"}, {.cwd = dir.path()});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  RexRun get = RunRex({"config", "get", "natGateways"}, {.cwd = dir.path()});
  EXPECT_EQ(get.exit_code, 0);
  EXPECT_EQ(get.out, "2\n");
  RexRun prefixed = RunRex({"config", "get", "rex-backend:natGateways"}, {.cwd = dir.path()});
  EXPECT_EQ(prefixed.out, "2\n");

  std::string before = dir.Read("stacks/dev.yaml");
  RexRun bad_value = RunRex({"config", "set", "natGateways", "3"}, {.cwd = dir.path()});
  EXPECT_EQ(bad_value.exit_code, 2);
  EXPECT_NE(bad_value.err.find("natGateways"), std::string::npos) << bad_value.err;
  RexRun bad_key = RunRex({"config", "set", "natGateway", "1"}, {.cwd = dir.path()});
  EXPECT_EQ(bad_key.exit_code, 2);
  EXPECT_NE(bad_key.err.find("did you mean \"natGateways\"?"), std::string::npos) << bad_key.err;
  EXPECT_EQ(dir.Read("stacks/dev.yaml"), before) << "a refused edit must leave the file alone";

  RexRun rm = RunRex({"config", "rm", "natGateways"}, {.cwd = dir.path()});
  EXPECT_EQ(rm.exit_code, 0) << rm.err;
  EXPECT_EQ(RunRex({"config", "get", "natGateways"}, {.cwd = dir.path()}).out, "1\n");
}

TEST(CliTest, SecretsAreEncryptedAndNeverPrinted) {
  TempDir dir;
  ASSERT_EQ(RunRex({"init"}, {.cwd = dir.path()}).exit_code, 0);
  RexOptions with_passphrase{.cwd = dir.path(), .env = {{"REX_CONFIG_PASSPHRASE", kPassphrase}}};
  with_passphrase.stdin_text = std::string(kSecret) + "\n";
  RexRun set = RunRex({"config", "set", "dbMasterPassword", "--secret"}, with_passphrase);
  ASSERT_EQ(set.exit_code, 0) << set.err;
  std::string file = dir.Read("stacks/dev.yaml");
  EXPECT_EQ(file.find(kSecret), std::string::npos);
  EXPECT_NE(file.find("secure: v2:"), std::string::npos);

  with_passphrase.stdin_text.clear();
  RexRun get = RunRex({"config", "get", "dbMasterPassword"}, with_passphrase);
  EXPECT_EQ(get.exit_code, 0);
  EXPECT_EQ(get.out, "[secret]\n");
  RexRun shown = RunRex({"config", "get", "dbMasterPassword", "--show-secrets"}, with_passphrase);
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_EQ(shown.out, std::string(kSecret) + "\n");

  RexRun list = RunRex({"config"}, with_passphrase);
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(list.out.find(kSecret), std::string::npos);

  RexRun synth = RunRex({"synth"}, with_passphrase);
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
  EXPECT_EQ(synth.out.find(kSecret), std::string::npos);
  EXPECT_EQ(synth.err.find(kSecret), std::string::npos);

  RexRun wrong = RunRex({"synth"}, {.cwd = dir.path(), .env = {{"REX_CONFIG_PASSPHRASE", "nope"}}});
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.err.find("dbMasterPassword"), std::string::npos) << wrong.err;
  EXPECT_EQ(wrong.err.find(kSecret), std::string::npos);
  EXPECT_EQ(wrong.out, "");

  // Without the passphrase the synth needs no plaintext (the secret is sealed: the same
  // template, NoEcho parameter included); a deploy does, and says so.
  RexRun sealed = RunRex({"synth"}, {.cwd = dir.path()});
  EXPECT_EQ(sealed.exit_code, 0) << sealed.err;
  EXPECT_EQ(sealed.out, synth.out);
  RexRun missing = RunRex({"up", "--yes"}, {.cwd = dir.path()});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("REX_CONFIG_PASSPHRASE"), std::string::npos) << missing.err;
}

// The config listing shows secrets as [secret] and never reads their values, so it needs no
// passphrase; a secret written in clear is still refused.
TEST(CliTest, TheConfigListingNeedsNoPassphrase) {
  TempDir dir;
  ASSERT_EQ(RunRex({"init"}, {.cwd = dir.path()}).exit_code, 0);
  RexOptions with_passphrase{.cwd = dir.path(), .env = {{"REX_CONFIG_PASSPHRASE", kPassphrase}}};
  with_passphrase.stdin_text = std::string(kSecret) + "\n";
  ASSERT_EQ(RunRex({"config", "set", "dbMasterPassword", "--secret"}, with_passphrase).exit_code,
            0);
  RexRun listing = RunRex({"config"}, {.cwd = dir.path()});
  EXPECT_EQ(listing.exit_code, 0) << listing.err;
  EXPECT_NE(listing.out.find("dbMasterPassword: [secret]"), std::string::npos) << listing.out;
  EXPECT_EQ(listing.out.find(kSecret), std::string::npos);
  { std::ofstream(dir.path() + "/stacks/dev.yaml", std::ios::app) << "githubToken: plain\n"; }
  RexRun plaintext = RunRex({"config"}, {.cwd = dir.path()});
  EXPECT_EQ(plaintext.exit_code, 2);
  EXPECT_NE(plaintext.err.find("plaintext secrets are not allowed"), std::string::npos)
      << plaintext.err;
}

TEST(CliTest, SecretOnTheCommandLineIsRefusedWithoutEchoingIt) {
  TempDir dir;
  ASSERT_EQ(RunRex({"init"}, {.cwd = dir.path()}).exit_code, 0);
  std::string before = dir.Read("stacks/dev.yaml");
  RexRun set = RunRex({"config", "set", "dbMasterPassword", kSecret, "--secret"},
                      {.cwd = dir.path(), .env = {{"REX_CONFIG_PASSPHRASE", kPassphrase}}});
  EXPECT_EQ(set.exit_code, 2);
  EXPECT_NE(set.err.find("takes the value on stdin, not on the command line"), std::string::npos)
      << set.err;
  EXPECT_EQ(set.err.find(kSecret), std::string::npos);
  EXPECT_EQ(set.out.find(kSecret), std::string::npos);
  EXPECT_EQ(dir.Read("stacks/dev.yaml"), before);
}

TEST(CliTest, ShortPassphraseIsRefusedWithTheMinimum) {
  TempDir dir;
  ASSERT_EQ(RunRex({"init"}, {.cwd = dir.path()}).exit_code, 0);
  RexOptions options{.cwd = dir.path(), .env = {{"REX_CONFIG_PASSPHRASE", "hunter2"}}};
  options.stdin_text = std::string(kSecret) + "\n";
  RexRun set = RunRex({"config", "set", "dbMasterPassword", "--secret"}, options);
  EXPECT_EQ(set.exit_code, 2);
  EXPECT_NE(set.err.find("REX_CONFIG_PASSPHRASE is 7 characters long; secrets need a passphrase "
                         "of at least 12 characters"),
            std::string::npos)
      << set.err;
  EXPECT_EQ(set.err.find(kSecret), std::string::npos);
}

TEST(CliTest, BadConfigFileIsExitTwoNamingKeyValueAndAllowed) {
  TempDir dir;
  dir.Write("stacks/dev.yaml", "vpcCidr: 10.0.0.0/8\nlogRetentionDays: 8\n");
  RexRun run = RunRex({"synth"}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("stacks/dev.yaml: vpcCidr"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("10.0.0.0/8"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("stacks/dev.yaml: logRetentionDays"), std::string::npos) << run.err;
  EXPECT_EQ(run.out, "");
}

TEST(CliTest, CompletionScripts) {
  RexRun bash = RunRex({"completion", "bash"});
  EXPECT_EQ(bash.exit_code, 0);
  EXPECT_NE(bash.out.find("complete -F _rex rex"), std::string::npos);
  EXPECT_NE(bash.out.find("synth)\n      flags=\"$flags --help -h --output -o --yaml"),
            std::string::npos)
      << bash.out;
  RexRun zsh = RunRex({"completion", "zsh"});
  EXPECT_EQ(zsh.exit_code, 0);
  EXPECT_NE(zsh.out.find("#compdef rex"), std::string::npos);
  RexRun fish = RunRex({"completion", "fish"});
  EXPECT_EQ(fish.exit_code, 2);
  EXPECT_EQ(fish.err, "error: no completion for shell \"fish\"; use bash or zsh\n");
}

// The candidates bash completion offers for `line` (its last word is the one completed), from
// the real binary's script run by bash in `dir`; `rex completion list` runs the same binary.
std::vector<std::string> BashComplete(const std::string& dir, const std::string& line) {
  std::string bin = RexBinary();
  std::string bin_dir = bin.substr(0, bin.rfind('/'));
  std::vector<std::string> words = base::Split(line, ' ');
  std::string array;  // the words contain no quotes
  for (const std::string& w : words) array += "\"" + w + "\" ";
  std::string command = "cd '" + dir + "' && PATH='" + bin_dir +
                        "':/usr/bin:/bin bash -c 'source ./rex.bash; COMP_WORDS=(" + array +
                        "); COMP_CWORD=" + std::to_string(words.size() - 1) +
                        "; _rex; printf \"%s\\n\" \"${COMPREPLY[@]}\"' 2>&1";
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return {};
  char buffer[4096];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  ::pclose(pipe);
  std::vector<std::string> candidates;
  for (const std::string& c : base::Split(out, '\n')) {
    if (!c.empty()) candidates.push_back(c);
  }
  return candidates;
}

TEST(CliTest, BashCompletionOffersVerbsKeysPresetsStacksWorkloadsAndFiles) {
  TempDir dir;
  ASSERT_EQ(RunRex({"init", "dev"}, {.cwd = dir.path()}).exit_code, 0);
  ASSERT_EQ(RunRex({"init", "qa", "--preset", "staging"}, {.cwd = dir.path()}).exit_code, 0);
  {
    std::ofstream dev(dir.path() + "/stacks/dev.yaml");
    dev << "services:\n  notifier: {port: 8081, path: /notify/*}\n";
  }
  { std::ofstream(dir.path() + "/old.yaml") << "{}"; }
  RexRun script = RunRex({"completion", "bash"});
  ASSERT_EQ(script.exit_code, 0);
  { std::ofstream(dir.path() + "/rex.bash") << script.out; }
  using ::testing::Contains;
  using ::testing::ElementsAre;
  using ::testing::Not;
  EXPECT_THAT(BashComplete(dir.path(), "rex con"), Contains("config"));
  EXPECT_THAT(BashComplete(dir.path(), "rex config "),
              ElementsAre("get", "set", "rm", "change-secrets-provider"));
  EXPECT_THAT(BashComplete(dir.path(), "rex config get services.api.c"),
              ElementsAre("services.api.cpu"));
  EXPECT_THAT(BashComplete(dir.path(), "rex init "), ElementsAre("dev", "staging", "prod"));
  EXPECT_THAT(BashComplete(dir.path(), "rex --stack "), ElementsAre("dev", "qa"));
  EXPECT_THAT(BashComplete(dir.path(), "rex stack "), ElementsAre("ls", "rm"));
  EXPECT_THAT(BashComplete(dir.path(), "rex stack rm q"), ElementsAre("qa"));
  std::vector<std::string> logs = BashComplete(dir.path(), "rex logs ");
  EXPECT_THAT(logs, Contains("notifier"));
  EXPECT_THAT(logs, Contains("api"));
  EXPECT_THAT(logs, Contains("migration"));
  EXPECT_THAT(BashComplete(dir.path(), "rex redeploy n"), ElementsAre("notifier"));
  EXPECT_THAT(BashComplete(dir.path(), "rex preview --template ol"), ElementsAre("old.yaml"));
  // Hidden flags stay hidden.
  std::vector<std::string> synth = BashComplete(dir.path(), "rex synth --");
  EXPECT_THAT(synth, Contains("--yaml"));
  EXPECT_THAT(synth, Not(Contains("--synthetic")));
  EXPECT_THAT(synth, Not(Contains("--unsplit")));
}

TEST(CliTest, ZshCompletionKeepsApostrophesInSummaries) {
  RexRun zsh = RunRex({"completion", "zsh"});
  ASSERT_EQ(zsh.exit_code, 0);
  // "database tasks: 'rex db bootstrap' ..." inside single quotes: ' is written '\''.
  EXPECT_NE(zsh.out.find("'db:database tasks: '\\''rex db bootstrap'\\'' creates"),
            std::string::npos)
      << zsh.out;
  EXPECT_EQ(zsh.out.find("--synthetic"), std::string::npos);
}

// A stack over 500 resources: the preview names the nested stacks `rex synth -o` writes (from
// the split's summary, without building the children), and `--template` reads a baseline over
// the 4 MiB bound of templates CloudFormation holds.
TEST(CliTest, PreviewOfALargeStackNamesItsNestedStacksAndReadsABigBaseline) {
  TempDir dir;
  RexRun base =
      RunRex({"synth", "--synthetic", "6000", "--unsplit", "-o", "base.json"}, {.cwd = dir.path()});
  ASSERT_EQ(base.exit_code, 0) << base.err;
  ASSERT_GT(std::filesystem::file_size(std::filesystem::path(dir.path()) / "base.json"),
            size_t{4} * 1024 * 1024);
  RexRun synth =
      RunRex({"synth", "--synthetic", "6000", "-o", "template.json"}, {.cwd = dir.path()});
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
  std::set<std::string> written;
  const std::string suffix = ".nested.template.json";
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    std::string name = entry.path().filename().string();
    if (name.size() > suffix.size() && name.ends_with(suffix)) {
      written.insert(name.substr(0, name.size() - suffix.size()));
    }
  }
  ASSERT_GT(written.size(), 1u);

  RexRun preview =
      RunRex({"preview", "--synthetic", "6000", "--template", "base.json", "--offline", "--json"},
             {.cwd = dir.path()});
  ASSERT_EQ(preview.exit_code, 0) << preview.err;
  auto out = base::ParseJson(preview.out, "stdout");
  ASSERT_TRUE(out.has_value()) << preview.out;
  EXPECT_EQ((*out)["baselineSource"], "template-file");
  const base::Json& nested = (*out)["nestedStacks"];
  EXPECT_EQ(nested["count"], written.size());
  std::set<std::string> named;
  size_t resources = 0;
  for (const base::Json& stack : nested["stacks"]) {
    named.insert(stack["name"].get<std::string>());
    resources += stack["resources"].get<size_t>();
  }
  EXPECT_EQ(named, written);
  auto unsplit = base::ParseJson(base::ReadFile(dir.path() + "/base.json").value(), "base.json");
  ASSERT_TRUE(unsplit.has_value());
  EXPECT_EQ(resources, (*unsplit)["Resources"].size());  // the same stack: every resource
}

}  // namespace
}  // namespace rex::testing
