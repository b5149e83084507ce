#pragma once

// How the deploy side of the engine (deploy, destroy, bootstrap, rollback) reports progress.
// The engine never prints: it calls a DeployObserver, the CLI renders (cli/progress.h) and
// tests record (tests/support/recording_observer.h). This is ninja's Status / StatusPrinter
// split.
//
// Calls arrive on the thread that runs the operation, in the order the operation does
// things. Observers must not call back into the engine. Nothing an observer receives holds a
// secret value: parameters marked NoEcho reach it as "****".

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "aws/cloudformation.h"

namespace rex::engine {

// A stack event, with where it comes from when nested stacks are followed.
struct StackEvent {
  aws::StackEvent event;
  // Logical ids of the nested stacks the event comes from, outermost first; empty for events
  // of the stack being deployed itself (its resources and the stack's own status).
  std::vector<std::string> nested_path = {};

  // True for the event that reports the status of the stack itself (not one of its resources):
  // its LogicalResourceId is the stack name and its type AWS::CloudFormation::Stack.
  bool IsStackStatus() const;
};

// The parts of a created change set an observer shows.
struct ChangeSetInfo {
  std::string stack_name = {};
  std::string change_set_name = {};
  std::string change_set_id = {};
  std::string change_set_type = {};  // CREATE | UPDATE
  std::string template_url = {};     // set when the template went through S3
};

class DeployObserver {
 public:
  virtual ~DeployObserver() = default;

  // A step starts, in words: "checking stack rex-backend-dev", "uploading the template (61 kB)
  // to s3://bucket/templates/...", "creating change set rex-20261127T001500Z", ...
  virtual void OnStep(std::string_view step) { (void)step; }
  // The stack is busy with another operation (status `status`) and the engine waits for it.
  virtual void OnWaitingForStack(std::string_view stack_name, std::string_view status) {
    (void)stack_name;
    (void)status;
  }
  // The change set exists (it may still be computing its changes).
  virtual void OnChangeSetCreated(const ChangeSetInfo& info) { (void)info; }
  // CloudFormation's view of what the change set does (every page), before confirmation.
  virtual void OnPlan(const aws::ChangeSet& change_set) { (void)change_set; }
  // Execution started; `started` is the engine clock's monotonic time, for elapsed times.
  virtual void OnExecuteStarted(std::string_view stack_name,
                                std::chrono::steady_clock::time_point started) {
    (void)stack_name;
    (void)started;
  }
  // One new stack event, oldest first, never the same EventId twice.
  virtual void OnResourceEvent(const StackEvent& event) { (void)event; }
  // The stack's status changed (read from DescribeStacks): e.g. UPDATE_IN_PROGRESS,
  // UPDATE_ROLLBACK_IN_PROGRESS, UPDATE_COMPLETE.
  virtual void OnStackStatus(std::string_view status, std::string_view reason) {
    (void)status;
    (void)reason;
  }
  // Something the user should know that does not stop the operation (e.g. "repository X is
  // emptied by CloudFormation (EmptyOnDelete)").
  virtual void OnNote(std::string_view note) { (void)note; }
  // Something went wrong that does not undo the operation (a record not written, a lease
  // broken while it ran). Default: OnNote.
  virtual void OnWarning(std::string_view warning) { OnNote(warning); }
};

// Ignores everything.
class NullDeployObserver : public DeployObserver {};

}  // namespace rex::engine
