#pragma once

// Deploying a template through a CloudFormation change set (aws-notes §2, "CLI deploy flow"),
// and following a stack operation to its end. rex never creates resources itself: it hands
// CloudFormation a template and reports what CloudFormation does.
//
// Deploy(), step by step:
//  1. DescribeStacks. Absent, or REVIEW_IN_PROGRESS (a CREATE change set never executed):
//     the change set is a CREATE. ROLLBACK_COMPLETE (a first create that failed; the stack
//     holds nothing and cannot be updated): the stack is deleted first, then created.
//     *_IN_PROGRESS: kFailedPrecondition "stack X is UPDATE_IN_PROGRESS; wait for it or run
//     with --wait", or, with wait_if_busy, wait until it settles. UPDATE_ROLLBACK_FAILED,
//     ROLLBACK_FAILED, DELETE_FAILED: kFailedPrecondition saying what to do. Else an UPDATE.
//  2. The template goes inline (TemplateBody). One over kMaxTemplateBodyBytes is uploaded to the
//  template bucket
//     (templates/<stack>/<sha256>.json) and passed as TemplateURL; without a bucket:
//     kFailedPrecondition asking for `rex bootstrap`.
//  3. CreateChangeSet named rex-<UTC yyyymmddThhmmssZ> with ClientToken = that name (so a
//     retried request never makes a second change set), CAPABILITY_IAM and
//     CAPABILITY_NAMED_IAM, the parameters (NoEcho values included; they are never shown)
//     and the tags.
//  4. DescribeChangeSet until CREATE_COMPLETE, polling with backoff on the clock. FAILED with
//     "didn't contain changes" / "No updates are to be performed": the empty change set is
//     deleted and the outcome is NoChanges. Other FAILED: the change set is deleted and the
//     error is kAborted with CloudFormation's reason.
//  5. The observer gets the changes (OnPlan). The data-loss guard (engine/guard.h,
//     GuardChangeSet) reads them: a stateful resource replaced (Replacement True or
//     Conditional) or removed without DeletionPolicy Retain stops the deploy here unless
//     `allow_data_loss` (the change set is deleted, outcome Blocked; nothing was executed).
//     Then `confirm` decides (false: the change set is deleted, outcome Declined). The guard
//     runs before `confirm`, so no answer and no --yes gets past it.
//  6. ExecuteChangeSet (ClientRequestToken = the change set name), then stack events and the
//     stack status are followed until the status is terminal, through a rollback to its end.
//
// Cancellation: `cancel` is read between polls (and while sleeping, every 250 ms). Before
// execution the change set is deleted; after it CloudFormation carries on and the outcome is
// Cancelled with how to resume. Nothing is written locally by this module.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "aws/cloudformation.h"
#include "aws/s3.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/result.h"
#include "engine/events.h"
#include "engine/guard.h"
#include "engine/observer.h"
#include "engine/parameters.h"
#include "template/plan.h"

namespace rex::engine {

// CloudFormation's limit for TemplateBody; larger templates go through S3 (TemplateURL).
inline constexpr size_t kMaxTemplateBodyBytes = 51200;

// What the deploy side talks to. Everything must outlive the call.
struct DeployClients {
  aws::CloudFormationClient& cfn;
  base::Clock& clock;
  // For templates over kMaxTemplateBodyBytes (and history); null = no bucket available.
  aws::S3Client* s3 = nullptr;
};

// Poll intervals: start at `initial`, grow by `factor` up to `max`.
struct PollOptions {
  std::chrono::milliseconds initial = std::chrono::seconds(1);  // Default: 1 s.
  std::chrono::milliseconds max = std::chrono::seconds(5);      // Default: 5 s.
  double factor = 1.5;                                          // Default: 1.5.
  // Give up waiting for a change set to be computed after this long. Default: 30 min.
  std::chrono::milliseconds change_set_timeout = std::chrono::minutes(30);
  // Consecutive failed polls (kUnavailable, kDeadlineExceeded: already retried by the AWS
  // client) tolerated while following a running operation. Default: 5.
  int tolerated_poll_failures = 5;
};

// Polls with growing intervals; every sleep goes through the clock and stops early (within
// 250 ms) when `cancel` becomes true.
class Backoff {
 public:
  Backoff(base::Clock& clock, const PollOptions& options, const std::atomic<bool>* cancel)
      : clock_(clock), options_(options), cancel_(cancel), next_(options.initial) {}
  // Sleeps the current interval and grows it. Returns false if cancelled (before or during).
  bool Sleep();
  void Reset() { next_ = options_.initial; }
  bool cancelled() const { return cancel_ != nullptr && cancel_->load(); }

