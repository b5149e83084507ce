#include "base/files.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

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

TEST_F(FilesTest, AtomicWriteReplacesASymlinkInsteadOfFollowingIt) {
  std::filesystem::create_directories(dir_);
  std::string victim = (dir_ / "victim").string();
  ASSERT_TRUE(WriteFileAtomic(victim, "keep me\n").ok());
  std::filesystem::create_symlink(victim, dir_ / "link");
  ASSERT_TRUE(WriteFileAtomic((dir_ / "link").string(), "new\n").ok());
  EXPECT_EQ(ReadFile(victim).value(), "keep me\n");
  EXPECT_FALSE(std::filesystem::is_symlink(dir_ / "link"));
  EXPECT_EQ(ReadFile((dir_ / "link").string()).value(), "new\n");
}

TEST_F(FilesTest, CheckNoLinksRefusesLinksAndOddFilesBelowTheRoot) {
  std::filesystem::create_directories(dir_ / ".rex" / "dev");
  EXPECT_TRUE(CheckNoLinks(dir_.string(), ".rex/dev/state.json").ok());  // missing: fine
  EXPECT_TRUE(CheckNoLinks(dir_.string(), ".rex/prod/state.json").ok());
  ASSERT_TRUE(WriteFileAtomic((dir_ / ".rex" / "dev" / "state.json").string(), "{}").ok());
  EXPECT_TRUE(CheckNoLinks(dir_.string(), ".rex/dev/state.json").ok());

  std::filesystem::create_symlink(dir_ / ".rex" / "dev", dir_ / ".rex" / "prod");
  EXPECT_EQ(CheckNoLinks(dir_.string(), ".rex/prod/state.json").message(),
            ".rex/prod is a symbolic link; rex does not follow links in its own files (remove "
            "it; rex recreates it)");
  EXPECT_EQ(CheckNoLinks(dir_.string(), ".rex/dev/state.json/x").message(),
            ".rex/dev/state.json is not a folder; remove it (rex recreates it)");
  EXPECT_EQ(CheckNoLinks(dir_.string(), ".rex/dev").message(),
            ".rex/dev is not a regular file; remove it (rex recreates it)");
}

TEST_F(FilesTest, OpenRegularFileNoFollowRefusesLinks) {
  std::filesystem::create_directories(dir_);
  std::string target = (dir_ / "target").string();
  ASSERT_TRUE(WriteFileAtomic(target, "x").ok());
  std::filesystem::create_symlink(target, dir_ / "link");
  Result<int> link = OpenRegularFileNoFollow((dir_ / "link").string(), "link", O_RDWR);
  ASSERT_FALSE(link.ok());
  EXPECT_EQ(link.error().message(),
            "link is a symbolic link; rex does not follow links in its own files (remove it; rex "
            "recreates it)");
  Result<int> dir = OpenRegularFileNoFollow(dir_.string(), "dir", O_RDONLY);
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.error().message(), "dir is not a regular file; remove it (rex recreates it)");
  Result<int> file = OpenRegularFileNoFollow(target, "target", O_RDWR);
  ASSERT_TRUE(file.ok()) << file.error().ToString();
  ::close(*file);
}

}  // namespace
}  // namespace rex::base
