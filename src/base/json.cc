#include "base/json.h"

namespace rex::base {

Result<Json> ParseJson(std::string_view text, std::string_view what) {
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    std::string message = std::string(what) + " is not valid JSON";
    message += " (at byte " + std::to_string(e.byte) + ")";
    return InvalidArgument(std::move(message));
  }
}

std::string DumpJson(const Json& json) {
  std::string out = json.dump(2, ' ', false, Json::error_handler_t::replace);
  out += '\n';
  return out;
}

}  // namespace rex::base
