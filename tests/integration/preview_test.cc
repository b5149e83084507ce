// `rex preview` through the real binary, in temporary project folders (NO_COLOR=1, no AWS).

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "base/json.h"
#include "support/run_rex.h"

namespace rex::testing {
namespace {

using base::Json;

constexpr const char* kDeployed = ".rex/dev/deployed.template.json";

// The lines of `text` that start with `prefix` (after the two-space indent of resource lines).
std::vector<std::string> LinesStartingWith(const std::string& text, const std::string& prefix) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) == 0) out.push_back(line);
  }
  return out;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// `text` with its lines joined by spaces: output wraps at 100 columns.
std::string OneLine(std::string text) {
  for (char& c : text) c = c == '\n' ? ' ' : c;
  return text;
}

// Records the template the current config synthesizes as the deployed one, like `rex up`
// does after a successful deploy.
void RecordDeploy(const TempDir& dir) {
  std::filesystem::create_directories(dir.path() + "/.rex/dev");  // -o never creates folders
  RexRun synth = RunRex({"synth", "-o", kDeployed}, {.cwd = dir.path()});
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
}

Json ReadDeployed(const TempDir& dir) { return ParseOrFail(dir.Read(kDeployed)); }

void WriteDeployed(const TempDir& dir, const Json& tmpl) {
  dir.Write(kDeployed, base::DumpJson(tmpl));
}

