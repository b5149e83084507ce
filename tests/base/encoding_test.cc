#include "base/encoding.h"

#include <gtest/gtest.h>

#include <string>

namespace rex::base {
namespace {

TEST(Base64Test, EncodesRfc4648Vectors) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
}

TEST(Base64Test, DecodesRfc4648Vectors) {
  EXPECT_EQ(Base64Decode("").value(), "");
  EXPECT_EQ(Base64Decode("Zg==").value(), "f");
  EXPECT_EQ(Base64Decode("Zm8=").value(), "fo");
  EXPECT_EQ(Base64Decode("Zm9v").value(), "foo");
  EXPECT_EQ(Base64Decode("Zm9vYmFy").value(), "foobar");
}

TEST(Base64Test, RoundTripsEveryByteValue) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (size_t len = 0; len <= all.size(); len += 37) {
    std::string bytes = all.substr(0, len);
    EXPECT_EQ(Base64Decode(Base64Encode(bytes)).value(), bytes) << len;
  }
  EXPECT_EQ(Base64Encode(std::string("\xfb\xff", 2)), "+/8=");
}

TEST(Base64Test, RejectsMalformedTextNamingTheProblem) {
  EXPECT_EQ(Base64Decode("Zm9").error().message(),
            "invalid base64: length 3 is not a multiple of 4");
  EXPECT_EQ(Base64Decode("Zm-v").error().message(), "invalid base64: '-' at offset 2");
  EXPECT_EQ(Base64Decode("Zm 9").error().message(),
            "invalid base64: a control or non-ASCII byte at offset 2");
  EXPECT_EQ(Base64Decode("Z=9v").error().message(), "invalid base64: '=' at offset 1");
  EXPECT_EQ(Base64Decode("Zh==").error().message(),
            "invalid base64: non-zero bits before the padding");
  EXPECT_EQ(Base64Decode("Zm9v").status().code(), Code::kOk);
  EXPECT_EQ(Base64Decode("Zm9=").error().code(), Code::kInvalidArgument);
}

TEST(HexTest, EncodesLowercaseAndDecodesEitherCase) {
  EXPECT_EQ(HexEncode(std::string("\x00\x01\xab\xff", 4)), "0001abff");
  EXPECT_EQ(HexDecode("0001ABff").value(), std::string("\x00\x01\xab\xff", 4));
  EXPECT_EQ(HexDecode("").value(), "");
}

TEST(HexTest, RejectsMalformedText) {
  EXPECT_EQ(HexDecode("abc").error().message(), "invalid hex: odd length 3");
  EXPECT_EQ(HexDecode("0g").error().message(), "invalid hex: non-hex digit at offset 1");
}

}  // namespace
}  // namespace rex::base
