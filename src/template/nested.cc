#include "template/nested.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <functional>
#include <optional>
#include <queue>
#include <set>
#include <span>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "base/strings.h"
#include "core/element.h"
#include "core/references.h"

namespace rex::tmpl {
namespace {

using base::Json;

constexpr size_t kNone = static_cast<size_t>(-1);

// FNV-1a: a hash fixed by its definition, so boundaries are the same on every machine.
uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

std::string Alnum(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c))) out += c;
  }
  return out;
}

std::string JoinPath(const std::vector<std::string>& path, size_t count) {
  std::string out;
  for (size_t i = 0; i < count && i < path.size(); ++i) {
    if (i > 0) out += '/';
    out += path[i];
  }
  return out;
}

// Hashes std::string and std::string_view alike: lookups by a view, without a copy.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

bool IsPseudo(std::string_view name) { return name.rfind("AWS::", 0) == 0; }

struct Resource {
  std::string id;
  const Json* json = nullptr;
  Json* owned = nullptr;  // the same, to rewrite in place and move out
  // Read after the resource has been moved into its child.
  std::string type;
  Json condition;                 // its Condition, null when none
  std::vector<std::string> path;  // below the stack
  // Resources it references (Ref, GetAtt, Sub) or depends on, by index; may repeat.
  std::vector<size_t> deps;
  // Read only (Summarize): every reference in the parts of the resource a split rewrites, in
  // walk order, found once by ScanDependencies; the names point into the template.
  std::vector<core::Reference> references;
  size_t unit = kNone;
  size_t chunk = kNone;
};

struct Unit {
  std::string key;
  std::vector<size_t> members;  // resource indexes
};

// A reference to a resource of another stack: what the consumer needs.
struct Import {
  size_t resource = kNone;
  std::string attribute;  // "" for a Ref
};

struct Chunk {
  std::string name;
  std::vector<size_t> units;  // in order
  std::vector<size_t> resources;
  // Export name → what it outputs (this chunk produces it).
  std::map<std::string, Import> exports;
  // Export name → producing chunk (this chunk consumes it as a parameter).
  std::map<std::string, size_t> imports;
  std::set<std::string> root_parameters;
  std::set<std::string> conditions;
  std::set<std::string> mappings;
  std::set<size_t> depends_on;  // chunks, from cross-stack DependsOn
};

// Calls `on(name, attribute)` for every Ref, Fn::GetAtt and Fn::Sub name inside `j`.
template <typename On>
void ForEachResourceReference(const Json& j, const On& on) {
  core::ForEachReference(j, [&](const core::Reference& ref) {
    if (ref.kind == core::ReferenceKind::kRef || ref.kind == core::ReferenceKind::kGetAtt ||
        ref.kind == core::ReferenceKind::kSub) {
      on(ref.name, ref.attribute);
    }
  });
}

class Splitter {
 public:
  // Takes the template: its resources and outputs are rewritten in place and moved into the
  // children and the parent, never copied.
  Splitter(Json tmpl, const NestedOptions& options)
      : owned_(std::move(tmpl)), tmpl_(owned_), options_(options) {}
  // Reads `tmpl` only (Summarize): nothing is copied, rewritten or moved.
  struct ReadOnly {};
  Splitter(const Json& tmpl, const NestedOptions& options, ReadOnly)
      : tmpl_(tmpl), options_(options), read_only_(true) {}

  base::Result<NestedStacks> Run() {
    REX_RETURN_IF_ERROR(Place());
    RewriteResources();
    Json outputs = RewriteRootOutputs();
    NestedStacks out;
    REX_RETURN_IF_ERROR(EmitChildren(out));
    out.parent = EmitParent(std::move(outputs));
    return out;
  }

  // What Run() would report in NestedStacks::summary, with the same errors: the placement is
  // the same, and the cross-stack references are counted by one read-only walk instead of
  // being rewritten.
  base::Result<std::vector<NestedChild>> Summarize() {
    REX_RETURN_IF_ERROR(Place());
    for (size_t c = 0; c < chunks_.size(); ++c) {
      Chunk& chunk = chunks_[c];
      Scope scope{c, &chunk.root_parameters, &chunk.conditions, &chunk.mappings};
      for (size_t i : chunk.resources) {
        const Json& res = *resources_[i].json;
        if (!res.is_object()) continue;
        if (auto condition = res.find("Condition");
            condition != res.end() && condition->is_string()) {
          chunk.conditions.insert(condition->get<std::string>());
        }
        // The references ScanDependencies found, in the order a walk would find them.
        for (const core::Reference& ref : resources_[i].references) NoteReference(ref, scope);
      }
    }
    if (tmpl_.contains("Outputs")) {
      Scope scope{kNone, nullptr, &parent_conditions_, &parent_mappings_};
      for (const auto& [name, output] : tmpl_["Outputs"].items()) {
        if (!output.is_object()) continue;
        for (const auto& [key, value] : output.items()) {
          if (key != "Condition") NoteReferences(value, scope);
        }
      }
    }
    std::vector<NestedChild> summary;
    for (Chunk& chunk : chunks_) {
      (void)ConditionsClosure(chunk.conditions, &chunk.root_parameters);
      // Export names are unique among every name of the template, parameters included.
      size_t parameters = chunk.root_parameters.size() + chunk.imports.size();
      REX_RETURN_IF_ERROR(CheckLimits(chunk, parameters, chunk.exports.size()));
      summary.push_back(Summary(chunk, parameters, chunk.exports.size()));
    }
    return summary;
  }

