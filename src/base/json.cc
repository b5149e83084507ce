#include "base/json.h"

#include <exception>
#include <new>

namespace rex::base {

int ScanJsonDepth(std::string_view text, int limit, size_t* offset) {
  int depth = 0;
  int deepest = 0;
  size_t deepest_at = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest) {
        deepest = depth;
        deepest_at = i;
        if (deepest > limit) break;
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  if (offset != nullptr) *offset = deepest_at;
  return deepest;
}

Result<Json> ParseJson(std::string_view text, std::string_view what) {
  if (text.size() > kMaxJsonBytes) {
    return InvalidArgument(std::string(what) + " is " + std::to_string(text.size()) +
                           " bytes of JSON; at most " + std::to_string(kMaxJsonBytes) +
                           " are read");
  }
  size_t at = 0;
  if (ScanJsonDepth(text, kMaxJsonDepth, &at) > kMaxJsonDepth) {
    return InvalidArgument(std::string(what) + " is JSON nested deeper than " +
                           std::to_string(kMaxJsonDepth) + " levels (at byte " +
                           std::to_string(at) + ")");
  }
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    std::string message = std::string(what) + " is not valid JSON";
    message += " (at byte " + std::to_string(e.byte) + ")";
    return InvalidArgument(std::move(message));
  } catch (const Json::exception& e) {
    // out_of_range (a number such as 1e999), and any other refusal of nlohmann's.
    return InvalidArgument(std::string(what) + " is not usable JSON (" + e.what() + ")");
  } catch (const std::bad_alloc&) {
    return InvalidArgument(std::string(what) + " is JSON too large to hold in memory");
  } catch (const std::exception& e) {
    return InvalidArgument(std::string(what) + " could not be read as JSON (" + e.what() + ")");
  }
}

std::string DumpJson(const Json& json) {
  std::string out = json.dump(2, ' ', false, Json::error_handler_t::replace);
  out += '\n';
  return out;
}

}  // namespace rex::base
