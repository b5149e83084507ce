#pragma once

// A stack-event poller (the model is aws-cdk-cli's stack-event-poller.ts): every Poll() reads
// DescribeStackEvents pages newest-first until it reaches what it has already seen, then
// returns the new events oldest-first. It
// - drops events whose EventId it has returned before (pages overlap while CloudFormation
//   writes),
// - ignores events older than the operation start (`since`), and everything from before the
//   baseline when SkipExisting() was called,
// - stops paging back at the first event the stop rule accepts (by default the stack's own
//   "operation begins" event: CREATE_IN_PROGRESS, UPDATE_IN_PROGRESS, DELETE_IN_PROGRESS,
//   IMPORT_IN_PROGRESS, REVIEW_IN_PROGRESS), since nothing older belongs to this operation,
// - follows nested stacks: an AWS::CloudFormation::Stack resource event with a stack ARN as
//   physical id starts a child poller whose events carry the nested path.
//
// Thread-compatible; the CloudFormationClient must outlive the poller.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "aws/cloudformation.h"
#include "base/result.h"
#include "engine/observer.h"

namespace rex::engine {

// Returns true for the event at which paging back stops (the event itself is still
// returned, if it is new and recent enough).
using EventStopRule = std::function<bool(const aws::StackEvent&)>;

// The default rule: the stack's own event whose status begins an operation.
bool IsOperationStart(const aws::StackEvent& event);

struct EventPollerOptions {
  // Events with an earlier Timestamp are ignored. Default: none (keep every event).
  std::optional<aws::TimePoint> since = {};
  // Default: IsOperationStart.
  EventStopRule stop_rule = {};
  // Follow nested stacks. Default: true.
  bool follow_nested = true;
  // Pages read per Poll() at most, so a stack with a long history cannot make one poll
  // expensive. Default: 20.
  int max_pages = 20;
};

class StackEventPoller {
 public:
  // `stack` is a stack name or id. `nested_path` is for child pollers.
  StackEventPoller(aws::CloudFormationClient& cfn, std::string stack,
                   EventPollerOptions options = {}, std::vector<std::string> nested_path = {});

  // Marks every event the stack has now as seen (reads the newest page only), so later polls
  // return only events that happen after this call. kNotFound if the stack does not exist;
  // AWS errors as CloudFormationClient reports them.
  base::Status SkipExisting();

  // New events since the last poll, oldest first, nested stacks' events included (each after
  // the parent's events of the same poll). Errors as DescribeStackEvents reports them; a
  // nested stack that is gone (kNotFound) just stops being followed.
  base::Result<std::vector<StackEvent>> Poll();

 private:
  aws::CloudFormationClient& cfn_;
  std::string stack_;
  EventPollerOptions options_;
  std::vector<std::string> nested_path_;
  std::set<std::string> seen_;
  // Nested stacks by physical id (stack ARN).
  std::map<std::string, std::unique_ptr<StackEventPoller>> children_;
};

// True for stack statuses no operation will change by itself: *_COMPLETE and *_FAILED
// except the cleanup and in-progress ones (REVIEW_IN_PROGRESS counts as terminal: it waits
// for a change set to be executed).
bool IsTerminalStackStatus(std::string_view status);

// True for statuses ending in _IN_PROGRESS other than REVIEW_IN_PROGRESS.
bool IsInProgressStackStatus(std::string_view status);

}  // namespace rex::engine
