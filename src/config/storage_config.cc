#include "config/storage_config.h"

#include <algorithm>

#include "base/strings.h"
#include "config/config_text.h"

namespace rex::config {

namespace {

std::string VariableStem(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '-') {
      out += '_';
    } else if (c >= 'a' && c <= 'z') {
      out += static_cast<char>(c - 'a' + 'A');
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string QueueUrlVariable(std::string_view queue) { return VariableStem(queue) + "_QUEUE_URL"; }
std::string BucketVariable(std::string_view bucket) { return VariableStem(bucket) + "_BUCKET"; }

namespace storage {
namespace {

using text::Quote;

// Reads the keys of one entry with `read_key(reader, name, sub, value)`, which returns false
// for a name it does not know.
template <typename F>
void LoadKeys(const std::string& key, const YAML::Node& map, const std::vector<std::string>& keys,
              Problems& problems, F read_key) {
  entries::Reader read(problems);
  std::vector<std::string> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!it->first.IsScalar()) {
      read.Error(key, "keys must be plain names");
      continue;
    }
    const std::string name = it->first.Scalar();
    const std::string sub = key + "." + name;
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      read.Error(sub, "is set more than once");
      continue;
    }
    seen.push_back(name);
    if (it->second.IsNull()) continue;  // "key:" keeps the default
    if (!read_key(read, name, sub, it->second)) read.Unknown(sub, name, keys);
  }
}

void IntRange(const std::string& key, int value, int min, int max, const std::string& unit,
              Problems& problems) {
  if (value >= min && value <= max) return;
  problems.emplace_back(key, std::to_string(value) + " is not allowed: use " + std::to_string(min) +
                                 " to " + std::to_string(max) + unit);
}

// The service variable `variable` is added to every service of `names`; refuse it where the
// service already sets it.
void CheckVariable(const Config& config, const std::string& key, const std::string& variable,
                   const std::vector<std::string>& names, Problems& problems) {
  for (const std::string& service : names) {
    const ServiceConfig* s = config.services.Find(service);
    if (s == nullptr) continue;  // reported by CheckServiceNames
    if (s->environment.count(variable) > 0 || s->secrets.count(variable) > 0) {
      problems.emplace_back(key, "adds " + variable + " to services." + service +
                                     ", which already sets it in environment or secrets; "
                                     "remove it there");
    }
  }
}

void EmitNames(YAML::Emitter& e, const char* key, const std::vector<std::string>& names) {
  if (names.empty()) return;
  e << YAML::Key << key << YAML::Value << YAML::Flow << names;
}

void Indent(const YAML::Emitter& e, std::string& out) {
  for (const std::string& line : base::Split(e.c_str(), '\n')) out += "  " + line + "\n";
}

}  // namespace

const std::vector<std::string>& QueueKeys() {
  static const std::vector<std::string> keys = {"producers", "consumers", "maxReceiveCount",
                                                "visibilityTimeout", "retentionDays"};
  return keys;
}

const std::vector<std::string>& BucketKeys() {
  static const std::vector<std::string> keys = {"readers", "writers", "encryption", "expireDays"};
  return keys;
}

void LoadQueues(const YAML::Node& node, QueuesConfig& queues, Problems& problems) {
  entries::ForEachEntry(
      node, "queues", "queue", QueueKeys(), problems,
      [&](const std::string& name, const std::string& key, const YAML::Node& map) {
        queues.emplace_back(name, QueueConfig{});
        QueueConfig& q = queues.back().second;
        if (map.IsNull()) return;
        LoadKeys(key, map, QueueKeys(), problems,
                 [&](entries::Reader& read, const std::string& k, const std::string& sub,
                     const YAML::Node& value) {
                   if (k == "producers") {
                     read.Names(sub, value, q.producers);
                   } else if (k == "consumers") {
                     read.Names(sub, value, q.consumers);
                   } else if (k == "maxReceiveCount") {
                     read.Int(sub, value, q.max_receive_count);
                   } else if (k == "visibilityTimeout") {
                     read.Int(sub, value, q.visibility_timeout);
                   } else if (k == "retentionDays") {
                     read.Int(sub, value, q.retention_days);
                   } else {
                     return false;
                   }
                   return true;
                 });
      });
}

void LoadBuckets(const YAML::Node& node, BucketsConfig& buckets, Problems& problems) {
  entries::ForEachEntry(
      node, "buckets", "bucket", BucketKeys(), problems,
      [&](const std::string& name, const std::string& key, const YAML::Node& map) {
        buckets.emplace_back(name, BucketConfig{});
        BucketConfig& b = buckets.back().second;
        if (map.IsNull()) return;
        LoadKeys(key, map, BucketKeys(), problems,
                 [&](entries::Reader& read, const std::string& k, const std::string& sub,
                     const YAML::Node& value) {
                   if (k == "readers") {
                     read.Names(sub, value, b.readers);
                   } else if (k == "writers") {
                     read.Names(sub, value, b.writers);
                   } else if (k == "encryption") {
                     read.String(sub, value, b.encryption);
                   } else if (k == "expireDays") {
                     read.Int(sub, value, b.expire_days);
                   } else {
                     return false;
                   }
                   return true;
                 });
      });
}

void Validate(const Config& config, Problems& problems) {
  std::vector<std::string> services;
  for (const auto& [name, s] : config.services.entries) services.push_back(name);
  auto check_name = [&](const std::string& entry, const std::string& name,
                        std::vector<std::string>& seen) {
    if (!entries::IsEntryName(name)) {
      problems.emplace_back(entry, Quote(name) +
                                       " is not allowed: use 1 to 20 lowercase letters, digits "
                                       "and hyphens, starting with a letter");
    }
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      problems.emplace_back(entry, "is set more than once");
    }
    seen.push_back(name);
  };

