#pragma once

// The JSON views of a stack config that `rex config --json` and `rex config get KEY --json`
// print (docs/json-config.md). Keys are camelCase as in the YAML file; documents carry
// "version": kConfigJsonVersion. Secrets are "[secret]" when set, null when not set, and their
// value only when `show_secrets` is true and the config was loaded with the passphrase (a
// sealed secret stays "[secret]"). Pure functions.

#include <string_view>

#include "base/json.h"
#include "base/result.h"
#include "config/config.h"

namespace rex::config {

// The "version" field of the documents below; raised when a field changes meaning or goes.
inline constexpr int kConfigJsonVersion = 1;

// Every key of ConfigKeys() nested by its dotted path ({"services": {"api": {"cpu": 512}}}):
// strings, numbers, booleans, lists of strings; dbDeletionProtection null when unset; then
// "checks": {"suppress": [{"rule", "resource", "reason"}]}.
base::Json ConfigJson(const Config& config, bool show_secrets);

// The effective value of one key (a dotted path, the "rex-backend:" prefix allowed) as
// ConfigJson gives it; dbDeletionProtection gives its effective boolean. kInvalidArgument for
// an unknown key or a group of keys.
base::Result<base::Json> KeyJson(const Config& config, std::string_view key, bool show_secrets);

}  // namespace rex::config
