#pragma once

// How rex redeploy and rex secrets rotate show the services' rolling deployments on stderr:
// one line per change of a service's counts or rollout state ("[12s] api  running 2  pending 1
// desired 2  IN_PROGRESS"; the elapsed time alone is no news), ECS's service events dimmed
// under it, and notes.

#include <chrono>
#include <map>
#include <string>
#include <string_view>

#include "cli/command.h"
#include "ops/redeploy.h"

namespace rex::cli {

class RolloutPrinter : public ops::RedeployObserver {
 public:
  explicit RolloutPrinter(Context& ctx) : ctx_(ctx) {}
  void OnProgress(const ops::ServiceProgress& p, std::chrono::milliseconds elapsed) override;
  void OnServiceEvent(std::string_view service, const aws::EcsServiceEvent& e) override;
  void OnNote(std::string_view note) override;

 private:
  Context& ctx_;
  std::map<std::string, std::string> last_;  // the last line printed per service
};

}  // namespace rex::cli
