#pragma once

// What the config loader (config/config.cc) shares with the editor (config/edit.cc), and the
// load without a passphrase for what never needs a secret's value: the `rex config` listing and
// shell completion.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "config/config.h"

namespace rex::config {

// The stack a config source belongs to, for binding secrets: the file name's stem
// ("stacks/dev.yaml" -> "dev").
std::string StackOfSource(std::string_view source);

// Why `text` is refused before parsing ("<source>: ..."): too large, nested too deep, not
// UTF-8; or nothing.
std::optional<std::string> CheckYamlBounds(std::string_view text, std::string_view source);

// LoadConfig, with `decrypt` false checking only the shape of secrets (their values stay
// unknown, set but empty): what an edit validates its result with, needing no passphrase.
base::Result<Config> LoadText(std::string_view text, std::string_view source, const Env& env,
                              bool decrypt);

// Removes the config file `file` and the lock file its edits take (".<name>.lock" beside it),
// holding that lock meanwhile so that no `rex config set` writes it back half-way. A missing
// file is an error (NotFound).
base::Status RemoveConfigFile(const std::filesystem::path& file);

}  // namespace rex::config
