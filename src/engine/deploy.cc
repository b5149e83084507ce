#include "engine/deploy.h"

#include <algorithm>

#include "aws/hash.h"
#include "aws/http.h"
#include "base/strings.h"
#include "cfn/registry.gen.h"
#include "engine/nested_upload.h"
#include "template/template_reader.h"

namespace rex::engine {

namespace {

constexpr std::chrono::milliseconds kCancelSlice(250);

bool IsNoChangesReason(std::string_view reason) {
  return reason.find("didn't contain changes") != std::string_view::npos ||
         reason.find("No updates are to be performed") != std::string_view::npos;
}

bool IsTransient(const base::Status& s) {
  return s.code() == base::Code::kUnavailable || s.code() == base::Code::kDeadlineExceeded;
}

std::string Kilobytes(size_t bytes) { return std::to_string((bytes + 1023) / 1024) + " kB"; }

// What the stack's state means for a new change set.
struct StackState {
  std::string change_set_type;  // CREATE | UPDATE
  bool delete_first = false;    // ROLLBACK_COMPLETE
};

base::Result<std::optional<StackState>> Classify(const std::optional<aws::Stack>& stack,
                                                 const std::string& name, bool wait) {
  if (!stack) return std::optional<StackState>(StackState{"CREATE"});
  const std::string& status = stack->stack_status;
  if (status == "REVIEW_IN_PROGRESS") return std::optional<StackState>(StackState{"CREATE"});
  if (status == "ROLLBACK_COMPLETE") {
    return std::optional<StackState>(StackState{"CREATE", true});
  }
  if (IsInProgressStackStatus(status)) {
    if (wait) return std::optional<StackState>();  // caller waits and asks again
    return base::FailedPrecondition("stack " + name + " is " + status +
                                    "; wait for it or run with --wait");
  }
  if (status == "UPDATE_ROLLBACK_FAILED") {
    return base::FailedPrecondition(
        "stack " + name +
        " is UPDATE_ROLLBACK_FAILED: CloudFormation could not roll back the last update; fix "
        "the resource the stack events name, run \"aws cloudformation continue-update-rollback "
        "--stack-name " +
        name + "\", then rex up again");
  }
  if (status == "ROLLBACK_FAILED" || status == "DELETE_FAILED" ||
      status == "IMPORT_ROLLBACK_FAILED") {
    return base::FailedPrecondition("stack " + name + " is " + status +
                                    " and cannot be updated; see \"rex status\", delete it "
                                    "with \"rex destroy\" and deploy again");
  }
  return std::optional<StackState>(StackState{"UPDATE"});
}

// Waits until `name` has no operation in progress; the stack as it then is.
base::Result<std::optional<aws::Stack>> WaitUntilSettled(
    DeployClients& clients, const std::string& name, const PollOptions& poll,
    const std::atomic<bool>* cancel, DeployObserver& observer, bool* cancelled) {
  Backoff backoff(clients.clock, poll, cancel);
  std::string last;
  while (true) {
    REX_ASSIGN_OR_RETURN(std::optional<aws::Stack> stack, FindStack(clients.cfn, name));
    if (!stack || !IsInProgressStackStatus(stack->stack_status)) return stack;
    if (stack->stack_status != last) {
      last = stack->stack_status;
      observer.OnWaitingForStack(name, last);
    }
    if (!backoff.Sleep()) {
      *cancelled = true;
      return stack;
    }
  }
}

}  // namespace

bool DeleteChangeSetQuietly(DeployClients& clients, const std::string& id, const std::string& stack,
                            DeployObserver& observer) {
  base::Status s = clients.cfn.DeleteChangeSet(id, stack);
  if (s.ok()) return true;
  observer.OnNote("could not delete change set " + id + ": " + s.message() +
                  "; delete it with \"aws cloudformation delete-change-set --change-set-name " +
                  id + "\"");
  return false;
}

std::string CompactTemplateBody(const base::Json& tmpl) {
  return tmpl.dump(-1, ' ', false, base::Json::error_handler_t::replace);
}

base::Result<ComputedChangeSet> CreateChangeSetAndWait(DeployClients& clients,
                                                       const ChangeSetRequest& request,
                                                       DeployObserver& observer) {
  const std::string& name = request.stack_name;
  aws::CreateChangeSetRequest create;
  create.stack_name = name;
  create.change_set_name = request.change_set_name.empty() ? ChangeSetNameFor(clients.clock.Now())
                                                           : request.change_set_name;
  create.client_token = create.change_set_name;
  create.change_set_type = request.change_set_type;
  create.capabilities = {"CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"};
  create.parameters = ToCfnParameters(request.parameters);
  create.tags = request.tags;
  create.description = request.description;
  ComputedChangeSet out;
  out.info = ChangeSetInfo{name, create.change_set_name, "", create.change_set_type};

  // The template, inline or through S3; over 500 resources, nested stacks whose templates are
  // uploaded first (engine/nested_upload.h).
  REX_ASSIGN_OR_RETURN(std::string template_body,
                       PrepareNestedTemplate(clients, name, request.template_body,
                                             request.template_bucket, observer));
  if (template_body.size() > kMaxTemplateBodyBytes) {
    if (request.template_bucket.empty() || clients.s3 == nullptr) {
      return base::FailedPrecondition(
          "the template is " + std::to_string(template_body.size()) +
          " bytes, over CloudFormation's " + std::to_string(kMaxTemplateBodyBytes) +
          "-byte limit for inline templates; run \"rex bootstrap\" once to create the bucket "
          "rex uploads large templates to");
    }
    std::string key = "templates/" + name + "/" + aws::Sha256Hex(template_body) + ".json";
    observer.OnStep("uploading the template (" + Kilobytes(template_body.size()) + ") to s3://" +
                    request.template_bucket + "/" + key);
    aws::PutObjectRequest put{.bucket = request.template_bucket,
                              .key = key,
                              .body = template_body,
                              .content_type = "application/json"};
    REX_RETURN_IF_ERROR(clients.s3->PutObject(put).status());
    create.template_url = clients.s3->client().endpoint().url + "/" + request.template_bucket +
                          "/" + aws::UriEncode(key, true);
    out.info.template_url = create.template_url;
  } else {
    create.template_body = template_body;
  }

  // The change set.
  observer.OnStep("creating change set " + create.change_set_name);
  REX_ASSIGN_OR_RETURN(aws::CreateChangeSetResult created, clients.cfn.CreateChangeSet(create));
  out.info.change_set_id = created.id;
  observer.OnChangeSetCreated(out.info);
  const std::string& id = created.id;

  // Wait until CloudFormation has computed it. From here on every way out but kReady deletes
  // the change set, so nothing is left behind.
  Backoff backoff(clients.clock, request.poll, request.cancel);
  const auto deadline = clients.clock.Monotonic() + request.poll.change_set_timeout;
  while (true) {
    auto described = clients.cfn.DescribeChangeSet(id, name);
    if (!described.ok()) {
      DeleteChangeSetQuietly(clients, id, name, observer);
      return std::move(described).error();
    }
    out.change_set = std::move(*described);
    const aws::ChangeSet& change_set = out.change_set;
    if (change_set.status == "CREATE_COMPLETE") return out;
    if (change_set.status == "FAILED") {
      DeleteChangeSetQuietly(clients, id, name, observer);
      if (IsNoChangesReason(change_set.status_reason)) {
        out.state = ComputedChangeSet::State::kNoChanges;
        return out;
      }
      return base::Aborted("CloudFormation refused change set " + create.change_set_name + ": " +
                           change_set.status_reason);
    }
    if (clients.clock.Monotonic() >= deadline) {
      DeleteChangeSetQuietly(clients, id, name, observer);
      return base::DeadlineExceeded("change set " + create.change_set_name + " was still " +
                                    change_set.status + " after " +
                                    std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                                       request.poll.change_set_timeout)
                                                       .count()) +
                                    "s");
    }
    if (!backoff.Sleep()) {
      DeleteChangeSetQuietly(clients, id, name, observer);
      out.state = ComputedChangeSet::State::kCancelled;
      return out;
    }
  }
}

