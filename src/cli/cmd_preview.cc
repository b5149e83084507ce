// `rex preview`: the offline plan of the selected stack.
//
//   rex preview [--template FILE] [--allow-data-loss]   (+ global --stack, --json, -v)
//
// Synthesizes the stack, reads the baseline (by default the last deployed template,
// .rex/<stack>/deployed.template.json, see engine/state.h; none = nothing deployed, every
// resource is a create; or FILE with --template), computes engine::ComputePlan with the
// generated schema registry and prints it (cli/plan_render.h), then the extra sections below.
//
// Exit codes: 0 the plan was shown (with or without changes); 1 the plan replaces or deletes
// a stateful resource (DATA LOSS) and --allow-data-loss was not given, or an extra section
// failed; 2 bad config, bad --template file or unreadable .rex state.
//
// --json prints one object to stdout: engine::PlanToJson (schema version 1, documented in
// engine/plan.h) plus
//   "stack": s          the config name ("dev")
//   "stackName": s      the CloudFormation stack name ("rex-backend-dev")
//   "baseline": s|null  the template compared against (".rex/dev/deployed.template.json", the
//                       --template FILE as given), null when nothing is deployed
//   "allowDataLoss": bool
//   "blocked": bool     true when the exit code is 1 because of data loss
// and one key per extra section that has something to say.

#include <algorithm>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/files.h"
#include "base/strings.h"
#include "cfn/registry.gen.h"
#include "cli/command.h"
#include "cli/plan_render.h"
#include "cli/stack_select.h"
#include "cli/synthesize.h"
#include "engine/checks.h"
#include "engine/cost.h"
#include "engine/nested.h"
#include "engine/plan.h"
#include "engine/state.h"
#include "engine/template_reader.h"
#include "stack/rex_stack.h"

