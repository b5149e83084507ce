// `rex unlock [--yes]`: show the deploy lease of the selected stack (engine/lease.h:
// s3://<bucket>/locks/<stack name>.json, who holds it, from which host, running what, since
// when, until when) and break it (delete it, if it still has the ETag shown) after the stack
// name is typed, or at once with --yes. For a rex that died, or a CI job that was killed,
// without releasing its lease; a rex whose lease was broken warns when it notices.
// Without a bootstrap bucket there is no lease: the lock is local (.rex/<stack>/lock, held by
// a running rex and released by the kernel when it exits), which it says.
// Exit codes: 0 broken, or nothing to unlock; 1 not confirmed, or the lease changed
// meanwhile (run it again); 2 bad config or flags (no --yes without a terminal).

#include <memory>
#include <string>

#include "cli/command.h"
#include "cli/progress.h"
#include "cli/stack_select.h"
#include "engine/bootstrap.h"
#include "engine/lease.h"
#include "stack/rex_stack.h"

namespace rex::cli {
namespace {

int RunUnlock(Context& ctx, bool yes) {
  auto fail = [&ctx](const base::Status& s) {
    ctx.PrintError(s);
    PrintCredentialsHint(ctx, s);
    return ExitCodeFor(s);
  };
  auto selected = SelectStack(ctx, StackUse::kChangesAws);
  if (!selected.ok()) return fail(selected.error());
  const std::string stack_name = stack::StackName(selected->config);
  auto session = OpenAwsSession(ctx, &selected->config);
  if (!session.ok()) return fail(session.error());
  AwsSession& aws = **session;
  auto bucket = engine::FindBootstrapBucket(*aws.cfn);
  if (!bucket.ok()) return fail(bucket.error().WithContext("look for the bootstrap bucket"));
  if (!bucket->has_value()) {
    ctx.io.err << "no bootstrap bucket, so no deploy lease: the lock of " << stack_name
               << " is local (.rex/" << selected->name
               << "/lock, released when the rex holding it exits); nothing to unlock\n";
    return kExitOk;
  }
  auto lease = engine::ReadLease(*aws.s3, **bucket, stack_name);
  if (!lease.ok()) return fail(lease.error());
  if (!lease->has_value()) {
    ctx.io.err << "stack " << stack_name << " is not locked (no s3://" << **bucket << "/"
               << engine::LeaseKey(stack_name) << ")\n";
    return kExitOk;
  }
  const engine::StoredLease& current = **lease;
  std::string where = "s3://" + **bucket + "/" + engine::LeaseKey(stack_name);
  if (current.valid) {
    ctx.io.out << "stack " << stack_name << " is locked by "
               << engine::DescribeLease(current.info, aws.clock->Now()) << "\n"
               << "  holder " << current.info.holder << ", lease " << where << "\n";
  } else {
    ctx.io.out << "stack " << stack_name << " is locked by " << where
               << ", which is not a rex deploy lease\n";
  }
  base::Status needs_yes = RequireYesWithoutTerminal(ctx, yes, "rex unlock");
  if (!needs_yes.ok()) return fail(needs_yes);
  if (!yes) {
    ctx.io.err << "Breaking the lease lets another deploy start while that rex may still be "
                  "running.\n";
    auto answer = Ask(ctx, "Type the stack name (" + stack_name + ") to break the lease: ");
    if (!answer || *answer != stack_name) {
      ctx.io.err << "not unlocked: the name did not match\n";
      return kExitFailed;
    }
  }
  base::Status broken = engine::BreakLease(*aws.s3, **bucket, stack_name, current.etag);
  if (!broken.ok()) return fail(broken);
  ctx.io.err << ctx.err.Green("✓") << " broke the deploy lease of " << stack_name
             << "; the rex that held it warns when it notices\n";
  return kExitOk;
}

}  // namespace

Command UnlockCommand() {
  return {"unlock", "show the deploy lease of the stack and break it (asks for the stack name)",
          [](CLI::App& app) -> std::function<int(Context&)> {
            auto yes = std::make_shared<bool>(false);
            app.add_flag("-y,--yes", *yes,
                         "break the lease without asking (required when stdin is not a terminal)");
            return [yes](Context& ctx) { return RunUnlock(ctx, *yes); };
          }};
}

}  // namespace rex::cli
