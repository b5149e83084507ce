// `rex up`: deploy the selected stack through a CloudFormation change set.
//
//   rex up [--yes] [--wait] [--allow-data-loss]   (+ global --stack, --region, --profile,
//                                                  --endpoint-url, --json, -v)
//
// 0. Needs stacks/<stack>.yaml (no built-in preset stands in, cli/stack_select.h) and runs the
//    policy checks of `rex check` (template/checks.h, with the config's checks.suppress): an
//    unsuppressed error stops it, exit 1, before any AWS call.
// 1. Synthesizes the stack and prints the offline plan against the template CloudFormation
//    holds (cli/guarded_deploy.h: GetTemplate and the stack's parameters, so a fresh clone or a
//    CI runner sees what is deployed; .rex/ is never the baseline of a deploy). A plan that
//    replaces or deletes a stateful resource, or drops its Retain/Snapshot policy, stops here
//    (exit 1) unless --allow-data-loss; so does a change set in which CloudFormation replaces
//    (True or Conditional) or removes one (engine/guard.h). --yes never bypasses either.
// 2. Without --yes, stdin must be a terminal (else exit 2, nothing changed): after
//    CloudFormation has computed the change set, rex shows its summary and asks for "yes".
// 3. Deploys (engine/deploy.h) with live progress on stderr; --wait waits for an operation
//    already running on the stack instead of failing. Secrets of the config reach
//    CloudFormation only as NoEcho parameters (see ConfigSecrets in cli/progress.h).
// 4. Prints the outputs (stdout), records history and the deployed template.
// 5. After the stack's creation (CREATE_COMPLETE), runs the SuperTokens database bootstrap task
//    (`rex db bootstrap`, cli/task_progress.h; its log on stderr) and records it in
//    .rex/<stack>/bootstrap.json; --skip-bootstrap leaves that to `rex db bootstrap`. A
//    bootstrap that fails is a warning: the deploy succeeded, and the SuperTokens tasks create
//    the database themselves before they start (stack/compute.cc).
//
// Exit codes: 0 deployed or no changes; 1 the deploy failed (the first failure reason is
// printed first), was cancelled or declined, or the plan loses data; 2 bad config, flags or
// parameters.

#include <memory>
#include <string>

#include "base/strings.h"
#include "cfn/registry.gen.h"
#include "cli/command.h"
#include "cli/guarded_deploy.h"
#include "cli/ops_session.h"
#include "cli/plan_render.h"
#include "cli/progress.h"
#include "cli/stack_select.h"
#include "cli/task_progress.h"
#include "engine/parameters.h"
#include "engine/state.h"
#include "stack/rex_stack.h"
#include "template/checks.h"
#include "template/plan.h"

