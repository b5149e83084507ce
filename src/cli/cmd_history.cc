// `rex history [--json]`: the deploys of the stack, oldest first. With a bootstrap bucket and
// AWS credentials: the bucket's shared history (every machine's and folder's records,
// s3://<bucket>/history/<stack name>/, cli/team.h ListHistory), and records missing from
// .rex/<stack>/history are cached there. Otherwise the local copy only, and stderr says so:
// "note: local copy only: <why>". The table names who ran each deploy (user@host, "By").
// --json prints an array of the records without their templates (stdout stays that array in
// both cases).
// Exit codes: 0 ok (also with no history); 2 unreadable history records.

#include <memory>
#include <string>

#include "aws/http.h"
#include "cli/command.h"
#include "cli/json_output.h"
#include "cli/progress.h"
#include "cli/team.h"
#include "engine/history.h"

namespace rex::cli {
namespace {

int RunHistory(Context& ctx) {
  auto listing = ListHistory(ctx);
  if (!listing.ok()) {
    ctx.PrintError(listing.error());
    return ExitCodeFor(listing.error());
  }
  if (!listing->local_only_reason.empty()) {
    ctx.PrintNote("local copy only: " + listing->local_only_reason + "; listing " +
                  listing->source + " (this folder's deploys)");
  }
  const std::vector<engine::HistoryRecord>* records = &listing->records;
  if (ctx.global.json) {
    base::Json list = base::Json::array();
    for (const engine::HistoryRecord& r : *records) {
      base::Json j = engine::HistoryRecordToJson(r);
      j.erase("template");
      j.erase("version");  // the record file's format; the document's is below
      list.push_back(std::move(j));
    }
    ctx.io.out << base::DumpJson(base::Json{{"version", kJsonVersion},
                                            {"stack", ctx.global.stack},
                                            {"source", listing->source},
                                            {"records", std::move(list)}});
    return kExitOk;
  }
  if (records->empty()) {
    ctx.io.err << "no deploys recorded for stack " << ctx.global.stack << " in " << listing->source
               << "\n";
    return kExitOk;
  }
  // Within kOutputWidth: the stack status opens the detail column (wrapped), "By" is elided
  // in the middle; `--json` has every field whole.
  constexpr size_t kByWidth = 16;
  constexpr size_t kDetailWidth = 24;
  Table table({"#", "Started (UTC)", "Took", "Operation", "Result", "By", "Status and detail"});
  for (const engine::HistoryRecord& r : *records) {
    std::string detail = r.failure_reason;
    if (!r.failed_resource.empty()) detail = r.failed_resource + ": " + detail;
    if (r.rollback_of)
      detail = "to #" + std::to_string(*r.rollback_of) + (detail.empty() ? "" : "; " + detail);
    if (detail.empty()) detail = r.change_set_name;
    if (!r.final_status.empty()) detail = r.final_status + (detail.empty() ? "" : " " + detail);
    std::string by = r.user.empty() && r.host.empty() ? "" : r.user + "@" + r.host;
    std::string result = r.result;
    if (result == "deployed" || result == "destroyed" || result == "no-changes") {
      result = ctx.out.Green(result);
    } else if (result == "failed" || result == "error") {
      result = ctx.out.Red(result);
    }
    table.AddRow({std::to_string(r.number), aws::FormatIso8601(r.start_time),
                  FormatDuration(std::chrono::duration_cast<std::chrono::milliseconds>(
                      r.end_time - r.start_time)),
                  r.operation, result, by, detail});
  }
  table.Limit(5, kByWidth, Fit::kElideMiddle);
  table.Limit(6, kDetailWidth, Fit::kWrap);
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
