#pragma once

// Reading and writing the fields of the JSON records rex keeps in the bootstrap bucket
// (history records, engine/history.h; the deploy lease, engine/lease.h): times as ISO-8601
// UTC text, and lenient readers that treat a missing or mistyped field as absent (the record
// readers decide what is required). Pure functions.

#include <chrono>
#include <optional>
#include <string>

#include "base/json.h"

namespace rex::engine {

// "2026-12-02T10:02:03Z".
std::string IsoTime(std::chrono::system_clock::time_point time);

// The time in string field `key` of `j` (ISO-8601); nullopt when absent, not a string or not
// a valid time.
std::optional<std::chrono::system_clock::time_point> TimeField(const base::Json& j,
                                                               const char* key);

// String field `key` of object `j`; "" when absent or not a string.
std::string StringField(const base::Json& j, const char* key);

}  // namespace rex::engine
