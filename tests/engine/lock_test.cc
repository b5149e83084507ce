#include "engine/lock.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "support/run_rex.h"

namespace rex::engine {
namespace {

using ::testing::HasSubstr;

TEST(StackLockTest, ASecondHolderIsRefusedUntilTheFirstReleases) {
  rex::testing::TempDir dir;
  {
    auto first = StackLock::Acquire(dir.path(), "dev");
    ASSERT_TRUE(first.ok()) << first.error().ToString();
    auto second = StackLock::Acquire(dir.path(), "dev");
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.error().code(), base::Code::kFailedPrecondition);
    EXPECT_EQ(second.error().message(),
              "another rex (pid " + std::to_string(::getpid()) +
                  ") is working on stack dev in this folder (.rex/dev/lock); wait for it to "
                  "finish");
    // Other stacks are independent.
    EXPECT_TRUE(StackLock::Acquire(dir.path(), "prod").ok());
  }
  EXPECT_TRUE(StackLock::Acquire(dir.path(), "dev").ok());
}

TEST(StackLockTest, MovingKeepsTheLock) {
  rex::testing::TempDir dir;
  auto first = StackLock::Acquire(dir.path(), "dev");
  ASSERT_TRUE(first.ok());
  StackLock moved = std::move(*first);
  EXPECT_FALSE(StackLock::Acquire(dir.path(), "dev").ok());
}

TEST(StackLockTest, ABadStackNameIsRefused) {
  rex::testing::TempDir dir;
  auto lock = StackLock::Acquire(dir.path(), "a/b");
  ASSERT_FALSE(lock.ok());
  EXPECT_EQ(lock.error().code(), base::Code::kInvalidArgument);
  EXPECT_THAT(lock.error().message(), HasSubstr("cannot name a folder under .rex/"));
}

}  // namespace
}  // namespace rex::engine
