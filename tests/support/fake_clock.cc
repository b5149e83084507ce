#include "support/fake_clock.h"

namespace rex::testing {

FakeClock::FakeClock(std::chrono::system_clock::time_point start)
    : now_(start), monotonic_(std::chrono::steady_clock::time_point(std::chrono::hours(1))) {}

void FakeClock::SleepFor(std::chrono::milliseconds duration) {
  sleeps_.push_back(duration);
  Advance(duration);
}

void FakeClock::Advance(std::chrono::milliseconds duration) {
  now_ += duration;
  monotonic_ += duration;
}

}  // namespace rex::testing
