#include "engine/history.h"

#include <cstdio>
#include <filesystem>
#include <system_error>

#include "aws/http.h"
#include "base/files.h"
#include "engine/record_fields.h"
#include "engine/state.h"

namespace rex::engine {

namespace {

// The number of a history file name "0012.json", or -1.
int NumberOf(const std::string& file_name) {
  if (file_name.size() < 6 || file_name.substr(file_name.size() - 5) != ".json") return -1;
  std::string digits = file_name.substr(0, file_name.size() - 5);
  if (digits.empty() || digits.size() > 9) return -1;
  for (char c : digits) {
    if (c < '0' || c > '9') return -1;
  }
  return std::stoi(digits);
}

}  // namespace

std::string HistoryFileName(int number) {
  char buffer[16];
  std::snprintf(buffer, sizeof(buffer), "%04d", number);
  return std::string(buffer) + ".json";
}

base::Json HistoryRecordToJson(const HistoryRecord& r) {
  base::Json j = {{"version", 1},
                  {"number", r.number},
                  {"stack", r.stack},
                  {"stackName", r.stack_name},
                  {"operation", r.operation},
                  {"result", r.result},
                  {"finalStatus", r.final_status},
                  {"failureReason", r.failure_reason},
                  {"failedResource", r.failed_resource},
                  {"changeSetName", r.change_set_name},
                  {"changeSetId", r.change_set_id},
                  {"parameters", r.parameters},
                  {"template", r.template_json},
                  {"startTime", IsoTime(r.start_time)},
                  {"endTime", IsoTime(r.end_time)},
                  {"rexVersion", r.rex_version}};
  if (r.rollback_of) j["rollbackOf"] = *r.rollback_of;
  if (!r.host.empty()) j["host"] = r.host;
  if (!r.user.empty()) j["user"] = r.user;
  return j;
}

base::Result<HistoryRecord> HistoryRecordFromJson(const base::Json& j, std::string_view what) {
  auto bad = [&](std::string_view why) {
    return base::InvalidArgument(std::string(what) + ": " + std::string(why));
  };
  if (!j.is_object()) return bad("not a history record (expected a JSON object)");
  auto number = j.find("number");
  if (number == j.end() || !number->is_number_integer()) return bad("number: missing");
  HistoryRecord r;
  r.number = number->get<int>();
  r.stack = StringField(j, "stack");
  r.stack_name = StringField(j, "stackName");
  r.operation = StringField(j, "operation");
  r.result = StringField(j, "result");
  if (r.stack_name.empty() || r.result.empty()) return bad("stackName and result are required");
  r.final_status = StringField(j, "finalStatus");
  r.failure_reason = StringField(j, "failureReason");
  r.failed_resource = StringField(j, "failedResource");
  r.change_set_name = StringField(j, "changeSetName");
  r.change_set_id = StringField(j, "changeSetId");
  auto params = j.find("parameters");
  if (params != j.end() && params->is_object()) {
    for (const auto& [k, v] : params->items()) {
      if (v.is_string()) r.parameters[k] = v.get<std::string>();
    }
  }
  auto tmpl = j.find("template");
  if (tmpl != j.end()) r.template_json = *tmpl;
  r.start_time = TimeField(j, "startTime").value_or(std::chrono::system_clock::time_point{});
  r.end_time = TimeField(j, "endTime").value_or(std::chrono::system_clock::time_point{});
  r.rex_version = StringField(j, "rexVersion");
  r.host = StringField(j, "host");
  r.user = StringField(j, "user");
  auto rollback_of = j.find("rollbackOf");
  if (rollback_of != j.end() && rollback_of->is_number_integer()) {
    r.rollback_of = rollback_of->get<int>();
  }
  return r;
}

HistoryStore::HistoryStore(std::string root, std::string stack)
    : root_(std::move(root)), stack_(std::move(stack)) {}

std::string HistoryStore::RelativeDir() const {
  return std::string(kStateDir) + "/" + stack_ + "/history";
}

std::string HistoryStore::Dir() const {
  return (std::filesystem::path(root_) / RelativeDir()).string();
}

base::Result<int> HistoryStore::Append(HistoryRecord& record) const {
  REX_RETURN_IF_ERROR(ValidateStackName(stack_));
  int highest = 0;
  std::error_code ec;
  if (std::filesystem::is_directory(Dir(), ec)) {
    for (const auto& entry : std::filesystem::directory_iterator(Dir(), ec)) {
      highest = std::max(highest, NumberOf(entry.path().filename().string()));
    }
  }
  record.number = highest + 1;
  record.stack = stack_;
  REX_RETURN_IF_ERROR(
      base::CheckNoLinks(root_, RelativeDir() + "/" + HistoryFileName(record.number)));
  std::string path = (std::filesystem::path(Dir()) / HistoryFileName(record.number)).string();
  base::Status written = base::WriteFileAtomic(path, base::DumpJson(HistoryRecordToJson(record)));
  if (!written.ok()) {
    return written.WithContext("write " + RelativeDir() + "/" + HistoryFileName(record.number));
  }
  return record.number;
}

base::Result<std::vector<HistoryRecord>> HistoryStore::List() const {
  REX_RETURN_IF_ERROR(ValidateStackName(stack_));
  std::vector<int> numbers;
  std::error_code ec;
  if (std::filesystem::is_directory(Dir(), ec)) {
    for (const auto& entry : std::filesystem::directory_iterator(Dir(), ec)) {
      int n = NumberOf(entry.path().filename().string());
      if (n > 0) numbers.push_back(n);
    }
  }
  std::sort(numbers.begin(), numbers.end());
  std::vector<HistoryRecord> out;
  for (int n : numbers) {
    REX_ASSIGN_OR_RETURN(HistoryRecord r, Load(n));
    out.push_back(std::move(r));
  }
  return out;
}

base::Result<HistoryRecord> HistoryStore::Load(int number) const {
  REX_RETURN_IF_ERROR(ValidateStackName(stack_));
  std::string relative = RelativeDir() + "/" + HistoryFileName(number);
  REX_RETURN_IF_ERROR(base::CheckNoLinks(root_, relative));
  auto text = base::ReadFile((std::filesystem::path(root_) / relative).string());
  if (!text.ok()) {
    if (text.error().code() == base::Code::kNotFound) {
      return base::NotFound("no deploy #" + std::to_string(number) + " in " + RelativeDir() +
                            " (see \"rex history\")");
    }
    return std::move(text).error().WithContext(relative);
  }
  REX_ASSIGN_OR_RETURN(base::Json json, base::ParseJson(*text, relative));
  return HistoryRecordFromJson(json, relative);
}

std::string HistoryRecordText(const HistoryRecord& record) {
  return base::DumpJson(HistoryRecordToJson(record));
}

base::Status HistoryStore::WriteCache(HistoryRecord record) const {
  REX_RETURN_IF_ERROR(ValidateStackName(stack_));
  record.stack = stack_;
  REX_RETURN_IF_ERROR(
      base::CheckNoLinks(root_, RelativeDir() + "/" + HistoryFileName(record.number)));
  std::string path = (std::filesystem::path(Dir()) / HistoryFileName(record.number)).string();
  base::Status written = base::WriteFileAtomic(path, HistoryRecordText(record));
  if (!written.ok()) {
    return written.WithContext("write " + RelativeDir() + "/" + HistoryFileName(record.number));
  }
  return base::Status::Ok();
}

base::Result<std::optional<std::string>> HistoryStore::ReadText(int number) const {
  REX_RETURN_IF_ERROR(ValidateStackName(stack_));
  std::string relative = RelativeDir() + "/" + HistoryFileName(number);
  REX_RETURN_IF_ERROR(base::CheckNoLinks(root_, relative));
  auto text = base::ReadFile((std::filesystem::path(root_) / relative).string());
  if (!text.ok()) {
    if (text.error().code() == base::Code::kNotFound) return std::optional<std::string>();
    return std::move(text).error().WithContext(relative);
  }
  return std::optional<std::string>(std::move(*text));
}

// ---------------------------------------------------------------- BucketHistory

BucketHistory::BucketHistory(aws::S3Client& s3, std::string bucket, std::string stack_name)
    : s3_(s3), bucket_(std::move(bucket)), stack_name_(std::move(stack_name)) {}

std::string BucketHistory::Where() const {
  return "s3://" + bucket_ + "/history/" + stack_name_ + "/";
}

std::string BucketHistory::Key(int number) const {
  return "history/" + stack_name_ + "/" + HistoryFileName(number);
}

base::Result<std::vector<int>> BucketHistory::Numbers() {
  const std::string prefix = "history/" + stack_name_ + "/";
  REX_ASSIGN_OR_RETURN(std::vector<aws::S3Object> objects, s3_.ListAllObjects(bucket_, prefix));
  std::vector<int> numbers;
  for (const aws::S3Object& o : objects) {
    std::string name = o.key.substr(prefix.size());
    if (name.find('/') != std::string::npos) continue;
    int n = NumberOf(name);
    if (n > 0) numbers.push_back(n);
  }
  std::sort(numbers.begin(), numbers.end());
  return numbers;
}

base::Result<int> BucketHistory::Append(HistoryRecord& record) {
  REX_ASSIGN_OR_RETURN(std::vector<int> numbers, Numbers());
  int next = numbers.empty() ? 1 : numbers.back() + 1;
  for (int attempt = 0; attempt < kHistoryAppendAttempts; ++attempt, ++next) {
    record.number = next;
    aws::PutObjectRequest put{.bucket = bucket_,
                              .key = Key(next),
                              .body = HistoryRecordText(record),
                              .content_type = "application/json",
                              .if_none_match = "*"};
    auto written = s3_.PutObject(put);
    if (written.ok()) return next;
    if (!aws::IsPreconditionFailed(written.error())) {
      return std::move(written).error().WithContext("record deploy history in " + Where());
    }
    // Another machine wrote this number first: take the next one.
  }
  return base::Aborted("could not allocate a history number in " + Where() + " after " +
                       std::to_string(kHistoryAppendAttempts) +
                       " attempts (other machines kept taking them); try again");
}

base::Result<std::string> BucketHistory::LoadText(int number) {
  auto object = s3_.GetObject(bucket_, Key(number));
  if (!object.ok()) {
    if (object.error().code() == base::Code::kNotFound) {
      return base::NotFound("no deploy #" + std::to_string(number) + " in " + Where() +
                            " (see \"rex history\")");
    }
    return std::move(object).error();
  }
  return std::move(object->body);
}

base::Result<HistoryRecord> BucketHistory::Load(int number) {
  REX_ASSIGN_OR_RETURN(std::string text, LoadText(number));
  std::string where = "s3://" + bucket_ + "/" + Key(number);
  REX_ASSIGN_OR_RETURN(base::Json json, base::ParseJson(text, where));
  REX_ASSIGN_OR_RETURN(HistoryRecord record, HistoryRecordFromJson(json, where));
  record.number = number;  // the key is the number
  return record;
}

base::Result<std::vector<HistoryRecord>> BucketHistory::List() {
  REX_ASSIGN_OR_RETURN(std::vector<int> numbers, Numbers());
  std::vector<HistoryRecord> out;
  for (int n : numbers) {
    REX_ASSIGN_OR_RETURN(HistoryRecord r, Load(n));
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace rex::engine
