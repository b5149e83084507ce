// Splitting templates over CloudFormation's 500-resource limit into nested stacks
// (template/nested.h), on the synthetic stack and on small hand-written templates.

#include "template/nested.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/json.h"
#include "cfn/registry.gen.h"
#include "cfn/secretsmanager.gen.h"
#include "config/presets.h"
#include "core/intrinsics.h"
#include "stack/rex_stack.h"
#include "stack/synthetic.h"
#include "support/golden.h"

namespace rex::tmpl {
namespace {

using base::Json;
using ::testing::HasSubstr;

constexpr const char* kSecretDefault = "default-secret-value-never-in-a-child";

// The synthetic stack of about `resources` resources, with a NoEcho parameter feeding a
// conditional secret and an output reading a service's resource.
Json SyntheticTemplate(int resources) {
  core::App app;
  auto& stack = app.Add<stack::SyntheticStack>(
      "Synthetic",
      stack::SyntheticProps{.services = stack::SyntheticStack::ServicesFor(resources)});
  auto& password = stack.Add<core::Parameter>(
      "DbPassword",
      core::ParameterProps{.default_value = core::Value(kSecretDefault), .no_echo = true});
  auto& has_password = stack.Add<core::Condition>(
      "HasPassword", core::Not(core::Equals(password.Ref().value(), "")));
  auto& secret = stack.Add<cfn::secretsmanager::CfnSecret>(
      "ZzSecret", cfn::secretsmanager::CfnSecretProps{.secret_string = password.Ref()});
  secret.set_condition(has_password);
  stack.Add<core::Output>("firstServiceLogs",
                          core::OutputProps{.value = core::Sub("logs: ${Service1Logs}").value()});
  const core::CfnElement* logs = nullptr;
  core::Walk(stack, [&](const core::Construct& c) {
    if (c.path() == "Synthetic/Service1/Logs") logs = dynamic_cast<const core::CfnElement*>(&c);
  });
  EXPECT_NE(logs, nullptr);
  stack.Add<core::Output>("firstServiceName",
                          core::OutputProps{.value = core::Value::RefTo(*logs)});
  auto result = stack.Synthesize();
  EXPECT_TRUE(result.ok()) << result.error().ToString();
  return result->json;
}

NestedStacks Split(const Json& tmpl, NestedOptions options = {}) {
  if (!options.schemas) options.schemas = cfn::FindResourceSchema;
  auto split = SplitIntoNestedStacks(tmpl, options);
  EXPECT_TRUE(split.ok()) << split.error().ToString();
  return *split;
}

bool IsPseudo(const std::string& name) { return name.rfind("AWS::", 0) == 0; }

// Calls on(name, attribute) for each Ref, Fn::GetAtt and Fn::Sub reference; on_condition for
// each condition named by Fn::If or {"Condition": ...}.
void Walk(const Json& j, const std::function<void(const std::string&, const std::string&)>& on,
          const std::function<void(const std::string&)>& on_condition) {
  if (j.is_array()) {
    for (const Json& item : j) Walk(item, on, on_condition);
    return;
  }
  if (!j.is_object()) return;
  if (j.size() == 1) {
    const std::string& key = j.begin().key();
    const Json& arg = j.begin().value();
    if (key == "Ref") return on(arg.get<std::string>(), "");
    if (key == "Fn::GetAtt") return on(arg[0].get<std::string>(), arg[1].get<std::string>());
    if (key == "Condition" && arg.is_string()) return on_condition(arg.get<std::string>());
    if (key == "Fn::If") on_condition(arg[0].get<std::string>());
    if (key == "Fn::Sub") {
      std::string format = arg.is_string() ? arg.get<std::string>() : arg[0].get<std::string>();
      std::set<std::string> vars;
      if (arg.is_array()) {
        for (const auto& [name, v] : arg[1].items()) {
          vars.insert(name);
          Walk(v, on, on_condition);
        }
      }
      size_t pos = 0;
      while ((pos = format.find("${", pos)) != std::string::npos) {
        size_t end = format.find('}', pos);
        std::string name = format.substr(pos + 2, end - pos - 2);
        pos = end;
        if (name[0] == '!' || vars.count(name)) continue;
        size_t dot = name.find('.');
        on(name.substr(0, dot), dot == std::string::npos ? "" : name.substr(dot + 1));
      }
      return;
    }
  }
  for (const auto& item : j) Walk(item, on, on_condition);
}

// Every reference of `t` that does not resolve inside `t`: Ref to a resource or parameter of
// the template (or a pseudo parameter), GetAtt of a resource of the template (for the parent:
// of a child's output that exists), conditions, DependsOn.
std::vector<std::string> Dangling(const Json& t, const std::map<std::string, Json>& children) {
  std::vector<std::string> out;
  auto has = [&](const char* section, const std::string& name) {
    return t.contains(section) && t[section].contains(name);
  };
  auto on = [&](const std::string& name, const std::string& attribute) {
    if (attribute.empty()) {
      if (!IsPseudo(name) && !has("Resources", name) && !has("Parameters", name)) {
        out.push_back("Ref " + name);
      }
      return;
    }
    if (!has("Resources", name)) {
      out.push_back("GetAtt " + name + "." + attribute);
      return;
    }
    if (t["Resources"][name]["Type"] == "AWS::CloudFormation::Stack") {
      std::string output = attribute.substr(std::string("Outputs.").size());
      if (!children.count(name) || !children.at(name)["Outputs"].contains(output)) {
        out.push_back("GetAtt " + name + "." + attribute + " (no such child output)");
      }
    }
  };
  auto on_condition = [&](const std::string& name) {
    if (!has("Conditions", name)) out.push_back("Condition " + name);
  };
  for (const char* section : {"Resources", "Outputs", "Conditions"}) {
    if (!t.contains(section)) continue;
    for (const auto& [id, entry] : t[section].items()) {
      Walk(entry, on, on_condition);
      if (entry.is_object() && entry.contains("DependsOn")) {
        for (const Json& d : entry["DependsOn"]) {
          if (!has("Resources", d.get<std::string>())) out.push_back("DependsOn " + d.dump());
        }
      }
    }
  }
  return out;
}

class SyntheticSplitTest : public ::testing::TestWithParam<int> {};

TEST_P(SyntheticSplitTest, EveryStackWithinLimitsAndEveryReferenceResolved) {
  Json tmpl = SyntheticTemplate(GetParam());
  ASSERT_GE(tmpl["Resources"].size(), static_cast<size_t>(GetParam()));
  NestedStacks split = Split(tmpl);
  ASSERT_TRUE(split.split());

  EXPECT_LE(split.parent["Resources"].size(), kMaxResourcesPerStack);
  EXPECT_EQ(split.parent["Resources"].size(), split.children.size());
  EXPECT_THAT(Dangling(split.parent, split.children), ::testing::IsEmpty());
  std::set<std::string> ids;
  for (const auto& [name, child] : split.children) {
    SCOPED_TRACE(name);
    EXPECT_LE(child["Resources"].size(), kMaxResourcesPerStack);
    EXPECT_LE(child["Resources"].size(), NestedOptions{}.child_max);
    EXPECT_LE(child.value("Parameters", Json::object()).size(), kMaxParametersPerStack);
    EXPECT_LE(child.value("Outputs", Json::object()).size(), kMaxOutputsPerStack);
    EXPECT_THAT(Dangling(child, {}), ::testing::IsEmpty());
    // The parent passes exactly the child's parameters (none has a Default to fall back on).
    const Json& passed = split.parent["Resources"][name]["Properties"];
    EXPECT_EQ(passed["TemplateURL"], NestedTemplateFileName(name));
    std::set<std::string> declared, given;
    const Json child_parameters = child.value("Parameters", Json::object());
    const Json passed_parameters = passed.value("Parameters", Json::object());
    for (const auto& [p, def] : child_parameters.items()) {
      declared.insert(p);
      EXPECT_FALSE(def.contains("Default")) << p;
    }
    for (const auto& [p, _] : passed_parameters.items()) given.insert(p);
    EXPECT_EQ(declared, given);
    for (const auto& [id, resource] : child["Resources"].items()) {
      EXPECT_TRUE(ids.insert(id).second) << id << " is in two children";
      EXPECT_EQ(resource["Type"], tmpl["Resources"][id]["Type"]) << id;
      EXPECT_EQ(resource["Metadata"], tmpl["Resources"][id]["Metadata"]) << id;
    }
  }
  std::set<std::string> original;
  for (const auto& [id, _] : tmpl["Resources"].items()) original.insert(id);
  EXPECT_EQ(ids, original);
}

TEST_P(SyntheticSplitTest, Deterministic) {
  NestedStacks a = Split(SyntheticTemplate(GetParam()));
  NestedStacks b = Split(SyntheticTemplate(GetParam()));
  EXPECT_EQ(base::DumpJson(a.parent), base::DumpJson(b.parent));
  ASSERT_EQ(a.children.size(), b.children.size());
  for (const auto& [name, child] : a.children) {
    ASSERT_TRUE(b.children.count(name)) << name;
    EXPECT_EQ(base::DumpJson(child), base::DumpJson(b.children.at(name))) << name;
  }
}

// SummarizeNestedStacks reports what the split's summary holds, child by child, or the same
// error, and leaves the template alone.
void ExpectSummaryMatchesSplit(const Json& tmpl, NestedOptions options) {
  if (!options.schemas) options.schemas = cfn::FindResourceSchema;
  const Json original = tmpl;
  auto summary = SummarizeNestedStacks(tmpl, options);
  EXPECT_EQ(tmpl, original);
  auto split = SplitIntoNestedStacks(tmpl, options);
  ASSERT_EQ(summary.ok(), split.ok());
  if (!split.ok()) {
    EXPECT_EQ(summary.error().code(), split.error().code());
    EXPECT_EQ(summary.error().message(), split.error().message());
    return;
  }
  ASSERT_EQ(summary->size(), split->summary.size());
  for (size_t i = 0; i < summary->size(); ++i) {
    const NestedChild& got = (*summary)[i];
    const NestedChild& want = split->summary[i];
    SCOPED_TRACE(want.name);
    EXPECT_EQ(got.name, want.name);
    EXPECT_EQ(got.resources, want.resources);
    EXPECT_EQ(got.parameters, want.parameters);
    EXPECT_EQ(got.outputs, want.outputs);
    EXPECT_EQ(got.first, want.first);
    EXPECT_EQ(got.last, want.last);
  }
}

TEST_P(SyntheticSplitTest, SummaryWithoutTheChildrenMatchesTheSplit) {
  Json tmpl = SyntheticTemplate(GetParam());
  auto summary = SummarizeNestedStacks(tmpl, NestedOptions{.schemas = cfn::FindResourceSchema});
  ASSERT_TRUE(summary.ok()) << summary.error().ToString();
  EXPECT_GT(summary->size(), 1u);
  ExpectSummaryMatchesSplit(tmpl, {});
}

INSTANTIATE_TEST_SUITE_P(Sizes, SyntheticSplitTest, ::testing::Values(2000, 20000));

TEST(NestedTest, RootOutputsReadChildOutputs) {
  NestedStacks split = Split(SyntheticTemplate(2000));
  const Json& outputs = split.parent["Outputs"];
  // {"Ref": "Service1Logs"} became the GetAtt of the output of the child holding it.
  const Json& value = outputs["firstServiceName"]["Value"];
  ASSERT_TRUE(value.contains("Fn::GetAtt")) << value.dump();
  std::string child = value["Fn::GetAtt"][0].get<std::string>();
  EXPECT_EQ(value["Fn::GetAtt"][1], "Outputs.Service1LogsRef");
  ASSERT_TRUE(split.children.count(child));
  EXPECT_TRUE(split.children.at(child)["Resources"].contains("Service1Logs"));
  EXPECT_EQ(split.children.at(child)["Outputs"]["Service1LogsRef"]["Value"],
            Json::parse(R"({"Ref": "Service1Logs"})"));
  // Fn::Sub names move into the variable map.
  EXPECT_EQ(outputs["firstServiceLogs"]["Value"],
            Json::parse(R"({"Fn::Sub": ["logs: ${Service1LogsRef}",
                           {"Service1LogsRef": {"Fn::GetAtt": [")" +
                        child + R"(", "Outputs.Service1LogsRef"]}}]})"));
}

TEST(NestedTest, NoEchoParameterPassedDownWithoutItsDefault) {
  Json tmpl = SyntheticTemplate(2000);
  NestedStacks split = Split(tmpl);
  EXPECT_EQ(split.parent["Parameters"], tmpl["Parameters"]);  // deploy parameters unchanged
  int declaring = 0;
  for (const auto& [name, child] : split.children) {
    EXPECT_EQ(base::DumpJson(child).find(kSecretDefault), std::string::npos) << name;
    if (!child.contains("Parameters") || !child["Parameters"].contains("DbPassword")) continue;
    ++declaring;
    EXPECT_EQ(child["Parameters"]["DbPassword"],
              Json::parse(R"({"Type": "String", "NoEcho": true})"));
    EXPECT_EQ(split.parent["Resources"][name]["Properties"]["Parameters"]["DbPassword"],
              Json::parse(R"({"Ref": "DbPassword"})"));
    // The condition the secret uses came along.
    EXPECT_TRUE(child["Conditions"].contains("HasPassword"));
    EXPECT_EQ(child["Resources"]["ZzSecret"]["Condition"], "HasPassword");
  }
  EXPECT_EQ(declaring, 1);
}

TEST(NestedTest, UnderTheLimitNothingChanges) {
  auto dev = stack::SynthesizeRexStack(config::PresetConfig(config::Preset::kDev));
  ASSERT_TRUE(dev.ok());
  NestedStacks split = Split(dev->json);
  EXPECT_FALSE(split.split());
  EXPECT_EQ(base::DumpJson(split.parent), dev->ToJson());

  Json at_limit = SyntheticTemplate(480);
  ASSERT_LE(at_limit["Resources"].size(), kMaxResourcesPerStack);
  EXPECT_FALSE(Split(at_limit).split());
}

TEST(NestedTest, AddingAServiceMovesNoOtherResource) {
  auto child_of = [](const NestedStacks& s) {
    std::map<std::string, std::string> out;
    for (const auto& [name, child] : s.children) {
      for (const auto& [id, _] : child["Resources"].items()) out[id] = name;
    }
    return out;
  };
  core::App app;
  auto& a = app.Add<stack::SyntheticStack>("Synthetic", stack::SyntheticProps{.services = 500});
  auto& b = app.Add<stack::SyntheticStack>("Synthetic2", stack::SyntheticProps{.services = 501});
  auto before = child_of(Split(a.Synthesize()->json));
  auto after = child_of(Split(b.Synthesize()->json));
  size_t moved = 0;
  for (const auto& [id, name] : before) moved += after.at(id) != name;
  EXPECT_EQ(moved, 0u);
  EXPECT_EQ(after.size(), before.size() + 6);
}

// A small hand-written template; resources A1..A3 form component A, B1..B2 component B.
Json Resource(const std::string& path, Json properties = Json::object()) {
  return Json{{"Type", "AWS::SNS::Topic"},
              {"Properties", std::move(properties)},
              {"Metadata", {{"rex:path", "Root/" + path}}}};
}

NestedOptions Small() {
  return NestedOptions{.split_above = 4, .child_max = 3, .child_min = 1, .boundary_period = 1};
}

// A mapping goes to the stacks that look it up (a child's resource or condition), and only
// there; a condition reading it travels with it.
TEST(NestedTest, MappingsGoWhereTheyAreLookedUp) {
  Json t = Json::parse(R"({"AWSTemplateFormatVersion": "2010-09-09",
    "Mappings": {"Accounts": {"us-east-1": {"Id": "111"}}, "Unused": {"k": {"v": "x"}}},
    "Conditions": {"HasAccount": {"Fn::Equals": [
        {"Fn::FindInMap": ["Accounts", {"Ref": "AWS::Region"}, "Id"]}, "111"]}},
    "Resources": {}})");
  t["Resources"]["A1"] = Resource("A/One");
  t["Resources"]["A2"] = Resource("A/Two");
  t["Resources"]["A3"] = Resource("A/Three");
  t["Resources"]["B1"] =
      Resource("B/One", Json::parse(R"({"TopicName": {"Fn::Sub": ["${Id}-logs", {"Id":
        {"Fn::FindInMap": ["Accounts", {"Ref": "AWS::Region"}, "Id"]}}]}})"));
  t["Resources"]["B2"] = Resource("B/Two");
  t["Resources"]["B2"]["Condition"] = "HasAccount";
  NestedStacks split = Split(t, Small());
  ASSERT_EQ(split.children.size(), 2u);
  const Json& b = split.children.at("NestedB");
  EXPECT_EQ(b["Mappings"], Json::parse(R"({"Accounts": {"us-east-1": {"Id": "111"}}})"));
  EXPECT_TRUE(b["Conditions"].contains("HasAccount"));
  EXPECT_EQ(b["Resources"]["B1"]["Properties"], t["Resources"]["B1"]["Properties"]);
  EXPECT_FALSE(split.children.at("NestedA").contains("Mappings"));
  EXPECT_FALSE(split.parent.contains("Mappings")) << split.parent.dump();
}

