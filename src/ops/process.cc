#include "ops/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/strings.h"

namespace rex::ops {

namespace {

bool IsExecutable(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

class SystemProcessRunner : public ProcessRunner {
 public:
  explicit SystemProcessRunner(std::string path)
      : path_(path.empty() ? "/usr/local/bin:/usr/bin:/bin" : std::move(path)) {}

  std::string Find(const std::string& program) override {
    if (program.empty()) return "";
    if (program.find('/') != std::string::npos) return IsExecutable(program) ? program : "";
    for (const std::string& dir : base::Split(path_, ':')) {
      std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
      if (IsExecutable(candidate)) return candidate;
    }
    return "";
  }

  base::Result<ProcessResult> Run(const std::vector<std::string>& argv,
                                  const std::string& stdin_data,
                                  const std::function<void(std::string_view)>& on_output) override {
    if (argv.empty()) return base::InvalidArgument("run: no program");
    std::string binary = Find(argv[0]);
    if (binary.empty()) {
      return base::NotFound("run " + argv[0] + ": not found on PATH (" + path_ + ")");
    }
    int in_pipe[2], out_pipe[2];
    if (::pipe2(in_pipe, O_CLOEXEC) != 0) return base::Internal("run " + argv[0] + ": pipe failed");
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
      ::close(in_pipe[0]);
      ::close(in_pipe[1]);
      return base::Internal("run " + argv[0] + ": pipe failed");
    }
    std::vector<char*> args;
    std::vector<std::string> copies = argv;
    for (std::string& a : copies) args.push_back(a.data());
    args.push_back(nullptr);
    pid_t pid = ::fork();
    if (pid < 0) {
      for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1]}) ::close(fd);
      return base::Internal("run " + argv[0] + ": fork failed");
    }
    if (pid == 0) {
      ::dup2(in_pipe[0], 0);
      ::dup2(out_pipe[1], 1);
      ::dup2(out_pipe[1], 2);
      ::execv(binary.c_str(), args.data());
      _exit(127);
    }
    ::close(in_pipe[0]);
    ::close(out_pipe[1]);
    // A child that exits without reading its input must not kill rex with SIGPIPE.
    struct sigaction ignore {
    }, previous{};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ignore, &previous);
    size_t written = 0;
    while (written < stdin_data.size()) {
      ssize_t n = ::write(in_pipe[1], stdin_data.data() + written, stdin_data.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      written += static_cast<size_t>(n);
    }
    ::close(in_pipe[1]);
    ::sigaction(SIGPIPE, &previous, nullptr);

    ProcessResult result;
    char buf[4096];
    while (true) {
      ssize_t n = ::read(out_pipe[0], buf, sizeof(buf));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      std::string_view chunk(buf, static_cast<size_t>(n));
      result.output.append(chunk);
      if (on_output) on_output(chunk);
    }
    ::close(out_pipe[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status)) {
      result.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
      result.exit_code = 128 + WTERMSIG(status);
    }
    return result;
  }

 private:
  std::string path_;
};

}  // namespace

std::unique_ptr<ProcessRunner> NewSystemProcessRunner(std::string path) {
  return std::make_unique<SystemProcessRunner>(std::move(path));
}

}  // namespace rex::ops
