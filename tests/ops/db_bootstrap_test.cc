// ops/db_bootstrap.h: the SuperTokens bootstrap record in .rex/ and in the bootstrap bucket
// (the in-process fake S3, which honours If-None-Match / If-Match as S3 does).
#include "ops/db_bootstrap.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "aws/credentials.h"
#include "base/files.h"
#include "support/fake_aws_server.h"
#include "support/fake_clock.h"
#include "support/fake_transport.h"
#include "support/run_rex.h"

namespace rex::ops {
namespace {

using ::testing::HasSubstr;

BootstrapRecord Record(const std::string& trigger) {
  return BootstrapRecord{.time = "2026-12-02T11:00:00Z",
                         .stack_name = "rex-backend-dev",
                         .task_arn = "arn:aws:ecs:us-east-1:123456789012:task/c/0123abcd",
                         .exit_code = 0,
                         .trigger = trigger,
                         .stack_id = "arn:aws:cloudformation:us-east-1:123456789012:stack/x/1",
                         .host = "laptop",
                         .user = "alice"};
}

class BucketBootstrapRecordTest : public ::testing::Test {
 protected:
  void SetUp() override {
    transport_.SetHandler([&](const aws::HttpRequest& r) { return fake_.Handle(r); });
    ASSERT_TRUE(s3_.CreateBucket("b").ok());
  }
  rex::testing::FakeClock clock_;
  rex::testing::FakeAws fake_{rex::testing::FakeAwsOptions{.clock = &clock_}};
  rex::testing::FakeTransport transport_;
  aws::StaticCredentialsProvider credentials_{
      aws::Credentials{"AKIDREXTESTKEY", "rex-test-secret/K7MDENG+bPxRfiCY"}};
  aws::S3Client s3_{
      {"https://s3.us-east-1.amazonaws.com", "us-east-1", "s3"}, &credentials_, transport_, clock_};
};

TEST(LocalBootstrapRecordTest, ASymlinkedRecordIsNeitherReadNorWrittenThrough) {
  rex::testing::TempDir dir;
  std::filesystem::path victim = std::filesystem::path(dir.path()) / "private.txt";
  ASSERT_TRUE(base::WriteFileAtomic(victim.string(), "secret text").ok());
  std::filesystem::create_directories(std::filesystem::path(dir.path()) / ".rex" / "dev");
  std::filesystem::create_symlink(victim,
                                  std::filesystem::path(dir.path()) / ".rex/dev/bootstrap.json");
  auto read = ReadBootstrapRecord(dir.path(), "dev");
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code(), base::Code::kInvalidArgument);
  EXPECT_THAT(read.error().message(),
              ::testing::HasSubstr(".rex/dev/bootstrap.json is a symbolic link"));
  EXPECT_FALSE(WriteBootstrapRecord(dir.path(), "dev", BootstrapRecord{}).ok());
  EXPECT_EQ(base::ReadFile(victim.string()).value(), "secret text");
}

TEST_F(BucketBootstrapRecordTest, CreatedOnceThenReplacedOnlyWithTheETagRead) {
  auto none = ReadBucketBootstrapRecord(s3_, "b", "rex-backend-dev");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(WriteBucketBootstrapRecord(s3_, "b", Record("rex up"), "").ok());
  EXPECT_TRUE(fake_.Object("b", "records/rex-backend-dev/bootstrap.json").has_value());
  // A second machine that did not read it cannot create it again.
  base::Status twice = WriteBucketBootstrapRecord(s3_, "b", Record("rex db bootstrap"), "");
  EXPECT_EQ(twice.code(), base::Code::kFailedPrecondition);
  EXPECT_THAT(twice.message(), HasSubstr("another rex recorded a bootstrap of rex-backend-dev"));

  auto read = ReadBucketBootstrapRecord(s3_, "b", "rex-backend-dev");
  ASSERT_TRUE(read.ok());
  ASSERT_TRUE(read->has_value());
  EXPECT_EQ((*read)->record.trigger, "rex up");
  EXPECT_EQ((*read)->record.user, "alice");
  EXPECT_EQ((*read)->record.host, "laptop");
  EXPECT_EQ((*read)->record.stack_id, Record("x").stack_id);
  ASSERT_TRUE(WriteBucketBootstrapRecord(s3_, "b", Record("rex db bootstrap"), (*read)->etag).ok());
  // The ETag read before that replacement is stale now.
  base::Status stale = WriteBucketBootstrapRecord(s3_, "b", Record("rex up"), (*read)->etag);
  EXPECT_EQ(stale.code(), base::Code::kFailedPrecondition);
  auto last = ReadBucketBootstrapRecord(s3_, "b", "rex-backend-dev");
  ASSERT_TRUE(last.ok() && last->has_value());
  EXPECT_EQ((*last)->record.trigger, "rex db bootstrap");
}

TEST_F(BucketBootstrapRecordTest, AnObjectThatIsNotARecordIsAnErrorNamingTheKey) {
  ASSERT_TRUE(
      s3_.PutObject({.bucket = "b", .key = "records/rex-backend-dev/bootstrap.json", .body = "{}"})
          .ok());
  auto read = ReadBucketBootstrapRecord(s3_, "b", "rex-backend-dev");
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().message(),
            "s3://b/records/rex-backend-dev/bootstrap.json is not a bootstrap record (taskArn, "
            "exitCode)");
}

TEST(BootstrapRecordTest, LocalCopyRoundTripsAndOlderRecordsStillRead) {
  rex::testing::TempDir dir;
  ASSERT_TRUE(WriteBootstrapRecord(dir.path(), "dev", Record("rex up")).ok());
  auto read = ReadBootstrapRecord(dir.path(), "dev");
  ASSERT_TRUE(read.ok());
  ASSERT_TRUE(read->has_value());
  EXPECT_EQ(BootstrapRecordToJson(**read), BootstrapRecordToJson(Record("rex up")));
  // A record written before stackId, host and user existed.
  dir.Write(".rex/dev/bootstrap.json",
            "{\"time\": \"t\", \"stackName\": \"s\", \"taskArn\": \"a\", \"exitCode\": 0, "
            "\"trigger\": \"rex up\"}");
  auto old = ReadBootstrapRecord(dir.path(), "dev");
  ASSERT_TRUE(old.ok());
  ASSERT_TRUE(old->has_value());
  EXPECT_EQ((*old)->stack_id, "");
  EXPECT_EQ((*old)->task_arn, "a");
}

}  // namespace
}  // namespace rex::ops
