#include "core/references.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace rex::core {
namespace {

using base::Json;

// "kind function name[.attribute]" for every reference, in visiting order.
std::vector<std::string> Visit(const Json& value) {
  std::vector<std::string> out;
  ForEachReference(value, [&](const Reference& ref) {
    const char* kind = "";
    switch (ref.kind) {
      case ReferenceKind::kRef:
        kind = "ref";
        break;
      case ReferenceKind::kGetAtt:
        kind = "getatt";
        break;
      case ReferenceKind::kSub:
        kind = "sub";
        break;
      case ReferenceKind::kCondition:
        kind = "condition";
        break;
      case ReferenceKind::kMapping:
        kind = "mapping";
        break;
    }
    std::string text =
        std::string(kind) + " " + std::string(ref.function) + " " + std::string(ref.name);
    if (!ref.attribute.empty()) text += "." + std::string(ref.attribute);
    out.push_back(std::move(text));
  });
  return out;
}

using Names = std::vector<std::string>;

TEST(ReferencesTest, RefAndBothGetAttForms) {
  Json value = Json::parse(R"({
    "A": {"Ref": "Vpc"},
    "B": {"Fn::GetAtt": ["Role", "Arn"]},
    "C": {"Fn::GetAtt": "Bucket.Arn"},
    "D": {"Fn::GetAtt": "Queue.Attributes.Arn"},
    "E": {"Ref": "AWS::Region"}
  })");
  EXPECT_EQ(Visit(value),
            (Names{"ref Ref Vpc", "getatt Fn::GetAtt Role.Arn", "getatt Fn::GetAtt Bucket.Arn",
                   "getatt Fn::GetAtt Queue.Attributes.Arn", "ref Ref AWS::Region"}));
}

TEST(ReferencesTest, GetAttWithComputedAttributeVisitsTheAttribute) {
  Json value = Json::parse(R"({"Fn::GetAtt": ["Db", {"Ref": "AttrParam"}]})");
  EXPECT_EQ(Visit(value), (Names{"getatt Fn::GetAtt Db", "ref Ref AttrParam"}));
}

TEST(ReferencesTest, SubStringForm) {
  Json value = Json::parse(R"({"Fn::Sub": "arn:${AWS::Partition}:s3:::${Bucket}/${Role.Arn}"})");
  EXPECT_EQ(Visit(value),
            (Names{"sub Fn::Sub AWS::Partition", "sub Fn::Sub Bucket", "sub Fn::Sub Role.Arn"}));
}

TEST(ReferencesTest, SubEscapesAndUnterminatedAreNotReferences) {
  Json value = Json::parse(R"({"Fn::Sub": "${!Literal} ${} ${Real} tail ${Open"})");
  EXPECT_EQ(Visit(value), (Names{"sub Fn::Sub Real"}));
}

TEST(ReferencesTest, SubVariablesAreBoundAndTheirValuesVisitedFirst) {
  Json value = Json::parse(R"({"Fn::Sub": ["${Name}-${Other}-${Local.Attr}", {
    "Name": {"Ref": "Param"},
    "Local.Attr": {"Fn::GetAtt": ["Db", "Endpoint.Address"]}
  }]})");
  EXPECT_EQ(Visit(value),
            (Names{"getatt Fn::GetAtt Db.Endpoint.Address", "ref Ref Param", "sub Fn::Sub Other"}));
}

TEST(ReferencesTest, SubFormatNamesGivesPositions) {
  std::string format = "a${X}b${!Y}${Z.Arn}";
  std::vector<Reference> names = SubFormatNames(format);
  ASSERT_EQ(names.size(), 2u);
  EXPECT_EQ(names[0].name, "X");
  EXPECT_EQ(format.substr(names[0].begin, names[0].end - names[0].begin), "${X}");
  EXPECT_EQ(names[1].name, "Z");
  EXPECT_EQ(names[1].attribute, "Arn");
  EXPECT_EQ(format.substr(names[1].begin, names[1].end - names[1].begin), "${Z.Arn}");
}

TEST(ReferencesTest, ConditionsAndMappings) {
  Json value = Json::parse(R"({
    "A": {"Fn::If": ["IsProd", {"Ref": "Big"}, {"Ref": "AWS::NoValue"}]},
    "B": {"Condition": "HasDomain"},
    "C": {"Fn::FindInMap": ["Regions", {"Ref": "AWS::Region"}, "Ami"]}
  })");
  EXPECT_EQ(Visit(value), (Names{"condition Fn::If IsProd", "ref Ref Big", "ref Ref AWS::NoValue",
                                 "condition Condition HasDomain", "mapping Fn::FindInMap Regions",
                                 "ref Ref AWS::Region"}));
}

