// A JSON request body cannot hold a string that is not UTF-8 (a config value or a template
// written with other bytes): SerializeRequest refuses it with kInvalidArgument naming the
// operation, instead of letting nlohmann's type_error end the process.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "aws/codec.h"
#include "aws/service_models.h"

namespace rex::aws {
namespace {

using ::testing::HasSubstr;

TEST(CodecUtf8Test, AStringThatIsNotUtf8IsRefusedNotThrown) {
  LoadedModel logs = LoadModel(LogsModelJson());
  OperationModel op = logs.Operation("FilterLogEvents");
  auto request = SerializeRequest(logs.service, op,
                                  base::Json{{"logGroupName", std::string("group\xff\xfe")}});
  ASSERT_FALSE(request.ok());
  EXPECT_EQ(request.error().code(), base::Code::kInvalidArgument);
  EXPECT_THAT(request.error().message(), HasSubstr("FilterLogEvents"));

  auto fine = SerializeRequest(logs.service, op, base::Json{{"logGroupName", "group"}});
  ASSERT_TRUE(fine.ok()) << fine.error().message();
  EXPECT_THAT(fine->body, HasSubstr("\"logGroupName\":\"group\""));
}

}  // namespace
}  // namespace rex::aws
