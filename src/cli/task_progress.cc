#include "cli/task_progress.h"

#include <cstdio>
#include <random>

#include "aws/http.h"
#include "base/json.h"
#include "cli/json_output.h"
#include "cli/progress.h"
#include "engine/bootstrap.h"
#include "engine/lease.h"
#include "ops/logs.h"

namespace rex::cli {
namespace {

// A fresh RunTask client token: retries of the one RunTask call reuse it (the AWS client
// resends the same body), a second `rex migrate` gets another.
std::string NewClientToken(const std::string& what) {
  std::random_device device;
  std::mt19937_64 gen(device());
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%016llx%016llx", static_cast<unsigned long long>(gen()),
                static_cast<unsigned long long>(gen()));
  // RunTask takes a token of at most 64 characters; a job's name may be longer.
  return "rex-" + what.substr(0, 24) + "-" + buf;
}

}  // namespace

TaskProgressPrinter::TaskProgressPrinter(Context& ctx, std::string what, std::ostream& log_out,
                                         bool json)
    : ctx_(ctx),
      what_(std::move(what)),
      log_out_(log_out),
      json_(json),
      terminal_(ctx.io.err_is_tty) {}

TaskProgressPrinter::~TaskProgressPrinter() { Finish(); }

void TaskProgressPrinter::ClearLine() {
  if (terminal_ && line_drawn_) {
    ctx_.io.err << "\r\033[K";
    line_drawn_ = false;
  }
}

void TaskProgressPrinter::DrawLine() {
  if (!terminal_) return;
  ctx_.io.err << "\r\033[K" << what_ << " task " << task_id_.substr(0, 8) << "  "
              << ctx_.err.Cyan(status_) << "  " << FormatDuration(elapsed_) << std::flush;
  line_drawn_ = true;
}

void TaskProgressPrinter::Finish() { ClearLine(); }

void TaskProgressPrinter::OnStarted(const aws::EcsTask& task, std::string_view log_group,
                                    std::string_view log_stream) {
  task_id_ = ops::LastArnSegment(task.task_arn);
  ClearLine();
  ctx_.io.err << "started the " << what_ << " task " << task_id_ << "\n";
  if (!log_group.empty()) {
    ctx_.io.err << ctx_.err.Dim("  log: " + std::string(log_group) + " " + std::string(log_stream))
                << "\n";
  } else {
    ctx_.io.err << ctx_.err.Dim("  the task definition has no awslogs configuration: no log")
                << "\n";
  }
}

void TaskProgressPrinter::OnStatus(std::string_view status, std::chrono::milliseconds elapsed) {
  bool changed = status != status_;
  status_ = std::string(status);
  elapsed_ = elapsed;
  if (terminal_) {
    DrawLine();
  } else if (changed) {
    ctx_.io.err << "[" << FormatDuration(elapsed) << "] " << what_ << " task "
                << task_id_.substr(0, 8) << ": " << status_ << "\n";
  }
}

void TaskProgressPrinter::OnLogEvent(const aws::LogEvent& event) {
  ClearLine();
  if (json_) {
    // One compact object per line (JSON Lines), as rex logs --json prints them.
    log_out_ << base::Json{{"version", kJsonVersion},
                           {"time", event.timestamp_ms},
                           {"task", ops::ShortTaskId(event.log_stream_name)},
                           {"stream", event.log_stream_name},
                           {"message", event.message},
                           {"eventId", event.event_id}}
                    .dump(-1, ' ', false, base::Json::error_handler_t::replace)
             << "\n";
  } else {
    std::string message = event.message;
    while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) {
      message.pop_back();
    }
    log_out_ << ctx_.out.Dim(ops::FormatLogTime(event.timestamp_ms)) << " "
             << ops::ShortTaskId(event.log_stream_name) << " " << message << "\n";
  }
  log_out_.flush();
  DrawLine();
}

void TaskProgressPrinter::OnNote(std::string_view note) {
  ClearLine();
  ctx_.PrintNote(note);
  DrawLine();
}

