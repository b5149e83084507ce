#pragma once

// `rex redeploy`: new deployments of the stack's ECS services and following them until they
// are stable or the deployment circuit breaker rolls them back.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "aws/ecs.h"
#include "base/result.h"
#include "ops/session.h"
#include "ops/stack_info.h"

namespace rex::ops {

// Where one service stands, as reported while following.
struct ServiceProgress {
  std::string name;  // "api"
  int64_t running = 0;
  int64_t pending = 0;
  int64_t desired = 0;
  std::string rollout_state;  // of the PRIMARY deployment (IN_PROGRESS, COMPLETED, FAILED)
};

class RedeployObserver {
 public:
  virtual ~RedeployObserver() = default;
  // Called after every poll for each service still followed.
  virtual void OnProgress(const ServiceProgress& progress, std::chrono::milliseconds elapsed) = 0;
  // A service event that appeared since rex started (oldest first).
  virtual void OnServiceEvent(std::string_view service, const aws::EcsServiceEvent& event) = 0;
  virtual void OnNote(std::string_view note) = 0;
};

struct ServiceOutcome {
  std::string name;
  bool stable = false;
  bool rolled_back = false;  // the circuit breaker stopped the deployment
  // Why it failed: the rollout reason and the service events that say so.
  std::string reason;
  ServiceProgress last;
};

struct RedeployOutcome {
  std::vector<ServiceOutcome> services;
  bool cancelled = false;  // Ctrl-C: ECS carries on
  bool ok() const;
};

// Resolves a service name of the stack, or "all" (every service of the stack, by name).
// kInvalidArgument naming what the stack has (UnknownWorkload: "unknown service \"x\"; stack
// rex-backend-dev has services api, notifier, supertokens, worker; jobs bootstrap, migration
// (rex redeploy takes a service or all)"); kFailedPrecondition for "all" when the stack has no
// service.
base::Result<std::vector<std::string>> ResolveServices(const StackInfo& stack,
                                                       std::string_view which);

// UpdateService forceNewDeployment for each service; returns the new PRIMARY deployment id
// of each (by name). AWS errors with context "redeploy <name>".
base::Result<std::map<std::string, std::string>> ForceNewDeployments(
    Session& session, const StackInfo& stack, const std::vector<std::string>& services);

// Polls DescribeServices until every service is stable (its PRIMARY deployment's
// rolloutState is COMPLETED and running == desired) or rolled back (the deployment rex
// started — `deployments[name]`, when given — is FAILED or no longer PRIMARY, or the PRIMARY
// one is FAILED). Transient poll failures are tolerated as in RunOneOffTask. Cancel: returns
// with cancelled set.
base::Result<RedeployOutcome> FollowServices(Session& session, const StackInfo& stack,
                                             const std::vector<std::string>& services,
                                             const std::map<std::string, std::string>& deployments,
                                             RedeployObserver& observer);

}  // namespace rex::ops
