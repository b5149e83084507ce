#include "ops/logs.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ops/harness.h"
#include "support/fake_logs.h"

namespace rex::ops {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr const char* kGroup = "/ecs/rex-backend-dev-api";
constexpr int64_t kT0 = 1795000000000;  // 2026-11-18T...Z, whole seconds

class RecordingSink : public LogSink {
 public:
  std::function<void(const aws::LogEvent&)> after;
  void OnEvent(const aws::LogEvent& e) override {
    lines.push_back(ShortTaskId(e.log_stream_name) + " " + e.message);
    if (after) after(e);
  }
  std::vector<std::string> lines;
};

class LogsTest : public ::testing::Test {
 protected:
  void SetUp() override { h_.fake.AddService("logs", &logs_); }
  testing::OpsHarness h_;
  rex::testing::FakeLogs logs_{3};
};

// Two tasks writing at the same time: one time-ordered listing, across pages of 3.
TEST_F(LogsTest, MergesStreamsInTimeOrderAcrossPages) {
  logs_.AddEvent(kGroup, "api/api/aaaaaaaa11111111", kT0 + 10, "a1");
  logs_.AddEvent(kGroup, "api/api/bbbbbbbb22222222", kT0 + 5, "b1");
  logs_.AddEvent(kGroup, "api/api/aaaaaaaa11111111", kT0 + 30, "a2");
  logs_.AddEvent(kGroup, "api/api/bbbbbbbb22222222", kT0 + 20, "b2");
  logs_.AddEvent(kGroup, "api/api/bbbbbbbb22222222", kT0 + 40, "b3");
  RecordingSink sink;
  auto read = ReadLogs(h_.session, {.log_group = kGroup}, sink);
  ASSERT_TRUE(read.ok()) << read.error().ToString();
  EXPECT_EQ(*read, 5u);
  EXPECT_THAT(sink.lines, ElementsAre("bbbbbbbb b1", "aaaaaaaa a1", "bbbbbbbb b2", "aaaaaaaa a2",
                                      "bbbbbbbb b3"));
  int filters = 0;
  for (const std::string& c : logs_.Calls()) filters += c == "FilterLogEvents";
  EXPECT_EQ(filters, 2);  // 5 events in pages of 3
}

TEST_F(LogsTest, SinceAndFilterNarrowTheEvents) {
  logs_.AddEvent(kGroup, "api/api/aaaaaaaa", kT0, "GET /api/health 200");
  logs_.AddEvent(kGroup, "api/api/aaaaaaaa", kT0 + 1000, "ERROR db timeout");
  logs_.AddEvent(kGroup, "api/api/aaaaaaaa", kT0 + 2000, "ERROR redis timeout");
  RecordingSink sink;
  auto read = ReadLogs(
      h_.session, {.log_group = kGroup, .start_ms = kT0 + 500, .filter_pattern = "ERROR"}, sink);
  ASSERT_TRUE(read.ok());
  EXPECT_THAT(sink.lines, ElementsAre("aaaaaaaa ERROR db timeout", "aaaaaaaa ERROR redis timeout"));
}

TEST_F(LogsTest, AMissingLogGroupIsNotFound) {
  RecordingSink sink;
  auto read = ReadLogs(h_.session, {.log_group = "/ecs/nope"}, sink);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code(), base::Code::kNotFound);
  EXPECT_EQ(read.error().message(), "log group /ecs/nope does not exist");
}

// Follow: new events appear between polls; each is passed once although every poll re-reads
// the lookback window; cancel ends the loop cleanly.
TEST_F(LogsTest, FollowPicksUpNewEventsOnceAndStopsOnCancel) {
  logs_.AddEvent(kGroup, "api/api/aaaaaaaa", kT0, "first");
  std::atomic<bool> cancel{false};
  h_.session.cancel = &cancel;
  RecordingSink sink;
  int step = 0;
  sink.after = [&](const aws::LogEvent&) {
    if (step == 0) {
      logs_.AddEvent(kGroup, "api/api/bbbbbbbb", kT0 + 100, "second");
      logs_.AddEvent(kGroup, "api/api/aaaaaaaa", kT0 + 200, "third");
    }
    if (++step == 3) cancel = true;
  };
  auto read = ReadLogs(h_.session, {.log_group = kGroup, .follow = true}, sink);
  ASSERT_TRUE(read.ok()) << read.error().ToString();
  EXPECT_EQ(*read, 3u);
  EXPECT_THAT(sink.lines, ElementsAre("aaaaaaaa first", "bbbbbbbb second", "aaaaaaaa third"));
}

// While nothing new comes the interval grows to the maximum; new events reset it.
TEST_F(LogsTest, FollowBacksOffWhileIdle) {
  std::atomic<bool> cancel{false};
  h_.session.cancel = &cancel;
  h_.session.poll = {.initial = std::chrono::milliseconds(1000),
                     .max = std::chrono::milliseconds(5000)};
  int polls = 0;
  h_.transport.SetHandler([&](const aws::HttpRequest& r) {
    if (++polls == 8) cancel = true;
    return h_.fake.Handle(r);
  });
  logs_.AddGroup(kGroup);
  RecordingSink sink;
  auto read = ReadLogs(h_.session, {.log_group = kGroup, .follow = true}, sink);
  ASSERT_TRUE(read.ok());
  // 8 polls: the first read, then one after each of 7 sleeps growing by 1.5 up to 5 s.
  int64_t total = 0;
  for (auto s : h_.clock.sleeps()) total += s.count();
  EXPECT_EQ(total, 1000 + 1500 + 2250 + 3375 + 5000 + 5000 + 5000);
}

TEST(ParseSinceTest, DurationsAndTimes) {
  const auto now = std::chrono::system_clock::time_point(std::chrono::milliseconds(kT0));
  struct Case {
    const char* text;
    int64_t want;
  };
  for (const Case& c :
       {Case{"30s", kT0 - 30000}, Case{"10m", kT0 - 600000}, Case{"1h", kT0 - 3600000},
        Case{"2d", kT0 - 2 * 86400000LL}, Case{"1w", kT0 - 7 * 86400000LL},
        Case{"2026-11-27T03:00:00Z", 1795748400000},
        Case{"2026-11-27T04:00:00+01:00", 1795748400000}}) {
    auto got = ParseSince(c.text, now);
    ASSERT_TRUE(got.ok()) << c.text << ": " << got.error().ToString();
    EXPECT_EQ(*got, c.want) << c.text;
  }
  for (const char* bad : {"", "10", "m", "10y", "-5m", "yesterday", "1.5h"}) {
    auto got = ParseSince(bad, now);
    ASSERT_FALSE(got.ok()) << bad;
    EXPECT_EQ(got.error().code(), base::Code::kInvalidArgument);
    EXPECT_EQ(got.error().message(),
              "--since \"" + std::string(bad) +
                  "\" is not a duration or a time; use e.g. 30s, 10m, 1h, 2d, 1w or an ISO-8601 "
                  "time such as 2026-11-27T03:00:00Z");
  }
}

TEST(FormatTest, TimesAndTaskIds) {
  EXPECT_EQ(FormatLogTime(1795748400123), "03:00:00.123");
  EXPECT_EQ(FormatLogTime(1795748399007), "02:59:59.007");
  EXPECT_EQ(ShortTaskId("api/api/0123456789abcdef0123456789abcdef"), "01234567");
  EXPECT_EQ(ShortTaskId("ecs/short"), "short");
  EXPECT_EQ(ShortTaskId("nostream"), "nostream");
}

}  // namespace
}  // namespace rex::ops
