#include "core/stack.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <functional>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <unordered_map>

#include "base/strings.h"
#include "core/references.h"

namespace rex::core {
namespace {

const char* JsonTypeName(const base::Json& j) {
  switch (j.type()) {
    case base::Json::value_t::null:
      return "null";
    case base::Json::value_t::boolean:
      return "a boolean";
    case base::Json::value_t::number_integer:
    case base::Json::value_t::number_unsigned:
      return "an integer";
    case base::Json::value_t::number_float:
      return "a number";
    case base::Json::value_t::string:
      return "a string";
    case base::Json::value_t::array:
      return "a list";
    case base::Json::value_t::object:
      return "an object";
    default:
      return "a value";
  }
}

bool IsIntrinsic(const base::Json& j) {
  if (!j.is_object() || j.size() != 1) return false;
  const std::string& key = j.begin().key();
  return key == "Ref" || key == "Condition" || key.rfind("Fn::", 0) == 0;
}

// Compiled schema patterns, shared by all validations. AWS writes some patterns in a regex
// dialect std::regex does not know (\p{...}); those are not checked.
const std::regex* CompiledPattern(std::string_view pattern) {
  static std::mutex mu;
  static std::unordered_map<const char*, std::unique_ptr<std::regex>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache.find(pattern.data());
  if (it != cache.end()) return it->second.get();
  // AWS schemas borrow anchors from Java/Python regexes: \A, \Z and \z. Translate them;
  // anything else std::regex cannot read stays unchecked.
  std::string translated;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\' && i + 1 < pattern.size()) {
      char next = pattern[i + 1];
      if (next == 'A' || next == 'Z' || next == 'z') {
        translated += next == 'A' ? '^' : '$';
        ++i;
        continue;
      }
      translated += pattern[i];
      translated += next;
      ++i;
      continue;
    }
    translated += pattern[i];
  }
  std::unique_ptr<std::regex> compiled;
  try {
    compiled = std::make_unique<std::regex>(translated, std::regex::ECMAScript);
  } catch (const std::regex_error&) {
    compiled = nullptr;
  }
  const std::regex* out = compiled.get();
  cache.emplace(pattern.data(), std::move(compiled));
  return out;
}

bool IsNumericString(const std::string& s, bool integer_only) {
  if (s.empty()) return false;
  size_t i = (s[0] == '-') ? 1 : 0;
  bool digits = false, dot = false;
  for (; i < s.size(); ++i) {
    if (std::isdigit(static_cast<unsigned char>(s[i]))) {
      digits = true;
    } else if (s[i] == '.' && !dot && !integer_only) {
      dot = true;
    } else {
      return false;
    }
  }
  return digits;
}

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

void ValidateValue(const base::Json& value, const PropertySchema& prop, const TypeSchema& type,
                   const std::string& path, const std::string& name, std::vector<Diagnostic>& out);

void Error(std::vector<Diagnostic>& out, const std::string& path, const std::string& property,
           std::string message) {
  out.push_back({Diagnostic::Severity::kError, path, property, std::move(message)});
}

// The longest string value checked against a schema pattern with std::regex.
constexpr size_t kMaxPatternCheckedLength = 4096;

