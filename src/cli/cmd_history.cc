// `rex history [--json]`: the deploys recorded under .rex/<stack>/history (engine/history.h),
// oldest first. --json prints an array of the records without their templates.
// Exit codes: 0 ok (also with no history); 2 unreadable history files.

#include <memory>
#include <string>

#include "aws/http.h"
#include "cli/command.h"
#include "cli/progress.h"
#include "engine/history.h"

namespace rex::cli {
namespace {

int RunHistory(Context& ctx) {
  engine::HistoryStore store(ctx.io.cwd, ctx.global.stack);
  auto records = store.List();
  if (!records.ok()) {
    ctx.PrintError(records.error());
    return ExitCodeFor(records.error());
  }
  if (ctx.global.json) {
    base::Json out = base::Json::array();
    for (const engine::HistoryRecord& r : *records) {
      base::Json j = engine::HistoryRecordToJson(r);
      j.erase("template");
      out.push_back(std::move(j));
    }
    ctx.io.out << base::DumpJson(out);
    return kExitOk;
  }
  if (records->empty()) {
    ctx.io.err << "no deploys recorded for stack " << ctx.global.stack << " in "
               << store.RelativeDir() << "\n";
    return kExitOk;
  }
  Table table({"#", "Started (UTC)", "Took", "Operation", "Result", "Stack status", "Detail"});
  for (const engine::HistoryRecord& r : *records) {
    std::string detail = r.failure_reason;
    if (!r.failed_resource.empty()) detail = r.failed_resource + ": " + detail;
    if (r.rollback_of)
      detail = "to #" + std::to_string(*r.rollback_of) + (detail.empty() ? "" : "; " + detail);
    if (detail.empty()) detail = r.change_set_name;
    std::string result = r.result;
    if (result == "deployed" || result == "destroyed" || result == "no-changes") {
      result = ctx.out.Green(result);
    } else if (result == "failed" || result == "error") {
      result = ctx.out.Red(result);
    }
    table.AddRow({std::to_string(r.number), aws::FormatIso8601(r.start_time),
                  FormatDuration(std::chrono::duration_cast<std::chrono::milliseconds>(
                      r.end_time - r.start_time)),
                  r.operation, result, r.final_status, detail});
  }
  table.AlignRight(0);
  ctx.io.out << table.Render(ctx.out);
  return kExitOk;
}

}  // namespace

Command HistoryCommand() {
  return {"history", "list the recorded deploys of the stack (rex rollback N redeploys one)",
          [](CLI::App&) -> std::function<int(Context&)> {
            return [](Context& ctx) { return RunHistory(ctx); };
          }};
}

}  // namespace rex::cli
