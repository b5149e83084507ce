#pragma once

#include "cli/terminal.h"

namespace rex::cli {

// Exit codes, the same for every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;    // the operation ran and failed (e.g. a rollback)
inline constexpr int kExitBadInput = 2;  // bad usage, flag, config or file

// Runs the rex command line. Writes only to io.out (data) and io.err (messages, progress).
// Returns the process exit code.
int Run(int argc, const char* const* argv, Io& io);

}  // namespace rex::cli
