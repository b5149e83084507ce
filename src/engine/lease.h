#pragma once

// The deploy lease: one deploy per stack at a time across machines, folders and CI jobs.
//
// An object in the bootstrap bucket (engine/bootstrap.h)
//
//   s3://<bucket>/locks/<stack name>.json
//   {"version": 1, "stackName": s, "holder": "<random hex id>", "host": s, "user": s,
//    "pid": n, "command": "rex up", "acquired": ISO-8601 UTC, "expires": ISO-8601 UTC}
//
// is created with If-None-Match: * (only one writer can create it), renewed with If-Match on
// the ETag its holder got (so a holder whose lease was broken or taken over learns it instead
// of overwriting the new holder), and deleted with If-Match at the end. A lease whose
// `expires` is past (its rex died without releasing it) is taken over by a conditional
// overwrite (If-Match on the ETag read) with a note naming the previous holder. Times are UTC
// on the writer's clock; the TTL (default kDefaultLeaseTtl) is long compared to clock skew.
//
// The local flock (engine/lock.h) stays: it is taken first and covers two rex in one folder
// without a bucket. Without a bucket there is no lease: CloudFormation's own *_IN_PROGRESS
// check is what stops two machines, and the CLI says that the lock is local.
//
// Thread safety: DeployLease's methods may be called from the renewer thread and the owner
// at once (one mutex guards the ETag and the info). The renewer uses the S3Client given to
// StartRenewing, which should be a client of its own (AwsClient is thread-safe only if its
// transport, clock and credentials are; the CLI gives it one built on the session's
// thread-safe transport and credentials and the real clock).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "aws/s3.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/result.h"

namespace rex::engine {

inline constexpr std::chrono::seconds kDefaultLeaseTtl{300};

struct LeaseInfo {
  std::string stack_name;
  std::string holder;  // random id of one rex run
  std::string host;
  std::string user;
  int pid = 0;
  std::string command;  // "rex up", "rex rollback 3", "rex destroy"
  std::chrono::system_clock::time_point acquired = {};
  std::chrono::system_clock::time_point expires = {};
};

base::Json LeaseToJson(const LeaseInfo& info);
// kInvalidArgument naming `what` when it is not a lease (holder and expires are required).
base::Result<LeaseInfo> LeaseFromJson(const base::Json& json, std::string_view what);

// "locks/<stack name>.json".
std::string LeaseKey(const std::string& stack_name);

// "alice@build-7 (pid 4242) running \"rex up\" since 2026-12-02T11:20:00Z, lease expires
// 2026-12-02T11:25:00Z" (or "expired at ...").
std::string DescribeLease(const LeaseInfo& info, std::chrono::system_clock::time_point now);

// This process as a lease holder: a fresh random holder id, the host name, $USER (or the
// passwd entry), the pid and `command`. Times are set by Acquire.
LeaseInfo ThisProcess(const std::string& stack_name, const std::string& command);

// The lease object as it is in the bucket.
struct StoredLease {
  LeaseInfo info;
  std::string etag;
  bool valid = true;  // false: the object is not a lease (info is empty); unlock removes it
};

// The current lease of `stack_name`, nullopt when there is none.
base::Result<std::optional<StoredLease>> ReadLease(aws::S3Client& s3, const std::string& bucket,
                                                   const std::string& stack_name);

// Deletes the lease if it still has `etag` (`rex unlock`). kFailedPrecondition "the lease
// changed ..." when another rex renewed or replaced it meanwhile; ok when it is already gone.
base::Status BreakLease(aws::S3Client& s3, const std::string& bucket, const std::string& stack_name,
                        const std::string& etag);

struct LeaseOptions {
  std::chrono::seconds ttl = kDefaultLeaseTtl;
  // Held by someone else: wait (poll every `poll` until it is released or expires) instead of
  // failing. Default: fail.
  bool wait = false;
  std::chrono::milliseconds poll{5000};
  // Set (Ctrl-C) while waiting: Acquire returns kCancelled. Checked every 100 ms at most.
  const std::atomic<bool>* cancel = nullptr;
  // Notes for the user: the take-over of an expired lease, "waiting for ...". Default: none.
  std::function<void(std::string_view)> note = {};
};

class DeployLease {
 public:
  // Takes the lease of self.stack_name in `bucket` (self from ThisProcess; acquired/expires
  // are set here from clock.Now() and options.ttl). Errors:
  //   kFailedPrecondition "stack <name> is locked by <DescribeLease>; ..." when another
  //     holder's lease has not expired (and !options.wait), naming --wait and `rex unlock`;
  //   kCancelled when options.cancel was set while waiting;
  //   S3 errors as they are (naming the key).
  // `s3` and `clock` must outlive the lease.
  static base::Result<std::unique_ptr<DeployLease>> Acquire(aws::S3Client& s3, base::Clock& clock,
                                                            const std::string& bucket,
                                                            LeaseInfo self,
                                                            const LeaseOptions& options);

  // Stops the renewer and releases the lease (errors ignored: it expires on its own).
  ~DeployLease();
  DeployLease(const DeployLease&) = delete;
  DeployLease& operator=(const DeployLease&) = delete;

  // Moves `expires` to now + ttl with If-Match on the ETag held. kFailedPrecondition "the
  // deploy lease of <stack> was broken or taken over" when the object changed or vanished
  // (then lost() is true and later renewals do nothing).
  base::Status Renew();
  // Deletes the lease with If-Match (nothing when lost()). Idempotent.
  base::Status Release();
  // Renews every ttl/3 on a background thread through `s3` (which must outlive the lease)
  // until Release or destruction. Once at most.
  void StartRenewing(aws::S3Client& s3);

  bool lost() const;
  LeaseInfo info() const;
  std::string etag() const;

 private:
  DeployLease(aws::S3Client& s3, base::Clock& clock, std::string bucket, LeaseInfo info,
              std::string etag, std::chrono::seconds ttl);
  base::Status RenewWith(aws::S3Client& s3);
  void StopRenewer();

  aws::S3Client& s3_;
  base::Clock& clock_;
  const std::string bucket_;
  const std::chrono::seconds ttl_;
  mutable std::mutex mu_;
  LeaseInfo info_;
  std::string etag_;
  bool lost_ = false;
  bool released_ = false;
  // The renewer.
  std::thread renewer_;
  std::condition_variable stop_cv_;
  bool stop_ = false;
};

}  // namespace rex::engine
