#pragma once

// The ${...} references a workload's `environment` values may use (config::services
// ReferenceNames: port, dbName, redisUrl, namespace, supertokensImage), replaced by what the
// stack has. One resolver for services (stack/compute.cc) and jobs (stack/jobs_queues_buckets.cc).

#include <functional>
#include <optional>
#include <string>

#include "core/value.h"

namespace rex::stack {

// What the references stand for in one workload.
struct ReferenceValues {
  core::Str redis_url = core::Str("");  // ${redisUrl}: a token (the cache's endpoint)
  std::string db_name = "";             // ${dbName}
  std::string namespace_name = "";      // ${namespace}: the Cloud Map namespace
  std::string supertokens_image = "";   // ${supertokensImage}
  std::optional<int> port = {};         // ${port}; none: a job, which has no port
};

// `text` with its references replaced: a lone token stays that token, text around tokens
// becomes an Fn::Join. An unknown reference (or ${port} without a port) goes to `error` with
// the reference named, and is left out.
core::Str ResolveReferences(const std::string& text, const ReferenceValues& values,
                            const std::function<void(const std::string&)>& error);

}  // namespace rex::stack
