// `rex migrate` and `rex db bootstrap`: the stack's one-off tasks.
//
//   rex migrate          runs the migration task definition (output migrationTaskDefinitionArn)
//   rex db bootstrap     runs the bootstrap task definition: creates database `supertokens` if
//                        it is missing ("already exists" is success); `rex up` runs it by
//                        itself after creating the stack. With a bootstrap bucket whose record
//                        (records/<stack name>/bootstrap.json, ops/db_bootstrap.h) says it
//                        already ran for this stack, it says when and from where and exits 0
//                        without running it; --force runs it anyway
//
// Both run the task on Fargate in the stack's private subnets with the services' security
// group and no public IP (an idempotency token guards the RunTask call), show a progress line
// (PROVISIONING → PENDING → RUNNING → STOPPED, elapsed) on stderr, stream the task's log lines
// to stdout while it runs and after it stops, and exit with the container's exit code.
//
// Exit codes: the container's exit code (0 ok, 3 → 3, ...); 1 when the task failed to start
// (the stopped reason, e.g. CannotPullContainerError, is printed first), stopped without an
// exit code, was not followed to its end (Ctrl-C: the task keeps running; `rex logs migration
// -f` follows it) or AWS failed; 2 bad flags, config, or no such stack.

#include <memory>
#include <string>

#include "cli/command.h"
#include "cli/ops_session.h"
#include "cli/progress.h"
#include "cli/task_progress.h"

namespace rex::cli {
namespace {

int RunMigrate(Context& ctx) {
  CancelOnInterrupt interrupt;
  int code = kExitFailed;
  auto day2 = OpenDayTwo(ctx, interrupt.flag(), &code);
  if (!day2) return code;
  RunTaskWithProgress(ctx, day2->ops->session, day2->stack, "migration", ctx.io.out, &code);
  return code;
}

int RunBootstrapTask(Context& ctx, bool force) {
  CancelOnInterrupt interrupt;
  int code = kExitFailed;
  auto day2 = OpenDayTwo(ctx, interrupt.flag(), &code);
  if (!day2) return code;
  return RunDbBootstrap(ctx, day2->ops->session, day2->stack, day2->selected.name,
                        "rex db bootstrap", ctx.io.out, force);
}

}  // namespace

Command MigrateCommand() {
  return {"migrate",
          "run the database migration task on Fargate, stream its log, exit with its code",
          [](CLI::App&) -> std::function<int(Context&)> {
            return [](Context& ctx) { return RunMigrate(ctx); };
          }};
}

Command DbCommand() {
  return {"db", "database tasks: 'rex db bootstrap' creates the supertokens database if missing",
          [](CLI::App& app) -> std::function<int(Context&)> {
            CLI::App* bootstrap = app.add_subcommand(
                "bootstrap",
                "run the bootstrap task: create database supertokens if it is missing (safe to "
                "repeat)");
            bootstrap->fallthrough();
            auto force = std::make_shared<bool>(false);
            bootstrap->add_flag("--force", *force,
                                "run it even though the bootstrap bucket's record says it "
                                "already ran for this stack");
            app.require_subcommand(1);
            return [force](Context& ctx) { return RunBootstrapTask(ctx, *force); };
          }};
}

}  // namespace rex::cli
