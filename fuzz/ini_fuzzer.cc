// libFuzzer target: the AWS shared config and credentials files (~/.aws/config,
// ~/.aws/credentials) as the credential chain reads them (aws::ParseIni).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "aws/credentials.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto ini = rex::aws::ParseIni(text, "credentials");
  if (ini.has_value()) {
    for (const auto& [section, keys] : *ini) {
      if (section.empty() && keys.empty()) continue;
    }
  }
  return 0;
}