 private:
  // Everything up to where each resource goes and the names of the children.
  base::Status Place() {
    if (tmpl_.contains("Transform")) {
      return base::InvalidArgument(
          "cannot split a template with a Transform into nested stacks: the macros may add "
          "resources rex cannot count");
    }
    if (read_only_) {
      IndexResources(tmpl_.at("Resources"));
    } else {
      IndexResources(owned_.at("Resources"));
    }
    BuildUnits();
    ScanDependencies();
    REX_RETURN_IF_ERROR(MergeCycles());
    OrderUnits();
    REX_RETURN_IF_ERROR(CutIntoChunks());
    NameChunks();
    return base::Status::Ok();
  }

  // ---- indexing
  template <typename JsonT>  // Json (owned) or const Json (read only)
  void IndexResources(JsonT& resources) {
    resources_.reserve(resources.size());
    index_.reserve(resources.size());
    for (auto& [id, r] : resources.items()) {
      Json* owned = nullptr;
      if constexpr (!std::is_const_v<JsonT>) owned = &r;
      AddResource(id, r, owned);
    }
    for (const char* section : {"Parameters", "Conditions", "Outputs", "Mappings"}) {
      if (!tmpl_.contains(section)) continue;
      for (const auto& [id, _] : tmpl_[section].items()) taken_.insert(id);
    }
    for (const Resource& r : resources_) taken_.insert(r.id);
  }

  void AddResource(const std::string& id, const Json& r, Json* owned) {
    Resource res;
    res.id = id;
    res.json = &r;
    res.owned = owned;
    if (r.is_object()) {
      auto type = r.find("Type");
      if (type != r.end() && type->is_string()) res.type = type->get<std::string>();
      auto condition = r.find("Condition");
      if (condition != r.end()) res.condition = *condition;
    }
    const Json* meta = r.is_object() && r.contains("Metadata") ? &r["Metadata"] : nullptr;
    if (meta != nullptr && meta->is_object() && meta->contains("rex:path") &&
        (*meta)["rex:path"].is_string()) {
      // The components after the first (the stack), split at '/'.
      std::string_view path = (*meta)["rex:path"].get_ref<const std::string&>();
      size_t slash = path.find('/');
      while (slash != std::string_view::npos) {
        size_t next = path.find('/', slash + 1);
        res.path.emplace_back(
            path.substr(slash + 1, next == std::string_view::npos ? next : next - slash - 1));
        slash = next;
      }
    }
    if (res.path.empty()) res.path = {id};
    index_.emplace(id, resources_.size());
    resources_.push_back(std::move(res));
  }

  const Json& Section(const char* name) const {
    static const Json kEmpty = Json::object();
    auto it = tmpl_.find(name);
    return it == tmpl_.end() ? kEmpty : *it;
  }

  // ---- units: components, big ones split by subtree
  void BuildUnits() {
    std::vector<size_t> all(resources_.size());
    for (size_t i = 0; i < all.size(); ++i) all[i] = i;
    Group(all, 0);
    for (size_t u = 0; u < units_.size(); ++u) {
      for (size_t m : units_[u].members) resources_[m].unit = u;
    }
  }

  void Group(const std::vector<size_t>& members, size_t depth) {
    std::map<std::string, std::vector<size_t>> groups;
    for (size_t m : members) {
      const std::vector<std::string>& path = resources_[m].path;
      groups[JoinPath(path, std::min(path.size(), depth + 1))].push_back(m);
    }
    for (auto& [key, group] : groups) {
      bool deeper = std::any_of(group.begin(), group.end(),
                                [&](size_t m) { return resources_[m].path.size() > depth + 1; });
      if (group.size() > options_.child_max && deeper) {
        Group(group, depth + 1);
      } else {
        units_.push_back(Unit{key, std::move(group)});
      }
    }
  }

