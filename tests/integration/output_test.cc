// Files and streams through the real binary (issue 15): `-o PATH` writes through devices,
// FIFOs and symbolic links, refuses a missing folder and the stacks/ folder, "-o -" is stdout;
// a failed write to stdout (full disk, closed pipe) exits 1 with the OS error.

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>

#include "base/json.h"
#include "support/run_rex.h"

namespace rex::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

// Runs rex with its stdout on `out_fd` (stdin empty, stderr captured); out_fd stays open in
// the caller.
RexRun RunRexWithStdout(const std::vector<std::string>& args, const RexOptions& options,
                        int out_fd) {
  int err_pipe[2];
  EXPECT_EQ(::pipe(err_pipe), 0);
  std::vector<std::string> env = RexChildEnvironment(options);
  pid_t pid = ::fork();
  if (pid == 0) {
    int null_in = ::open("/dev/null", O_RDONLY);
    ::dup2(null_in, 0);
    ::dup2(out_fd, 1);
    ::dup2(err_pipe[1], 2);
    ::close(err_pipe[0]);
    ::close(err_pipe[1]);
    ExecRex(args, options, std::move(env));
  }
  ::close(err_pipe[1]);
  RexRun run;
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(err_pipe[0], buffer, sizeof buffer)) > 0) {
    run.err.append(buffer, static_cast<size_t>(n));
  }
  ::close(err_pipe[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return run;
}

bool IsTemplate(const std::string& text) {
  auto json = base::ParseJson(text, "template");
  return json.ok() && (*json)["AWSTemplateFormatVersion"] == "2010-09-09";
}

TEST(OutputFileTest, WritesThroughACharacterDeviceAndLeavesItADevice) {
  TempDir dir;
  // A null device of our own (major 1, minor 3, as /dev/null), so a regression replaces this
  // node and not the machine's /dev/null.
  std::string node = dir.path() + "/null";
  ASSERT_EQ(::mknod(node.c_str(), S_IFCHR | 0666, ::makedev(1, 3)), 0) << std::strerror(errno);
  for (const std::vector<std::string>& args : {std::vector<std::string>{"synth", "-o", "null"},
                                               std::vector<std::string>{"graph", "-o", "null"}}) {
    RexRun run = RunRex(args, {.cwd = dir.path()});
    EXPECT_EQ(run.exit_code, 0) << args[0] << ": " << run.err;
    EXPECT_TRUE(fs::is_character_file(node)) << args[0] << " replaced the device";
  }
}

TEST(OutputFileTest, WritesThroughAFifo) {
  TempDir dir;
  std::string fifo = dir.path() + "/pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string received;
  std::atomic<bool> done{false};
  std::thread reader([&] {
    int fd = ::open(fifo.c_str(), O_RDONLY);  // waits for rex to open it for writing
    char buffer[65536];
    ssize_t n;
    while ((n = ::read(fd, buffer, sizeof buffer)) > 0) {
      received.append(buffer, static_cast<size_t>(n));
    }
    ::close(fd);
    done = true;
  });
  RexRun run = RunRex({"synth", "-o", "pipe"}, {.cwd = dir.path()});
  // Had rex never opened the FIFO, the reader would wait forever: release it.
  while (!done) {
    int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
    if (fd >= 0) ::close(fd);
    std::this_thread::yield();
  }
  reader.join();
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(IsTemplate(received)) << received.substr(0, 200);
  EXPECT_TRUE(fs::is_fifo(fifo));
}

TEST(OutputFileTest, WritesThroughASymlinkToItsTarget) {
  TempDir dir;
  dir.Write("real/template.json", "old");
  fs::create_symlink("real/template.json", dir.path() + "/link.json");
  RexRun run = RunRex({"synth", "-o", "link.json"}, {.cwd = dir.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(fs::is_symlink(dir.path() + "/link.json"));
  EXPECT_TRUE(IsTemplate(dir.Read("real/template.json")));
  // A dangling link: its target is created.
  fs::create_symlink("real/new.json", dir.path() + "/dangling.json");
  RexRun dangling = RunRex({"synth", "-o", "dangling.json"}, {.cwd = dir.path()});
  ASSERT_EQ(dangling.exit_code, 0) << dangling.err;
  EXPECT_TRUE(fs::is_symlink(dir.path() + "/dangling.json"));
  EXPECT_TRUE(IsTemplate(dir.Read("real/new.json")));
}

TEST(OutputFileTest, ReplacesARegularFileAtomically) {
  TempDir dir;
  dir.Write("template.json", "old");
  RexRun run = RunRex({"synth", "-o", "template.json"}, {.cwd = dir.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(IsTemplate(dir.Read("template.json")));
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    EXPECT_THAT(entry.path().filename().string(), Not(HasSubstr(".tmp")));  // no leftover
  }
}

TEST(OutputFileTest, RefusesAMissingFolderAndNeverCreatesIt) {
  TempDir dir;
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"synth", "-o", "nonexistent/t.json"},
        std::vector<std::string>{"graph", "-o", "nonexistent/g.svg"}}) {
    RexRun run = RunRex(args, {.cwd = dir.path()});
    EXPECT_EQ(run.exit_code, 2) << args[0];
    EXPECT_EQ(run.err, "error: cannot write " + args[2] +
                           ": no folder nonexistent (rex never creates folders; create it "
                           "first)\n");
    EXPECT_FALSE(fs::exists(dir.path() + "/nonexistent")) << args[0];
  }
}

TEST(OutputFileTest, RefusesTheStackConfigAndAnyFileInStacks) {
  TempDir dir;
  ASSERT_EQ(RunRex({"init", "dev"}, {.cwd = dir.path()}).exit_code, 0);
  std::string config = dir.Read("stacks/dev.yaml");
  fs::create_symlink("stacks/dev.yaml", dir.path() + "/config-link.yaml");
  for (const std::string& target :
       {std::string("stacks/dev.yaml"), std::string("stacks/other.json"),
        std::string("./stacks/../stacks/dev.yaml"), std::string("config-link.yaml")}) {
    RexRun run = RunRex({"synth", "--yaml", "-o", target}, {.cwd = dir.path()});
    EXPECT_EQ(run.exit_code, 2) << target;
    EXPECT_THAT(run.err, HasSubstr("cannot write " + target + ": stacks/ holds the stack configs"))
        << target;
  }
  EXPECT_EQ(dir.Read("stacks/dev.yaml"), config);
  EXPECT_FALSE(fs::exists(dir.path() + "/stacks/other.json"));
}

TEST(OutputFileTest, DashIsStdout) {
  TempDir dir;
  RexRun synth = RunRex({"synth", "-o", "-"}, {.cwd = dir.path()});
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
  EXPECT_TRUE(IsTemplate(synth.out));
  RexRun graph = RunRex({"graph", "-o", "-"}, {.cwd = dir.path()});
  ASSERT_EQ(graph.exit_code, 0) << graph.err;
  EXPECT_THAT(graph.out, HasSubstr("digraph"));
  EXPECT_FALSE(fs::exists(dir.path() + "/-"));
}

TEST(StdoutTest, AFullDiskExitsOneWithTheOsError) {
  TempDir dir;
  int full = ::open("/dev/full", O_WRONLY);
  ASSERT_GE(full, 0);
  RexRun run = RunRexWithStdout({"synth"}, {.cwd = dir.path()}, full);
  ::close(full);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_THAT(run.err, HasSubstr("error: cannot write to stdout: No space left on device"));
}

TEST(StdoutTest, AClosedPipeExitsOneWithEpipe) {
  TempDir dir;
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  ::close(pipe_fds[0]);  // nobody reads: the first write fails with EPIPE (SIGPIPE ignored)
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"synth"}, std::vector<std::string>{"--help"}}) {
    RexRun run = RunRexWithStdout(args, {.cwd = dir.path()}, pipe_fds[1]);
    EXPECT_EQ(run.exit_code, 1) << args[0] << ": " << run.err;
    EXPECT_THAT(run.err, HasSubstr("error: cannot write to stdout: Broken pipe")) << args[0];
  }
  ::close(pipe_fds[1]);
}

}  // namespace
}  // namespace rex::testing
