#include "base/fd.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <thread>

namespace rex::base {
namespace {

// Reads `fd` to its end.
std::string ReadAll(int fd) {
  std::string out;
  char buffer[4096];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buffer, static_cast<size_t>(n));
  }
  return out;
}

TEST(WriteAllTest, WritesMoreThanAPipeHoldsInOneCall) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  // Four times the default pipe capacity (64 KiB): the writes are short until the reader drains.
  std::string data(256 * 1024, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>('a' + i % 26);
  std::string read;
  std::thread reader([&] { read = ReadAll(fds[0]); });
  EXPECT_EQ(WriteAll(fds[1], data), 0);
  ::close(fds[1]);
  reader.join();
  ::close(fds[0]);
  EXPECT_EQ(read, data);
}

TEST(WriteAllTest, EmptyDataWritesNothingAndSucceeds) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  EXPECT_EQ(WriteAll(fds[1], ""), 0);
  ::close(fds[1]);
  EXPECT_EQ(ReadAll(fds[0]), "");
  ::close(fds[0]);
}

TEST(WriteAllTest, ReturnsTheErrnoOfTheFailedWrite) {
  EXPECT_EQ(WriteAll(-1, "x"), EBADF);
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ::close(fds[0]);
  struct sigaction ignore {
  }, previous{};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &previous);
  EXPECT_EQ(WriteAll(fds[1], "nobody reads this"), EPIPE);
  ::sigaction(SIGPIPE, &previous, nullptr);
  ::close(fds[1]);
}

}  // namespace
}  // namespace rex::base
