// libFuzzer target: `rex config get|set|rm` editing a stack config file. The input is
// "<key>\n<value>\n<file text>"; the file text is edited by SetConfigValue, RemoveConfigValue
// and GetConfigValue. Each gives new text or an error Status, and the key is read back from
// the text SetConfigValue returns.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t first = input.find('\n');
  if (first == std::string_view::npos) return 0;
  size_t second = input.find('\n', first + 1);
  if (second == std::string_view::npos) return 0;
  std::string_view key = input.substr(0, first);
  std::string_view value = input.substr(first + 1, second - first - 1);
  std::string_view text = input.substr(second + 1);
  auto set = rex::config::SetConfigValue(text, "fuzz.yaml", key, value);
  if (set.has_value()) {
    (void)rex::config::GetConfigValue(*set, "fuzz.yaml", key);
  }
  (void)rex::config::RemoveConfigValue(text, "fuzz.yaml", key);
  (void)rex::config::GetConfigValue(text, "fuzz.yaml", key);
  return 0;
}
