#include "base/files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

namespace rex::base {
namespace {

class FilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("rex_files_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(FilesTest, WriteThenRead) {
  std::string path = (dir_ / "sub" / "file.txt").string();
  ASSERT_TRUE(WriteFileAtomic(path, "hello\n").ok());
  Result<std::string> read = ReadFile(path);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(*read, "hello\n");
  // Only the file itself is left behind: no temporary files.
  int entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir_ / "sub"))
    ++entries;
  EXPECT_EQ(entries, 1);
}

TEST_F(FilesTest, ModeIsApplied) {
  std::string path = (dir_ / "secret.yaml").string();
  ASSERT_TRUE(WriteFileAtomic(path, "x", 0600).ok());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(FilesTest, MissingFileIsNotFound) {
  Result<std::string> read = ReadFile((dir_ / "nope").string());
  ASSERT_FALSE(read.has_value());
  EXPECT_EQ(read.error().code(), Code::kNotFound);
  EXPECT_EQ(read.error().message(), "no file " + (dir_ / "nope").string());
}

TEST_F(FilesTest, DirectoryIsInvalid) {
  std::filesystem::create_directories(dir_);
  Result<std::string> read = ReadFile(dir_.string());
  ASSERT_FALSE(read.has_value());
  EXPECT_EQ(read.error().message(), dir_.string() + " is a directory, not a file");
}

}  // namespace
}  // namespace rex::base
