#pragma once

#include <atomic>
#include <chrono>
#include <mutex>

#include "aws/env.h"
#include "base/clock.h"
#include "base/result.h"

// The AWS CLI's "standard" retry mode: up to 3 attempts, exponential backoff with full
// jitter capped at 20 s, and a client-wide retry quota (token bucket) that stops retry
// storms when a service is down.
namespace rex::aws {

struct RetryOptions {
  // Total attempts, the first included. Default: 3 (AWS_MAX_ATTEMPTS overrides).
  int max_attempts = 3;
  // Cap on one backoff delay. Default: 20 s.
  std::chrono::milliseconds max_backoff = std::chrono::seconds(20);
  // Retry quota: capacity, cost of a retry, cost of a retry after a timeout, refund for a
  // success on the first attempt. Defaults: 500, 5, 10, 1 (botocore's retries/quota.py).
  int quota_capacity = 500;
  int retry_cost = 5;
  int timeout_retry_cost = 10;
  int no_retry_increment = 1;
  // When set, a backoff sleep ends as soon as it becomes true (checked every 100 ms) and the
  // call returns kCancelled: Ctrl-C / SIGTERM never wait out a 20 s backoff. Not owned.
  const std::atomic<bool>* cancel = nullptr;
};

// Defaults with AWS_MAX_ATTEMPTS applied. kInvalidArgument if it is not a positive integer.
base::Result<RetryOptions> RetryOptionsFromEnvironment(const EnvLookup& env);

// Delay before retry number `attempt` (1 = the first retry): random01 × 2^(attempt−1) s,
// at most `max_backoff`. `random01` is in [0, 1).
std::chrono::milliseconds BackoffDelay(int attempt, double random01,
                                       std::chrono::milliseconds max_backoff);

// Sleeps `total` on `clock` in slices of at most 100 ms, stopping early when `cancel` (may be
// null) becomes true. False when cancelled.
bool SleepUnlessCancelled(base::Clock& clock, std::chrono::milliseconds total,
                          const std::atomic<bool>* cancel);

// The retry token bucket shared by every call of one client. Thread-safe.
class RetryQuota {
 public:
  explicit RetryQuota(const RetryOptions& options);

  // Takes the cost of one retry; false (and nothing taken) if the bucket cannot pay.
  // Returns the amount taken through `taken`.
  bool Acquire(bool after_timeout, int* taken);
  // After a successful call: refunds `taken` if the call needed retries, else the
  // no-retry increment. Never exceeds the capacity.
  void OnSuccess(int taken);

  int available() const;

 private:
  const RetryOptions options_;
  mutable std::mutex mu_;
  int available_;
};

}  // namespace rex::aws
