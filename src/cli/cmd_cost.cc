// rex cost: the monthly cost estimate of the selected stack's template.
//
// Usage assumptions (hours, GB of logs, NAT data, LCUs, ...) have defaults that suit a quiet
// dev stack; `--assume KEY=VALUE` (repeatable) overrides one for this run. The output lists
// every assumption with its value, so a figure can always be traced back.

#include <memory>
#include <sstream>

#include "base/strings.h"
#include "cli/cli.h"
#include "cli/command.h"
#include "cli/stack_select.h"
#include "stack/rex_stack.h"
#include "template/cost.h"

namespace rex::cli {
namespace {

std::string RenderReport(const tmpl::CostReport& report, const std::string& stack_name,
                         const Style& style, int verbose) {
  std::ostringstream out;
  out << style.Bold("Monthly cost estimate of " + stack_name) << " (" << report.region
      << " on-demand list prices of " << report.pricing_as_of << ", " << report.currency << ")\n\n";
  Table table({"COMPONENT", "RESOURCE", "ITEM", "QUANTITY", "UNIT PRICE", "MONTHLY"});
  table.AlignRight(4);
  table.AlignRight(5);
  for (const tmpl::CostItem& item : report.items) {
    table.AddRow({item.component.empty() ? "-" : item.component, item.logical_id, item.item,
                  item.basis + " = " + tmpl::FormatQuantity(item.quantity) + " " + item.unit,
                  tmpl::FormatUnitPrice(item.unit_price), tmpl::FormatUsd(item.monthly)});
  }
  table.AddRow({"", "", "", "", style.Bold("total"), style.Bold(tmpl::FormatUsd(report.total))});
  out << table.Render(style) << "\n";

  std::vector<std::string> components;
  for (const tmpl::CostItem& item : report.items) {
    if (components.empty() || components.back() != item.component) {
      components.push_back(item.component);
    }
  }
  Table by_component({"COMPONENT", "MONTHLY"});
  by_component.AlignRight(1);
  for (const std::string& c : components) {
    by_component.AddRow({c.empty() ? "-" : c, tmpl::FormatUsd(report.ComponentTotal(c))});
  }
  out << style.Bold("By component") << "\n" << by_component.Render(style, "  ") << "\n";

  out << style.Bold("Assumptions") << " (override with --assume KEY=VALUE)\n";
  Table assumptions;
  for (const tmpl::AssumptionUse& a : report.assumptions) {
    std::string value = a.value + (a.value == tmpl::FormatQuantity(0) || a.unit.empty() ||
                                           a.value.find(' ') != std::string::npos
                                       ? ""
                                       : " " + a.unit);
    if (a.overridden) value = style.Yellow(value + " (set)");
    assumptions.AddRow({a.key, value, style.Dim(a.description)});
  }
  out << assumptions.Render(style, "  ");

  if (!report.unpriced.empty()) {
    out << "\n"
        << style.Yellow("not priced") << " (not in the price table; the total leaves them out): "
        << base::Join(report.unpriced, ", ") << "\n";
  }
  if (!report.notes.empty()) {
    out << "\n" << style.Bold("Notes") << "\n";
    for (const std::string& note : report.notes) out << "  " << note << "\n";
  }
  if (verbose > 0 && !report.free.empty()) {
    out << "\n" << style.Dim("no charge by themselves: " + base::Join(report.free, ", ")) << "\n";
  } else if (!report.free.empty()) {
    out << "\n"
        << style.Dim(std::to_string(report.free.size()) +
                     " more resources cost nothing by themselves (-v lists them)")
        << "\n";
  }
  return out.str();
}

}  // namespace

Command CostCommand() {
  return {"cost", "estimate the stack's monthly AWS cost from its template (offline)",
          [](CLI::App& app) -> std::function<int(Context&)> {
            auto assume = std::make_shared<std::vector<std::string>>();
            app.add_option("--assume", *assume,
                           "override a usage assumption, e.g. --assume natDataGb=50 (repeatable)")
                ->type_name("KEY=VALUE");
            return [assume](Context& ctx) {
              tmpl::Assumptions assumptions;
              for (const std::string& a : *assume) {
                base::Status set = assumptions.SetFromText(a);
                if (!set.ok()) {
                  ctx.PrintError(set);
                  return ExitCodeFor(set);
                }
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
              tmpl::CostReport report = tmpl::EstimateCost(synthesized->json, assumptions);
              std::string stack_name = stack::StackName(selected->config);
              if (ctx.global.json) {
                base::Json json = tmpl::CostReportToJson(report);
                json["stack"] = stack_name;
                ctx.io.out << base::DumpJson(json);
                return kExitOk;
              }
              if (selected->config.region != report.region) {
                ctx.PrintWarning("prices are " + report.region + " list prices; " +
                                 selected->config.region + " may cost more or less");
              }
              ctx.io.out << RenderReport(report, stack_name, ctx.out, ctx.global.verbose);
              return kExitOk;
            };
          }};
}

}  // namespace rex::cli
