// `rex graph` through the real binary, in temporary project folders (NO_COLOR=1, no AWS). The
// SVG is parsed with expat to prove it is well-formed XML with an <svg> root.

#include <expat.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

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

TEST(GraphIntegrationTest, SvgIsWellFormedWithAnSvgRoot) {
  TempDir dir;
  RexRun run = RunRex({"graph", "-o", "x.svg"}, {.cwd = dir.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(run.out.empty()) << run.out;
  std::string svg = dir.Read("x.svg");
  ASSERT_FALSE(svg.empty());
  XmlFacts facts;
  EXPECT_EQ(ParseXml(svg, facts), "");
  EXPECT_EQ(facts.root, "svg");
  EXPECT_GT(facts.groups, 3);  // resource nodes and component clusters
  EXPECT_TRUE(Contains(svg, "NetworkVpc")) << svg.substr(0, 400);
  EXPECT_TRUE(Contains(svg, "Network")) << svg.substr(0, 400);
}

TEST(GraphIntegrationTest, DotOnStdoutAndInAFileAreTheSame) {
  TempDir dir;
  RexRun stdout_run = RunRex({"graph"}, {.cwd = dir.path()});
  ASSERT_EQ(stdout_run.exit_code, 0) << stdout_run.err;
  EXPECT_EQ(stdout_run.out.rfind("digraph \"rex-backend-dev\" {\n", 0), 0u) << stdout_run.out;
  EXPECT_TRUE(Contains(stdout_run.out, "subgraph \"cluster_Network\"")) << stdout_run.out;
  EXPECT_TRUE(Contains(stdout_run.out, "\"NetworkSubnet")  // a subnet refers to the VPC
              || Contains(stdout_run.out, "-> \"NetworkVpc\""))
      << stdout_run.out;
  std::filesystem::create_directory(dir.path() + "/out");  // -o never creates folders
  RexRun file_run = RunRex({"graph", "-o", "out/graph.dot"}, {.cwd = dir.path()});
  ASSERT_EQ(file_run.exit_code, 0) << file_run.err;
  EXPECT_EQ(dir.Read("out/graph.dot"), stdout_run.out);
  RexRun again = RunRex({"graph"}, {.cwd = dir.path()});
  EXPECT_EQ(again.out, stdout_run.out) << "DOT output is deterministic";
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
