#pragma once

// YAML "queues:" and "buckets:" of the stack config (types in config/workload_types.h):
// reading the maps of named queues and buckets, checking every entry (ranges, the services
// they are granted to, the environment variables they add to those services), and writing
// them back. Used by config/config.cc.
//
// Errors are (key, problem) pairs as in config/jobs_config.h ("queues.jobs.consumers: ...").
// Pure functions; no state.

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "config/config.h"
#include "config/entry_reader.h"

namespace rex::config::storage {

using entries::Problems;

// The keys an entry of "queues:" / "buckets:" accepts, in the order ToYaml writes them.
const std::vector<std::string>& QueueKeys();
const std::vector<std::string>& BucketKeys();

// Read the node of "queues:" / "buckets:" (entries appended in file order). Wrong types,
// unknown keys (with the allowed ones) and bad names go to `problems`.
void LoadQueues(const YAML::Node& node, QueuesConfig& queues, Problems& problems);
void LoadBuckets(const YAML::Node& node, BucketsConfig& buckets, Problems& problems);

// Checks every queue and bucket: ranges, encryption, producers/consumers/readers/writers
// naming services of config.services (each once), and the variable each adds
// (<NAME>_QUEUE_URL, <NAME>_BUCKET) not already set by the service's environment or secrets.
void Validate(const Config& config, Problems& problems);

// The "queues:" and "buckets:" sections as YAML text (each with a heading comment), or ""
// when there are none.
std::string ToYaml(const QueuesConfig& queues, const BucketsConfig& buckets);

}  // namespace rex::config::storage
