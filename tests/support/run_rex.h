#pragma once

// Runs the real rex binary for integration tests: in a given working directory, with a
// controlled environment (no inherited AWS or REX variables), optional stdin, and captured
// stdout, stderr and exit code.

#include <map>
#include <string>
#include <vector>

#include "base/json.h"

namespace rex::testing {

struct RexRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

struct RexOptions {
  std::string cwd = ".";
  // Environment of the child: PATH (/usr/local/bin:/usr/bin:/bin unless given here), HOME
  // (= cwd) and NO_COLOR=1 plus these.
  std::map<std::string, std::string> env = {};
  std::string stdin_text = {};
};

// The path of the rex binary built with the tests.
std::string RexBinary();

// The environment of a rex child process: a fixed PATH (or options.env's), HOME = options.cwd,
// NO_COLOR, the sanitizer settings of this process, then options.env; as NAME=VALUE strings.
std::vector<std::string> RexChildEnvironment(const RexOptions& options);

// In a forked child whose stdio is set up: changes to options.cwd and executes RexBinary()
// with `args` and `env`. Never returns (exit 126 when the directory is missing, 127 when
// the binary cannot run).
[[noreturn]] void ExecRex(const std::vector<std::string>& args, const RexOptions& options,
                          std::vector<std::string> env);

// Runs `rex args...`; aborts the test binary only if the process cannot be started.
RexRun RunRex(const std::vector<std::string>& args, const RexOptions& options = {});

// The JSON document of a command's output `text`; when it is not JSON, a test failure showing
// its start, and an empty object.
base::Json ParseOrFail(const std::string& text);

// A fresh, empty temporary directory, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  // Writes `contents` to path()/relative, creating directories.
  void Write(const std::string& relative, const std::string& contents) const;
  // Reads path()/relative ("" if missing).
  std::string Read(const std::string& relative) const;

 private:
  std::string path_;
};

}  // namespace rex::testing
