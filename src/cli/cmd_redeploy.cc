// `rex redeploy SERVICE|all [--image-tag TAG [--yes]]`: SERVICE is any service of the deployed
// stack (ops::StackInfo::services; all: every one). A new deployment of the service(s) (ECS
// UpdateService forceNewDeployment: the tasks are replaced with fresh ones pulling the image tag
// the stack names, e.g. after `docker push` of a new :latest), followed until each service is
// stable (its PRIMARY deployment COMPLETED and running == desired) or the deployment circuit
// breaker rolls it back. Progress ("api  running 1  pending 1  desired 2  IN_PROGRESS") and new
// service events go to stderr; the result per service to stdout (--json: one document).
//
// With --image-tag the new tag goes through the stack instead: services.<svc>.imageTag is set
// in stacks/<stack>.yaml (all: every service whose image rex builds, i.e. without an `image`
// of its own; SERVICE must be a service of that file) and the stack is updated as `rex up` does it
// (plan, confirmation or --yes, CloudFormation waits for the services). Then each service is
// checked as above. The stack must already exist in CloudFormation (--image-tag never creates
// one: exit 1 "stack rex-backend-dev does not exist ...; run rex up first", nothing changed).
// The config keeps the new tag only if the deploy went ahead: when it fails, is declined, is
// blocked, or is stopped (Ctrl-C, SIGTERM, a closed output pipe) before CloudFormation started
// the update, the config gets its old tags back; Ctrl-C during the update, which CloudFormation
// carries on with, keeps the new tags (they are what the stack is becoming).
//
// Exit codes: 0 every service stable; 1 a service was rolled back (the reason from the
// rollout and the service events is printed first), Ctrl-C (ECS carries on; `rex status`
// shows it), AWS failed, or (--image-tag) the stack does not exist in CloudFormation; 2 a
// service the stack does not have (the message lists what it has), bad config, no such
// stack config.

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "base/json.h"
#include "base/strings.h"
#include "cli/command.h"
#include "cli/json_output.h"
#include "cli/ops_session.h"
#include "cli/progress.h"
#include "cli/rollout_progress.h"
#include "cli/stack_select.h"
#include "config/config.h"
#include "ops/redeploy.h"
#include "stack/rex_stack.h"

