#pragma once

// Validation of a Config (config/validate.cc): the public entry is ValidateConfig in
// config/config.h; the loader asks for the problems as lines to report them with its own.

#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace rex::config {

// Every problem of `config`, one line each ("<source_name>: <key>: <problem>"), or none.
std::vector<std::string> ValidationErrors(const Config& config, std::string_view source_name);

}  // namespace rex::config