TEST(NestedTest, DependsOnAcrossStacksBecomesDependsOnBetweenNestedStacks) {
  Json t = Json::parse(R"({"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}})");
  t["Resources"]["A1"] = Resource("A/One");
  t["Resources"]["A2"] = Resource("A/Two");
  t["Resources"]["A3"] = Resource("A/Three");
  t["Resources"]["B1"] = Resource("B/One");
  t["Resources"]["B1"]["DependsOn"] = Json::array({"A1", "B2"});
  t["Resources"]["B2"] = Resource("B/Two");
  NestedStacks split = Split(t, Small());
  ASSERT_EQ(split.children.size(), 2u);
  EXPECT_EQ(split.children.at("NestedB")["Resources"]["B1"]["DependsOn"], Json::array({"B2"}));
  EXPECT_EQ(split.parent["Resources"]["NestedB"]["DependsOn"], Json::array({"NestedA"}));
  EXPECT_FALSE(split.parent["Resources"]["NestedA"].contains("DependsOn"));
}

TEST(NestedTest, ListAttributesTravelAsCommaDelimitedLists) {
  Json t = Json::parse(R"({"Resources": {}})");
  t["Resources"]["A1"] = Resource("A/One");
  t["Resources"]["A1"]["Type"] = "AWS::EC2::VPC";
  t["Resources"]["A2"] = Resource("A/Two");
  t["Resources"]["A3"] = Resource("A/Three");
  t["Resources"]["B1"] =
      Resource("B/One", Json::parse(R"({"Subscription": [{"Fn::GetAtt": ["A1", "Ipv6CidrBlocks"]}],
                              "TopicName": {"Fn::GetAtt": ["A1", "CidrBlock"]}})"));
  t["Resources"]["B2"] = Resource("B/Two");
  NestedStacks split = Split(t, Small());
  ASSERT_EQ(split.children.size(), 2u);
  const Json& a = split.children.at("NestedA");
  const Json& b = split.children.at("NestedB");
  EXPECT_EQ(a["Outputs"]["A1Ipv6CidrBlocks"]["Value"],
            Json::parse(R"({"Fn::Join": [",", {"Fn::GetAtt": ["A1", "Ipv6CidrBlocks"]}]})"));
  EXPECT_EQ(a["Outputs"]["A1CidrBlock"]["Value"],
            Json::parse(R"({"Fn::GetAtt": ["A1", "CidrBlock"]})"));
  EXPECT_EQ(b["Parameters"]["A1Ipv6CidrBlocks"]["Type"], "CommaDelimitedList");
  EXPECT_EQ(b["Parameters"]["A1CidrBlock"]["Type"], "String");
  EXPECT_EQ(b["Resources"]["B1"]["Properties"]["TopicName"],
            Json::parse(R"({"Ref": "A1CidrBlock"})"));
  EXPECT_FALSE(split.parent["Resources"]["NestedB"].contains("DependsOn"));  // implied
}

