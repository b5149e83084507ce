// The transport OpenAwsSession wraps around curl applies REX_HTTP_TIMEOUT to AWS calls but never
// stretches the 1-2 s timeouts the instance-metadata and container credential fetches set.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>

#include "cli/progress.h"
#include "support/fake_transport.h"

namespace rex::cli {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Forwards to a FakeTransport the test keeps.
class Forward : public aws::HttpTransport {
 public:
  explicit Forward(rex::testing::FakeTransport* to) : to_(to) {}
  base::Result<aws::HttpResponse> Send(const aws::HttpRequest& request) override {
    return to_->Send(request);
  }

 private:
  rex::testing::FakeTransport* to_;
};

TEST(TimeoutTransportTest, AwsCallsGetTheConfiguredTimeoutMetadataKeepsItsOwn) {
  rex::testing::FakeTransport fake;
  fake.Respond(200, "").Respond(200, "").Respond(200, "");
  auto transport = NewTimeoutTransport(std::make_unique<Forward>(&fake), seconds(300));

  aws::HttpRequest call;  // an AWS call: HttpRequest's defaults
  call.url = "https://cloudformation.us-east-1.amazonaws.com/";
  ASSERT_TRUE(transport->Send(call).ok());

  aws::HttpRequest metadata;
  metadata.url = "http://169.254.169.254/latest/api/token";
  metadata.timeout = seconds(1);
  metadata.connect_timeout = seconds(1);
  ASSERT_TRUE(transport->Send(metadata).ok());

  // A REX_HTTP_TIMEOUT shorter than the caller's own still wins.
  auto short_transport = NewTimeoutTransport(std::make_unique<Forward>(&fake), milliseconds(500));
  ASSERT_TRUE(short_transport->Send(metadata).ok());

  auto sent = fake.requests();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[0].timeout, seconds(300));
  EXPECT_EQ(sent[0].connect_timeout, aws::HttpRequest{}.connect_timeout);
  EXPECT_EQ(sent[1].timeout, seconds(1));
  EXPECT_EQ(sent[1].connect_timeout, seconds(1));
  EXPECT_EQ(sent[2].timeout, milliseconds(500));
  EXPECT_EQ(sent[2].connect_timeout, milliseconds(500));
}

}  // namespace
}  // namespace rex::cli
