#pragma once

// What the commands share about the state a team shares through the bootstrap bucket
// (engine/bootstrap.h): the deploy lease's settings (engine/lease.h, taken by
// engine/deploy_run.h) and the deploy history (engine/history.h). Used by RunDeploy
// (cli/progress.h: `rex up`, `rex rollback`), `rex destroy`, `rex history`, `rex rollback` and
// `rex unlock`.
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
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "aws/s3.h"
#include "base/result.h"
#include "cli/command.h"
#include "cli/progress.h"
#include "engine/deploy_run.h"
#include "engine/history.h"
#include "engine/lease.h"

namespace rex::cli {

// The lease settings of the environment: REX_LEASE_TTL_SECONDS (10..3600, else the default)
// and the poll interval of a wait (REX_POLL_INTERVAL_MS × 5 when set, else 5 s); `wait` is
// --wait, `cancel` stops a wait (Ctrl-C).
engine::LeaseOptions LeaseOptionsFromEnvironment(const Context& ctx, bool wait,
                                                 const std::atomic<bool>* cancel);

// Makes the lease renewer's own S3 client: AwsClient is thread-safe given a thread-safe
// transport and credentials provider (the session's are, aws/transport.h and
// aws/credentials.h) and the real clock. `session` must outlive the clients.
std::function<std::unique_ptr<aws::S3Client>()> RenewClientFactory(AwsSession& session);

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
