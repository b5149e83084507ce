// FindBootstrapBucket when the bootstrap stack's outputs are missing (moto does not keep the
// outputs of stacks made through change sets): the bucket's physical id from
// ListStackResources. The fake endpoint's DescribeStacks answers are stripped of their outputs
// on the way back.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "aws/credentials.h"
#include "engine/bootstrap.h"
#include "support/fake_aws_server.h"
#include "support/fake_clock.h"
#include "support/fake_transport.h"
#include "support/recording_observer.h"

namespace rex::engine {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

// `body` without the contents of its <Outputs> element.
std::string WithoutOutputs(std::string body) {
  size_t open = body.find("<Outputs>");
  size_t close = body.find("</Outputs>");
  if (open == std::string::npos || close == std::string::npos || close < open) return body;
  return body.erase(open + 9, close - open - 9);
}

class BootstrapBucketTest : public ::testing::Test {
 protected:
  BootstrapBucketTest()
      : fake_(rex::testing::FakeAwsOptions{.clock = &clock_}),
        credentials_(aws::Credentials{"AKIDREXTESTKEY", "rex-test-secret/K7MDENG+bPxRfiCY"}),
        cfn_({"https://cloudformation.us-east-1.amazonaws.com", "us-east-1", "cloudformation"},
             &credentials_, transport_, clock_) {
    transport_.SetHandler([this](const aws::HttpRequest& request) {
      auto response = fake_.Handle(request);
      if (response.ok() && request.body.find("Action=DescribeStacks") != std::string::npos) {
        if (drop_outputs_) response->body = WithoutOutputs(response->body);
        if (!status_.empty()) {
          size_t open = response->body.find("<StackStatus>");
          size_t close = response->body.find("</StackStatus>");
          if (open != std::string::npos && close != std::string::npos) {
            response->body.replace(open + 13, close - open - 13, status_);
          }
        }
      }
      if (request.body.find("Action=ListStackResources") != std::string::npos) {
        ++list_calls_;
      }
      return response;
    });
  }

  std::optional<std::string> Bootstrap() {
    DeployClients clients{cfn_, clock_, nullptr};
    auto outcome = DeployBootstrap(clients, DeployRequest{}, observer_);
    EXPECT_TRUE(outcome.ok()) << outcome.error().ToString();
    auto bucket = FindBootstrapBucket(cfn_);
    EXPECT_TRUE(bucket.ok()) << bucket.error().ToString();
    return bucket.ok() ? *bucket : std::nullopt;
  }

  rex::testing::FakeClock clock_;
  rex::testing::FakeAws fake_;
  rex::testing::FakeTransport transport_;
  aws::StaticCredentialsProvider credentials_;
  aws::CloudFormationClient cfn_;
  rex::testing::RecordingObserver observer_;
  bool drop_outputs_ = false;
  std::string status_;  // reported instead of the real stack status when set
  int list_calls_ = 0;
};

TEST_F(BootstrapBucketTest, TheOutputIsUsedWhenPresent) {
  std::optional<std::string> bucket = Bootstrap();
  ASSERT_TRUE(bucket.has_value());
  EXPECT_THAT(fake_.Buckets(), Contains(*bucket));
  EXPECT_EQ(list_calls_, 0) << "no ListStackResources when the output answers";
}

TEST_F(BootstrapBucketTest, WithoutOutputsTheBucketsPhysicalIdIsRead) {
  std::optional<std::string> with_output = Bootstrap();
  ASSERT_TRUE(with_output.has_value());

  drop_outputs_ = true;
  auto bucket = FindBootstrapBucket(cfn_);
  ASSERT_TRUE(bucket.ok()) << bucket.error().ToString();
  ASSERT_TRUE(bucket->has_value());
  EXPECT_EQ(**bucket, *with_output);
  EXPECT_THAT(**bucket, HasSubstr("rex-bootstrap-bucket"));
  EXPECT_EQ(list_calls_, 1);
}

TEST_F(BootstrapBucketTest, AStackStillInProgressHasNoBucketYet) {
  ASSERT_TRUE(Bootstrap().has_value());
  drop_outputs_ = true;
  status_ = "CREATE_IN_PROGRESS";
  auto bucket = FindBootstrapBucket(cfn_);
  ASSERT_TRUE(bucket.ok()) << bucket.error().ToString();
  EXPECT_FALSE(bucket->has_value());
  EXPECT_EQ(list_calls_, 0);

  status_ = "UPDATE_ROLLBACK_COMPLETE";  // the last update failed; the bucket is still there
  bucket = FindBootstrapBucket(cfn_);
  ASSERT_TRUE(bucket.ok()) << bucket.error().ToString();
  EXPECT_TRUE(bucket->has_value());
}

TEST_F(BootstrapBucketTest, NoStackNoBucketAndNoListing) {
  auto bucket = FindBootstrapBucket(cfn_);
  ASSERT_TRUE(bucket.ok()) << bucket.error().ToString();
  EXPECT_FALSE(bucket->has_value());
  EXPECT_EQ(list_calls_, 0);
}

}  // namespace
}  // namespace rex::engine