void CheckStringConstraints(const std::string& s, const PropertySchema& prop,
                            const std::string& path, const std::string& name,
                            std::vector<Diagnostic>& out) {
  if (!prop.allowed_values.empty() &&
      std::find(prop.allowed_values.begin(), prop.allowed_values.end(), s) ==
          prop.allowed_values.end()) {
    std::vector<std::string> allowed(prop.allowed_values.begin(), prop.allowed_values.end());
    Error(out, path, name, Quoted(s) + " is not allowed; use one of: " + base::Join(allowed, ", "));
    return;
  }
  if (prop.min_length && static_cast<int64_t>(s.size()) < *prop.min_length) {
    Error(out, path, name,
          Quoted(s) + " is shorter than the minimum length " + std::to_string(*prop.min_length));
  }
  if (prop.max_length && static_cast<int64_t>(s.size()) > *prop.max_length) {
    Error(out, path, name,
          "value of length " + std::to_string(s.size()) + " is longer than the maximum length " +
              std::to_string(*prop.max_length));
  }
  if (!prop.pattern.empty() && s.size() > kMaxPatternCheckedLength) {
    // std::regex recurses once per character: a longer value is refused, not matched.
    Error(out, path, name,
          "value of length " + std::to_string(s.size()) +
              " is too long to check against the pattern " + std::string(prop.pattern));
  } else if (!prop.pattern.empty()) {
    if (const std::regex* re = CompiledPattern(prop.pattern)) {
      if (!std::regex_search(s, *re)) {
        Error(out, path, name,
              Quoted(s) + " does not match the pattern " + std::string(prop.pattern));
      }
    }
  }
}

void CheckNumberConstraints(double n, const PropertySchema& prop, const std::string& path,
                            const std::string& name, std::vector<Diagnostic>& out) {
  auto text = [](double d) {
    std::string s = std::to_string(d);
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
  };
  if (prop.minimum && n < *prop.minimum) {
    Error(out, path, name, text(n) + " is below the minimum " + text(*prop.minimum));
  }
  if (prop.maximum && n > *prop.maximum) {
    Error(out, path, name, text(n) + " is above the maximum " + text(*prop.maximum));
  }
}

void ValidateValue(const base::Json& value, const PropertySchema& prop, const TypeSchema& type,
                   const std::string& path, const std::string& name, std::vector<Diagnostic>& out) {
  if (IsIntrinsic(value)) return;  // resolved by CloudFormation; typed at compile time
  switch (type.kind) {
    case TypeKind::kString:
      if (value.is_string()) {
        CheckStringConstraints(value.get<std::string>(), prop, path, name, out);
      } else {
        Error(out, path, name, std::string("expected a string, got ") + JsonTypeName(value));
      }
      return;
    case TypeKind::kInteger:
      if (value.is_number_integer()) {
        CheckNumberConstraints(value.get<double>(), prop, path, name, out);
      } else if (!(value.is_string() && IsNumericString(value.get<std::string>(), true))) {
        Error(out, path, name, std::string("expected an integer, got ") + JsonTypeName(value));
      }
      return;
    case TypeKind::kNumber:
      if (value.is_number()) {
        CheckNumberConstraints(value.get<double>(), prop, path, name, out);
      } else if (!(value.is_string() && IsNumericString(value.get<std::string>(), false))) {
        Error(out, path, name, std::string("expected a number, got ") + JsonTypeName(value));
      }
      return;
    case TypeKind::kBoolean:
      if (!value.is_boolean() && !(value.is_string() && (value == "true" || value == "false"))) {
        Error(out, path, name, std::string("expected a boolean, got ") + JsonTypeName(value));
      }
      return;
    case TypeKind::kJson:
    case TypeKind::kUnion:
      return;
    case TypeKind::kList:
      if (!value.is_array()) {
        Error(out, path, name, std::string("expected a list, got ") + JsonTypeName(value));
        return;
      }
      for (size_t i = 0; i < value.size(); ++i) {
        ValidateValue(value[i], prop, *type.element, path, name + "[" + std::to_string(i) + "]",
                      out);
      }
      return;
    case TypeKind::kMap:
      if (!value.is_object()) {
        Error(out, path, name, std::string("expected a map, got ") + JsonTypeName(value));
        return;
      }
      for (const auto& [key, item] : value.items()) {
        ValidateValue(item, prop, *type.element, path, name + "." + key, out);
      }
      return;
    case TypeKind::kStruct:
      ValidateProperties(value, type.struct_type->properties, path, name + ".", out);
      return;
    case TypeKind::kTag:
      if (!value.is_object() || !value.contains("Key") || !value.contains("Value")) {
        Error(out, path, name, "a tag needs Key and Value");
      }
      return;
  }
}

