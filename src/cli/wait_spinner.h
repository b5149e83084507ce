#pragma once

// What rex is waiting for, live: a transport wrapper that, while an AWS request has been in
// flight for longer than a moment (1 s), shows one line on the terminal,
//   ⠹ waiting for CloudFormation DescribeStacks (3 s)
// rewritten in place about ten times a second, and erases it before the answer goes back to
// the caller, so what the caller prints next starts on a clean line. The line names the
// request's label (aws::HttpRequest::label, never a secret; "<METHOD> <origin>" without one).
//
// Only for a terminal: OpenAwsSession (cli/progress.h) uses it when stderr is a TTY and the
// command does not write --json; piped or captured output never holds a spinner. Writes go
// straight to the file descriptor (write(2)), from a background thread and from the thread
// that sent the request, under one lock.

#include <chrono>
#include <memory>

#include "aws/transport.h"

namespace rex::cli {

struct WaitSpinnerOptions {
  int fd = 2;  // where the line goes. Default: stderr.
  // How long a request runs before the line shows. Default: 1 s.
  std::chrono::milliseconds delay = std::chrono::seconds(1);
  // How often the line is redrawn. Default: 100 ms.
  std::chrono::milliseconds interval = std::chrono::milliseconds(100);
  // Show requests of every thread. Default: only those of the thread that made the transport
  // (the command's own thread, which prints nothing while it waits): a background request (the
  // deploy lease's renewal) never draws a line that the command's output could run into.
  bool any_thread = false;
};

// Wraps `inner` (owned). Thread-safe as `inner` is; with several requests in flight the line
// names the oldest.
std::unique_ptr<aws::HttpTransport> NewWaitSpinnerTransport(
    std::unique_ptr<aws::HttpTransport> inner, WaitSpinnerOptions options = {});

// "⠹ waiting for CloudFormation DescribeStacks (3 s)" for animation frame `frame`.
std::string WaitLine(const std::string& label, std::chrono::milliseconds waited, int frame);

}  // namespace rex::cli