 private:
  base::Clock& clock_;
  PollOptions options_;
  const std::atomic<bool>* cancel_;
  std::chrono::milliseconds next_;
};

struct DeployRequest {
  std::string stack_name = {};
  std::string template_body = {};  // JSON text, sent as is: pass CompactTemplateBody(...)
  std::vector<DeployParameter> parameters = {};
  std::vector<aws::CfnTag> tags = {};  // e.g. project, environment
  // The bootstrap bucket, for templates over kMaxTemplateBodyBytes. Default: none.
  std::string template_bucket = {};
  // Wait for an operation already running on the stack instead of failing. Default: false.
  bool wait_if_busy = false;
  // Asked with CloudFormation's changes before execution; false stops the deploy (the change
  // set is deleted). Default (null): execute without asking.
  std::function<bool(const aws::ChangeSet&)> confirm = {};
  // Set (e.g. by a SIGINT handler) to stop waiting and following. May be null.
  const std::atomic<bool>* cancel = nullptr;
  // Default: rex-<UTC time of the clock, yyyymmddThhmmssZ>.
  std::string change_set_name = {};
  std::string description = {};  // of the change set. Default: none.
  PollOptions poll = {};
  // Execute a change set that the data-loss guard stops (step 5). Default: false (guarded).
  bool allow_data_loss = false;
  // The template CloudFormation holds for the stack, when the caller has read it (e.g. as the
  // baseline of its plan, engine/baseline.h): the DeletionPolicy of removed resources and the
  // names of the findings come from it. Default (null): Deploy reads it with GetTemplate, and
  // only when the change set removes a stateful resource. Must outlive the call.
  const base::Json* deployed_template = nullptr;
  // Which resource types are stateful. Default (null): the generated schemas
  // (cfn::FindResourceSchema).
  tmpl::SchemaLookup schemas = {};
};

struct Deployed {
  std::string change_set_id = {};
  std::string final_status = {};  // CREATE_COMPLETE | UPDATE_COMPLETE | IMPORT_COMPLETE
  std::vector<aws::CfnOutput> outputs = {};
  std::chrono::milliseconds duration{0};  // from execution to the terminal status
};

struct NoChanges {
  std::vector<aws::CfnOutput> outputs = {};  // of the stack as it is
};

struct Failed {
  std::string change_set_id = {};
  // The reason of the earliest *_FAILED resource event, or the stack's status reason when no
  // resource failed.
  std::string first_failure_reason = {};
  std::string failed_resource = {};  // its logical id ("" when no resource failed)
  std::string failed_resource_type = {};
  std::string final_status = {};  // e.g. UPDATE_ROLLBACK_COMPLETE, ROLLBACK_COMPLETE
  std::chrono::milliseconds duration{0};
};

struct Cancelled {
  std::string change_set_id = {};
  bool executed = false;          // CloudFormation is carrying on with the change set
  std::string stack_status = {};  // last status seen
  std::string resume = {};        // what to run next, e.g. "rex up --wait" or "rex status"
};

struct Declined {
  std::string change_set_name = {};  // deleted
};

// The data-loss guard stopped the deploy: nothing was executed, the change set was deleted.
struct Blocked {
  std::string change_set_name = {};  // deleted
  DataLossReport report = {};        // never empty
};

using DeployOutcome = std::variant<Deployed, NoChanges, Failed, Cancelled, Declined, Blocked>;

// The template as CloudFormation gets it: compact JSON (keys sorted, no whitespace). The dev
// stack's template is 76,591 bytes pretty-printed but 40,989 bytes compact, so it goes inline
// (TemplateBody) without a bucket; only templates still over kMaxTemplateBodyBytes compact
// need S3. Callers pass this text as DeployRequest::template_body.
std::string CompactTemplateBody(const base::Json& tmpl);

// Steps 2-4 of Deploy on their own: upload (when over kMaxTemplateBodyBytes), CreateChangeSet,
// DescribeChangeSet until computed. Shared by Deploy and the online preview
// (engine/changeset_plan.h).
struct ChangeSetRequest {
  std::string stack_name = {};
  std::string template_body = {};  // JSON text, sent as is
  std::vector<DeployParameter> parameters = {};
  std::vector<aws::CfnTag> tags = {};
  // The bootstrap bucket, for templates over kMaxTemplateBodyBytes. Default: none.
  std::string template_bucket = {};
  std::string change_set_type = "UPDATE";  // CREATE | UPDATE. Default: UPDATE.
  // Default: rex-<UTC time of the clock, yyyymmddThhmmssZ>.
  std::string change_set_name = {};
  std::string description = {};  // Default: none.
  const std::atomic<bool>* cancel = nullptr;
  PollOptions poll = {};
};

struct ComputedChangeSet {
  enum class State {
    kReady,      // CREATE_COMPLETE: the change set exists; the caller executes or deletes it
    kNoChanges,  // CloudFormation found nothing to change; the change set was deleted
    kCancelled,  // `cancel` was set while waiting; the change set was deleted
  };
  State state = State::kReady;
  ChangeSetInfo info = {};
  aws::ChangeSet change_set = {};  // as last described (kReady: every change, all pages)
};

// Creates the change set and waits until CloudFormation has computed it. Only kReady leaves
// a change set behind: every other return, errors after CreateChangeSet succeeded included
// (a DescribeChangeSet that still fails after retries, kAborted for a FAILED change set,
// kDeadlineExceeded), deletes it first; a delete that fails is reported through
// observer.OnNote. Errors: kFailedPrecondition for a template over the limit without a
// bucket; AWS errors as the clients report them. No context is added.
base::Result<ComputedChangeSet> CreateChangeSetAndWait(DeployClients& clients,
                                                       const ChangeSetRequest& request,
                                                       DeployObserver& observer);

// Deletes change set `id` of `stack`; a failure becomes observer.OnNote and false.
bool DeleteChangeSetQuietly(DeployClients& clients, const std::string& id, const std::string& stack,
                            DeployObserver& observer);

// Runs the flow above. Returns the outcome for everything CloudFormation decided (including a
// rollback: Failed); a Status for what stopped the flow before or outside that:
// kFailedPrecondition (busy or broken stack, template too large without a bucket),
// kAborted (CloudFormation refused the change set), kDeadlineExceeded (change set not computed
// in time), AWS errors as the clients report them (kUnavailable after retries,
// kUnauthenticated for expired credentials, ...), each with context "deploy <stack>".
base::Result<DeployOutcome> Deploy(DeployClients& clients, const DeployRequest& request,
                                   DeployObserver& observer);

// How a followed stack operation ended.
struct FollowResult {
  std::string final_status = {};  // terminal status; DELETE_COMPLETE when the stack is gone
  std::string status_reason = {};
  std::optional<StackEvent> first_failure = {};  // earliest *_FAILED event
  bool cancelled = false;                        // stopped by `cancel`; final_status = last seen
  std::chrono::milliseconds duration{0};
  std::vector<aws::CfnOutput> outputs = {};  // of the final DescribeStacks
};

// Follows the operation running on `stack` (a name, or the stack id for deletes: a deleted
// stack is found only by id): polls `poller` and DescribeStacks until the status is terminal,
// reporting events and status changes to the observer. A stack that disappears counts as
// DELETE_COMPLETE. Tolerates PollOptions::tolerated_poll_failures transient failures in a row.
base::Result<FollowResult> FollowStackOperation(DeployClients& clients, const std::string& stack,
                                                StackEventPoller& poller, const PollOptions& poll,
                                                const std::atomic<bool>* cancel,
                                                DeployObserver& observer);

// The stack as DescribeStacks sees it; nullopt when it does not exist.
base::Result<std::optional<aws::Stack>> FindStack(aws::CloudFormationClient& cfn,
                                                  const std::string& stack_name);

// True for CREATE_COMPLETE, UPDATE_COMPLETE and IMPORT_COMPLETE.
bool IsSuccessStatus(std::string_view status);

// "rex-" + yyyymmddThhmmssZ of `now` (UTC).
std::string ChangeSetNameFor(std::chrono::system_clock::time_point now);

}  // namespace rex::engine
