#include "bench/template_stats.h"

#include <algorithm>
#include <map>

#include "base/json.h"

namespace rex::bench {
namespace {

enum class Mark { kUnvisited, kVisiting, kDone };

struct Walk {
  // needs[i]: indexes of the nodes node i refers to or depends on, sorted by logical id.
  std::vector<std::vector<size_t>> needs;
  std::vector<Mark> mark;
  std::vector<size_t> depth;  // resources on the longest chain ending at the node
  std::vector<size_t> next;   // the needed node that chain continues with; npos if none
};

constexpr size_t kNone = static_cast<size_t>(-1);

// Depth-first, iterative (a generated stack of thousands of resources must not overflow the
// call stack). Returns the index of a node on a cycle, or kNone.
size_t Visit(Walk& walk, size_t start) {
  struct Frame {
    size_t node;
    size_t child = 0;
  };
  std::vector<Frame> frames{{start}};
  walk.mark[start] = Mark::kVisiting;
  while (!frames.empty()) {
    Frame& frame = frames.back();
    const std::vector<size_t>& needs = walk.needs[frame.node];
    if (frame.child < needs.size()) {
      size_t to = needs[frame.child++];
      if (walk.mark[to] == Mark::kVisiting) return to;
      if (walk.mark[to] == Mark::kUnvisited) {
        walk.mark[to] = Mark::kVisiting;
        frames.push_back({to});
      }
      continue;
    }
    // All needed nodes are done: the first one (smallest id) with the greatest depth wins.
    size_t best = kNone;
    for (size_t to : needs) {
      if (best == kNone || walk.depth[to] > walk.depth[best]) best = to;
    }
    walk.depth[frame.node] = 1 + (best == kNone ? 0 : walk.depth[best]);
    walk.next[frame.node] = best;
    walk.mark[frame.node] = Mark::kDone;
    frames.pop_back();
  }
  return kNone;
}

}  // namespace

base::Result<std::vector<std::string>> LongestChain(const tmpl::ResourceGraph& graph) {
  // Index nodes by logical id order, so every tie is broken by the smaller id.
  std::vector<std::string> ids;
  ids.reserve(graph.nodes.size());
  for (const tmpl::GraphNode& node : graph.nodes) ids.push_back(node.logical_id);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::map<std::string_view, size_t> index;
  for (size_t i = 0; i < ids.size(); ++i) index.emplace(ids[i], i);

  Walk walk;
  walk.needs.resize(ids.size());
  walk.mark.assign(ids.size(), Mark::kUnvisited);
  walk.depth.assign(ids.size(), 0);
  walk.next.assign(ids.size(), kNone);
  for (const tmpl::GraphEdge& edge : graph.edges) {
    auto from = index.find(edge.from);
    auto to = index.find(edge.to);
    if (from == index.end() || to == index.end()) continue;  // an edge to an unknown node
    if (from->second == to->second) continue;                // a self-reference
    walk.needs[from->second].push_back(to->second);
  }
  for (std::vector<size_t>& needs : walk.needs) {
    std::sort(needs.begin(), needs.end());
    needs.erase(std::unique(needs.begin(), needs.end()), needs.end());
  }

  size_t end = kNone;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (walk.mark[i] == Mark::kUnvisited) {
      if (size_t cycle = Visit(walk, i); cycle != kNone) {
        return base::InvalidArgument("the resources form a cycle through " + ids[cycle]);
      }
    }
    if (end == kNone || walk.depth[i] > walk.depth[end]) end = i;
  }

  std::vector<std::string> chain;
  for (size_t at = end; at != kNone; at = walk.next[at]) chain.push_back(ids[at]);
  std::reverse(chain.begin(), chain.end());  // creation order: the first one needs nothing
  return chain;
}

base::Result<TemplateStats> ComputeStats(std::string_view text, std::string_view what) {
  REX_ASSIGN_OR_RETURN(base::Json tmpl, base::ParseJson(text, what));
  if (!tmpl.is_object()) {
    return base::InvalidArgument(std::string(what) + ": a template is a JSON object");
  }
  tmpl::ResourceGraph graph = tmpl::BuildGraph(tmpl);
  auto chain = LongestChain(graph);
  if (!chain.ok()) return chain.error().WithContext(what);

  TemplateStats stats;
  stats.bytes = text.size();
  stats.resources = graph.nodes.size();
  stats.edges = graph.edges.size();
  stats.chain = std::move(chain).value();
  for (const std::string& id : stats.chain) {
    auto node = std::lower_bound(
        graph.nodes.begin(), graph.nodes.end(), id,
        [](const tmpl::GraphNode& n, const std::string& key) { return n.logical_id < key; });
    stats.chain_types.push_back(node != graph.nodes.end() && node->logical_id == id ? node->type
                                                                                    : "");
  }
  return stats;
}

}  // namespace rex::bench
