#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "base/status.h"

namespace rex::base {

// Reads a whole file. kNotFound if it does not exist, kInvalidArgument if it is a
// directory or unreadable.
Result<std::string> ReadFile(const std::string& path);

// Writes `contents` to `path` atomically: a temporary file in the same directory is
// written, flushed, fsync'ed and renamed over `path`, so readers see the old file or the
// new one, never a half-written one. Creates missing parent directories. `mode` is the
// permission of the new file (0600 for files that may hold secrets).
Status WriteFileAtomic(const std::string& path, std::string_view contents, unsigned mode = 0644);

// True if `path` names an existing file or directory.
bool PathExists(const std::string& path);

}  // namespace rex::base
