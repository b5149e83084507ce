#include "core/stack.h"

#include <gtest/gtest.h>

#include "core/intrinsics.h"
#include "test_resources.h"

namespace rex::core {
namespace {

using testing::Widget;
using testing::WidgetProps;
using testing::WidgetSettings;

// The synthesis error text, or "" if synthesis succeeded.
std::string SynthError(const Stack& stack) {
  auto result = stack.Synthesize();
  return result.has_value() ? std::string() : result.error().message();
}

TEST(SynthTest, EmitsResourcesParametersOutputsConditions) {
  App app;
  auto& stack = app.Add<Stack>("Rex", StackProps{.description = "test stack"});
  auto& password = stack.Add<Parameter>(
      "DbPassword", ParameterProps{.description = "master password", .no_echo = true});
  auto& a = stack.Add<Widget>("A", WidgetProps{.name = "a", .mode = "fast", .size = 3});
  auto& b =
      stack.Add<Widget>("B", WidgetProps{.name = "b", .peers = List<Str>{a.Ref(), password.Ref()}});
  b.set_deletion_policy(DeletionPolicy::kSnapshot);
  b.set_update_replace_policy(DeletionPolicy::kSnapshot);
  auto& is_prod = stack.Add<Condition>("IsProd", Equals(aws::StackName().value(), "prod"));
  auto& c = stack.Add<Widget>("C", WidgetProps{.name = "c"});
  c.set_condition(is_prod);
  c.AddDependsOn(b);
  c.AddDependsOn(a);
  stack.Add<Output>("widgetArn", OutputProps{.value = a.attr_arn().value(),
                                             .description = "the arn",
                                             .export_name = Sub("${AWS::StackName}-arn")});
  auto result = stack.Synthesize();
  ASSERT_TRUE(result.has_value()) << result.error().message();
  EXPECT_EQ(result->ToJson(), R"({
  "AWSTemplateFormatVersion": "2010-09-09",
  "Conditions": {
    "IsProd": {
      "Fn::Equals": [
        {
          "Ref": "AWS::StackName"
        },
        "prod"
      ]
    }
  },
  "Description": "test stack",
  "Outputs": {
    "widgetArn": {
      "Description": "the arn",
      "Export": {
        "Name": {
          "Fn::Sub": "${AWS::StackName}-arn"
        }
      },
      "Value": {
        "Fn::GetAtt": [
          "A",
          "Arn"
        ]
      }
    }
  },
  "Parameters": {
    "DbPassword": {
      "Description": "master password",
      "NoEcho": true,
      "Type": "String"
    }
  },
  "Resources": {
    "A": {
      "Metadata": {
        "rex:path": "Rex/A"
      },
      "Properties": {
        "Mode": "fast",
        "Name": "a",
        "Size": 3
      },
      "Type": "Test::Widget"
    },
    "B": {
      "DeletionPolicy": "Snapshot",
      "Metadata": {
        "rex:path": "Rex/B"
      },
      "Properties": {
        "Name": "b",
        "Peers": [
          {
            "Ref": "A"
          },
          {
            "Ref": "DbPassword"
          }
        ]
      },
      "Type": "Test::Widget",
      "UpdateReplacePolicy": "Snapshot"
    },
    "C": {
      "Condition": "IsProd",
      "DependsOn": [
        "A",
        "B"
      ],
      "Metadata": {
        "rex:path": "Rex/C"
      },
      "Properties": {
        "Name": "c"
      },
      "Type": "Test::Widget"
    }
  }
}
)");
}

TEST(SynthTest, DependenciesFromReferencesAreNotWrittenAsDependsOn) {
  App app;
  auto& stack = app.Add<Stack>("Rex");
  auto& a = stack.Add<Widget>("A", WidgetProps{.name = "a"});
  stack.Add<Widget>("B", WidgetProps{.name = Join("-", {a.Ref(), "b"})});
  auto result = stack.Synthesize();
  ASSERT_TRUE(result.has_value()) << result.error().message();
  EXPECT_FALSE(result->json["Resources"]["B"].contains("DependsOn"));
}

TEST(SynthTest, DeterministicBytes) {
  auto build = [] {
    App app;
    auto& stack = app.Add<Stack>("Rex");
    auto& a = stack.Add<Widget>(
        "Zeta", WidgetProps{.name = "z", .labels = Map<Str>{{"b", "1"}, {"a", "2"}}});
    stack.Add<Widget>("Alpha", WidgetProps{.name = "a", .peers = List<Str>{a.attr_arn()}});
    return stack.Synthesize()->ToJson();
  };
  std::string first = build();
  EXPECT_EQ(first, build());
  EXPECT_LT(first.find("\"Alpha\""), first.find("\"Zeta\""));
}

TEST(SynthTest, YamlOutput) {
  App app;
  auto& stack = app.Add<Stack>("Rex");
  auto& a = stack.Add<Widget>("A", WidgetProps{.name = "a", .size = 2});
  stack.Add<Output>("arn", OutputProps{.value = a.attr_arn().value()});
  auto result = stack.Synthesize();
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->ToYaml(), R"(AWSTemplateFormatVersion: "2010-09-09"
Outputs:
  arn:
    Value:
      Fn::GetAtt:
        - "A"
        - "Arn"
Resources:
  A:
    Metadata:
      rex:path: "Rex/A"
    Properties:
      Name: "a"
      Size: 2
    Type: "Test::Widget"
)");
}