namespace rex::cli {
namespace {

struct RedeployFlags {
  std::string which;
  std::string image_tag;
  bool yes = false;
  bool allow_data_loss = false;
};

// The services whose image tag --image-tag sets: "all" means the images rex builds (the
// services without an `image` of their own: api, worker, ...); an external image such as
// SuperTokens' moves only when named. kInvalidArgument for a name the config does not have.
base::Result<std::vector<std::string>> TaggedServices(const config::Config& config,
                                                      const std::string& config_path,
                                                      const std::string& which) {
  std::vector<std::string> names;
  std::vector<std::string> built;
  for (const auto& [name, service] : config.services.entries) {
    names.push_back(name);
    if (service.image.empty()) built.push_back(name);
  }
  if (which == "all") return built;
  if (config.services.Find(which) == nullptr) {
    return base::InvalidArgument("unknown service \"" + which + "\" for --image-tag; " +
                                 config_path + " has services " + base::Join(names, ", ") +
                                 " (or all)");
  }
  return std::vector<std::string>{which};
}

// The stack as CloudFormation has it before --image-tag deploys: it must exist (a stack whose
// first change set was never executed, REVIEW_IN_PROGRESS, does not count).
// kFailedPrecondition "stack <name> does not exist in CloudFormation (region <r>); run rex up
// first" otherwise; AWS errors as they come.
base::Result<aws::Stack> DeployedStack(Context& ctx, const SelectedStack& selected) {
  REX_ASSIGN_OR_RETURN(std::unique_ptr<AwsSession> session, OpenAwsSession(ctx, &selected.config));
  const std::string stack_name = stack::StackName(selected.config);
  auto stacks = session->cfn->DescribeStacks(stack_name);
  bool missing = !stacks.ok() && stacks.error().code() == base::Code::kNotFound;
  if (!stacks.ok() && !missing) return std::move(stacks).error();
  if (missing || stacks->empty() || stacks->front().stack_status == "REVIEW_IN_PROGRESS") {
    return base::FailedPrecondition(
        "stack " + stack_name + " does not exist in CloudFormation (region " + session->region +
        "); run \"rex up\" first: --image-tag changes the tag of a deployed stack and never "
        "creates one (nothing was changed)");
  }
  return stacks->front();
}

// Whether the update rex up started is going on or done in CloudFormation (it was executed:
// the stack changed since `before`, and is not rolling back), after rex up returned without
// success (e.g. Ctrl-C while following it). Unknown (an AWS error) counts as not.
bool UpdateWentAhead(Context& ctx, const SelectedStack& selected, const aws::Stack& before) {
  auto now = DeployedStack(ctx, selected);
  if (!now.ok()) return false;
  if (now->last_updated_time == before.last_updated_time) return false;
  return now->stack_status.find("ROLLBACK") == std::string::npos &&
         now->stack_status.find("FAILED") == std::string::npos;
}

// --image-tag: the tag goes into the stack config (services.<svc>.imageTag, the source of
// truth), then the stack is updated through CloudFormation exactly as `rex up` does it (plan,
// confirmation, progress). If the deploy does not go ahead, the config gets its old tags back
// (see the header comment).
int RollImageTag(Context& ctx, const RedeployFlags& flags) {
  auto fail = [&ctx](const base::Status& s) {
    ctx.PrintError(s);
    PrintCredentialsHint(ctx, s);
    return ExitCodeFor(s);
  };
  auto selected = SelectStack(ctx, StackUse::kChangesAws);
  if (!selected.ok()) return fail(selected.error());
  if (selected->config_path.empty()) {
    return fail(base::InvalidArgument("--image-tag writes the tag to stacks/" + selected->name +
                                      ".yaml, which does not exist; run \"rex init " +
                                      selected->name + "\" first"));
  }
  // The deploy below hands the secrets to AWS: without the passphrase, stop before the config
  // is touched.
  base::Status unsealed = config::RequireUnsealedSecrets(selected->config);
  if (!unsealed.ok()) return fail(unsealed);
  const std::string path = (std::filesystem::path(ctx.io.cwd) / selected->config_path).string();
  std::map<std::string, std::string> previous;
  auto tagged = TaggedServices(selected->config, selected->config_path, flags.which);
  if (!tagged.ok()) return fail(tagged.error());
  for (const std::string& service : *tagged) {
    const std::string key = "services." + service + ".imageTag";
    auto old = config::GetConfigFileValue(path, key);
    if (!old.ok()) return fail(old.error());
    previous[key] = *old;
  }
  // Ctrl-C or SIGTERM from here on stops the deploy cleanly (rex up's own handling, which
  // shares this flag) instead of killing rex between writing the tag and restoring it.
  CancelOnInterrupt interrupt;
  auto before = DeployedStack(ctx, *selected);
  if (!before.ok()) return fail(before.error());
  if (interrupt.flag()->load()) {
    ctx.io.err << "stopped before anything was changed\n";
    return kExitFailed;
  }

  auto restore = [&](const std::string& why) {
    for (const auto& [key, old] : previous) {
      base::Status restored = config::SetConfigFileValue(path, key, old);
      if (!restored.ok()) ctx.PrintWarning("could not restore " + key + ": " + restored.message());
    }
    ctx.io.err << "the image tags in " << selected->config_path << " are back to what they were ("
               << why << "); the stack runs the previous tag\n";
  };
  std::map<std::string, std::string> written;
  for (const auto& [key, old] : previous) {
    base::Status set = config::SetConfigFileValue(path, key, flags.image_tag);
    if (!set.ok()) {
      for (const auto& [done, value] : written) {
        (void)config::SetConfigFileValue(path, done, value);
      }
      return fail(set.WithContext("--image-tag"));
    }
    written[key] = old;
    ctx.io.err << key << ": " << old << " -> " << flags.image_tag << " in " << selected->config_path
               << "\n";
  }
  ctx.io.err << "rolling the new tag out through CloudFormation (the stack stays the source of "
                "truth), as rex up does:\n";
  // Through `rex up`: the same plan against CloudFormation and the same data-loss guard.
  int code = RunUp(ctx, UpFlags{.yes = flags.yes, .allow_data_loss = flags.allow_data_loss});
  if (code == kExitOk) return code;
  if (interrupt.flag()->load() && UpdateWentAhead(ctx, *selected, *before)) {
    ctx.io.err << "CloudFormation carries on with the update, so " << selected->config_path
               << " keeps the new tag\n";
    return code;
  }
  restore(interrupt.flag()->load() ? "interrupted" : "the deploy did not go ahead");
  return code;
}

int RunRedeploy(Context& ctx, const RedeployFlags& flags) {
  auto fail = [&ctx](const base::Status& s) {
    ctx.PrintError(s);
    PrintCredentialsHint(ctx, s);
    return ExitCodeFor(s);
  };
  if (!flags.image_tag.empty()) {
    int deployed = RollImageTag(ctx, flags);
    if (deployed != kExitOk) return deployed;
  }
  CancelOnInterrupt interrupt;
  int code = kExitFailed;
  auto day2 = OpenDayTwo(ctx, interrupt.flag(), &code);
  if (!day2) return code;
  auto services = ops::ResolveServices(day2->stack, flags.which);
  if (!services.ok()) return fail(services.error());
  ops::Session& session = day2->ops->session;

  std::map<std::string, std::string> started;
  if (flags.image_tag.empty()) {
    ctx.io.err << "forcing a new deployment of " << base::Join(*services, ", ") << " in "
               << day2->stack.stack_name << "\n";
    auto forced = ops::ForceNewDeployments(session, day2->stack, *services);
    if (!forced.ok()) return fail(forced.error());
    started = std::move(*forced);
  } else {
    ctx.io.err << "checking that " << base::Join(*services, ", ") << " run the new tasks\n";
  }
  RolloutPrinter printer(ctx);
  auto outcome = ops::FollowServices(session, day2->stack, *services, started, printer);
  if (!outcome.ok()) return fail(outcome.error());

  base::Json json = {{"version", kJsonVersion},
                     {"stack", day2->stack.stack_name},
                     {"services", base::Json::array()}};
  for (const ops::ServiceOutcome& s : outcome->services) {
    std::string result = s.stable ? "stable" : s.rolled_back ? "rolled back" : "not stable";
    json["services"].push_back({{"service", s.name},
                                {"result", result},
                                {"running", s.last.running},
                                {"desired", s.last.desired},
                                {"reason", s.reason}});
    if (s.rolled_back || (!s.stable && !outcome->cancelled)) {
      ctx.io.err << ctx.err.BoldRed("error:") << " " << s.name << " was "
                 << (s.rolled_back ? "rolled back by the deployment circuit breaker: "
                                   : "not stable: ")
                 << s.reason << "\n";
    }
    if (!ctx.global.json) {
      ctx.io.out << s.name << "  " << (s.stable ? ctx.out.Green(result) : ctx.out.Red(result))
                 << "  running " << s.last.running << "/" << s.last.desired << "\n";
    }
  }
  if (outcome->cancelled) {
    ctx.io.err << "stopped following; ECS carries on with the deployment (\"rex status\" shows "
                  "where it is)\n";
    json["cancelled"] = true;
  }
  if (ctx.global.json) ctx.io.out << base::DumpJson(json);
  return outcome->ok() ? kExitOk : kExitFailed;
}

}  // namespace

Command RedeployCommand() {
  return {"redeploy", "replace the tasks of a service (or all) and follow until stable",
          [](CLI::App& app) -> std::function<int(Context&)> {
            auto flags = std::make_shared<RedeployFlags>();
            app.add_option("SERVICE", flags->which,
                           "a service of the deployed stack (api, worker, ...) or all")
                ->required();
            app.add_option("--image-tag", flags->image_tag,
                           "set services.SERVICE.imageTag (all: every service whose image rex "
                           "builds) in the stack config and deploy it through CloudFormation, as "
                           "rex up")
                ->type_name("TAG");
            app.add_flag("-y,--yes", flags->yes,
                         "with --image-tag: deploy without asking (required when stdin is not a "
                         "terminal)");
            app.add_flag("--allow-data-loss", flags->allow_data_loss,
                         "with --image-tag: deploy even if a stateful resource is replaced or "
                         "deleted (see rex up)");
            return [flags](Context& ctx) { return RunRedeploy(ctx, *flags); };
          }};
}

}  // namespace rex::cli
