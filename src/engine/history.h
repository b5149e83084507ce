#pragma once

// Deploy history: one record per `rex up`, `rex rollback` and `rex destroy`, kept locally under
//
//   <root>/.rex/<stack>/history/<NNNN>.json      (NNNN = 0001, 0002, ...; atomic writes)
//
// and, when the bootstrap bucket exists, copied to s3://<bucket>/history/<stack name>/<NNNN>.json
// (<stack name> is the CloudFormation stack name there, since one bucket serves every stack of
// the account and region). <stack> is the stack config name ("dev"), as in engine/state.h.
//
// A record holds the template deployed, the parameters WITHOUT secret values (NoEcho ones read
// "****", see RedactedParameters), the change set, the result and the times. Numbers are
// assigned under the deploy lock (engine/lock.h); the store itself does not lock.
//
// Record JSON (version 1):
//   {"version": 1, "number": n, "stack": s, "stackName": s, "operation": "up"|"rollback"|
//    "destroy"|"bootstrap", "result": "deployed"|"no-changes"|"failed"|"cancelled"|"declined"|
//    "error", "finalStatus": s, "failureReason": s, "failedResource": s, "changeSetName": s,
//    "changeSetId": s, "parameters": {key: value}, "template": {...} | null, "startTime":
//    ISO-8601, "endTime": ISO-8601, "rexVersion": s, "rollbackOf": n (rollback only)}

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
};

base::Json HistoryRecordToJson(const HistoryRecord& record);
// kInvalidArgument naming `what` if the JSON lacks the fields above.
base::Result<HistoryRecord> HistoryRecordFromJson(const base::Json& json, std::string_view what);

// "0007" for 7.
std::string HistoryFileName(int number);

class HistoryStore {
 public:
  // `root` is the project folder; `stack` the stack config name.
  HistoryStore(std::string root, std::string stack);

  // Gives `record` the next number (highest on disk + 1) and writes it atomically.
  // kInvalidArgument for a bad stack name; the write error otherwise.
  base::Result<int> Append(HistoryRecord& record) const;
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

// Copies `record` to s3://<bucket>/history/<record.stack_name>/<NNNN>.json.
base::Status UploadHistoryRecord(aws::S3Client& s3, const std::string& bucket,
                                 const HistoryRecord& record);

}  // namespace rex::engine
