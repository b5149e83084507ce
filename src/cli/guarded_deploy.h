#pragma once

// What every command that deploys a stack template (`rex up`, `rex rollback`, and `rex redeploy
// --image-tag` through `rex up`) does before and around engine::Deploy, so that none of them
// can skip a step:
//   1. the baseline is the template and parameters CloudFormation holds (engine/baseline.h),
//      read with the command's session: a fresh clone or a CI runner plans against what is
//      deployed, not against an empty .rex/. A stack deployed as nested stacks is compared
//      with the .rex/ copy instead, labelled as such, and the change set decides;
//   2. the offline plan against it is printed (stdout), with the parameters whose values
//      change;
//   3. the data-loss guard (engine/guard.h) on that plan: a finding stops here, exit 1, before
//      any change set exists, unless --allow-data-loss; `--yes` never bypasses it;
//   4. RunDeploy (cli/progress.h) with the change-set guard on (engine::Deploy refuses to
//      execute a change set that loses data unless allowed, outcome Blocked → exit 1).
// With --json nothing but RunDeploy's document goes to stdout; a plan that is blocked prints
// {"stack", "stackName", "result": "blocked", "baseline", "dataLoss": [...]} instead.

#include <string>

#include "cli/command.h"
#include "cli/progress.h"

namespace rex::cli {

struct GuardedDeployOptions {
  // The plan's headline, e.g. "Plan for rex-backend-dev" or "Rollback of rex-backend-dev to
  // deploy #3"; " (against <baseline>)" follows, or, when nothing is deployed, ": nothing
  // deployed (stack X does not exist in REGION), every resource is created".
  std::string title = {};
  bool allow_data_loss = false;
};

// Steps 1-4 above for `run` (whose template_json and request are filled in by the caller).
// Returns the exit code.
int GuardedDeploy(Context& ctx, AwsSession& session, DeployRun run,
                  const GuardedDeployOptions& options);

}  // namespace rex::cli