struct Collected {
  std::vector<const CfnResource*> resources;
  std::vector<const Parameter*> parameters;
  std::vector<const Condition*> conditions;
  std::vector<const Mapping*> mappings;
  std::vector<const Output*> outputs;
  std::vector<Diagnostic> diagnostics;
};

void Collect(const Construct& node, const Stack& stack, Collected& c) {
  for (const Diagnostic& d : node.diagnostics()) c.diagnostics.push_back(d);
  if (const auto* element = dynamic_cast<const CfnElement*>(&node)) {
    switch (element->section()) {
      case CfnElement::Section::kResource:
        c.resources.push_back(static_cast<const CfnResource*>(element));
        break;
      case CfnElement::Section::kParameter:
        c.parameters.push_back(static_cast<const Parameter*>(element));
        break;
      case CfnElement::Section::kCondition:
        c.conditions.push_back(static_cast<const Condition*>(element));
        break;
      case CfnElement::Section::kOutput:
        c.outputs.push_back(static_cast<const Output*>(element));
        break;
      case CfnElement::Section::kMapping:
        c.mappings.push_back(static_cast<const Mapping*>(element));
        break;
    }
  }
  for (const auto& child : node.children()) {
    // A nested Stack is a template of its own.
    if (dynamic_cast<const Stack*>(child.get()) != nullptr && child->stack() != &stack) continue;
    Collect(*child, stack, c);
  }
}

const char* DeletionPolicyName(DeletionPolicy p) {
  switch (p) {
    case DeletionPolicy::kDelete:
      return "Delete";
    case DeletionPolicy::kRetain:
      return "Retain";
    case DeletionPolicy::kSnapshot:
      return "Snapshot";
    case DeletionPolicy::kRetainExceptOnCreate:
      return "RetainExceptOnCreate";
  }
  return "Delete";
}

bool IsPseudoParameter(std::string_view name) {
  static const std::set<std::string_view> kPseudo = {
      "AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue",   "AWS::Partition",
      "AWS::Region",    "AWS::StackId",          "AWS::StackName", "AWS::URLSuffix"};
  return kPseudo.count(name) > 0;
}

class Synthesizer {
 public:
  explicit Synthesizer(const Stack& stack) : stack_(stack) {}

  base::Result<Template> Run() {
    Collect(stack_, stack_, c_);
    for (Diagnostic& d : c_.diagnostics) Report(std::move(d));
    IndexLogicalIds();
    base::Json resources = base::Json::object();
    for (const CfnResource* r : c_.resources) resources[r->logical_id()] = RenderResource(*r);
    CheckCycles();

    base::Json tmpl = base::Json::object();
    tmpl["AWSTemplateFormatVersion"] = "2010-09-09";
    if (!stack_.props().description.empty()) tmpl["Description"] = stack_.props().description;
    if (!c_.parameters.empty()) tmpl["Parameters"] = RenderParameters();
    if (!c_.conditions.empty()) tmpl["Conditions"] = RenderConditions();
    if (!c_.mappings.empty()) tmpl["Mappings"] = RenderMappings();
    tmpl["Resources"] = std::move(resources);
    if (!c_.outputs.empty()) tmpl["Outputs"] = RenderOutputs();

    if (!errors_.empty()) {
      std::string message;
      for (const Diagnostic& d : errors_) message += d.ToString() + "\n";
      message += std::to_string(errors_.size()) + (errors_.size() == 1 ? " error" : " errors") +
                 "; no template written";
      return base::InvalidArgument(std::move(message));
    }
    return Template{std::move(tmpl), std::move(warnings_)};
  }

 private:
  void Report(Diagnostic d) {
    (d.severity == Diagnostic::Severity::kError ? errors_ : warnings_).push_back(std::move(d));
  }
  void Error(const Construct& where, std::string property, std::string message) {
    Report({Diagnostic::Severity::kError, where.path(), std::move(property), std::move(message)});
  }