  void ScanDependencies() {
    for (Resource& r : resources_) {
      auto on = [&](std::string_view name, std::string_view) {
        size_t i = IndexOf(name);
        if (i != kNone) r.deps.push_back(i);
      };
      if (read_only_) {
        ScanReferences(r);
      } else {
        if (r.json->contains("Properties")) ForEachResourceReference((*r.json)["Properties"], on);
        for (const char* key : {"CreationPolicy", "UpdatePolicy"}) {
          if (r.json->contains(key)) ForEachResourceReference((*r.json)[key], on);
        }
      }
      if (r.json->contains("DependsOn")) {
        const Json& d = (*r.json)["DependsOn"];
        if (d.is_string()) on(d.get_ref<const std::string&>(), "");
        if (d.is_array()) {
          for (const Json& s : d) {
            if (s.is_string()) on(s.get_ref<const std::string&>(), "");
          }
        }
      }
    }
  }

  // Read only: one walk of the parts of `r` a split rewrites, keeping every reference for
  // Summarize and taking the dependencies from those of Properties, CreationPolicy and
  // UpdatePolicy (as ScanDependencies does without keeping them).
  void ScanReferences(Resource& r) {
    if (!r.json->is_object()) return;
    for (const auto& [key, value] : r.json->get_ref<const Json::object_t&>()) {
      if (!IsRewritten(key) || (key == "Condition" && value.is_string())) continue;
      bool dependency = key == "Properties" || key == "CreationPolicy" || key == "UpdatePolicy";
      core::ForEachReference(value, [&](const core::Reference& ref) {
        r.references.push_back(ref);
        if (!dependency) return;
        if (ref.kind == core::ReferenceKind::kRef || ref.kind == core::ReferenceKind::kGetAtt ||
            ref.kind == core::ReferenceKind::kSub) {
          size_t i = IndexOf(ref.name);
          if (i != kNone) r.deps.push_back(i);
        }
      });
    }
  }

  // ---- strongly connected components of the unit graph (iterative Tarjan), merged
  base::Status MergeCycles() {
    size_t n = units_.size();
    std::vector<std::vector<size_t>> adj(n);
    for (const Resource& r : resources_) {
      for (size_t d : r.deps) {
        size_t to = resources_[d].unit;
        if (to != r.unit) adj[r.unit].push_back(to);
      }
    }
    for (auto& a : adj) {
      std::sort(a.begin(), a.end());
      a.erase(std::unique(a.begin(), a.end()), a.end());
    }
    std::vector<size_t> index(n, kNone), low(n, 0), comp(n, kNone);
    std::vector<char> on_stack(n, 0);
    std::vector<size_t> stack;
    std::vector<std::pair<size_t, size_t>> calls;
    size_t next = 0, comps = 0;
    for (size_t s = 0; s < n; ++s) {
      if (index[s] != kNone) continue;
      index[s] = low[s] = next++;
      stack.push_back(s);
      on_stack[s] = 1;
      calls.push_back({s, 0});
      while (!calls.empty()) {
        size_t v = calls.back().first;
        if (calls.back().second < adj[v].size()) {
          size_t w = adj[v][calls.back().second++];
          if (index[w] == kNone) {
            index[w] = low[w] = next++;
            stack.push_back(w);
            on_stack[w] = 1;
            calls.push_back({w, 0});
          } else if (on_stack[w]) {
            low[v] = std::min(low[v], index[w]);
          }
          continue;
        }
        if (low[v] == index[v]) {
          while (true) {
            size_t w = stack.back();
            stack.pop_back();
            on_stack[w] = 0;
            comp[w] = comps;
            if (w == v) break;
          }
          ++comps;
        }
        calls.pop_back();
        if (!calls.empty()) low[calls.back().first] = std::min(low[calls.back().first], low[v]);
      }
    }
    if (comps == n) {
      unit_deps_ = std::move(adj);
      return base::Status::Ok();
    }
    // Merge: the merged unit takes the naturally smallest key of its parts.
    std::vector<Unit> merged(comps);
    std::vector<std::vector<std::string>> parts(comps);
    for (size_t u = 0; u < n; ++u) {
      Unit& m = merged[comp[u]];
      if (m.key.empty() || NaturalLess(units_[u].key, m.key)) m.key = units_[u].key;
      m.members.insert(m.members.end(), units_[u].members.begin(), units_[u].members.end());
      parts[comp[u]].push_back(units_[u].key);
    }
    for (size_t c = 0; c < comps; ++c) {
      if (merged[c].members.size() > options_.max_resources) {
        std::sort(parts[c].begin(), parts[c].end(), NaturalLess);
        return base::FailedPrecondition(
            "cannot split the stack into nested stacks: " + base::Join(parts[c], ", ") +
            " reference each other and hold " + std::to_string(merged[c].members.size()) +
            " resources together, over the " + std::to_string(options_.max_resources) +
            "-resource limit of one stack; break the references in one direction");
      }
    }
    std::vector<std::vector<size_t>> merged_adj(comps);
    for (size_t u = 0; u < n; ++u) {
      for (size_t w : adj[u]) {
        if (comp[u] != comp[w]) merged_adj[comp[u]].push_back(comp[w]);
      }
    }
    for (auto& a : merged_adj) {
      std::sort(a.begin(), a.end());
      a.erase(std::unique(a.begin(), a.end()), a.end());
    }
    units_ = std::move(merged);
    unit_deps_ = std::move(merged_adj);
    for (size_t u = 0; u < units_.size(); ++u) {
      for (size_t m : units_[u].members) resources_[m].unit = u;
    }
    return base::Status::Ok();
  }