TEST(NestedTest, ListParametersArePassedJoined) {
  Json t = Json::parse(R"({"Parameters": {"Subnets": {"Type": "List<AWS::EC2::Subnet::Id>"},
                                          "Name": {"Type": "String"}},
                           "Resources": {}})");
  t["Resources"]["A1"] = Resource("A/One", Json::parse(R"({"TopicName": {"Ref": "Name"},
                                       "Subscription": {"Ref": "Subnets"}})"));
  t["Resources"]["A2"] = Resource("A/Two");
  t["Resources"]["A3"] = Resource("A/Three");
  t["Resources"]["B1"] = Resource("B/One");
  t["Resources"]["B2"] = Resource("B/Two");
  NestedStacks split = Split(t, Small());
  const Json& passed = split.parent["Resources"]["NestedA"]["Properties"]["Parameters"];
  EXPECT_EQ(passed["Subnets"], Json::parse(R"({"Fn::Join": [",", {"Ref": "Subnets"}]})"));
  EXPECT_EQ(passed["Name"], Json::parse(R"({"Ref": "Name"})"));
  EXPECT_EQ(split.children.at("NestedA")["Parameters"]["Subnets"]["Type"],
            "List<AWS::EC2::Subnet::Id>");
}

TEST(NestedTest, ComponentsReferencingEachOtherStayTogether) {
  Json t = Json::parse(R"({"Resources": {}})");
  t["Resources"]["A1"] = Resource("A/One", Json::parse(R"({"TopicName": {"Ref": "B1"}})"));
  t["Resources"]["A2"] = Resource("A/Two");
  t["Resources"]["B1"] = Resource("B/One");
  t["Resources"]["B2"] = Resource("B/Two", Json::parse(R"({"TopicName": {"Ref": "A2"}})"));
  t["Resources"]["C1"] = Resource("C/One");
  NestedStacks split = Split(t, Small());
  for (const auto& [name, child] : split.children) {
    EXPECT_EQ(child["Resources"].contains("A1"), child["Resources"].contains("B1")) << name;
  }
  Json big = t;
  big["Resources"]["A3"] = Resource("A/Three");
  auto refused = SplitIntoNestedStacks(
      big, NestedOptions{.split_above = 4, .max_resources = 4, .child_max = 3, .child_min = 1});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), base::Code::kFailedPrecondition);
  EXPECT_THAT(refused.error().message(),
              HasSubstr("A, B reference each other and hold 5 resources together, over the "
                        "4-resource limit of one stack"));
}

