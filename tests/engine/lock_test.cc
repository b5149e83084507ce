#include "engine/lock.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "base/files.h"
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

// A cloned repository holding `.rex/dev/lock -> ~/.bashrc` must not make rex truncate and
// overwrite ~/.bashrc.
TEST(StackLockTest, ASymlinkedLockIsRefusedAndItsTargetLeftAlone) {
  rex::testing::TempDir dir;
  std::filesystem::path victim = std::filesystem::path(dir.path()) / "bashrc";
  ASSERT_TRUE(base::WriteFileAtomic(victim.string(), "export PS1='$ '\n").ok());
  std::filesystem::create_directories(std::filesystem::path(dir.path()) / ".rex" / "dev");
  std::filesystem::create_symlink(victim,
                                  std::filesystem::path(dir.path()) / ".rex" / "dev" / "lock");

  auto lock = StackLock::Acquire(dir.path(), "dev");
  ASSERT_FALSE(lock.ok());
  EXPECT_EQ(lock.error().code(), base::Code::kInvalidArgument);
  EXPECT_EQ(lock.error().message(),
            ".rex/dev/lock is a symbolic link; rex does not follow links in its own files "
            "(remove it; rex recreates it)");
  EXPECT_EQ(base::ReadFile(victim.string()).value(), "export PS1='$ '\n");
}

TEST(StackLockTest, ASymlinkedStateFolderIsRefused) {
  rex::testing::TempDir dir;
  std::filesystem::path elsewhere = std::filesystem::path(dir.path()) / "elsewhere";
  std::filesystem::create_directories(elsewhere);
  std::filesystem::create_directories(std::filesystem::path(dir.path()) / ".rex");
  std::filesystem::create_directory_symlink(elsewhere,
                                            std::filesystem::path(dir.path()) / ".rex" / "dev");

  auto lock = StackLock::Acquire(dir.path(), "dev");
  ASSERT_FALSE(lock.ok());
  EXPECT_THAT(lock.error().message(), HasSubstr(".rex/dev is a symbolic link"));
  EXPECT_TRUE(std::filesystem::is_empty(elsewhere));
}

TEST(StackLockTest, ALockThatIsAFolderIsRefused) {
  rex::testing::TempDir dir;
  std::filesystem::create_directories(std::filesystem::path(dir.path()) / ".rex" / "dev" / "lock");
  auto lock = StackLock::Acquire(dir.path(), "dev");
  ASSERT_FALSE(lock.ok());
  EXPECT_EQ(lock.error().message(),
            ".rex/dev/lock is not a regular file; remove it (rex recreates it)");
}

}  // namespace
}  // namespace rex::engine
