#include "engine/deploy_run.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "aws/credentials.h"
#include "engine/bootstrap.h"
#include "engine/history.h"
#include "engine/lease.h"
#include "engine/state.h"
#include "support/fake_aws_server.h"
#include "support/fake_clock.h"
#include "support/fake_transport.h"
#include "support/recording_observer.h"

namespace rex::engine {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

constexpr const char* kStack = "demo-dev";

base::Json Template() {
  return {{"AWSTemplateFormatVersion", "2010-09-09"},
          {"Resources", {{"Topic", {{"Type", "AWS::SNS::Topic"}}}}}};
}

// The use case against the fake AWS in process, in a scratch folder.
class DeployRunTest : public ::testing::Test {
 protected:
  DeployRunTest() {
    transport_.SetHandler([this](const aws::HttpRequest& r) { return fake_.Handle(r); });
    dir_ = std::filesystem::temp_directory_path() /
           ("rex-deploy-run-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  ~DeployRunTest() override { std::filesystem::remove_all(dir_); }

  std::string Bootstrap() {
    auto outcome = DeployBootstrap(clients_, DeployRequest{}, observer_);
    EXPECT_TRUE(outcome.ok()) << outcome.error().ToString();
    auto bucket = FindBootstrapBucket(cfn_);
    EXPECT_TRUE(bucket.ok() && bucket->has_value());
    return bucket.ok() ? bucket->value_or("") : "";
  }

  DeployRun Run() {
    DeployRun run;
    run.cwd = dir_.string();
    run.stack = "dev";
    run.request.stack_name = kStack;
    run.template_json = Template();
    run.request.template_body = base::DumpJson(run.template_json);
    return run;
  }

  rex::testing::FakeClock clock_;
  rex::testing::FakeAws fake_{rex::testing::FakeAwsOptions{.clock = &clock_}};
  rex::testing::FakeTransport transport_;
  aws::StaticCredentialsProvider credentials_{
      aws::Credentials{"AKIDREXTESTKEY", "rex-test-secret/K7MDENG+bPxRfiCY"}};
  aws::CloudFormationClient cfn_{
      {"https://cloudformation.us-east-1.amazonaws.com", "us-east-1", "cloudformation"},
      &credentials_,
      transport_,
      clock_};
  aws::S3Client s3_{
      {"https://s3.us-east-1.amazonaws.com", "us-east-1", "s3"}, &credentials_, transport_, clock_};
  DeployClients clients_{cfn_, clock_, &s3_};
  rex::testing::RecordingObserver observer_;
  std::filesystem::path dir_;
};

TEST_F(DeployRunTest, WithABucketTheHistoryIsNumberedThereAndTheLeaseIsReleased) {
  const std::string bucket = Bootstrap();
  auto ran = RunDeploy(clients_, Run(), observer_);
  ASSERT_TRUE(ran.ok()) << ran.error().ToString();
  EXPECT_TRUE(std::holds_alternative<Deployed>(ran->outcome));
  EXPECT_EQ(ran->record.result, "deployed");
  EXPECT_EQ(ran->record.number, 1);
  EXPECT_EQ(ran->record.operation, "up");

  auto shared = BucketHistory(s3_, bucket, kStack).List();
  ASSERT_TRUE(shared.ok()) << shared.error().ToString();
  ASSERT_EQ(shared->size(), 1u);
  auto lease = ReadLease(s3_, bucket, kStack);
  ASSERT_TRUE(lease.ok());
  EXPECT_FALSE(lease->has_value()) << "the lease is released on return";
  EXPECT_TRUE(std::filesystem::exists(StateStore(dir_.string()).DeployedTemplatePath("dev")));
}

TEST_F(DeployRunTest, WithoutABucketTheLockIsLocalAndSaysSo) {
  auto ran = RunDeploy(clients_, Run(), observer_);
  ASSERT_TRUE(ran.ok()) << ran.error().ToString();
  EXPECT_THAT(observer_.lines(), Contains(HasSubstr("the deploy lock is local to this folder")));
  auto local = HistoryStore(dir_.string(), "dev").List();
  ASSERT_TRUE(local.ok());
  EXPECT_EQ(local->size(), 1u);
}

TEST_F(DeployRunTest, ALeaseHeldByAnotherRexStopsItBeforeAnythingIsDeployedOrRecorded) {
  const std::string bucket = Bootstrap();
  auto other =
      DeployLease::Acquire(s3_, clock_, bucket, ThisProcess(kStack, "rex up"), LeaseOptions{});
  ASSERT_TRUE(other.ok());
  auto ran = RunDeploy(clients_, Run(), observer_);
  ASSERT_FALSE(ran.ok());
  EXPECT_EQ(ran.error().code(), base::Code::kFailedPrecondition);
  EXPECT_THAT(ran.error().message(), HasSubstr("is locked: "));
  EXPECT_THAT(ran.error().message(), HasSubstr("running \"rex up\""));
  auto stacks = cfn_.DescribeStacks(kStack);
  EXPECT_FALSE(stacks.ok() && !stacks->empty()) << "nothing was deployed";
  auto shared = BucketHistory(s3_, bucket, kStack).List();
  ASSERT_TRUE(shared.ok());
  EXPECT_TRUE(shared->empty()) << "nothing was recorded";
}

}  // namespace
}  // namespace rex::engine
