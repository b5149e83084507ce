#pragma once

// Escaping text for XML documents and for Graphviz's HTML-like labels (which Graphviz parses
// as XML).

#include <string>
#include <string_view>

namespace rex::base {

// Escapes &, <, >, and (for attributes) " and '. Carriage returns and line feeds in text are
// written as character references so they survive a parser's line-end normalization.
std::string XmlEscape(std::string_view text, bool attribute = false);

}  // namespace rex::base
