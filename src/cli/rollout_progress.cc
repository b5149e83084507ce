#include "cli/rollout_progress.h"

#include "cli/progress.h"

namespace rex::cli {

void RolloutPrinter::OnProgress(const ops::ServiceProgress& p, std::chrono::milliseconds elapsed) {
  std::string line = p.name + "  running " + std::to_string(p.running) + "  pending " +
                     std::to_string(p.pending) + "  desired " + std::to_string(p.desired) + "  " +
                     (p.rollout_state.empty() ? "-" : p.rollout_state);
  if (last_[p.name] == line) return;
  last_[p.name] = line;
  ctx_.io.err << "[" << FormatDuration(elapsed) << "] " << line << "\n";
}

void RolloutPrinter::OnServiceEvent(std::string_view service, const aws::EcsServiceEvent& e) {
  ctx_.io.err << ctx_.err.Dim("  " + std::string(service) + ": " + e.message) << "\n";
}

void RolloutPrinter::OnNote(std::string_view note) { ctx_.PrintNote(note); }

}  // namespace rex::cli
