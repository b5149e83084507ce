#include "template/graph.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "base/files.h"
#include "base/json.h"

namespace rex::tmpl {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

base::Json Parse(std::string_view text) {
  auto json = base::ParseJson(text, "test");
  EXPECT_TRUE(json.has_value());
  return json.has_value() ? *json : base::Json();
}

TEST(GraphTest, ReferencesFromRefGetAttAndSub) {
  base::Json value = Parse(R"({
    "A": {"Ref": "Vpc"},
    "B": {"Fn::GetAtt": ["Db", "Endpoint.Address"]},
    "C": {"Fn::GetAtt": "Cache.PrimaryEndPoint.Address"},
    "D": {"Fn::Sub": "arn:${AWS::Partition}:s3:::${Bucket}/${!Literal}/${Repo.RepositoryUri}"},
    "E": {"Fn::Sub": ["${Name}-${Suffix}", {"Name": {"Ref": "Param"}}]},
    "F": {"Ref": "AWS::Region"},
    "G": [{"Fn::Join": ["", [{"Ref": "Nested"}]]}]
  })");
  EXPECT_THAT(ReferencedIds(value),
              ElementsAre("Bucket", "Cache", "Db", "Nested", "Param", "Repo", "Suffix", "Vpc"));
}

TEST(GraphTest, DependsOnAcceptsAStringOrAList) {
  EXPECT_THAT(DependsOnIds(Parse(R"({"DependsOn": "A"})")), ElementsAre("A"));
  EXPECT_THAT(DependsOnIds(Parse(R"({"DependsOn": ["B", "A"]})")), ElementsAre("A", "B"));
  EXPECT_TRUE(DependsOnIds(Parse(R"({"Type": "x"})")).empty());
}

TEST(GraphTest, PathsComponentsAndShortTypes) {
  EXPECT_EQ(ResourcePath(Parse(R"({"Metadata": {"rex:path": "Rex/Network/Vpc"}})")),
            "Rex/Network/Vpc");
  EXPECT_EQ(ResourcePath(Parse(R"({"Type": "AWS::EC2::VPC"})")), "");
  EXPECT_EQ(ComponentOf("Rex/Network/Vpc"), "Network");
  EXPECT_EQ(ComponentOf("Rex/LoadBalancer"), "LoadBalancer");
  EXPECT_EQ(ComponentOf("Rex"), "");
  EXPECT_EQ(ShortType("AWS::EC2::VPC"), "EC2::VPC");
  EXPECT_EQ(ShortType("Custom::Thing"), "Custom::Thing");
}

constexpr std::string_view kSmall = R"({
  "Parameters": {"Password": {"Type": "String", "NoEcho": true}},
  "Resources": {
    "Vpc": {"Type": "AWS::EC2::VPC", "Metadata": {"rex:path": "Rex/Network/Vpc"}},
    "Subnet": {"Type": "AWS::EC2::Subnet", "Metadata": {"rex:path": "Rex/Network/Subnet"},
               "Properties": {"VpcId": {"Ref": "Vpc"}}},
    "Db": {"Type": "AWS::RDS::DBCluster", "Metadata": {"rex:path": "Rex/Database/Cluster"},
           "Properties": {"MasterUserPassword": {"Ref": "Password"},
                          "Tags": [{"Key": "self", "Value": {"Fn::Sub": "${Db}"}}]},
           "DependsOn": ["Subnet", "Missing"]},
    "Route": {"Type": "AWS::EC2::Route", "Metadata": {"rex:path": "Rex/Network/Route"},
              "Properties": {"SubnetId": {"Ref": "Subnet"}}, "DependsOn": "Subnet"},
    "Loose": {"Type": "AWS::SNS::Topic"}
  }
})";

TEST(GraphTest, NodesAndEdgesSkipParametersSelfReferencesAndUnknownIds) {
  ResourceGraph graph = BuildGraph(Parse(kSmall));
  ASSERT_EQ(graph.nodes.size(), 5u);
  EXPECT_EQ(graph.nodes[0].logical_id, "Db");
  EXPECT_EQ(graph.nodes[0].component, "Database");
  EXPECT_EQ(graph.nodes[1].logical_id, "Loose");
  EXPECT_EQ(graph.nodes[1].component, "");
  std::vector<std::string> edges;
  for (const GraphEdge& e : graph.edges) {
    edges.push_back(e.from + "->" + e.to + (e.kind == EdgeKind::kDependsOn ? " (depends)" : ""));
  }
  // A reference wins over a DependsOn on the same pair (Route -> Subnet).
  EXPECT_THAT(edges, ElementsAre("Db->Subnet (depends)", "Route->Subnet", "Subnet->Vpc"));
}

