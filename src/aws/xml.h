#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

// A minimal XML DOM over expat, enough for AWS responses, plus escaping for the writer.
namespace rex::aws {

struct XmlNode {
  std::string name;  // local name: any "prefix:" is stripped
  std::vector<std::pair<std::string, std::string>> attributes;  // names as written
  std::string text;  // character data directly inside this element, verbatim
  std::vector<XmlNode> children;

  // The first child named `child_name`, or nullptr.
  const XmlNode* Child(std::string_view child_name) const;
  // The first descendant (depth-first, this node included) named `node_name`, or nullptr.
  const XmlNode* Find(std::string_view node_name) const;
  // The value of attribute `attribute_name` as written (e.g. "xsi:type"), or nullptr.
  const std::string* Attribute(std::string_view attribute_name) const;
};

// Parses a whole document and returns its root element. kInvalidArgument with expat's
// message and line on malformed input. Never throws.
base::Result<XmlNode> ParseXml(std::string_view text);

// Escapes &, <, >, and (for attributes) " and '. Carriage returns and line feeds in text are
// written as character references so they survive a parser's line-end normalization.
std::string XmlEscape(std::string_view text, bool attribute = false);

}  // namespace rex::aws
