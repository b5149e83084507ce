#include "ops/run_task.h"

#include <utility>

#include "base/check.h"
#include "engine/deploy.h"

namespace rex::ops {
namespace {

bool Transient(const base::Status& s) {
  return s.code() == base::Code::kUnavailable || s.code() == base::Code::kDeadlineExceeded;
}

// Reads the stream from where the last call stopped (GetLogEvents' forward token), every
// page. A stream that does not exist yet (the task has not logged) is no error.
class StreamReader {
 public:
  StreamReader(aws::LogsClient* logs, std::string group, std::string stream)
      : logs_(logs), group_(std::move(group)), stream_(std::move(stream)) {}

  // Passes every new event to `observer`; returns how many.
  base::Result<size_t> Drain(TaskObserver& observer) {
    if (logs_ == nullptr || group_.empty()) return size_t{0};
    size_t count = 0;
    for (int page = 0; page < 1000; ++page) {
      aws::GetLogEventsRequest request{.log_group_name = group_,
                                       .log_stream_name = stream_,
                                       .next_token = token_,
                                       .start_from_head = true};
      auto result = logs_->GetLogEvents(request);
      if (!result.ok()) {
        if (result.error().code() == base::Code::kNotFound) return count;
        return std::move(result).error();
      }
      for (const aws::LogEvent& e : result->events) {
        aws::LogEvent event = e;
        event.log_stream_name = stream_;
        observer.OnLogEvent(event);
        ++count;
      }
      bool same = result->next_forward_token == token_;
      token_ = result->next_forward_token;
      if (same || result->events.empty()) break;
    }
    return count;
  }

 private:
  aws::LogsClient* logs_;
  std::string group_;
  std::string stream_;
  std::string token_;
};

const aws::EcsContainer* EssentialContainer(const aws::EcsTask& task, const std::string& name) {
  for (const aws::EcsContainer& c : task.containers) {
    if (c.name == name) return &c;
  }
  return task.containers.empty() ? nullptr : &task.containers.front();
}

}  // namespace

int TaskOutcome::ExitCode() const {
  if (cancelled || !stopped() || failed_to_start() || !exit_code.has_value()) return 1;
  if (*exit_code < 0 || *exit_code > 255) return 1;
  return static_cast<int>(*exit_code);
}

std::string TaskOutcome::FailureSummary(std::string_view what) const {
  const std::string task = "the " + std::string(what) + " task";
  if (cancelled) return "";
  if (failed_to_start()) {
    std::string reason = stopped_reason.empty() ? container_reason : stopped_reason;
    return task + " failed to start: " + (reason.empty() ? stop_code : reason);
  }
  if (exit_code.has_value()) {
    if (*exit_code == 0) return "";
    return task + " exited with code " + std::to_string(*exit_code) +
           (container_reason.empty() ? "" : " (" + container_reason + ")");
  }
  std::string reason = stopped_reason.empty() ? container_reason : stopped_reason;
  return task + " stopped without an exit code" +
         (stop_code.empty() ? "" : " (" + stop_code + ")") + (reason.empty() ? "" : ": " + reason);
}

base::Result<TaskOutcome> RunOneOffTask(Session& session, const StackInfo& stack,
                                        const OneOffTaskRequest& request, TaskObserver& observer) {
  REX_CHECK(session.ecs != nullptr && session.clock != nullptr);
  REX_RETURN_IF_ERROR(RequireField(stack, stack.cluster, "ECS cluster (output ecsClusterName)"));
  REX_RETURN_IF_ERROR(
      RequireField(stack, request.task_definition, request.what + " task definition"));
  if (stack.private_subnets.empty()) {
    return RequireField(stack, "", "private subnets (output privateSubnetIds)");
  }
  REX_RETURN_IF_ERROR(RequireField(stack, stack.services_security_group,
                                   "services security group (output ecsSecurityGroup)"));

  // Where the task logs: the essential container's awslogs options.
  REX_ASSIGN_OR_RETURN(aws::EcsTaskDefinition definition,
                       session.ecs->DescribeTaskDefinition(request.task_definition));
  TaskOutcome outcome;
  std::string prefix;
  for (const aws::EcsContainerDefinition& c : definition.containers) {
    if (!c.essential) continue;
    outcome.container = c.name;
    if (c.log_driver == "awslogs") {
      auto group = c.log_options.find("awslogs-group");
      auto stream_prefix = c.log_options.find("awslogs-stream-prefix");
      if (group != c.log_options.end()) outcome.log_group = group->second;
      if (stream_prefix != c.log_options.end()) prefix = stream_prefix->second;
    }
    break;
  }

  aws::RunTaskRequest run{.cluster = stack.cluster,
                          .task_definition = request.task_definition,
                          .subnets = stack.private_subnets,
                          .security_groups = {stack.services_security_group},
                          .assign_public_ip = false,
                          .started_by = "rex-" + request.what,
                          .client_token = request.client_token};
  const auto started = session.clock->Monotonic();
  REX_ASSIGN_OR_RETURN(aws::EcsTasks ran, session.ecs->RunTask(run));
  if (ran.tasks.empty()) {
    std::string why;
    for (const aws::EcsFailure& f : ran.failures) {
      why += (why.empty() ? "" : "; ") + f.reason + (f.detail.empty() ? "" : " (" + f.detail + ")");
    }
    return base::Aborted("ECS did not start the " + request.what +
                         " task: " + (why.empty() ? "no task and no reason in the answer" : why));
  }
  const aws::EcsTask& task = ran.tasks.front();
  outcome.task_arn = task.task_arn;
  outcome.task_id = LastArnSegment(task.task_arn);
  outcome.last_status = task.last_status;
  // awslogs names the stream <prefix>/<container>/<task id>; without a prefix there is none.
  if (!outcome.log_group.empty() && !prefix.empty()) {
    outcome.log_stream = prefix + "/" + outcome.container + "/" + outcome.task_id;
  } else {
    outcome.log_group.clear();
  }
  observer.OnStarted(task, outcome.log_group, outcome.log_stream);
  auto elapsed = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(session.clock->Monotonic() -
                                                                 started);
  };
  observer.OnStatus(outcome.last_status, elapsed());
  if (!request.follow) return outcome;

