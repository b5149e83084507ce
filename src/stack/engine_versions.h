#pragma once

// The Aurora PostgreSQL engine versions AWS accepts for new clusters, as data built into rex
// so synthesis stays offline. The source of truth is spec/rds-engine-versions.json (refreshed
// with the pinned schema by tools/refresh-spec); tests/stack/engine_versions_test.cc fails
// when this copy and that file differ, so update both together.

#include <string>
#include <string_view>
#include <vector>

namespace rex::stack {

struct EngineVersions {
  std::string engine = {};                   // "aurora-postgresql"
  std::string major = {};                    // the major version the lists cover, e.g. "15"
  std::vector<std::string> accepted = {};    // AWS creates new clusters with these, oldest first
  std::vector<std::string> deprecated = {};  // AWS refuses these for new clusters
  std::string default_version = {};          // the version rex recommends (the latest accepted)
};

// The built-in copy of spec/rds-engine-versions.json. Lives for the whole program.
const EngineVersions& AuroraPostgresVersions();

enum class EngineVersionStatus {
  kAccepted,    // in the accepted list
  kDeprecated,  // in the deprecated list: creating a cluster with it fails
  kUnknown,     // of the covered major version but in neither list
  kNotCovered,  // another major version: the lists say nothing about it
};

// Where `version` (e.g. "15.4") stands in `versions`.
EngineVersionStatus ClassifyEngineVersion(const EngineVersions& versions, std::string_view version);

// True if Aurora Serverless v2 on aurora-postgresql `version` can scale to 0 ACU and pause:
// 13.15, 14.12, 15.7, 16.3 or a later minor of those majors, and every version from 17 on.
// False for anything that is not "<major>.<minor>" with numbers.
bool SupportsAutoPause(std::string_view version);

}  // namespace rex::stack
