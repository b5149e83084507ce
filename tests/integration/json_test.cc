// --json through the real rex binary (docs/json.md): every command that has a JSON document
// prints one that parses, carries the top-level "version" and names its fields in camelCase;
// commands whose output is a format of their own refuse --json (exit 2) instead of printing
// text. Offline commands in a temporary folder; the AWS ones against the fake endpoint.

#include "base/json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "support/fake_aws_server.h"
#include "support/run_rex.h"

namespace rex::testing {
namespace {

using ::testing::HasSubstr;

constexpr int kJsonVersion = 1;

// Field names with "_" or "-" (snake_case, kebab-case), with their path. `data_keys`: objects
// whose keys are data (output names, component names), not field names.
void SnakeCaseKeys(const base::Json& json, const std::string& path,
                   const std::vector<std::string>& data_keys, std::vector<std::string>* found) {
  if (json.is_array()) {
    for (size_t i = 0; i < json.size(); ++i) {
      SnakeCaseKeys(json[i], path + "[" + std::to_string(i) + "]", data_keys, found);
    }
    return;
  }
  if (!json.is_object()) return;
  bool data = false;
  for (const std::string& d : data_keys) {
    if (path.size() >= d.size() && path.compare(path.size() - d.size(), d.size(), d) == 0) {
      data = true;
    }
  }
  for (const auto& [key, value] : json.items()) {
    if (!data && key.find_first_of("_-") != std::string::npos) found->push_back(path + "." + key);
    SnakeCaseKeys(value, path + "." + key, data_keys, found);
  }
}

// Parses `run.out` as one JSON document with version 1 and camelCase field names. With
// REX_JSON_EXAMPLES=DIR set, each document is also written to DIR/<what>.json: the examples of
// docs/json.md come from there.
void ExpectJsonDocument(const RexRun& run, const std::string& what,
                        const std::vector<std::string>& data_keys = {}) {
  SCOPED_TRACE(what);
  if (const char* dir = std::getenv("REX_JSON_EXAMPLES"); dir != nullptr && *dir != '\0') {
    std::string name = what;
    for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    std::ofstream(std::string(dir) + "/" + name + ".json") << run.out;
  }
  auto parsed = base::ParseJson(run.out, what);
  ASSERT_TRUE(parsed.has_value()) << run.out.substr(0, 300) << "\n" << run.err;
  ASSERT_TRUE(parsed->is_object()) << run.out.substr(0, 300);
  ASSERT_TRUE(parsed->contains("version")) << run.out.substr(0, 300);
  EXPECT_EQ((*parsed)["version"], kJsonVersion);
  std::vector<std::string> snake;
  SnakeCaseKeys(*parsed, "", data_keys, &snake);
  EXPECT_TRUE(snake.empty()) << ::testing::PrintToString(snake);
}

TEST(JsonTest, OfflineCommandsPrintVersionedCamelCaseDocuments) {
  TempDir dir;
  auto rex = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "--json");
    return RunRex(args, {.cwd = dir.path()});
  };
  ASSERT_EQ(RunRex({"init", "dev"}, {.cwd = dir.path()}).exit_code, 0);
  RexRun cost = rex({"cost"});
  ASSERT_EQ(cost.exit_code, 0) << cost.err;
  ExpectJsonDocument(cost, "rex cost", {".byComponent"});
  auto report = base::ParseJson(cost.out, "cost");
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE((*report)["items"][0].contains("logicalId"));
  EXPECT_TRUE((*report)["items"][0].contains("unitPrice"));
  EXPECT_TRUE(report->contains("pricingAsOf"));

  RexRun check = rex({"check"});
  ExpectJsonDocument(check, "rex check");
  auto findings = base::ParseJson(check.out, "check");
  ASSERT_TRUE(findings.has_value());
  for (const base::Json& f : (*findings)["findings"]) EXPECT_TRUE(f.contains("logicalId"));
  ExpectJsonDocument(rex({"check", "--rules"}), "rex check --rules");

