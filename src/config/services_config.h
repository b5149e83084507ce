#pragma once

// YAML "services:" of the stack config: reading the map of named services, checking every
// entry, and writing the entries that are not built in. Used by config/config.cc only; the
// types are in config/config.h.
//
// Errors are (key, problem) pairs; the key is the dotted path of the entry and key
// ("services.notifier.port") and the problem says what is allowed. Config.cc prefixes the
// source name. Secrets never reach these functions (a service's `secrets` are names of app
// secrets, not values).

#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.h"

namespace rex::config::services {

using Problems = std::vector<std::pair<std::string, std::string>>;

// The keys an entry of "services:" accepts, in the order ConfigToYaml writes them.
const std::vector<std::string>& EntryKeys();

// The app secret names a service's `secrets` may use.
const std::vector<std::string>& AppSecretNames();

// The ${...} references `environment` values and `image` may use.
const std::vector<std::string>& ReferenceNames();

// Reads the node of "services:" into `services`: a known name changes that entry (environment
// and secrets are merged over its defaults), a new name adds an entry with defaults. Wrong
// types, unknown keys (with the allowed ones) and bad names go to `problems`.
void Load(const YAML::Node& node, ServicesConfig& services, Problems& problems);

// Checks every entry against what config.h allows (ranges, Fargate sizes, names, a port or a
// path used twice, references, app secret names, calledBy naming a service) and, with
// autoscaling enabled, the desiredCount of scaled services.
void Validate(const Config& config, Problems& problems);

// YAML text (under "services:", two-space indent) of the entries that are not built in, or "".
std::string ExtraEntriesYaml(const ServicesConfig& services);

// The first ${...} reference of `text` that is not one of ReferenceNames(), or "".
std::string UnknownReference(std::string_view text);

}  // namespace rex::config::services
