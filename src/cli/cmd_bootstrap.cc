// `rex bootstrap`: create or update rex's own stack `rex-bootstrap` (engine/bootstrap.h): one
// S3 bucket, versioned, encrypted, private and TLS-only, for templates over CloudFormation's
// 51,200-byte inline limit and for the copy of the deploy history. Needs no stack config (the
// region comes from --region, the environment or the profile; a stack config's region is used
// when one is found). Prints the bucket name (stdout; {"bucket": name} with --json).
// Exit codes: 0 created, updated or up to date; 1 the deploy failed; 2 bad flags.

#include <memory>
#include <string>

#include "cli/command.h"
#include "cli/progress.h"
#include "cli/stack_select.h"
#include "engine/bootstrap.h"
#include "engine/lock.h"

namespace rex::cli {
namespace {

int RunBootstrap(Context& ctx) {
  auto fail = [&ctx](const base::Status& s) {
    ctx.PrintError(s);
    return ExitCodeFor(s);
  };
  auto selected = SelectStack(ctx);
  const stack::Config* config = selected.ok() ? &selected->config : nullptr;
  auto session = OpenAwsSession(ctx, config);
  if (!session.ok()) return fail(session.error());
  AwsSession& aws = **session;
  auto lock = engine::StackLock::Acquire(ctx.io.cwd, std::string(engine::kBootstrapStackName));
  if (!lock.ok()) return fail(lock.error());

  CancelOnInterrupt interrupt;
  ProgressPrinter progress(ctx.io, ctx.err, *aws.clock, ctx.io.err_is_tty);
  engine::DeployClients clients = aws.Clients();
  engine::DeployRequest request;
  request.cancel = interrupt.flag();
  request.poll = PollOptionsFromEnvironment(ctx);
  auto outcome = engine::DeployBootstrap(clients, request, progress);
  if (!outcome.ok()) return fail(outcome.error());
  if (auto* failed = std::get_if<engine::Failed>(&*outcome)) {
    ctx.io.err << ctx.err.BoldRed("error:") << " bootstrap failed: "
               << (failed->failed_resource.empty() ? "" : failed->failed_resource + ": ")
               << failed->first_failure_reason << "\n  the stack ended in " << failed->final_status
               << "\n";
    return kExitFailed;
  }
  if (auto* cancelled = std::get_if<engine::Cancelled>(&*outcome)) {
    ctx.io.err << "stopped following " << engine::kBootstrapStackName
               << "; run \"rex bootstrap\" again to finish (last status " << cancelled->stack_status
               << ")\n";
    return kExitFailed;
  }
  auto bucket = engine::FindBootstrapBucket(*aws.cfn);
  if (!bucket.ok()) return fail(bucket.error());
  if (!bucket->has_value()) {
    return fail(base::Internal("rex-bootstrap has no BucketName output"));
  }
  if (std::holds_alternative<engine::NoChanges>(*outcome)) {
    ctx.io.err << engine::kBootstrapStackName << " is up to date\n";
  } else {
    ctx.io.err << ctx.err.Green("✓") << " " << engine::kBootstrapStackName << " ready\n";
  }
  if (ctx.global.json) {
    ctx.io.out << base::DumpJson(base::Json{{"bucket", **bucket}});
  } else {
    ctx.io.out << "bucket: " << **bucket << "\n";
  }
  return kExitOk;
}

}  // namespace

Command BootstrapCommand() {
  return {"bootstrap",
          "create rex's S3 bucket (stack rex-bootstrap) for large templates and history",
          [](CLI::App&) -> std::function<int(Context&)> {
            return [](Context& ctx) { return RunBootstrap(ctx); };
          }};
}

}  // namespace rex::cli
