#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "cli/cli.h"
#include "cli/terminal.h"

namespace rex::cli {

// Flags every command accepts (DESIGN.md, "Global flags").
struct GlobalOptions {
  std::string stack;         // --stack; empty = REX_STACK, else "dev"
  bool stack_given = false;  // --stack or $REX_STACK named the stack (not the "dev" default)
  std::string region;        // --region
  std::string profile;       // --profile
  std::string endpoint_url;  // --endpoint-url
  bool json = false;         // --json
  bool no_color = false;     // --no-color
  int verbose = 0;           // -v, repeatable
};

// What a command handler gets.
struct Context {
  Io& io;
  const GlobalOptions& global;
  Style out;  // styles for io.out
  Style err;  // styles for io.err

  // Prints "rex: error: <message>" (or a multi-line message as is) to io.err.
  void PrintError(const base::Status& status) const;
  void PrintWarning(std::string_view message) const;
  void PrintNote(std::string_view message) const;
};

// A command of the table: its name, one-line help, flag setup and handler. `Setup` adds the
// command's own flags to its CLI11 subcommand and returns the handler, which captures the
// parsed flag values.
struct Command {
  std::string name;
  std::string summary;
  std::function<std::function<int(Context&)>(CLI::App&)> setup;
};

// `rex up`'s flags, and the command itself for others that deploy (rex redeploy --image-tag).
struct UpFlags {
  bool yes = false;
  bool wait = false;
  bool allow_data_loss = false;
  bool skip_bootstrap = false;
};
int RunUp(Context& ctx, const UpFlags& flags);

// Maps a Status to the exit code: kInvalidArgument, kNotFound, kAlreadyExists → 2; else 1.
int ExitCodeFor(const base::Status& status);

// The command table, in the order `rex --help` lists it.
const std::vector<Command>& Commands();

// Each command's entry, defined in its own file.
Command InitCommand();
Command ConfigCommand();
Command SynthCommand();
Command PreviewCommand();
Command CompletionCommand();
Command CostCommand();
Command CheckCommand();
Command GraphCommand();
Command UpCommand();
Command OutputsCommand();
Command DestroyCommand();
Command HistoryCommand();
Command RollbackCommand();
Command UnlockCommand();  // cmd_unlock.cc: show and break the deploy lease
Command BootstrapCommand();
Command MigrateCommand();
Command DbCommand();
Command LogsCommand();
Command RedeployCommand();
Command StatusCommand();
Command ImagesCommand();
Command RunCommand();  // cmd_run.cc: rex run JOB [--wait]
Command CiCommand();
Command StackCommand();    // cmd_stack.cc: rex stack ls | rm NAME
Command SecretsCommand();  // cmd_secrets.cc: rex secrets rotate KEY

}  // namespace rex::cli