namespace rex::cli {
namespace {

int Fail(Context& ctx, const base::Status& status) {
  ctx.PrintError(status);
  return ExitCodeFor(status);
}

// The database bootstrap after a stack's creation; its log goes to stderr (stdout has the
// outputs, or the --json document).
int BootstrapAfterCreate(Context& ctx, const SelectedStack& selected) {
  CancelOnInterrupt interrupt;
  int code = kExitFailed;
  auto day2 = OpenDayTwo(ctx, interrupt.flag(), &code);
  if (day2) {
    code =
        RunDbBootstrap(ctx, day2->ops->session, day2->stack, selected.name, "rex up", ctx.io.err);
  }
  // The deploy succeeded and every SuperTokens task creates the database itself before it
  // starts (its init container), so a bootstrap that did not finish is a warning, not a
  // failed `rex up`.
  if (code != kExitOk) {
    ctx.PrintWarning(
        "the stack is deployed, but the supertokens database bootstrap did not finish; run "
        "\"rex db bootstrap\" to try again");
  }
  return kExitOk;
}

}  // namespace

int RunUp(Context& ctx, const UpFlags& flags) {
  base::Status needs_yes = RequireYesWithoutTerminal(ctx, flags.yes, "rex up");
  if (!needs_yes.ok()) return Fail(ctx, needs_yes);
  auto selected = SelectStack(ctx, StackUse::kChangesAws);
  if (!selected.ok()) return Fail(ctx, selected.error());
  auto synthesized = stack::SynthesizeRexStack(selected->config);
  if (!synthesized.ok()) return Fail(ctx, synthesized.error());
  for (const auto& w : synthesized->warnings) ctx.io.err << w.ToString() << "\n";
  const base::Json& after = synthesized->json;
  const std::string stack_name = stack::StackName(selected->config);
  // The policy checks of `rex check`, before any AWS call: an unsuppressed error stops here.
  std::vector<tmpl::Finding> findings = tmpl::RunChecks(after, CheckOptionsFor(selected->config));
  if (tmpl::HasUnsuppressedErrors(findings)) {
    int errors = 0;
    for (const tmpl::Finding& f : findings) {
      if (f.suppressed || f.severity != tmpl::Severity::kError) continue;
      ++errors;
      ctx.io.err << ctx.err.BoldRed("check error") << " " << ctx.err.Bold(f.rule) << " "
                 << (f.path.empty() ? f.logical_id : f.path) << ": " << f.message << "\n"
                 << "  fix: " << f.fix << "\n";
    }
    ctx.io.err << ctx.err.BoldRed("error:") << " rex up stopped before any AWS call: " << errors
               << " policy check error" << (errors == 1 ? "" : "s") << " (\"rex check\" lists "
               << "them); fix the config, or accept one in checks.suppress of "
               << selected->config_path << " with a reason\n";
    return kExitFailed;
  }

  auto parameters = engine::ParametersForTemplate(after, ConfigSecrets(selected->config));
  if (!parameters.ok()) {
    return Fail(ctx, parameters.error().WithContext(
                         "stack parameters (set secrets with \"rex config set --secret KEY\")"));
  }
  auto session = OpenAwsSession(ctx, &selected->config);
  if (!session.ok()) return Fail(ctx, session.error());

  DeployRun run;
  run.stack = selected->name;
  run.request.stack_name = stack_name;
  run.request.template_body = engine::CompactTemplateBody(after);
  run.request.parameters = std::move(*parameters);
  run.request.tags = {{"project", selected->config.project_name},
                      {"environment", selected->config.environment}};
  run.request.wait_if_busy = flags.wait;
  run.request.description = "rex up " + selected->name;
  run.template_json = after;
  run.yes = flags.yes;
  std::string final_status;
  run.final_status = &final_status;
  int code =
      GuardedDeploy(ctx, **session, std::move(run),
                    {.title = "Plan for " + stack_name, .allow_data_loss = flags.allow_data_loss});
  if (code != kExitOk || final_status != "CREATE_COMPLETE" || flags.skip_bootstrap) return code;
  return BootstrapAfterCreate(ctx, *selected);
}

Command UpCommand() {
  return {"up", "deploy the stack through a CloudFormation change set, with live progress",
          [](CLI::App& app) -> std::function<int(Context&)> {
            auto flags = std::make_shared<UpFlags>();
            app.add_flag("-y,--yes", flags->yes,
                         "deploy without asking (required when stdin is not a terminal)");
            app.add_flag("--wait", flags->wait,
                         "wait for an operation already running on the stack instead of failing");
            app.add_flag("--allow-data-loss", flags->allow_data_loss,
                         "deploy even if a stateful resource (database, cache, repository, log "
                         "group) is replaced or deleted");
            app.add_flag("--skip-bootstrap", flags->skip_bootstrap,
                         "after creating the stack, do not run the supertokens database "
                         "bootstrap task (run \"rex db bootstrap\" later)");
            return [flags](Context& ctx) { return RunUp(ctx, *flags); };
          }};
}

}  // namespace rex::cli