  // ---- dependencies first, ties in natural order of the paths
  void OrderUnits() {
    size_t n = units_.size();
    std::vector<size_t> waiting(n, 0);
    std::vector<std::vector<size_t>> dependents(n);
    for (size_t u = 0; u < n; ++u) {
      waiting[u] = unit_deps_[u].size();
      for (size_t d : unit_deps_[u]) dependents[d].push_back(u);
    }
    auto later = [&](size_t a, size_t b) { return NaturalLess(units_[b].key, units_[a].key); };
    std::priority_queue<size_t, std::vector<size_t>, decltype(later)> ready(later);
    for (size_t u = 0; u < n; ++u) {
      if (waiting[u] == 0) ready.push(u);
    }
    while (!ready.empty()) {
      size_t u = ready.top();
      ready.pop();
      order_.push_back(u);
      for (size_t d : dependents[u]) {
        if (--waiting[d] == 0) ready.push(d);
      }
    }
    // The unit graph is acyclic after MergeCycles, so every unit was placed.
  }

  // ---- content-defined boundaries
  base::Status CutIntoChunks() {
    std::vector<size_t> current;
    size_t size = 0;
    auto cut = [&] {
      if (current.empty()) return;
      chunks_.emplace_back();
      chunks_.back().units = std::move(current);
      current.clear();
      size = 0;
    };
    for (size_t u : order_) {
      size_t s = units_[u].members.size();
      if (size > 0 && size + s > options_.child_max) cut();
      current.push_back(u);
      size += s;
      uint64_t period = std::max<size_t>(options_.boundary_period, 1);
      if (size >= options_.child_min && Fnv1a(units_[u].key) % period < s) cut();
    }
    cut();
    if (chunks_.size() > options_.max_resources) {
      return base::FailedPrecondition(
          "cannot split the stack into nested stacks: " + std::to_string(resources_.size()) +
          " resources need " + std::to_string(chunks_.size()) + " nested stacks, over the " +
          std::to_string(options_.max_resources) + "-resource limit of the parent");
    }
    for (size_t c = 0; c < chunks_.size(); ++c) {
      for (size_t u : chunks_[c].units) {
        for (size_t m : units_[u].members) {
          resources_[m].chunk = c;
          chunks_[c].resources.push_back(m);
        }
      }
      std::sort(chunks_[c].resources.begin(), chunks_[c].resources.end());
    }
    return base::Status::Ok();
  }

  std::string Unique(std::string base) {
    if (base.empty()) base = "Nested";
    std::string name = base;
    for (int i = 2; taken_.count(name); ++i) name = base + std::to_string(i);
    taken_.insert(name);
    return name;
  }

  void NameChunks() {
    for (Chunk& c : chunks_) {
      c.name = Unique("Nested" + core::LogicalIdFromPath(units_[c.units.front()].key));
    }
  }

  // ---- rewriting references
  bool IsListAttribute(const Resource& r, const std::string& attribute) const {
    if (attribute.empty() || !options_.schemas) return false;
    const core::ResourceSchema* schema = options_.schemas(r.type);
    if (schema == nullptr) return false;
    const core::AttributeSchema* a = schema->FindAttribute(attribute);
    return a != nullptr && a->kind == core::TypeKind::kList;
  }

  // The name of the output (in the producer) and parameter (in consumers) carrying `import`.
  const std::string& ExportName(size_t resource, const std::string& attribute) {
    auto key = std::make_pair(resource, attribute);
    auto it = export_names_.find(key);
    if (it != export_names_.end()) return it->second;
    std::string base = resources_[resource].id + (attribute.empty() ? "Ref" : Alnum(attribute));
    std::string name = Unique(base);
    size_t producer = resources_[resource].chunk;
    chunks_[producer].exports.emplace(name, Import{resource, attribute});
    return export_names_.emplace(key, std::move(name)).first->second;
  }

  // Where the rewritten value lives: a chunk, or the parent (kNone).
  struct Scope {
    size_t chunk = kNone;
    // Parameters of the root used (chunk scopes) and conditions/mappings used.
    std::set<std::string>* root_parameters = nullptr;
    std::set<std::string>* conditions = nullptr;
    std::set<std::string>* mappings = nullptr;
  };

