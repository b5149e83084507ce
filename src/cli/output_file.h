#pragma once

// Where a command's `-o PATH` writes: one rule for every command that writes a file (rex synth,
// rex graph, ...), so none of them surprises.
//
//   -o -             stdout (ctx.io.out), as if -o were not given.
//   a new file or an existing regular file
//                    written atomically (base::WriteFileAtomic: a temporary file renamed over
//                    it), so a reader sees the old file or the new one.
//   a device, a FIFO (/dev/null, /dev/stdout, a named pipe)
//                    opened for writing and written through; never replaced.
//   a symbolic link  followed: its target gets the text by the rules above (the link stays).
//
// Refused with kInvalidArgument (exit 2), before anything is written:
//   - a folder that does not exist ("rex never creates folders"), naming it;
//   - PATH (or a link's target) that is a folder;
//   - any file in the project's stacks/ folder (the stack configs, e.g. stacks/dev.yaml).
// A write that fails (disk full, no permission) is kAborted (exit 1) with the OS error.

#include <string>
#include <string_view>

#include "base/result.h"
#include "base/status.h"
#include "cli/command.h"

namespace rex::cli {

// What -o PATH resolved to.
struct OutputTarget {
  std::string shown;       // PATH as the user gave it, for messages
  std::string resolved;    // absolute path written to, symbolic links followed ("" for stdout)
  bool to_stdout = false;  // "-o -"
  bool regular = true;     // a new or regular file (atomic write); false for a device or FIFO
};

// Checks PATH (relative to ctx.io.cwd) by the rules above without writing anything. Commands
// call it before their work so a bad -o costs nothing.
base::Result<OutputTarget> ResolveOutput(const Context& ctx, const std::string& path);

// Writes `text` to `target` by the rules above.
base::Status WriteOutput(Context& ctx, const OutputTarget& target, std::string_view text);

}  // namespace rex::cli
