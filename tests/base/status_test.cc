#include "base/status.h"

#include <gtest/gtest.h>

#include "base/result.h"

namespace rex::base {
namespace {

TEST(StatusTest, OkByDefault) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "ok");
}

TEST(StatusTest, WithContextPrefixesOnce) {
  Status s = InvalidArgument("vpcCidr 10.0.0.0/8 is too large").WithContext("stacks/dev.yaml");
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.message(), "stacks/dev.yaml: vpcCidr 10.0.0.0/8 is too large");
  EXPECT_EQ(s.ToString(), "invalid argument: stacks/dev.yaml: vpcCidr 10.0.0.0/8 is too large");
}

TEST(StatusTest, WithContextKeepsOk) { EXPECT_TRUE(Status::Ok().WithContext("x").ok()); }

Result<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgument(std::to_string(x) + " is odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  REX_ASSIGN_OR_RETURN(int half, Half(x));
  REX_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

TEST(ResultTest, PropagatesValueAndError) {
  Result<int> ok = Quarter(8);
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(*ok, 2);
  Result<int> bad = Quarter(6);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message(), "3 is odd");
}

Status FailIfNegative(int x) {
  if (x < 0) return InvalidArgument("negative");
  return Status::Ok();
}

Status Chain(int x) {
  REX_RETURN_IF_ERROR(FailIfNegative(x));
  return Status::Ok();
}

TEST(ResultTest, ReturnIfError) {
  EXPECT_TRUE(Chain(1).ok());
  EXPECT_EQ(Chain(-1).message(), "negative");
}

}  // namespace
}  // namespace rex::base
