// base::ParseJson, the reader of every untrusted JSON text: every nlohmann exception becomes a
// kInvalidArgument naming the source, nesting is bounded before nlohmann sees the text, and
// the depth pre-scan ignores brackets inside strings.

#include "base/json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace rex::base {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

std::string Nested(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(ParseJsonTest, ParsesADocument) {
  auto json = ParseJson(R"({"a": [1, "x"], "b": {"c": null}})", "doc.json");
  ASSERT_TRUE(json.ok()) << json.error().message();
  EXPECT_EQ((*json)["a"][1], "x");
}

TEST(ParseJsonTest, MalformedTextNamesTheSourceAndOffset) {
  auto json = ParseJson("{\"a\": }", "doc.json");
  ASSERT_FALSE(json.ok());
  EXPECT_EQ(json.error().code(), Code::kInvalidArgument);
  EXPECT_THAT(json.error().message(), AllOf(HasSubstr("doc.json"), HasSubstr("at byte 7")));
}

TEST(ParseJsonTest, NumberOutOfRangeIsAnErrorNotAnException) {
  for (const char* text : {"1e999", "[-1e999]", R"({"number": 1e999})"}) {
    auto json = ParseJson(text, "0001.json");
    ASSERT_FALSE(json.ok()) << text;
    EXPECT_EQ(json.error().code(), Code::kInvalidArgument) << text;
    EXPECT_THAT(json.error().message(), HasSubstr("0001.json")) << text;
  }
}

TEST(ParseJsonTest, NestingUpToTheLimitIsRead) {
  auto json = ParseJson(Nested(kMaxJsonDepth), "deep.json");
  ASSERT_TRUE(json.ok()) << json.error().message();
  Json copy = *json;  // copying recurses per level: fine within the limit
  EXPECT_EQ(copy, *json);
}

TEST(ParseJsonTest, NestingBeyondTheLimitIsRefusedBeforeParsing) {
  auto json = ParseJson(Nested(kMaxJsonDepth + 1), "deep.json");
  ASSERT_FALSE(json.ok());
  EXPECT_EQ(json.error().code(), Code::kInvalidArgument);
  EXPECT_THAT(json.error().message(),
              AllOf(HasSubstr("deep.json"), HasSubstr("nested deeper than 256 levels")));
  // 400 KB of brackets, objects and arrays mixed, unbalanced.
  std::string hostile;
  while (hostile.size() < 400 * 1024) hostile += "{\"a\":[";
  auto big = ParseJson(hostile, "history/0001.json");
  ASSERT_FALSE(big.ok());
  EXPECT_THAT(big.error().message(), HasSubstr("nested deeper"));
}

TEST(ParseJsonTest, BracketsInsideStringsDoNotCount) {
  std::string text = "[\"" + std::string(1000, '[') + "\\\"" + std::string(1000, '{') + "\"]";
  auto json = ParseJson(text, "strings.json");
  ASSERT_TRUE(json.ok()) << json.error().message();
  EXPECT_EQ(ScanJsonDepth(text, kMaxJsonDepth, nullptr), 1);
}

TEST(ParseJsonTest, ScanJsonDepthStopsPastTheLimitAndSaysWhere) {
  size_t at = 0;
  EXPECT_EQ(ScanJsonDepth("  [[[]]]", 10, &at), 3);
  EXPECT_EQ(at, 4u);
  EXPECT_EQ(ScanJsonDepth(Nested(1000), 5, &at), 6);
  EXPECT_EQ(at, 5u);
  EXPECT_EQ(ScanJsonDepth("", 5, nullptr), 0);
}

}  // namespace
}  // namespace rex::base
