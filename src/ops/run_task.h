#pragma once

// One-off Fargate tasks of the stack (rex run, rex migrate, rex db bootstrap): RunTask in the
// private subnets with the services' security group and no public IP, then follow the task until it
// stops, streaming its log events (CloudWatch Logs stream <prefix>/<container>/<task id>, the
// prefix and group from the task definition's awslogs options) while it runs and after it
// stops, and report how it ended.
//
// Ctrl-C (Session::cancel) stops following; the task keeps running on ECS (rex has no
// --stop-on-cancel: a migration stopped half-way is worse than one left to finish, and
// `rex logs migration -f` follows it).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "aws/ecs.h"
#include "aws/logs.h"
#include "base/result.h"
#include "ops/session.h"
#include "ops/stack_info.h"

namespace rex::ops {

struct OneOffTaskRequest {
  std::string what;             // the job's name ("migration"): for messages and startedBy
  std::string task_definition;  // ARN (JobInfo::task_definition)
  // RunTask's idempotency token: a retried RunTask with the same token starts no second
  // task. Default: none (the CLI passes a fresh one per command).
  std::string client_token = {};
  // False: return as soon as RunTask answered (after OnStarted and one OnStatus), the outcome
  // holding the task's ARN, id, status, container and log stream; the task runs on. Default:
  // follow it until it stops.
  bool follow = true;
};

// How rex reports a task's progress; the CLI renders it, tests record it.
class TaskObserver {
 public:
  virtual ~TaskObserver() = default;
  // RunTask answered: the task exists. `log_group`/`log_stream` are "" when the task
  // definition has no awslogs configuration.
  virtual void OnStarted(const aws::EcsTask& task, std::string_view log_group,
                         std::string_view log_stream) = 0;
  // The task's lastStatus changed (PROVISIONING, PENDING, RUNNING, DEPROVISIONING, STOPPED);
  // also called with the same status as time passes, so a renderer can update the elapsed
  // time.
  virtual void OnStatus(std::string_view status, std::chrono::milliseconds elapsed) = 0;
  virtual void OnLogEvent(const aws::LogEvent& event) = 0;
  // Something worth a line of its own (a poll that failed and will be retried, ...).
  virtual void OnNote(std::string_view note) = 0;
};

struct TaskOutcome {
  std::string task_arn;
  std::string task_id;  // the last segment of the ARN
  std::string last_status;
  std::string stop_code;       // TaskFailedToStart | EssentialContainerExited | ...
  std::string stopped_reason;  // the task's
  std::string container;       // the essential container's name
  std::optional<int64_t> exit_code = {};
  std::string container_reason;  // e.g. "CannotPullContainerError: ..."
  bool cancelled = false;        // Ctrl-C: the task may still be running
  std::chrono::milliseconds duration{0};
  std::string log_group;
  std::string log_stream;
  size_t log_events = 0;

  bool stopped() const { return last_status == "STOPPED"; }
  bool failed_to_start() const { return stop_code == "TaskFailedToStart"; }
  // 0..255: the container's exit code when it ran, else 1 (failed to start, stopped
  // without one, cancelled).
  int ExitCode() const;
  // The reason to show first when the task did not exit 0, e.g.
  // "the migration task failed to start: CannotPullContainerError: ..." ; "" on exit 0.
  std::string FailureSummary(std::string_view what) const;
};

// Runs the task and follows it (see the file comment). Errors: kFailedPrecondition when the
// stack lacks the cluster, subnets or security group; kAborted when ECS refuses to place the
// task (RunTask failures); AWS errors of RunTask / DescribeTaskDefinition. A task that stops
// with a non-zero code or fails to start is an outcome, not an error. Polls that fail with
// kUnavailable / kDeadlineExceeded (already retried by the client) are tolerated up to
// Session::poll.tolerated_poll_failures in a row.
base::Result<TaskOutcome> RunOneOffTask(Session& session, const StackInfo& stack,
                                        const OneOffTaskRequest& request, TaskObserver& observer);

}  // namespace rex::ops
