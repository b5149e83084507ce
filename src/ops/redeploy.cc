#include "ops/redeploy.h"

#include <algorithm>
#include <cstddef>
#include <set>

#include "base/check.h"
#include "base/strings.h"
#include "engine/deploy.h"

namespace rex::ops {
namespace {

bool Transient(const base::Status& s) {
  return s.code() == base::Code::kUnavailable || s.code() == base::Code::kDeadlineExceeded;
}

const aws::EcsDeployment* Primary(const aws::EcsService& s) {
  for (const aws::EcsDeployment& d : s.deployments) {
    if (d.status == "PRIMARY") return &d;
  }
  return nullptr;
}

const aws::EcsDeployment* ById(const aws::EcsService& s, const std::string& id) {
  for (const aws::EcsDeployment& d : s.deployments) {
    if (d.id == id) return &d;
  }
  return nullptr;
}

bool SaysFailure(const std::string& message) {
  return message.find("fail") != std::string::npos ||
         message.find("rolling back") != std::string::npos ||
         message.find("unable") != std::string::npos ||
         message.find("circuit breaker") != std::string::npos;
}

}  // namespace

bool RedeployOutcome::ok() const {
  if (cancelled) return false;
  return std::all_of(services.begin(), services.end(),
                     [](const ServiceOutcome& s) { return s.stable; });
}

base::Result<std::vector<std::string>> ResolveServices(const StackInfo& stack,
                                                       std::string_view which) {
  std::vector<std::string> names;
  if (which == "all") {
    for (const auto& [name, service] : stack.services) names.push_back(name);
    if (names.empty()) REX_RETURN_IF_ERROR(RequireField(stack, "", "ECS service"));
    return names;
  }
  if (stack.FindService(which) == nullptr) {
    std::vector<std::string> candidates = {"all"};
    for (const auto& [name, service] : stack.services) candidates.push_back(name);
    return UnknownWorkload(stack, "service", which, candidates,
                           "rex redeploy takes a service or all");
  }
  names.emplace_back(which);
  return names;
}

base::Result<std::map<std::string, std::string>> ForceNewDeployments(
    Session& session, const StackInfo& stack, const std::vector<std::string>& services) {
  REX_CHECK(session.ecs != nullptr);
  std::map<std::string, std::string> started;
  for (const std::string& name : services) {
    const ServiceInfo* info = stack.FindService(name);
    REX_CHECK(info != nullptr);
    auto updated = session.ecs->UpdateService(aws::UpdateServiceRequest{
        .cluster = stack.cluster, .service = info->service_arn, .force_new_deployment = true});
    if (!updated.ok()) return std::move(updated).error().WithContext("redeploy " + name);
    const aws::EcsDeployment* primary = Primary(*updated);
    started[name] = primary != nullptr ? primary->id : "";
  }
  return started;
}

base::Result<RedeployOutcome> FollowServices(Session& session, const StackInfo& stack,
                                             const std::vector<std::string>& services,
                                             const std::map<std::string, std::string>& deployments,
                                             RedeployObserver& observer) {
  REX_CHECK(session.ecs != nullptr && session.clock != nullptr);
  RedeployOutcome outcome;
  std::map<std::string, ServiceOutcome> results;
  std::map<std::string, std::string> arn_to_name;
  std::vector<std::string> pending;
  for (const std::string& name : services) {
    const ServiceInfo* info = stack.FindService(name);
    REX_CHECK(info != nullptr);
    arn_to_name[info->service_arn] = name;
    pending.push_back(name);
    results[name].name = name;
  }
  // Events that were there before rex started are history, not news.
  std::set<std::string> seen_events;
  bool first_poll = true;
  const auto started = session.clock->Monotonic();
  engine::Backoff backoff(*session.clock, session.poll, session.cancel);
  int failures_in_a_row = 0;

  while (!pending.empty()) {
    std::vector<std::string> arns;
    for (const std::string& name : pending) arns.push_back(stack.FindService(name)->service_arn);
    std::vector<aws::EcsService> described;
    base::Status failed;
    for (size_t i = 0; i < arns.size() && failed.ok(); i += 10) {
      std::vector<std::string> batch(
          arns.begin() + static_cast<std::ptrdiff_t>(i),
          arns.begin() + static_cast<std::ptrdiff_t>(std::min(arns.size(), i + 10)));
      auto page = session.ecs->DescribeServices(stack.cluster, batch);
      if (!page.ok()) {
        failed = page.error();
        break;
      }
      for (aws::EcsService& s : page->services) described.push_back(std::move(s));
    }
    if (!failed.ok()) {
      if (!Transient(failed) || ++failures_in_a_row > session.poll.tolerated_poll_failures) {
        return failed.WithContext("follow the services");
      }
      observer.OnNote("describing the services failed, trying again: " + failed.message());
    } else {
      failures_in_a_row = 0;
      auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
          session.clock->Monotonic() - started);
      std::vector<std::string> still;
      for (const aws::EcsService& s : described) {
        auto known = arn_to_name.find(s.service_arn);
        std::string name = known != arn_to_name.end() ? known->second : s.service_name;
        if (results.count(name) == 0) continue;
        ServiceOutcome& result = results[name];
        // New service events, oldest first.
        std::vector<const aws::EcsServiceEvent*> fresh;
        for (const aws::EcsServiceEvent& e : s.events) {
          if (seen_events.insert(e.id).second && !first_poll) fresh.push_back(&e);
        }
        std::reverse(fresh.begin(), fresh.end());
        for (const aws::EcsServiceEvent* e : fresh) observer.OnServiceEvent(name, *e);

        const aws::EcsDeployment* primary = Primary(s);
        auto wanted = deployments.find(name);
        const aws::EcsDeployment* ours = wanted != deployments.end() && !wanted->second.empty()
                                             ? ById(s, wanted->second)
                                             : primary;
        result.last.name = name;
        result.last.desired = primary != nullptr ? primary->desired_count : s.desired_count;
        result.last.running = primary != nullptr ? primary->running_count : s.running_count;
        result.last.pending = primary != nullptr ? primary->pending_count : s.pending_count;
        result.last.rollout_state = primary != nullptr ? primary->rollout_state : "";
        observer.OnProgress(result.last, elapsed);

        bool rolled_back =
            (ours != nullptr && ours->rollout_state == "FAILED") ||
            (ours != nullptr && ours != primary && primary != nullptr &&
             primary->rollout_state != "IN_PROGRESS" && wanted != deployments.end()) ||
            (ours == nullptr && wanted != deployments.end());
        if (rolled_back) {
          result.rolled_back = true;
          std::vector<std::string> why;
          if (ours != nullptr && !ours->rollout_state_reason.empty()) {
            why.push_back(ours->rollout_state_reason);
          }
          // The newest events that say what went wrong (newest first in the answer).
          for (const aws::EcsServiceEvent& e : s.events) {
            if (why.size() >= 3) break;
            if (SaysFailure(e.message) &&
                std::find(why.begin(), why.end(), e.message) == why.end()) {
              why.push_back(e.message);
            }
          }
          result.reason = why.empty() ? "the deployment was rolled back" : base::Join(why, "; ");
          continue;
        }
        if (primary != nullptr && primary->rollout_state == "COMPLETED" &&
            primary->running_count == primary->desired_count &&
            (ours == nullptr || ours == primary)) {
          result.stable = true;
          continue;
        }
        still.push_back(name);
      }
      // A service DescribeServices no longer returns (deleted) ends as not stable.
      for (const std::string& name : pending) {
        bool answered = false;
        for (const aws::EcsService& s : described) {
          auto known = arn_to_name.find(s.service_arn);
          if ((known != arn_to_name.end() ? known->second : s.service_name) == name) {
            answered = true;
          }
        }
        if (!answered) results[name].reason = "ECS no longer knows the service";
      }
      pending = std::move(still);
      first_poll = false;
    }
    if (pending.empty()) break;
    if (!backoff.Sleep()) {
      outcome.cancelled = true;
      break;
    }
  }
  for (const std::string& name : services) outcome.services.push_back(results[name]);
  return outcome;
}

}  // namespace rex::ops
