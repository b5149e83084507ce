// The YAML side of the template reader: a YAML template and its JSON twin read the same, every
// short-form tag becomes its long form, plain scalars are typed as cfn-flip types them, errors
// name the line, and deep or hostile input is refused without a crash.

#include "template/template_yaml.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "core/stack.h"
#include "template/template_reader.h"

namespace rex::tmpl {
namespace {

using base::Json;

Json ReadOk(const std::string& text) {
  auto read = ReadTemplate(text, "t.yaml");
  EXPECT_TRUE(read.has_value()) << read.error().ToString() << "\n" << text;
  return read.has_value() ? *read : Json();
}

std::string ReadError(const std::string& text) {
  auto read = ReadTemplate(text, "t.yaml");
  if (read.has_value()) {
    ADD_FAILURE() << "accepted: " << text;
    return "";
  }
  EXPECT_EQ(read.error().code(), base::Code::kInvalidArgument);
  return read.error().message();
}

// The value of Outputs.O.Value of a template holding `yaml_value` there.
Json OutputValue(const std::string& yaml_value) {
  Json tmpl = ReadOk("Outputs:\n  O:\n    Value: " + yaml_value + "\n");
  if (!tmpl.is_object()) return Json();
  return tmpl["Outputs"]["O"]["Value"];
}

constexpr const char* kYamlTemplate = R"(# A template written by hand, with comments.
AWSTemplateFormatVersion: 2010-09-09
Description: >-
  Networking for the
  dev stack
Parameters:
  Env:
    Type: String
    Default: dev
    AllowedValues: [dev, prod]
  Port:
    Type: Number
    Default: 8080
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NotProd: !Not [!Condition IsProd]
  Either: !Or [!Condition IsProd, !Condition NotProd]
  Both: !And
    - !Condition IsProd
    - !Equals ['a', "a"]
Mappings:
  Sizes:
    dev: {Cidr: 10.0.0.0/16, Count: 2}
    prod: {Cidr: 10.1.0.0/16, Count: 3}
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    DeletionPolicy: Retain
    Properties:
      CidrBlock: !FindInMap [Sizes, !Ref Env, Cidr]
      EnableDnsSupport: true
      EnableDnsHostnames: yes
      Tags:
        - Key: Name
          Value: !Sub '${AWS::StackName}-vpc'
        - Key: Port
          Value: !Sub
            - 'port ${P}'
            - P: !Ref Port
  Subnet:
    Type: AWS::EC2::Subnet
    DependsOn: [Vpc]
    Condition: IsProd
    Properties:
      VpcId: !Ref Vpc
      AvailabilityZone: !Select [0, !GetAZs '']
      CidrBlock: !Select [0, !Cidr [!GetAtt Vpc.CidrBlock, 4, 8]]
      MapPublicIpOnLaunch: false
      UserData: !Base64 |
        #!/bin/bash
        echo "hello [ {"
  Log:
    Type: AWS::Logs::LogGroup
    Properties:
      RetentionInDays: 14
      LogGroupName: !Join ['-', !Split [',', 'a,b']]
      DataProtectionPolicy: !If [IsProd, {Name: p, Version: 2021-06-01}, !Ref AWS::NoValue]
Outputs:
  VpcId:
    Value: !Ref Vpc
    Export:
      Name: !Sub '${AWS::StackName}-VpcId'
  Imported:
    Value: !ImportValue other-VpcId
  Cidr:
    Value: !GetAtt [Vpc, CidrBlock]
  Ratio:
    Value: 0.5
)";

constexpr const char* kJsonTwin = R"({
  "AWSTemplateFormatVersion": "2010-09-09",
  "Description": "Networking for the dev stack",
  "Parameters": {
    "Env": {"Type": "String", "Default": "dev", "AllowedValues": ["dev", "prod"]},
    "Port": {"Type": "Number", "Default": 8080}
  },
  "Conditions": {
    "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
    "NotProd": {"Fn::Not": [{"Condition": "IsProd"}]},
    "Either": {"Fn::Or": [{"Condition": "IsProd"}, {"Condition": "NotProd"}]},
    "Both": {"Fn::And": [{"Condition": "IsProd"}, {"Fn::Equals": ["a", "a"]}]}
  },
  "Mappings": {
    "Sizes": {
      "dev": {"Cidr": "10.0.0.0/16", "Count": 2},
      "prod": {"Cidr": "10.1.0.0/16", "Count": 3}
    }
  },
  "Resources": {
    "Vpc": {
      "Type": "AWS::EC2::VPC",
      "DeletionPolicy": "Retain",
      "Properties": {
        "CidrBlock": {"Fn::FindInMap": ["Sizes", {"Ref": "Env"}, "Cidr"]},
        "EnableDnsSupport": true,
        "EnableDnsHostnames": true,
        "Tags": [
          {"Key": "Name", "Value": {"Fn::Sub": "${AWS::StackName}-vpc"}},
          {"Key": "Port", "Value": {"Fn::Sub": ["port ${P}", {"P": {"Ref": "Port"}}]}}
        ]
      }
    },
    "Subnet": {
      "Type": "AWS::EC2::Subnet",
      "DependsOn": ["Vpc"],
      "Condition": "IsProd",
      "Properties": {
        "VpcId": {"Ref": "Vpc"},
        "AvailabilityZone": {"Fn::Select": [0, {"Fn::GetAZs": ""}]},
        "CidrBlock": {"Fn::Select": [0, {"Fn::Cidr": [{"Fn::GetAtt": ["Vpc", "CidrBlock"]}, 4, 8]}]},
        "MapPublicIpOnLaunch": false,
        "UserData": {"Fn::Base64": "#!/bin/bash\necho \"hello [ {\"\n"}
      }
    },
    "Log": {
      "Type": "AWS::Logs::LogGroup",
      "Properties": {
        "RetentionInDays": 14,
        "LogGroupName": {"Fn::Join": ["-", {"Fn::Split": [",", "a,b"]}]},
        "DataProtectionPolicy": {"Fn::If": ["IsProd", {"Name": "p", "Version": "2021-06-01"},
                                            {"Ref": "AWS::NoValue"}]}
      }
    }
  },
  "Outputs": {
    "VpcId": {"Value": {"Ref": "Vpc"}, "Export": {"Name": {"Fn::Sub": "${AWS::StackName}-VpcId"}}},
    "Imported": {"Value": {"Fn::ImportValue": "other-VpcId"}},
    "Cidr": {"Value": {"Fn::GetAtt": ["Vpc", "CidrBlock"]}},
    "Ratio": {"Value": 0.5}
  }
})";

