// `rex preview`: the plan of the selected stack, offline and, when AWS is at hand, checked
// against CloudFormation's own view through a change set that is deleted right away.
//
//   rex preview [--template FILE] [--offline] [--allow-data-loss] [--format text|markdown]
//               (+ global --stack, --region, --profile, --endpoint-url, --json, -v)
//
// Synthesizes the stack, reads the baseline, computes tmpl::ComputePlan with the generated
// schema registry and prints it (cli/plan_render.h), then the extra sections below. The
// baseline (engine/baseline.h; DESIGN.md "Where the truth lives"): online, the template and
// parameters CloudFormation holds (GetTemplate, JSON or YAML); offline, the copy rex up left
// in .rex/<stack>/deployed.template.json, and the headline says "the copy of <date> in .rex/…,
// not checked with AWS"; with --template FILE, that file. None = nothing deployed, every
// resource is a create.
//
// Online (CloudFormation's view, engine/changeset_plan.h). Tried unless --offline or
// --template FILE, and only when credentials are configured where reading them needs no
// network: AWS_ACCESS_KEY_ID, AWS_PROFILE / AWS_DEFAULT_PROFILE / --profile, a web identity
// token file, ECS container credentials, or a [default] profile with keys, a role or a
// credential process in ~/.aws. (The EC2 instance metadata service is not probed: off EC2
// that costs a timeout on every preview.) With nothing configured the preview stays offline,
// silently, unless --endpoint-url was given: then a one-line note says why it is offline.
// Online, with the session `rex up` uses (region, profile, --endpoint-url):
//   1. DescribeStacks. A stack that does not exist (or holds nothing yet) gets no change set
//      (a CREATE change set would leave an empty stack behind): a note, offline plan. The
//      template CloudFormation holds (GetTemplate, Original) is the baseline of the plan,
//      whatever .rex/ holds.
//   2. An UPDATE change set "rex-preview-<time>" of the compact template with the same
//      parameters (NoEcho secrets included), capabilities, tags and S3 upload (templates over
//      51,200 bytes, bootstrap bucket) as `rex up`; DescribeChangeSet, every page.
//   3. The change set is deleted, also on errors and Ctrl-C. Its changes are merged into the
//      plan and printed after it ("CloudFormation change set confirms ..." / "... differs
//      from the offline plan ..."). A stateful resource CloudFormation replaces or removes
//      blocks like offline data loss.
// Anything that goes wrong online (credentials refused, a stack that is busy, network) is a
// note or a warning on stderr and the offline plan stands: preview never fails for it.
//
// Exit codes: 0 the plan was shown (with or without changes); 1 the plan replaces or deletes
// a stateful resource (DATA LOSS) and --allow-data-loss was not given, an extra section
// failed, or Ctrl-C stopped the online check; 2 bad config, bad --template file or
// unreadable .rex state.
//
// --format markdown prints the same plan as GitHub-flavoured Markdown for a CI job summary
// (cli/plan_render.h RenderPlanMarkdown: headline, a table of the changed resources with why
// and data loss, CloudFormation's verdict, cost delta, check verdict); notes, warnings and
// errors still go to stderr and the exit codes are the same. Not with --json (exit 2).
// A region that contradicts the stack config (cli/progress.h OpenAwsSession) is exit 2 too,
// not an offline preview.
//
// --json prints one object to stdout: tmpl::PlanToJson (schema version 1, documented in
// template/plan.h) plus
//   "stack": s          the config name ("dev")
//   "stackName": s      the CloudFormation stack name ("rex-backend-dev")
//   "baseline": s|null  the template compared against, as the headline names it ("the
//                       template CloudFormation holds (UPDATE_COMPLETE)", "the copy of <date>
//                       in .rex/dev/deployed.template.json, not checked with AWS", the
//                       --template FILE as given), null when nothing is deployed
//   "baselineSource": s "cloudformation" | "cache" | "template-file" | "none"
//   "allowDataLoss": bool
//   "blocked": bool     true when the exit code is 1 because of data loss
//   "cloudformation":   where the view came from (added in schema version 1, additive):
//       online: engine::ChangeSetViewToJson ({"source": "change-set", "changeSetName", ...,
//               "resources": [...]}, documented in engine/changeset_plan.h);
//       offline: {"source": "offline", "reason": "offline-flag" | "template-file" |
//                 "no-credentials" | "stack-not-deployed" | "stack-not-ready" | "unavailable"
//                 | "cancelled", "note": s?}
// and one key per extra section that has something to say.
//
// --graph FILE.svg|FILE.dot also draws the plan on the stack's architecture (cli/graph_output.h:
// components coloured create / update / replace / delete with preview's palette, and a
// legend); written whatever the exit code, as long as the plan was computed.

