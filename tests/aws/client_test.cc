// AwsClient: signing, the standard retry policy and error messages, with FakeTransport and
// FakeClock (no sleeping, no network).
#include "aws/client.h"

#include <gtest/gtest.h>

#include <atomic>

#include "aws/retry.h"
#include "support/fake_clock.h"
#include "support/fake_transport.h"

namespace rex::aws {
namespace {

using base::Code;
using base::Json;
using rex::testing::FakeClock;
using rex::testing::FakeTransport;
using rex::testing::HeaderOf;

ServiceModel CfnModel() {
  ServiceModel m;
  m.protocol = Protocol::kQuery;
  m.api_version = "2010-05-15";
  m.shapes = ParseModelJson(R"({
    "CreateChangeSetInput": {"type": "structure", "members": {
        "StackName": {"shape": "String"}, "ChangeSetName": {"shape": "String"}}},
    "CreateChangeSetOutput": {"type": "structure", "members": {
        "Id": {"shape": "String"}, "StackId": {"shape": "String"}}},
    "String": {"type": "string"}})",
                            "m")
                 .value();
  return m;
}

OperationModel CreateChangeSet() {
  OperationModel op;
  op.name = "CreateChangeSet";
  op.input_shape = "CreateChangeSetInput";
  op.output_shape = "CreateChangeSetOutput";
  return op;
}

const char* kOkBody =
    "<CreateChangeSetResponse><CreateChangeSetResult><Id>arn:cs</Id><StackId>arn:stack</StackId>"
    "</CreateChangeSetResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata>"
    "</CreateChangeSetResponse>";

class ClientTest : public ::testing::Test {
 protected:
  std::unique_ptr<AwsClient> MakeClient(RetryOptions retry = {}) {
    auto client = std::make_unique<AwsClient>(
        CfnModel(),
        Endpoint{"https://cloudformation.eu-west-1.amazonaws.com", "eu-west-1", "cloudformation"},
        &credentials_, transport_, clock_, retry);
    client->set_random([this] { return random_; });
    return client;
  }
  Json Params() { return Json{{"StackName", "web"}, {"ChangeSetName", "rex-1"}}; }

  StaticCredentialsProvider credentials_{
      Credentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", {}}};
  FakeTransport transport_;
  FakeClock clock_;
  double random_ = 0.5;
};

TEST_F(ClientTest, SignsAndParses) {
  transport_.Respond(200, kOkBody);
  auto client = MakeClient();
  auto out = client->Call(CreateChangeSet(), Params(), "create change set");
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  EXPECT_EQ(*out, Json({{"Id", "arn:cs"}, {"StackId", "arn:stack"}}));
  ASSERT_EQ(transport_.request_count(), 1u);
  HttpRequest sent = transport_.requests()[0];
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.url, "https://cloudformation.eu-west-1.amazonaws.com/");
  EXPECT_EQ(sent.body,
            "Action=CreateChangeSet&Version=2010-05-15&StackName=web&ChangeSetName=rex-1");
  EXPECT_EQ(HeaderOf(sent, "X-Amz-Date"), "20150830T123600Z");
  EXPECT_EQ(HeaderOf(sent, "Host"), "cloudformation.eu-west-1.amazonaws.com");
  EXPECT_EQ(HeaderOf(sent, "Authorization")
                .rfind("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/eu-west-1/cloudformation/"
                       "aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=",
                       0),
            0u);
  EXPECT_TRUE(clock_.sleeps().empty());
}

TEST_F(ClientTest, RetriesThrottlingThenSucceeds) {
  transport_.Throttle().Respond(200, kOkBody);
  auto client = MakeClient();
  auto out = client->Call(CreateChangeSet(), Params(), "create change set");
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  EXPECT_EQ(transport_.request_count(), 2u);
  // rand 0.5 × 2^0 s.
  ASSERT_EQ(clock_.sleeps().size(), 1u);
  EXPECT_EQ(clock_.sleeps()[0], std::chrono::milliseconds(500));
  // The retry's cost was refunded on success.
  EXPECT_EQ(client->quota().available(), 500);
}

TEST_F(ClientTest, GivesUpAfterThreeTriesWithMessage) {
  random_ = 1.0;  // the longest delays: 1 s, then 2 s
  transport_.Throttle("7f3c1").Throttle("7f3c2").Throttle("7f3c3");
  auto client = MakeClient();
  auto out = client->Call(CreateChangeSet(), Params(), "create change set");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code(), Code::kUnavailable);
  EXPECT_EQ(out.error().message(),
            "create change set: Throttling (HTTP 400, request 7f3c3): Rate exceeded; gave up "
            "after 3 tries in 3s");
  EXPECT_EQ(out.error().aws().service_code, "Throttling");
  EXPECT_EQ(out.error().aws().http_status, 400);
  EXPECT_EQ(out.error().aws().request_id, "7f3c3");
  EXPECT_EQ(transport_.request_count(), 3u);
  EXPECT_EQ(clock_.sleeps(),
            (std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(1000),
                                                    std::chrono::milliseconds(2000)}));
  // Each retry re-signs at the time it is sent.
  EXPECT_EQ(HeaderOf(transport_.requests()[2], "X-Amz-Date"), "20150830T123603Z");
}