TEST(ValidationTest, MissingRequiredProperty) {
  App app;
  auto& stack = app.Add<Stack>("Rex");
  stack.Add<Widget>("A", WidgetProps{.mode = "fast"});
  EXPECT_EQ(SynthError(stack),
            "error: Rex/A: Name: missing required property\n1 error; no template written");
}

TEST(ValidationTest, MissingRequiredNestedProperty) {
  App app;
  auto& stack = app.Add<Stack>("Rex");
  stack.Add<Widget>("A", WidgetProps{.name = "a", .settings = WidgetSettings{.level = 2}});
  EXPECT_EQ(
      SynthError(stack),
      "error: Rex/A: Settings.Enabled: missing required property\n1 error; no template written");
}

TEST(ValidationTest, WrongTypeFromOverride) {
  App app;
  auto& stack = app.Add<Stack>("Rex");
  auto& a = stack.Add<Widget>("A", WidgetProps{.name = "a"});
  a.AddPropertyOverride("Size", Value("big"));
  a.AddPropertyOverride("Peers", Value(3));
  EXPECT_EQ(SynthError(stack),
            "error: Rex/A: Peers: expected a list, got an integer\n"
            "error: Rex/A: Size: expected an integer, got a string\n"
            "2 errors; no template written");
}

TEST(ValidationTest, ValueOutsideEnum) {
  App app;
  auto& stack = app.Add<Stack>("Rex");
  stack.Add<Widget>("A", WidgetProps{.name = "a", .mode = "medium"});
  EXPECT_EQ(SynthError(stack),
            "error: Rex/A: Mode: \"medium\" is not allowed; use one of: fast, slow\n"
            "1 error; no template written");
}

TEST(ValidationTest, ValueNotMatchingPatternOrTooLong) {
  App app;
  auto& stack = app.Add<Stack>("Rex");
  stack.Add<Widget>("A", WidgetProps{.name = "Bad_Name"});
  stack.Add<Widget>("B", WidgetProps{.name = "a-name-that-is-far-too-long"});
  EXPECT_EQ(SynthError(stack),
            "error: Rex/A: Name: \"Bad_Name\" does not match the pattern \\A[a-z][a-z0-9-]*\\Z\n"
            "error: Rex/B: Name: value of length 27 is longer than the maximum length 20\n"
            "2 errors; no template written");
}