  // Records that `scope` reads resource `r`'s `attribute` from the stack `r` lives in: the
  // producer's output, and the consumer's parameter when `scope` is a chunk.
  const std::string& NoteCrossReference(const Scope& scope, size_t r,
                                        const std::string& attribute) {
    const std::string& name = ExportName(r, attribute);
    if (scope.chunk != kNone) chunks_[scope.chunk].imports.emplace(name, resources_[r].chunk);
    return name;
  }

  // The value standing for resource `r`'s `attribute` in `scope` when `r` lives elsewhere.
  Json CrossReference(const Scope& scope, size_t r, const std::string& attribute) {
    const std::string& name = NoteCrossReference(scope, r, attribute);
    size_t producer = resources_[r].chunk;
    bool list = IsListAttribute(resources_[r], attribute);
    if (scope.chunk != kNone) return Json::object({{"Ref", name}});
    Json value =
        Json::object({{"Fn::GetAtt", Json::array({chunks_[producer].name, "Outputs." + name})}});
    if (list) value = Json::object({{"Fn::Split", Json::array({",", std::move(value)})}});
    return value;
  }

  // The chunk of resource `name`, or kNone when it is not a resource.
  size_t ChunkOfName(std::string_view name) const {
    size_t i = IndexOf(name);
    return i == kNone ? kNone : resources_[i].chunk;
  }

  // The index of resource `name`, or kNone when it is not a resource.
  size_t IndexOf(std::string_view name) const {
    auto it = index_.find(name);
    return it == index_.end() ? kNone : it->second;
  }

  void NoteRootParameter(const Scope& scope, const std::string& name) {
    if (scope.root_parameters != nullptr && Section("Parameters").contains(name)) {
      scope.root_parameters->insert(name);
    }
  }

  // A Fn::Sub name to replace once the walk of the value is done.
  struct SubEdit {
    Json* node;  // {"Fn::Sub": ...}
    size_t begin, end;
    std::string export_name;
    Json value;  // the parent scope's variable value; null in a chunk
  };

  // The resource (index) that `ref`, found in `scope`, reads from another stack, or kNone;
  // notes the root parameters, conditions and mappings it uses. The one rule for Rewrite and
  // NoteReferences.
  size_t Crossing(const core::Reference& ref, const Scope& scope) {
    switch (ref.kind) {
      case core::ReferenceKind::kRef:
      case core::ReferenceKind::kSub: {
        if (ref.attribute.empty() && IsPseudo(ref.name)) return kNone;
        size_t i = IndexOf(ref.name);
        if (i == kNone) {
          if (ref.attribute.empty()) NoteRootParameter(scope, std::string(ref.name));
          return kNone;
        }
        return resources_[i].chunk == scope.chunk ? kNone : i;
      }
      case core::ReferenceKind::kGetAtt: {
        if (ref.attribute.empty()) return kNone;  // no literal attribute: left as written
        size_t i = IndexOf(ref.name);
        return i == kNone || resources_[i].chunk == scope.chunk ? kNone : i;
      }
      case core::ReferenceKind::kCondition:
        if (scope.conditions != nullptr) scope.conditions->emplace(ref.name);
        return kNone;
      case core::ReferenceKind::kMapping:
        if (scope.mappings != nullptr) scope.mappings->emplace(ref.name);
        return kNone;
    }
    return kNone;
  }

  // What Rewrite would record for `value` in `scope`, without changing it.
  void NoteReferences(const Json& value, const Scope& scope) {
    core::ForEachReference(value, [&](const core::Reference& ref) { NoteReference(ref, scope); });
  }

  void NoteReference(const core::Reference& ref, const Scope& scope) {
    size_t r = Crossing(ref, scope);
    if (r != kNone) NoteCrossReference(scope, r, std::string(ref.attribute));
  }

  // Rewrites the references of `value` in place for `scope` (core/references.h finds them):
  // a Ref or GetAtt of a resource of another stack becomes the parameter (in a chunk) or the
  // producer's output (in the parent); Fn::Sub names likewise; root parameters, conditions and
  // mappings used are noted.
  void Rewrite(Json& value, const Scope& scope) {
    std::vector<SubEdit> edits;
    core::ForEachReference(value, [&](Json& node, const core::Reference& ref) {
      size_t r = Crossing(ref, scope);
      if (r == kNone) return;
      std::string attribute(ref.attribute);
      if (ref.kind != core::ReferenceKind::kSub) {
        node = CrossReference(scope, r, attribute);
        return;
      }
      Json cross = CrossReference(scope, r, attribute);
      const std::string& export_name = ExportName(r, attribute);
      edits.push_back(SubEdit{&node, ref.begin, ref.end, export_name,
                              scope.chunk == kNone ? std::move(cross) : Json()});
    });
    // The edits of one Fn::Sub are adjacent and in format order; an inner Fn::Sub (in the
    // variables of an outer one) comes before the outer one.
    for (size_t i = 0; i < edits.size();) {
      size_t j = i;
      while (j < edits.size() && edits[j].node == edits[i].node) ++j;
      ApplySubEdits(*edits[i].node, std::span<SubEdit>(edits.data() + i, j - i));
      i = j;
    }
  }

