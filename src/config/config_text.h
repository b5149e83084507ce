#pragma once

// Scalars of the stack config read by their text, and how values are shown in messages, so that
// Pulumi's quoted "2" and "true" are accepted where a number or a boolean is expected
// (config/config.h). Shared by the config loader and the services table (config/services_config.h).
// Pure functions, no state.

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rex::config::text {

// A whole decimal int ("+" allowed); nullopt for anything else, empty or out of range.
std::optional<int> ParseInt(std::string_view text);
// A whole finite decimal number ("+" allowed); nullopt otherwise.
std::optional<double> ParseNumber(std::string_view text);
// true/True/TRUE, false/False/FALSE; nullopt otherwise.
std::optional<bool> ParseBool(std::string_view text);
// Split at spaces, tabs and newlines; empty words dropped.
std::vector<std::string> SplitWords(std::string_view text);

// The most bytes of a value a message quotes.
inline constexpr size_t kMaxQuotedBytes = 100;
// `s` in double quotes for messages: '"', '\\', newline and tab escaped; a value longer than
// kMaxQuotedBytes is cut there, as "abc..." (123456 bytes).
std::string Quote(std::string_view s);
// Quote without the cut, for text that is written back (YAML) or listed.
std::string QuoteAll(std::string_view s);
// The items of a YAML sequence of scalars. nullopt when an item is not a scalar, with
// `*problem` set to "expected a list of strings, got an item that is <Describe(item)>".
std::optional<std::vector<std::string>> ScalarItems(const YAML::Node& sequence,
                                                    std::string* problem);

// How a YAML node of the wrong type is named in a message: "a map", "a list", "nothing", or
// its scalar quoted. Only for non-secret keys.
std::string Describe(const YAML::Node& node);

}  // namespace rex::config::text