TEST(NestedTest, BigComponentsAreSplitBySubtree) {
  Json t = Json::parse(R"({"Resources": {}})");
  for (int i = 1; i <= 4; ++i) {
    for (int j = 1; j <= 2; ++j) {
      std::string id = "S" + std::to_string(i) + "R" + std::to_string(j);
      t["Resources"][id] = Resource("Services/S" + std::to_string(i) + "/R" + std::to_string(j));
    }
  }
  NestedStacks split = Split(t, Small());
  ASSERT_GE(split.children.size(), 3u);
  for (const auto& [name, child] : split.children) {
    EXPECT_EQ(child["Resources"].contains("S1R1"), child["Resources"].contains("S1R2")) << name;
    EXPECT_EQ(child["Resources"].contains("S3R1"), child["Resources"].contains("S3R2")) << name;
  }
  EXPECT_EQ(split.summary.front().first, "Services/S1");
}

TEST(NestedTest, RefusesATransform) {
  Json t = Json::parse(R"({"Transform": "AWS::Serverless-2016-10-31", "Resources": {}})");
  for (int i = 0; i < 6; ++i) t["Resources"]["R" + std::to_string(i)] = Resource("R");
  auto refused = SplitIntoNestedStacks(t, Small());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), base::Code::kInvalidArgument);
  EXPECT_THAT(refused.error().message(), HasSubstr("Transform"));
}

