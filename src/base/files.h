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
// written, flushed, fsync'ed and renamed over `path`, then the directory is fsync'ed so the
// rename itself survives a crash; readers see the old file or the new one, never a
// half-written one. Creates missing parent directories. `mode` is the permission of the new
// file (0600 for files that may hold secrets). Every descriptor is closed and the temporary
// file removed on every error path. A symbolic link at `path` is replaced, never followed.
Status WriteFileAtomic(const std::string& path, std::string_view contents, unsigned mode = 0644);

// For rex's own files under a checkout (.rex/...): checks that each existing component of
// `relative` below `root` (root itself is trusted) is a real folder, and the last one, when it
// exists, a regular file; symbolic links are refused, never followed. Missing components are
// fine (they get created). kInvalidArgument naming the path, what it is, and that rex does not
// follow links there ("remove it; rex recreates it").
Status CheckNoLinks(const std::string& root, const std::string& relative);

// Opens `path` with open(2) `flags` | O_NOFOLLOW | O_CLOEXEC (and `mode` when creating) and
// checks with fstat that it is a regular file. Returns the descriptor (the caller closes it).
// kInvalidArgument naming `display` (the path as the user knows it) for a symbolic link, a
// non-regular file or any open error.
Result<int> OpenRegularFileNoFollow(const std::string& path, const std::string& display, int flags,
                                    unsigned mode = 0644);

// True if `path` names an existing file or directory.
bool PathExists(const std::string& path);

}  // namespace rex::base
