#include "support/run_rex.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "base/check.h"

namespace rex::testing {

std::string RexBinary() { return std::string(REX_BINARY_DIR) + "/src/rex"; }

std::vector<std::string> RexChildEnvironment(const RexOptions& options) {
  // options.env may replace PATH (tests that control which programs rex finds).
  auto path = options.env.find("PATH");
  std::vector<std::string> env = {
      "PATH=" + (path != options.env.end() ? path->second : "/usr/local/bin:/usr/bin:/bin"),
      "HOME=" + options.cwd, "NO_COLOR=1"};
  // Sanitizer settings reach the child too (the sanitizer build runs these tests).
  for (const char* name : {"ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS"}) {
    if (const char* value = std::getenv(name)) env.push_back(std::string(name) + "=" + value);
  }
  for (const auto& [k, v] : options.env) {
    if (k != "PATH") env.push_back(k + "=" + v);
  }
  return env;
}

void ExecRex(const std::vector<std::string>& args, const RexOptions& options,
             std::vector<std::string> env) {
  if (::chdir(options.cwd.c_str()) != 0) ::_exit(126);
  std::string binary = RexBinary();
  std::vector<std::string> copy = args;
  std::vector<char*> argv = {binary.data()};
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  ::execve(binary.c_str(), argv.data(), envp.data());
  ::_exit(127);
}

RexRun RunRex(const std::vector<std::string>& args, const RexOptions& options) {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  REX_CHECK(::pipe(in_pipe) == 0 && ::pipe(out_pipe) == 0 && ::pipe(err_pipe) == 0);
  std::vector<std::string> env_strings = RexChildEnvironment(options);
  pid_t pid = ::fork();
  REX_CHECK(pid >= 0);
  if (pid == 0) {
    ::dup2(in_pipe[0], 0);
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) {
      ::close(fd);
    }
    ExecRex(args, options, std::move(env_strings));
  }
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (!options.stdin_text.empty()) {
    ssize_t written = ::write(in_pipe[1], options.stdin_text.data(), options.stdin_text.size());
    (void)written;
  }
  ::close(in_pipe[1]);
  RexRun run;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  char buffer[65536];
  while (open_fds > 0) {
    if (::poll(fds, 2, -1) < 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP)) == 0) continue;
      ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
        continue;
      }
      (i == 0 ? run.out : run.err).append(buffer, static_cast<size_t>(n));
    }
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return run;
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "rex-test-XXXXXX").string();
  REX_CHECK(::mkdtemp(pattern.data()) != nullptr);
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void TempDir::Write(const std::string& relative, const std::string& contents) const {
  std::filesystem::path p = std::filesystem::path(path_) / relative;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << contents;
}

std::string TempDir::Read(const std::string& relative) const {
  std::ifstream in(std::filesystem::path(path_) / relative, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

base::Json ParseOrFail(const std::string& text) {
  auto parsed = base::ParseJson(text, "output");
  EXPECT_TRUE(parsed.has_value()) << text.substr(0, 300);
  return parsed.has_value() ? *parsed : base::Json::object();
}

}  // namespace rex::testing