  void IndexLogicalIds() {
    auto add = [&](std::map<std::string, const CfnElement*>& index, const CfnElement& e) {
      auto [it, inserted] = index.emplace(e.logical_id(), &e);
      if (!inserted) {
        Error(e, "",
              "logical id " + e.logical_id() + " is also used by " + it->second->path() +
                  "; rename one of the constructs");
      }
    };
    for (const CfnResource* r : c_.resources) add(referable_, *r);
    for (const Parameter* p : c_.parameters) add(referable_, *p);
    for (const Condition* cond : c_.conditions) add(conditions_, *cond);
    for (const Mapping* m : c_.mappings) add(mappings_, *m);
    for (const Output* o : c_.outputs) add(outputs_, *o);
  }

  // Checks that every element `value` references belongs to this stack.
  void CheckRefsInStack(const Construct& where, const std::string& property, const Value& value) {
    for (const CfnElement* e : value.refs()) {
      if (e->stack() != &stack_) {
        foreign_ids_.insert(e->logical_id());
        std::string other = e->stack() != nullptr ? e->stack()->path() : std::string("no stack");
        Error(where, property,
              "references " + e->path() + " of stack " + other + ", outside stack " +
                  stack_.path() + "; pass it as a parameter or an exported output");
      }
    }
  }

  // Checks every reference in a rendered JSON value (core/references.h: Ref, Fn::GetAtt in
  // both forms, Fn::Sub names, conditions, mappings) resolves, and records resource
  // dependencies of `from`.
  void ResolveNames(const Construct& where, const std::string& property, const base::Json& j,
                    const CfnResource* from) {
    bool finds_in_map = false;
    ForEachReference(j, [&](const Reference& ref) {
      std::string name(ref.name);
      switch (ref.kind) {
        case ReferenceKind::kRef:
        case ReferenceKind::kGetAtt:
        case ReferenceKind::kSub:
          ResolveName(where, property, name, std::string(ref.attribute), from,
                      std::string(ref.function).c_str());
          return;
        case ReferenceKind::kCondition:
          if (!conditions_.count(name)) {
            Error(where, property,
                  ref.function == "Fn::If" ? "Fn::If names an undefined condition " + name
                                           : "refers to an undefined condition " + name);
          }
          return;
        case ReferenceKind::kMapping:
          if (!mappings_.count(name)) {
            Error(where, property, "Fn::FindInMap names an undefined mapping " + name);
          } else {
            finds_in_map = true;
          }
          return;
      }
    });
    if (finds_in_map) CheckFindInMapKeys(where, property, j);
  }

  // Checks the literal keys of every Fn::FindInMap inside `j` against its mapping's table
  // (token keys are CloudFormation's to resolve).
  void CheckFindInMapKeys(const Construct& where, const std::string& property,
                          const base::Json& j) {
    std::vector<const base::Json*> todo = {&j};
    while (!todo.empty()) {
      const base::Json* node = todo.back();
      todo.pop_back();
      if (node->is_object()) {
        auto find = node->find("Fn::FindInMap");
        if (node->size() == 1 && find != node->end()) CheckFindInMap(where, property, *find);
        for (const auto& [key, item] : node->items()) todo.push_back(&item);
      } else if (node->is_array()) {
        for (const auto& item : *node) todo.push_back(&item);
      }
    }
  }

  void CheckFindInMap(const Construct& where, const std::string& property, const base::Json& args) {
    if (!args.is_array() || args.size() != 3 || !args[0].is_string()) {
      Error(where, property, "Fn::FindInMap takes [mapping, top-level key, second-level key]");
      return;
    }
    auto it = mappings_.find(args[0].get<std::string>());
    if (it == mappings_.end()) return;  // reported by ResolveNames
    const MappingTable& table = static_cast<const Mapping*>(it->second)->table();
    if (!args[1].is_string()) return;
    auto top = table.find(args[1].get<std::string>());
    if (top == table.end()) {
      std::vector<std::string> keys;
      for (const auto& [key, entry] : table) keys.push_back(key);
      Error(where, property,
            "Fn::FindInMap: mapping " + it->first + " has no entry " + args[1].get<std::string>() +
                "; it has: " + base::Join(keys, ", "));
      return;
    }
    if (!args[2].is_string() || top->second.count(args[2].get<std::string>())) return;
    std::vector<std::string> keys;
    for (const auto& [key, value] : top->second) keys.push_back(key);
    Error(where, property,
          "Fn::FindInMap: mapping " + it->first + " has no key " + args[2].get<std::string>() +
              " under " + top->first + "; it has: " + base::Join(keys, ", "));
  }

