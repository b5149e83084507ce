#pragma once

// A DeployObserver that records every call as a line of text, for tests that check what the
// engine reported and in which order.

#include <string>
#include <vector>

#include "engine/observer.h"

namespace rex::testing {

class RecordingObserver : public engine::DeployObserver {
 public:
  void OnStep(std::string_view step) override;
  void OnWaitingForStack(std::string_view stack_name, std::string_view status) override;
  void OnChangeSetCreated(const engine::ChangeSetInfo& info) override;
  void OnPlan(const aws::ChangeSet& change_set) override;
  void OnExecuteStarted(std::string_view stack_name,
                        std::chrono::steady_clock::time_point started) override;
  void OnResourceEvent(const engine::StackEvent& event) override;
  void OnStackStatus(std::string_view status, std::string_view reason) override;
  void OnNote(std::string_view note) override;

  // "step: ...", "waiting: <stack> <status>", "change set: <name> <type>", "plan: N changes",
  // "execute: <stack>", "event: <logical id> <status>[ (<reason>)]", "status: <status>",
  // "note: ...".
  const std::vector<std::string>& lines() const { return lines_; }
  const std::vector<engine::StackEvent>& events() const { return events_; }
  std::vector<std::string> statuses() const;
  // Every line joined with "\n" (for "does not contain a secret" checks).
  std::string Text() const;

 private:
  std::vector<std::string> lines_;
  std::vector<engine::StackEvent> events_;
  std::vector<std::string> statuses_;
};

}  // namespace rex::testing