namespace rex::cli {
namespace {

// What the extra sections of the preview get.
struct PreviewInputs {
  const SelectedStack& stack;
  const base::Json* before;  // the baseline template; null when nothing is deployed
  const base::Json& after;   // the synthesized template
  const engine::Plan& plan;
};

// An extra section of `rex preview`, printed after the plan. Without --json it prints text to
// ctx.io.out (colour through ctx.out) and leaves `json` alone; with --json, `json` is the
// output object and the section adds one key of its own (never one of the keys documented at
// the top of this file). A non-OK Status is printed as an error and makes the exit code 1;
// sections never block on data loss themselves.
using PreviewSection =
    std::function<base::Status(Context& ctx, const PreviewInputs& inputs, base::Json* json)>;

// The hook for the commands that enrich the preview: `rex cost` adds the monthly cost delta
// (a section comparing the cost of inputs.before and inputs.after) and `rex check` the check
// summary of inputs.after. Each appends its section here, in the order they should print.
// The preview itself prints nothing but the plan.
std::vector<PreviewSection> PreviewSections();

// The monthly cost of the synthesized template against the baseline's, at the default
// assumptions of `rex cost` (which prints the lines).
base::Status CostSection(Context& ctx, const PreviewInputs& inputs, base::Json* json) {
  engine::Assumptions assume;
  double after = engine::EstimateCost(inputs.after, assume).total;
  double before = inputs.before ? engine::EstimateCost(*inputs.before, assume).total : 0.0;
  double delta = after - before;
  if (json != nullptr) {
    (*json)["cost"] = base::Json{{"monthlyBefore", before},
                                 {"monthlyAfter", after},
                                 {"monthlyDelta", delta},
                                 {"currency", "USD"}};
    return base::Status::Ok();
  }
  std::string sign = delta > 0.005 ? "+" : (delta < -0.005 ? "-" : "±");
  std::string change = sign + engine::FormatUsd(delta < 0 ? -delta : delta);
  ctx.io.out << "\n"
             << ctx.out.Bold("Cost:") << " " << engine::FormatUsd(before) << " → "
             << engine::FormatUsd(after) << " a month ("
             << (delta > 0.005 ? ctx.out.Yellow(change) : ctx.out.Green(change))
             << "; us-east-1 list prices, details: rex cost)\n";
  return base::Status::Ok();
}

// The `rex check` verdict of the synthesized template.
base::Status CheckSection(Context& ctx, const PreviewInputs& inputs, base::Json* json) {
  std::vector<engine::Finding> findings =
      engine::RunChecks(inputs.after, CheckOptionsFor(inputs.stack.config));
  int errors = 0, warnings = 0, suppressed = 0;
  for (const engine::Finding& f : findings) {
    if (f.suppressed) {
      ++suppressed;
    } else if (f.severity == engine::Severity::kError) {
      ++errors;
    } else if (f.severity == engine::Severity::kWarning) {
      ++warnings;
    }
  }
  if (json != nullptr) {
    (*json)["checks"] = base::Json{{"errors", errors},
                                   {"warnings", warnings},
                                   {"suppressed", suppressed},
                                   {"rules", engine::Rules().size()}};
    return base::Status::Ok();
  }
  std::string verdict = std::to_string(engine::Rules().size()) +
                        " rules: " + std::to_string(errors) + " errors, " +
                        std::to_string(warnings) + " warnings" +
                        (suppressed > 0 ? ", " + std::to_string(suppressed) + " suppressed" : "");
  ctx.io.out << ctx.out.Bold("Checks:") << " "
             << (errors > 0 ? ctx.out.Red(verdict) : ctx.out.Green(verdict))
             << (errors + warnings > 0 ? " (details: rex check)" : "") << "\n";
  return base::Status::Ok();
}

// Whether `rex up` deploys the stack as nested stacks (engine/nested.h); the plan above is of
// the logical resources either way.
base::Status NestedSection(Context& ctx, const PreviewInputs& inputs, base::Json* json) {
  REX_ASSIGN_OR_RETURN(
      engine::NestedStacks nested,
      engine::SplitIntoNestedStacks(inputs.after,
                                    engine::NestedOptions{.schemas = cfn::FindResourceSchema}));
  if (!nested.split()) return base::Status::Ok();
  size_t largest = 0;
  std::vector<std::string> names;
  for (const engine::NestedChild& c : nested.summary) {
    largest = std::max(largest, c.resources);
    names.push_back(c.name);
  }
  if (json != nullptr) {
    base::Json stacks = base::Json::array();
    for (const engine::NestedChild& c : nested.summary) {
      stacks.push_back(
          {{"name", c.name}, {"resources", c.resources}, {"first", c.first}, {"last", c.last}});
    }
    (*json)["nestedStacks"] = base::Json{{"count", nested.summary.size()},
                                         {"maxResourcesPerStack", engine::kMaxResourcesPerStack},
                                         {"stacks", std::move(stacks)}};
    return base::Status::Ok();
  }
  constexpr size_t kShown = 5;
  bool verbose = ctx.global.verbose > 0;
  std::string shown = base::Join(
      std::vector<std::string>(
          names.begin(),
          names.begin() +
              static_cast<std::ptrdiff_t>(verbose ? names.size() : std::min(kShown, names.size()))),
      ", ");
  if (!verbose && names.size() > kShown) {
    shown += ", … " + std::to_string(names.size() - kShown) + " more (-v lists them)";
  }
  ctx.io.out << "\n"
             << ctx.out.Bold("Nested stacks:") << " " << inputs.after["Resources"].size()
             << " resources, over CloudFormation's " << engine::kMaxResourcesPerStack
             << " per stack: split into " << names.size() << " nested stacks: " << shown << " (≤ "
             << engine::kMaxResourcesPerStack << " resources each, largest " << largest << ")\n";
  if (verbose) {
    for (const engine::NestedChild& c : nested.summary) {
      ctx.io.out << "  " << c.name << "  " << c.resources << " resources  " << c.first
                 << (c.first == c.last ? std::string() : " … " + c.last) << "\n";
    }
  }
  return base::Status::Ok();
}

std::vector<PreviewSection> PreviewSections() { return {NestedSection, CostSection, CheckSection}; }

struct PreviewFlags {
  std::string template_file;
  bool allow_data_loss = false;
  int synthetic = 0;  // hidden --synthetic N (benchmarks)
};

// The baseline template and the name to show for it; a null json when nothing is deployed.
struct Baseline {
  std::optional<base::Json> json;
  std::string name;
};

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
    REX_ASSIGN_OR_RETURN(base::Json tmpl, engine::ReadTemplate(*text, flags.template_file));
    return Baseline{std::move(tmpl), flags.template_file};
  }
  engine::StateStore store(ctx.io.cwd);
  REX_ASSIGN_OR_RETURN(std::optional<base::Json> deployed, store.ReadDeployedTemplate(stack));
  return Baseline{std::move(deployed), engine::StateStore::DeployedTemplateRelativePath(stack)};
}

