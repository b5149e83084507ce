#pragma once

#include <chrono>
#include <cstdint>

namespace rex::base {

// The one seam for time: code that waits, polls or signs takes a Clock so tests can run
// without sleeping. Thread-compatible.
class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time (for signatures and timestamps).
  virtual std::chrono::system_clock::time_point Now() = 0;
  // Monotonic time (for elapsed time and deadlines).
  virtual std::chrono::steady_clock::time_point Monotonic() = 0;
  virtual void SleepFor(std::chrono::milliseconds duration) = 0;
};

// The real clock.
Clock& SystemClock();

}  // namespace rex::base