// A FakeClock whose `n`th sleep sets `flag`, as a Ctrl-C or SIGTERM arriving mid-backoff does.
class InterruptingClock : public FakeClock {
 public:
  InterruptingClock(std::atomic<bool>* flag, size_t n) : flag_(flag), n_(n) {}
  void SleepFor(std::chrono::milliseconds duration) override {
    FakeClock::SleepFor(duration);
    if (sleeps().size() == n_) flag_->store(true);
  }

 private:
  std::atomic<bool>* flag_;
  size_t n_;
};

TEST_F(ClientTest, AnInterruptEndsTheBackoffSleepAtOnce) {
  std::atomic<bool> cancel{false};
  InterruptingClock clock(&cancel, 2);
  random_ = 1.0;  // a 1 s backoff: ten 100 ms slices
  transport_.Throttle("7f3c1").Respond(200, kOkBody);
  RetryOptions retry;
  retry.cancel = &cancel;
  AwsClient client(
      CfnModel(),
      Endpoint{"https://cloudformation.eu-west-1.amazonaws.com", "eu-west-1", "cloudformation"},
      &credentials_, transport_, clock, retry);
  client.set_random([this] { return random_; });
  auto out = client.Call(CreateChangeSet(), Params(), "create change set");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code(), Code::kCancelled);
  EXPECT_EQ(out.error().message(),
            "create change set: interrupted while waiting to retry after: Throttling (HTTP 400, "
            "request 7f3c1): Rate exceeded");
  // Two slices slept, not the whole second; the retry was never sent.
  EXPECT_EQ(clock.sleeps(), (std::vector<std::chrono::milliseconds>{
                                std::chrono::milliseconds(100), std::chrono::milliseconds(100)}));
  EXPECT_EQ(transport_.request_count(), 1u);
}

TEST_F(ClientTest, WithoutAnInterruptTheBackoffIsSleptInSlices) {
  std::atomic<bool> cancel{false};
  RetryOptions retry;
  retry.cancel = &cancel;
  transport_.Throttle().Respond(200, kOkBody);
  auto client = MakeClient(retry);
  auto out = client->Call(CreateChangeSet(), Params(), "create change set");
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  EXPECT_EQ(clock_.sleeps(),
            std::vector<std::chrono::milliseconds>(5, std::chrono::milliseconds(100)));  // 0.5 s
}

const char* kSkewBody =
    "<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>"
    "Signature expired: 20150830T123600Z is now earlier than 20150830T124100Z (20150830T125600Z "
    "- 15 min.)</Message></Error><RequestId>r-skew</RequestId></ErrorResponse>";

TEST_F(ClientTest, ClockSkewIsCorrectedFromTheDateHeaderAndResentOnce) {
  // The server's clock is 20 minutes ahead of ours (12:36:00).
  transport_.Respond(403, kSkewBody, {{"Date", "Sun, 30 Aug 2015 12:56:00 GMT"}})
      .Respond(200, kOkBody)
      .Respond(200, kOkBody);
  auto client = MakeClient();
  auto out = client->Call(CreateChangeSet(), Params(), "create change set");
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  ASSERT_EQ(transport_.request_count(), 2u);
  EXPECT_EQ(HeaderOf(transport_.requests()[0], "X-Amz-Date"), "20150830T123600Z");
  EXPECT_EQ(HeaderOf(transport_.requests()[1], "X-Amz-Date"), "20150830T125600Z");
  EXPECT_EQ(client->clock_skew(), std::chrono::minutes(20));
  EXPECT_TRUE(clock_.sleeps().empty());         // a resend, not a retry: no backoff
  EXPECT_EQ(client->quota().available(), 500);  // and no retry cost
  // Later calls sign with the offset from the start.
  ASSERT_TRUE(client->Call(CreateChangeSet(), Params(), "create change set").ok());
  EXPECT_EQ(HeaderOf(transport_.requests()[2], "X-Amz-Date"), "20150830T125600Z");
}

TEST_F(ClientTest, ClockSkewIsCorrectedOnlyOnce) {
  aws::Headers date = {{"Date", "Sun, 30 Aug 2015 12:56:00 GMT"}};
  transport_.Respond(403, kSkewBody, date).Respond(403, kSkewBody, date);
  auto client = MakeClient();
  auto out = client->Call(CreateChangeSet(), Params(), "create change set");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(transport_.request_count(), 2u);
  EXPECT_NE(out.error().message().find("Signature expired"), std::string::npos)
      << out.error().message();
}

