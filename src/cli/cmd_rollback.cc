// `rex rollback N [--yes] [--wait] [--allow-data-loss]`: deploy the template recorded in history
// record N again (engine/rollback.h), through a change set, with the same plan (against the
// template CloudFormation holds), data-loss guard, confirmation, progress and reporting as
// `rex up` (cli/guarded_deploy.h). Record N comes from the bootstrap bucket's shared history
// when there is one (any machine's or folder's record; a local copy in .rex/ whose content
// differs from the bucket's is refused, exit 1, nothing deployed), else from
// .rex/<stack>/history with a note (cli/team.h LoadRecordForRollback). NoEcho parameters take
// the current config's secrets (history never holds them). The deploy is recorded as
// operation "rollback" of N.
// Exit codes as `rex up`; 2 also when record N does not exist.

#include <algorithm>
#include <cctype>
#include <memory>
#include <string>

#include "cli/command.h"
#include "cli/guarded_deploy.h"
#include "cli/progress.h"
#include "cli/stack_select.h"
#include "cli/team.h"
#include "engine/history.h"
#include "engine/rollback.h"
#include "stack/rex_stack.h"

namespace rex::cli {
namespace {

struct RollbackFlags {
  std::string number_text;  // N as given
  int number = 0;
  bool yes = false;
  bool wait = false;
  bool allow_data_loss = false;
};

// N as a record number, said plainly when it is not one (CLI11's PositiveNumber would print
// its whole numeric range).
base::Result<int> RecordNumber(const std::string& text) {
  bool digits =
      !text.empty() && text.size() <= 9 &&
      std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
  if (digits && std::stoi(text) >= 1) return std::stoi(text);
  return base::InvalidArgument("rollback N: \"" + EscapeControls(text.substr(0, 40)) +
                               (text.size() > 40 ? "..." : "") +
                               "\" is not a deploy record number: use 1 or more, as \"rex "
                               "history\" lists them");
}

int RunRollback(Context& ctx, RollbackFlags flags) {
  auto fail = [&ctx](const base::Status& s) {
    ctx.PrintError(s);
    return ExitCodeFor(s);
  };
  auto number = RecordNumber(flags.number_text);
  if (!number.ok()) return fail(number.error());
  flags.number = *number;
  base::Status needs_yes = RequireYesWithoutTerminal(ctx, flags.yes, "rex rollback");
  if (!needs_yes.ok()) return fail(needs_yes);
  auto selected = SelectStack(ctx, StackUse::kChangesAws);
  if (!selected.ok()) return fail(selected.error());
  std::string stack_name = stack::StackName(selected->config);
  auto session = OpenAwsSession(ctx, &selected->config);
  if (!session.ok()) return fail(session.error());
  // From the bucket's shared history (a differing local copy is refused), else .rex/ (team.h).
  auto record = LoadRecordForRollback(ctx, **session, selected->name, stack_name, flags.number);
  if (!record.ok()) {
    PrintCredentialsHint(ctx, record.error());
    return fail(record.error());
  }
  auto request = engine::RollbackRequest(*record, ConfigSecrets(selected->config));
  if (!request.ok()) return fail(request.error());
  if (request->stack_name != stack_name) {
    return fail(base::InvalidArgument("deploy #" + std::to_string(flags.number) + " was of stack " +
                                      request->stack_name + ", not " + stack_name +
                                      " (select it with --stack)"));
  }
  ctx.io.err << "rolling " << stack_name << " back to the template of deploy #" << flags.number
             << " (" << record->change_set_name << ")\n";
  DeployRun run;
  run.stack = selected->name;
  run.request = std::move(*request);
  run.request.tags = {{"project", selected->config.project_name},
                      {"environment", selected->config.environment}};
  run.request.wait_if_busy = flags.wait;
  run.template_json = record->template_json;
  run.yes = flags.yes;
  run.operation = "rollback";
  run.rollback_of = flags.number;
  // The plan against what CloudFormation holds comes first, and the data-loss guard with it
  // (cli/guarded_deploy.h): a record whose template deletes the database stops here.
  return GuardedDeploy(ctx, **session, std::move(run),
                       {.title = "Rollback of " + stack_name + " to the template of deploy #" +
                                 std::to_string(flags.number),
                        .allow_data_loss = flags.allow_data_loss});
}

}  // namespace

Command RollbackCommand() {
  return {"rollback", "deploy the template of history record N again (see rex history)",
          [](CLI::App& app) -> std::function<int(Context&)> {
            auto flags = std::make_shared<RollbackFlags>();
            app.add_option("N", flags->number_text, "the record number shown by rex history")
                ->required();
            app.add_flag("-y,--yes", flags->yes,
                         "deploy without asking (required when stdin is not a terminal)");
            app.add_flag("--wait", flags->wait,
                         "wait for an operation already running on the stack instead of failing");
            app.add_flag("--allow-data-loss", flags->allow_data_loss,
                         "roll back even if a stateful resource (database, cache, repository, "
                         "log group) is replaced or deleted");
            return [flags](Context& ctx) { return RunRollback(ctx, *flags); };
          }};
}

}  // namespace rex::cli
