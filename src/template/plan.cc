#include "template/plan.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "core/references.h"

namespace rex::tmpl {
namespace {

using base::Json;
using core::Replacement;

const Json& NullJson() {
  static const Json kNull = nullptr;
  return kNull;
}

const Json& EmptyObject() {
  static const Json kEmpty = Json::object();
  return kEmpty;
}

// `json[key]` without throwing or inserting: null when `json` is not an object or lacks `key`.
const Json& Member(const Json& json, std::string_view key) {
  if (!json.is_object()) return NullJson();
  auto it = json.find(key);
  return it == json.end() ? NullJson() : *it;
}

// A section of a template as an object; {} when absent or malformed.
const Json& Section(const Json& tmpl, std::string_view name) {
  const Json& s = Member(tmpl, name);
  return s.is_object() ? s : EmptyObject();
}

int Rank(Replacement r) {
  switch (r) {
    case Replacement::kNo:
      return 0;
    case Replacement::kMaybe:
      return 1;
    case Replacement::kYes:
      return 2;
  }
  return 1;
}

Replacement Stronger(Replacement a, Replacement b) { return Rank(a) >= Rank(b) ? a : b; }
Replacement Weaker(Replacement a, Replacement b) { return Rank(a) <= Rank(b) ? a : b; }

// An intrinsic function or condition reference: an object with one key, "Ref", "Condition" or
// "Fn::...". Compared and reported whole.
bool IsIntrinsic(const Json& value) {
  if (!value.is_object() || value.size() != 1) return false;
  const std::string& key = value.begin().key();
  return key == "Ref" || key == "Condition" || key.rfind("Fn::", 0) == 0;
}

// The resource a Ref or Fn::GetAtt names (with the attribute for GetAtt), or "" for anything
// else. Used to tell "the reference changed" from "some value changed".
std::string ReferenceTarget(const Json& value) {
  if (!IsIntrinsic(value)) return "";
  const std::string& key = value.begin().key();
  const Json& arg = value.begin().value();
  if (key == "Ref" && arg.is_string()) return "Ref " + arg.get<std::string>();
  if (key == "Fn::GetAtt") {
    if (arg.is_string()) return "GetAtt " + arg.get<std::string>();
    if (arg.is_array() && arg.size() == 2 && arg[0].is_string() && arg[1].is_string()) {
      return "GetAtt " + arg[0].get<std::string>() + "." + arg[1].get<std::string>();
    }
  }
  return "";
}

bool NeedsQuoting(std::string_view key) {
  if (key.empty()) return true;
  return key.find_first_of(".[]\"") != std::string_view::npos;
}

std::string AppendKey(const std::string& path, std::string_view key) {
  if (NeedsQuoting(key)) return path + "[" + Json(std::string(key)).dump() + "]";
  if (path.empty()) return std::string(key);
  return path + "." + std::string(key);
}

std::string AppendIndex(const std::string& path, size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

// Where in a resource schema a value sits, and the strongest replacement behaviour on the way
// there.
struct SchemaCursor {
  Replacement replacement = Replacement::kNo;
  std::span<const core::PropertySchema> fields = {};
  bool has_fields = false;
  const core::TypeSchema* type = nullptr;  // when !has_fields; null = no schema below here
  bool top_level = false;                  // `fields` are a resource's own properties

  static SchemaCursor ForResource(const core::ResourceSchema* schema) {
    SchemaCursor c;
    if (schema == nullptr) {
      c.replacement = Replacement::kMaybe;  // no schema: anything may replace
      return c;
    }
    c.fields = schema->properties;
    c.has_fields = true;
    c.top_level = true;
    return c;
  }

  static SchemaCursor None() { return SchemaCursor{}; }

  void SetType(const core::TypeSchema& t) {
    if (t.kind == core::TypeKind::kStruct && t.struct_type != nullptr) {
      fields = t.struct_type->properties;
      has_fields = true;
      type = nullptr;
    } else {
      has_fields = false;
      type = &t;
    }
    top_level = false;
  }

  SchemaCursor Key(std::string_view key) const {
    SchemaCursor next = *this;
    next.top_level = false;
    if (has_fields) {
      const core::PropertySchema* p = core::FindIn(fields, key);
      if (p == nullptr) {
        // A property the schema does not know: its update behaviour is unknown.
        if (top_level) next.replacement = Stronger(replacement, Replacement::kMaybe);
        next.has_fields = false;
        next.type = nullptr;
        return next;
      }
      next.replacement = Stronger(replacement, p->replacement);
      next.SetType(p->type);
      return next;
    }
    if (type != nullptr && type->kind == core::TypeKind::kMap && type->element != nullptr) {
      next.SetType(*type->element);
      return next;
    }
    next.type = nullptr;
    return next;
  }

  SchemaCursor Index() const {
    SchemaCursor next = *this;
    next.top_level = false;
    if (!has_fields && type != nullptr && type->kind == core::TypeKind::kList &&
        type->element != nullptr) {
      next.SetType(*type->element);
      return next;
    }
    next.has_fields = false;
    next.type = nullptr;
    return next;
  }
};

class Differ {
 public:
  explicit Differ(std::vector<ValueChange>& out) : out_(out) {}

  void Diff(const Json& before, const Json& after, const std::string& path,
            const SchemaCursor& cursor) {
    if (before == after) return;
    if (before.is_object() && after.is_object() && !IsIntrinsic(before) && !IsIntrinsic(after)) {
      DiffObjects(before, after, path, cursor);
      return;
    }
    if (before.is_array() && after.is_array()) {
      DiffArrays(before, after, path, cursor);
      return;
    }
    ValueChange change{.path = path,
                       .kind = ChangeKind::kModify,
                       .before = before,
                       .after = after,
                       .replacement = cursor.replacement};
    std::string from = ReferenceTarget(before);
    std::string to = ReferenceTarget(after);
    change.reference_changed = !from.empty() && !to.empty() && from != to;
    out_.push_back(std::move(change));
  }

  void Added(const Json& after, const std::string& path, const SchemaCursor& cursor) {
    out_.push_back(ValueChange{
        .path = path, .kind = ChangeKind::kAdd, .after = after, .replacement = cursor.replacement});
  }

  void Removed(const Json& before, const std::string& path, const SchemaCursor& cursor) {
    out_.push_back(ValueChange{.path = path,
                               .kind = ChangeKind::kRemove,
                               .before = before,
                               .replacement = cursor.replacement});
  }

 private:
  void DiffObjects(const Json& before, const Json& after, const std::string& path,
                   const SchemaCursor& cursor) {
    // Both objects keep keys sorted (std::map), so a merge walk visits the union in order.
    auto b = before.begin();
    auto a = after.begin();
    while (b != before.end() || a != after.end()) {
      if (a == after.end() || (b != before.end() && b.key() < a.key())) {
        Removed(b.value(), AppendKey(path, b.key()), cursor.Key(b.key()));
        ++b;
      } else if (b == before.end() || a.key() < b.key()) {
        Added(a.value(), AppendKey(path, a.key()), cursor.Key(a.key()));
        ++a;
      } else {
        Diff(b.value(), a.value(), AppendKey(path, a.key()), cursor.Key(a.key()));
        ++b;
        ++a;
      }
    }
  }

  // Aligns the arrays on their longest common subsequence; between two matched elements, the
  // unmatched ones are paired as modifications (diffed recursively), the rest are additions or
  // removals.
  void DiffArrays(const Json& before, const Json& after, const std::string& path,
                  const SchemaCursor& cursor) {
    const size_t n = before.size();
    const size_t m = after.size();
    SchemaCursor element = cursor.Index();
    constexpr size_t kMaxCells = 1 << 20;
    if (n == 0 || m == 0 || (n + 1) * (m + 1) > kMaxCells) {
      // Too large to align (or one side empty): compare index by index.
      for (size_t i = 0; i < std::max(n, m); ++i) {
        if (i < n && i < m) {
          Diff(before[i], after[i], AppendIndex(path, i), element);
        } else if (i < n) {
          Removed(before[i], AppendIndex(path, i), element);
        } else {
          Added(after[i], AppendIndex(path, i), element);
        }
      }
      return;
    }
    // lcs[i][j]: length of the LCS of before[i..] and after[j..].
    std::vector<std::vector<uint32_t>> lcs(n + 1, std::vector<uint32_t>(m + 1, 0));
    for (size_t i = n; i-- > 0;) {
      for (size_t j = m; j-- > 0;) {
        lcs[i][j] =
            before[i] == after[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    std::vector<size_t> removed;
    std::vector<size_t> added;
    auto flush = [&] {
      size_t paired = std::min(removed.size(), added.size());
      for (size_t k = 0; k < paired; ++k) {
        Diff(before[removed[k]], after[added[k]], AppendIndex(path, added[k]), element);
      }
      for (size_t k = paired; k < removed.size(); ++k) {
        Removed(before[removed[k]], AppendIndex(path, removed[k]), element);
      }
      for (size_t k = paired; k < added.size(); ++k) {
        Added(after[added[k]], AppendIndex(path, added[k]), element);
      }
      removed.clear();
      added.clear();
    };
    size_t i = 0;
    size_t j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && before[i] == after[j]) {
        flush();
        ++i;
        ++j;
      } else if (j == m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1])) {
        removed.push_back(i++);
      } else {
        added.push_back(j++);
      }
    }
    flush();
  }

  std::vector<ValueChange>& out_;
};

// Names that `value` references through Ref, Fn::GetAtt or Fn::Sub (core/references.h), into
// `out`; parameters and pseudo parameters included (they match no resource).
void CollectReferences(const Json& value, std::set<std::string>& out) {
  core::ForEachReference(value, [&](const core::Reference& ref) {
    if (ref.kind == core::ReferenceKind::kRef || ref.kind == core::ReferenceKind::kGetAtt ||
        ref.kind == core::ReferenceKind::kSub) {
      out.emplace(ref.name);
    }
  });
}

// `value` with every Ref and GetAtt target replaced by "*", so resources that differ only in
// the names of what they reference compare equal (the rename hint).
Json WithoutReferenceTargets(const Json& value) {
  if (value.is_array()) {
    Json out = Json::array();
    for (const Json& v : value) out.push_back(WithoutReferenceTargets(v));
    return out;
  }
  if (!value.is_object()) return value;
  if (value.size() == 1) {
    const std::string& key = value.begin().key();
    if (key == "Ref") return Json{{"Ref", "*"}};
    if (key == "Fn::GetAtt") return Json{{"Fn::GetAtt", "*"}};
  }
  Json out = Json::object();
  for (auto it = value.begin(); it != value.end(); ++it) {
    out[it.key()] = WithoutReferenceTargets(it.value());
  }
  return out;
}

// DependsOn as a sorted array, so "A" and ["A"] (and reorderings) compare equal.
Json NormalizedDependsOn(const Json& value) {
  if (value.is_string()) return Json::array({value});
  if (!value.is_array()) return value;
  std::vector<Json> items(value.begin(), value.end());
  std::sort(items.begin(), items.end());
  return Json(items);
}

std::string StringMember(const Json& json, std::string_view key) {
  const Json& v = Member(json, key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

std::string PathOf(const Json& resource) {
  return StringMember(Member(resource, "Metadata"), "rex:path");
}

bool IsRetain(std::string_view policy) {
  return policy == "Retain" || policy == "RetainExceptOnCreate";
}

// Resource attributes that do not touch the resource itself when they change.
constexpr std::string_view kInertAttributes[] = {"DeletionPolicy", "DependsOn", "Metadata",
                                                 "UpdateReplacePolicy"};

bool IsInert(std::string_view attribute) {
  return std::find(std::begin(kInertAttributes), std::end(kInertAttributes), attribute) !=
         std::end(kInertAttributes);
}

// The action implied by a resource's property changes (and its causes).
void ClassifyUpdate(ResourcePlan& r) {
  Replacement strongest = Replacement::kNo;
  for (const ValueChange& c : r.changes) strongest = Stronger(strongest, c.replacement);
  bool other_attribute = false;
  for (const AttributeChange& a : r.attribute_changes) {
    if (a.attribute == "Condition") {
      strongest = Stronger(strongest, Replacement::kMaybe);
    } else if (!IsInert(a.attribute)) {
      other_attribute = true;
    }
  }
  if (r.changes.empty() && !other_attribute && strongest == Replacement::kNo) {
    r.action = Action::kNoChange;
    r.causes.clear();
    return;
  }
  r.action = strongest == Replacement::kYes     ? Action::kReplace
             : strongest == Replacement::kMaybe ? Action::kMayReplace
                                                : Action::kUpdate;
  std::set<std::string> causes;
  if (strongest != Replacement::kNo) {
    for (const ValueChange& c : r.changes) {
      if (c.replacement != strongest) continue;
      size_t cut = c.path.find_first_of(".[");
      causes.insert(c.path.substr(0, cut == std::string::npos ? c.path.size() : cut));
    }
    if (strongest == Replacement::kMaybe) {
      for (const AttributeChange& a : r.attribute_changes) {
        if (a.attribute == "Condition") causes.insert("Condition");
      }
    }
  }
  r.causes.assign(causes.begin(), causes.end());
}

const core::ResourceSchema* Lookup(const SchemaLookup& schemas, const std::string& type) {
  return schemas ? schemas(type) : nullptr;
}

std::vector<EntryPlan> DiffEntries(const Json& before, const Json& after) {
  std::vector<EntryPlan> out;
  auto b = before.begin();
  auto a = after.begin();
  while (b != before.end() || a != after.end()) {
    if (a == after.end() || (b != before.end() && b.key() < a.key())) {
      out.push_back(EntryPlan{.name = b.key(), .kind = ChangeKind::kRemove, .before = b.value()});
      ++b;
    } else if (b == before.end() || a.key() < b.key()) {
      out.push_back(EntryPlan{.name = a.key(), .kind = ChangeKind::kAdd, .after = a.value()});
      ++a;
    } else {
      if (b.value() != a.value()) {
        EntryPlan entry{.name = a.key(), .before = b.value(), .after = a.value()};
        Differ(entry.changes).Diff(b.value(), a.value(), "", SchemaCursor::None());
        out.push_back(std::move(entry));
      }
      ++b;
      ++a;
    }
  }
  return out;
}

constexpr std::string_view kSections[] = {"Conditions", "Mappings",  "Outputs",
                                          "Parameters", "Resources", "Rules"};

bool IsSection(std::string_view key) {
  return std::find(std::begin(kSections), std::end(kSections), key) != std::end(kSections);
}

// The template without its sections: Description, Transform, AWSTemplateFormatVersion, ...
Json TopLevel(const Json& tmpl) {
  Json out = Json::object();
  if (!tmpl.is_object()) return out;
  for (auto it = tmpl.begin(); it != tmpl.end(); ++it) {
    if (!IsSection(it.key())) out[it.key()] = it.value();
  }
  return out;
}

class Planner {
 public:
  Planner(const Json& before, const Json& after, const SchemaLookup& schemas)
      : before_(before), after_(after), schemas_(schemas) {}

  Plan Run() {
    plan_.nothing_deployed = before_.is_null();
    PlanResources();
    PairRenames();
    plan_.parameters = DiffEntries(Section(before_, "Parameters"), Section(after_, "Parameters"));
    plan_.outputs = DiffEntries(Section(before_, "Outputs"), Section(after_, "Outputs"));
    plan_.conditions = DiffEntries(Section(before_, "Conditions"), Section(after_, "Conditions"));
    plan_.mappings = DiffEntries(Section(before_, "Mappings"), Section(after_, "Mappings"));
    plan_.rules = DiffEntries(Section(before_, "Rules"), Section(after_, "Rules"));
    Differ(plan_.template_changes)
        .Diff(TopLevel(before_), TopLevel(after_), "", SchemaCursor::None());
    Propagate();
    MarkDataLoss();
    Summarize();
    return std::move(plan_);
  }

 private:
  void PlanResources() {
    const Json& before = Section(before_, "Resources");
    const Json& after = Section(after_, "Resources");
    auto b = before.begin();
    auto a = after.begin();
    while (b != before.end() || a != after.end()) {
      if (a == after.end() || (b != before.end() && b.key() < a.key())) {
        plan_.resources.push_back(Deleted(b.key(), b.value()));
        ++b;
      } else if (b == before.end() || a.key() < b.key()) {
        plan_.resources.push_back(Created(a.key(), a.value()));
        ++a;
      } else {
        plan_.resources.push_back(Compared(a.key(), b.value(), a.value()));
        ++b;
        ++a;
      }
    }
  }

  ResourcePlan Describe(const std::string& id, const Json& resource) const {
    ResourcePlan r;
    r.logical_id = id;
    r.type = StringMember(resource, "Type");
    r.path = PathOf(resource);
    r.component = ComponentOfPath(r.path);
    const core::ResourceSchema* schema = Lookup(schemas_, r.type);
    r.schema_known = schema != nullptr;
    r.stateful = schema != nullptr && schema->stateful;
    return r;
  }

  ResourcePlan Created(const std::string& id, const Json& resource) const {
    ResourcePlan r = Describe(id, resource);
    r.action = Action::kCreate;
    return r;
  }

  ResourcePlan Deleted(const std::string& id, const Json& resource) const {
    ResourcePlan r = Describe(id, resource);
    r.action = Action::kDelete;
    r.removal_policy = StringMember(resource, "DeletionPolicy");
    return r;
  }

  ResourcePlan Compared(const std::string& id, const Json& before, const Json& after) const {
    ResourcePlan r = Describe(id, after);
    if (r.path.empty()) {
      r.path = PathOf(before);
      r.component = ComponentOfPath(r.path);
    }
    r.removal_policy = StringMember(before, "UpdateReplacePolicy");
    std::string before_type = StringMember(before, "Type");
    if (before_type != r.type) {
      r.previous_type = before_type;
      r.action = Action::kReplace;
      r.causes = {"Type"};
      // What a replacement destroys is the old resource: its schema decides statefulness.
      const core::ResourceSchema* old_schema = Lookup(schemas_, before_type);
      r.stateful = r.stateful || (old_schema != nullptr && old_schema->stateful);
      return r;
    }
    const Json& before_props = Member(before, "Properties");
    const Json& after_props = Member(after, "Properties");
    Differ(r.changes).Diff(before_props.is_object() ? before_props : EmptyObject(),
                           after_props.is_object() ? after_props : EmptyObject(), "",
                           SchemaCursor::ForResource(Lookup(schemas_, r.type)));
    DiffAttributes(before, after, r);
    ClassifyUpdate(r);
    return r;
  }

  static void DiffAttributes(const Json& before, const Json& after, ResourcePlan& r) {
    std::set<std::string> keys;
    for (const Json* side : {&before, &after}) {
      if (!side->is_object()) continue;
      for (auto it = side->begin(); it != side->end(); ++it) {
        if (it.key() != "Type" && it.key() != "Properties") keys.insert(it.key());
      }
    }
    for (const std::string& key : keys) {
      const Json& b = Member(before, key);
      const Json& a = Member(after, key);
      bool equal = key == "DependsOn" ? NormalizedDependsOn(b) == NormalizedDependsOn(a) : b == a;
      if (equal) continue;
      AttributeChange change{.attribute = key, .before = b, .after = a};
      change.kind = b.is_null()   ? ChangeKind::kAdd
                    : a.is_null() ? ChangeKind::kRemove
                                  : ChangeKind::kModify;
      r.attribute_changes.push_back(std::move(change));
    }
  }

  void PairRenames() {
    const Json& before = Section(before_, "Resources");
    const Json& after = Section(after_, "Resources");
    std::vector<ResourcePlan*> creates;
    for (ResourcePlan& r : plan_.resources) {
      if (r.action == Action::kCreate) creates.push_back(&r);
    }
    for (ResourcePlan& deleted : plan_.resources) {
      if (deleted.action != Action::kDelete) continue;
      Json old_props =
          WithoutReferenceTargets(Member(Member(before, deleted.logical_id), "Properties"));
      for (ResourcePlan* created : creates) {
        if (!created->renamed.empty() || created->type != deleted.type) continue;
        Json new_props =
            WithoutReferenceTargets(Member(Member(after, created->logical_id), "Properties"));
        if (new_props != old_props) continue;
        created->renamed = deleted.logical_id;
        deleted.renamed = created->logical_id;
        break;
      }
    }
  }

  // Marks values that reference replaced resources as changing after deploy, until no action
  // changes any more. Each (resource, property) pair is added at most once, so it terminates.
  void Propagate() {
    // Only a replaced (or maybe replaced) resource has anything to propagate.
    if (std::none_of(plan_.resources.begin(), plan_.resources.end(), [](const ResourcePlan& r) {
          return r.action == Action::kReplace || r.action == Action::kMayReplace;
        })) {
      return;
    }
    const Json& after = Section(after_, "Resources");
    std::map<std::string, ResourcePlan*> by_id;
    for (ResourcePlan& r : plan_.resources) by_id[r.logical_id] = &r;
    auto replacement_of = [&](const std::string& id) -> std::optional<Replacement> {
      auto it = by_id.find(id);
      if (it == by_id.end()) return std::nullopt;
      if (it->second->action == Action::kReplace) return Replacement::kYes;
      if (it->second->action == Action::kMayReplace) return Replacement::kMaybe;
      return std::nullopt;
    };
    bool changed = true;
    while (changed) {
      changed = false;
      for (ResourcePlan& r : plan_.resources) {
        if (r.action == Action::kCreate || r.action == Action::kDelete ||
            r.action == Action::kReplace) {
          continue;
        }
        const Json& props = Member(Member(after, r.logical_id), "Properties");
        if (!props.is_object()) continue;
        const Json& before_props =
            Member(Member(Section(before_, "Resources"), r.logical_id), "Properties");
        SchemaCursor root = SchemaCursor::ForResource(Lookup(schemas_, r.type));
        bool added = false;
        for (auto it = props.begin(); it != props.end(); ++it) {
          if (HasChangeAt(r, it.key())) continue;
          std::set<std::string> refs;
          CollectReferences(it.value(), refs);
          std::string cause;
          Replacement strength = Replacement::kNo;
          for (const std::string& ref : refs) {
            if (ref == r.logical_id) continue;
            auto replaced = replacement_of(ref);
            if (replaced && Rank(*replaced) > Rank(strength)) {
              strength = *replaced;
              cause = ref;
            }
          }
          if (cause.empty()) continue;
          Replacement own = root.Key(it.key()).replacement;
          r.changes.push_back(ValueChange{
              .path = AppendKey("", it.key()),
              .kind = ChangeKind::kModify,
              .before = Member(before_props, it.key()),
              .after = it.value(),
              .replacement = strength == Replacement::kYes ? own : Weaker(own, Replacement::kMaybe),
              .known_after_deploy = true,
              .caused_by = cause,
          });
          added = true;
        }
        if (!added) continue;
        Action previous = r.action;
        ClassifyUpdate(r);
        if (r.action != previous) changed = true;
      }
    }
    PropagateToOutputs(replacement_of);
  }

  template <typename ReplacementOf>
  void PropagateToOutputs(const ReplacementOf& replacement_of) {
    const Json& before = Section(before_, "Outputs");
    const Json& after = Section(after_, "Outputs");
    for (auto it = after.begin(); it != after.end(); ++it) {
      if (!before.contains(it.key())) continue;  // a new output is reported as added
      auto existing = std::find_if(plan_.outputs.begin(), plan_.outputs.end(),
                                   [&](const EntryPlan& e) { return e.name == it.key(); });
      if (existing != plan_.outputs.end()) {
        bool value_changed = std::any_of(
            existing->changes.begin(), existing->changes.end(), [](const ValueChange& c) {
              return c.path == "Value" || c.path.rfind("Value", 0) == 0;
            });
        if (value_changed) continue;
      }
      std::set<std::string> refs;
      CollectReferences(Member(it.value(), "Value"), refs);
      std::string cause;
      for (const std::string& ref : refs) {
        if (replacement_of(ref)) {
          cause = ref;
          break;
        }
      }
      if (cause.empty()) continue;
      ValueChange change{.path = "Value",
                         .before = Member(before[it.key()], "Value"),
                         .after = Member(it.value(), "Value"),
                         .known_after_deploy = true,
                         .caused_by = cause};
      if (existing != plan_.outputs.end()) {
        existing->changes.push_back(std::move(change));
      } else {
        EntryPlan entry{.name = it.key(), .before = before[it.key()], .after = it.value()};
        entry.changes.push_back(std::move(change));
        plan_.outputs.insert(
            std::lower_bound(plan_.outputs.begin(), plan_.outputs.end(), entry.name,
                             [](const EntryPlan& e, const std::string& n) { return e.name < n; }),
            std::move(entry));
      }
    }
  }

  static bool HasChangeAt(const ResourcePlan& r, const std::string& property) {
    std::string root = AppendKey("", property);
    for (const ValueChange& c : r.changes) {
      if (c.path == root || c.path.rfind(root + ".", 0) == 0 || c.path.rfind(root + "[", 0) == 0) {
        return true;
      }
    }
    return false;
  }

  void MarkDataLoss() {
    for (ResourcePlan& r : plan_.resources) {
      if (!r.stateful) continue;
      if (r.action == Action::kReplace) r.data_loss = true;
      if (r.action == Action::kDelete) r.data_loss = !IsRetain(r.removal_policy);
    }
  }

  void Summarize() {
    PlanSummary& s = plan_.summary;
    for (const ResourcePlan& r : plan_.resources) {
      switch (r.action) {
        case Action::kCreate:
          ++s.create;
          break;
        case Action::kUpdate:
          ++s.update;
          break;
        case Action::kMayReplace:
          ++s.may_replace;
          break;
        case Action::kReplace:
          ++s.replace;
          break;
        case Action::kDelete:
          ++s.remove;
          break;
        case Action::kNoChange:
          ++s.no_change;
          if (r.metadata_only()) ++s.metadata_only;
          break;
      }
      if (r.data_loss) ++s.data_loss;
    }
    s.parameters = plan_.parameters.size();
    s.outputs = plan_.outputs.size();
    s.conditions = plan_.conditions.size();
    s.other = plan_.mappings.size() + plan_.rules.size() + plan_.template_changes.size();
  }

  const Json& before_;
  const Json& after_;
  const SchemaLookup& schemas_;
  Plan plan_;
};

Json ChangeToJson(const ValueChange& c, bool with_replacement) {
  Json out = Json::object();
  out["path"] = c.path;
  out["kind"] = ChangeKindName(c.kind);
  if (c.kind != ChangeKind::kAdd) out["before"] = c.before;
  if (c.kind != ChangeKind::kRemove) out["after"] = c.after;
  if (with_replacement) out["replacement"] = ReplacementName(c.replacement);
  out["referenceChanged"] = c.reference_changed;
  out["knownAfterDeploy"] = c.known_after_deploy;
  if (c.known_after_deploy) out["causedBy"] = c.caused_by;
  return out;
}

Json ChangesToJson(const std::vector<ValueChange>& changes, bool with_replacement) {
  Json out = Json::array();
  for (const ValueChange& c : changes) out.push_back(ChangeToJson(c, with_replacement));
  return out;
}

Json EntriesToJson(const std::vector<EntryPlan>& entries) {
  Json out = Json::array();
  for (const EntryPlan& e : entries) {
    Json j = Json::object();
    j["name"] = e.name;
    j["kind"] = ChangeKindName(e.kind);
    if (e.kind != ChangeKind::kAdd) j["before"] = e.before;
    if (e.kind != ChangeKind::kRemove) j["after"] = e.after;
    if (!e.changes.empty()) j["changes"] = ChangesToJson(e.changes, false);
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace

std::string_view ActionName(Action action) {
  switch (action) {
    case Action::kNoChange:
      return "no-change";
    case Action::kUpdate:
      return "update";
    case Action::kMayReplace:
      return "may-replace";
    case Action::kReplace:
      return "replace";
    case Action::kCreate:
      return "create";
    case Action::kDelete:
      return "delete";
  }
  return "no-change";
}

std::string_view ChangeKindName(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kAdd:
      return "add";
    case ChangeKind::kRemove:
      return "remove";
    case ChangeKind::kModify:
      return "modify";
  }
  return "modify";
}

std::string_view ReplacementName(Replacement replacement) {
  switch (replacement) {
    case Replacement::kNo:
      return "no";
    case Replacement::kYes:
      return "yes";
    case Replacement::kMaybe:
      return "maybe";
  }
  return "maybe";
}

bool Plan::HasChanges() const {
  const PlanSummary& s = summary;
  return s.create + s.update + s.may_replace + s.replace + s.remove + s.metadata_only +
             s.parameters + s.outputs + s.conditions + s.other >
         0;
}

std::string ComponentOfPath(std::string_view path) {
  size_t first = path.find('/');
  if (first == std::string_view::npos) return "";
  std::string_view rest = path.substr(first + 1);
  return std::string(rest.substr(0, rest.find('/')));
}

Plan ComputePlan(const base::Json& before, const base::Json& after, const SchemaLookup& schemas) {
  return Planner(before, after, schemas).Run();
}

base::Json PlanToJson(const Plan& plan) {
  Json out = Json::object();
  out["version"] = 1;
  out["nothingDeployed"] = plan.nothing_deployed;
  out["hasChanges"] = plan.HasChanges();
  out["dataLoss"] = plan.HasDataLoss();
  const PlanSummary& s = plan.summary;
  out["summary"] = Json{{"create", s.create},
                        {"update", s.update},
                        {"mayReplace", s.may_replace},
                        {"replace", s.replace},
                        {"delete", s.remove},
                        {"noChange", s.no_change},
                        {"metadataOnly", s.metadata_only},
                        {"dataLoss", s.data_loss},
                        {"parameters", s.parameters},
                        {"outputs", s.outputs},
                        {"conditions", s.conditions},
                        {"other", s.other}};
  Json resources = Json::array();
  for (const ResourcePlan& r : plan.resources) {
    Json j = Json::object();
    j["logicalId"] = r.logical_id;
    j["type"] = r.type;
    if (!r.previous_type.empty()) j["previousType"] = r.previous_type;
    j["path"] = r.path;
    j["component"] = r.component;
    j["action"] = ActionName(r.action);
    j["stateful"] = r.stateful;
    j["dataLoss"] = r.data_loss;
    j["schemaKnown"] = r.schema_known;
    j["metadataOnly"] = r.metadata_only();
    if (!r.removal_policy.empty()) j["removalPolicy"] = r.removal_policy;
    if (!r.causes.empty()) j["causes"] = r.causes;
    if (!r.renamed.empty()) j["renamed"] = r.renamed;
    if (!r.changes.empty()) j["changes"] = ChangesToJson(r.changes, true);
    if (!r.attribute_changes.empty()) {
      Json attrs = Json::array();
      for (const AttributeChange& a : r.attribute_changes) {
        Json aj = Json::object();
        aj["attribute"] = a.attribute;
        aj["kind"] = ChangeKindName(a.kind);
        if (a.kind != ChangeKind::kAdd) aj["before"] = a.before;
        if (a.kind != ChangeKind::kRemove) aj["after"] = a.after;
        attrs.push_back(std::move(aj));
      }
      j["attributeChanges"] = std::move(attrs);
    }
    resources.push_back(std::move(j));
  }
  out["resources"] = std::move(resources);
  out["parameters"] = EntriesToJson(plan.parameters);
  out["outputs"] = EntriesToJson(plan.outputs);
  out["conditions"] = EntriesToJson(plan.conditions);
  out["mappings"] = EntriesToJson(plan.mappings);
  out["rules"] = EntriesToJson(plan.rules);
  out["templateChanges"] = ChangesToJson(plan.template_changes, false);
  return out;
}

}  // namespace rex::tmpl
