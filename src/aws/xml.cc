#include "aws/xml.h"

#include <expat.h>

#include <memory>

namespace rex::aws {

namespace {

std::string LocalName(std::string_view qualified) {
  size_t colon = qualified.find(':');
  return std::string(colon == std::string_view::npos ? qualified : qualified.substr(colon + 1));
}

struct ParseState {
  XML_Parser parser = nullptr;
  std::vector<XmlNode*> stack;
  XmlNode root;
  bool has_root = false;
  bool too_deep = false;
};

void OnStart(void* user_data, const XML_Char* name, const XML_Char** attrs) {
  auto* state = static_cast<ParseState*>(user_data);
  if (state->too_deep) return;
  if (state->stack.size() >= static_cast<size_t>(kMaxXmlDepth)) {
    state->too_deep = true;
    XML_StopParser(state->parser, XML_FALSE);
    return;
  }
  XmlNode* node;
  if (state->stack.empty()) {
    state->has_root = true;
    node = &state->root;
  } else {
    state->stack.back()->children.emplace_back();
    node = &state->stack.back()->children.back();
  }
  node->name = LocalName(name);
  for (size_t i = 0; attrs[i] != nullptr; i += 2)
    node->attributes.emplace_back(attrs[i], attrs[i + 1]);
  state->stack.push_back(node);
}

void OnEnd(void* user_data, const XML_Char* /*name*/) {
  auto* state = static_cast<ParseState*>(user_data);
  if (!state->too_deep && !state->stack.empty()) state->stack.pop_back();
}

void OnText(void* user_data, const XML_Char* text, int len) {
  auto* state = static_cast<ParseState*>(user_data);
  if (state->too_deep) return;
  if (!state->stack.empty()) state->stack.back()->text.append(text, static_cast<size_t>(len));
}

}  // namespace

XmlNode::~XmlNode() {
  // Moves every descendant into one flat list, level by level, so that each node freed here has
  // no children left and its own destructor does not recurse.
  if (children.empty()) return;
  std::vector<XmlNode> pending = std::move(children);
  children.clear();
  for (size_t i = 0; i < pending.size(); ++i) {
    if (pending[i].children.empty()) continue;
    std::vector<XmlNode> grandchildren = std::move(pending[i].children);
    pending[i].children.clear();
    for (XmlNode& g : grandchildren) pending.push_back(std::move(g));
  }
}

const XmlNode* XmlNode::Child(std::string_view child_name) const {
  for (const XmlNode& child : children) {
    if (child.name == child_name) return &child;
  }
  return nullptr;
}

const XmlNode* XmlNode::Find(std::string_view node_name) const {
  // Depth-first, in document order, with an explicit stack of nodes still to visit.
  std::vector<const XmlNode*> todo = {this};
  while (!todo.empty()) {
    const XmlNode* node = todo.back();
    todo.pop_back();
    if (node->name == node_name) return node;
    for (auto it = node->children.rbegin(); it != node->children.rend(); ++it) todo.push_back(&*it);
  }
  return nullptr;
}

const std::string* XmlNode::Attribute(std::string_view attribute_name) const {
  for (const auto& [key, value] : attributes) {
    if (key == attribute_name) return &value;
  }
  return nullptr;
}

base::Result<XmlNode> ParseXml(std::string_view text) {
  std::unique_ptr<std::remove_pointer_t<XML_Parser>, decltype(&XML_ParserFree)> parser(
      XML_ParserCreate(nullptr), &XML_ParserFree);
  if (!parser) return base::Internal("cannot create an XML parser");
  if (text.size() > kMaxXmlBytes) {
    return base::InvalidArgument("XML document of " + std::to_string(text.size()) +
                                 " bytes; at most " + std::to_string(kMaxXmlBytes) + " are read");
  }
  ParseState state;
  state.parser = parser.get();
  // The DOM holds pointers into vectors that grow; reserve-free safety comes from only ever
  // appending to the innermost open element, whose parent vector no longer changes.
  XML_SetUserData(parser.get(), &state);
  XML_SetElementHandler(parser.get(), &OnStart, &OnEnd);
  XML_SetCharacterDataHandler(parser.get(), &OnText);
  if (XML_Parse(parser.get(), text.data(), static_cast<int>(text.size()), XML_TRUE) ==
      XML_STATUS_ERROR) {
    if (state.too_deep) {
      return base::InvalidArgument("XML nested deeper than " + std::to_string(kMaxXmlDepth) +
                                   " elements at line " +
                                   std::to_string(XML_GetCurrentLineNumber(parser.get())));
    }
    return base::InvalidArgument("malformed XML at line " +
                                 std::to_string(XML_GetCurrentLineNumber(parser.get())) + ": " +
                                 XML_ErrorString(XML_GetErrorCode(parser.get())));
  }
  if (!state.has_root) return base::InvalidArgument("XML document has no root element");
  return std::move(state.root);
}

}  // namespace rex::aws
