#include "base/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "base/fd.h"

namespace rex::base {
namespace {

std::string ErrnoText() { return std::strerror(errno); }

}  // namespace

Result<std::string> ReadFile(const std::string& path) {
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) return NotFound("no file " + path);
  if (std::filesystem::is_directory(status)) {
    return InvalidArgument(path + " is a directory, not a file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument("cannot read " + path + ": " + ErrnoText());
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return InvalidArgument("cannot read " + path + ": " + ErrnoText());
  return buffer.str();
}

Status WriteFileAtomic(const std::string& path, std::string_view contents, unsigned mode) {
  std::filesystem::path target(path);
  std::filesystem::path dir = target.parent_path();
  std::error_code ec;
  if (!dir.empty()) {
    std::filesystem::create_directories(dir, ec);
    if (ec) return InvalidArgument("cannot create directory " + dir.string() + ": " + ec.message());
  }
  std::random_device rd;
  std::string tmp = (dir.empty() ? std::string() : dir.string() + "/") + "." +
                    target.filename().string() + ".tmp" + std::to_string(rd());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return InvalidArgument("cannot write " + path + ": " + ErrnoText());
  if (int error = WriteAll(fd, contents); error != 0) {
    Status s = InvalidArgument("cannot write " + path + ": " + std::strerror(error));
    ::close(fd);
    ::unlink(tmp.c_str());
    return s;
  }
  if (::fsync(fd) != 0) {
    Status s = InvalidArgument("cannot write " + path + ": " + ErrnoText());
    ::close(fd);
    ::unlink(tmp.c_str());
    return s;
  }
  if (::close(fd) != 0) {
    Status s = InvalidArgument("cannot write " + path + ": " + ErrnoText());
    ::unlink(tmp.c_str());
    return s;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Status s = InvalidArgument("cannot write " + path + ": " + ErrnoText());
    ::unlink(tmp.c_str());
    return s;
  }
  // The rename is durable only once the directory entry is on disk.
  std::string dir_path = dir.empty() ? std::string(".") : dir.string();
  int dir_fd = ::open(dir_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return InvalidArgument("cannot sync folder " + dir_path + ": " + ErrnoText());
  if (::fsync(dir_fd) != 0 && errno != EINVAL) {
    Status s = InvalidArgument("cannot sync folder " + dir_path + ": " + ErrnoText());
    ::close(dir_fd);
    return s;
  }
  ::close(dir_fd);
  return Status::Ok();
}

Status CheckNoLinks(const std::string& root, const std::string& relative) {
  std::filesystem::path rel(relative);
  std::filesystem::path current(root);
  std::string shown;
  size_t count = static_cast<size_t>(std::distance(rel.begin(), rel.end()));
  size_t index = 0;
  for (const auto& part : rel) {
    ++index;
    current /= part;
    shown = shown.empty() ? part.string() : shown + "/" + part.string();
    struct stat st {};
    if (::lstat(current.c_str(), &st) != 0) {
      if (errno == ENOENT) return Status::Ok();  // created later, by rex
      return InvalidArgument("cannot inspect " + shown + ": " + ErrnoText());
    }
    bool last = index == count;
    if (S_ISLNK(st.st_mode)) {
      return InvalidArgument(shown +
                             " is a symbolic link; rex does not follow links in its own files "
                             "(remove it; rex recreates it)");
    }
    if (!last && !S_ISDIR(st.st_mode)) {
      return InvalidArgument(shown + " is not a folder; remove it (rex recreates it)");
    }
    if (last && !S_ISREG(st.st_mode)) {
      return InvalidArgument(shown + " is not a regular file; remove it (rex recreates it)");
    }
  }
  return Status::Ok();
}

Result<int> OpenRegularFileNoFollow(const std::string& path, const std::string& display, int flags,
                                    unsigned mode) {
  int fd = ::open(path.c_str(), flags | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) {
    if (errno == ELOOP) {
      return InvalidArgument(display +
                             " is a symbolic link; rex does not follow links in its own files "
                             "(remove it; rex recreates it)");
    }
    return InvalidArgument("open " + display + ": " + ErrnoText());
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return InvalidArgument(display + " is not a regular file; remove it (rex recreates it)");
  }
  return fd;
}

bool PathExists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

}  // namespace rex::base