bool Backoff::Sleep() {
  if (cancelled()) return false;
  std::chrono::milliseconds left = next_;
  while (left.count() > 0) {
    std::chrono::milliseconds step = cancel_ == nullptr ? left : std::min(left, kCancelSlice);
    clock_.SleepFor(step);
    left -= step;
    if (cancelled()) return false;
  }
  auto grown = std::chrono::milliseconds(
      static_cast<int64_t>(static_cast<double>(next_.count()) * options_.factor));
  next_ = std::min(std::max(grown, options_.initial), options_.max);
  return true;
}

bool IsSuccessStatus(std::string_view status) {
  return status == "CREATE_COMPLETE" || status == "UPDATE_COMPLETE" || status == "IMPORT_COMPLETE";
}

std::string ChangeSetNameFor(std::chrono::system_clock::time_point now) {
  return "rex-" + aws::FormatAmzDate(now);
}

base::Result<std::optional<aws::Stack>> FindStack(aws::CloudFormationClient& cfn,
                                                  const std::string& stack_name) {
  auto stacks = cfn.DescribeStacks(stack_name);
  if (!stacks.ok()) {
    if (stacks.error().code() == base::Code::kNotFound) return std::optional<aws::Stack>();
    return std::move(stacks).error();
  }
  if (stacks->empty()) return std::optional<aws::Stack>();
  return std::optional<aws::Stack>(std::move(stacks->front()));
}