std::string DataLossList(const engine::Plan& plan) {
  std::vector<std::string> names;
  for (const engine::ResourcePlan& r : plan.resources) {
    if (!r.data_loss) continue;
    size_t slash = r.path.find('/');
    names.push_back(slash == std::string::npos ? r.logical_id : r.path.substr(slash + 1));
  }
  return base::Join(names, ", ");
}

int RunPreview(Context& ctx, const PreviewFlags& flags) {
  auto selected = SelectStack(ctx);
  if (!selected.has_value()) {
    ctx.PrintError(selected.error());
    return ExitCodeFor(selected.error());
  }
  auto synthesized = SynthesizeSelected(ctx, *selected, flags.synthetic);
  if (!synthesized.has_value()) {
    ctx.PrintError(synthesized.error());
    return ExitCodeFor(synthesized.error());
  }
  for (const auto& w : synthesized->warnings) ctx.io.err << w.ToString() << "\n";
  auto baseline = ReadBaseline(ctx, flags, selected->name);
  if (!baseline.has_value()) {
    ctx.PrintError(baseline.error());
    return ExitCodeFor(baseline.error());
  }

  const base::Json& after = synthesized->json;
  const base::Json* before = baseline->json ? &*baseline->json : nullptr;
  engine::Plan plan =
      engine::ComputePlan(before ? *before : base::Json(nullptr), after, cfn::FindResourceSchema);
  bool blocked = plan.HasDataLoss() && !flags.allow_data_loss;
  std::string stack_name = stack::StackName(selected->config);
  PreviewInputs inputs{*selected, before, after, plan};

  int code = kExitOk;
  if (ctx.global.json) {
    base::Json out = engine::PlanToJson(plan);
    out["stack"] = selected->name;
    out["stackName"] = stack_name;
    out["baseline"] = before ? base::Json(baseline->name) : base::Json(nullptr);
    out["allowDataLoss"] = flags.allow_data_loss;
    out["blocked"] = blocked;
    for (const PreviewSection& section : PreviewSections()) {
      base::Status s = section(ctx, inputs, &out);
      if (!s.ok()) {
        ctx.PrintError(s);
        code = kExitFailed;
      }
    }
    ctx.io.out << base::DumpJson(out);
  } else {
    const Style& style = ctx.out;
    std::string config = selected->config_path.empty() ? "built-in " + selected->name + " preset"
                                                       : selected->config_path;
    if (before) {
      ctx.io.out << style.Bold("Preview of " + stack_name) << " (" << config << ") against "
                 << baseline->name << "\n\n";
    } else {
      ctx.io.out << style.Bold("Preview of " + stack_name) << " (" << config << "): "
                 << "nothing deployed yet (no " << baseline->name
                 << "), every resource is created\n\n";
    }
    ctx.io.out << RenderPlan(plan, style, PlanRenderOptions{.verbose = ctx.global.verbose > 0});
    if (!ctx.global.verbose && plan.summary.metadata_only > 0) {
      ctx.PrintNote("-v lists the metadata-only changes");
    }
    for (const PreviewSection& section : PreviewSections()) {
      base::Status s = section(ctx, inputs, nullptr);
      if (!s.ok()) {
        ctx.PrintError(s);
        code = kExitFailed;
      }
    }
  }

  if (plan.HasDataLoss()) {
    if (blocked) {
      ctx.PrintError(base::FailedPrecondition(
          "this plan destroys the data of " + DataLossList(plan) +
          "; rerun with --allow-data-loss if that is intended (a backup first is wise)"));
      return kExitFailed;
    }
    ctx.PrintWarning("data loss allowed by --allow-data-loss: " + DataLossList(plan));
  }
  return code;
}

}  // namespace

Command PreviewCommand() {
  return {"preview",
          "show what a deploy would change, without AWS: creates, updates, replacements, "
          "deletions, data loss (offline)",
          [](CLI::App& app) -> std::function<int(Context&)> {
            auto flags = std::make_shared<PreviewFlags>();
            app.add_option("--template", flags->template_file,
                           "compare with this template instead of the last deployed one "
                           "(.rex/<stack>/deployed.template.json)")
                ->type_name("FILE");
            app.add_flag("--allow-data-loss", flags->allow_data_loss,
                         "exit 0 even if a stateful resource (database, cache, repository, log "
                         "group) is replaced or deleted");
            AddSyntheticOption(app, flags->synthetic);
            return [flags](Context& ctx) { return RunPreview(ctx, *flags); };
          }};
}

}  // namespace rex::cli