TEST(TemplateYamlTest, YamlAndItsJsonTwinReadTheSame) {
  Json from_yaml = ReadOk(kYamlTemplate);
  auto from_json = ReadTemplate(kJsonTwin, "t.json");
  ASSERT_TRUE(from_json.has_value()) << from_json.error().ToString();
  EXPECT_EQ(from_yaml, *from_json) << from_yaml.dump(2);
  EXPECT_EQ(from_yaml.dump(), from_json->dump());
}

TEST(TemplateYamlTest, WhatRexSynthYamlWritesReadsBackToTheSameJson) {
  core::Template synthesized;
  auto parsed = ReadTemplate(kJsonTwin, "t.json");
  ASSERT_TRUE(parsed.has_value());
  synthesized.json = *parsed;
  std::string yaml = synthesized.ToYaml();
  auto read = ReadTemplate(yaml, "synth.yaml");
  ASSERT_TRUE(read.has_value()) << read.error().ToString() << "\n" << yaml;
  EXPECT_EQ(*read, synthesized.json);
}

TEST(TemplateYamlTest, JsonIsDetectedPastCommentsAndBlankLines) {
  Json tmpl = ReadOk("\n# a comment { not json\n\n  {\"Resources\": {}}");
  EXPECT_EQ(tmpl, Json::parse(R"({"Resources": {}})"));
  // A flow mapping after a document marker is YAML (and reads the same).
  EXPECT_EQ(ReadOk("--- {\"Resources\": {}}"), Json::parse(R"({"Resources": {}})"));
}

struct TagCase {
  std::string name;
  std::string yaml;  // the value of Outputs.O.Value
  std::string json;  // what it must read as
};

class ShortFormTest : public ::testing::TestWithParam<TagCase> {};

