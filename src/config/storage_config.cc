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

std::string EncryptionRule(const std::string& encryption) {
  if (encryption == "s3" || encryption == "kms") return "";
  return "use \"s3\" (SSE-S3) or \"kms\" (SSE-KMS with the AWS managed key aws/s3)";
}

// One row per key of a queues: entry, in the order ToYaml writes them. What each means and
// its default: QueueConfig in config/workload_types.h. The service names are checked in
// Validate.
const std::vector<entries::EntryField<QueueConfig>>& QueueFields() {
  using Q = QueueConfig;
  static const std::vector<entries::EntryField<Q>> fields = {
      entries::NamesKey<Q>("producers", &Q::producers),
      entries::NamesKey<Q>("consumers", &Q::consumers),
      entries::IntKey<Q>("maxReceiveCount", &Q::max_receive_count, 1, 1000,
                         "use 1 to 1000 receives"),
      entries::IntKey<Q>("visibilityTimeout", &Q::visibility_timeout, 0, 43200,
                         "use 0 to 43200 seconds"),
      entries::IntKey<Q>("retentionDays", &Q::retention_days, 1, 14, "use 1 to 14 days"),
  };
  return fields;
}

// The same for buckets: (BucketConfig).
const std::vector<entries::EntryField<BucketConfig>>& BucketFields() {
  using B = BucketConfig;
  static const std::vector<entries::EntryField<B>> fields = {
      entries::NamesKey<B>("readers", &B::readers),
      entries::NamesKey<B>("writers", &B::writers),
      entries::TextKey<B>("encryption", &B::encryption, EncryptionRule),
      entries::IntKey<B>("expireDays", &B::expire_days, 0, 3650,
                         "use 1 to 3650 days, or 0 to keep objects"),
  };
  return fields;
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
  static const std::vector<std::string> keys = entries::EntryKeyNames(QueueFields());
  return keys;
}

const std::vector<std::string>& BucketKeys() {
  static const std::vector<std::string> keys = entries::EntryKeyNames(BucketFields());
  return keys;
}

void LoadQueues(const YAML::Node& node, QueuesConfig& queues, Problems& problems) {
  entries::ForEachEntry(
      node, "queues", "queue", QueueKeys(), problems,
      [&](const std::string& name, const std::string& key, const YAML::Node& map) {
        queues.emplace_back(name, QueueConfig{});
        if (!map.IsNull())
          entries::ReadEntry(key, map, QueueFields(), queues.back().second, problems);
      });
}

void LoadBuckets(const YAML::Node& node, BucketsConfig& buckets, Problems& problems) {
  entries::ForEachEntry(
      node, "buckets", "bucket", BucketKeys(), problems,
      [&](const std::string& name, const std::string& key, const YAML::Node& map) {
        buckets.emplace_back(name, BucketConfig{});
        if (!map.IsNull()) {
          entries::ReadEntry(key, map, BucketFields(), buckets.back().second, problems);
        }
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
    entries::CheckEntry(entry, QueueFields(), q, problems);
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
    entries::CheckEntry(entry, BucketFields(), b, problems);
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
