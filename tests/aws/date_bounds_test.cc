// The date parsers against hostile dates (found by fuzz/history_fuzzer: a history record's
// "1373-..." start time overflowed system_clock's nanoseconds when converted): years outside
// kMinDateYear..kMaxDateYear and fields out of range are refused, and the message quotes at
// most 64 bytes of the text.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "aws/http.h"

namespace rex::aws {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(DateBoundsTest, YearsOutsideTheRangeAreRefused) {
  EXPECT_FALSE(ParseIso8601("1373-01-02T03:04:05Z").ok());
  EXPECT_FALSE(ParseIso8601("1969-12-31T23:59:59Z").ok());
  EXPECT_FALSE(ParseIso8601("9999-01-01T00:00:00Z").ok());
  EXPECT_FALSE(ParseHttpDate("Sun, 06 Nov 1373 08:49:37 GMT").ok());
  EXPECT_FALSE(ParseHttpDate("Sun, 06 Nov 9999 08:49:37 GMT").ok());
  ASSERT_TRUE(ParseIso8601("1970-01-01T00:00:00Z").ok());
  EXPECT_EQ(*ParseIso8601("1970-01-01T00:00:00Z"), 0.0);
  EXPECT_TRUE(ParseIso8601("2200-12-31T23:59:59Z").ok());
}

TEST(DateBoundsTest, FieldsOutOfRangeAreRefused) {
  for (const char* text : {"2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-01-32T00:00:00Z",
                           "2026-01-01T24:00:00Z", "2026-01-01T00:60:00Z"}) {
    EXPECT_FALSE(ParseIso8601(text).ok()) << text;
  }
  EXPECT_FALSE(ParseHttpDate("Sun, 36 Nov 1994 08:49:37 GMT").ok());
}

TEST(DateBoundsTest, EveryAcceptedDateConvertsToATimePoint) {
  auto latest = ParseIso8601("2200-12-31T23:59:59.999+00:00");
  ASSERT_TRUE(latest.ok());
  auto point = std::chrono::system_clock::time_point(
      std::chrono::milliseconds(static_cast<int64_t>(*latest * 1000)));
  EXPECT_EQ(FormatIso8601(point), "2200-12-31T23:59:59Z");
}

TEST(DateBoundsTest, TheMessageQuotesAtMost64Bytes) {
  std::string hostile = "2026-01-01T00:00:00Z" + std::string(100000, 'x');
  auto parsed = ParseIso8601(hostile);
  ASSERT_FALSE(parsed.ok());
  EXPECT_LT(parsed.error().message().size(), 200u);
  EXPECT_THAT(parsed.error().message(), Not(HasSubstr(std::string(100, 'x'))));
}

}  // namespace
}  // namespace rex::aws