TEST_P(ShortFormTest, BecomesTheLongForm) {
  const TagCase& c = GetParam();
  EXPECT_EQ(OutputValue(c.yaml), Json::parse(c.json)) << c.yaml;
}

INSTANTIATE_TEST_SUITE_P(
    Tags, ShortFormTest,
    ::testing::Values(
        TagCase{"Ref", "!Ref Vpc", R"({"Ref": "Vpc"})"},
        TagCase{"RefPseudo", "!Ref AWS::Region", R"({"Ref": "AWS::Region"})"},
        TagCase{"GetAttDotted", "!GetAtt Db.Endpoint.Address",
                R"({"Fn::GetAtt": ["Db", "Endpoint.Address"]})"},
        TagCase{"GetAttList", "!GetAtt [Db, Endpoint.Port]",
                R"({"Fn::GetAtt": ["Db", "Endpoint.Port"]})"},
        TagCase{"GetAttListWithRef", "!GetAtt [Db, !Ref Attr]",
                R"({"Fn::GetAtt": ["Db", {"Ref": "Attr"}]})"},
        TagCase{"SubString", "!Sub 'arn:${AWS::Partition}:s3:::${B}/*'",
                R"({"Fn::Sub": "arn:${AWS::Partition}:s3:::${B}/*"})"},
        TagCase{"SubWithMap", "!Sub ['${A}-${B}', {A: !Ref X, B: 2}]",
                R"({"Fn::Sub": ["${A}-${B}", {"A": {"Ref": "X"}, "B": 2}]})"},
        TagCase{"Join", "!Join [':', [a, !Ref B]]", R"({"Fn::Join": [":", ["a", {"Ref": "B"}]]})"},
        TagCase{"Select", "!Select [1, [a, b]]", R"({"Fn::Select": [1, ["a", "b"]]})"},
        TagCase{"Split", "!Split ['|', 'a|b']", R"({"Fn::Split": ["|", "a|b"]})"},
        TagCase{"If", "!If [C, yes-value, !Ref AWS::NoValue]",
                R"({"Fn::If": ["C", "yes-value", {"Ref": "AWS::NoValue"}]})"},
        TagCase{"Equals", "!Equals [!Ref E, prod]", R"({"Fn::Equals": [{"Ref": "E"}, "prod"]})"},
        TagCase{"And", "!And [!Condition A, !Condition B]",
                R"({"Fn::And": [{"Condition": "A"}, {"Condition": "B"}]})"},
        TagCase{"Or", "!Or [!Condition A, !Equals [a, b]]",
                R"({"Fn::Or": [{"Condition": "A"}, {"Fn::Equals": ["a", "b"]}]})"},
        TagCase{"Not", "!Not [!Condition A]", R"({"Fn::Not": [{"Condition": "A"}]})"},
        TagCase{"FindInMap", "!FindInMap [M, !Ref AWS::Region, Ami]",
                R"({"Fn::FindInMap": ["M", {"Ref": "AWS::Region"}, "Ami"]})"},
        TagCase{"Base64", "!Base64 '#!/bin/sh'", R"({"Fn::Base64": "#!/bin/sh"})"},
        TagCase{"Base64OfSub", "!Base64 {'Fn::Sub': x}", R"({"Fn::Base64": {"Fn::Sub": "x"}})"},
        TagCase{"Cidr", "!Cidr [10.0.0.0/16, 6, 5]", R"({"Fn::Cidr": ["10.0.0.0/16", 6, 5]})"},
        TagCase{"GetAZsEmpty", "!GetAZs ''", R"({"Fn::GetAZs": ""})"},
        TagCase{"GetAZsNoValue", "!GetAZs", R"({"Fn::GetAZs": ""})"},
        TagCase{"GetAZsRef", "!GetAZs {Ref: AWS::Region}",
                R"({"Fn::GetAZs": {"Ref": "AWS::Region"}})"},
        TagCase{"ImportValue", "!ImportValue {'Fn::Sub': '${N}-Id'}",
                R"({"Fn::ImportValue": {"Fn::Sub": "${N}-Id"}})"},
        TagCase{"Condition", "!Condition IsProd", R"({"Condition": "IsProd"})"},
        TagCase{"Transform", "!Transform {Name: AWS::Include, Parameters: {Location: s3://b/k}}",
                R"({"Fn::Transform": {"Name": "AWS::Include",
                                      "Parameters": {"Location": "s3://b/k"}}})"},
        TagCase{"Length", "!Length [a, b]", R"({"Fn::Length": ["a", "b"]})"},
        TagCase{"ToJsonString", "!ToJsonString {a: 1}", R"({"Fn::ToJsonString": {"a": 1}})"},
        TagCase{"ScalarUnderATagIsAString", "!Ref 80", R"({"Ref": "80"})"},
        TagCase{"BlockSequenceUnderATag", "!Join\n      - ''\n      - [a, b]",
                R"({"Fn::Join": ["", ["a", "b"]]})"},
        TagCase{"LongFormStaysAsIs", "{'Fn::GetAtt': [A, B]}", R"({"Fn::GetAtt": ["A", "B"]})"}),
    [](const auto& p) { return p.param.name; });

struct ScalarCase {
  std::string name;
  std::string yaml;
  std::string json;
};

class PlainScalarTest : public ::testing::TestWithParam<ScalarCase> {};

TEST_P(PlainScalarTest, IsTypedAsCfnFlipTypesIt) {
  const ScalarCase& c = GetParam();
  Json got = OutputValue(c.yaml);
  Json want = Json::parse(c.json);
  EXPECT_EQ(got, want) << c.yaml << " read as " << got.dump();
  EXPECT_EQ(got.type(), want.type()) << c.yaml << " read as " << got.dump();
}

INSTANTIATE_TEST_SUITE_P(
    Scalars, PlainScalarTest,
    ::testing::Values(ScalarCase{"Int", "8080", "8080"}, ScalarCase{"Negative", "-12", "-12"},
                      ScalarCase{"Plus", "+7", "7"}, ScalarCase{"Zero", "0", "0"},
                      ScalarCase{"Underscores", "1_000", "1000"},
                      ScalarCase{"Octal", "0755", "493"}, ScalarCase{"Hex", "0x1F", "31"},
                      ScalarCase{"Binary", "0b101", "5"}, ScalarCase{"Sexagesimal", "1:30", "90"},
                      ScalarCase{"NotOctal", "089", R"("089")"}, ScalarCase{"Float", "1.5", "1.5"},
                      ScalarCase{"FloatDot", ".5", "0.5"},
                      ScalarCase{"FloatExponent", "1.5e+3", "1500.0"},
                      ScalarCase{"ExponentWithoutDotIsAString", "1e3", R"("1e3")"},
                      ScalarCase{"True", "true", "true"}, ScalarCase{"Yes", "Yes", "true"},
                      ScalarCase{"On", "ON", "true"}, ScalarCase{"Off", "off", "false"},
                      ScalarCase{"No", "no", "false"}, ScalarCase{"Null", "null", "null"},
                      ScalarCase{"Tilde", "~", "null"}, ScalarCase{"Empty", "", "null"},
                      ScalarCase{"Date", "2010-09-09", R"("2010-09-09")"},
                      ScalarCase{"Version", "1.2.3", R"("1.2.3")"},
                      ScalarCase{"Cidr", "10.0.0.0/16", R"("10.0.0.0/16")"},
                      ScalarCase{"Infinity", ".inf", R"(".inf")"},
                      ScalarCase{"TooBig", "99999999999999999999999",
                                 R"("99999999999999999999999")"},
                      ScalarCase{"QuotedNumber", "'8080'", R"("8080")"},
                      ScalarCase{"DoubleQuotedBool", "\"true\"", R"("true")"},
                      ScalarCase{"ExplicitStr", "!!str 42", R"("42")"},
                      ScalarCase{"ExplicitInt", "!!int '42'", "42"},
                      ScalarCase{"ExplicitFloat", "!!float '2'", "2.0"},
                      ScalarCase{"ExplicitBool", "!!bool 'yes'", "true"},
                      ScalarCase{"Literal", "|\n      a\n      b", R"("a\nb\n")"},
                      ScalarCase{"Folded", ">-\n      a\n      b", R"("a b")"},
                      ScalarCase{"Colon", "arn:aws:s3:::b", R"("arn:aws:s3:::b")"}),
    [](const auto& p) { return p.param.name; });

struct ErrorCase {
  std::string name;
  std::string yaml;
  std::string error;
};

class YamlErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(YamlErrorTest, NamesTheFileAndLine) {
  const ErrorCase& c = GetParam();
  EXPECT_EQ(ReadError(c.yaml), c.error);
}

INSTANTIATE_TEST_SUITE_P(
    Errors, YamlErrorTest,
    ::testing::Values(
        ErrorCase{"Syntax", "Resources:\n  A:\n    Type: [a, b\n",
                  "t.yaml: line 4, column 1: invalid YAML: end of sequence flow not found"},
        ErrorCase{"BadIndentation", "Resources:\n  A: 1\n B: 2\n",
                  "t.yaml: line 3, column 2: invalid YAML: end of map not found"},
        ErrorCase{"UnknownTag", "Resources:\n  A:\n    Type: !Reff X\n",
                  "t.yaml: line 3: unknown tag !Reff; CloudFormation's short forms are !Ref, "
                  "!Condition, !GetAtt, !Base64, !Cidr, !FindInMap, !GetAZs, !ImportValue, !Join, "
                  "!Length, !Select, !Split, !Sub, !ToJsonString, !Transform, !And, !Equals, "
                  "!If, !Not, !Or"},
        ErrorCase{"GetAttWithoutDot", "Outputs:\n  O:\n    Value: !GetAtt Vpc\n",
                  "t.yaml: line 3: !GetAtt takes Resource.Attribute or [Resource, Attribute]; "
                  "got \"Vpc\""},
        ErrorCase{"GetAttMapping", "Outputs:\n  O:\n    Value: !GetAtt {A: B}\n",
                  "t.yaml: line 3: !GetAtt takes Resource.Attribute or [Resource, Attribute]; "
                  "got a mapping"},
        ErrorCase{"Alias", "Mappings:\n  A: &a {K: {V: 1}}\n  B: *a\n",
                  "t.yaml: line 3: YAML aliases (*name) are not supported; CloudFormation does "
                  "not accept them"},
        ErrorCase{"DuplicateKey", "Resources:\n  A:\n    Type: T\n  A:\n    Type: U\n",
                  "t.yaml: line 4: duplicate key \"A\""},
        ErrorCase{"CollectionKey", "Resources:\n  ? [a]\n  : 1\n",
                  "t.yaml: line 2: a mapping key is a collection; keys must be strings"},
        ErrorCase{"TwoDocuments", "Resources: {}\n---\nResources: {}\n",
                  "t.yaml: line 2: holds more than one YAML document; a template is a single "
                  "document"},
        ErrorCase{"BadExplicitInt", "Outputs:\n  O:\n    Value: !!int abc\n",
                  "t.yaml: line 3: \"abc\" is not a valid !!int"},
        ErrorCase{"BinaryTag", "Outputs:\n  O:\n    Value: !!binary aGVsbG8=\n",
                  "t.yaml: line 3: unknown tag !!binary; CloudFormation's short forms are !Ref, "
                  "!Condition, !GetAtt, !Base64, !Cidr, !FindInMap, !GetAZs, !ImportValue, !Join, "
                  "!Length, !Select, !Split, !Sub, !ToJsonString, !Transform, !And, !Equals, "
                  "!If, !Not, !Or"},
        ErrorCase{"NotAMapping", "- a\n- b\n",
                  "t.yaml: must be a JSON object (a CloudFormation template); got an array"},
        ErrorCase{"ScalarDocument", "just text",
                  "t.yaml: must be a JSON object (a CloudFormation template); got a string"},
        ErrorCase{"ShapeChecksApply", "Resources:\n  A:\n    Type: 3\n",
                  "t.yaml: Resources.A.Type: must be a non-empty string; got a number"},
        ErrorCase{"CommentsOnly", "# nothing\n  \n# here\n",
                  "t.yaml: is empty; expected a JSON or YAML template"}),
    [](const auto& p) { return p.param.name; });

TEST(TemplateYamlTest, TooLongIsRefused) {
  std::string text = "Description: " + std::string(kMaxTemplateBytes, 'x') + "\n";
  EXPECT_EQ(ReadError(text), "t.yaml: is " + std::to_string(text.size()) +
                                 " bytes; a template may have at most " +
                                 std::to_string(kMaxTemplateBytes) + " bytes");
}

std::string Deep(std::string_view open, std::string_view close, int levels) {
  std::string text = "Outputs:\n  O:\n    Value: ";
  for (int i = 0; i < levels; ++i) text += open;
  for (int i = 0; i < levels; ++i) text += close;
  return text + "\n";
}

TEST(TemplateYamlDepthTest, DeepFlowNestingIsRefusedWithoutCrashing) {
  EXPECT_EQ(ReadError(Deep("[", "]", 200000)),
            "t.yaml: line 3: nested deeper than 64 levels; not a CloudFormation template");
  EXPECT_EQ(ReadError(Deep("{a: ", "}", 100000)),
            "t.yaml: line 3: nested deeper than 64 levels; not a CloudFormation template");
  // Unclosed: yaml-cpp would recurse before noticing the missing closers.
  EXPECT_EQ(ReadError("Description: " + std::string(300000, '[')),
            "t.yaml: line 1: nested deeper than 64 levels; not a CloudFormation template");
  // Tags wrap a level each; the depth check after conversion counts them.
  EXPECT_TRUE(ReadTemplate(Deep("[", "]", 40), "t.yaml").has_value());
}

TEST(TemplateYamlDepthTest, DeepBlockNestingIsRefusedWithoutCrashing) {
  std::string block = "Outputs:\n";
  for (int i = 1; i < 300; ++i) block += std::string(static_cast<size_t>(i), ' ') + "k:\n";
  std::string error = ReadError(block);
  EXPECT_EQ(error, "t.yaml: line 65: nested deeper than 64 levels; not a CloudFormation template");

  std::string dashes = "Description:\n";
  for (int i = 0; i < 100000; ++i) dashes += "- ";
  dashes += "x\n";
  EXPECT_EQ(ReadError(dashes),
            "t.yaml: line 2: nested deeper than 64 levels; not a CloudFormation template");

  std::string tags = "Outputs:\n  O:\n    Value:";
  for (int i = 0; i < 100000; ++i) tags += " !Not [";
  EXPECT_NE(ReadError(tags).find("nested deeper than 64 levels"), std::string::npos);
}

TEST(TemplateYamlDepthTest, TheScanCountsWhatItSkipsCorrectly) {
  int line = 0;
  // Brackets inside quotes, comments, block scalars and plain scalars are not nesting.
  std::string quiet =
      "A: '[[[['\nB: \"{{{{\\\"[[\"\nC: x [[[[ y\n# [[[[[[\nD: |\n  [[[[[[\n  {{{{\n";
  EXPECT_EQ(ScanYamlDepth(quiet, 10, &line), 1);
  EXPECT_EQ(ScanYamlDepth("A:\n  B:\n    - [1, {c: [2]}]\n", 10, &line), 7);
  EXPECT_EQ(line, 3);
  // A quoted scalar over several lines hides its brackets until it closes.
  EXPECT_EQ(ScanYamlDepth("A: \"x\n  [[[[\n  y\" \nB: [[1]]\n", 10, &line), 3);
  EXPECT_EQ(line, 4);
  // Stops once the limit is passed.
  EXPECT_EQ(ScanYamlDepth(std::string(1000, '['), 5, &line), 6);
}

TEST(TemplateYamlDepthTest, ArbitraryYamlishBytesNeverCrash) {
  std::mt19937 rng(7);
  const std::string alphabet = "\n\n  ::--[]{},'\"#|>!&*?abRef GetAtt 0.1e+x\\\t%~@`\x01\xff";
  int accepted = 0;
  for (int i = 0; i < 5000; ++i) {
    std::string text;
    size_t length = rng() % 96;
    for (size_t j = 0; j < length; ++j) text += alphabet[rng() % alphabet.size()];
    auto read = ReadTemplate(text, "fuzz.yaml");
    if (read.has_value()) {
      ++accepted;
      EXPECT_TRUE(read->is_object());
    } else {
      EXPECT_EQ(read.error().code(), base::Code::kInvalidArgument);
      EXPECT_TRUE(read.error().message().rfind("fuzz.yaml", 0) == 0) << read.error().message();
    }
  }
  EXPECT_LT(accepted, 5000);
}

}  // namespace
}  // namespace rex::tmpl
