#pragma once

// What the commands share about the state a team shares through the bootstrap bucket
// (engine/bootstrap.h): the deploy lease (engine/lease.h) and the deploy history
// (engine/history.h). Used by RunDeploy (cli/progress.h: `rex up`, `rex rollback`), `rex
// destroy`, `rex history`, `rex rollback` and `rex unlock`.
//
//                 with a bootstrap bucket                    without one / offline
//   history       s3://<bucket>/history/<stack name>/NNNN    .rex/<stack>/history (this folder)
//                 (.rex/<stack>/history is a cache)          and a note saying so
//   deploy lock   s3://<bucket>/locks/<stack name>.json      .rex/<stack>/lock only, and a note
//                 + .rex/<stack>/lock                        that the lock is local
//
// Environment: REX_LEASE_TTL_SECONDS (10..3600, default 300) sets the lease's lifetime, renewed
// every third of it; the wait for a held lease polls every REX_POLL_INTERVAL_MS × 5 when that is
// set, else every 5 s.

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "aws/s3.h"
#include "base/result.h"
#include "cli/command.h"
#include "cli/progress.h"
#include "engine/history.h"
#include "engine/lease.h"

namespace rex::cli {

// The deploy lease of one command, renewed on a thread of its own (with an S3 client of its
// own on the session's thread-safe transport and credentials) and released by the destructor,
// which also warns when the lease was broken or taken over while rex ran. Empty (no lease)
// without a bootstrap bucket.
class LeaseHold {
 public:
  LeaseHold(Context& ctx, std::unique_ptr<aws::S3Client> renew_client,
            std::unique_ptr<engine::DeployLease> lease);
  ~LeaseHold();
  LeaseHold(const LeaseHold&) = delete;
  LeaseHold& operator=(const LeaseHold&) = delete;
  bool held() const { return lease_ != nullptr; }

 private:
  Context& ctx_;
  std::unique_ptr<aws::S3Client> renew_client_;
  std::unique_ptr<engine::DeployLease> lease_;
};

// Takes the deploy lease of `stack_name` in `bucket` for `command` ("rex up"). `bucket`
// empty: no lease, and a note that the lock is local to this folder. `wait`: wait for a held
// lease (interrupted by `cancel`) instead of failing. Errors as engine::DeployLease::Acquire:
// kFailedPrecondition naming the holder, host, command and since when (exit 1); kCancelled.
base::Result<std::unique_ptr<LeaseHold>> TakeDeployLease(Context& ctx, AwsSession& session,
                                                         const std::string& bucket,
                                                         const std::string& stack_name,
                                                         const std::string& command, bool wait,
                                                         const std::atomic<bool>* cancel);

// Records `record` of stack config `config_name` (with this machine's host and user when the
// record names none): with a bucket, in the bucket (the number is
// allocated there, engine::BucketHistory::Append) and then in the local cache under that
// number; without one (or when the bucket write fails, with a warning), locally only
// (engine::HistoryStore::Append). Failures are warnings: the deploy itself is done.
void RecordHistory(Context& ctx, aws::S3Client* s3, const std::string& bucket,
                   const std::string& config_name, engine::HistoryRecord& record);

// The history `rex history` shows.
struct HistoryListing {
  std::vector<engine::HistoryRecord> records;
  // "s3://<bucket>/history/<stack name>/" or ".rex/<stack>/history".
  std::string source;
  // Why only the local copy is listed ("no bootstrap bucket ...", "AWS credentials ...");
  // empty when the bucket was listed.
  std::string local_only_reason;
};

// The bucket's records of the selected stack when there is a bootstrap bucket and AWS
// answers (records missing from the local cache are written to it); else the local copy with
// the reason. Errors: unreadable records (kInvalidArgument naming the file or key).
base::Result<HistoryListing> ListHistory(Context& ctx);

// Record `number` for `rex rollback`: from the bucket when there is one, refusing a local copy
// whose content differs from the bucket's (kFailedPrecondition naming both; nothing is
// deployed) and writing the cache when it is missing; without a bucket the local record, with
// a note that it was not checked against the bucket. kNotFound "no deploy #N in ...".
base::Result<engine::HistoryRecord> LoadRecordForRollback(Context& ctx, AwsSession& session,
                                                          const std::string& config_name,
                                                          const std::string& stack_name,
                                                          int number);

}  // namespace rex::cli