  void ApplySubEdits(Json& node, std::span<SubEdit> edits) {
    Json& arg = node.begin().value();
    bool array = arg.is_array();
    const std::string& format = (array ? arg[0] : arg).get_ref<const std::string&>();
    std::string rewritten;
    size_t copied = 0;
    Json vars = array && arg[1].is_object() ? std::move(arg[1]) : Json::object();
    for (SubEdit& e : edits) {
      rewritten.append(format, copied, e.begin - copied);
      rewritten += "${" + e.export_name + "}";
      copied = e.end;
      if (!e.value.is_null()) vars[e.export_name] = std::move(e.value);
    }
    rewritten.append(format, copied);
    if (vars.empty()) {
      arg = std::move(rewritten);
    } else {
      arg = Json::array({std::move(rewritten), std::move(vars)});
    }
  }

  // The members of a resource whose references are rewritten, once DependsOn and a string
  // Condition have been read by name.
  static bool IsRewritten(const std::string& key) {
    return key != "Type" && key != "Metadata" && key != "DeletionPolicy" &&
           key != "UpdateReplacePolicy" && key != "DependsOn";
  }

  void RewriteResources() {
    for (size_t c = 0; c < chunks_.size(); ++c) {
      Chunk& chunk = chunks_[c];
      Scope scope{c, &chunk.root_parameters, &chunk.conditions, &chunk.mappings};
      for (size_t i : chunk.resources) {
        Json& res = *resources_[i].owned;
        if (!res.is_object()) continue;
        auto& object = res.get_ref<Json::object_t&>();
        for (auto it = object.begin(); it != object.end();) {
          const std::string& key = it->first;
          Json& value = it->second;
          if (key == "DependsOn") {
            Json kept = Json::array();
            std::vector<std::string> names;
            if (value.is_string()) names.push_back(value.get<std::string>());
            if (value.is_array()) {
              for (const Json& s : value) names.push_back(s.get<std::string>());
            }
            for (const std::string& name : names) {
              size_t other = ChunkOfName(name);
              if (other == c || other == kNone) {
                kept.push_back(name);
              } else {
                chunk.depends_on.insert(other);
              }
            }
            if (kept.empty()) {
              it = object.erase(it);
              continue;
            }
            value = std::move(kept);
          } else if (key == "Condition" && value.is_string()) {
            chunk.conditions.insert(value.get<std::string>());
          } else if (IsRewritten(key)) {
            Rewrite(value, scope);
          }
          ++it;
        }
      }
    }
  }

  Json RewriteRootOutputs() {
    if (!tmpl_.contains("Outputs")) return nullptr;
    Scope scope{kNone, nullptr, &parent_conditions_, &parent_mappings_};
    Json& outputs = owned_["Outputs"];
    for (auto& [name, output] : outputs.items()) {
      if (!output.is_object()) continue;
      for (auto& [key, value] : output.items()) {
        if (key == "Condition" && value.is_string()) {
          parent_conditions_.insert(value.get<std::string>());
        } else {
          Rewrite(value, scope);
        }
      }
    }
    return std::move(outputs);
  }

  // Conditions `used` and every condition they name, transitively; adds the parameters they
  // read to `parameters` (when not null).
  Json ConditionsClosure(std::set<std::string> used, std::set<std::string>* parameters) {
    const Json& all = Section("Conditions");
    Json out = Json::object();
    std::vector<std::string> todo(used.begin(), used.end());
    while (!todo.empty()) {
      std::string name = todo.back();
      todo.pop_back();
      if (out.contains(name) || !all.contains(name)) continue;
      const Json& expression = all[name];
      out[name] = expression;
      core::ForEachReference(expression, [&](const core::Reference& ref) {
        if (ref.kind == core::ReferenceKind::kCondition) {
          todo.emplace_back(ref.name);
        } else if (parameters != nullptr && ref.kind != core::ReferenceKind::kMapping) {
          std::string parameter(ref.name);
          if (Section("Parameters").contains(parameter)) parameters->insert(std::move(parameter));
        }
      });
    }
    return out;
  }

  Json Pick(const char* section, const std::set<std::string>& names) const {
    Json out = Json::object();
    const Json& all = Section(section);
    for (const std::string& n : names) {
      if (all.contains(n)) out[n] = all[n];
    }
    return out;
  }