  StreamReader reader(session.logs, outcome.log_group, outcome.log_stream);
  engine::Backoff backoff(*session.clock, session.poll, session.cancel);
  int failures_in_a_row = 0;
  auto tolerate = [&](const base::Status& s, const char* doing) -> base::Status {
    if (!Transient(s) || ++failures_in_a_row > session.poll.tolerated_poll_failures) return s;
    observer.OnNote(std::string(doing) + " failed, trying again: " + s.message());
    return base::Status::Ok();
  };

  while (true) {
    if (!backoff.Sleep()) {
      outcome.cancelled = true;
      break;
    }
    auto described = session.ecs->DescribeTasks(stack.cluster, {outcome.task_arn});
    if (!described.ok()) {
      REX_RETURN_IF_ERROR(tolerate(described.error(), "describing the task"));
      continue;
    }
    failures_in_a_row = 0;
    if (described->tasks.empty()) {
      std::string why = described->failures.empty() ? "" : described->failures.front().reason;
      return base::Aborted("the " + request.what + " task " + outcome.task_id +
                           " is gone from ECS" + (why.empty() ? "" : " (" + why + ")"));
    }
    const aws::EcsTask& now = described->tasks.front();
    if (now.last_status != outcome.last_status) backoff.Reset();
    outcome.last_status = now.last_status;
    outcome.stop_code = now.stop_code;
    outcome.stopped_reason = now.stopped_reason;
    if (const aws::EcsContainer* c = EssentialContainer(now, outcome.container)) {
      outcome.exit_code = c->exit_code;
      outcome.container_reason = c->reason;
    }
    observer.OnStatus(outcome.last_status, elapsed());
    auto read = reader.Drain(observer);
    if (!read.ok()) {
      REX_RETURN_IF_ERROR(tolerate(read.error(), "reading the task's log"));
    } else if (*read > 0) {
      outcome.log_events += *read;
      backoff.Reset();
    }
    if (outcome.stopped()) break;
  }
  outcome.duration = elapsed();
  if (outcome.cancelled || outcome.failed_to_start()) return outcome;
  // CloudWatch Logs receives the last lines a moment after the task stops: read again after
  // one more interval.
  engine::Backoff drain(*session.clock, session.poll, session.cancel);
  if (drain.Sleep()) {
    auto read = reader.Drain(observer);
    if (read.ok()) {
      outcome.log_events += *read;
    } else {
      observer.OnNote("the task's last log lines could not be read: " + read.error().message());
    }
  }
  return outcome;
}

}  // namespace rex::ops