// Every reference form crossing stacks: the "Id.Attr" GetAtt, Fn::Sub names and its variable
// map, ${!Literal} left alone. The template handed over (moved) splits exactly as a copy does,
// and the copying overload leaves its input untouched.
TEST(NestedTest, EveryReferenceFormIsRewrittenInPlace) {
  Json tmpl = Json::parse(R"({
    "Resources": {
      "A1": {"Type": "AWS::SNS::Topic", "Metadata": {"rex:path": "S/A/A1"}},
      "A2": {"Type": "AWS::SNS::Topic", "Metadata": {"rex:path": "S/A/A2"}},
      "A3": {"Type": "AWS::SNS::Topic", "Metadata": {"rex:path": "S/A/A3"}},
      "B1": {"Type": "AWS::SNS::Topic", "Metadata": {"rex:path": "S/B/B1"},
             "Properties": {
               "X": {"Fn::GetAtt": "A1.Arn"},
               "Y": {"Fn::Sub": ["${A2}-${V}-${!A3}-${AWS::Region}", {"V": {"Ref": "A3"}}]},
               "Z": {"Fn::Sub": "${A1}"}}}
    }
  })");
  NestedOptions options{.split_above = 2, .child_max = 3, .child_min = 1, .boundary_period = 1};
  const Json original = tmpl;
  auto copied = SplitIntoNestedStacks(tmpl, options);
  ASSERT_TRUE(copied.ok()) << copied.error().ToString();
  EXPECT_EQ(tmpl, original);
  auto moved = SplitIntoNestedStacks(Json(tmpl), options);
  ASSERT_TRUE(moved.ok()) << moved.error().ToString();
  EXPECT_EQ(moved->parent, copied->parent);
  EXPECT_EQ(moved->children, copied->children);

  ASSERT_EQ(moved->children.size(), 2u);
  const Json& b = moved->children.at("NestedB");
  EXPECT_EQ(b["Resources"]["B1"]["Properties"], Json::parse(R"({
    "X": {"Ref": "A1Arn"},
    "Y": {"Fn::Sub": ["${A2Ref}-${V}-${!A3}-${AWS::Region}", {"V": {"Ref": "A3Ref"}}]},
    "Z": {"Fn::Sub": "${A1Ref}"}
  })"));
  EXPECT_EQ(b["Parameters"], Json::parse(R"({"A1Arn": {"Type": "String"},
    "A1Ref": {"Type": "String"}, "A2Ref": {"Type": "String"}, "A3Ref": {"Type": "String"}})"));
  EXPECT_EQ(moved->children.at("NestedA")["Outputs"], Json::parse(R"({
    "A1Arn": {"Value": {"Fn::GetAtt": ["A1", "Arn"]}},
    "A1Ref": {"Value": {"Ref": "A1"}},
    "A2Ref": {"Value": {"Ref": "A2"}},
    "A3Ref": {"Value": {"Ref": "A3"}}
  })"));
  EXPECT_EQ(moved->parent["Resources"]["NestedB"]["Properties"]["Parameters"]["A2Ref"],
            Json::parse(R"({"Fn::GetAtt": ["NestedA", "Outputs.A2Ref"]})"));
}

