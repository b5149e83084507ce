// base::FindInvalidUtf8: well-formed UTF-8 passes; stray continuation bytes, truncated
// sequences, overlong forms, surrogates and code points above U+10FFFF are found at their
// first byte.

#include "base/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace rex::base {
namespace {

TEST(Utf8Test, WellFormedTextPasses) {
  EXPECT_EQ(FindInvalidUtf8(""), std::nullopt);
  EXPECT_EQ(FindInvalidUtf8("plain ascii\n"), std::nullopt);
  EXPECT_EQ(FindInvalidUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF"),
            std::nullopt);
}

TEST(Utf8Test, IllFormedSequencesAreFoundAtTheirFirstByte) {
  EXPECT_EQ(FindInvalidUtf8("ab\xFF"), 2u);               // never valid
  EXPECT_EQ(FindInvalidUtf8("a\x80"), 1u);                // a stray continuation byte
  EXPECT_EQ(FindInvalidUtf8("a\xC3"), 1u);                // truncated
  EXPECT_EQ(FindInvalidUtf8("\xC0\xAF"), 0u);             // overlong '/'
  EXPECT_EQ(FindInvalidUtf8("\xE0\x80\xAF"), 0u);         // overlong, 3 bytes
  EXPECT_EQ(FindInvalidUtf8("x\xED\xA0\x80"), 1u);        // a surrogate
  EXPECT_EQ(FindInvalidUtf8("\xF4\x90\x80\x80"), 0u);     // above U+10FFFF
  EXPECT_EQ(FindInvalidUtf8("\xE2\x82"), 0u);             // truncated at the end
  EXPECT_EQ(FindInvalidUtf8("\xE2\x28\xA1"), 0u);         // a bad second byte
  EXPECT_EQ(FindInvalidUtf8("ok \xF0\x9F\x98\x28"), 3u);  // a bad last byte
}

}  // namespace
}  // namespace rex::base
