#include "engine/record_fields.h"

#include <cstdint>

#include "aws/http.h"

namespace rex::engine {

std::string IsoTime(std::chrono::system_clock::time_point time) { return aws::FormatIso8601(time); }

std::optional<std::chrono::system_clock::time_point> TimeField(const base::Json& j,
                                                               const char* key) {
  if (!j.is_object()) return std::nullopt;
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  auto seconds = aws::ParseIso8601(it->get<std::string>());
  if (!seconds.ok()) return std::nullopt;
  return std::chrono::system_clock::time_point(
      std::chrono::milliseconds(static_cast<int64_t>(*seconds * 1000)));
}

std::string StringField(const base::Json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace rex::engine