base::Result<FollowResult> FollowStackOperation(DeployClients& clients, const std::string& stack,
                                                StackEventPoller& poller, const PollOptions& poll,
                                                const std::atomic<bool>* cancel,
                                                DeployObserver& observer) {
  FollowResult result;
  const auto start = clients.clock.Monotonic();
  Backoff backoff(clients.clock, poll, cancel);
  std::string last_status;
  int failures = 0;
  auto record = [&](const std::vector<StackEvent>& events) {
    for (const StackEvent& e : events) {
      if (!result.first_failure && base::EndsWith(e.event.resource_status, "_FAILED") &&
          !e.IsStackStatus()) {
        result.first_failure = e;
      }
      observer.OnResourceEvent(e);
    }
  };
  while (true) {
    base::Status problem;
    auto events = poller.Poll();
    if (events.ok()) {
      record(*events);
    } else if (events.error().code() != base::Code::kNotFound) {
      problem = events.error();
    }
    std::optional<aws::Stack> found;
    if (problem.ok()) {
      auto described = FindStack(clients.cfn, stack);
      if (described.ok()) {
        found = std::move(*described);
      } else {
        problem = described.error();
      }
    }
    if (!problem.ok()) {
      if (!IsTransient(problem) || ++failures > poll.tolerated_poll_failures) {
        return problem.WithContext("follow stack " + stack);
      }
      observer.OnNote("reading the stack failed (" + problem.message() + "); trying again");
    } else {
      failures = 0;
      std::string status = found ? found->stack_status : "DELETE_COMPLETE";
      std::string reason = found ? found->stack_status_reason : "";
      if (status != last_status) {
        last_status = status;
        observer.OnStackStatus(status, reason);
      }
      if (IsTerminalStackStatus(status)) {
        // Events written just before the final status.
        auto rest = poller.Poll();
        if (rest.ok()) record(*rest);
        result.final_status = status;
        result.status_reason = reason;
        if (found) result.outputs = found->outputs;
        result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
            clients.clock.Monotonic() - start);
        return result;
      }
    }
    if (!backoff.Sleep()) {
      result.cancelled = true;
      result.final_status = last_status;
      result.duration =
          std::chrono::duration_cast<std::chrono::milliseconds>(clients.clock.Monotonic() - start);
      return result;
    }
  }
}

