// LogsClient: FilterLogEvents / GetLogEvents encoding and decoding.
#include "aws/logs.h"

#include <gtest/gtest.h>

#include "support/fake_clock.h"
#include "support/fake_transport.h"

namespace rex::aws {
namespace {

using base::Json;
using rex::testing::FakeClock;
using rex::testing::FakeTransport;
using rex::testing::HeaderOf;

class LogsTest : public ::testing::Test {
 protected:
  StaticCredentialsProvider credentials_{Credentials{"AKID", "secret", "", {}}};
  FakeTransport transport_;
  FakeClock clock_;
  LogsClient logs_{Endpoint{"https://logs.eu-west-1.amazonaws.com", "eu-west-1", "logs"},
                   &credentials_, transport_, clock_};
};

TEST_F(LogsTest, FilterLogEvents) {
  transport_.Respond(200, R"({"events": [{"logStreamName": "api/app/1", "timestamp": 1714557600123,
      "message": "started", "ingestionTime": 1714557600200, "eventId": "e1"}],
      "searchedLogStreams": [], "nextToken": "n1"})");
  auto page = logs_.FilterLogEvents({.log_group_name = "/rex/api",
                                     .log_stream_name_prefix = "api/",
                                     .start_time_ms = 1714557600000,
                                     .filter_pattern = "ERROR",
                                     .limit = 100});
  ASSERT_TRUE(page.ok()) << page.error().ToString();
  ASSERT_EQ(page->events.size(), 1u);
  EXPECT_EQ(page->events[0].timestamp_ms, 1714557600123);
  EXPECT_EQ(page->events[0].message, "started");
  EXPECT_EQ(page->events[0].log_stream_name, "api/app/1");
  EXPECT_EQ(page->next_token, "n1");
  HttpRequest sent = transport_.requests()[0];
  EXPECT_EQ(HeaderOf(sent, "X-Amz-Target"), "Logs_20140328.FilterLogEvents");
  EXPECT_EQ(Json::parse(sent.body), Json::parse(R"({"logGroupName": "/rex/api",
      "logStreamNamePrefix": "api/", "startTime": 1714557600000, "filterPattern": "ERROR",
      "limit": 100})"));
}

TEST_F(LogsTest, GetLogEventsForward) {
  transport_.Respond(200, R"({"events": [{"timestamp": 1, "message": "a", "ingestionTime": 2}],
      "nextForwardToken": "f/2", "nextBackwardToken": "b/1"})");
  auto page = logs_.GetLogEvents(
      {.log_group_name = "/rex/api", .log_stream_name = "api/app/1", .next_token = "f/1"});
  ASSERT_TRUE(page.ok()) << page.error().ToString();
  EXPECT_EQ(page->events[0].message, "a");
  EXPECT_EQ(page->next_forward_token, "f/2");
  EXPECT_EQ(Json::parse(transport_.requests()[0].body),
            Json::parse(R"({"logGroupName": "/rex/api", "logStreamName": "api/app/1",
                "nextToken": "f/1", "startFromHead": true})"));
}

TEST_F(LogsTest, MissingGroupIsNotFound) {
  transport_.Respond(400, R"({"__type": "ResourceNotFoundException",
      "message": "The specified log group does not exist."})");
  auto page = logs_.FilterLogEvents({.log_group_name = "/nope"});
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.error().code(), base::Code::kNotFound);
}

}  // namespace
}  // namespace rex::aws