TEST(PreviewTest, FreshProjectCreatesEverything) {
  TempDir dir;
  RexRun run = RunRex({"preview"}, {.cwd = dir.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(Contains(OneLine(run.out),
                       "nothing deployed as far as this folder knows (no "
                       ".rex/dev/deployed.template.json; not checked with AWS), every resource "
                       "is created"))
      << run.out;
  EXPECT_TRUE(Contains(run.out, "  +   AWS::EC2::VPC")) << run.out;
  EXPECT_TRUE(LinesStartingWith(run.out, "  ~").empty()) << run.out;
  EXPECT_TRUE(LinesStartingWith(run.out, "  -").empty()) << run.out;
  EXPECT_FALSE(Contains(run.out, "DATA LOSS"));
  EXPECT_EQ(run.out.find('\x1b'), std::string::npos) << "no colour under NO_COLOR";

  RexRun json = RunRex({"preview", "--json"}, {.cwd = dir.path()});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  Json plan = ParseOrFail(json.out);
  EXPECT_EQ(plan["version"], 1);
  EXPECT_EQ(plan["nothingDeployed"], true);
  EXPECT_EQ(plan["baseline"], nullptr);
  EXPECT_EQ(plan["stack"], "dev");
  EXPECT_EQ(plan["stackName"], "rex-backend-dev");
  size_t resources = plan["resources"].size();
  EXPECT_GT(resources, 10u);
  EXPECT_EQ(plan["summary"]["create"], resources);
  for (const Json& r : plan["resources"]) EXPECT_EQ(r["action"], "create") << r["logicalId"];
  // The summary line counts the same creates.
  EXPECT_TRUE(Contains(run.out, "Plan: " + std::to_string(resources) + " to create, 0 unchanged"))
      << run.out;
}

TEST(PreviewTest, NoChangesAfterADeploy) {
  TempDir dir;
  RecordDeploy(dir);
  RexRun run = RunRex({"preview"}, {.cwd = dir.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  // Offline, the copy rex up left is the baseline, labelled as a cache.
  EXPECT_TRUE(Contains(run.out, "against the copy of ")) << run.out;
  EXPECT_TRUE(Contains(run.out, " UTC in .rex/dev/deployed.template.json, not checked with AWS"))
      << run.out;
  EXPECT_TRUE(Contains(run.out, "No changes: ")) << run.out;
  EXPECT_TRUE(LinesStartingWith(run.out, "  +").empty()) << run.out;

  RexRun verbose = RunRex({"preview", "-v"}, {.cwd = dir.path()});
  ASSERT_EQ(verbose.exit_code, 0) << verbose.err;
  EXPECT_TRUE(Contains(verbose.out, "AWS::EC2::VPC")) << "-v lists unchanged resources";
  EXPECT_TRUE(Contains(verbose.out, "Vpc (NetworkVpc)")) << verbose.out;

  RexRun json = RunRex({"preview", "--json"}, {.cwd = dir.path()});
  Json plan = ParseOrFail(json.out);
  EXPECT_EQ(plan["hasChanges"], false);
  EXPECT_EQ(plan["baselineSource"], "cache");
  EXPECT_TRUE(Contains(plan["baseline"].get<std::string>(), kDeployed)) << plan["baseline"];
}

TEST(PreviewTest, SecondNatGatewayIsCreatedAndItsRouteUpdated) {
  TempDir dir;
  dir.Write("stacks/dev.yaml", "environment: dev\nnatGateways: 1\n");
  RecordDeploy(dir);
  dir.Write("stacks/dev.yaml", "environment: dev\nnatGateways: 2\n");
  RexRun run = RunRex({"preview"}, {.cwd = dir.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(Contains(OneLine(run.out), "(stacks/dev.yaml) against the copy of ")) << run.out;
  std::vector<std::string> creates = LinesStartingWith(run.out, "  +");
  ASSERT_EQ(creates.size(), 2u) << run.out;
  EXPECT_TRUE(Contains(creates[0], "AWS::EC2::EIP") && Contains(creates[0], "Network/NatEip2"))
      << creates[0];
  EXPECT_TRUE(Contains(creates[1], "AWS::EC2::NatGateway") &&
              Contains(creates[1], "Network/NatGateway2"))
      << creates[1];
  std::vector<std::string> updates = LinesStartingWith(run.out, "  ~");
  ASSERT_EQ(updates.size(), 1u) << run.out;
  EXPECT_TRUE(Contains(updates[0], "AWS::EC2::Route") &&
              Contains(updates[0], "Network/PrivateSubnet2DefaultRoute"))
      << updates[0];
  EXPECT_TRUE(Contains(run.out,
                       "~ NatGatewayId: !Ref NetworkNatGateway1 → !Ref "
                       "NetworkNatGateway2  (reference changed)"))
      << run.out;
  EXPECT_TRUE(Contains(run.out, "Network\n")) << "grouped by component: " << run.out;
  EXPECT_TRUE(Contains(run.out, "Plan: 2 to create, 1 to update, ")) << run.out;
}

TEST(PreviewTest, FewerNatGatewaysDeletesOne) {
  TempDir dir;
  dir.Write("stacks/dev.yaml", "environment: dev\nnatGateways: 2\n");
  RecordDeploy(dir);
  dir.Write("stacks/dev.yaml", "environment: dev\nnatGateways: 1\n");
  RexRun run = RunRex({"preview"}, {.cwd = dir.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;  // nothing stateful is deleted
  std::vector<std::string> deletes = LinesStartingWith(run.out, "  -  ");
  ASSERT_EQ(deletes.size(), 2u) << run.out;
  EXPECT_TRUE(Contains(deletes[0], "Network/NatEip2")) << deletes[0];
  EXPECT_TRUE(Contains(deletes[1], "Network/NatGateway2")) << deletes[1];
  EXPECT_TRUE(Contains(run.out, "2 to delete")) << run.out;
  EXPECT_FALSE(Contains(run.out, "DATA LOSS")) << run.out;
}

// The stateful resource to replace: the Aurora cluster once the stack has one, else the VPC
// flow-log group (enableFlowLogs). Returns its logical id and the property to change.
struct Stateful {
  std::string logical_id;
  std::string property;
  std::string type;
};

Stateful FindStateful(const Json& tmpl) {
  for (const auto& [type, property] : std::vector<std::pair<std::string, std::string>>{
           {"AWS::RDS::DBCluster", "DBClusterIdentifier"},
           {"AWS::Logs::LogGroup", "LogGroupName"}}) {
    for (auto it = tmpl["Resources"].begin(); it != tmpl["Resources"].end(); ++it) {
      if (it.value()["Type"] == type) return {it.key(), property, type};
    }
  }
  return {};
}

TEST(PreviewTest, ReplacingAStatefulResourceIsDataLoss) {
  TempDir dir;
  dir.Write("stacks/dev.yaml", "environment: dev\nenableFlowLogs: true\n");
  RecordDeploy(dir);
  Json deployed = ReadDeployed(dir);
  Stateful target = FindStateful(deployed);
  ASSERT_FALSE(target.logical_id.empty()) << "no stateful resource in the template";
  // As if it had been deployed under another name: the name is replace-on-change.
  deployed["Resources"][target.logical_id]["Properties"][target.property] = "old-name-0";
  WriteDeployed(dir, deployed);

  RexRun run = RunRex({"preview"}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  // Its dependents may be replaced too (propagation); find its own line.
  std::string line;
  for (const std::string& l : LinesStartingWith(run.out, "  -/+")) {
    if (Contains(l, target.type)) line = l;
  }
  ASSERT_FALSE(line.empty()) << run.out;
  // The annotation follows the name, or goes on the line below when the line would pass 100
  // columns.
  size_t at = run.out.find(line + "\n");
  ASSERT_NE(at, std::string::npos);
  size_t next = at + line.size() + 1;
  std::string below = run.out.substr(next, run.out.find('\n', next) - next);
  if (below.rfind("        ", 0) == 0 && !Contains(below, ": ")) line += below;
  EXPECT_TRUE(Contains(line, "REPLACE (" + target.property + " changed)")) << line;
  EXPECT_TRUE(Contains(line, "DATA LOSS")) << line;
  EXPECT_TRUE(Contains(run.out, "~ " + target.property + ": \"old-name-0\" → ")) << run.out;
  EXPECT_TRUE(Contains(run.out, "(replaces)")) << run.out;
  EXPECT_TRUE(Contains(run.out, "\nDATA LOSS: ")) << run.out;
  EXPECT_TRUE(Contains(run.err, "error: this plan destroys the data of ")) << run.err;
  EXPECT_TRUE(Contains(run.err, "rerun with --allow-data-loss")) << run.err;

  RexRun allowed = RunRex({"preview", "--allow-data-loss"}, {.cwd = dir.path()});
  EXPECT_EQ(allowed.exit_code, 0) << allowed.err;
  EXPECT_TRUE(Contains(allowed.out, "DATA LOSS")) << allowed.out;
  EXPECT_TRUE(Contains(allowed.err, "warning: data loss allowed by --allow-data-loss"))
      << allowed.err;

  RexRun json = RunRex({"preview", "--json"}, {.cwd = dir.path()});
  EXPECT_EQ(json.exit_code, 1);
  Json plan = ParseOrFail(json.out);
  EXPECT_EQ(plan["dataLoss"], true);
  EXPECT_EQ(plan["blocked"], true);
  EXPECT_GE(plan["summary"]["dataLoss"].get<int>(), 1);
  bool found = false;
  for (const Json& r : plan["resources"]) {
    if (r["logicalId"] != target.logical_id) continue;
    found = true;
    EXPECT_EQ(r["action"], "replace");
    EXPECT_EQ(r["dataLoss"], true);
    EXPECT_EQ(r["causes"], Json::array({target.property}));
  }
  EXPECT_TRUE(found);
}

TEST(PreviewTest, DeletingAStatefulResourceIsDataLoss) {
  TempDir dir;
  RecordDeploy(dir);
  Json deployed = ReadDeployed(dir);
  deployed["Resources"]["LegacyBucket"] = {{"Type", "AWS::S3::Bucket"},
                                           {"Properties", {{"BucketName", "rex-legacy"}}},
                                           {"Metadata", {{"rex:path", "Rex/Legacy/Bucket"}}}};
  WriteDeployed(dir, deployed);
  RexRun run = RunRex({"preview"}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  std::vector<std::string> deletes = LinesStartingWith(run.out, "  -  ");
  ASSERT_EQ(deletes.size(), 1u) << run.out;
  EXPECT_TRUE(Contains(deletes[0], "AWS::S3::Bucket") && Contains(deletes[0], "Legacy/Bucket") &&
              Contains(deletes[0], "DATA LOSS"))
      << deletes[0];
  EXPECT_TRUE(Contains(run.out, "Legacy\n")) << run.out;

  // Retained on delete: nothing is destroyed.
  deployed["Resources"]["LegacyBucket"]["DeletionPolicy"] = "Retain";
  WriteDeployed(dir, deployed);
  RexRun retained = RunRex({"preview"}, {.cwd = dir.path()});
  EXPECT_EQ(retained.exit_code, 0) << retained.err;
  EXPECT_TRUE(Contains(retained.out, "retained (DeletionPolicy Retain)")) << retained.out;
}

TEST(PreviewTest, ExplicitTemplateFile) {
  TempDir dir;
  RexRun synth = RunRex({"synth", "-o", "previous.json"}, {.cwd = dir.path()});
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
  RexRun run = RunRex({"preview", "--template", "previous.json"}, {.cwd = dir.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(Contains(run.out, "against previous.json")) << run.out;
  EXPECT_TRUE(Contains(run.out, "No changes: ")) << run.out;

  RexRun missing = RunRex({"preview", "--template", "nope.json"}, {.cwd = dir.path()});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_TRUE(Contains(missing.err, "error: --template nope.json: no such file")) << missing.err;

  dir.Write("bad.json", "{\"Resources\": {\"A\": {\"Type\": 7}}}");
  RexRun bad = RunRex({"preview", "--template", "bad.json"}, {.cwd = dir.path()});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(Contains(
      bad.err, "error: bad.json: Resources.A.Type: must be a non-empty string; got a number"))
      << bad.err;
}

// What `rex synth --yaml` writes is a template `rex preview --template` reads: the same plan
// as its JSON twin.
TEST(PreviewTest, YamlTemplateFileFromSynthYaml) {
  TempDir dir;
  dir.Write("stacks/dev.yaml", "environment: dev\nnatGateways: 1\n");
  RexRun synth = RunRex({"synth", "--yaml", "-o", "previous.yaml"}, {.cwd = dir.path()});
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
  ASSERT_NE(dir.Read("previous.yaml").rfind("{", 0), 0u) << "YAML, not JSON";
  RexRun same = RunRex({"preview", "--template", "previous.yaml"}, {.cwd = dir.path()});
  ASSERT_EQ(same.exit_code, 0) << same.err;
  EXPECT_TRUE(Contains(same.out, "against previous.yaml")) << same.out;
  EXPECT_TRUE(Contains(same.out, "No changes: ")) << same.out;

  RexRun json_twin = RunRex({"synth", "-o", "previous.json"}, {.cwd = dir.path()});
  ASSERT_EQ(json_twin.exit_code, 0) << json_twin.err;

  dir.Write("stacks/dev.yaml", "environment: dev\nnatGateways: 2\n");
  RexRun changed = RunRex({"preview", "--template", "previous.yaml"}, {.cwd = dir.path()});
  ASSERT_EQ(changed.exit_code, 0) << changed.err;
  EXPECT_TRUE(Contains(changed.out, "Plan: 2 to create, 1 to update, ")) << changed.out;
  RexRun from_json =
      RunRex({"preview", "--template", "previous.json", "--json"}, {.cwd = dir.path()});
  RexRun from_yaml =
      RunRex({"preview", "--template", "previous.yaml", "--json"}, {.cwd = dir.path()});
  ASSERT_EQ(from_json.exit_code, 0) << from_json.err;
  ASSERT_EQ(from_yaml.exit_code, 0) << from_yaml.err;
  Json plan_json = ParseOrFail(from_json.out);
  Json plan_yaml = ParseOrFail(from_yaml.out);
  EXPECT_EQ(plan_json["resources"], plan_yaml["resources"]);
  EXPECT_EQ(plan_json["summary"], plan_yaml["summary"]);
  EXPECT_EQ(plan_yaml["summary"]["create"], 2);

  dir.Write("bad.yaml", "Resources:\n  A:\n    Type: !Reff X\n");
  RexRun bad = RunRex({"preview", "--template", "bad.yaml"}, {.cwd = dir.path()});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(Contains(bad.err, "error: bad.yaml: line 3: unknown tag !Reff; ")) << bad.err;
}

TEST(PreviewTest, BrokenStateFileIsBadInput) {
  TempDir dir;
  dir.Write(kDeployed, "{\"Resources\": ");
  RexRun run = RunRex({"preview"}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(Contains(run.err, "error: .rex/dev/deployed.template.json is not valid JSON"))
      << run.err;
  EXPECT_EQ(run.out, "");
}

}  // namespace
}  // namespace rex::testing
