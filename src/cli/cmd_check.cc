// rex check: the policy rules of template/checks.h on the selected stack's template.
// Exit 0 when no unsuppressed error remains, 1 otherwise, 2 for bad config. Suppressions
// come from the stack config's checks.suppress; suppressed findings are listed with their
// reason, and suppressions that match nothing are warned about so they do not go stale.

#include <algorithm>
#include <memory>
#include <sstream>

#include "cli/cli.h"
#include "cli/command.h"
#include "cli/json_output.h"
#include "cli/stack_select.h"
#include "stack/rex_stack.h"
#include "template/checks.h"

namespace rex::cli {
namespace {

std::string Where(const tmpl::Finding& f) {
  if (f.path.empty()) return f.logical_id;
  size_t slash = f.path.find('/');
  std::string below = slash == std::string::npos ? f.path : f.path.substr(slash + 1);
  return below + " (" + f.logical_id + ")";
}

std::string SeverityLabel(const Style& style, tmpl::Severity severity) {
  switch (severity) {
    case tmpl::Severity::kError:
      return style.BoldRed("error");
    case tmpl::Severity::kWarning:
      return style.Yellow("warning");
    case tmpl::Severity::kInfo:
      return style.Cyan("info");
  }
  return "error";
}

std::string Plural(int n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

tmpl::CheckOptions CheckOptionsFor(const config::Config& config) {
  tmpl::CheckOptions options;
  options.environment = config.environment;
  for (const config::CheckSuppression& s : config.checks.suppress) {
    options.suppressions.push_back(
        tmpl::Suppression{.rule = s.rule, .resource = s.resource, .reason = s.reason});
  }
  return options;
}

Command CheckCommand() {
  return {
      "check", "run policy checks (encryption, open ports, IAM, retention, ...) on the template",
      [](CLI::App& app) -> std::function<int(Context&)> {
        auto list = std::make_shared<bool>(false);
        app.add_flag("--rules", *list, "list the rules with why they matter and exit");
        return [list](Context& ctx) {
          if (*list) {
            if (ctx.global.json) {
              base::Json rules = base::Json::array();
              for (const tmpl::RuleInfo& r : tmpl::Rules()) {
                rules.push_back({{"id", r.id},
                                 {"severity", std::string(tmpl::SeverityName(r.severity))},
                                 {"title", r.title},
                                 {"why", r.why},
                                 {"fix", r.fix}});
              }
              ctx.io.out << base::DumpJson(base::Json{{"version", kJsonVersion}, {"rules", rules}});
              return kExitOk;
            }
            Table table({"RULE", "SEVERITY", "REQUIRES"});
            size_t id_width = 4;
            for (const tmpl::RuleInfo& r : tmpl::Rules()) {
              table.AddRow({r.id, SeverityLabel(ctx.out, r.severity), r.title});
              id_width = std::max(id_width, r.id.size());
            }
            // The title wraps in what the rule id and severity leave of kOutputWidth.
            size_t used = id_width + 2 + 8 + 2;
            table.Limit(2, kOutputWidth > used + 24 ? kOutputWidth - used : 24, Fit::kWrap);
            ctx.io.out << table.Render(ctx.out);
            return kExitOk;
          }
          auto selected = SelectStack(ctx);
          if (!selected.has_value()) {
            ctx.PrintError(selected.error());
            return ExitCodeFor(selected.error());
          }
          auto synthesized = stack::SynthesizeRexStack(selected->config);
          if (!synthesized.has_value()) {
            ctx.PrintError(synthesized.error());
            return ExitCodeFor(synthesized.error());
          }
          for (const auto& w : synthesized->warnings) ctx.io.err << w.ToString() << "\n";
          tmpl::CheckOptions options = CheckOptionsFor(selected->config);
          std::vector<tmpl::Finding> findings = tmpl::RunChecks(synthesized->json, options);
          for (const std::string& unused : tmpl::UnusedSuppressions(findings, options)) {
            ctx.PrintWarning(unused);
          }
          bool failed = tmpl::HasUnsuppressedErrors(findings);
          if (ctx.global.json) {
            base::Json json = tmpl::FindingsToJson(findings);
            json["version"] = kJsonVersion;
            json["stack"] = stack::StackName(selected->config);
            json["environment"] = selected->config.environment;
            ctx.io.out << base::DumpJson(json);
            return failed ? kExitFailed : kExitOk;
          }

          const Style& s = ctx.out;
          std::ostringstream out;
          int errors = 0, warnings = 0, info = 0, suppressed = 0;
          for (const tmpl::Finding& f : findings) {
            if (f.suppressed) {
              ++suppressed;
              continue;
            }
            if (f.severity == tmpl::Severity::kError) ++errors;
            if (f.severity == tmpl::Severity::kWarning) ++warnings;
            if (f.severity == tmpl::Severity::kInfo) {
              ++info;
              if (ctx.global.verbose == 0) continue;
            }
            // Each part wrapped to kOutputWidth, continuation lines indented.
            out << WrapText(SeverityLabel(s, f.severity) + " " + s.Bold(f.rule) + " " + Where(f) +
                                ": " + f.message,
                            kOutputWidth, "    ")
                << "\n"
                << "  " << s.Dim(WrapText("why: " + f.why, kOutputWidth - 2, "       ")) << "\n"
                << "  " << WrapText("fix: " + f.fix, kOutputWidth - 2, "       ") << "\n";
          }
          if (suppressed > 0) {
            out << s.Bold("suppressed") << "\n";
            for (const tmpl::Finding& f : findings) {
              if (!f.suppressed) continue;
              out << "  "
                  << WrapText(f.rule + " " + Where(f) + ": " + f.message, kOutputWidth - 2,
                              "      ")
                  << "\n"
                  << "    "
                  << s.Dim(WrapText("reason: " + f.suppression_reason, kOutputWidth - 4,
                                    "            "))
                  << "\n";
            }
          }
          std::string counts = Plural(errors, "error") + ", " + Plural(warnings, "warning") + ", " +
                               std::to_string(info) + " info" +
                               (info > 0 && ctx.global.verbose == 0 ? " (-v shows them)" : "") +
                               ", " + std::to_string(suppressed) + " suppressed";
          std::string scope = std::to_string(tmpl::Rules().size()) + " rules on " +
                              stack::StackName(selected->config) + " (environment " +
                              selected->config.environment + ")";
          std::string verdict = failed ? "check failed: " : "check passed: ";
          // On one line when it fits kOutputWidth, else the rules and stack on the next.
          bool one_line = DisplayWidth(verdict + counts + "; " + scope) <= kOutputWidth;
          out << (failed ? s.BoldRed(verdict) : s.Green(verdict)) << counts
              << (one_line ? "; " : ";\n") << scope << "\n";
          ctx.io.out << out.str();
          return failed ? kExitFailed : kExitOk;
        };
      }};
}

}  // namespace rex::cli
