#include "bench/template_stats.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace rex::bench {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

tmpl::ResourceGraph Graph(std::vector<std::string> nodes,
                          std::vector<std::pair<std::string, std::string>> edges) {
  tmpl::ResourceGraph graph;
  for (auto& id : nodes) {
    tmpl::GraphNode node;
    node.logical_id = id;
    node.type = "AWS::X::Y";
    graph.nodes.push_back(std::move(node));
  }
  for (auto& [from, to] : edges) {
    tmpl::GraphEdge edge;
    edge.from = from;
    edge.to = to;
    graph.edges.push_back(std::move(edge));
  }
  return graph;
}

std::vector<std::string> Chain(const tmpl::ResourceGraph& graph) {
  auto chain = LongestChain(graph);
  EXPECT_TRUE(chain.ok()) << chain.error().ToString();
  return chain.ok() ? *chain : std::vector<std::string>{};
}

TEST(LongestChainTest, EmptyGraphHasNoChain) { EXPECT_THAT(Chain(Graph({}, {})), IsEmpty()); }

TEST(LongestChainTest, LoneResourcesMakeAChainOfOne) {
  // Ties go to the smallest logical id.
  EXPECT_THAT(Chain(Graph({"B", "A", "C"}, {})), ElementsAre("A"));
}

TEST(LongestChainTest, StraightLineInCreationOrder) {
  // C needs B, B needs A: A is created first.
  EXPECT_THAT(Chain(Graph({"A", "B", "C"}, {{"C", "B"}, {"B", "A"}})), ElementsAre("A", "B", "C"));
}

TEST(LongestChainTest, TakesTheLongerBranch) {
  // Svc needs Role (1 deep) and Route -> Nat -> Eip (3 deep).
  auto graph = Graph({"Eip", "Nat", "Role", "Route", "Svc"},
                     {{"Svc", "Role"}, {"Svc", "Route"}, {"Route", "Nat"}, {"Nat", "Eip"}});
  EXPECT_THAT(Chain(graph), ElementsAre("Eip", "Nat", "Route", "Svc"));
}

TEST(LongestChainTest, DiamondCountsEachResourceOnce) {
  // D needs B and C, both need A: 3 resources deep, not 4.
  auto graph = Graph({"A", "B", "C", "D"}, {{"D", "B"}, {"D", "C"}, {"B", "A"}, {"C", "A"}});
  EXPECT_THAT(Chain(graph), ElementsAre("A", "B", "D"));
}

TEST(LongestChainTest, DuplicateSelfAndDanglingEdgesAreIgnored) {
  auto graph = Graph({"A", "B"}, {{"B", "A"}, {"B", "A"}, {"A", "A"}, {"B", "Missing"}});
  EXPECT_THAT(Chain(graph), ElementsAre("A", "B"));
}

TEST(LongestChainTest, CycleIsAnError) {
  auto chain = LongestChain(Graph({"A", "B", "C"}, {{"A", "B"}, {"B", "C"}, {"C", "A"}}));
  ASSERT_FALSE(chain.ok());
  EXPECT_THAT(chain.error().message(), HasSubstr("cycle"));
}

TEST(LongestChainTest, DeepChainDoesNotOverflowTheStack) {
  std::vector<std::string> nodes;
  std::vector<std::pair<std::string, std::string>> edges;
  constexpr int kDepth = 50000;
  for (int i = 0; i < kDepth; ++i) {
    nodes.push_back("R" + std::to_string(i));
    if (i > 0) edges.emplace_back("R" + std::to_string(i), "R" + std::to_string(i - 1));
  }
  auto chain = Chain(Graph(nodes, edges));
  ASSERT_EQ(chain.size(), static_cast<size_t>(kDepth));
  EXPECT_EQ(chain.front(), "R0");
  EXPECT_EQ(chain.back(), "R" + std::to_string(kDepth - 1));
}

TEST(ComputeStatsTest, CountsEveryKindOfEdge) {
  // Ref, Fn::GetAtt (both forms), Fn::Sub and DependsOn each make an edge; parameters and
  // pseudo parameters do not.
  std::string text = R"({
    "Parameters": {"Cidr": {"Type": "String"}},
    "Resources": {
      "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": {"Ref": "Cidr"}}},
      "Subnet": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Vpc"},
                 "AvailabilityZone": {"Ref": "AWS::Region"}}},
      "Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"VpcId": {"Fn::GetAtt": "Vpc.VpcId"}}},
      "Nat": {"Type": "AWS::EC2::NatGateway", "Properties": {
                 "SubnetId": {"Fn::Sub": "${Subnet}"}}},
      "Route": {"Type": "AWS::EC2::Route", "DependsOn": "Nat", "Properties": {
                 "Groups": [{"Fn::GetAtt": ["Sg", "GroupId"]}]}}
    }
  })";
  auto stats = ComputeStats(text, "t.json");
  ASSERT_TRUE(stats.ok()) << stats.error().ToString();
  EXPECT_EQ(stats->bytes, text.size());
  EXPECT_EQ(stats->resources, 5u);
  EXPECT_EQ(stats->edges, 5u);  // Subnet>Vpc, Sg>Vpc, Nat>Subnet, Route>Nat, Route>Sg
  EXPECT_THAT(stats->chain, ElementsAre("Vpc", "Subnet", "Nat", "Route"));
  EXPECT_THAT(stats->chain_types, ElementsAre("AWS::EC2::VPC", "AWS::EC2::Subnet",
                                              "AWS::EC2::NatGateway", "AWS::EC2::Route"));
}

TEST(ComputeStatsTest, SubVariableMapBindsNames) {
  // ${Name} bound by the variable map is not a resource; the map's own values are.
  std::string text = R"({"Resources": {
      "A": {"Type": "T"},
      "Name": {"Type": "T"},
      "B": {"Type": "T", "Properties": {"X": {"Fn::Sub": ["${Name}-${!Literal}", {"Name": {"Ref": "A"}}]}}}
  }})";
  auto stats = ComputeStats(text, "t.json");
  ASSERT_TRUE(stats.ok()) << stats.error().ToString();
  EXPECT_EQ(stats->edges, 1u);
  EXPECT_THAT(stats->chain, ElementsAre("A", "B"));
}

TEST(ComputeStatsTest, TemplateWithoutResources) {
  auto stats = ComputeStats(R"({"Outputs": {}})", "t.json");
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->resources, 0u);
  EXPECT_THAT(stats->chain, IsEmpty());
}

TEST(ComputeStatsTest, BadInputIsAnErrorNamingTheFile) {
  auto not_json = ComputeStats("{", "old.json");
  ASSERT_FALSE(not_json.ok());
  EXPECT_THAT(not_json.error().ToString(), HasSubstr("old.json"));

  auto not_object = ComputeStats("[1]", "old.json");
  ASSERT_FALSE(not_object.ok());
  EXPECT_THAT(not_object.error().ToString(), HasSubstr("old.json"));

  auto cycle = ComputeStats(R"({"Resources": {"A": {"Type": "T", "DependsOn": "B"},
                                             "B": {"Type": "T", "DependsOn": ["A"]}}})",
                            "old.json");
  ASSERT_FALSE(cycle.ok());
  EXPECT_THAT(cycle.error().ToString(), HasSubstr("old.json"));
  EXPECT_THAT(cycle.error().ToString(), HasSubstr("cycle"));
}

}  // namespace
}  // namespace rex::bench
