#pragma once

// How the day-2 commands show a one-off task (rex run, rex migrate, rex db bootstrap, and the
// bootstrap `rex up` runs after creating a stack): the task's log lines as they arrive
// ("HH:MM:SS.mmm <task-id-8> message", or one JSON object per line with --json) and a
// progress line on stderr: rewritten in place on a terminal ("migration task 0123abcd
// RUNNING 42s"), one plain line per status change otherwise.

#include <optional>
#include <ostream>
#include <string>

#include "cli/command.h"
#include "ops/db_bootstrap.h"
#include "ops/run_task.h"
#include "ops/session.h"
#include "ops/stack_info.h"

namespace rex::cli {

class TaskProgressPrinter : public ops::TaskObserver {
 public:
  // `log_out`: where log lines go (stdout for rex migrate, stderr when they are a side show
  // of another command). `json`: log lines as JSON objects.
  TaskProgressPrinter(Context& ctx, std::string what, std::ostream& log_out, bool json);
  ~TaskProgressPrinter() override;

  void OnStarted(const aws::EcsTask& task, std::string_view log_group,
                 std::string_view log_stream) override;
  void OnStatus(std::string_view status, std::chrono::milliseconds elapsed) override;
  void OnLogEvent(const aws::LogEvent& event) override;
  void OnNote(std::string_view note) override;
  // Ends the in-place line (before the final report).
  void Finish();

 private:
  void ClearLine();
  void DrawLine();

  Context& ctx_;
  std::string what_;
  std::ostream& log_out_;
  bool json_;
  bool terminal_;
  std::string task_id_;
  std::string status_;
  std::chrono::milliseconds elapsed_{0};
  bool line_drawn_ = false;
};

// Runs the job `what` of the stack ("migration", "bootstrap", any StackInfo::jobs name; one the
// stack lacks is kFailedPrecondition "stack X has no <what> task definition") with live
// progress and prints how it
// ended: the failure reason first when it did not exit 0, what to do on Ctrl-C. Returns the
// outcome (nullopt after an error, already printed) and sets `exit_code` to the exit code for
// the command.
// `follow` false: start the task only, say how to follow it ("rex logs <what> -f") and set
// `exit_code` to 0 once ECS accepted it.
std::optional<ops::TaskOutcome> RunTaskWithProgress(Context& ctx, ops::Session& session,
                                                    const ops::StackInfo& stack,
                                                    const std::string& what, std::ostream& log_out,
                                                    int* exit_code, bool follow = true);

// The SuperTokens database bootstrap (ops/db_bootstrap.h) as `rex db bootstrap` and `rex up`
// run it. With a bootstrap bucket (session.s3 set and the bucket found), its record
// (records/<stack name>/bootstrap.json) is read first: when it says the bootstrap already ran
// to exit 0 for this very stack (same stack id), the task is not run again unless `force`;
// stderr says when, from where (user@host) and by what it ran, and exit 0. Otherwise the task
// runs with progress, then the record is written to .rex/<config>/bootstrap.json and to the
// bucket (conditional write: created with If-None-Match, or replacing the record read with
// If-Match; a failed run never replaces a record of a run that succeeded) when the task ran to
// its end. Without a bucket the task always runs and the record is local. Returns the exit
// code.
int RunDbBootstrap(Context& ctx, ops::Session& session, const ops::StackInfo& stack,
                   const std::string& config_name, const std::string& trigger,
                   std::ostream& log_out, bool force = false);

}  // namespace rex::cli
