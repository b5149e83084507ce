#pragma once

// The deploy use case: everything `rex up`, `rex rollback` and `rex redeploy` do around
// engine::Deploy, in order:
//   1. the folder's stack lock (.rex/<stack>/lock, engine/lock.h);
//   2. the bootstrap bucket (FindBootstrapBucket): templates over the inline limit go through
//      it, and it holds the team's records;
//   3. the team's deploy lease in the bucket (engine/lease.h), renewed on a thread with a
//      client of its own and released on every return; without a bucket a note says the lock
//      is local to this folder;
//   4. engine::Deploy (with the change-set data-loss guard and the request's confirmation);
//   5. the records: the history (the bucket numbers it and .rex/<stack>/history caches it;
//      locally only without a bucket) and, when the stack now holds the template, the deployed
//      template (.rex/<stack>/deployed.template.json, a cache of what CloudFormation holds).
// It prints nothing: notes and warnings reach the observer (OnNote, OnWarning); the CLI renders
// the outcome (cli/progress.h). Record failures are warnings: the deploy itself is done.

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "aws/s3.h"
#include "base/json.h"
#include "base/result.h"
#include "engine/deploy.h"
#include "engine/history.h"
#include "engine/lease.h"
#include "engine/observer.h"

namespace rex::engine {

struct DeployRun {
  std::string cwd;               // the folder whose .rex/ holds the lock and the caches
  std::string stack;             // the stack config name ("dev")
  DeployRequest request;         // template_bucket is filled from the bootstrap bucket here
  base::Json template_json;      // what request.template_body holds, for the records
  std::string operation = "up";  // for the lease ("rex <operation>") and the history
  std::optional<int> rollback_of = {};
  LeaseOptions lease = {};  // ttl, wait (--wait), poll, cancel; `note` is set here
  // A second S3 client for the lease renewer thread (the deploy's own client is used by this
  // thread only); null: the lease is not renewed (short operations, tests).
  std::function<std::unique_ptr<aws::S3Client>()> renew_client = {};
};

struct DeployRunResult {
  DeployOutcome outcome;
  HistoryRecord record;  // as recorded (number 0 when it could not be recorded)
};

// Runs the use case above. Errors before engine::Deploy (lock held by another rex in this
// folder, the bucket unreadable, the lease held by another rex: kFailedPrecondition naming the
// holder, kCancelled while waiting for it) are returned and nothing is deployed or recorded; an
// error of engine::Deploy itself is recorded in the history as result "error" and returned.
base::Result<DeployRunResult> RunDeploy(DeployClients& clients, DeployRun run,
                                        DeployObserver& observer);

// The deploy lease of one operation, renewed on a thread of its own (with an S3 client of its
// own) and released by the destructor, which warns when the lease was broken or taken over
// while the operation ran. Empty (no lease) without a bootstrap bucket.
class LeaseHold {
 public:
  LeaseHold(std::unique_ptr<aws::S3Client> renew_client, std::unique_ptr<DeployLease> lease,
            std::function<void(std::string_view)> warn);
  ~LeaseHold();
  LeaseHold(const LeaseHold&) = delete;
  LeaseHold& operator=(const LeaseHold&) = delete;
  bool held() const { return lease_ != nullptr; }

 private:
  std::unique_ptr<aws::S3Client> renew_client_;
  std::unique_ptr<DeployLease> lease_;
  std::function<void(std::string_view)> warn_;
};

// Takes the deploy lease of `stack_name` in `bucket` for `command` ("rex up"). `bucket` empty:
// an empty hold, and a note (observer.OnNote) that the lock is local to this folder. Errors as
// DeployLease::Acquire. `s3` and `clock` must outlive the hold.
base::Result<std::unique_ptr<LeaseHold>> TakeDeployLease(
    aws::S3Client* s3, base::Clock& clock, const std::string& bucket, const std::string& stack_name,
    const std::string& command, LeaseOptions options,
    const std::function<std::unique_ptr<aws::S3Client>()>& renew_client, DeployObserver& observer);

// Records `record` of stack config `config_name` in `cwd` (with this machine's host and user
// when the record names none): with a bucket, in the bucket (numbered there,
// BucketHistory::Append) and then in the local cache under that number; without one (or when
// the bucket write fails, with a warning), locally only (HistoryStore::Append). Failures are
// warnings (observer.OnWarning).
void RecordHistory(const std::string& cwd, aws::S3Client* s3, const std::string& bucket,
                   const std::string& config_name, HistoryRecord& record, DeployObserver& observer);

}  // namespace rex::engine
