#pragma once

// YAML "jobs:" of the stack config (types in config/workload_types.h): reading the map of named
// jobs, checking every entry, and writing them back. Used by config/config.cc.
//
// Errors are (key, problem) pairs; the key is the dotted path of the entry and key
// ("jobs.cleanup.schedule") and the problem says what is allowed. Config.cc prefixes the
// source name. Secrets never reach these functions (a job's `secrets` are names of app
// secrets, not values). Pure functions; no state.

#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/entry_reader.h"

namespace rex::config::jobs {

using entries::Problems;

// The keys an entry of "jobs:" accepts, in the order ToYaml writes them.
const std::vector<std::string>& EntryKeys();

// Reads the node of "jobs:" into `jobs` (entries appended in file order). Wrong types,
// unknown keys (with the allowed ones) and bad names go to `problems`.
void Load(const YAML::Node& node, JobsConfig& jobs, Problems& problems);

// Checks every job: image (a service of config.services or an external image with its tag),
// command, Fargate cpu/memory, environment names and references, app secret names, the
// schedule expression and the timezone.
void Validate(const Config& config, Problems& problems);

// The whole "jobs:" section as YAML text (with a heading comment), or "" when there are none.
std::string ToYaml(const JobsConfig& jobs);

// "" when `expression` is a schedule EventBridge Scheduler accepts for a recurring job
// (cron(...) with six fields, or rate(...)); otherwise what is wrong with it, to follow
// "<expression> is not allowed: ".
std::string ScheduleProblem(std::string_view expression);

// True when `image` names an external image (it has a registry path or a tag: '/', ':' or
// '.'), false when it is meant as the name of a service.
bool IsExternalImage(std::string_view image);

}  // namespace rex::config::jobs
