#pragma once

// Deploy history: one record per `rex up`, `rex rollback` and `rex destroy`.
//
// Where it lives. With a bootstrap bucket (engine/bootstrap.h) the bucket is the truth:
//
//   s3://<bucket>/history/<stack name>/<NNNN>.json     (BucketHistory)
//
// <stack name> is the CloudFormation stack name, since one bucket serves every stack of the
// account and region, and every machine, folder and CI job of the team. Numbers are
// allocated there with S3 conditional writes (BucketHistory::Append: list, take max+1, PutObject
// with If-None-Match: *, on 412 PreconditionFailed the next number, at most
// kHistoryAppendAttempts times), so two machines never take the same number. The local
//
//   <root>/.rex/<stack>/history/<NNNN>.json            (HistoryStore; atomic writes)
//
// is then a cache written with the bucket's number (HistoryStore::WriteCache; a local file of
// that number is overwritten). Without a bucket (or offline) HistoryStore::Append numbers the
// local records itself (highest on disk + 1) and the history is this folder's only.
// <stack> is the stack config name ("dev"), as in engine/state.h.
//
// A record holds the template deployed, the parameters WITHOUT secret values (NoEcho ones read
// "****", see RedactedParameters), the change set, the result and the times.
//
// Record JSON (version 1):
//   {"version": 1, "number": n, "stack": s, "stackName": s, "operation": "up"|"rollback"|
//    "destroy"|"bootstrap", "result": "deployed"|"no-changes"|"failed"|"cancelled"|"declined"|
//    "error", "finalStatus": s, "failureReason": s, "failedResource": s, "changeSetName": s,
//    "changeSetId": s, "parameters": {key: value}, "template": {...} | null, "startTime":
//    ISO-8601, "endTime": ISO-8601, "rexVersion": s, "rollbackOf": n (rollback only),
//    "host": s, "user": s (who ran it; absent in older records)}

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/s3.h"
#include "base/json.h"
#include "base/result.h"

namespace rex::engine {

inline constexpr std::string_view kRexVersion = "0.1.0";

struct HistoryRecord {
  int number = 0;  // assigned by HistoryStore::Append
  std::string stack = {};
  std::string stack_name = {};
  std::string operation = "up";
  std::string result = {};
  std::string final_status = {};
  std::string failure_reason = {};
  std::string failed_resource = {};
  std::string change_set_name = {};
  std::string change_set_id = {};
  // Redacted: NoEcho values are "****" (build it with RedactedParameters).
  std::map<std::string, std::string> parameters = {};
  base::Json template_json = nullptr;  // null when no template was involved (destroy)
  std::chrono::system_clock::time_point start_time = {};
  std::chrono::system_clock::time_point end_time = {};
  std::string rex_version = std::string(kRexVersion);
  std::optional<int> rollback_of = {};
  // Where rex ran (the machine and user; the CLI fills them in). Empty in older records.
  std::string host = {};
  std::string user = {};
};

base::Json HistoryRecordToJson(const HistoryRecord& record);
// kInvalidArgument naming `what` if the JSON lacks the fields above.
base::Result<HistoryRecord> HistoryRecordFromJson(const base::Json& json, std::string_view what);

// "0007" for 7.
std::string HistoryFileName(int number);

// Files under .rex/ are rex's own: a symbolic link anywhere on the path of a record is refused
// (kInvalidArgument naming it), never followed, for reads and writes alike (base::CheckNoLinks).
class HistoryStore {
 public:
  // `root` is the project folder; `stack` the stack config name.
  HistoryStore(std::string root, std::string stack);

  // Gives `record` the next number (highest on disk + 1) and writes it atomically: the
  // history of a stack without a bootstrap bucket. kInvalidArgument for a bad stack name; the
  // write error otherwise.
  base::Result<int> Append(HistoryRecord& record) const;
  // Writes `record` under its own number (the bucket's), replacing a local file of that
  // number: the cache of a record of the bucket. Sets record.stack to this store's stack.
  base::Status WriteCache(HistoryRecord record) const;
  // The exact text of local record `number`, nullopt when there is no such file.
  base::Result<std::optional<std::string>> ReadText(int number) const;
  // Every record, oldest first. Unreadable files are an error naming the file.
  base::Result<std::vector<HistoryRecord>> List() const;
  // Record `number`. kNotFound "no deploy #N in .rex/dev/history (see rex history)".
  base::Result<HistoryRecord> Load(int number) const;

  // ".rex/<stack>/history" relative to the root.
  std::string RelativeDir() const;

 private:
  std::string Dir() const;
  std::string root_;
  std::string stack_;
};

// How many numbers BucketHistory::Append tries before giving up (each 412 means another
// machine took the number first).
inline constexpr int kHistoryAppendAttempts = 20;

// The history of one stack in the bootstrap bucket: s3://<bucket>/history/<stack name>/.
// Records of every machine and folder are here. Not thread-safe (one per command).
class BucketHistory {
 public:
  // `s3` must outlive this object.
  BucketHistory(aws::S3Client& s3, std::string bucket, std::string stack_name);

  // Allocates the next number and writes `record` under it: lists the prefix, takes the
  // highest number + 1 and puts the record with If-None-Match: *; when another writer took
  // that number (412) tries the next one, kHistoryAppendAttempts numbers in all. Sets
  // record.number and returns it. kAborted "could not allocate a history number ... after N
  // attempts" when every number was taken; S3 errors as they are, naming the key.
  base::Result<int> Append(HistoryRecord& record);
  // The numbers of every record, ascending.
  base::Result<std::vector<int>> Numbers();
  // Every record, oldest first (GetObject each). A record that is not valid is an error
  // naming its key.
  base::Result<std::vector<HistoryRecord>> List();
  // The exact text of record `number`. kNotFound "no deploy #N in s3://<bucket>/history/<stack
  // name>/ (see \"rex history\")".
  base::Result<std::string> LoadText(int number);
  base::Result<HistoryRecord> Load(int number);

  // "s3://<bucket>/history/<stack name>/".
  std::string Where() const;
  // "history/<stack name>/<NNNN>.json".
  std::string Key(int number) const;

 private:
  aws::S3Client& s3_;
  std::string bucket_;
  std::string stack_name_;
};

// The record's JSON as written to the bucket and to the cache (what the tamper check of
// `rex rollback` compares, after parsing both sides).
std::string HistoryRecordText(const HistoryRecord& record);

}  // namespace rex::engine