TEST(ValidationTest, NumberOutOfRange) {
  App app;
  auto& stack = app.Add<Stack>("Rex");
  stack.Add<Widget>(
      "A", WidgetProps{.name = "a", .settings = WidgetSettings{.enabled = true, .level = 9}});
  EXPECT_EQ(SynthError(stack),
            "error: Rex/A: Settings.Level: 9 is above the maximum 5\n1 error; no template written");
}

TEST(ValidationTest, UnknownPropertyWithHint) {
  App app;
  auto& stack = app.Add<Stack>("Rex");
  auto& a = stack.Add<Widget>("A", WidgetProps{.name = "a"});
  a.AddPropertyOverride("Sise", Value(2));
  EXPECT_EQ(
      SynthError(stack),
      "error: Rex/A: Sise: unknown property; did you mean Size?\n1 error; no template written");
}

TEST(ValidationTest, ReferenceToResourceOutsideTheStack) {
  App app;
  auto& network = app.Add<Stack>("Network");
  auto& vpc = network.Add<Widget>("Vpc", WidgetProps{.name = "vpc"});
  auto& app_stack = app.Add<Stack>("App");
  app_stack.Add<Widget>("Service", WidgetProps{.name = "svc", .peers = List<Str>{vpc.Ref()}});
  EXPECT_EQ(SynthError(app_stack),
            "error: App/Service: references Network/Vpc of stack Network, outside stack App; pass "
            "it as a parameter or an exported output\n1 error; no template written");
  EXPECT_EQ(SynthError(network), "");
}

TEST(ValidationTest, UnknownAttribute) {
  App app;
  auto& stack = app.Add<Stack>("Rex");
  auto& a = stack.Add<Widget>("A", WidgetProps{.name = "a"});
  stack.Add<Widget>("B", WidgetProps{.name = "b", .peers = List<Str>{a.GetAtt("Endpoint.Port")}});
  EXPECT_EQ(SynthError(stack),
            "error: Rex/B: Test::Widget A has no attribute Endpoint.Port; it has: Arn, "
            "Endpoint.Address\n1 error; no template written");
}

TEST(ValidationTest, SubNamingAnUnknownElement) {
  App app;
  auto& stack = app.Add<Stack>("Rex");
  stack.Add<Widget>("Alpha", WidgetProps{.name = "a"});
  stack.Add<Widget>("B", WidgetProps{.name = "b", .peers = List<Str>{Sub("${Alpa.Arn}")}});
  EXPECT_EQ(SynthError(stack),
            "error: Rex/B: Fn::Sub to Alpa, which is not in this stack; did you mean Alpha?\n"
            "1 error; no template written");
}

// Regression: the "Id.Attr" string form of Fn::GetAtt (written through an escape hatch) was
// not checked, and its dependency was not recorded.
TEST(ValidationTest, GetAttStringFormIsChecked) {
  App app;
  auto& stack = app.Add<Stack>("Rex");
  stack.Add<Widget>("Alpha", WidgetProps{.name = "a"});
  stack.Add<Widget>(
      "B", WidgetProps{.name = "b",
                       .peers = List<Str>{
                           Str::Token(Value::FromJson(base::Json{{"Fn::GetAtt", "Alpa.Arn"}})),
                           Str::Token(Value::FromJson(base::Json{{"Fn::GetAtt", "Alpha.Port"}}))}});
  EXPECT_EQ(SynthError(stack),
            "error: Rex/B: Fn::GetAtt to Alpa, which is not in this stack; did you mean Alpha?\n"
            "error: Rex/B: Test::Widget Alpha has no attribute Port; it has: Arn, "
            "Endpoint.Address\n2 errors; no template written");
}