  std::vector<std::string> queue_names;
  for (const auto& [name, q] : config.queues) {
    const std::string entry = "queues." + name;
    check_name(entry, name, queue_names);
    entries::CheckServiceNames(entry + ".producers", q.producers, services, problems);
    entries::CheckServiceNames(entry + ".consumers", q.consumers, services, problems);
    IntRange(entry + ".maxReceiveCount", q.max_receive_count, 1, 1000, " receives", problems);
    IntRange(entry + ".visibilityTimeout", q.visibility_timeout, 0, 43200, " seconds", problems);
    IntRange(entry + ".retentionDays", q.retention_days, 1, 14, " days", problems);
    std::vector<std::string> granted = q.producers;
    for (const std::string& c : q.consumers) {
      if (std::find(granted.begin(), granted.end(), c) == granted.end()) granted.push_back(c);
    }
    CheckVariable(config, entry, QueueUrlVariable(name), granted, problems);
  }

  std::vector<std::string> bucket_names;
  for (const auto& [name, b] : config.buckets) {
    const std::string entry = "buckets." + name;
    check_name(entry, name, bucket_names);
    entries::CheckServiceNames(entry + ".readers", b.readers, services, problems);
    entries::CheckServiceNames(entry + ".writers", b.writers, services, problems);
    if (b.encryption != "s3" && b.encryption != "kms") {
      problems.emplace_back(entry + ".encryption",
                            Quote(b.encryption) +
                                " is not allowed: use \"s3\" (SSE-S3) or \"kms\" (SSE-KMS with "
                                "the AWS managed key aws/s3)");
    }
    if (b.expire_days != 0) {
      IntRange(entry + ".expireDays", b.expire_days, 1, 3650, " days, or 0 to keep objects",
               problems);
    }
    std::vector<std::string> granted = b.readers;
    for (const std::string& w : b.writers) {
      if (std::find(granted.begin(), granted.end(), w) == granted.end()) granted.push_back(w);
    }
    CheckVariable(config, entry, BucketVariable(name), granted, problems);
  }
}

std::string ToYaml(const QueuesConfig& queues, const BucketsConfig& buckets) {
  std::string out;
  if (!queues.empty()) {
    out += "\n# --- queues\n";
    out += "# SQS queues with a dead-letter queue; producers and consumers get <NAME>_QUEUE_URL.\n";
    out += "queues:\n";
    for (const auto& [name, q] : queues) {
      YAML::Emitter e;
      e << YAML::BeginMap << YAML::Key << name << YAML::Value << YAML::BeginMap;
      EmitNames(e, "producers", q.producers);
      EmitNames(e, "consumers", q.consumers);
      e << YAML::Key << "maxReceiveCount" << YAML::Value << q.max_receive_count;
      e << YAML::Key << "visibilityTimeout" << YAML::Value << q.visibility_timeout;
      e << YAML::Key << "retentionDays" << YAML::Value << q.retention_days;
      e << YAML::EndMap << YAML::EndMap;
      Indent(e, out);
    }
  }
  if (!buckets.empty()) {
    out += "\n# --- buckets\n";
    out += "# Encrypted, versioned, private S3 buckets; readers and writers get <NAME>_BUCKET.\n";
    out += "buckets:\n";
    for (const auto& [name, b] : buckets) {
      YAML::Emitter e;
      e << YAML::BeginMap << YAML::Key << name << YAML::Value << YAML::BeginMap;
      EmitNames(e, "readers", b.readers);
      EmitNames(e, "writers", b.writers);
      e << YAML::Key << "encryption" << YAML::Value << b.encryption;
      e << YAML::Key << "expireDays" << YAML::Value << b.expire_days;
      e << YAML::EndMap << YAML::EndMap;
      Indent(e, out);
    }
  }
  return out;
}

}  // namespace storage
}  // namespace rex::config
