#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "cli/command.h"
#include "config/config.h"
#include "template/checks.h"

namespace rex::cli {

// The stack a command works on and where its config came from.
struct SelectedStack {
  std::string name;         // e.g. "dev"
  std::string config_path;  // "stacks/dev.yaml"; empty for a built-in preset
  config::Config config;
};

// The one stack-name rule, for --stack, $REX_STACK, `rex init NAME` and `rex stack rm NAME`:
// 1 to 64 letters, digits and hyphens, starting with a letter (so a name is always a file name
// inside stacks/, never a path). kInvalidArgument quoting the name and stating the rule.
base::Status ValidateStackName(std::string_view name);

// What a command does with the stack it selects.
enum class StackUse {
  kOffline,     // synth, preview, cost, check, graph, ...: a built-in preset may stand in
  kChangesAws,  // up, destroy, rollback, redeploy, migrate, db, ...: stacks/<name>.yaml needed
};

// Loads the config of the stack named by --stack (or $REX_STACK, else "dev") from
// <cwd>/stacks/<name>.yaml. For kOffline, with no stacks/ folder at all, the names dev,
// staging and prod fall back to the built-in presets (with a note on stderr), so rex works on
// a fresh clone; kChangesAws never falls back (kNotFound naming the file and "rex init NAME":
// a preset must never aim a deploy or a delete at a real stack). kNotFound naming the file and
// the stacks that exist otherwise; config errors as the loader reports them. Without
// REX_CONFIG_PASSPHRASE, kOffline loads secrets sealed (config::Secret::is_sealed); kChangesAws
// refuses a file with secrets, naming the variable. A kOffline command that hands secrets to
// AWS (preview's CloudFormation view) checks config::RequireUnsealedSecrets first.
base::Result<SelectedStack> SelectStack(const Context& ctx, StackUse use = StackUse::kOffline);

// The `rex check` options of a stack config: its environment and its checks.suppress list.
// Shared by `rex check` and the check verdict of `rex preview` (defined in cmd_check.cc).
tmpl::CheckOptions CheckOptionsFor(const config::Config& config);

}  // namespace rex::cli