  void ResolveName(const Construct& where, const std::string& property, const std::string& name,
                   const std::string& attribute, const CfnResource* from, const char* function) {
    if (attribute.empty() && IsPseudoParameter(name)) return;
    auto it = referable_.find(name);
    if (it == referable_.end()) {
      if (foreign_ids_.count(name)) return;  // already reported as outside the stack
      std::vector<std::string> names;
      for (const auto& [id, e] : referable_) names.push_back(id);
      std::string hint = base::ClosestMatch(name, names);
      Error(where, property,
            std::string(function) + " to " + name + ", which is not in this stack" +
                (hint.empty() ? std::string() : "; did you mean " + hint + "?"));
      return;
    }
    const auto* target = dynamic_cast<const CfnResource*>(it->second);
    if (!attribute.empty()) {
      if (target == nullptr) {
        Error(where, property,
              std::string(function) + " asks parameter " + name + " for attribute " + attribute +
                  "; parameters have none");
        return;
      }
      if (target->schema().FindAttribute(attribute) == nullptr) {
        std::vector<std::string> attrs;
        for (const auto& a : target->schema().attributes) attrs.emplace_back(a.name);
        Error(where, property,
              std::string(target->type()) + " " + name + " has no attribute " + attribute +
                  "; it has: " + (attrs.empty() ? "none" : base::Join(attrs, ", ")));
        return;
      }
    }
    if (from != nullptr && target != nullptr && target != from) {
      edges_[from].insert(target);
    } else if (from != nullptr && target == from) {
      Error(where, property, "refers to the resource itself");
    }
  }

  base::Json RenderResource(const CfnResource& r) {
    Value props = r.Properties();
    CheckRefsInStack(r, "", props);
    base::Json out = base::Json::object();
    out["Type"] = std::string(r.type());
    if (!props.is_null() && !(props.json().is_object() && props.json().empty())) {
      ValidateProperties(props.json(), r.schema().properties, r.path(), "", errors_);
      ResolveNames(r, "", props.json(), &r);
      out["Properties"] = std::move(props).TakeJson();
    } else {
      ValidateProperties(base::Json::object(), r.schema().properties, r.path(), "", errors_);
    }
    if (!r.explicit_depends_on().empty()) {
      std::vector<std::string> ids;
      for (const CfnResource* d : r.explicit_depends_on()) {
        if (d->stack() != &stack_) {
          Error(r, "DependsOn", "depends on " + d->path() + ", outside stack " + stack_.path());
          continue;
        }
        ids.push_back(d->logical_id());
        edges_[&r].insert(d);
      }
      std::sort(ids.begin(), ids.end());
      out["DependsOn"] = ids;
    }
    if (r.deletion_policy()) out["DeletionPolicy"] = DeletionPolicyName(*r.deletion_policy());
    if (r.update_replace_policy()) {
      out["UpdateReplacePolicy"] = DeletionPolicyName(*r.update_replace_policy());
    }
    if (r.condition() != nullptr) {
      if (r.condition()->stack() != &stack_) {
        Error(r, "Condition", "uses condition " + r.condition()->path() + " of another stack");
      }
      out["Condition"] = r.condition()->logical_id();
    }
    out["Metadata"] = base::Json::object({{"rex:path", r.path()}});
    return out;
  }

