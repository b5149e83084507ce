#include "support/rex_process.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <utility>

#include "base/check.h"

namespace rex::testing {

RexProcess::RexProcess(const std::vector<std::string>& args, const RexOptions& options) {
  int out_pipe[2], err_pipe[2];
  REX_CHECK(::pipe(out_pipe) == 0 && ::pipe(err_pipe) == 0);
  std::vector<std::string> env_strings = RexChildEnvironment(options);
  pid_t pid = ::fork();
  REX_CHECK(pid >= 0);
  if (pid == 0) {
    int devnull = ::open("/dev/null", O_RDONLY);
    ::dup2(devnull, 0);
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    for (int fd : {devnull, out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) ::close(fd);
    ExecRex(args, options, std::move(env_strings));
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  pid_ = pid;
  out_fd_ = out_pipe[0];
  err_fd_ = err_pipe[0];
}

RexProcess::~RexProcess() {
  if (!reaped_ && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  if (out_fd_ >= 0) ::close(out_fd_);
  if (err_fd_ >= 0) ::close(err_fd_);
}

bool RexProcess::ReadSome() {
  pollfd fds[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
  if (out_fd_ < 0 && err_fd_ < 0) return false;
  if (::poll(fds, 2, -1) < 0) return false;
  char buffer[65536];
  for (int i = 0; i < 2; ++i) {
    int& fd = i == 0 ? out_fd_ : err_fd_;
    if (fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) {
      ::close(fd);
      fd = -1;
      continue;
    }
    (i == 0 ? run_.out : run_.err).append(buffer, static_cast<size_t>(n));
  }
  return out_fd_ >= 0 || err_fd_ >= 0;
}

bool RexProcess::WaitForOutput(const std::string& text) {
  while (run_.out.find(text) == std::string::npos) {
    if (out_fd_ < 0 || !ReadSome()) return run_.out.find(text) != std::string::npos;
  }
  return true;
}

bool RexProcess::WaitForError(const std::string& text) {
  while (run_.err.find(text) == std::string::npos) {
    if (err_fd_ < 0 || !ReadSome()) return run_.err.find(text) != std::string::npos;
  }
  return true;
}

void RexProcess::Interrupt() {
  if (!reaped_ && pid_ > 0) ::kill(pid_, SIGINT);
}

void RexProcess::Terminate() {
  if (!reaped_ && pid_ > 0) ::kill(pid_, SIGTERM);
}

RexRun RexProcess::Wait() {
  while (ReadSome()) {
  }
  if (!reaped_) {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    run_.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    reaped_ = true;
  }
  return run_;
}

}  // namespace rex::testing