  base::Status CheckLimits(const Chunk& chunk, size_t parameters, size_t outputs) const {
    for (const auto& [what, count, limit] :
         {std::tuple<const char*, size_t, size_t>{"parameters", parameters, kMaxParametersPerStack},
          std::tuple<const char*, size_t, size_t>{"outputs", outputs, kMaxOutputsPerStack}}) {
      if (count > limit) {
        return base::FailedPrecondition("cannot split the stack into nested stacks: nested stack " +
                                        chunk.name + " needs " + std::to_string(count) + " " +
                                        what + ", over CloudFormation's limit of " +
                                        std::to_string(limit));
      }
    }
    return base::Status::Ok();
  }

  NestedChild Summary(const Chunk& chunk, size_t parameters, size_t outputs) const {
    return NestedChild{.name = chunk.name,
                       .resources = chunk.resources.size(),
                       .parameters = parameters,
                       .outputs = outputs,
                       .first = units_[chunk.units.front()].key,
                       .last = units_[chunk.units.back()].key};
  }

  base::Status EmitChildren(NestedStacks& out) {
    // Outputs are only known once every chunk has been rewritten (consumers create them).
    std::string description = Section("Description").is_string()
                                  ? tmpl_["Description"].get<std::string>()
                                  : std::string("rex stack");
    for (Chunk& chunk : chunks_) {
      Json child = Json::object();
      child["AWSTemplateFormatVersion"] = "2010-09-09";
      child["Description"] = description + " (nested stack " + chunk.name + ")";
      Json conditions = ConditionsClosure(chunk.conditions, &chunk.root_parameters);
      Json parameters = Json::object();
      for (const std::string& p : chunk.root_parameters) {
        Json def = tmpl_["Parameters"][p];
        def.erase("Default");  // the parent always passes the value
        parameters[p] = std::move(def);
      }
      for (const auto& [name, producer] : chunk.imports) {
        const Import& import = chunks_[producer].exports.at(name);
        bool list = IsListAttribute(resources_[import.resource], import.attribute);
        parameters[name] = Json::object({{"Type", list ? "CommaDelimitedList" : "String"}});
      }
      Json outputs = Json::object();
      for (const auto& [name, import] : chunk.exports) {
        const Resource& r = resources_[import.resource];
        Json value = import.attribute.empty()
                         ? Json::object({{"Ref", r.id}})
                         : Json::object({{"Fn::GetAtt", Json::array({r.id, import.attribute})}});
        if (IsListAttribute(r, import.attribute)) {
          value = Json::object({{"Fn::Join", Json::array({",", std::move(value)})}});
        }
        if (!r.condition.is_null()) {
          value = Json::object({{"Fn::If", Json::array({r.condition, std::move(value), ""})}});
        }
        outputs[name] = Json::object({{"Value", std::move(value)}});
      }
      REX_RETURN_IF_ERROR(CheckLimits(chunk, parameters.size(), outputs.size()));
      if (!parameters.empty()) child["Parameters"] = std::move(parameters);
      if (!conditions.empty()) child["Conditions"] = std::move(conditions);
      if (!chunk.mappings.empty()) child["Mappings"] = Pick("Mappings", chunk.mappings);
      Json res = Json::object();
      for (size_t i : chunk.resources) res[resources_[i].id] = std::move(*resources_[i].owned);
      child["Resources"] = std::move(res);
      if (!outputs.empty()) child["Outputs"] = std::move(outputs);

      out.summary.push_back(Summary(chunk,
                                    child.contains("Parameters") ? child["Parameters"].size() : 0,
                                    child.contains("Outputs") ? child["Outputs"].size() : 0));
      out.children.emplace(chunk.name, std::move(child));
    }
    return base::Status::Ok();
  }