  base::Json RenderParameters() {
    base::Json out = base::Json::object();
    for (const Parameter* p : c_.parameters) {
      const ParameterProps& props = p->props();
      base::Json j = base::Json::object();
      j["Type"] = props.type;
      if (!props.description.empty()) j["Description"] = props.description;
      if (props.default_value) j["Default"] = props.default_value->json();
      if (props.no_echo) j["NoEcho"] = true;
      if (!props.allowed_values.empty()) j["AllowedValues"] = props.allowed_values;
      if (props.min_length) j["MinLength"] = *props.min_length;
      out[p->logical_id()] = std::move(j);
    }
    return out;
  }

  base::Json RenderConditions() {
    base::Json out = base::Json::object();
    for (const Condition* c : c_.conditions) {
      CheckRefsInStack(*c, "", c->expression());
      ResolveNames(*c, "", c->expression().json(), nullptr);
      out[c->logical_id()] = c->expression().json();
    }
    return out;
  }

  static bool IsMappingKey(const std::string& key) {
    if (key.empty()) return false;
    for (char ch : key) {
      bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
                ch == '-' || ch == '.' || ch == '_';
      if (!ok) return false;
    }
    return true;
  }

  static bool IsMappingValue(const base::Json& value) {
    if (value.is_string()) return true;
    if (!value.is_array()) return false;
    for (const auto& item : value) {
      if (!item.is_string()) return false;
    }
    return true;
  }

  base::Json RenderMappings() {
    base::Json out = base::Json::object();
    for (const Mapping* m : c_.mappings) {
      if (m->table().empty()) Error(*m, "", "a mapping needs at least one entry");
      base::Json j = base::Json::object();
      for (const auto& [top, entry] : m->table()) {
        if (!IsMappingKey(top)) {
          Error(*m, top, "a mapping key may hold only A-Za-z0-9, '-', '.' and '_'");
        }
        if (entry.empty()) Error(*m, top, "a mapping entry needs at least one key");
        base::Json inner = base::Json::object();
        for (const auto& [key, value] : entry) {
          if (!IsMappingKey(key)) {
            Error(*m, top + "." + key, "a mapping key may hold only A-Za-z0-9, '-', '.' and '_'");
          }
          if (!IsMappingValue(value)) {
            Error(*m, top + "." + key,
                  std::string("a mapping value is a string or a list of strings, got ") +
                      JsonTypeName(value));
          }
          inner[key] = value;
        }
        j[top] = std::move(inner);
      }
      out[m->logical_id()] = std::move(j);
    }
    return out;
  }

  base::Json RenderOutputs() {
    base::Json out = base::Json::object();
    for (const Output* o : c_.outputs) {
      const OutputProps& props = o->props();
      CheckRefsInStack(*o, "Value", props.value);
      ResolveNames(*o, "Value", props.value.json(), nullptr);
      base::Json j = base::Json::object();
      j["Value"] = props.value.json();
      if (!props.description.empty()) j["Description"] = props.description;
      if (props.export_name) {
        CheckRefsInStack(*o, "Export", props.export_name->value());
        j["Export"] = base::Json::object({{"Name", props.export_name->value().json()}});
      }
      out[o->logical_id()] = std::move(j);
    }
    return out;
  }

  // Depth-first search over resource dependencies; reports each cycle once.
  enum class Mark { kNone, kActive, kDone };

  void CheckCycles() {
    std::unordered_map<const CfnResource*, Mark> marks;
    marks.reserve(c_.resources.size());
    std::vector<const CfnResource*> trail;
    std::vector<const CfnResource*> all = c_.resources;
    std::sort(all.begin(), all.end(), [](const CfnResource* a, const CfnResource* b) {
      return a->logical_id() < b->logical_id();
    });
    for (const CfnResource* r : all) {
      if (marks[r] == Mark::kNone) Visit(r, marks, trail);
    }
  }

