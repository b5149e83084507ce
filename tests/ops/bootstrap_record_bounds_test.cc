// The bootstrap record reader against hostile records (found by fuzz/bootstrap_record_fuzzer):
// a record without exitCode read past the end of the document (nlohmann's const operator[]
// on a missing key); now it is refused like any other record that is not one.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/json.h"
#include "ops/db_bootstrap.h"

namespace rex::ops {
namespace {

using ::testing::HasSubstr;

TEST(BootstrapRecordBoundsTest, ARecordWithoutExitCodeIsRefused) {
  auto json = base::ParseJson(R"({"taskArn": "arn:aws:ecs:us-east-1:1:task/c/t"})", "b.json");
  ASSERT_TRUE(json.ok());
  auto record = BootstrapRecordFromJson(*json, ".rex/dev/bootstrap.json");
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.error().code(), base::Code::kInvalidArgument);
  EXPECT_THAT(record.error().message(), HasSubstr(".rex/dev/bootstrap.json"));
}

TEST(BootstrapRecordBoundsTest, NonObjectsAndWrongTypesAreRefused) {
  for (const char* text : {"[]", "3", "null", R"({"taskArn": "t", "exitCode": "0"})",
                           R"({"taskArn": "t", "exitCode": 1.5})", R"({"exitCode": 0})"}) {
    auto json = base::ParseJson(text, "b.json");
    ASSERT_TRUE(json.ok()) << text;
    EXPECT_FALSE(BootstrapRecordFromJson(*json, "b.json").ok()) << text;
  }
}

TEST(BootstrapRecordBoundsTest, AWholeRecordIsRead) {
  auto json = base::ParseJson(R"({"taskArn": "t", "exitCode": 3, "host": "h"})", "b.json");
  ASSERT_TRUE(json.ok());
  auto record = BootstrapRecordFromJson(*json, "b.json");
  ASSERT_TRUE(record.ok()) << record.error().message();
  EXPECT_EQ(record->exit_code, 3);
  EXPECT_EQ(record->host, "h");
}

}  // namespace
}  // namespace rex::ops
