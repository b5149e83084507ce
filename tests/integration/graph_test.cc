// `rex graph` and `rex preview --graph` through the real binary, in temporary project folders
// (NO_COLOR=1, no AWS; the preview's baseline is a --template file). The SVG is parsed with
// expat to prove it is well-formed XML with an <svg> root.

#include <expat.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "base/files.h"
#include "base/json.h"
#include "support/run_rex.h"

namespace rex::testing {
namespace {

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

struct XmlFacts {
  std::string root;
  int elements = 0;
  int groups = 0;  // <g class="node"> and <g class="cluster">
};

void OnStart(void* data, const XML_Char* name, const XML_Char** attributes) {
  auto* facts = static_cast<XmlFacts*>(data);
  if (facts->root.empty()) facts->root = name;
  ++facts->elements;
  if (std::string(name) != "g") return;
  for (int i = 0; attributes[i] != nullptr; i += 2) {
    std::string key = attributes[i];
    std::string value = attributes[i + 1];
    if (key == "class" && (value == "node" || value == "cluster")) ++facts->groups;
  }
}

void OnEnd(void*, const XML_Char*) {}

// Parses `text`; returns the XML error, or "" when it is well-formed.
std::string ParseXml(const std::string& text, XmlFacts& facts) {
  XML_Parser parser = XML_ParserCreate(nullptr);
  XML_SetUserData(parser, &facts);
  XML_SetElementHandler(parser, OnStart, OnEnd);
  std::string error;
  if (XML_Parse(parser, text.data(), static_cast<int>(text.size()), 1) == XML_STATUS_ERROR) {
    error = std::string(XML_ErrorString(XML_GetErrorCode(parser))) + " at line " +
            std::to_string(XML_GetCurrentLineNumber(parser));
  }
  XML_ParserFree(parser);
  return error;
}

std::string Example() {
  auto text = base::ReadFile(std::string(REX_SOURCE_DIR) + "/examples/workloads.yaml");
  EXPECT_TRUE(text.ok()) << text.error().message();
  return text.ok() ? *text : std::string();
}

TEST(GraphIntegrationTest, DefaultSvgIsTheArchitectureWellFormedWithALegend) {
  TempDir dir;
  RexRun run = RunRex({"graph", "-o", "x.svg"}, {.cwd = dir.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(run.out.empty()) << run.out;
  std::string svg = dir.Read("x.svg");
  ASSERT_FALSE(svg.empty());
  XmlFacts facts;
  EXPECT_EQ(ParseXml(svg, facts), "");
  EXPECT_EQ(facts.root, "svg");
  EXPECT_GT(facts.groups, 8);  // components, the legend and the VPC frame
  for (const char* text : {">api</text>", ">supertokens</text>", ">worker</text>", ">ALB</text>",
                           ">Aurora PostgreSQL</text>", ">Redis</text>", ">internet</text>",
                           ">VPC 10.0.0.0/16</text>", ">legend</text>"}) {
    EXPECT_TRUE(Contains(svg, text)) << text;
  }
  EXPECT_FALSE(Contains(svg, "RouteTable")) << "resources are drawn only with --level resources";
}

TEST(GraphIntegrationTest, DefaultDotDrawsComponentsTrafficAndAccess) {
  TempDir dir;
  RexRun run = RunRex({"graph"}, {.cwd = dir.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out.rfind("digraph \"rex-backend-dev\" {\n", 0), 0u) << run.out;
  EXPECT_TRUE(Contains(run.out, "subgraph \"cluster_NetworkVpc\"")) << run.out;
  EXPECT_TRUE(Contains(run.out, "\"(internet)\" -> \"LoadBalancerAlb\"")) << run.out;
  EXPECT_TRUE(Contains(run.out, "\"LoadBalancerAlb\" -> \"ComputeApiService\"")) << run.out;
  EXPECT_TRUE(Contains(run.out, "\"ComputeWorkerService\" -> \"DatabaseCluster\"")) << run.out;
  EXPECT_TRUE(Contains(run.out, "\"(legend)\"")) << run.out;
  EXPECT_EQ(RunRex({"graph"}, {.cwd = dir.path()}).out, run.out) << "deterministic";
  EXPECT_EQ(RunRex({"graph", "--level", "architecture"}, {.cwd = dir.path()}).out, run.out);
}

TEST(GraphIntegrationTest, LevelResourcesDrawsEveryResourceOnStdoutAndInAFile) {
  TempDir dir;
  RexRun stdout_run = RunRex({"graph", "--level", "resources"}, {.cwd = dir.path()});
  ASSERT_EQ(stdout_run.exit_code, 0) << stdout_run.err;
  EXPECT_EQ(stdout_run.out.rfind("digraph \"rex-backend-dev\" {\n", 0), 0u) << stdout_run.out;
  EXPECT_TRUE(Contains(stdout_run.out, "subgraph \"cluster_Network\"")) << stdout_run.out;
  EXPECT_TRUE(Contains(stdout_run.out, "\"NetworkPublicRouteTable\" -> \"NetworkVpc\";"))
      << stdout_run.out;
  std::filesystem::create_directory(dir.path() + "/out");  // -o never creates folders
  RexRun file_run =
      RunRex({"graph", "--level", "resources", "-o", "out/graph.dot"}, {.cwd = dir.path()});
  ASSERT_EQ(file_run.exit_code, 0) << file_run.err;
  EXPECT_EQ(dir.Read("out/graph.dot"), stdout_run.out);
  RexRun again = RunRex({"graph", "--level", "resources"}, {.cwd = dir.path()});
  EXPECT_EQ(again.out, stdout_run.out) << "DOT output is deterministic";
}

TEST(GraphIntegrationTest, UnknownLevelIsBadUsage) {
  TempDir dir;
  RexRun run = RunRex({"graph", "--level", "boxes"}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(Contains(run.err, "--level")) << run.err;
  EXPECT_TRUE(run.out.empty()) << run.out;
}

TEST(GraphIntegrationTest, SubnetsFlagFramesTheTiersInsideTheVpc) {
  TempDir dir;
  RexRun run = RunRex({"graph", "--subnets", "-o", "tiers.svg"}, {.cwd = dir.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::string svg = dir.Read("tiers.svg");
  XmlFacts facts;
  EXPECT_EQ(ParseXml(svg, facts), "");
  EXPECT_TRUE(Contains(svg, ">public subnets</text>")) << svg.substr(0, 400);
  EXPECT_TRUE(Contains(svg, ">private subnets</text>")) << svg.substr(0, 400);
  RexRun plain = RunRex({"graph"}, {.cwd = dir.path()});
  EXPECT_FALSE(Contains(plain.out, "public subnets")) << "tiers only with --subnets";
  RexRun bad = RunRex({"graph", "--subnets", "--level", "resources"}, {.cwd = dir.path()});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(Contains(bad.err, "--subnets frames the architecture's components")) << bad.err;
  EXPECT_TRUE(bad.out.empty()) << bad.out;
}

TEST(GraphIntegrationTest, WorkloadsExampleGraphShowsItsJobsQueuesAndBuckets) {
  TempDir dir;
  dir.Write("stacks/dev.yaml", Example());
  RexRun run = RunRex({"graph"}, {.cwd = dir.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  for (const char* text :
       {"<b>notifier</b>", "<b>cleanup</b><br/><font point-size=\"8\">scheduled cron(",
        "<b>Tasks</b><br/><font point-size=\"8\">SQS queue + dead-letter queue",
        "<b>Uploads</b><br/><font point-size=\"8\">S3 bucket", "label=\"/notify/*\"",
        "label=\"send\"", "label=\"receive\"", "label=\"write\"", "label=\"read\""}) {
    EXPECT_TRUE(Contains(run.out, text)) << text << "\n" << run.out;
  }
}

TEST(GraphIntegrationTest, PreviewGraphColoursWhatThePlanCreatesChangesAndDeletes) {
  TempDir dir;
  // The baseline: the dev preset, plus a retained bucket the example does not have.
  RexRun synth = RunRex({"synth", "-o", "base.json"}, {.cwd = dir.path()});
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
  auto base = base::ParseJson(dir.Read("base.json"), "base.json");
  ASSERT_TRUE(base.ok());
  (*base)["Resources"]["OldArchive"] = {
      {"Type", "AWS::S3::Bucket"},
      {"DeletionPolicy", "Retain"},
      {"Metadata", {{"rex:path", "Rex/Buckets/Archive/Resource"}}}};
  dir.Write("base.json", base::DumpJson(*base));
  dir.Write("stacks/dev.yaml", Example());

  RexRun run =
      RunRex({"preview", "--template", "base.json", "--graph", "plan.svg"}, {.cwd = dir.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(Contains(run.out, "Preview of rex-backend-dev")) << "the plan is printed as usual";
  std::string svg = dir.Read("plan.svg");
  XmlFacts facts;
  EXPECT_EQ(ParseXml(svg, facts), "");
  EXPECT_EQ(facts.root, "svg");
  for (const char* text :
       {">+ notifier</text>", ">+ cleanup</text>", ">+ Tasks</text>", ">+ Uploads</text>",
        ">~ api</text>", ">&#45; Archive</text>", ">supertokens</text>", ">unchanged</text>",
        ">&#45;/+ replace</text>", "fill=\"#d8f5d8\"", "fill=\"#ffd9d6\""}) {
    EXPECT_TRUE(Contains(svg, text)) << text;
  }

  RexRun dot =
      RunRex({"preview", "--template", "base.json", "--graph", "plan.dot"}, {.cwd = dir.path()});
  ASSERT_EQ(dot.exit_code, 0) << dot.err;
  std::string text = dir.Read("plan.dot");
  EXPECT_TRUE(Contains(text, "label=<<b>+ Tasks</b>")) << text;
  EXPECT_TRUE(Contains(text, "label=<<b>- Archive</b>")) << text;
  EXPECT_TRUE(Contains(text, "label=<<b>supertokens</b>")) << text;
}

TEST(GraphIntegrationTest, PreviewGraphShowsAReplacementEvenWhenDataLossBlocksThePlan) {
  TempDir dir;
  RexRun synth = RunRex({"synth", "-o", "base.json"}, {.cwd = dir.path()});
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
  auto base = base::ParseJson(dir.Read("base.json"), "base.json");
  ASSERT_TRUE(base.ok());
  // Another cluster identifier in the deployed template: the database is replaced.
  (*base)["Resources"]["DatabaseCluster"]["Properties"]["DBClusterIdentifier"] = "old-db";
  dir.Write("base.json", base::DumpJson(*base));

  RexRun run =
      RunRex({"preview", "--template", "base.json", "--graph", "plan.dot"}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_TRUE(Contains(run.err, "this plan destroys the data of")) << run.err;
  std::string dot = dir.Read("plan.dot");
  EXPECT_TRUE(Contains(dot, "label=<<b>-/+ Aurora PostgreSQL</b>")) << dot;
  EXPECT_TRUE(Contains(dot, "fillcolor=\"#ffd9d6\", color=\"#c62828\", label=<<b>-/+ Aurora"))
      << dot;
  EXPECT_TRUE(Contains(dot, "label=<<b>ALB</b>")) << "an untouched component stays plain";
}

TEST(GraphIntegrationTest, PreviewGraphRefusesStdoutAndUnknownEndingsBeforeAnyWork) {
  TempDir dir;
  RexRun dash = RunRex({"preview", "--graph", "-"}, {.cwd = dir.path()});
  EXPECT_EQ(dash.exit_code, 2);
  EXPECT_TRUE(Contains(dash.err, "--graph - would mix the drawing with the plan")) << dash.err;
  EXPECT_TRUE(dash.out.empty()) << dash.out;
  RexRun png = RunRex({"preview", "--graph", "plan.png"}, {.cwd = dir.path()});
  EXPECT_EQ(png.exit_code, 2);
  EXPECT_TRUE(Contains(png.err, "cannot tell the format of \"plan.png\"")) << png.err;
  EXPECT_TRUE(png.out.empty()) << png.out;
  EXPECT_EQ(dir.Read("plan.png"), "");
}

TEST(GraphIntegrationTest, UnknownExtensionIsBadUsageAndWritesNothing) {
  TempDir dir;
  RexRun run = RunRex({"graph", "-o", "x.png"}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(Contains(run.err,
                       "error: cannot tell the format of \"x.png\": the output file "
                       "must end in .svg or .dot"))
      << run.err;
  EXPECT_EQ(dir.Read("x.png"), "");
}

}  // namespace
}  // namespace rex::testing
