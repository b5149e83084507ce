#include "ops/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/fd.h"
#include "base/strings.h"

namespace rex::ops {

namespace {

bool Allowed(std::string_view name) {
  static constexpr std::string_view kExact[] = {
      "PATH",        "HOME",        "USER",     "LOGNAME",   "SHELL",
      "TERM",        "TZ",          "TMPDIR",   "LANG",      "DBUS_SESSION_BUS_ADDRESS",
      "HTTP_PROXY",  "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY", "http_proxy",
      "https_proxy", "no_proxy",    "all_proxy"};
  static constexpr std::string_view kPrefixes[] = {"LC_", "DOCKER_", "XDG_"};
  for (std::string_view exact : kExact) {
    if (name == exact) return true;
  }
  for (std::string_view prefix : kPrefixes) {
    if (name.size() > prefix.size() && name.substr(0, prefix.size()) == prefix) return true;
  }
  return false;
}

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
    // Built before fork: the child only calls async-signal-safe functions.
    std::vector<std::string> env_copies = ChildEnvironment(environ);
    std::vector<char*> envp;
    for (std::string& e : env_copies) envp.push_back(e.data());
    envp.push_back(nullptr);
    pid_t pid = ::fork();
    if (pid < 0) {
      for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1]}) ::close(fd);
      return base::Internal("run " + argv[0] + ": fork failed");
    }
    if (pid == 0) {
      ::dup2(in_pipe[0], 0);
      ::dup2(out_pipe[1], 1);
      ::dup2(out_pipe[1], 2);
      ::execve(binary.c_str(), args.data(), envp.data());
      _exit(127);
    }
    ::close(in_pipe[0]);
    ::close(out_pipe[1]);
    // A child that exits without reading its input must not kill rex with SIGPIPE.
    struct sigaction ignore {
    }, previous{};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ignore, &previous);
    // A child that stops reading early (EPIPE) simply does not get the rest of its input.
    (void)base::WriteAll(in_pipe[1], stdin_data);
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

std::vector<std::string> ChildEnvironment(const char* const* environ) {
  std::vector<std::string> out;
  if (environ == nullptr) return out;
  for (const char* const* entry = environ; *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    size_t equals = text.find('=');
    if (equals == std::string_view::npos || equals == 0) continue;
    if (Allowed(text.substr(0, equals))) out.emplace_back(text);
  }
  return out;
}

std::string ShellQuote(std::string_view word) {
  auto safe = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("_./:@%+=,-").find(c) != std::string_view::npos;
  };
  if (!word.empty() && std::all_of(word.begin(), word.end(), safe)) return std::string(word);
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += "'";
  return out;
}

}  // namespace rex::ops
