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

TEST(HistoryStoreTest, ASymlinkedRecordIsNeitherReadNorWrittenThrough) {
  // A cloned checkout holding .rex/dev/history/0001.json -> some other file of the user's.
  rex::testing::TempDir dir;
  std::filesystem::path victim = std::filesystem::path(dir.path()) / "private.txt";
  ASSERT_TRUE(base::WriteFileAtomic(victim.string(), "{\"not\": \"yours\"}").ok());
  std::filesystem::path history = std::filesystem::path(dir.path()) / ".rex" / "dev" / "history";
  std::filesystem::create_directories(history);
  std::filesystem::create_symlink(victim, history / "0001.json");
  HistoryStore store(dir.path(), "dev");
  auto loaded = store.Load(1);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().message(),
            ".rex/dev/history/0001.json is a symbolic link; rex does not follow links in its own "
            "files (remove it; rex recreates it)");
  EXPECT_FALSE(store.ReadText(1).ok());
  HistoryRecord record;
  record.number = 1;
  EXPECT_FALSE(store.WriteCache(record).ok());
  EXPECT_EQ(base::ReadFile(victim.string()).value(), "{\"not\": \"yours\"}");
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
  r.host = "ci-runner-7";
  r.user = "alice";
  auto back = HistoryRecordFromJson(HistoryRecordToJson(r), "x");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(HistoryRecordToJson(*back), HistoryRecordToJson(r));
  EXPECT_EQ(back->user, "alice");
  EXPECT_EQ(back->host, "ci-runner-7");
  EXPECT_EQ(HistoryFileName(12), "0012.json");
}

// The bootstrap bucket of the in-process fake S3 (tests/support/fake_aws_server.h), which
// honours If-None-Match / If-Match as S3 does.
class BucketHistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    transport_.SetHandler([&](const aws::HttpRequest& r) { return fake_.Handle(r); });
    ASSERT_TRUE(s3_.CreateBucket("history-bucket").ok());
  }
  std::vector<std::string> Puts() const {
    std::vector<std::string> out;
    for (const std::string& r : fake_.Requests()) {
      if (r.rfind("s3:PUT /history-bucket/history/", 0) == 0) out.push_back(r);
    }
    return out;
  }

  rex::testing::FakeClock clock_;
  rex::testing::FakeAws fake_{rex::testing::FakeAwsOptions{.clock = &clock_}};
  rex::testing::FakeTransport transport_;
  aws::StaticCredentialsProvider credentials_{
      aws::Credentials{"AKIDREXTESTKEY", "rex-test-secret/K7MDENG+bPxRfiCY"}};
  aws::S3Client s3_{
      {"https://s3.us-east-1.amazonaws.com", "us-east-1", "s3"}, &credentials_, transport_, clock_};
};

TEST_F(BucketHistoryTest, AppendTakesTheNextNumberAfterTheBucketsHighest) {
  BucketHistory history(s3_, "history-bucket", "rex-backend-dev");
  HistoryRecord first = Record("deployed");
  ASSERT_EQ(history.Append(first).value(), 1);
  HistoryRecord second = Record("failed");
  ASSERT_EQ(history.Append(second).value(), 2);
  EXPECT_EQ(second.number, 2);
  auto stored = fake_.Object("history-bucket", "history/rex-backend-dev/0002.json");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(*stored, HistoryRecordText(second));
  EXPECT_THAT(*stored, Not(HasSubstr(kSecret)));
  EXPECT_THAT(*stored, HasSubstr("\"DbMasterPassword\": \"****\""));
  auto numbers = history.Numbers();
  ASSERT_TRUE(numbers.ok());
  EXPECT_EQ(*numbers, (std::vector<int>{1, 2}));
  auto list = history.List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[1].result, "failed");
  // Another stack's records are not this stack's.
  BucketHistory other(s3_, "history-bucket", "rex-backend-prod");
  HistoryRecord prod = Record("deployed");
  EXPECT_EQ(other.Append(prod).value(), 1);
}

