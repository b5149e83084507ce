#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/escape.h"
#include "base/result.h"

// A minimal XML DOM over expat, enough for AWS responses, plus escaping for the writer.
// AWS answers are untrusted bytes: ParseXml refuses text longer than kMaxXmlBytes and elements
// nested deeper than kMaxXmlDepth, Find walks without recursing, and a node is destroyed
// without recursing, so no answer can exhaust the stack.
namespace rex::aws {

// The deepest element nesting ParseXml accepts (AWS answers use fewer than 20 levels).
inline constexpr int kMaxXmlDepth = 256;
// The longest document ParseXml accepts (64 MiB).
inline constexpr size_t kMaxXmlBytes = size_t{64} * 1024 * 1024;

struct XmlNode {
  std::string name;  // local name: any "prefix:" is stripped
  std::vector<std::pair<std::string, std::string>> attributes;  // names as written
  std::string text;  // character data directly inside this element, verbatim
  std::vector<XmlNode> children;

  XmlNode() = default;
  XmlNode(const XmlNode&) = default;
  XmlNode(XmlNode&&) noexcept = default;
  XmlNode& operator=(const XmlNode&) = default;
  XmlNode& operator=(XmlNode&&) noexcept = default;
  ~XmlNode();  // iterative: children are flattened into a work list before they are freed

  // The first child named `child_name`, or nullptr.
  const XmlNode* Child(std::string_view child_name) const;
  // The first descendant (depth-first, this node included) named `node_name`, or nullptr.
  const XmlNode* Find(std::string_view node_name) const;
  // The value of attribute `attribute_name` as written (e.g. "xsi:type"), or nullptr.
  const std::string* Attribute(std::string_view attribute_name) const;
};

// Parses a whole document and returns its root element. kInvalidArgument with expat's
// message and line on malformed input, and on text or nesting beyond the limits above. Never
// throws.
base::Result<XmlNode> ParseXml(std::string_view text);

// XmlEscape (base/escape.h) for the writers of request and response bodies.
using base::XmlEscape;

}  // namespace rex::aws
