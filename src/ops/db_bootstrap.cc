#include "ops/db_bootstrap.h"

#include "base/files.h"
#include "base/json.h"

namespace rex::ops {

namespace {

std::string StringField(const base::Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

base::Json BootstrapRecordToJson(const BootstrapRecord& record) {
  base::Json json = {{"time", record.time},
                     {"stackName", record.stack_name},
                     {"taskArn", record.task_arn},
                     {"exitCode", record.exit_code},
                     {"trigger", record.trigger}};
  if (!record.stack_id.empty()) json["stackId"] = record.stack_id;
  if (!record.host.empty()) json["host"] = record.host;
  if (!record.user.empty()) json["user"] = record.user;
  return json;
}

base::Result<BootstrapRecord> BootstrapRecordFromJson(const base::Json& json,
                                                      const std::string& what) {
  // find, not operator[]: on a const document a missing key is undefined behaviour there.
  auto exit_code = json.is_object() ? json.find("exitCode") : json.end();
  if (!json.is_object() || !json.contains("taskArn") || exit_code == json.end() ||
      !exit_code->is_number_integer()) {
    return base::InvalidArgument(what + " is not a bootstrap record (taskArn, exitCode)");
  }
  BootstrapRecord record;
  record.time = StringField(json, "time");
  record.stack_name = StringField(json, "stackName");
  record.task_arn = StringField(json, "taskArn");
  record.exit_code = static_cast<int>(exit_code->get<int64_t>());
  record.trigger = StringField(json, "trigger");
  record.stack_id = StringField(json, "stackId");
  record.host = StringField(json, "host");
  record.user = StringField(json, "user");
  return record;
}

std::string BootstrapRecordPath(const std::string& cwd, const std::string& stack) {
  return cwd + "/.rex/" + stack + "/bootstrap.json";
}

base::Status WriteBootstrapRecord(const std::string& cwd, const std::string& stack,
                                  const BootstrapRecord& record) {
  REX_RETURN_IF_ERROR(base::CheckNoLinks(cwd, ".rex/" + stack + "/bootstrap.json"));
  return base::WriteFileAtomic(BootstrapRecordPath(cwd, stack),
                               base::DumpJson(BootstrapRecordToJson(record)));
}

base::Result<std::optional<BootstrapRecord>> ReadBootstrapRecord(const std::string& cwd,
                                                                 const std::string& stack) {
  const std::string path = BootstrapRecordPath(cwd, stack);
  REX_RETURN_IF_ERROR(base::CheckNoLinks(cwd, ".rex/" + stack + "/bootstrap.json"));
  auto text = base::ReadFile(path);
  if (!text.ok()) {
    if (text.error().code() == base::Code::kNotFound) return std::optional<BootstrapRecord>();
    return std::move(text).error();
  }
  REX_ASSIGN_OR_RETURN(base::Json json, base::ParseJson(*text, path));
  REX_ASSIGN_OR_RETURN(BootstrapRecord record, BootstrapRecordFromJson(json, path));
  return std::optional<BootstrapRecord>(std::move(record));
}

std::string BootstrapRecordKey(const std::string& stack_name) {
  return "records/" + stack_name + "/bootstrap.json";
}

base::Result<std::optional<StoredBootstrapRecord>> ReadBucketBootstrapRecord(
    aws::S3Client& s3, const std::string& bucket, const std::string& stack_name) {
  auto object = s3.GetObject(bucket, BootstrapRecordKey(stack_name));
  if (!object.ok()) {
    if (object.error().code() == base::Code::kNotFound) {
      return std::optional<StoredBootstrapRecord>();
    }
    return std::move(object).error();
  }
  const std::string where = "s3://" + bucket + "/" + BootstrapRecordKey(stack_name);
  REX_ASSIGN_OR_RETURN(base::Json json, base::ParseJson(object->body, where));
  REX_ASSIGN_OR_RETURN(BootstrapRecord record, BootstrapRecordFromJson(json, where));
  return std::optional<StoredBootstrapRecord>(
      StoredBootstrapRecord{std::move(record), object->etag});
}

base::Status WriteBucketBootstrapRecord(aws::S3Client& s3, const std::string& bucket,
                                        const BootstrapRecord& record, const std::string& etag) {
  aws::PutObjectRequest put{.bucket = bucket,
                            .key = BootstrapRecordKey(record.stack_name),
                            .body = base::DumpJson(BootstrapRecordToJson(record)),
                            .content_type = "application/json"};
  if (etag.empty()) {
    put.if_none_match = "*";
  } else {
    put.if_match = etag;
  }
  auto written = s3.PutObject(put);
  if (written.ok()) return base::Status::Ok();
  if (aws::IsPreconditionFailed(written.error()) ||
      (!etag.empty() && written.error().code() == base::Code::kNotFound)) {
    return base::FailedPrecondition("another rex recorded a bootstrap of " + record.stack_name +
                                    " in s3://" + bucket + " meanwhile; kept that record");
  }
  return std::move(written).error();
}

}  // namespace rex::ops
