#pragma once

#include <string>

#include "base/result.h"
#include "cli/command.h"
#include "stack/config.h"
#include "template/checks.h"

namespace rex::cli {

// The stack a command works on and where its config came from.
struct SelectedStack {
  std::string name;         // e.g. "dev"
  std::string config_path;  // "stacks/dev.yaml"; empty for a built-in preset
  stack::Config config;
};

// Loads the config of the stack named by --stack (or $REX_STACK, else "dev") from
// <cwd>/stacks/<name>.yaml. With no stacks/ folder at all, the names dev, staging and prod
// fall back to the built-in presets (with a note on stderr), so rex works on a fresh clone.
// kNotFound naming the file and the stacks that exist otherwise; config errors as the loader
// reports them.
base::Result<SelectedStack> SelectStack(const Context& ctx);

// The `rex check` options of a stack config: its environment and its checks.suppress list.
// Shared by `rex check` and the check verdict of `rex preview` (defined in cmd_check.cc).
tmpl::CheckOptions CheckOptionsFor(const stack::Config& config);

}  // namespace rex::cli
