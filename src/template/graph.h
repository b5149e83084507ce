#pragma once

// Reading the structure of a synthesized CloudFormation template: its resources, the
// construct path rex records for each (Metadata "rex:path"), the component that path names,
// and the references between resources. `rex graph` draws it; cost and checks use the same
// helpers to find what a resource points at.
//
// Everything here is pure and total: a template that is not an object, or a resource
// without Type or Metadata, gives fewer nodes, never an error. Output is deterministic
// (sorted by logical id), so the DOT text of the same template is byte-identical.

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"

namespace rex::tmpl {

// The member `key` of `value`; nullptr if `value` is not an object, has no such member, or
// the member is null. The pointer lives as long as `value`.
const base::Json* Member(const base::Json& value, std::string_view key);
const base::Json* Member(const base::Json* value, std::string_view key);

// The construct path of a template resource ("Rex/Network/Vpc"), from Metadata "rex:path";
// "" when the resource has none (a hand-written template).
std::string ResourcePath(const base::Json& resource);

// The component of a construct path: its first component below the stack
// ("Rex/Network/Vpc" -> "Network"); "" for a path with fewer than two components.
std::string ComponentOf(std::string_view path);

// `text` as a DOT double-quoted string: quotes and backslashes escaped.
std::string DotQuote(std::string_view text);

// "AWS::EC2::VPC" -> "EC2::VPC"; other types unchanged.
std::string ShortType(std::string_view type);

// The logical ids `value` refers to through Ref, Fn::GetAtt (list or "Id.Attr" form) and
// Fn::Sub (${Id} and ${Id.Attr}, skipping ${!Literal}, pseudo parameters and the names
// bound by Fn::Sub's variable map), anywhere inside `value`. Parameters are included; the
// caller filters by what the template defines.
std::set<std::string> ReferencedIds(const base::Json& value);

// The ids in a resource's DependsOn (a string or a list of strings).
std::set<std::string> DependsOnIds(const base::Json& resource);

struct GraphNode {
  std::string logical_id;
  std::string type;       // "AWS::EC2::VPC"
  std::string path;       // rex:path, "" if absent
  std::string component;  // ComponentOf(path)
};

enum class EdgeKind {
  kReference,  // Ref, Fn::GetAtt or Fn::Sub in the properties (or elsewhere in the resource)
  kDependsOn,  // an explicit DependsOn and no reference
};

// `from` needs `to`: it refers to it or depends on it.
struct GraphEdge {
  std::string from;
  std::string to;
  EdgeKind kind = EdgeKind::kReference;

  auto operator<=>(const GraphEdge&) const = default;
};

struct ResourceGraph {
  std::vector<GraphNode> nodes;  // sorted by logical id
  std::vector<GraphEdge> edges;  // sorted by (from, to); at most one edge per pair
};

// The graph of `tmpl`'s resources: one node per entry of "Resources", one edge per pair of
// resources where the first refers to (or explicitly depends on) the second. References to
// parameters, pseudo parameters and ids the template does not define are left out; so are
// self-references.
ResourceGraph BuildGraph(const base::Json& tmpl);

// Graphviz DOT text of `graph`: left-to-right, one cluster per component (components sorted
// by name; resources without a component sit outside every cluster), nodes labelled with
// the logical id and the short type, DependsOn edges dashed. Deterministic; ends with a
// newline. `title` names the digraph.
std::string ToDot(const ResourceGraph& graph, std::string_view title);

}  // namespace rex::tmpl