  void Visit(const CfnResource* r, std::unordered_map<const CfnResource*, Mark>& marks,
             std::vector<const CfnResource*>& trail) {
    marks[r] = Mark::kActive;
    trail.push_back(r);
    auto it = edges_.find(r);
    if (it != edges_.end()) {
      // Visit in logical id order so the reported cycle is deterministic.
      std::vector<const CfnResource*> next(it->second.begin(), it->second.end());
      std::sort(next.begin(), next.end(), [](const CfnResource* a, const CfnResource* b) {
        return a->logical_id() < b->logical_id();
      });
      for (const CfnResource* n : next) {
        if (marks[n] == Mark::kActive) {
          auto start = std::find(trail.begin(), trail.end(), n);
          std::string cycle;
          for (auto i = start; i != trail.end(); ++i) cycle += (*i)->logical_id() + " -> ";
          cycle += n->logical_id();
          Error(*n, "", "dependency cycle: " + cycle);
        } else if (marks[n] == Mark::kNone) {
          Visit(n, marks, trail);
        }
      }
    }
    trail.pop_back();
    marks[r] = Mark::kDone;
  }

  const Stack& stack_;
  Collected c_;
  std::vector<Diagnostic> errors_;
  std::vector<Diagnostic> warnings_;
  std::map<std::string, const CfnElement*> referable_;
  std::map<std::string, const CfnElement*> conditions_;
  std::map<std::string, const CfnElement*> mappings_;
  std::map<std::string, const CfnElement*> outputs_;
  // Resource → the resources it depends on (read through find only: any order).
  std::unordered_map<const CfnResource*, std::set<const CfnResource*>> edges_;
  std::set<std::string> foreign_ids_;
};

void EmitYaml(YAML::Emitter& out, const base::Json& j) {
  switch (j.type()) {
    case base::Json::value_t::object:
      out << YAML::BeginMap;
      for (const auto& [key, value] : j.items()) {
        out << YAML::Key << key << YAML::Value;
        EmitYaml(out, value);
      }
      out << YAML::EndMap;
      return;
    case base::Json::value_t::array:
      out << YAML::BeginSeq;
      for (const auto& item : j) EmitYaml(out, item);
      out << YAML::EndSeq;
      return;
    case base::Json::value_t::string:
      out << YAML::DoubleQuoted << j.get<std::string>();
      return;
    case base::Json::value_t::boolean:
      out << (j.get<bool>() ? "true" : "false");
      return;
    case base::Json::value_t::null:
      out << YAML::Null;
      return;
    default:
      out << j.dump();
      return;
  }
}

}  // namespace

void ValidateProperties(const base::Json& value, std::span<const PropertySchema> properties,
                        const std::string& path, const std::string& prefix,
                        std::vector<Diagnostic>& out) {
  if (IsIntrinsic(value)) return;
  if (!value.is_object()) {
    std::string name = prefix.empty() ? std::string() : prefix.substr(0, prefix.size() - 1);
    Error(out, path, name, std::string("expected an object, got ") + JsonTypeName(value));
    return;
  }
  for (const PropertySchema& p : properties) {
    if (p.required && !value.contains(std::string(p.name))) {
      Error(out, path, prefix + std::string(p.name), "missing required property");
    }
  }
  for (const auto& [key, item] : value.items()) {
    const PropertySchema* p = FindIn(properties, key);
    if (p == nullptr) {
      std::vector<std::string> names;
      for (const PropertySchema& q : properties) names.emplace_back(q.name);
      std::string hint = base::ClosestMatch(key, names);
      Error(out, path, prefix + key,
            "unknown property" + (hint.empty() ? std::string() : "; did you mean " + hint + "?"));
      continue;
    }
    ValidateValue(item, *p, p->type, path, prefix + key, out);
  }
}

std::string Template::ToJson() const { return base::DumpJson(json); }

std::string Template::ToYaml() const {
  YAML::Emitter out;
  out.SetIndent(2);
  EmitYaml(out, json);
  std::string text = out.c_str();
  text += '\n';
  return text;
}

Stack::Stack(Construct& scope, std::string id, StackProps props)
    : Construct(scope, std::move(id)), props_(std::move(props)) {
  set_stack(this);
}

base::Result<Template> Stack::Synthesize() const { return Synthesizer(*this).Run(); }

}  // namespace rex::core