namespace {

// Step 5's guard. The deployed template is read (GetTemplate, Original stage) only when the
// caller did not pass it and the change set removes a stateful resource: its DeletionPolicy
// decides. A template that cannot be read counts as none (a removal without Retain).
base::Result<DataLossReport> GuardChanges(DeployClients& clients, const DeployRequest& request,
                                          bool stack_exists, const aws::ChangeSet& change_set) {
  tmpl::SchemaLookup schemas =
      request.schemas ? request.schemas : tmpl::SchemaLookup(cfn::FindResourceSchema);
  DataLossReport loss =
      GuardChangeSet(change_set.changes, request.deployed_template, nullptr, schemas);
  if (loss.empty()) return loss;
  std::optional<base::Json> deployed;
  const base::Json* before = request.deployed_template;
  bool removes =
      std::any_of(loss.findings.begin(), loss.findings.end(),
                  [](const DataLossFinding& f) { return f.cause == DataLossCause::kDeleted; });
  if (before == nullptr && stack_exists && removes) {
    auto got = clients.cfn.GetTemplate(request.stack_name, "", "Original");
    if (got.ok()) {
      auto parsed =
          tmpl::ReadTemplate(got->template_body, "the template of stack " + request.stack_name);
      if (parsed.ok()) deployed = std::move(*parsed);
    }
    if (deployed) before = &*deployed;
  }
  auto after = base::ParseJson(request.template_body, "the template");
  return GuardChangeSet(change_set.changes, before, after.ok() ? &*after : nullptr, schemas);
}

base::Result<DeployOutcome> DeployImpl(DeployClients& clients, const DeployRequest& request,
                                       DeployObserver& observer) {
  const std::string& name = request.stack_name;
  const std::atomic<bool>* cancel = request.cancel;
  auto is_cancelled = [cancel] { return cancel != nullptr && cancel->load(); };

  // 1. Where the stack stands.
  observer.OnStep("checking stack " + name);
  REX_ASSIGN_OR_RETURN(std::optional<aws::Stack> stack, FindStack(clients.cfn, name));
  std::optional<StackState> state;
  while (true) {
    REX_ASSIGN_OR_RETURN(state, Classify(stack, name, request.wait_if_busy));
    if (state) break;
    bool cancelled = false;
    REX_ASSIGN_OR_RETURN(
        stack, WaitUntilSettled(clients, name, request.poll, cancel, observer, &cancelled));
    if (cancelled) {
      return DeployOutcome(Cancelled{.executed = false,
                                     .stack_status = stack ? stack->stack_status : "",
                                     .resume = "rex up --wait"});
    }
  }
  if (state->delete_first) {
    observer.OnNote("stack " + name +
                    " is ROLLBACK_COMPLETE (its first create failed and it holds no resources); "
                    "deleting it before creating it again");
    StackEventPoller poller(clients.cfn, stack->stack_id);
    REX_RETURN_IF_ERROR(poller.SkipExisting());
    REX_RETURN_IF_ERROR(clients.cfn.DeleteStack(name));
    REX_ASSIGN_OR_RETURN(
        FollowResult deleted,
        FollowStackOperation(clients, stack->stack_id, poller, request.poll, cancel, observer));
    if (deleted.cancelled) {
      return DeployOutcome(Cancelled{
          .executed = false, .stack_status = deleted.final_status, .resume = "rex up --wait"});
    }
    if (deleted.final_status != "DELETE_COMPLETE") {
      return base::Aborted("deleting the rolled-back stack " + name + " ended in " +
                           deleted.final_status + ": " + deleted.status_reason);
    }
  }

  // 2-4. The change set, computed.
  ChangeSetRequest create{.stack_name = name,
                          .template_body = request.template_body,
                          .parameters = request.parameters,
                          .tags = request.tags,
                          .template_bucket = request.template_bucket,
                          .change_set_type = state->change_set_type,
                          .change_set_name = request.change_set_name,
                          .description = request.description,
                          .cancel = cancel,
                          .poll = request.poll};
  REX_ASSIGN_OR_RETURN(ComputedChangeSet computed,
                       CreateChangeSetAndWait(clients, create, observer));
  const std::string& id = computed.info.change_set_id;
  const std::string& change_set_name = computed.info.change_set_name;
  switch (computed.state) {
    case ComputedChangeSet::State::kNoChanges: {
      REX_ASSIGN_OR_RETURN(std::optional<aws::Stack> now, FindStack(clients.cfn, name));
      return DeployOutcome(NoChanges{now ? now->outputs : std::vector<aws::CfnOutput>{}});
    }
    case ComputedChangeSet::State::kCancelled:
      return DeployOutcome(Cancelled{.change_set_id = id, .executed = false, .resume = "rex up"});
    case ComputedChangeSet::State::kReady:
      break;
  }
  const aws::ChangeSet& change_set = computed.change_set;

  // 5. Show, guard and confirm.
  observer.OnPlan(change_set);
  REX_ASSIGN_OR_RETURN(DataLossReport loss,
                       GuardChanges(clients, request, stack.has_value(), change_set));
  if (!loss.empty()) {
    if (!request.allow_data_loss) {
      DeleteChangeSetQuietly(clients, id, name, observer);
      return DeployOutcome(Blocked{change_set_name, std::move(loss)});
    }
    observer.OnNote("data loss allowed by --allow-data-loss: " + loss.Names());
  }
  if (request.confirm && !request.confirm(change_set)) {
    DeleteChangeSetQuietly(clients, id, name, observer);
    return DeployOutcome(Declined{change_set_name});
  }
  if (is_cancelled()) {
    DeleteChangeSetQuietly(clients, id, name, observer);
    return DeployOutcome(Cancelled{.change_set_id = id, .executed = false, .resume = "rex up"});
  }

  // 6. Execute and follow.
  EventPollerOptions poller_options;
  poller_options.since = change_set.creation_time;
  StackEventPoller poller(clients.cfn, name, poller_options);
  observer.OnStep("executing change set " + change_set_name);
  REX_RETURN_IF_ERROR(clients.cfn.ExecuteChangeSet(id, name, change_set_name));
  observer.OnExecuteStarted(name, clients.clock.Monotonic());
  REX_ASSIGN_OR_RETURN(FollowResult followed,
                       FollowStackOperation(clients, name, poller, request.poll, cancel, observer));
  if (followed.cancelled) {
    return DeployOutcome(Cancelled{.change_set_id = id,
                                   .executed = true,
                                   .stack_status = followed.final_status,
                                   .resume = "rex up --wait"});
  }
  if (IsSuccessStatus(followed.final_status)) {
    return DeployOutcome(
        Deployed{id, followed.final_status, std::move(followed.outputs), followed.duration});
  }
  Failed failed{
      .change_set_id = id, .final_status = followed.final_status, .duration = followed.duration};
  if (followed.first_failure) {
    const aws::StackEvent& e = followed.first_failure->event;
    failed.first_failure_reason = e.resource_status_reason;
    failed.failed_resource = e.logical_resource_id;
    failed.failed_resource_type = e.resource_type;
  } else {
    failed.first_failure_reason = followed.status_reason;
  }
  if (failed.first_failure_reason.empty()) {
    failed.first_failure_reason = "the stack ended in " + followed.final_status;
  }
  return DeployOutcome(std::move(failed));
}

}  // namespace

base::Result<DeployOutcome> Deploy(DeployClients& clients, const DeployRequest& request,
                                   DeployObserver& observer) {
  auto outcome = DeployImpl(clients, request, observer);
  if (!outcome.ok()) return std::move(outcome).error().WithContext("deploy " + request.stack_name);
  return outcome;
}

}  // namespace rex::engine