#include <algorithm>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "aws/credentials.h"
#include "base/files.h"
#include "base/keep.h"
#include "base/strings.h"
#include "cfn/registry.gen.h"
#include "cli/command.h"
#include "cli/graph_output.h"
#include "cli/plan_render.h"
#include "cli/progress.h"
#include "cli/stack_select.h"
#include "cli/synthesize.h"
#include "config/secrets_provider.h"
#include "engine/baseline.h"
#include "engine/bootstrap.h"
#include "engine/changeset_plan.h"
#include "engine/deploy.h"
#include "engine/parameters.h"
#include "engine/state.h"
#include "stack/rex_stack.h"
#include "template/checks.h"
#include "template/cost.h"
#include "template/nested.h"
#include "template/plan.h"
#include "template/template_reader.h"

namespace rex::cli {
namespace {

// What the extra sections of the preview get: the templates, not the plan, so that they are
// computed while the plan is.
struct PreviewInputs {
  const SelectedStack& stack;
  const base::Json* before;  // the baseline template; null when nothing is deployed
  const base::Json& after;   // the synthesized template
};

// How a section shows what it computed, after the plan. Without --json it prints text to
// ctx.io.out (colour through ctx.out) and leaves `json` alone; with --json, `json` is the
// output object and the section adds one key of its own (never one of the keys documented at
// the top of this file). A non-OK Status is printed as an error and makes the exit code 1;
// sections never block on data loss themselves.
using SectionRender = std::function<base::Status(Context& ctx, base::Json* json)>;

// An extra section of `rex preview`: it computes what it shows from `inputs` alone (reading
// them, printing nothing: the sections run on threads of their own, beside each other and the
// plan) and returns how to show it.
using PreviewSection = std::function<SectionRender(const PreviewInputs& inputs)>;

// The hook for the commands that enrich the preview: `rex cost` adds the monthly cost delta
// (a section comparing the cost of inputs.before and inputs.after) and `rex check` the check
// summary of inputs.after. Each appends its section here, in the order they should print.
// The preview itself prints nothing but the plan.
std::vector<PreviewSection> PreviewSections();

// The monthly cost of the synthesized template against the baseline's, at the default
// assumptions of `rex cost` (which prints the lines).
SectionRender CostSection(const PreviewInputs& inputs) {
  tmpl::Assumptions assume;
  double after = tmpl::EstimateCost(inputs.after, assume).total;
  double before = inputs.before ? tmpl::EstimateCost(*inputs.before, assume).total : 0.0;
  return [before, after](Context& ctx, base::Json* json) -> base::Status {
    double delta = after - before;
    if (json != nullptr) {
      (*json)["cost"] = base::Json{{"monthlyBefore", before},
                                   {"monthlyAfter", after},
                                   {"monthlyDelta", delta},
                                   {"currency", "USD"}};
      return base::Status::Ok();
    }
    std::string sign = delta > 0.005 ? "+" : (delta < -0.005 ? "-" : "±");
    std::string change = sign + tmpl::FormatUsd(delta < 0 ? -delta : delta);
    ctx.io.out << "\n"
               << ctx.out.Bold("Cost:") << " " << tmpl::FormatUsd(before) << " → "
               << tmpl::FormatUsd(after) << " a month ("
               << (delta > 0.005 ? ctx.out.Yellow(change) : ctx.out.Green(change))
               << "; us-east-1 list prices, details: rex cost)\n";
    return base::Status::Ok();
  };
}

// The `rex check` verdict of the synthesized template.
SectionRender CheckSection(const PreviewInputs& inputs) {
  std::vector<tmpl::Finding> findings =
      tmpl::RunChecks(inputs.after, CheckOptionsFor(inputs.stack.config));
  int errors = 0, warnings = 0, suppressed = 0;
  for (const tmpl::Finding& f : findings) {
    if (f.suppressed) {
      ++suppressed;
    } else if (f.severity == tmpl::Severity::kError) {
      ++errors;
    } else if (f.severity == tmpl::Severity::kWarning) {
      ++warnings;
    }
  }
  return [errors, warnings, suppressed](Context& ctx, base::Json* json) -> base::Status {
    if (json != nullptr) {
      (*json)["checks"] = base::Json{{"errors", errors},
                                     {"warnings", warnings},
                                     {"suppressed", suppressed},
                                     {"rules", tmpl::Rules().size()}};
      return base::Status::Ok();
    }
    std::string verdict = std::to_string(tmpl::Rules().size()) +
                          " rules: " + std::to_string(errors) + " errors, " +
                          std::to_string(warnings) + " warnings" +
                          (suppressed > 0 ? ", " + std::to_string(suppressed) + " suppressed" : "");
    ctx.io.out << ctx.out.Bold("Checks:") << " "
               << (errors > 0 ? ctx.out.Red(verdict) : ctx.out.Green(verdict))
               << (errors + warnings > 0 ? " (details: rex check)" : "") << "\n";
    return base::Status::Ok();
  };
}

// Whether `rex up` deploys the stack as nested stacks (template/nested.h); the plan above is of
// the logical resources either way.
SectionRender NestedSection(const PreviewInputs& inputs) {
  // The summary only: the children are not built (read-only pass, nothing copied).
  auto summarized = tmpl::SummarizeNestedStacks(
      inputs.after, tmpl::NestedOptions{.schemas = cfn::FindResourceSchema});
  size_t resources = inputs.after.contains("Resources") ? inputs.after["Resources"].size() : 0;
  return [summarized = std::move(summarized), resources](Context& ctx,
                                                         base::Json* json) -> base::Status {
    if (!summarized.has_value()) return summarized.error();
    const std::vector<tmpl::NestedChild>& summary = *summarized;
    if (summary.empty()) return base::Status::Ok();
    size_t largest = 0;
    std::vector<std::string> names;
    for (const tmpl::NestedChild& c : summary) {
      largest = std::max(largest, c.resources);
      names.push_back(c.name);
    }
    if (json != nullptr) {
      base::Json stacks = base::Json::array();
      for (const tmpl::NestedChild& c : summary) {
        stacks.push_back(
            {{"name", c.name}, {"resources", c.resources}, {"first", c.first}, {"last", c.last}});
      }
      (*json)["nestedStacks"] = base::Json{{"count", summary.size()},
                                           {"maxResourcesPerStack", tmpl::kMaxResourcesPerStack},
                                           {"stacks", std::move(stacks)}};
      return base::Status::Ok();
    }
    constexpr size_t kShown = 5;
    bool verbose = ctx.global.verbose > 0;
    std::string shown = base::Join(
        std::vector<std::string>(
            names.begin(),
            names.begin() + static_cast<std::ptrdiff_t>(verbose ? names.size()
                                                                : std::min(kShown, names.size()))),
        ", ");
    if (!verbose && names.size() > kShown) {
      shown += ", … " + std::to_string(names.size() - kShown) + " more (-v lists them)";
    }
    ctx.io.out << "\n"
               << ctx.out.Bold("Nested stacks:") << " " << resources
               << " resources, over CloudFormation's " << tmpl::kMaxResourcesPerStack
               << " per stack: split into " << names.size() << " nested stacks: " << shown << " (≤ "
               << tmpl::kMaxResourcesPerStack << " resources each, largest " << largest << ")\n";
    if (verbose) {
      for (const tmpl::NestedChild& c : summary) {
        ctx.io.out << "  " << c.name << "  " << c.resources << " resources  " << c.first
                   << (c.first == c.last ? std::string() : " … " + c.last) << "\n";
      }
    }
    return base::Status::Ok();
  };
}

std::vector<PreviewSection> PreviewSections() { return {NestedSection, CostSection, CheckSection}; }

struct PreviewFlags {
  std::string template_file;
  bool allow_data_loss = false;
  bool offline = false;
  int synthetic = 0;            // hidden --synthetic N (benchmarks)
  std::string format = "text";  // --format text|markdown
  bool wide = false;            // --wide: lines not fitted to kOutputWidth
  std::string graph;            // --graph FILE: the plan drawn on the architecture
};

// The baseline template and how to name it; a null json when nothing is deployed.
struct Baseline {
  std::optional<base::Json> json;
  // After "against" when json is set (engine::Baseline::Describe, or the --template FILE);
  // else why nothing is deployed ("nothing deployed (stack X does not exist in R)").
  std::string name;
  std::string source;  // "cloudformation" | "cache" | "template-file" | "none"
};

Baseline FromEngine(engine::Baseline b) {
  static constexpr const char* kSources[] = {"cloudformation", "cache", "none"};
  std::string name = b.Describe();
  return Baseline{std::move(b.tmpl), std::move(name), kSources[static_cast<int>(b.source)]};
}

// The --template FILE, or else the .rex/ copy (labelled as not checked with AWS). The
// template CloudFormation holds replaces the latter when the preview is online (RunPreview).
base::Result<Baseline> ReadBaseline(const Context& ctx, const PreviewFlags& flags,
                                    const std::string& stack) {
  if (!flags.template_file.empty()) {
    std::filesystem::path path(flags.template_file);
    if (path.is_relative()) path = std::filesystem::path(ctx.io.cwd) / path;
    auto text = base::ReadFile(path.string());
    if (!text.has_value()) {
      if (text.error().code() == base::Code::kNotFound) {
        return base::NotFound("--template " + flags.template_file + ": no such file");
      }
      return base::InvalidArgument("--template " + flags.template_file + ": " +
                                   text.error().message());
    }
    REX_ASSIGN_OR_RETURN(base::Json tmpl, tmpl::ReadTemplate(*text, flags.template_file,
                                                             tmpl::kMaxLocalTemplateBytes));
    return Baseline{std::move(tmpl), flags.template_file, "template-file"};
  }
  engine::StateStore store(ctx.io.cwd);
  REX_ASSIGN_OR_RETURN(engine::Baseline cached, engine::ReadCachedBaseline(store, stack));
  return FromEngine(std::move(cached));
}

std::string EnvValue(const Context& ctx, const char* name) {
  if (!ctx.io.getenv) return "";
  return ctx.io.getenv(name).value_or("");
}

// True when AWS credentials are configured somewhere that can be read without the network
// (see the header comment). Only says whether to try: the chain itself resolves them.
bool CredentialsConfigured(const Context& ctx) {
  if (!ctx.global.profile.empty()) return true;
  for (const char* name :
       {"AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"}) {
    if (!EnvValue(ctx, name).empty()) return true;
  }
  auto getenv = ctx.io.getenv;
  aws::EnvLookup env = [getenv](const std::string& name) -> std::optional<std::string> {
    if (!getenv) return std::nullopt;
    return getenv(name);
  };
  auto files = aws::LoadProfileFiles(env, EnvValue(ctx, "HOME"));
  if (!files.ok()) return true;  // a broken file: let the chain say what is wrong with it
  auto profile = aws::FindProfile(*files, "default");
  if (!profile) return false;
  for (const char* key :
       {"aws_access_key_id", "role_arn", "web_identity_token_file", "credential_source",
        "credential_process", "sso_start_url", "sso_session"}) {
    if (profile->count(key)) return true;
  }
  return false;
}

// Steps and notes of the online check: notes always (stderr), steps with -v.
class PreviewObserver : public engine::DeployObserver {
 public:
  explicit PreviewObserver(const Context& ctx) : ctx_(ctx) {}
  void OnStep(std::string_view step) override {
    if (ctx_.global.verbose > 0) ctx_.io.err << ctx_.err.Dim("• " + std::string(step)) << "\n";
  }
  void OnNote(std::string_view note) override { ctx_.PrintNote(note); }

