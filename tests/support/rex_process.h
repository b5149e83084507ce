#pragma once

// The real rex binary as a child process that a test talks to while it runs (rex logs -f):
// read its stdout until a line appears, send it SIGINT, collect the exit code. The
// environment is built as RunRex builds it (support/run_rex.h).

#include <string>
#include <vector>

#include "support/run_rex.h"

namespace rex::testing {

class RexProcess {
 public:
  // Starts `rex args...`; aborts the test binary only if the process cannot be started.
  RexProcess(const std::vector<std::string>& args, const RexOptions& options);
  // Kills the child (SIGKILL) if it still runs.
  ~RexProcess();
  RexProcess(const RexProcess&) = delete;
  RexProcess& operator=(const RexProcess&) = delete;

  // Reads the child's stdout and stderr until stdout contains `text` (true) or the child
  // closes its stdout (false): blocks without a timer, so a test that waits for a line that
  // never comes ends when rex does (or by the test runner's timeout).
  bool WaitForOutput(const std::string& text);
  // The same for stderr (where progress lines go).
  bool WaitForError(const std::string& text);
  // Sends SIGINT (Ctrl-C).
  void Interrupt();
  // Sends SIGTERM (a cancelled CI job).
  void Terminate();
  // Reads the rest, reaps the child and returns everything it wrote with its exit code.
  RexRun Wait();

 private:
  // One poll round over both pipes; false once both are closed.
  bool ReadSome();

  int pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  RexRun run_;
  bool reaped_ = false;
};

}  // namespace rex::testing
