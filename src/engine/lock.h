#pragma once

// One deploy per stack at a time on this machine: `.rex/<stack>/lock`, held with flock(2)
// for as long as a StackLock lives. Two `rex up` of the same stack in one checkout cannot
// race; CloudFormation's own *_IN_PROGRESS state covers other machines. The lock is released
// by the kernel if the process dies, so a crash never leaves a stale lock. The file holds the
// pid of the holder (for the message a second rex prints); it is never deleted.

#include <string>

#include "base/result.h"

namespace rex::engine {

class StackLock {
 public:
  // Takes the lock of `stack` under `root`/.rex/ without waiting. kFailedPrecondition
  // "another rex (pid N) is working on stack dev in this folder; wait for it to finish" when
  // held; kInvalidArgument for a bad stack name or a lock file that cannot be opened, and for a
  // `.rex`, `.rex/<stack>` or lock that is a symbolic link or not a folder / regular file
  // (never followed: a cloned `.rex/dev/lock -> ~/.bashrc` leaves ~/.bashrc untouched).
  static base::Result<StackLock> Acquire(const std::string& root, const std::string& stack);

  StackLock(StackLock&& other) noexcept;
  StackLock& operator=(StackLock&& other) noexcept;
  StackLock(const StackLock&) = delete;
  StackLock& operator=(const StackLock&) = delete;
  ~StackLock();

 private:
  explicit StackLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace rex::engine
