// Mappings and Fn::FindInMap: what synthesis writes, what it checks, and that the one
// reference walker and the dependency inference agree on them.
#include <gtest/gtest.h>

#include "core/intrinsics.h"
#include "core/references.h"
#include "core/stack.h"
#include "test_resources.h"

namespace rex::core {
namespace {

using testing::Widget;
using testing::WidgetProps;

std::string SynthError(const Stack& stack) {
  auto result = stack.Synthesize();
  return result.has_value() ? std::string() : result.error().message();
}

MappingTable RegionTable() {
  return {{"eu-west-1", {{"Account", "111111111111"}, {"Zones", base::Json::array({"a", "b"})}}},
          {"us-east-1", {{"Account", "222222222222"}}}};
}

TEST(MappingTest, EmitsTheSectionAndTheLookup) {
  App app;
  auto& stack = app.Add<Stack>("Rex");
  auto& accounts = stack.Add<Mapping>("RegionAccounts", RegionTable());
  stack.Add<Widget>("A", WidgetProps{.name = FindInMap(accounts, aws::Region(), "Account")});
  auto result = stack.Synthesize();
  ASSERT_TRUE(result.has_value()) << result.error().message();
  const base::Json& tmpl = result->json;
  EXPECT_EQ(tmpl["Mappings"]["RegionAccounts"]["eu-west-1"]["Account"], "111111111111");
  EXPECT_EQ(tmpl["Mappings"]["RegionAccounts"]["eu-west-1"]["Zones"],
            base::Json::array({"a", "b"}));
  EXPECT_EQ(tmpl["Mappings"]["RegionAccounts"]["us-east-1"]["Account"], "222222222222");
  EXPECT_EQ(tmpl["Resources"]["A"]["Properties"]["Name"],
            base::Json::parse(
                R"({"Fn::FindInMap": ["RegionAccounts", {"Ref": "AWS::Region"}, "Account"]})"));
  // The walker reports the mapping and the pseudo parameter of the key; neither is a resource,
  // so the widget depends on nothing.
  std::vector<std::string> seen;
  ForEachReference(tmpl["Resources"]["A"], [&](const Reference& r) {
    seen.push_back(std::string(r.function) + " " + std::string(r.name));
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"Fn::FindInMap RegionAccounts", "Ref AWS::Region"}));
  EXPECT_FALSE(tmpl["Resources"]["A"].contains("DependsOn"));
  // YAML keeps the long form.
  EXPECT_NE(result->ToYaml().find("Fn::FindInMap"), std::string::npos);
}

TEST(MappingTest, NoMappingsNoSection) {
  App app;
  auto& stack = app.Add<Stack>("Rex");
  stack.Add<Widget>("A", WidgetProps{.name = "a"});
  auto result = stack.Synthesize();
  ASSERT_TRUE(result.has_value()) << result.error().message();
  EXPECT_FALSE(result->json.contains("Mappings"));
}

TEST(MappingTest, LookupInAConditionIsResolved) {
  App app;
  auto& stack = app.Add<Stack>("Rex");
  auto& accounts = stack.Add<Mapping>("RegionAccounts", RegionTable());
  auto& cond = stack.Add<Condition>(
      "IsBig", Equals(FindInMap(accounts, aws::Region(), "Account").value(), "222222222222"));
  auto& a = stack.Add<Widget>("A", WidgetProps{.name = "a"});
  a.set_condition(cond);
  auto result = stack.Synthesize();
  ASSERT_TRUE(result.has_value()) << result.error().message();
  EXPECT_EQ(result->json["Conditions"]["IsBig"]["Fn::Equals"][0]["Fn::FindInMap"][0],
            "RegionAccounts");
}

TEST(MappingTest, LiteralKeysAreChecked) {
  App app;
  auto& stack = app.Add<Stack>("Rex");
  auto& accounts = stack.Add<Mapping>("RegionAccounts", RegionTable());
  stack.Add<Widget>("A", WidgetProps{.name = FindInMap(accounts, "eu-west-1", "Account")});
  stack.Add<Widget>("B", WidgetProps{.name = FindInMap(accounts, "mars-1", "Account")});
  stack.Add<Widget>("C", WidgetProps{.name = FindInMap(accounts, "us-east-1", "Zones")});
  EXPECT_EQ(SynthError(stack),
            "error: Rex/B: Fn::FindInMap: mapping RegionAccounts has no entry mars-1; it has: "
            "eu-west-1, us-east-1\n"
            "error: Rex/C: Fn::FindInMap: mapping RegionAccounts has no key Zones under "
            "us-east-1; it has: Account\n"
            "2 errors; no template written");
}

TEST(MappingTest, TableShapeIsChecked) {
  App app;
  auto& stack = app.Add<Stack>("Rex");
  stack.Add<Mapping>("Empty", MappingTable{});
  stack.Add<Mapping>("Bad", MappingTable{{"us east", {{"Account", 12}}}, {"x", {}}});
  std::string error = SynthError(stack);
  EXPECT_NE(error.find("Rex/Empty: a mapping needs at least one entry"), std::string::npos)
      << error;
  EXPECT_NE(error.find("Rex/Bad: us east: a mapping key may hold only"), std::string::npos)
      << error;
  EXPECT_NE(error.find("Rex/Bad: us east.Account: a mapping value is a string or a list of "
                       "strings, got an integer"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("Rex/Bad: x: a mapping entry needs at least one key"), std::string::npos)
      << error;
}

TEST(MappingTest, MappingOfAnotherStackIsRejected) {
  App app;
  auto& network = app.Add<Stack>("Network");
  auto& accounts = network.Add<Mapping>("RegionAccounts", RegionTable());
  auto& other = app.Add<Stack>("App");
  other.Add<Widget>("A", WidgetProps{.name = FindInMap(accounts, aws::Region(), "Account")});
  std::string error = SynthError(other);
  EXPECT_NE(error.find("error: App/A: references Network/RegionAccounts of stack Network, "
                       "outside stack App"),
            std::string::npos)
      << error;
}

TEST(MappingTest, DuplicateMappingIdsAreRejected) {
  App app;
  auto& stack = app.Add<Stack>("Rex");
  stack.Add<Mapping>("GroupAccounts", RegionTable());
  auto& group = stack.Add<Construct>("Group");
  group.Add<Mapping>("Accounts", RegionTable());
  std::string error = SynthError(stack);
  EXPECT_NE(error.find("logical id GroupAccounts is also used by Rex/GroupAccounts"),
            std::string::npos)
      << error;
}

TEST(MappingTest, UndefinedMappingIsReported) {
  App app;
  auto& stack = app.Add<Stack>("Rex");
  auto& a = stack.Add<Widget>("A", WidgetProps{.name = "a"});
  a.AddPropertyOverride(
      "Name", Value::FromJson(base::Json::parse(R"({"Fn::FindInMap": ["Nowhere", "k", "v"]})")));
  EXPECT_EQ(SynthError(stack),
            "error: Rex/A: Fn::FindInMap names an undefined mapping Nowhere\n"
            "1 error; no template written");
}

}  // namespace
}  // namespace rex::core
