// The template reader against text that is not UTF-8 (found by fuzz/plan_fuzzer: a YAML
// baseline with 0xFF bytes in a key was accepted, and ComputePlan's path text then ended the
// process with nlohmann's type_error 316). Now it is refused with the byte offset, JSON or YAML,
// and so is a YAML document whose strings yaml-cpp turned into other bytes.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "template/plan.h"
#include "template/template_reader.h"

namespace rex::tmpl {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

TEST(TemplateReaderBoundsTest, AYamlKeyThatIsNotUtf8IsRefused) {
  std::string text =
      "AWSTemplateFormatVersion: 2010-09-09\n"
      "Resources:\n"
      "  Bucket:\n"
      "    Type: AWS::S3::Bucket\n"
      "    Properties:\n"
      "      Tags\xff\xff: x\n";
  auto tmpl = ReadTemplate(text, "deployed.template.yaml");
  ASSERT_FALSE(tmpl.ok());
  EXPECT_EQ(tmpl.error().code(), base::Code::kInvalidArgument);
  EXPECT_THAT(tmpl.error().message(),
              AllOf(HasSubstr("deployed.template.yaml"), HasSubstr("not UTF-8"),
                    HasSubstr("at byte " + std::to_string(text.find('\xff')))));
}

TEST(TemplateReaderBoundsTest, AJsonValueThatIsNotUtf8IsRefused) {
  auto tmpl =
      ReadTemplate("{\"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\xc3\"}}}", "t.json");
  ASSERT_FALSE(tmpl.ok());
  EXPECT_THAT(tmpl.error().message(), HasSubstr("not UTF-8"));
}

TEST(TemplateReaderBoundsTest, YamlControlCharactersThatBecomeOtherBytesAreRefused) {
  // The fuzzer's second input: UTF-8 text, but yaml-cpp's key is not UTF-8 any more.
  const std::string text("6xr\x01\x00Ne\t\t\r\t\t\t:A\"WS::SQS::Queue:", 31);
  auto tmpl = ReadTemplate(text, "deployed.template.yaml");
  ASSERT_FALSE(tmpl.ok());
  EXPECT_EQ(tmpl.error().code(), base::Code::kInvalidArgument);
  EXPECT_THAT(tmpl.error().message(), HasSubstr("deployed.template.yaml"));
}

TEST(TemplateReaderBoundsTest, UnicodeTemplatesStillPlan) {
  const char* text =
      "Resources:\n"
      "  Bucket:\n"
      "    Type: AWS::S3::Bucket\n"
      "    Metadata:\n"
      "      Note: caf\xc3\xa9 \xe2\x82\xac\n";
  auto before = ReadTemplate(text, "before.yaml");
  ASSERT_TRUE(before.ok()) << before.error().message();
  auto after =
      ReadTemplate("{\"Resources\": {\"Bucket\": {\"Type\": \"AWS::S3::Bucket\"}}}", "after.json");
  ASSERT_TRUE(after.ok()) << after.error().message();
  Plan plan = ComputePlan(*before, *after, nullptr);
  EXPECT_TRUE(plan.HasChanges());
  EXPECT_FALSE(PlanToJson(plan).dump().empty());
}

// JSON text is checked as UTF-8 before parsing and the parser refuses escapes that are not
// (a lone surrogate), so a JSON template read is always writable again.
TEST(TemplateReaderBoundsTest, JsonEscapesThatAreNotUtf8AreRefused) {
  auto lone = ReadTemplate(R"({"Description": "a\ud800b", "Resources": {}})", "t.json");
  ASSERT_FALSE(lone.ok());
  EXPECT_EQ(lone.error().code(), base::Code::kInvalidArgument);
  EXPECT_THAT(lone.error().message(), HasSubstr("t.json is not valid JSON"));
  auto escaped = ReadTemplate(
      R"({"Description": "caf\u00e9 \ud83d\ude00 \u0000 \u001f", "Resources": {}})", "t.json");
  ASSERT_TRUE(escaped.ok()) << escaped.error().message();
  EXPECT_NO_THROW((void)escaped->dump());
}

// A local file may be larger than a template CloudFormation holds (the logical template of a
// stack deployed as nested stacks is one file): the caller names the bound.
TEST(TemplateReaderBoundsTest, LocalFilesHaveTheirOwnBound) {
  std::string text = "{\"Description\": \"" + std::string(kMaxTemplateBytes, 'x') +
                     "\", \"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\"}}}";
  auto from_aws = ReadTemplate(text, "the template CloudFormation holds");
  ASSERT_FALSE(from_aws.ok());
  EXPECT_EQ(from_aws.error().message(), "the template CloudFormation holds: is " +
                                            std::to_string(text.size()) +
                                            " bytes; a template may have at most " +
                                            std::to_string(kMaxTemplateBytes) + " bytes");
  auto local = ReadTemplate(text, "big.json", kMaxLocalTemplateBytes);
  ASSERT_TRUE(local.ok()) << local.error().message();
  EXPECT_EQ((*local)["Resources"]["B"]["Type"], "AWS::S3::Bucket");

  auto over = ReadTemplate(text, "big.json", text.size() - 1);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code(), base::Code::kInvalidArgument);
  EXPECT_EQ(over.error().message(), "big.json: is " + std::to_string(text.size()) +
                                        " bytes; a template may have at most " +
                                        std::to_string(text.size() - 1) + " bytes");
  EXPECT_GT(kMaxLocalTemplateBytes, kMaxTemplateBytes);
}

}  // namespace
}  // namespace rex::tmpl
