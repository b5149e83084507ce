#include "support/recording_observer.h"

namespace rex::testing {

void RecordingObserver::OnStep(std::string_view step) {
  lines_.push_back("step: " + std::string(step));
}

void RecordingObserver::OnWaitingForStack(std::string_view stack_name, std::string_view status) {
  lines_.push_back("waiting: " + std::string(stack_name) + " " + std::string(status));
}

void RecordingObserver::OnChangeSetCreated(const engine::ChangeSetInfo& info) {
  lines_.push_back("change set: " + info.change_set_name + " " + info.change_set_type +
                   (info.template_url.empty() ? "" : " " + info.template_url));
}

void RecordingObserver::OnPlan(const aws::ChangeSet& change_set) {
  lines_.push_back("plan: " + std::to_string(change_set.changes.size()) + " changes");
}

void RecordingObserver::OnExecuteStarted(std::string_view stack_name,
                                         std::chrono::steady_clock::time_point) {
  lines_.push_back("execute: " + std::string(stack_name));
}

void RecordingObserver::OnResourceEvent(const engine::StackEvent& event) {
  const aws::StackEvent& e = event.event;
  lines_.push_back("event: " + e.logical_resource_id + " " + e.resource_status +
                   (e.resource_status_reason.empty() ? "" : " (" + e.resource_status_reason + ")"));
  events_.push_back(event);
}

void RecordingObserver::OnStackStatus(std::string_view status, std::string_view reason) {
  lines_.push_back("status: " + std::string(status) +
                   (reason.empty() ? "" : " (" + std::string(reason) + ")"));
  statuses_.emplace_back(status);
}

void RecordingObserver::OnNote(std::string_view note) {
  lines_.push_back("note: " + std::string(note));
}

std::vector<std::string> RecordingObserver::statuses() const { return statuses_; }

std::string RecordingObserver::Text() const {
  std::string out;
  for (const std::string& line : lines_) out += line + "\n";
  return out;
}

}  // namespace rex::testing
