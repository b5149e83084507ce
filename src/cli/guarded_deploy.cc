#include "cli/guarded_deploy.h"

#include <map>
#include <optional>
#include <utility>

#include "cfn/registry.gen.h"
#include "cli/json_output.h"
#include "cli/plan_render.h"
#include "engine/baseline.h"
#include "engine/guard.h"
#include "engine/state.h"
#include "template/plan.h"

namespace rex::cli {

namespace {

// The baseline of step 1; for a nested stack, the .rex/ copy with a note.
base::Result<engine::Baseline> ReadBaseline(Context& ctx, AwsSession& session,
                                            const DeployRun& run) {
  REX_ASSIGN_OR_RETURN(
      engine::Baseline online,
      engine::ReadDeployedBaseline(*session.cfn, run.request.stack_name, session.region));
  if (!online.nested) return online;
  engine::StateStore state(ctx.io.cwd);
  REX_ASSIGN_OR_RETURN(engine::Baseline cached, engine::ReadCachedBaseline(state, run.stack));
  ctx.PrintNote("stack " + run.request.stack_name +
                " is deployed as nested stacks: the plan below compares with " +
                (cached.deployed() ? cached.Describe() : "nothing (no local copy)") +
                "; CloudFormation's change set is checked for data loss before anything runs");
  cached.parameters = std::move(online.parameters);
  return cached;
}

// "  Name: before → after" for every parameter whose value changes (never a NoEcho value:
// those are compared by CloudFormation, and shown by nobody).
std::string ParameterChanges(const engine::Baseline& baseline, const DeployRun& run,
                             const Style& style) {
  if (!baseline.deployed()) return "";
  std::string out;
  for (const engine::DeployParameter& p : run.request.parameters) {
    if (p.no_echo) continue;
    auto was = baseline.parameters.find(p.key);
    if (was != baseline.parameters.end() && was->second == p.value) continue;
    out += "  " + style.Yellow("~") + " " + p.key + ": " +
           (was == baseline.parameters.end() ? "(default)" : was->second) + " → " + p.value + "\n";
  }
  return out.empty() ? "" : style.Bold("Parameters") + "\n" + out + "\n";
}

}  // namespace

int GuardedDeploy(Context& ctx, AwsSession& session, DeployRun run,
                  const GuardedDeployOptions& options) {
  auto baseline = ReadBaseline(ctx, session, run);
  if (!baseline.ok()) {
    ctx.PrintError(baseline.error());
    PrintCredentialsHint(ctx, baseline.error());
    return ExitCodeFor(baseline.error());
  }
  const base::Json* before = baseline->deployed() ? &*baseline->tmpl : nullptr;
  static const base::Json kNothing(nullptr);  // a reference to the baseline, never a copy of it
  tmpl::Plan plan = tmpl::ComputePlan(before != nullptr ? *before : kNothing, run.template_json,
                                      cfn::FindResourceSchema);
  if (!ctx.global.json) {
    ctx.io.out << RenderPlanHeadline(ctx.out, options.title + (before ? "" : ":"),
                                     before ? "(against " + baseline->Describe() + ")"
                                            : baseline->Describe() + ", every resource is created",
                                     kOutputWidth)
               << ParameterChanges(*baseline, run, ctx.out)
               << RenderPlan(plan, ctx.out, PlanRenderOptions{.verbose = ctx.global.verbose > 0})
               << "\n";
  }

  engine::DataLossReport loss = engine::GuardPlan(plan);
  if (!loss.empty()) {
    if (!options.allow_data_loss) {
      ctx.PrintError(
          base::FailedPrecondition(engine::DataLossMessage(loss, "nothing was deployed")));
      if (ctx.global.json) {
        ctx.io.out << base::DumpJson({{"version", kJsonVersion},
                                      {"stack", run.stack},
                                      {"stackName", run.request.stack_name},
                                      {"result", "blocked"},
                                      {"baseline", baseline->Describe()},
                                      {"dataLoss", DataLossJson(loss)}});
      }
      return kExitFailed;
    }
    ctx.PrintWarning("data loss allowed by --allow-data-loss: " + loss.Names());
  }

  run.request.allow_data_loss = options.allow_data_loss;
  // The change-set guard reads DeletionPolicy from what CloudFormation holds (`baseline`
  // outlives the deploy); the .rex/ copy of a nested stack is not that, so the engine reads it
  // itself then.
  if (baseline->source == engine::Baseline::Source::kCloudFormation) {
    run.request.deployed_template = before;
  }
  return RunDeploy(ctx, session, std::move(run));
}

}  // namespace rex::cli
