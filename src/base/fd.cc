#include "base/fd.h"

#include <unistd.h>

#include <cerrno>
#include <cstddef>

namespace rex::base {

int WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return EIO;  // no progress and no error: never spin
    data.remove_prefix(static_cast<size_t>(n));
  }
  return 0;
}

}  // namespace rex::base
