#pragma once

#include <chrono>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/codec.h"
#include "base/json.h"

// Small helpers the service clients use to turn the codecs' generic tree into typed
// structs and back. Missing or mistyped members read as empty values: AWS omits members
// freely and a typed field's default says "absent".
namespace rex::aws {

using TimePoint = std::chrono::system_clock::time_point;

inline std::string JsonString(const base::Json& j, std::string_view key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

inline int64_t JsonInt(const base::Json& j, std::string_view key, int64_t fallback = 0) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<int64_t>() : fallback;
}

inline std::optional<int64_t> JsonOptionalInt(const base::Json& j, std::string_view key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  return it->get<int64_t>();
}

inline bool JsonBool(const base::Json& j, std::string_view key, bool fallback = false) {
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

// Epoch seconds (the codecs' timestamp form) as a time point; nullopt when absent.
inline std::optional<TimePoint> JsonTime(const base::Json& j, std::string_view key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  double seconds = it->get<double>();
  return TimePoint(std::chrono::milliseconds(static_cast<int64_t>(std::llround(seconds * 1000))));
}

inline std::vector<std::string> JsonStringList(const base::Json& j, std::string_view key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& item : *it) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

inline const base::Json& JsonArray(const base::Json& j, std::string_view key) {
  static const base::Json kEmpty = base::Json::array();
  auto it = j.find(key);
  return it != j.end() && it->is_array() ? *it : kEmpty;
}

inline const base::Json& JsonObject(const base::Json& j, std::string_view key) {
  static const base::Json kEmpty = base::Json::object();
  auto it = j.find(key);
  return it != j.end() && it->is_object() ? *it : kEmpty;
}

// Epoch seconds for a time point (what the codecs serialize as a timestamp).
inline double ToEpochSeconds(TimePoint t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

// Parses a model literal compiled into the binary; a malformed one is a bug.
ModelJson MustParseModel(std::string_view text);

}  // namespace rex::aws
