#pragma once

// Writing to a file descriptor whole.

#include <string_view>

namespace rex::base {

// Writes all of `data` to `fd`, going on after short writes and EINTR. Returns 0, or the errno
// of the write that failed (EIO for a write that wrote nothing; the rest of `data` is then
// not written). Does not close `fd`.
int WriteAll(int fd, std::string_view data);

}  // namespace rex::base
