#include "stack/engine_versions.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <utility>

namespace rex::stack {
namespace {

// "15.7" -> {15, 7}; nullopt unless both parts are plain numbers.
std::optional<std::pair<int, int>> ParseMajorMinor(std::string_view version) {
  size_t dot = version.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == version.size()) return std::nullopt;
  auto parse = [](std::string_view text) -> std::optional<int> {
    int n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return n;
  };
  auto major = parse(version.substr(0, dot));
  auto minor = parse(version.substr(dot + 1));
  if (!major || !minor) return std::nullopt;
  return std::make_pair(*major, *minor);
}

bool Contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace

const EngineVersions& AuroraPostgresVersions() {
  // Keep equal to spec/rds-engine-versions.json (a test compares them).
  static const EngineVersions versions{
      .engine = "aurora-postgresql",
      .major = "15",
      .accepted = {"15.8", "15.10", "15.12", "15.13", "15.14", "15.15", "15.17"},
      .deprecated = {"15.2", "15.3", "15.4", "15.5", "15.6", "15.7"},
      .default_version = "15.17",
  };
  return versions;
}

EngineVersionStatus ClassifyEngineVersion(const EngineVersions& versions,
                                          std::string_view version) {
  if (Contains(versions.accepted, version)) return EngineVersionStatus::kAccepted;
  if (Contains(versions.deprecated, version)) return EngineVersionStatus::kDeprecated;
  std::string prefix = versions.major + ".";
  if (version.substr(0, prefix.size()) == prefix) return EngineVersionStatus::kUnknown;
  return EngineVersionStatus::kNotCovered;
}

bool SupportsAutoPause(std::string_view version) {
  auto parsed = ParseMajorMinor(version);
  if (!parsed) return false;
  auto [major, minor] = *parsed;
  // The first minor of each major with 0-ACU support (Aurora User Guide, "Scaling to zero
  // ACUs with automatic pause and resume").
  switch (major) {
    case 13:
      return minor >= 15;
    case 14:
      return minor >= 12;
    case 15:
      return minor >= 7;
    case 16:
      return minor >= 3;
    default:
      return major >= 17;
  }
}

}  // namespace rex::stack