TEST_F(ClientTest, ABadSignatureWithoutSkewIsNotResent) {
  transport_.Respond(403,
                     "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>The "
                     "request signature we calculated does not match</Message></Error>"
                     "</ErrorResponse>",
                     {{"Date", "Sun, 30 Aug 2015 12:56:00 GMT"}});
  auto client = MakeClient();
  EXPECT_FALSE(client->Call(CreateChangeSet(), Params(), "create change set").ok());
  EXPECT_EQ(transport_.request_count(), 1u);
  EXPECT_EQ(client->clock_skew(), std::chrono::milliseconds(0));
}

TEST_F(ClientTest, RetriesConnectionDropsAnd5xx) {
  transport_
      .Fail(base::Unavailable("POST https://cloudformation.eu-west-1.amazonaws.com/: "
                              "Connection reset by peer"))
      .ServiceUnavailable()
      .Respond(200, kOkBody);
  auto client = MakeClient();
  auto out = client->Call(CreateChangeSet(), Params(), "create change set");
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  EXPECT_EQ(transport_.request_count(), 3u);
}

TEST_F(ClientTest, RetriesTimeoutsWithTheirHigherCost) {
  transport_.Fail(base::DeadlineExceeded("timed out")).Fail(base::DeadlineExceeded("timed out"));
  transport_.Fail(base::DeadlineExceeded("timed out"));
  auto client = MakeClient();
  auto out = client->Call(CreateChangeSet(), Params(), "create change set");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code(), Code::kDeadlineExceeded);
  EXPECT_EQ(client->quota().available(), 500 - 2 * 10);
}

TEST_F(ClientTest, DoesNotRetryClientErrors) {
  transport_.Respond(400,
                     "<ErrorResponse><Error><Code>ValidationError</Code><Message>Template format "
                     "error: unsupported structure.</Message></Error><RequestId>r9</RequestId>"
                     "</ErrorResponse>");
  auto client = MakeClient();
  auto out = client->Call(CreateChangeSet(), Params(), "create change set");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code(), Code::kInvalidArgument);
  EXPECT_EQ(out.error().message(),
            "create change set: ValidationError (HTTP 400, request r9): Template format error: "
            "unsupported structure.");
  EXPECT_EQ(transport_.request_count(), 1u);
  EXPECT_TRUE(clock_.sleeps().empty());
}

TEST_F(ClientTest, MaxAttemptsIsConfigurable) {
  auto options = RetryOptionsFromEnvironment(MapEnvironment({{"AWS_MAX_ATTEMPTS", "5"}}));
  ASSERT_TRUE(options.ok());
  EXPECT_EQ(options->max_attempts, 5);
  for (int i = 0; i < 5; ++i) transport_.ServiceUnavailable();
  auto client = MakeClient(*options);
  auto out = client->Call(CreateChangeSet(), Params(), "create change set");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(transport_.request_count(), 5u);
  EXPECT_NE(out.error().message().find("gave up after 5 tries"), std::string::npos)
      << out.error().message();
}

TEST_F(ClientTest, RetryQuotaStopsRetries) {
  RetryOptions options;
  options.quota_capacity = 7;  // pays for one retry (5), not two
  for (int i = 0; i < 3; ++i) transport_.ServiceUnavailable();
  auto client = MakeClient(options);
  auto out = client->Call(CreateChangeSet(), Params(), "create change set");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(transport_.request_count(), 2u);
  EXPECT_NE(out.error().message().find("retry quota exhausted after 2 tries"), std::string::npos)
      << out.error().message();
}

TEST(RetryPolicy, BackoffIsJitteredExponentialCappedAt20s) {
  auto cap = std::chrono::seconds(20);
  EXPECT_EQ(BackoffDelay(1, 1.0, cap), std::chrono::milliseconds(1000));
  EXPECT_EQ(BackoffDelay(2, 1.0, cap), std::chrono::milliseconds(2000));
  EXPECT_EQ(BackoffDelay(3, 0.5, cap), std::chrono::milliseconds(2000));
  EXPECT_EQ(BackoffDelay(6, 1.0, cap), std::chrono::milliseconds(20000));
  EXPECT_EQ(BackoffDelay(10, 0.0, cap), std::chrono::milliseconds(0));
}

TEST(RetryPolicy, MaxAttemptsMustBePositive) {
  auto bad = RetryOptionsFromEnvironment(MapEnvironment({{"AWS_MAX_ATTEMPTS", "zero"}}));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message(), "AWS_MAX_ATTEMPTS must be a positive integer, got \"zero\"");
  auto dflt = RetryOptionsFromEnvironment(MapEnvironment({}));
  ASSERT_TRUE(dflt.ok());
  EXPECT_EQ(dflt->max_attempts, 3);
}

TEST(RetryPolicy, QuotaRefundsAndCaps) {
  RetryQuota quota(RetryOptions{});
  int taken = 0;
  ASSERT_TRUE(quota.Acquire(false, &taken));
  EXPECT_EQ(taken, 5);
  EXPECT_EQ(quota.available(), 495);
  quota.OnSuccess(taken);
  EXPECT_EQ(quota.available(), 500);
  quota.OnSuccess(0);
  EXPECT_EQ(quota.available(), 500);
}

}  // namespace
}  // namespace rex::aws
