// `rex logs NAME [-f] [--since 10m|1h|2d|ISO] [--filter PATTERN]`: the log of a service (api,
// worker, notifier, ...) or job (migration, bootstrap, ...) of the deployed stack, from the log
// group its container logs to (ops::StackInfo::LogGroup), every stream merged in time order:
//
//   HH:MM:SS.mmm <task-id-8> message        (UTC; with --json one object per line:
//                                            {"time": ms, "task", "stream", "message", "eventId"})
//
// --since: how far back (default 10m, as `aws logs tail`): a duration (30s, 10m, 1h, 2d, 1w)
// or an ISO-8601 time. --filter: a CloudWatch Logs filter pattern (a word, "quoted words", or
// the pattern syntax). -f follows new events: polls every REX_POLL_INTERVAL_MS (default 1 s),
// backing off to 5 × that while nothing comes, never printing an event twice; Ctrl-C ends it.
//
// Exit codes: 0 ok (also after Ctrl-C in -f); 1 AWS failure, or the workload logs elsewhere
// than CloudWatch Logs; 2 a name the stack does not have (the message lists what it has), bad
// --since, bad config, no such stack or log group.

#include <algorithm>
#include <memory>
#include <string>

#include "base/json.h"
#include "base/strings.h"
#include "cli/command.h"
#include "cli/json_output.h"
#include "cli/ops_session.h"
#include "cli/progress.h"
#include "ops/logs.h"

namespace rex::cli {
namespace {

struct LogsFlags {
  std::string source;
  bool follow = false;
  std::string since = "10m";
  std::string filter;
};

class PrintingSink : public ops::LogSink {
 public:
  explicit PrintingSink(Context& ctx) : ctx_(ctx) {}
  void OnEvent(const aws::LogEvent& e) override {
    if (ctx_.global.json) {
      // One compact object per line (JSON Lines), so `rex logs -f --json` can be piped.
      ctx_.io.out << base::Json{{"version", kJsonVersion},
                                {"time", e.timestamp_ms},
                                {"task", ops::ShortTaskId(e.log_stream_name)},
                                {"stream", e.log_stream_name},
                                {"message", e.message},
                                {"eventId", e.event_id}}
                         .dump(-1, ' ', false, base::Json::error_handler_t::replace)
                  << "\n";
    } else {
      std::string message = e.message;
      while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) {
        message.pop_back();
      }
      // On a terminal, an application's log line cannot inject escape sequences.
      if (ctx_.io.out_is_tty) message = EscapeControls(message);
      ctx_.io.out << ctx_.out.Dim(ops::FormatLogTime(e.timestamp_ms)) << " "
                  << ops::ShortTaskId(e.log_stream_name) << " " << message << "\n";
    }
    ctx_.io.out.flush();
  }

 private:
  Context& ctx_;
};

int RunLogs(Context& ctx, const LogsFlags& flags) {
  auto fail = [&ctx](const base::Status& s) {
    ctx.PrintError(s);
    return ExitCodeFor(s);
  };
  auto since = ops::ParseSince(flags.since, std::chrono::system_clock::now());
  if (!since.ok()) return fail(since.error());

  CancelOnInterrupt interrupt;
  int code = kExitFailed;
  auto day2 = OpenDayTwo(ctx, interrupt.flag(), &code);
  if (!day2) return code;
  const ops::StackInfo& stack = day2->stack;
  if (stack.FindService(flags.source) == nullptr && stack.FindJob(flags.source) == nullptr) {
    std::vector<std::string> names;
    for (const auto& [name, service] : stack.services) names.push_back(name);
    for (const auto& [name, job] : stack.jobs) names.push_back(name);
    return fail(ops::UnknownWorkload(stack, "service or job", flags.source, names,
                                     "rex logs takes a service or a job"));
  }
  const std::string group = stack.LogGroup(flags.source);
  if (group.empty()) {
    return fail(base::FailedPrecondition(flags.source + " of stack " + stack.stack_name +
                                         " does not log to CloudWatch Logs (its container has "
                                         "no awslogs-group)"));
  }
  if (flags.follow && !ctx.global.json) {
    ctx.io.err << ctx.err.Dim("following " + group + " (Ctrl-C to stop)") << "\n";
  }
  PrintingSink sink(ctx);
  ops::LogsRequest request{.log_group = group,
                           .start_ms = *since,
                           .filter_pattern = flags.filter,
                           .follow = flags.follow};
  auto read = ops::ReadLogs(day2->ops->session, request, sink);
  if (!read.ok()) {
    PrintCredentialsHint(ctx, read.error());
    return fail(read.error().WithContext("logs of " + flags.source));
  }
  if (*read == 0 && !flags.follow && !ctx.global.json) {
    ctx.io.err << "no events in " << group << " since " << flags.since
               << (flags.filter.empty() ? "" : " matching \"" + flags.filter + "\"") << "\n";
  }
  return kExitOk;
}

}  // namespace

Command LogsCommand() {
  return {"logs",
          "print (or follow with -f) a service's or job's log, every task merged in time order",
          [](CLI::App& app) -> std::function<int(Context&)> {
            auto flags = std::make_shared<LogsFlags>();
            app.add_option("NAME", flags->source,
                           "a service or job of the deployed stack (api, worker, migration, ...)")
                ->required();
            app.add_flag("-f,--follow", flags->follow, "keep printing new events until Ctrl-C");
            app.add_option("--since", flags->since,
                           "how far back: 30s, 10m, 1h, 2d, 1w or an ISO-8601 time (default 10m)")
                ->type_name("WHEN");
            app.add_option("--filter", flags->filter, "CloudWatch Logs filter pattern")
                ->type_name("PATTERN");
            return [flags](Context& ctx) { return RunLogs(ctx, *flags); };
          }};
}

}  // namespace rex::cli
