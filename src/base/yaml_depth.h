#pragma once

// How deeply YAML text nests, measured on the text itself before a parser sees it. yaml-cpp's
// parser recurses once per level, so every reader of untrusted YAML (the stack config files and
// their editing, YAML templates) refuses text nested beyond its limit by this scan first. The
// scan never recurses and needs no YAML library.

#include <string_view>

namespace rex::base {

// The deepest nesting the pre-scan finds in `text` (block indentation levels, "- " and "? "
// entries and flow collections), stopping as soon as it passes `limit`; `line` (if not null)
// receives the 1-based line where the returned depth was reached. An over-estimate for
// ordinary YAML (it counts every indentation step).
int ScanYamlDepth(std::string_view text, int limit, int* line);

}  // namespace rex::base
