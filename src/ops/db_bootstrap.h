#pragma once

// The SuperTokens database bootstrap: the stack's bootstrap task (src/stack/compute.cc,
// BootstrapScript) creates database `supertokens` if it is missing and exits 0 when it already
// exists, so running it again is harmless. `rex up` runs it after the stack's creation and
// `rex db bootstrap` on demand; each run that ends is recorded:
//
//   s3://<bucket>/records/<stack name>/bootstrap.json   with a bootstrap bucket: the record
//                                                        every machine reads (written with a
//                                                        conditional write, see below)
//   <cwd>/.rex/<stack>/bootstrap.json                    always: this folder's copy
//
// Record JSON: {"time": ISO-8601 UTC, "stackName": s, "stackId": s, "taskArn": s,
// "exitCode": n, "trigger": "rex up" | "rex db bootstrap", "host": s, "user": s}.
// `stackId` tells a record of this stack from one of an earlier stack of the same name (a
// destroyed and re-created stack has a new, empty database).

#include <cstdint>
#include <optional>
#include <string>

#include "aws/s3.h"
#include "base/json.h"
#include "base/result.h"
#include "base/status.h"

namespace rex::ops {

struct BootstrapRecord {
  std::string time;        // ISO-8601 UTC, when the task stopped
  std::string stack_name;  // "rex-backend-dev"
  std::string task_arn;
  int exit_code = 0;
  std::string trigger;   // "rex up" (after the stack's creation) | "rex db bootstrap"
  std::string stack_id;  // the CloudFormation stack id it ran for ("" in older records)
  std::string host;      // where rex ran ("" in older records)
  std::string user;
};

base::Json BootstrapRecordToJson(const BootstrapRecord& record);
// kInvalidArgument naming `what` when it is not a record (taskArn, exitCode).
base::Result<BootstrapRecord> BootstrapRecordFromJson(const base::Json& json,
                                                      const std::string& what);

// "<cwd>/.rex/<stack>/bootstrap.json" (`stack` is the config name, e.g. "dev").
std::string BootstrapRecordPath(const std::string& cwd, const std::string& stack);

// Writes the record atomically (base::WriteFileAtomic). A symbolic link on the path under
// .rex/ is refused, never followed (base::CheckNoLinks; also when reading). Errors: as the write.
base::Status WriteBootstrapRecord(const std::string& cwd, const std::string& stack,
                                  const BootstrapRecord& record);

// nullopt when there is none; kInvalidArgument when it is not a record.
base::Result<std::optional<BootstrapRecord>> ReadBootstrapRecord(const std::string& cwd,
                                                                 const std::string& stack);

// "records/<stack name>/bootstrap.json".
std::string BootstrapRecordKey(const std::string& stack_name);

// The bucket's record with the ETag to replace it by.
struct StoredBootstrapRecord {
  BootstrapRecord record;
  std::string etag;
};

// nullopt when the bucket has none; kInvalidArgument naming the key when it is not a record;
// S3 errors as they are.
base::Result<std::optional<StoredBootstrapRecord>> ReadBucketBootstrapRecord(
    aws::S3Client& s3, const std::string& bucket, const std::string& stack_name);

// Writes `record` to the bucket conditionally: `etag` empty creates it (If-None-Match: *),
// else replaces the record that has that ETag (If-Match). kFailedPrecondition "another rex
// recorded a bootstrap of <stack> meanwhile" when the condition fails; S3 errors otherwise.
base::Status WriteBucketBootstrapRecord(aws::S3Client& s3, const std::string& bucket,
                                        const BootstrapRecord& record, const std::string& etag);

}  // namespace rex::ops
