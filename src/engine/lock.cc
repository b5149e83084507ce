#include "engine/lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>

#include "base/files.h"
#include "engine/state.h"

namespace rex::engine {

base::Result<StackLock> StackLock::Acquire(const std::string& root, const std::string& stack) {
  REX_RETURN_IF_ERROR(ValidateStackName(stack));
  std::filesystem::path dir = std::filesystem::path(root) / std::string(kStateDir) / stack;
  std::string relative = std::string(kStateDir) + "/" + stack + "/lock";
  // A cloned repository may hold `.rex/dev/lock -> ~/.bashrc` (or a linked .rex/): links are
  // refused, never followed, and the lock is opened with O_NOFOLLOW.
  REX_RETURN_IF_ERROR(base::CheckNoLinks(root, relative));
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return base::InvalidArgument("create " + dir.string() + ": " + ec.message());
  REX_RETURN_IF_ERROR(base::CheckNoLinks(root, relative));
  std::string path = (dir / "lock").string();
  REX_ASSIGN_OR_RETURN(int fd, base::OpenRegularFileNoFollow(path, relative, O_RDWR | O_CREAT));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    std::string holder;
    char buffer[32] = {};
    ssize_t n = ::pread(fd, buffer, sizeof(buffer) - 1, 0);
    if (n > 0) {
      holder = std::string(buffer, static_cast<size_t>(n));
      while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
    }
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return base::FailedPrecondition("another rex" +
                                      (holder.empty() ? std::string() : " (pid " + holder + ")") +
                                      " is working on stack " + stack + " in this folder (" +
                                      relative + "); wait for it to finish");
    }
    return base::InvalidArgument("lock " + relative + ": " + std::strerror(err));
  }
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) == 0) {
    ssize_t written = ::pwrite(fd, pid.data(), pid.size(), 0);
    (void)written;  // the pid is informational only
  }
  return StackLock(fd);
}

StackLock::StackLock(StackLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

StackLock& StackLock::operator=(StackLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

StackLock::~StackLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the descriptor releases the flock
}

}  // namespace rex::engine