TEST_F(BucketHistoryTest, TwoWritersThatListedTheSameHighestNumberNeverShareANumber) {
  BucketHistory a(s3_, "history-bucket", "rex-backend-dev");
  HistoryRecord seed = Record("deployed");
  ASSERT_EQ(a.Append(seed).value(), 1);
  // Machine B lists, sees #1, and is about to write #2 when machine A writes #2 first: B's
  // If-None-Match: * put of #2 is refused (412) and B takes #3.
  bool raced = false;
  transport_.SetHandler([&](const aws::HttpRequest& r) {
    if (!raced && r.method == "PUT" && r.url.find("/0002.json") != std::string::npos &&
        rex::testing::HeaderOf(r, "If-None-Match") == "*") {
      raced = true;
      aws::HttpRequest other = r;
      other.body = "{\"number\": 2, \"stackName\": \"rex-backend-dev\", \"result\": \"deployed\"}";
      EXPECT_TRUE(fake_.Handle(other).ok());  // A's write lands first
    }
    return fake_.Handle(r);
  });
  HistoryRecord b_record = Record("deployed");
  ASSERT_EQ(a.Append(b_record).value(), 3);
  EXPECT_TRUE(raced);
  auto two = fake_.Object("history-bucket", "history/rex-backend-dev/0002.json");
  ASSERT_TRUE(two.has_value());
  EXPECT_THAT(*two, Not(HasSubstr("rex-20261127T001500Z"))) << "#2 is A's record, not B's";
  EXPECT_THAT(fake_.Object("history-bucket", "history/rex-backend-dev/0003.json").value_or(""),
              HasSubstr("rex-20261127T001500Z"));
}

TEST_F(BucketHistoryTest, AppendGivesUpAfterABoundedNumberOfLostRaces) {
  BucketHistory history(s3_, "history-bucket", "rex-backend-dev");
  // Every conditional put is refused as if another machine always got there first.
  transport_.SetHandler([&](const aws::HttpRequest& r) -> base::Result<aws::HttpResponse> {
    if (r.method == "PUT") {
      aws::HttpResponse refused;
      refused.status = 412;
      refused.body =
          "<?xml version=\"1.0\"?><Error><Code>PreconditionFailed</Code><Message>At least one "
          "of the pre-conditions you specified did not hold</Message></Error>";
      return refused;
    }
    return fake_.Handle(r);
  });
  HistoryRecord r = Record("deployed");
  auto number = history.Append(r);
  ASSERT_FALSE(number.ok());
  EXPECT_EQ(number.error().code(), base::Code::kAborted);
  EXPECT_THAT(number.error().message(),
              HasSubstr("could not allocate a history number in "
                        "s3://history-bucket/history/rex-backend-dev/ after 20 attempts"));
}

TEST_F(BucketHistoryTest, LoadOfAMissingNumberNamesTheBucket) {
  BucketHistory history(s3_, "history-bucket", "rex-backend-dev");
  auto missing = history.Load(9);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), base::Code::kNotFound);
  EXPECT_EQ(missing.error().message(),
            "no deploy #9 in s3://history-bucket/history/rex-backend-dev/ (see \"rex history\")");
}

TEST(HistoryStoreTest, WriteCacheKeepsTheBucketsNumberAndReadTextReturnsTheFile) {
  rex::testing::TempDir dir;
  HistoryStore store(dir.path(), "dev");
  HistoryRecord r = Record("deployed");
  r.number = 7;
  ASSERT_TRUE(store.WriteCache(r).ok());
  auto text = store.ReadText(7);
  ASSERT_TRUE(text.ok());
  ASSERT_TRUE(text->has_value());
  r.stack = "dev";
  EXPECT_EQ(**text, HistoryRecordText(r));
  auto none = store.ReadText(8);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  // A local Append after the cache continues after it.
  HistoryRecord next = Record("deployed");
  EXPECT_EQ(store.Append(next).value(), 8);
}

}  // namespace
}  // namespace rex::engine
