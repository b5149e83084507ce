#include "aws/retry.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace rex::aws {

base::Result<RetryOptions> RetryOptionsFromEnvironment(const EnvLookup& env) {
  RetryOptions options;
  if (auto value = env("AWS_MAX_ATTEMPTS"); value && !value->empty()) {
    int n = 0;
    auto [ptr, ec] = std::from_chars(value->data(), value->data() + value->size(), n);
    if (ec != std::errc() || ptr != value->data() + value->size() || n < 1) {
      return base::InvalidArgument("AWS_MAX_ATTEMPTS must be a positive integer, got \"" + *value +
                                   "\"");
    }
    options.max_attempts = n;
  }
  return options;
}

std::chrono::milliseconds BackoffDelay(int attempt, double random01,
                                       std::chrono::milliseconds max_backoff) {
  double seconds = random01 * std::pow(2.0, std::max(0, attempt - 1));
  auto delay = std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000.0));
  return std::min(delay, max_backoff);
}

bool SleepUnlessCancelled(base::Clock& clock, std::chrono::milliseconds total,
                          const std::atomic<bool>* cancel) {
  constexpr std::chrono::milliseconds kSlice(100);
  std::chrono::milliseconds left = total;
  while (left.count() > 0) {
    if (cancel != nullptr && cancel->load()) return false;
    std::chrono::milliseconds step = cancel == nullptr ? left : std::min(left, kSlice);
    clock.SleepFor(step);
    left -= step;
  }
  return cancel == nullptr || !cancel->load();
}

RetryQuota::RetryQuota(const RetryOptions& options)
    : options_(options), available_(options.quota_capacity) {}

bool RetryQuota::Acquire(bool after_timeout, int* taken) {
  std::lock_guard<std::mutex> lock(mu_);
  int cost = after_timeout ? options_.timeout_retry_cost : options_.retry_cost;
  if (cost > available_) {
    *taken = 0;
    return false;
  }
  available_ -= cost;
  *taken = cost;
  return true;
}

void RetryQuota::OnSuccess(int taken) {
  std::lock_guard<std::mutex> lock(mu_);
  available_ += taken > 0 ? taken : options_.no_retry_increment;
  available_ = std::min(available_, options_.quota_capacity);
}

int RetryQuota::available() const {
  std::lock_guard<std::mutex> lock(mu_);
  return available_;
}

}  // namespace rex::aws
