// `rex run JOB [--wait]`: runs a job of the deployed stack — any task definition no service
// runs (ops::StackInfo::jobs: migration, bootstrap, the config's jobs such as a nightly
// cleanup) — once, on Fargate, as `rex migrate` runs the migration: in the stack's private
// subnets with the services' security group and no public IP, an idempotency token guarding
// RunTask.
//
//   rex run cleanup          starts the task and returns: its ARN on stdout (--json: one
//                            document {"job", "taskArn", "taskId", "status", "logGroup",
//                            "logStream"}), how to follow it on stderr
//   rex run cleanup --wait   follows it as rex migrate does: a progress line on stderr, its log
//                            lines on stdout while it runs and after it stops, and exits with
//                            the container's exit code
//
// Exit codes: without --wait 0 once ECS started the task; with --wait the container's exit code
// (0 ok, 3 → 3, ...), 1 when it failed to start, stopped without an exit code or was not
// followed to its end (Ctrl-C: the task keeps running). 1 for AWS failures; 2 a name that is not
// a job of the stack (the message lists the services and jobs it has), bad config, no such
// stack.

#include <memory>
#include <string>
#include <vector>

#include "base/json.h"
#include "cli/command.h"
#include "cli/json_output.h"
#include "cli/ops_session.h"
#include "cli/progress.h"
#include "cli/task_progress.h"

namespace rex::cli {
namespace {

struct RunFlags {
  std::string job;
  bool wait = false;
};

int RunJob(Context& ctx, const RunFlags& flags) {
  CancelOnInterrupt interrupt;
  int code = kExitFailed;
  auto day2 = OpenDayTwo(ctx, interrupt.flag(), &code);
  if (!day2) return code;
  const ops::StackInfo& stack = day2->stack;
  if (stack.FindJob(flags.job) == nullptr) {
    std::vector<std::string> jobs;
    for (const auto& [name, job] : stack.jobs) jobs.push_back(name);
    std::string usage = "rex run takes a job";
    if (stack.FindService(flags.job) != nullptr) {
      usage += "; " + flags.job + " is a service: \"rex redeploy " + flags.job + "\" restarts it";
    }
    base::Status unknown = ops::UnknownWorkload(stack, "job", flags.job, jobs, usage);
    ctx.PrintError(unknown);
    return ExitCodeFor(unknown);
  }
  auto outcome = RunTaskWithProgress(ctx, day2->ops->session, stack, flags.job, ctx.io.out, &code,
                                     /*follow=*/flags.wait);
  if (flags.wait || !outcome) return code;
  if (ctx.global.json) {
    ctx.io.out << base::DumpJson(base::Json{{"version", kJsonVersion},
                                            {"job", flags.job},
                                            {"taskArn", outcome->task_arn},
                                            {"taskId", outcome->task_id},
                                            {"status", outcome->last_status},
                                            {"logGroup", outcome->log_group},
                                            {"logStream", outcome->log_stream}});
  } else {
    ctx.io.out << outcome->task_arn << "\n";
  }
  return code;
}

}  // namespace

Command RunCommand() {
  return {"run",
          "run a job of the stack (a one-off ECS task: migration, bootstrap, a config job) on "
          "Fargate; --wait streams its log and exits with its code",
          [](CLI::App& app) -> std::function<int(Context&)> {
            auto flags = std::make_shared<RunFlags>();
            app.add_option("JOB", flags->job,
                           "a job of the deployed stack (migration, bootstrap, cleanup, ...)")
                ->required();
            app.add_flag("--wait", flags->wait,
                         "follow the task to its end, streaming its log, and exit with its exit "
                         "code (as rex migrate)");
            return [flags](Context& ctx) { return RunJob(ctx, *flags); };
          }};
}

}  // namespace rex::cli
