#include "cli/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "base/fd.h"
#include "base/files.h"

namespace rex::cli {
namespace {

namespace fs = std::filesystem;

// `path` with every symbolic link followed, also a dangling one (its target is what gets
// written); the parts that do not exist are kept as given.
fs::path FollowLinks(const fs::path& path) {
  std::error_code ec;
  fs::path current = path;
  for (int hops = 0; hops < 40; ++hops) {
    if (!fs::is_symlink(fs::symlink_status(current, ec))) break;
    fs::path target = fs::read_symlink(current, ec);
    if (ec) break;
    current = target.is_absolute() ? target : current.parent_path() / target;
  }
  fs::path canonical = fs::weakly_canonical(current, ec);
  return ec ? current.lexically_normal() : canonical;
}

}  // namespace

base::Result<OutputTarget> ResolveOutput(const Context& ctx, const std::string& path) {
  OutputTarget target;
  target.shown = path;
  if (path == "-") {
    target.to_stdout = true;
    return target;
  }
  if (path.empty()) return base::InvalidArgument("-o needs a file name (or - for stdout)");
  fs::path given = fs::path(path).is_absolute() ? fs::path(path) : fs::path(ctx.io.cwd) / path;
  fs::path resolved = FollowLinks(given);
  std::error_code ec;
  fs::path folder = resolved.parent_path();
  if (!fs::is_directory(folder, ec)) {
    std::string shown_folder = fs::path(path).parent_path().string();
    if (fs::is_symlink(fs::symlink_status(given, ec))) shown_folder = folder.string();
    if (fs::exists(folder, ec)) {
      return base::InvalidArgument("cannot write " + path + ": " + shown_folder +
                                   " is not a folder");
    }
    return base::InvalidArgument("cannot write " + path + ": no folder " + shown_folder +
                                 " (rex never creates folders; create it first)");
  }
  fs::path stacks = fs::weakly_canonical(fs::path(ctx.io.cwd) / "stacks", ec);
  if (!ec && folder == stacks) {
    return base::InvalidArgument("cannot write " + path +
                                 ": stacks/ holds the stack configs, and -o never writes there "
                                 "(change a config with \"rex config set\")");
  }
  fs::file_status status = fs::status(resolved, ec);
  if (fs::is_directory(status)) {
    return base::InvalidArgument("cannot write " + path + ": it is a folder; give a file name");
  }
  target.resolved = resolved.string();
  target.regular = !fs::exists(status) || fs::is_regular_file(status);
  return target;
}

base::Status WriteOutput(Context& ctx, const OutputTarget& target, std::string_view text) {
  if (target.to_stdout) {
    ctx.io.out << text;
    return base::Status::Ok();
  }
  if (target.regular) {
    base::Status written = base::WriteFileAtomic(target.resolved, text);
    if (!written.ok()) return base::Aborted(written.message());
    return written;
  }
  // A device or a FIFO: written through, never replaced.
  int fd = ::open(target.resolved.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return base::Aborted("cannot write " + target.shown + ": " + std::strerror(errno));
  if (int error = base::WriteAll(fd, text); error != 0) {
    ::close(fd);
    return base::Aborted("cannot write " + target.shown + ": " + std::strerror(error));
  }
  if (::close(fd) != 0) {
    return base::Aborted("cannot write " + target.shown + ": " + std::strerror(errno));
  }
  return base::Status::Ok();
}

}  // namespace rex::cli
