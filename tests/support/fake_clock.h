#pragma once

#include <chrono>
#include <vector>

#include "base/clock.h"

namespace rex::testing {

// A Clock that only moves when told to: SleepFor advances both clocks at once and records
// the request, so backoff and polling are tested without sleeping. Not thread-safe.
class FakeClock : public base::Clock {
 public:
  // Starts at 2015-08-30T12:36:00Z (the SigV4 suite's time) unless given another.
  explicit FakeClock(std::chrono::system_clock::time_point start =
                         std::chrono::system_clock::time_point(std::chrono::seconds(1440938160)));

  std::chrono::system_clock::time_point Now() override { return now_; }
  std::chrono::steady_clock::time_point Monotonic() override { return monotonic_; }
  void SleepFor(std::chrono::milliseconds duration) override;

  // Moves both clocks forward without recording a sleep.
  void Advance(std::chrono::milliseconds duration);

  // Every SleepFor duration, in call order.
  const std::vector<std::chrono::milliseconds>& sleeps() const { return sleeps_; }

 private:
  std::chrono::system_clock::time_point now_;
  std::chrono::steady_clock::time_point monotonic_;
  std::vector<std::chrono::milliseconds> sleeps_;
};

}  // namespace rex::testing