std::optional<ops::TaskOutcome> RunTaskWithProgress(Context& ctx, ops::Session& session,
                                                    const ops::StackInfo& stack,
                                                    const std::string& what, std::ostream& log_out,
                                                    int* exit_code, bool follow) {
  const ops::JobInfo* job = stack.FindJob(what);
  ops::OneOffTaskRequest request{.what = what,
                                 .task_definition = job != nullptr ? job->task_definition : "",
                                 .client_token = NewClientToken(what),
                                 .follow = follow};
  TaskProgressPrinter printer(ctx, what, log_out, ctx.global.json);
  auto outcome = ops::RunOneOffTask(session, stack, request, printer);
  printer.Finish();
  if (!outcome.ok()) {
    ctx.PrintError(outcome.error());
    PrintCredentialsHint(ctx, outcome.error());
    *exit_code = ExitCodeFor(outcome.error());
    if (*exit_code == kExitBadInput && outcome.error().code() != base::Code::kInvalidArgument) {
      *exit_code = kExitFailed;
    }
    return std::nullopt;
  }
  const ops::TaskOutcome& o = *outcome;
  if (!follow) {
    *exit_code = kExitOk;
    ctx.io.err << "the " << what << " task " << o.task_id << " is " << o.last_status
               << "; follow its log with \"rex logs " << what << " -f\" (or run it with --wait)\n";
    return outcome.value();
  }
  *exit_code = o.ExitCode();
  if (o.cancelled) {
    ctx.io.err << "stopped following the " << what << " task " << o.task_id
               << "; it keeps running on ECS (last status " << o.last_status << ").\n"
               << "follow its log with \"rex logs " << what << " -f\"\n";
    return outcome.value();
  }
  std::string failure = o.FailureSummary(what);
  if (!failure.empty()) {
    ctx.io.err << ctx.err.BoldRed("error:") << " " << failure << "\n";
    if (o.failed_to_start()) {
      ctx.io.err << "  the task never ran; check the image exists in the repository and the "
                    "task's secrets are readable\n";
    }
    ctx.io.err << "  task " << o.task_arn << "\n";
  } else {
    ctx.io.err << ctx.err.Green("✓") << " the " << what << " task exited 0 in "
               << FormatDuration(o.duration) << "\n";
  }
  return outcome.value();
}

int RunDbBootstrap(Context& ctx, ops::Session& session, const ops::StackInfo& stack,
                   const std::string& config_name, const std::string& trigger,
                   std::ostream& log_out, bool force) {
  // The bucket's record: every machine of the team reads and writes it.
  std::string bucket;
  std::optional<ops::StoredBootstrapRecord> shared;
  if (session.s3 != nullptr && session.cfn != nullptr) {
    auto found = engine::FindBootstrapBucket(*session.cfn);
    if (found.ok() && found->has_value()) {
      auto read = ops::ReadBucketBootstrapRecord(*session.s3, **found, stack.stack_name);
      if (read.ok()) {
        bucket = **found;
        shared = std::move(*read);
      } else {
        ctx.PrintWarning("could not read the bootstrap record in the bucket (" +
                         read.error().message() + "); running the bootstrap anyway");
      }
    } else if (!found.ok()) {
      ctx.PrintWarning("could not look for the bootstrap bucket (" + found.error().message() +
                       "); the bootstrap is recorded in this folder only");
    }
  }
  if (shared && !force && shared->record.exit_code == 0 &&
      shared->record.stack_id == stack.stack_id && !stack.stack_id.empty()) {
    const ops::BootstrapRecord& r = shared->record;
    std::string where = r.user.empty() && r.host.empty()
                            ? std::string("another machine")
                            : (r.user.empty() ? "" : r.user + "@") + r.host;
    ctx.io.err << "the supertokens database bootstrap already ran for " << stack.stack_name
               << " at " << r.time << " from " << where << " (" << r.trigger << ", exit 0; s3://"
               << bucket << "/" << ops::BootstrapRecordKey(stack.stack_name)
               << "); \"rex db bootstrap --force\" runs it again\n";
    base::Status cached = ops::WriteBootstrapRecord(ctx.io.cwd, config_name, r);
    (void)cached;  // the local copy is a convenience
    return kExitOk;
  }

  ctx.io.err << "creating the supertokens database if it is missing (bootstrap task)\n";
  int code = kExitFailed;
  auto outcome = RunTaskWithProgress(ctx, session, stack, "bootstrap", log_out, &code);
  if (!outcome || outcome->cancelled || !outcome->stopped()) return code;
  engine::LeaseInfo self = engine::ThisProcess(stack.stack_name, trigger);
  ops::BootstrapRecord record{.time = aws::FormatIso8601(session.clock->Now()),
                              .stack_name = stack.stack_name,
                              .task_arn = outcome->task_arn,
                              .exit_code = code,
                              .trigger = trigger,
                              .stack_id = stack.stack_id,
                              .host = self.host,
                              .user = self.user};
  base::Status written = ops::WriteBootstrapRecord(ctx.io.cwd, config_name, record);
  if (!written.ok()) {
    ctx.PrintWarning("bootstrap not recorded: " + written.message());
  } else if (code == kExitOk) {
    ctx.io.err << "recorded in .rex/" << config_name << "/bootstrap.json";
  }
  // A failed run does not replace a good record of the bucket.
  if (!bucket.empty() && (code == kExitOk || !shared || shared->record.exit_code != 0)) {
    base::Status uploaded =
        ops::WriteBucketBootstrapRecord(*session.s3, bucket, record, shared ? shared->etag : "");
    if (!uploaded.ok()) {
      if (written.ok() && code == kExitOk) ctx.io.err << "\n";
      ctx.PrintWarning("bootstrap not recorded in the bucket: " + uploaded.message());
    } else if (written.ok() && code == kExitOk) {
      ctx.io.err << " and s3://" << bucket << "/" << ops::BootstrapRecordKey(stack.stack_name)
                 << "\n";
    }
  } else if (written.ok() && code == kExitOk) {
    ctx.io.err << "\n";
  }
  return code;
}

}  // namespace rex::cli