TEST(NestedTest, SummaryCountsEveryReferenceFormAndTheRootOutputs) {
  Json tmpl = Json::parse(R"({
    "Parameters": {"Env": {"Type": "String"}, "Unused": {"Type": "String"}},
    "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}},
    "Resources": {
      "A1": {"Type": "AWS::SNS::Topic", "Metadata": {"rex:path": "S/A/A1"}},
      "A2": {"Type": "AWS::SNS::Topic", "Metadata": {"rex:path": "S/A/A2"},
             "Condition": "IsProd"},
      "A3": {"Type": "AWS::SNS::Topic", "Metadata": {"rex:path": "S/A/A3"}},
      "B1": {"Type": "AWS::SNS::Topic", "Metadata": {"rex:path": "S/B/B1"},
             "DependsOn": ["A3"],
             "Properties": {
               "X": {"Fn::GetAtt": "A1.Arn"},
               "Y": {"Fn::Sub": ["${A2}-${V}-${!A3}-${AWS::Region}", {"V": {"Ref": "A3"}}]},
               "Z": {"Fn::Sub": "${A1}-${Env}"}}},
      "B2": {"Type": "AWS::SNS::Topic", "Metadata": {"rex:path": "S/B/B2"},
             "Properties": {"X": {"Fn::If": ["IsProd", {"Ref": "A1"}, ""]}}}
    },
    "Outputs": {"FromA": {"Value": {"Fn::GetAtt": ["A3", "TopicName"]}},
                "FromB": {"Value": {"Ref": "B2"}, "Condition": "IsProd"}}
  })");
  NestedOptions options{.split_above = 2, .child_max = 3, .child_min = 1, .boundary_period = 1};
  ExpectSummaryMatchesSplit(tmpl, options);
  auto summary = SummarizeNestedStacks(tmpl, options);
  ASSERT_TRUE(summary.ok()) << summary.error().ToString();
  ASSERT_EQ(summary->size(), 2u);
  EXPECT_EQ((*summary)[0].name, "NestedA");
  // A1Arn, A1Ref, A2Ref, A3Ref for NestedB; A3TopicName for the parent's output.
  EXPECT_EQ((*summary)[0].outputs, 5u);
  EXPECT_EQ((*summary)[1].name, "NestedB");
  EXPECT_EQ((*summary)[1].parameters, 5u);  // the four imports and Env
}

