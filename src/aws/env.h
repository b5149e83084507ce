#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

// Environment-variable lookup as a seam, so credential, region and retry settings can be
// tested without touching the process environment.
namespace rex::aws {

// Returns the variable's value, or nullopt when unset. Must be thread-safe.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// Reads the real process environment (getenv).
EnvLookup ProcessEnvironment();

// Reads a fixed map (for tests and for callers that snapshot the environment).
EnvLookup MapEnvironment(std::map<std::string, std::string> values);

}  // namespace rex::aws