TEST(ReferencesTest, MalformedIntrinsicsAreWalkedAsValues) {
  Json value = Json::parse(R"([
    {"Ref": {"Ref": "Inner"}},
    {"Fn::Sub": 5},
    {"Fn::Sub": [{"Ref": "NotAFormat"}]},
    {"Fn::GetAtt": [{"Ref": "X"}]},
    {"Ref": "A", "Other": {"Ref": "B"}}
  ])");
  // A two-key object is not an intrinsic: its members are walked.
  EXPECT_EQ(Visit(value), (Names{"ref Ref Inner", "ref Ref NotAFormat", "ref Ref X", "ref Ref B"}));
}

TEST(ReferencesTest, LiteralsHoldNoReferences) {
  EXPECT_TRUE(
      Visit(Json::parse(R"({"Ref": 1, "Name": "${NotSub}", "List": [1, "x", null]})")).empty());
  EXPECT_TRUE(Visit(Json()).empty());
  EXPECT_TRUE(Visit(Json("Vpc.Arn")).empty());
}

TEST(ReferencesTest, ReferencedNamesSkipsConditionsAndMappings) {
  Json value = Json::parse(R"({
    "A": {"Fn::If": ["IsProd", {"Fn::GetAtt": "Db.Arn"}, ""]},
    "B": {"Fn::FindInMap": ["Map", "k", "v"]},
    "C": {"Fn::Sub": "${Bucket}"}
  })");
  EXPECT_EQ(ReferencedNames(value), (std::set<std::string>{"Bucket", "Db"}));
}

TEST(ReferencesTest, DeepInputDoesNotOverflowTheStack) {
  // 200,000 levels of nested lists and objects around one Ref: a recursive walker would
  // exhaust the call stack.
  Json value = Json::object({{"Ref", "Deep"}});
  for (int i = 0; i < 200000; ++i) {
    value = i % 2 == 0 ? Json::array({std::move(value)})
                       : Json::object({{"k", std::move(value)}, {"x", 1}});
  }
  EXPECT_EQ(Visit(value), (Names{"ref Ref Deep"}));
}

TEST(ReferencesTest, MutableWalkReplacesRefsInPlace) {
  Json value = Json::parse(R"({
    "A": {"Ref": "Old"},
    "B": [{"Fn::GetAtt": "Old.Arn"}, {"Fn::GetAtt": ["Keep", "Arn"]}],
    "C": {"Fn::Sub": ["${Old}", {"V": {"Ref": "Old"}}]}
  })");
  std::vector<std::string> subs;
  ForEachReference(value, [&](Json& node, const Reference& ref) {
    if (ref.name != "Old") return;
    if (ref.kind == ReferenceKind::kRef) {
      node = Json::object({{"Ref", "New"}});
    } else if (ref.kind == ReferenceKind::kGetAtt) {
      std::string attribute(ref.attribute);
      node = Json::object({{"Fn::GetAtt", Json::array({"New", attribute})}});
    } else if (ref.kind == ReferenceKind::kSub) {
      subs.emplace_back(ref.name);
    }
  });
  EXPECT_EQ(value, Json::parse(R"({
    "A": {"Ref": "New"},
    "B": [{"Fn::GetAtt": ["New", "Arn"]}, {"Fn::GetAtt": ["Keep", "Arn"]}],
    "C": {"Fn::Sub": ["${Old}", {"V": {"Ref": "New"}}]}
  })"));
  EXPECT_EQ(subs, (std::vector<std::string>{"Old"}));
}

TEST(ReferencesTest, ACallbackMayWalkAgain) {
  Json outer = Json::parse(R"([{"Ref": "A"}, {"Ref": "B"}])");
  Json inner = Json::parse(R"({"Fn::Sub": "${X}${Y}"})");
  std::vector<std::string> seen;
  ForEachReference(outer, [&](const Reference& ref) {
    seen.emplace_back(ref.name);
    ForEachReference(inner, [&](const Reference& nested) { seen.emplace_back(nested.name); });
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"A", "X", "Y", "B", "X", "Y"}));
}

TEST(ReferencesTest, AThrowingCallbackLeavesTheWalkerUsable) {
  Json value = Json::parse(R"([{"Ref": "A"}, {"Ref": "B"}])");
  EXPECT_THROW(ForEachReference(value, [](const Reference&) { throw std::runtime_error("x"); }),
               std::runtime_error);
  EXPECT_EQ(Visit(value), (Names{"ref Ref A", "ref Ref B"}));
}

TEST(ReferencesTest, PseudoParameterNames) {
  EXPECT_TRUE(IsPseudoParameterName("AWS::Region"));
  EXPECT_TRUE(IsPseudoParameterName("AWS::NoValue"));
  EXPECT_FALSE(IsPseudoParameterName("Vpc"));
  EXPECT_FALSE(IsPseudoParameterName("AWSVpc"));
}

}  // namespace
}  // namespace rex::core