  Json EmitParent(Json outputs) {
    Json parent = Json::object();
    for (const auto& [key, value] : tmpl_.items()) {
      if (key == "Resources" || key == "Outputs" || key == "Conditions" || key == "Mappings") {
        continue;
      }
      parent[key] = value;  // AWSTemplateFormatVersion, Description, Parameters, Metadata, Rules
    }
    Json conditions = ConditionsClosure(parent_conditions_, nullptr);
    if (!conditions.empty()) parent["Conditions"] = std::move(conditions);
    if (!parent_mappings_.empty()) parent["Mappings"] = Pick("Mappings", parent_mappings_);
    Json resources = Json::object();
    for (const Chunk& chunk : chunks_) {
      Json parameters = Json::object();
      std::set<size_t> referenced;
      for (const std::string& p : chunk.root_parameters) {
        // A nested stack takes every parameter value as a string: lists travel joined.
        const Json& type = tmpl_["Parameters"][p].value("Type", Json("String"));
        std::string t = type.is_string() ? type.get<std::string>() : "String";
        Json ref = Json::object({{"Ref", p}});
        bool list = t == "CommaDelimitedList" || t.rfind("List<", 0) == 0 ||
                    t.rfind("AWS::SSM::Parameter::Value<List<", 0) == 0;
        parameters[p] = list ? Json::object({{"Fn::Join", Json::array({",", std::move(ref)})}})
                             : std::move(ref);
      }
      for (const auto& [name, producer] : chunk.imports) {
        parameters[name] = Json::object(
            {{"Fn::GetAtt", Json::array({chunks_[producer].name, "Outputs." + name})}});
        referenced.insert(producer);
      }
      Json properties = Json::object({{"TemplateURL", NestedTemplateFileName(chunk.name)}});
      if (!parameters.empty()) properties["Parameters"] = std::move(parameters);
      Json stack = Json::object(
          {{"Type", "AWS::CloudFormation::Stack"}, {"Properties", std::move(properties)}});
      std::vector<std::string> depends_on;
      for (size_t d : chunk.depends_on) {
        if (!referenced.count(d)) depends_on.push_back(chunks_[d].name);
      }
      std::sort(depends_on.begin(), depends_on.end());
      if (!depends_on.empty()) stack["DependsOn"] = depends_on;
      resources[chunk.name] = std::move(stack);
    }
    parent["Resources"] = std::move(resources);
    if (!outputs.is_null()) parent["Outputs"] = std::move(outputs);
    return parent;
  }

  Json owned_;        // null when read only
  const Json& tmpl_;  // owned_ or the caller's template; read only (operator[] adds no members)
  const NestedOptions& options_;
  bool read_only_ = false;
  std::vector<Resource> resources_;
  std::unordered_map<std::string, size_t, StringHash, std::equal_to<>> index_;
  std::set<std::string> taken_;
  std::vector<Unit> units_;
  std::vector<std::vector<size_t>> unit_deps_;
  std::vector<size_t> order_;
  std::vector<Chunk> chunks_;
  std::map<std::pair<size_t, std::string>, std::string> export_names_;
  std::set<std::string> parent_conditions_;
  std::set<std::string> parent_mappings_;
};

}  // namespace

std::string NestedTemplateFileName(std::string_view child) {
  return std::string(child) + ".nested.template.json";
}

bool NaturalLess(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  while (i < a.size() && j < b.size()) {
    if (digit(a[i]) && digit(b[j])) {
      size_t ie = i, je = j;
      while (ie < a.size() && digit(a[ie])) ++ie;
      while (je < b.size() && digit(b[je])) ++je;
      // Compare the numbers without leading zeros: longer is larger, then digit by digit.
      size_t is = i, js = j;
      while (is + 1 < ie && a[is] == '0') ++is;
      while (js + 1 < je && b[js] == '0') ++js;
      if (ie - is != je - js) return ie - is < je - js;
      int cmp = a.substr(is, ie - is).compare(b.substr(js, je - js));
      if (cmp != 0) return cmp < 0;
      if (ie - i != je - j) return ie - i < je - j;  // "01" after "1": total order
      i = ie;
      j = je;
      continue;
    }
    if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]);
    ++i;
    ++j;
  }
  return a.size() - i < b.size() - j;
}

namespace {

base::Status CheckOptions(const NestedOptions& options) {
  if (options.child_max == 0 || options.child_max > options.max_resources ||
      options.child_min > options.child_max) {
    return base::InvalidArgument("nested stack options: need 0 < child_min <= child_max <= " +
                                 std::to_string(options.max_resources));
  }
  return base::Status::Ok();
}

}  // namespace

base::Result<NestedStacks> SplitIntoNestedStacks(const base::Json& tmpl,
                                                 const NestedOptions& options) {
  return SplitIntoNestedStacks(base::Json(tmpl), options);
}

base::Result<NestedStacks> SplitIntoNestedStacks(base::Json&& tmpl, const NestedOptions& options) {
  if (!tmpl.is_object() || !tmpl.contains("Resources") || !tmpl["Resources"].is_object() ||
      tmpl["Resources"].size() <= options.split_above) {
    return NestedStacks{std::move(tmpl), {}, {}};
  }
  REX_RETURN_IF_ERROR(CheckOptions(options));
  return Splitter(std::move(tmpl), options).Run();
}

base::Result<std::vector<NestedChild>> SummarizeNestedStacks(const base::Json& tmpl,
                                                             const NestedOptions& options) {
  if (!tmpl.is_object() || !tmpl.contains("Resources") || !tmpl["Resources"].is_object() ||
      tmpl["Resources"].size() <= options.split_above) {
    return std::vector<NestedChild>();
  }
  REX_RETURN_IF_ERROR(CheckOptions(options));
  return Splitter(tmpl, options, Splitter::ReadOnly{}).Summarize();
}

}  // namespace rex::tmpl
