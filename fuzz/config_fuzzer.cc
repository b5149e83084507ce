// libFuzzer target: the stack config loader (YAML text → validated Config). Any input must
// give a Config or an error Status: no crash, no hang, no sanitizer report. A passphrase is
// set so the decryption path of {secure: v1:...} values is reached too.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  rex::config::Env env;
  env.config_passphrase = "fuzz";
  auto config = rex::config::LoadConfig(text, "fuzz.yaml", env);
  if (config.has_value()) {
    // A loaded config always validates and prints without revealing anything.
    rex::base::Status valid = rex::config::ValidateConfig(*config, "fuzz.yaml");
    if (!valid.ok()) __builtin_trap();
    (void)rex::config::ToString(*config);
  }
  return 0;
}