TEST(ValidationTest, GetAttStringFormTakesPartInCycles) {
  App app;
  auto& stack = app.Add<Stack>("Rex");
  auto& a = stack.Add<Widget>(
      "A", WidgetProps{.name = "a",
                       .peers = List<Str>{Str::Token(
                           Value::FromJson(base::Json{{"Fn::GetAtt", "B.Endpoint.Address"}}))}});
  stack.Add<Widget>("B", WidgetProps{.name = "b", .peers = List<Str>{a.attr_arn()}});
  EXPECT_EQ(SynthError(stack),
            "error: Rex/A: dependency cycle: A -> B -> A\n1 error; no template written");
}

TEST(ValidationTest, SubVariablesAndEscapesAreNotReferences) {
  App app;
  auto& stack = app.Add<Stack>("Rex");
  auto& a = stack.Add<Widget>("A", WidgetProps{.name = "a"});
  stack.Add<Widget>("B", WidgetProps{.name = "b",
                                     .peers = List<Str>{Sub("${Local}-${!Literal}-${AWS::Region}",
                                                            {{"Local", a.attr_arn()}})}});
  EXPECT_EQ(SynthError(stack), "");
}

TEST(ValidationTest, DependencyCycle) {
  App app;
  auto& stack = app.Add<Stack>("Rex");
  auto& a = stack.Add<Widget>("A", WidgetProps{.name = "a"});
  auto& b = stack.Add<Widget>("B", WidgetProps{.name = "b", .peers = List<Str>{a.attr_arn()}});
  auto& c = stack.Add<Widget>("C", WidgetProps{.name = "c", .peers = List<Str>{b.attr_arn()}});
  a.AddDependsOn(c);
  EXPECT_EQ(SynthError(stack),
            "error: Rex/A: dependency cycle: A -> C -> B -> A\n1 error; no template written");
}

TEST(ValidationTest, DuplicateLogicalIdAndDuplicateChild) {
  App app;
  auto& stack = app.Add<Stack>("Rex");
  stack.Add<Widget>("WebApi", WidgetProps{.name = "a"});
  stack.Add<Widget>("Web-Api", WidgetProps{.name = "b"});
  stack.Add<Widget>("Web-Api", WidgetProps{.name = "c"});
  EXPECT_EQ(SynthError(stack),
            "error: Rex: two children have the id \"Web-Api\"\n"
            "error: Rex/Web-Api: logical id WebApi is also used by Rex/WebApi; rename one of the "
            "constructs\n"
            "error: Rex/Web-Api: logical id WebApi is also used by Rex/WebApi; rename one of the "
            "constructs\n"
            "3 errors; no template written");
}

TEST(ValidationTest, EveryErrorIsReportedAtOnce) {
  App app;
  auto& stack = app.Add<Stack>("Rex");
  stack.Add<Widget>("A", WidgetProps{.mode = "medium"});
  stack.Add<Widget>("B", WidgetProps{});
  std::string error = SynthError(stack);
  EXPECT_NE(error.find("error: Rex/A: Mode:"), std::string::npos);
  EXPECT_NE(error.find("error: Rex/A: Name: missing required property"), std::string::npos);
  EXPECT_NE(error.find("error: Rex/B: Name: missing required property"), std::string::npos);
  EXPECT_NE(error.find("3 errors; no template written"), std::string::npos);
}

TEST(OverrideTest, SetsNestedAndDeletes) {
  App app;
  auto& stack = app.Add<Stack>("Rex");
  auto& a = stack.Add<Widget>(
      "A", WidgetProps{.name = "a", .size = 1, .settings = WidgetSettings{.enabled = true}});
  a.AddPropertyOverride("Settings.Level", Value(4));
  a.AddPropertyOverride("Size", Value());
  auto result = stack.Synthesize();
  ASSERT_TRUE(result.has_value()) << result.error().message();
  EXPECT_EQ(result->json["Resources"]["A"]["Properties"],
            base::Json::parse(R"({"Name":"a","Settings":{"Enabled":true,"Level":4}})"));
}

}  // namespace
}  // namespace rex::core