TEST(GraphTest, DotTextIsClusteredAndExact) {
  std::string dot = ToDot(BuildGraph(Parse(kSmall)), "rex-backend-dev");
  EXPECT_EQ(dot,
            "digraph \"rex-backend-dev\" {\n"
            "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=11, nodesep=0.25, "
            "ranksep=0.6, label=\"rex-backend-dev\", labelloc=t];\n"
            "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#f7f7f7\", "
            "color=\"#888888\", fontname=\"Helvetica\", fontsize=10];\n"
            "  edge [color=\"#777777\", arrowsize=0.6];\n"
            "  subgraph \"cluster_Database\" {\n"
            "    label=\"Database\";\n"
            "    style=\"rounded\";\n"
            "    color=\"#bbbbbb\";\n"
            "    \"Db\" [label=\"Db\\nRDS::DBCluster\"];\n"
            "  }\n"
            "  subgraph \"cluster_Network\" {\n"
            "    label=\"Network\";\n"
            "    style=\"rounded\";\n"
            "    color=\"#bbbbbb\";\n"
            "    \"Route\" [label=\"Route\\nEC2::Route\"];\n"
            "    \"Subnet\" [label=\"Subnet\\nEC2::Subnet\"];\n"
            "    \"Vpc\" [label=\"Vpc\\nEC2::VPC\"];\n"
            "  }\n"
            "  \"Loose\" [label=\"Loose\\nSNS::Topic\"];\n"
            "  \"Db\" -> \"Subnet\" [style=dashed];\n"
            "  \"Route\" -> \"Subnet\";\n"
            "  \"Subnet\" -> \"Vpc\";\n"
            "}\n");
}

TEST(GraphTest, DotEscapesQuotesAndBackslashes) {
  ResourceGraph graph;
  graph.nodes.push_back(GraphNode{.logical_id = "A", .type = "", .path = "", .component = ""});
  EXPECT_THAT(ToDot(graph, "say \"hi\" \\"), HasSubstr("digraph \"say \\\"hi\\\" \\\\\" {"));
  EXPECT_THAT(ToDot(graph, "t"), HasSubstr("  \"A\" [label=\"A\"];\n"));
}

TEST(GraphTest, DevFixtureGraphIsDeterministicAndGroupsEveryComponent) {
  auto text =
      base::ReadFile(std::string(REX_SOURCE_DIR) + "/tests/fixtures/templates/dev.template.json");
  ASSERT_TRUE(text.has_value());
  base::Json tmpl = Parse(*text);
  ResourceGraph graph = BuildGraph(tmpl);
  EXPECT_EQ(graph.nodes.size(), tmpl["Resources"].size());
  std::string dot = ToDot(graph, "rex-backend-dev");
  EXPECT_EQ(dot, ToDot(BuildGraph(tmpl), "rex-backend-dev"));
  for (const char* component : {"Network", "Security", "Database", "Cache", "Registry", "Compute",
                                "LoadBalancer", "Monitoring"}) {
    EXPECT_THAT(dot, HasSubstr(std::string("subgraph \"cluster_") + component + "\""));
  }
  EXPECT_THAT(dot, HasSubstr("\"ComputeApiService\" -> \"ComputeApiTaskDefinition\";"));
  EXPECT_THAT(dot,
              HasSubstr("\"ComputeApiService\" -> \"LoadBalancerHttpListener\" [style=dashed];"));
  EXPECT_THAT(dot, HasSubstr("\"ComputeApiTaskDefinition\" -> \"RegistryApiRepository\";"));
  EXPECT_THAT(dot, HasSubstr("\"SecurityExecutionRole\" -> \"DatabaseCluster\";"));
}

TEST(GraphTest, MalformedTemplatesGiveAnEmptyGraph) {
  EXPECT_TRUE(BuildGraph(base::Json::array()).nodes.empty());
  EXPECT_TRUE(BuildGraph(Parse(R"({"Resources": []})")).nodes.empty());
  ResourceGraph odd = BuildGraph(Parse(R"({"Resources": {"X": 3}})"));
  ASSERT_EQ(odd.nodes.size(), 1u);
  EXPECT_EQ(odd.nodes[0].type, "");
}

}  // namespace
}  // namespace rex::tmpl
