#pragma once

// The ${...} references a workload's `environment` values may use (config::services
// ReferenceNames: port, dbName, redisUrl, namespace, supertokensImage), replaced by what the
// stack has. One resolver for services (stack/compute.cc) and jobs (stack/jobs_queues_buckets.cc),
// and the one rule of which workloads get the Redis AUTH token.

#include <functional>
#include <map>
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

// The container variable that carries the Redis AUTH token (the app secret redis.authToken).
inline constexpr const char* kRedisPasswordVariable = "REDIS_PASSWORD";

// True when a workload (service, the migration task, job) gets REDIS_PASSWORD from the Redis
// AUTH token secret without naming it: `redis_auth` (redisAuth) is on, a value of its
// `environment` reads ${redisUrl} (the URL carries no password), and neither its `environment`
// nor its `secrets` sets REDIS_PASSWORD itself. So the presets' api and worker, whose entries
// are the same with AUTH on or off, read the token exactly when the cache requires it.
bool GetsRedisPassword(bool redis_auth, const std::map<std::string, std::string>& environment,
                       const std::map<std::string, std::string>& secrets);

}  // namespace rex::stack
