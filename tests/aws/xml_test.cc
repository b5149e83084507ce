// aws::ParseXml and XmlNode against hostile answers: nesting beyond kMaxXmlDepth is refused
// with a message (not a stack overflow), Find and the destructor walk without recursing, so a
// tree deeper than any stack can hold is searched and freed.

#include "aws/xml.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace rex::aws {
namespace {

using ::testing::HasSubstr;

std::string NestedXml(int depth) {
  std::string out;
  for (int i = 0; i < depth; ++i) out += "<a>";
  out += "<Code>deep</Code>";
  for (int i = 0; i < depth; ++i) out += "</a>";
  return out;
}

TEST(XmlTest, ReadsAnAnswer) {
  auto root = ParseXml(
      "<R xmlns=\"x\"><Result><Stacks><member><StackName>s</StackName></member></Stacks>"
      "</Result></R>");
  ASSERT_TRUE(root.ok()) << root.error().message();
  const XmlNode* name = root->Find("StackName");
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(name->text, "s");
}

TEST(XmlTest, FindIsDepthFirstInDocumentOrder) {
  auto root = ParseXml("<r><a><x>1</x></a><x>2</x></r>");
  ASSERT_TRUE(root.ok());
  ASSERT_NE(root->Find("x"), nullptr);
  EXPECT_EQ(root->Find("x")->text, "1");
  EXPECT_EQ(root->Find("r"), &*root);
  EXPECT_EQ(root->Find("missing"), nullptr);
}

TEST(XmlTest, NestingUpToTheLimitIsRead) {
  // The root and kMaxXmlDepth - 2 <a> levels hold <Code>: kMaxXmlDepth elements deep.
  auto root = ParseXml("<r>" + NestedXml(kMaxXmlDepth - 2) + "</r>");
  ASSERT_TRUE(root.ok()) << root.error().message();
  ASSERT_NE(root->Find("Code"), nullptr);
  EXPECT_EQ(root->Find("Code")->text, "deep");
}

TEST(XmlTest, NestingBeyondTheLimitIsRefused) {
  auto root = ParseXml("<r>" + NestedXml(kMaxXmlDepth) + "</r>");
  ASSERT_FALSE(root.ok());
  EXPECT_EQ(root.error().code(), base::Code::kInvalidArgument);
  EXPECT_THAT(root.error().message(), HasSubstr("nested deeper than 256"));
}

TEST(XmlTest, TwoMegabytesOfOpenElementsAreRefused) {
  std::string text = "<ErrorResponse><Error>";
  while (text.size() < 2 * 1024 * 1024) text += "<a>";
  auto root = ParseXml(text);
  ASSERT_FALSE(root.ok());
  EXPECT_THAT(root.error().message(), HasSubstr("nested deeper"));
}

TEST(XmlTest, AVeryDeepTreeIsSearchedAndFreedWithoutRecursion) {
  // Built by hand (no parser would accept it): a million levels.
  auto root = std::make_unique<XmlNode>();
  root->name = "root";
  XmlNode* node = root.get();
  for (int i = 0; i < 1000000; ++i) {
    node->children.emplace_back();
    node = &node->children.back();
    node->name = "a";
  }
  node->name = "leaf";
  EXPECT_EQ(root->Find("leaf"), node);
  EXPECT_EQ(root->Find("none"), nullptr);
  root.reset();  // must not overflow the stack
  SUCCEED();
}

TEST(XmlTest, CopiesAndMovesKeepTheTree) {
  auto root = ParseXml("<r><a x=\"1\"><b>t</b></a></r>");
  ASSERT_TRUE(root.ok());
  XmlNode copy = *root;
  XmlNode moved = std::move(*root);
  ASSERT_NE(copy.Find("b"), nullptr);
  EXPECT_EQ(copy.Find("b")->text, "t");
  ASSERT_NE(moved.Find("a"), nullptr);
  EXPECT_EQ(*moved.Find("a")->Attribute("x"), "1");
}

}  // namespace
}  // namespace rex::aws
