#include "engine/events.h"

#include <algorithm>

#include "base/strings.h"

namespace rex::engine {

namespace {

constexpr std::string_view kStackType = "AWS::CloudFormation::Stack";

}  // namespace

bool StackEvent::IsStackStatus() const {
  return event.resource_type == kStackType && event.logical_resource_id == event.stack_name;
}

bool IsOperationStart(const aws::StackEvent& event) {
  if (event.resource_type != kStackType || event.logical_resource_id != event.stack_name) {
    return false;
  }
  const std::string& s = event.resource_status;
  return s == "CREATE_IN_PROGRESS" || s == "UPDATE_IN_PROGRESS" || s == "DELETE_IN_PROGRESS" ||
         s == "IMPORT_IN_PROGRESS" || s == "REVIEW_IN_PROGRESS";
}

bool IsInProgressStackStatus(std::string_view status) {
  return base::EndsWith(status, "_IN_PROGRESS") && status != "REVIEW_IN_PROGRESS";
}

bool IsTerminalStackStatus(std::string_view status) {
  if (status.empty()) return false;
  if (status == "REVIEW_IN_PROGRESS") return true;
  return !IsInProgressStackStatus(status);
}

StackEventPoller::StackEventPoller(aws::CloudFormationClient& cfn, std::string stack,
                                   EventPollerOptions options, std::vector<std::string> nested_path)
    : cfn_(cfn),
      stack_(std::move(stack)),
      options_(std::move(options)),
      nested_path_(std::move(nested_path)) {
  if (!options_.stop_rule) options_.stop_rule = &IsOperationStart;
  if (options_.max_pages < 1) options_.max_pages = 1;
}

base::Status StackEventPoller::SkipExisting() {
  REX_ASSIGN_OR_RETURN(aws::StackEventsPage page, cfn_.DescribeStackEvents(stack_));
  for (const aws::StackEvent& e : page.events) seen_.insert(e.event_id);
  return base::Status::Ok();
}

base::Result<std::vector<StackEvent>> StackEventPoller::Poll() {
  std::vector<aws::StackEvent> newest_first;
  std::string token;
  for (int page_number = 0; page_number < options_.max_pages; ++page_number) {
    REX_ASSIGN_OR_RETURN(aws::StackEventsPage page, cfn_.DescribeStackEvents(stack_, token));
    bool stop = false;
    for (aws::StackEvent& e : page.events) {
      // Events are immutable and listed newest first: once one is known, so is the rest.
      if (seen_.count(e.event_id) != 0) {
        stop = true;
        break;
      }
      if (options_.since && e.timestamp && *e.timestamp < *options_.since) {
        stop = true;
        break;
      }
      bool last = options_.stop_rule(e);
      newest_first.push_back(std::move(e));
      if (last) {
        stop = true;
        break;
      }
    }
    if (stop || page.next_token.empty()) break;
    token = page.next_token;
  }

  std::vector<StackEvent> out;
  out.reserve(newest_first.size());
  for (auto it = newest_first.rbegin(); it != newest_first.rend(); ++it) {
    // The same event can appear twice within one poll when pages shift under us.
    if (!seen_.insert(it->event_id).second) continue;
    out.push_back(StackEvent{*it, nested_path_});
  }

  if (options_.follow_nested) {
    for (const StackEvent& e : out) {
      const aws::StackEvent& ev = e.event;
      if (ev.resource_type != kStackType || ev.logical_resource_id == ev.stack_name) continue;
      if (!base::StartsWith(ev.physical_resource_id, "arn:")) continue;
      if (ev.physical_resource_id == ev.stack_id) continue;
      if (children_.count(ev.physical_resource_id) != 0) continue;
      std::vector<std::string> path = nested_path_;
      path.push_back(ev.logical_resource_id);
      children_.emplace(ev.physical_resource_id,
                        std::make_unique<StackEventPoller>(cfn_, ev.physical_resource_id, options_,
                                                           std::move(path)));
    }
    for (auto it = children_.begin(); it != children_.end();) {
      auto child_events = it->second->Poll();
      if (!child_events.ok()) {
        if (child_events.error().code() == base::Code::kNotFound) {
          it = children_.erase(it);
          continue;
        }
        return std::move(child_events).error();
      }
      for (StackEvent& e : *child_events) out.push_back(std::move(e));
      ++it;
    }
  }
  return out;
}

}  // namespace rex::engine
