#include "engine/history.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "aws/credentials.h"
#include "base/files.h"
#include "engine/parameters.h"
#include "support/fake_aws_server.h"
#include "support/fake_clock.h"
#include "support/fake_transport.h"
#include "support/run_rex.h"

namespace rex::engine {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kSecret = "hunter2-hunter2-hunter2";

HistoryRecord Record(const std::string& result) {
  HistoryRecord r;
  r.stack_name = "rex-backend-dev";
  r.result = result;
  r.final_status = result == "deployed" ? "UPDATE_COMPLETE" : "UPDATE_ROLLBACK_COMPLETE";
  r.change_set_name = "rex-20261127T001500Z";
  r.template_json = {{"Resources", {{"Topic", {{"Type", "AWS::SNS::Topic"}}}}}};
  r.parameters = RedactedParameters({{"DbMasterPassword", kSecret, true}, {"Size", "2", false}});
  r.start_time = std::chrono::system_clock::time_point(std::chrono::seconds(1795000000));
  r.end_time = r.start_time + std::chrono::seconds(95);
  return r;
}

TEST(HistoryStoreTest, AppendNumbersRecordsAndListReadsThemInOrder) {
  rex::testing::TempDir dir;
  HistoryStore store(dir.path(), "dev");
  HistoryRecord first = Record("deployed");
  HistoryRecord second = Record("failed");
  second.failure_reason = "queue name taken";
  ASSERT_EQ(store.Append(first).value(), 1);
  ASSERT_EQ(store.Append(second).value(), 2);
  EXPECT_TRUE(base::PathExists(dir.path() + "/.rex/dev/history/0001.json"));
  EXPECT_TRUE(base::PathExists(dir.path() + "/.rex/dev/history/0002.json"));
  auto list = store.List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].number, 1);
  EXPECT_EQ((*list)[1].failure_reason, "queue name taken");
  EXPECT_EQ((*list)[1].stack, "dev");
  EXPECT_EQ((*list)[0].template_json, first.template_json);
  EXPECT_EQ((*list)[0].end_time - (*list)[0].start_time, std::chrono::seconds(95));
  EXPECT_EQ((*list)[0].rex_version, "0.1.0");
}

TEST(HistoryStoreTest, SecretsAreRecordedAsStars) {
  rex::testing::TempDir dir;
  HistoryStore store(dir.path(), "dev");
  HistoryRecord r = Record("deployed");
  ASSERT_TRUE(store.Append(r).ok());
  std::string text = dir.Read(".rex/dev/history/0001.json");
  EXPECT_THAT(text, Not(HasSubstr(kSecret)));
  EXPECT_THAT(text, HasSubstr("\"DbMasterPassword\": \"****\""));
  EXPECT_THAT(text, HasSubstr("\"Size\": \"2\""));
}

TEST(HistoryStoreTest, LoadingAMissingNumberSaysWhereItLooked) {
  rex::testing::TempDir dir;
  HistoryStore store(dir.path(), "dev");
  auto missing = store.Load(7);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), base::Code::kNotFound);
  EXPECT_EQ(missing.error().message(), "no deploy #7 in .rex/dev/history (see \"rex history\")");
  auto empty = store.List();
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(HistoryStoreTest, ACorruptRecordIsAnErrorNamingTheFile) {
  rex::testing::TempDir dir;
  dir.Write(".rex/dev/history/0001.json", "{\"number\": \"one\"}");
  HistoryStore store(dir.path(), "dev");
  auto list = store.List();
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().message(), ".rex/dev/history/0001.json: number: missing");
}

TEST(HistoryStoreTest, ABadStackNameIsRefused) {
  rex::testing::TempDir dir;
  HistoryStore store(dir.path(), "../x");
  HistoryRecord r = Record("deployed");
  EXPECT_EQ(store.Append(r).error().code(), base::Code::kInvalidArgument);
}

TEST(HistoryRecordTest, JsonRoundTrip) {
  HistoryRecord r = Record("deployed");
  r.number = 3;
  r.operation = "rollback";
  r.rollback_of = 1;
  auto back = HistoryRecordFromJson(HistoryRecordToJson(r), "x");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(HistoryRecordToJson(*back), HistoryRecordToJson(r));
  EXPECT_EQ(HistoryFileName(12), "0012.json");
}

TEST(HistoryUploadTest, CopiesTheRecordToTheBucket) {
  rex::testing::FakeClock clock;
  rex::testing::FakeAws fake(rex::testing::FakeAwsOptions{.clock = &clock});
  rex::testing::FakeTransport transport;
  transport.SetHandler([&](const aws::HttpRequest& r) { return fake.Handle(r); });
  aws::StaticCredentialsProvider credentials(
      aws::Credentials{"AKIDREXTESTKEY", "rex-test-secret/K7MDENG+bPxRfiCY"});
  aws::S3Client s3({"https://s3.us-east-1.amazonaws.com", "us-east-1", "s3"}, &credentials,
                   transport, clock);
  ASSERT_TRUE(s3.CreateBucket("history-bucket").ok());
  HistoryRecord r = Record("deployed");
  r.number = 4;
  ASSERT_TRUE(UploadHistoryRecord(s3, "history-bucket", r).ok());
  auto stored = fake.Object("history-bucket", "history/rex-backend-dev/0004.json");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(*stored, base::DumpJson(HistoryRecordToJson(r)));
  EXPECT_THAT(*stored, Not(HasSubstr(kSecret)));
}

}  // namespace
}  // namespace rex::engine
