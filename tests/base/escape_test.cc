#include "base/escape.h"

#include <gtest/gtest.h>

namespace rex::base {
namespace {

TEST(XmlEscapeTest, TextEscapesMarkupAndKeepsQuotesAndLineFeeds) {
  EXPECT_EQ(XmlEscape("a<b>&\"c\"'d'\n"), "a&lt;b&gt;&amp;\"c\"'d'\n");
}

TEST(XmlEscapeTest, AttributesEscapeQuotesAndLineFeeds) {
  EXPECT_EQ(XmlEscape("say \"it's\"\n", /*attribute=*/true), "say &quot;it&apos;s&quot;&#xA;");
}

TEST(XmlEscapeTest, CarriageReturnsSurviveLineEndNormalization) {
  EXPECT_EQ(XmlEscape("a\r\nb"), "a&#xD;\nb");
  EXPECT_EQ(XmlEscape("a\r\nb", /*attribute=*/true), "a&#xD;&#xA;b");
}

TEST(XmlEscapeTest, PlainTextIsUnchanged) {
  EXPECT_EQ(XmlEscape("Compute/ApiService"), "Compute/ApiService");
  EXPECT_EQ(XmlEscape(""), "");
}

}  // namespace
}  // namespace rex::base
