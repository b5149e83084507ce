// rex cost: the monthly cost estimate of the selected stack's template.
//
// Usage assumptions (hours, GB of logs, NAT data, LCUs, ...) have defaults that suit a quiet
// dev stack; `--assume KEY=VALUE` (repeatable) overrides one for this run. The output lists
// every assumption with its value, so a figure can always be traced back. The report fits
// 100 columns (long names elided in the middle, long items wrapped); --wide prints every
// cell whole with the basis of each quantity. --json: docs/json.md.

#include <memory>
#include <sstream>

#include "base/strings.h"
#include "cli/cli.h"
#include "cli/command.h"
#include "cli/json_output.h"
#include "cli/stack_select.h"
#include "stack/rex_stack.h"
#include "template/cost.h"

namespace rex::cli {
namespace {

// The report in kOutputWidth columns; `wide` prints every cell whole and the basis of each
// quantity ("1 task × 730 h × 0.5 vCPU = 365 vCPU-hour").
std::string RenderReport(const tmpl::CostReport& report, const std::string& stack_name,
                         const Style& style, int verbose, bool wide) {
  size_t width = wide ? 0 : kOutputWidth;
  std::ostringstream out;
  out << WrapText(style.Bold("Monthly cost estimate of " + stack_name) + " (" + report.region +
                      " on-demand list prices of " + report.pricing_as_of + ", " + report.currency +
                      ")",
                  width)
      << "\n\n";
  // Names as rex preview shows them (tmpl::ResourceLabel).
  Table table({"RESOURCE", "ITEM", "QUANTITY", "UNIT PRICE", "MONTHLY"});
  table.AlignRight(3);
  table.AlignRight(4);
  size_t label_width = 8;
  size_t fixed_width = 0;  // QUANTITY, UNIT PRICE and MONTHLY
  size_t quantity_width = 8;
  size_t money_width = 7;
  for (const tmpl::CostItem& item : report.items) {
    std::string quantity = tmpl::FormatQuantity(item.quantity) + " " + item.unit;
    if (wide) quantity = item.basis + " = " + quantity;
    std::string label = tmpl::ResourceLabel(item.path, item.logical_id);
    label_width = std::max(label_width, DisplayWidth(label));
    quantity_width = std::max(quantity_width, DisplayWidth(quantity));
    money_width = std::max(money_width, DisplayWidth(tmpl::FormatUsd(item.monthly)));
    table.AddRow({label, item.item, quantity, tmpl::FormatUnitPrice(item.unit_price),
                  tmpl::FormatUsd(item.monthly)});
  }
  money_width = std::max(money_width, DisplayWidth(tmpl::FormatUsd(report.total)));
  fixed_width = quantity_width + 10 + money_width + 4 * 2;
  if (!wide) {
    // The label keeps up to 30 columns (its middle elided), the item wraps in what is left.
    size_t label_limit = std::min<size_t>(label_width, 30);
    size_t item_limit =
        width > fixed_width + label_limit + 2 ? width - fixed_width - label_limit : 0;
    table.Limit(0, label_limit, Fit::kElideMiddle);
    table.Limit(1, std::max<size_t>(item_limit, 16), Fit::kWrap);
  }
  table.AddRow({"", "", "", style.Bold("total"), style.Bold(tmpl::FormatUsd(report.total))});
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
  size_t key_width = 0;
  size_t value_width = 0;
  for (const tmpl::AssumptionUse& a : report.assumptions) {
    std::string value = a.value + (a.value == tmpl::FormatQuantity(0) || a.unit.empty() ||
                                           a.value.find(' ') != std::string::npos
                                       ? ""
                                       : " " + a.unit);
    if (a.overridden) value += " (set)";
    key_width = std::max(key_width, DisplayWidth(a.key));
    value_width = std::max(value_width, DisplayWidth(value));
    assumptions.AddRow({a.key, a.overridden ? style.Yellow(value) : value, a.description});
  }
  if (!wide) {
    size_t used = 2 + key_width + 2 + value_width + 2;
    assumptions.Limit(2, width > used + 24 ? width - used : 24, Fit::kWrap);
  }
  out << assumptions.Render(style, "  ");

  if (!report.unpriced.empty()) {
    out << "\n"
        << WrapText(style.Yellow("not priced") +
                        " (not in the price table; the total leaves them out): " +
                        base::Join(report.unpriced, ", "),
                    width, "  ")
        << "\n";
  }
  if (!report.notes.empty()) {
    out << "\n" << style.Bold("Notes") << "\n";
    for (const std::string& note : report.notes) {
      out << "  " << WrapText(note, width == 0 ? 0 : width - 2, "    ") << "\n";
    }
  }
  if (verbose > 0 && !report.free.empty()) {
    out << "\n"
        << style.Dim(
               WrapText("no charge by themselves: " + base::Join(report.free, ", "), width, "  "))
        << "\n";
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
            auto wide = std::make_shared<bool>(false);
            app.add_flag("--wide", *wide,
                         "print whole names and how each quantity was reached (wider than 100 "
                         "columns)");
            app.add_option("--assume", *assume,
                           "override a usage assumption, e.g. --assume natDataGb=50 (repeatable)")
                ->type_name("KEY=VALUE");
            return [assume, wide](Context& ctx) {
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
                json["version"] = kJsonVersion;
                json["stack"] = stack_name;
                ctx.io.out << base::DumpJson(json);
                return kExitOk;
              }
              if (selected->config.region != report.region) {
                ctx.PrintWarning("prices are " + report.region + " list prices; " +
                                 selected->config.region + " may cost more or less");
              }
              ctx.io.out << RenderReport(report, stack_name, ctx.out, ctx.global.verbose, *wide);
              return kExitOk;
            };
          }};
}

}  // namespace rex::cli
