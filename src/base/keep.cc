#include "base/keep.h"

#include <atomic>
#include <mutex>
#include <vector>

namespace rex::base {
namespace {

std::atomic<bool> enabled{false};

struct KeptList {
  std::mutex mu;
  std::vector<std::unique_ptr<keep_internal::Kept>> values;
};

// Allocated once and never deleted: no destructor runs at exit, and the kept values stay
// reachable from it (so a leak checker counts them as reachable, not leaked).
KeptList& List() {
  static KeptList* list = new KeptList();
  return *list;
}

}  // namespace

namespace keep_internal {

bool Enabled() { return enabled.load(std::memory_order_relaxed); }

void Keep(std::unique_ptr<Kept> kept) {
  KeptList& list = List();
  std::lock_guard<std::mutex> lock(list.mu);
  list.values.push_back(std::move(kept));
}

}  // namespace keep_internal

void EnableKeepUntilExit() { enabled.store(true, std::memory_order_relaxed); }

}  // namespace rex::base
