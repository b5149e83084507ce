#include "template/graph.h"

#include <map>
#include <sstream>

#include "base/strings.h"
#include "core/references.h"

namespace rex::tmpl {
namespace {

// The logical ids `value` refers to (core/references.h), pseudo parameters left out.
void CollectReferences(const base::Json& value, std::set<std::string>& out) {
  core::ForEachReference(value, [&](const core::Reference& ref) {
    if (ref.kind != core::ReferenceKind::kRef && ref.kind != core::ReferenceKind::kGetAtt &&
        ref.kind != core::ReferenceKind::kSub) {
      return;
    }
    if (!core::IsPseudoParameterName(ref.name)) out.emplace(ref.name);
  });
}

std::string DotEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

std::string DotQuote(std::string_view text) { return "\"" + DotEscape(text) + "\""; }

const base::Json* Member(const base::Json& value, std::string_view key) {
  if (!value.is_object()) return nullptr;
  // The underlying std::map: nlohmann's own iterators trip GCC's -Wnull-dereference. Its
  // comparator is std::less<>, so the key is looked up without a copy.
  const auto& object = value.get_ref<const base::Json::object_t&>();
  auto it = object.find(key);
  return it == object.end() || it->second.is_null() ? nullptr : &it->second;
}

const base::Json* Member(const base::Json* value, std::string_view key) {
  return value == nullptr ? nullptr : Member(*value, key);
}

std::string ResourcePath(const base::Json& resource) {
  const base::Json* path = Member(Member(resource, "Metadata"), "rex:path");
  return path != nullptr && path->is_string() ? path->get<std::string>() : "";
}

std::string ComponentOf(std::string_view path) {
  std::vector<std::string> parts = base::Split(path, '/');
  return parts.size() >= 2 ? parts[1] : "";
}

std::string ShortType(std::string_view type) {
  constexpr std::string_view kPrefix = "AWS::";
  if (base::StartsWith(type, kPrefix)) return std::string(type.substr(kPrefix.size()));
  return std::string(type);
}

std::set<std::string> ReferencedIds(const base::Json& value) {
  std::set<std::string> out;
  CollectReferences(value, out);
  return out;
}

std::set<std::string> DependsOnIds(const base::Json& resource) {
  std::set<std::string> out;
  const base::Json* depends = Member(resource, "DependsOn");
  if (depends == nullptr) return out;
  if (depends->is_string()) out.insert(depends->get<std::string>());
  if (depends->is_array()) {
    for (const auto& id : *depends) {
      if (id.is_string()) out.insert(id.get<std::string>());
    }
  }
  return out;
}

ResourceGraph BuildGraph(const base::Json& tmpl) {
  ResourceGraph graph;
  const base::Json* resources = Member(tmpl, "Resources");
  if (resources == nullptr || !resources->is_object()) return graph;

  // base::Json keeps object keys sorted, so nodes and edges come out in logical id order.
  std::map<std::pair<std::string, std::string>, EdgeKind> edges;
  for (const auto& [id, resource] : resources->items()) {
    GraphNode node;
    node.logical_id = id;
    if (const base::Json* type = Member(resource, "Type"); type != nullptr && type->is_string()) {
      node.type = type->get<std::string>();
    }
    node.path = ResourcePath(resource);
    node.component = ComponentOf(node.path);
    graph.nodes.push_back(std::move(node));

    if (!resource.is_object()) continue;
    std::set<std::string> refs;
    for (const auto& [key, part] : resource.items()) {
      if (key != "Metadata" && key != "DependsOn") CollectReferences(part, refs);
    }
    for (const std::string& to : refs) {
      if (to != id && resources->contains(to)) edges[{id, to}] = EdgeKind::kReference;
    }
    for (const std::string& to : DependsOnIds(resource)) {
      if (to != id && resources->contains(to))
        edges.emplace(std::pair{id, to}, EdgeKind::kDependsOn);
    }
  }
  for (const auto& [pair, kind] : edges) {
    graph.edges.push_back(GraphEdge{.from = pair.first, .to = pair.second, .kind = kind});
  }
  return graph;
}

std::string ToDot(const ResourceGraph& graph, std::string_view title) {
  std::ostringstream out;
  out << "digraph " << DotQuote(title) << " {\n"
      << "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=11, nodesep=0.25, "
         "ranksep=0.6, label="
      << DotQuote(title) << ", labelloc=t];\n"
      << "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#f7f7f7\", "
         "color=\"#888888\", fontname=\"Helvetica\", fontsize=10];\n"
      << "  edge [color=\"#777777\", arrowsize=0.6];\n";

  std::map<std::string, std::vector<const GraphNode*>> by_component;
  for (const GraphNode& node : graph.nodes) by_component[node.component].push_back(&node);
  auto write_node = [&out](const GraphNode& node, std::string_view indent) {
    // A backslash followed by n is DOT's centred line break inside a label.
    std::string label = DotEscape(node.logical_id);
    if (!node.type.empty()) label += "\\n" + DotEscape(ShortType(node.type));
    out << indent << DotQuote(node.logical_id) << " [label=\"" << label << "\"];\n";
  };
  for (const auto& [component, nodes] : by_component) {
    if (component.empty()) continue;
    out << "  subgraph " << DotQuote("cluster_" + component) << " {\n"
        << "    label=" << DotQuote(component) << ";\n"
        << "    style=\"rounded\";\n"
        << "    color=\"#bbbbbb\";\n";
    for (const GraphNode* node : nodes) write_node(*node, "    ");
    out << "  }\n";
  }
  if (auto loose = by_component.find(""); loose != by_component.end()) {
    for (const GraphNode* node : loose->second) write_node(*node, "  ");
  }
  for (const GraphEdge& edge : graph.edges) {
    out << "  " << DotQuote(edge.from) << " -> " << DotQuote(edge.to);
    if (edge.kind == EdgeKind::kDependsOn) out << " [style=dashed]";
    out << ";\n";
  }
  out << "}\n";
  return out.str();
}

}  // namespace rex::tmpl