 private:
  const Context& ctx_;
};

// What the online check gave: a view, or why the preview is offline.
struct OnlineCheck {
  std::optional<engine::ChangeSetView> view;
  std::string reason;  // when offline: see "cloudformation" in the header comment
  std::string note;    // when offline: what was printed, "" for a silent offline preview
  bool cancelled = false;
  // The template deployed in CloudFormation, when it was read to stand in for a missing
  // local baseline.
  std::optional<base::Json> deployed;
};

// The session, or why there is none (credentials, region, flags).
struct Online {
  std::unique_ptr<AwsSession> session;
  OnlineCheck offline;  // set when session is null
  // Bad input (a region that contradicts the stack config, bad flags): preview exits 2.
  std::optional<base::Status> invalid;
};

Online OpenOnline(Context& ctx, const SelectedStack& selected, const PreviewFlags& flags) {
  Online online;
  if (flags.offline) {
    online.offline.reason = "offline-flag";
    return online;
  }
  if (!flags.template_file.empty()) {
    online.offline.reason = "template-file";
    return online;
  }
  if (!CredentialsConfigured(ctx)) {
    online.offline.reason = "no-credentials";
    if (!ctx.global.endpoint_url.empty()) {
      online.offline.note =
          "no AWS credentials configured (environment, ~/.aws or --profile); showing the "
          "offline plan only";
    }
    return online;
  }
  auto session = OpenAwsSession(ctx, &selected.config);
  if (!session.ok() && session.error().code() == base::Code::kInvalidArgument) {
    online.invalid = session.error();
    return online;
  }
  if (!session.ok()) {
    online.offline.reason = "unavailable";
    online.offline.note = "CloudFormation's view is unavailable (" + session.error().message() +
                          "); showing the offline plan only";
    return online;
  }
  online.session = std::move(*session);
  return online;
}

OnlineCheck CheckWithCloudFormation(Context& ctx, AwsSession& session,
                                    const SelectedStack& selected, const base::Json& after,
                                    const tmpl::Plan& plan) {
  OnlineCheck check;
  const std::string stack_name = stack::StackName(selected.config);
  auto unavailable = [&](const base::Status& status) {
    check.reason = "unavailable";
    check.note = "CloudFormation's view is unavailable (" + status.message() +
                 "); the plan above is the offline prediction";
    return check;
  };
  // The template was synthesized from sealed secrets (set, value unknown); CloudFormation needs
  // their values. With secretsProvider awskms:// the data key comes from KMS with this
  // preview's credentials; with the passphrase provider they stay sealed without
  // REX_CONFIG_PASSPHRASE.
  const config::Config* secrets_from = &selected.config;
  std::optional<SelectedStack> unsealed_stack;
  if (!config::RequireUnsealedSecrets(selected.config).ok() &&
      selected.config.secrets_provider != config::kPassphraseProvider) {
    auto reloaded = SelectStack(ctx, StackUse::kChangesAws);
    if (!reloaded.ok()) return unavailable(reloaded.error());
    unsealed_stack = std::move(*reloaded);
    secrets_from = &unsealed_stack->config;
  }
  base::Status unsealed = config::RequireUnsealedSecrets(*secrets_from);
  if (!unsealed.ok()) return unavailable(unsealed);
  auto parameters = engine::ParametersForTemplate(after, ConfigSecrets(*secrets_from));
  if (!parameters.ok()) return unavailable(parameters.error());
  engine::ChangeSetRequest request{
      .stack_name = stack_name,
      .template_body = engine::CompactTemplateBody(after),
      .parameters = std::move(*parameters),
      .tags = {{"project", selected.config.project_name},
               {"environment", selected.config.environment}},
      .description = "rex preview " + selected.name + " (deleted once described)",
      .poll = PollOptionsFromEnvironment(ctx)};
  if (request.template_body.size() > engine::kMaxTemplateBodyBytes) {
    auto bucket = engine::FindBootstrapBucket(*session.cfn);
    if (!bucket.ok()) return unavailable(bucket.error());
    if (bucket->has_value()) request.template_bucket = **bucket;
  }
  CancelOnInterrupt interrupt;
  request.cancel = interrupt.flag();
  PreviewObserver observer(ctx);
  engine::DeployClients clients = session.Clients();
  auto online = engine::PreviewThroughChangeSet(clients, std::move(request), observer);
  if (!online.ok()) {
    OnlineCheck failed = unavailable(online.error());
    PrintCredentialsHint(ctx, online.error());
    return failed;
  }
  using State = engine::OnlinePreview::State;
  switch (online->state) {
    case State::kStackMissing:
      check.reason = "stack-not-deployed";
      check.note = "stack " + stack_name + " is not deployed in CloudFormation (region " +
                   session.region + "); no change set made, the plan above is offline";
      return check;
    case State::kStackNotReady:
      check.reason = "stack-not-ready";
      check.note = "stack " + stack_name + " is " + online->stack_status +
                   "; no change set made, the plan above is offline";
      return check;
    case State::kCancelled:
      check.reason = "cancelled";
      check.cancelled = true;
      check.note = "stopped asking CloudFormation (Ctrl-C); change set " + online->change_set_name +
                   " was deleted";
      return check;
    case State::kNoChanges:
    case State::kReady:
      break;
  }
  engine::ChangeSetView view =
      engine::MergeChangeSet(plan, online->change_set.changes, cfn::FindResourceSchema);
  view.change_set_name = online->change_set_name;
  view.change_set_id = online->change_set_id;
  view.no_changes = online->state == State::kNoChanges;
  view.deleted = online->deleted;
  check.view = std::move(view);
  return check;
}

std::string DataLossList(const tmpl::Plan& plan, const engine::ChangeSetView* view) {
  std::vector<std::string> names;
  auto add = [&](const std::string& path, const std::string& logical_id) {
    size_t slash = path.find('/');
    names.push_back(slash == std::string::npos ? logical_id : path.substr(slash + 1));
  };
  for (const tmpl::ResourcePlan& r : plan.resources) {
    if (r.data_loss) add(r.path, r.logical_id);
  }
  if (view != nullptr) {
    for (const engine::ResourceVerdict& v : view->resources) {
      if (v.data_loss_added) add(v.path, v.logical_id);
    }
  }
  return base::Join(names, ", ");
}

int RunPreview(Context& ctx, const PreviewFlags& flags) {
  std::optional<GraphOutput> graph;
  if (!flags.graph.empty()) {
    auto resolved = ResolveGraphOutput(ctx, flags.graph);
    if (resolved.has_value() && resolved->target.to_stdout) {
      resolved = base::InvalidArgument(
          "--graph - would mix the drawing with the plan on stdout; give FILE.svg or FILE.dot");
    }
    if (!resolved.has_value()) {
      ctx.PrintError(resolved.error());
      return ExitCodeFor(resolved.error());
    }
    graph = std::move(resolved).value();
  }
  auto selected = SelectStack(ctx);
  if (!selected.has_value()) {
    ctx.PrintError(selected.error());
    return ExitCodeFor(selected.error());
  }
  // The baseline is read (and parsed: a fifth of a large preview) while the stack is
  // synthesized; ReadBaseline prints nothing. Errors keep their order: the config's first.
  auto reading =
      std::async(std::launch::async, [&] { return ReadBaseline(ctx, flags, selected->name); });
  auto synthesized = SynthesizeSelected(ctx, *selected, flags.synthetic);
  if (!synthesized.has_value()) {
    ctx.PrintError(synthesized.error());
    return ExitCodeFor(synthesized.error());
  }
  for (const auto& w : synthesized->warnings) ctx.io.err << w.ToString() << "\n";
  auto baseline = reading.get();
  if (!baseline.has_value()) {
    ctx.PrintError(baseline.error());
    return ExitCodeFor(baseline.error());
  }
  std::string stack_name = stack::StackName(selected->config);

  // Online: the session first, so that a stack deployed from elsewhere can be the baseline.
  Online online = OpenOnline(ctx, *selected, flags);
  if (online.invalid) {
    ctx.PrintError(*online.invalid);
    return ExitCodeFor(*online.invalid);
  }
  // Warnings about CloudFormation's view qualify the plan: they are printed after it, where
  // they are read (on a terminal, printed first they scroll away above the plan).
  std::vector<std::string> late_warnings;
  // CloudFormation did not answer at all (timed out, unreachable): the change set is not tried,
  // so a stalled endpoint costs its timeout once, not twice.
  std::optional<base::Status> unreachable;
  if (online.session) {
    // What is deployed is what CloudFormation holds; the .rex/ copy only stands in when it
    // cannot be read, or for a stack deployed as nested stacks (compared resource by resource
    // with its logical template, which only the copy has).
    auto deployed =
        engine::ReadDeployedBaseline(*online.session->cfn, stack_name, online.session->region);
    if (!deployed.ok()) {
      base::Code code = deployed.error().code();
      if (code == base::Code::kDeadlineExceeded || code == base::Code::kUnavailable) {
        unreachable = deployed.error();
      }
      late_warnings.push_back("the template CloudFormation holds could not be read (" +
                              deployed.error().message() + "); the plan is against " +
                              baseline->name);
    } else if (deployed->nested) {
      ctx.PrintNote("stack " + stack_name + " is deployed as nested stacks: the plan is against " +
                    baseline->name + "; the change set below is CloudFormation's own view");
    } else {
      *baseline = FromEngine(std::move(*deployed));
    }
  }

  const base::Json& after = synthesized->json;
  const base::Json* before = baseline->json ? &*baseline->json : nullptr;
  // The extra sections are computed on threads of their own while the plan is (and while
  // CloudFormation builds its change set); they are shown after the plan, in order.
  PreviewInputs inputs{*selected, before, after};
  std::vector<std::future<SectionRender>> computing;
  for (const PreviewSection& section : PreviewSections()) {
    computing.push_back(std::async(std::launch::async, section, std::cref(inputs)));
  }
  // Both branches lvalues: a temporary on one side would make the other a copy of the
  // whole baseline.
  const base::Json nothing_deployed(nullptr);
  tmpl::Plan plan =
      tmpl::ComputePlan(before ? *before : nothing_deployed, after, cfn::FindResourceSchema);
  OnlineCheck check;
  if (unreachable) {
    check.reason = "unavailable";
    check.note =
        "CloudFormation's view is unavailable (the template lookup failed, so no change set was "
        "tried); the plan above is the offline prediction";
  } else if (online.session) {
    check = CheckWithCloudFormation(ctx, *online.session, *selected, after, plan);
  } else {
    check = std::move(online.offline);
  }
  auto print_late_warnings = [&] {
    ctx.io.out.flush();
    for (const std::string& warning : late_warnings) ctx.PrintWarning(warning);
    if (check.note.empty()) return;
    if (check.reason == "unavailable") {
      ctx.PrintWarning(check.note);
    } else {
      ctx.PrintNote(check.note);
    }
  };
  const engine::ChangeSetView* view = check.view ? &*check.view : nullptr;
  bool data_loss = plan.HasDataLoss() || (view != nullptr && view->HasDataLoss());
  bool blocked = data_loss && !flags.allow_data_loss;
  std::vector<SectionRender> sections;
  for (auto& section : computing) sections.push_back(section.get());
  // Once printed, the trees are left to the operating system at exit (base/keep.h): freeing
  // them piece by piece costs a third of the preview at 20,000 resources.
  auto keep = [&] {
    base::KeepUntilExit(std::move(*synthesized), std::move(*baseline), std::move(plan));
  };

  int code = check.cancelled ? kExitFailed : kExitOk;
  if (ctx.global.json) {
    base::Json out = tmpl::PlanToJson(plan);
    out["stack"] = selected->name;
    out["stackName"] = stack_name;
    out["baseline"] = before ? base::Json(baseline->name) : base::Json(nullptr);
    out["baselineSource"] = baseline->source;
    out["allowDataLoss"] = flags.allow_data_loss;
    out["blocked"] = blocked;
    if (view != nullptr) {
      out["cloudformation"] = engine::ChangeSetViewToJson(*view);
    } else {
      out["cloudformation"] = {{"source", "offline"}, {"reason", check.reason}};
      if (!check.note.empty()) out["cloudformation"]["note"] = check.note;
    }
    for (const SectionRender& section : sections) {
      base::Status s = section(ctx, &out);
      if (!s.ok()) {
        ctx.PrintError(s);
        code = kExitFailed;
      }
    }
    ctx.io.out << base::DumpJson(out);
  } else if (flags.format == "markdown") {
    // The extra sections' verdicts, through their JSON form.
    base::Json extra = base::Json::object();
    for (const SectionRender& section : sections) {
      base::Status s = section(ctx, &extra);
      if (!s.ok()) {
        ctx.PrintError(s);
        code = kExitFailed;
      }
    }
    MarkdownPreview md;
    md.stack_name = stack_name;
    md.config = selected->config_path.empty() ? "built-in " + selected->name + " preset"
                                              : selected->config_path;
    md.baseline = before ? baseline->name : "";
    md.view = view;
    md.offline_note = check.note;
    md.allow_data_loss = flags.allow_data_loss;
    if (extra.contains("cost")) {
      md.cost = MarkdownPreview::Cost{extra["cost"].value("monthlyBefore", 0.0),
                                      extra["cost"].value("monthlyAfter", 0.0)};
    }
    if (extra.contains("checks")) {
      const base::Json& c = extra["checks"];
      md.checks = MarkdownPreview::Checks{c.value("errors", 0), c.value("warnings", 0),
                                          c.value("suppressed", 0), c.value("rules", size_t{0})};
    }
    ctx.io.out << RenderPlanMarkdown(plan, md);
  } else {
    const Style& style = ctx.out;
    std::string config = selected->config_path.empty() ? "built-in " + selected->name + " preset"
                                                       : selected->config_path;
    size_t width = flags.wide ? 0 : kOutputWidth;
    // "Preview of S (config) against B" on one line when it fits, else the baseline's
    // description on the lines below the title.
    std::string title = "Preview of " + stack_name + " (" + config + ")" + (before ? "" : ":");
    std::string against =
        before ? "against " + baseline->name : baseline->name + ", every resource is created";
    ctx.io.out << RenderPlanHeadline(style, title, against, width);
    PlanRenderOptions render{.verbose = ctx.global.verbose > 0};
    render.width = width;
    if (flags.wide) render.max_value_width = 0;  // every value whole
    ctx.io.out << RenderPlan(plan, style, render);
    if (!ctx.global.verbose && plan.summary.metadata_only > 0) {
      ctx.PrintNote("-v lists the metadata-only changes");
    }
    if (view != nullptr) {
      ctx.io.out << "\n" << RenderChangeSetView(*view, style, ctx.global.verbose > 0);
    }
    for (const SectionRender& section : sections) {
      base::Status s = section(ctx, nullptr);
      if (!s.ok()) {
        ctx.PrintError(s);
        code = kExitFailed;
      }
    }
  }

  if (graph) {
    base::Status drawn = WriteGraph(ctx, *graph, PlanGraphDot(before, after, plan, stack_name));
    if (!drawn.ok()) {
      ctx.PrintError(drawn);
      if (code == kExitOk) code = ExitCodeFor(drawn);
    }
  }

  print_late_warnings();
  if (data_loss) {
    if (blocked) {
      ctx.PrintError(base::FailedPrecondition(
          "this plan destroys the data of " + DataLossList(plan, view) +
          "; rerun with --allow-data-loss if that is intended (a backup first is wise)"));
      keep();
      return kExitFailed;
    }
    ctx.PrintWarning("data loss allowed by --allow-data-loss: " + DataLossList(plan, view));
  }
  keep();
  return code;
}

}  // namespace

Command PreviewCommand() {
  return {"preview",
          "show what a deploy would change: creates, updates, replacements, deletions, data "
          "loss; checked with a CloudFormation change set when AWS credentials are configured",
          [](CLI::App& app) -> std::function<int(Context&)> {
            auto flags = std::make_shared<PreviewFlags>();
            app.add_option("--template", flags->template_file,
                           "compare with this template instead of the last deployed one "
                           "(.rex/<stack>/deployed.template.json)")
                ->type_name("FILE");
            app.add_flag("--offline", flags->offline,
                         "never ask CloudFormation, even when AWS credentials are configured");
            app.add_flag("--allow-data-loss", flags->allow_data_loss,
                         "exit 0 even if a stateful resource (database, cache, repository, log "
                         "group) is replaced or deleted");
            app.add_option("--format", flags->format,
                           "text (default) or markdown: GitHub-flavoured Markdown for a CI job "
                           "summary ($GITHUB_STEP_SUMMARY); --json is the machine format")
                ->type_name("FORMAT")
                ->check(CLI::IsMember({"text", "markdown"}));
            app.add_option("--graph", flags->graph,
                           "also draw the plan on the stack's architecture: FILE.svg or FILE.dot, "
                           "components coloured by what the plan does to them")
                ->type_name("FILE");
            app.add_flag("--wide", flags->wide,
                         "print whole names and values (lines wider than 100 columns)");
            AddSyntheticOption(app, flags->synthetic);
            return [flags](Context& ctx) {
              if (ctx.global.json && flags->format == "markdown") {
                ctx.PrintError(base::InvalidArgument(
                    "--format markdown and --json exclude each other; pick one"));
                return kExitBadInput;
              }
              return RunPreview(ctx, *flags);
            };
          }};
}

}  // namespace rex::cli
