// libFuzzer target: the dates rex reads from AWS answers and credential sources: ISO-8601
// (stack events, credential expiry, history records) and HTTP dates (the Date header).
// A date read is converted to a system_clock time point (as rex's callers do: that conversion
// overflowed for years before 1678) and formatted again.

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "aws/http.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto iso = rex::aws::ParseIso8601(text);
  if (iso.has_value()) {
    if (!std::isfinite(*iso)) __builtin_trap();
    auto t = std::chrono::system_clock::time_point(
        std::chrono::milliseconds(static_cast<int64_t>(*iso * 1000)));
    (void)rex::aws::FormatIso8601(t);
  }
  auto http = rex::aws::ParseHttpDate(text);
  if (http.has_value()) {
    auto t =
        std::chrono::system_clock::time_point(std::chrono::seconds(static_cast<int64_t>(*http)));
    (void)t;
    (void)rex::aws::FormatHttpDate(*http);
  }
  return 0;
}