TEST(NestedTest, SummaryGivesTheSplitsErrors) {
  // Components referencing each other over the limit of one stack.
  Json cycle = Json::parse(R"({"Resources": {}})");
  cycle["Resources"]["A1"] = Resource("A/One", Json::parse(R"({"TopicName": {"Ref": "B1"}})"));
  cycle["Resources"]["A2"] = Resource("A/Two");
  cycle["Resources"]["A3"] = Resource("A/Three");
  cycle["Resources"]["B1"] = Resource("B/One");
  cycle["Resources"]["B2"] = Resource("B/Two", Json::parse(R"({"TopicName": {"Ref": "A2"}})"));
  cycle["Resources"]["C1"] = Resource("C/One");
  NestedOptions tight{.split_above = 4, .max_resources = 4, .child_max = 3, .child_min = 1};
  ExpectSummaryMatchesSplit(cycle, tight);
  EXPECT_FALSE(SummarizeNestedStacks(cycle, tight).ok());

  // A child needing more parameters than CloudFormation allows.
  Json wide = Json::parse(R"({"Parameters": {}, "Resources": {}})");
  Json parts = Json::array();
  for (size_t i = 0; i <= kMaxParametersPerStack; ++i) {
    std::string p = "P" + std::to_string(i);
    wide["Parameters"][p] = Json{{"Type", "String"}};
    parts.push_back(Json{{"Ref", p}});
  }
  wide["Resources"]["A1"] =
      Resource("A/One", Json{{"TopicName", Json{{"Fn::Join", Json::array({"-", parts})}}}});
  for (int i = 1; i <= 4; ++i) wide["Resources"]["B" + std::to_string(i)] = Resource("B");
  ExpectSummaryMatchesSplit(wide, Small());
  auto refused = SummarizeNestedStacks(wide, Small());
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.error().message(),
              HasSubstr("nested stack NestedA needs 201 parameters, over CloudFormation's limit "
                        "of 200"));

  // A Transform, and options that make no sense.
  Json transform = Json::parse(R"({"Transform": "AWS::Serverless-2016-10-31", "Resources": {}})");
  for (int i = 0; i < 6; ++i) transform["Resources"]["R" + std::to_string(i)] = Resource("R");
  ExpectSummaryMatchesSplit(transform, Small());
  ExpectSummaryMatchesSplit(wide, NestedOptions{.split_above = 4, .child_max = 0});
}