  RexRun preview = rex({"preview"});
  ASSERT_EQ(preview.exit_code, 0) << preview.err;
  ExpectJsonDocument(preview, "rex preview");
  RexRun stacks = rex({"stack", "ls"});
  ASSERT_EQ(stacks.exit_code, 0) << stacks.err;
  ExpectJsonDocument(stacks, "rex stack ls");
}

TEST(JsonTest, CommandsWithoutAJsonDocumentRefuseJson) {
  TempDir dir;
  ASSERT_EQ(RunRex({"init", "dev"}, {.cwd = dir.path()}).exit_code, 0);
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--json", "synth"},
           {"graph", "--json"},
           {"--json", "init", "other"},
           {"--json", "completion", "bash"},
       }) {
    RexRun run = RunRex(args, {.cwd = dir.path()});
    EXPECT_EQ(run.exit_code, 2) << ::testing::PrintToString(args) << run.out;
    EXPECT_THAT(run.err, HasSubstr("has no --json output")) << ::testing::PrintToString(args);
    EXPECT_EQ(run.out, "") << ::testing::PrintToString(args);
  }
  // Nothing was written by the refused init.
  EXPECT_EQ(dir.Read("stacks/other.yaml"), "");
}

class JsonAwsTest : public ::testing::Test {
 protected:
  RexRun Rex(std::vector<std::string> args) {
    args.insert(args.begin(), {"--endpoint-url", server_.url(), "--json"});
    return RunRex(args, {.cwd = dir_.path(), .env = server_.RexEnv("json passphrase")});
  }

  FakeAwsServer server_;
  TempDir dir_;
};

TEST_F(JsonAwsTest, DeployAndDay2CommandsPrintVersionedCamelCaseDocuments) {
  ASSERT_EQ(RunRex({"init", "dev"}, {.cwd = dir_.path()}).exit_code, 0);
  RexRun bootstrap = Rex({"bootstrap"});
  ASSERT_EQ(bootstrap.exit_code, 0) << bootstrap.err;
  ExpectJsonDocument(bootstrap, "rex bootstrap");

  RexRun destroy_preview = Rex({"destroy", "--preview"});
  ASSERT_EQ(destroy_preview.exit_code, 0) << destroy_preview.err;
  ExpectJsonDocument(destroy_preview, "rex destroy --preview (nothing deployed)");

  RexRun up = Rex({"up", "--yes"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  ExpectJsonDocument(up, "rex up", {".outputs"});

  RexRun outputs = Rex({"outputs"});
  ASSERT_EQ(outputs.exit_code, 0) << outputs.err;
  ExpectJsonDocument(outputs, "rex outputs", {".outputs"});
  auto all = base::ParseJson(outputs.out, "outputs");
  ASSERT_TRUE(all.has_value());
  ASSERT_TRUE((*all)["outputs"].is_object());
  ASSERT_FALSE((*all)["outputs"].empty());
  std::string key = (*all)["outputs"].begin().key();
  RexRun one = Rex({"outputs", key});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  ExpectJsonDocument(one, "rex outputs NAME", {".outputs"});
  auto single = base::ParseJson(one.out, "outputs NAME");
  ASSERT_TRUE(single.has_value());
  EXPECT_EQ((*single)["outputs"][key], (*all)["outputs"][key]);

  RexRun history = Rex({"history"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  ExpectJsonDocument(history, "rex history", {".parameters"});
  auto records = base::ParseJson(history.out, "history");
  ASSERT_TRUE(records.has_value());
  ASSERT_EQ((*records)["records"].size(), 1u);
  EXPECT_EQ((*records)["records"][0]["operation"], "up");

  RexRun preview = Rex({"preview"});
  ASSERT_EQ(preview.exit_code, 0) << preview.err;
  ExpectJsonDocument(preview, "rex preview (deployed)");
  RexRun destroy = Rex({"destroy", "--preview"});
  ASSERT_EQ(destroy.exit_code, 0) << destroy.err;
  ExpectJsonDocument(destroy, "rex destroy --preview");
}

}  // namespace
}  // namespace rex::testing