TEST(NestedTest, SummaryOfATemplateUnderTheLimitIsEmpty) {
  auto dev = stack::SynthesizeRexStack(config::PresetConfig(config::Preset::kDev));
  ASSERT_TRUE(dev.ok());
  auto summary = SummarizeNestedStacks(dev->json);
  ASSERT_TRUE(summary.ok());
  EXPECT_TRUE(summary->empty());
}

TEST(NestedTest, NaturalOrder) {
  EXPECT_TRUE(NaturalLess("Service2", "Service10"));
  EXPECT_FALSE(NaturalLess("Service10", "Service2"));
  EXPECT_TRUE(NaturalLess("Service", "Service1"));
  EXPECT_TRUE(NaturalLess("A", "B"));
  EXPECT_FALSE(NaturalLess("Service1", "Service1"));
  EXPECT_TRUE(NaturalLess("Service1/Logs", "Service1/Rule"));
}

// A small forced split of the synthetic stack, kept as goldens in tests/golden/nested-split/
// as `rex synth -o` lays them out (parent.template.json, <Child>.nested.template.json), which
// the ctest cfn_lint_nested_split lints: cfn-lint follows the parent's local TemplateURLs and
// checks the parameters it passes against each child's.
TEST(NestedTest, GoldenSmallSplit) {
  core::App app;
  auto& stack = app.Add<stack::SyntheticStack>("Synthetic", stack::SyntheticProps{.services = 3});
  auto result = stack.Synthesize();
  ASSERT_TRUE(result.ok());
  NestedStacks split = Split(
      result->json,
      NestedOptions{.split_above = 20, .child_max = 20, .child_min = 10, .boundary_period = 10});
  ASSERT_GE(split.children.size(), 2u);
  EXPECT_TRUE(rex::testing::MatchesGolden("nested-split/parent.template.json",
                                          base::DumpJson(split.parent)));
  for (const auto& [name, child] : split.children) {
    EXPECT_TRUE(rex::testing::MatchesGolden("nested-split/" + NestedTemplateFileName(name),
                                            base::DumpJson(child)));
  }
}

}  // namespace
}  // namespace rex::tmpl
