#include "model.h"

#include <algorithm>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <utility>

#include "naming.h"

namespace rex::cfngen {
namespace {

using base::Json;
using base::Result;
using base::Status;

// Every reading step names where it is ("spec/ec2.json: AWS::EC2::Subnet: property VpcId"),
// so a malformed spec file is fixed without a debugger.
Status Bad(std::string_view where, std::string_view what) {
  return base::InvalidArgument(std::string(where) + ": " + std::string(what));
}

Result<std::string> GetString(const Json& obj, std::string_view key, std::string_view where,
                              bool optional = false) {
  auto it = obj.find(key);
  if (it == obj.end()) {
    if (optional) return std::string();
    return Bad(where, "missing \"" + std::string(key) + "\"");
  }
  if (!it->is_string()) return Bad(where, "\"" + std::string(key) + "\" is not a string");
  return it->get<std::string>();
}

bool GetBool(const Json& obj, std::string_view key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_boolean() && it->get<bool>();
}

Result<TypeRef> ParseType(const Json& j, std::string_view where) {
  TypeRef t;
  if (j.is_string()) {
    static const std::map<std::string, TypeRef::Kind, std::less<>> kKinds = {
        {"string", TypeRef::Kind::kString}, {"integer", TypeRef::Kind::kInteger},
        {"number", TypeRef::Kind::kNumber}, {"boolean", TypeRef::Kind::kBoolean},
        {"json", TypeRef::Kind::kJson},     {"tag", TypeRef::Kind::kTag},
    };
    auto it = kKinds.find(j.get<std::string>());
    if (it == kKinds.end()) return Bad(where, "unknown type \"" + j.get<std::string>() + "\"");
    t.kind = it->second;
    return t;
  }
  if (!j.is_object() || j.size() != 1) {
    return Bad(where, "a type is a name or a one-key object (list, map, ref, union)");
  }
  // Not `*j.items().begin()`: the items() proxy is a temporary, and the structured binding
  // would outlive it (AddressSanitizer: stack-use-after-scope).
  const auto first = j.begin();
  const std::string& key = first.key();
  const Json& arg = first.value();
  if (key == "list" || key == "map") {
    t.kind = key == "list" ? TypeRef::Kind::kList : TypeRef::Kind::kMap;
    REX_ASSIGN_OR_RETURN(TypeRef element, ParseType(arg, where));
    t.args.push_back(std::move(element));
    return t;
  }
  if (key == "ref") {
    if (!arg.is_string()) return Bad(where, "\"ref\" is not a type name");
    t.kind = TypeRef::Kind::kStruct;
    t.struct_name = arg.get<std::string>();
    return t;
  }
  if (key == "union") {
    if (!arg.is_array() || arg.empty()) return Bad(where, "\"union\" is not a list of types");
    t.kind = TypeRef::Kind::kUnion;
    for (const auto& member : arg) {
      REX_ASSIGN_OR_RETURN(TypeRef m, ParseType(member, where));
      t.args.push_back(std::move(m));
    }
    return t;
  }
  return Bad(where, "unknown type constructor \"" + key + "\"");
}

Result<Replacement> ParseReplacement(const Json& p, std::string_view where) {
  REX_ASSIGN_OR_RETURN(std::string r, GetString(p, "replacement", where, true));
  if (r.empty() || r == "no") return Replacement::kNo;
  if (r == "yes") return Replacement::kYes;
  if (r == "maybe") return Replacement::kMaybe;
  return Bad(where, "replacement is \"" + r + "\"; expected yes, maybe or no");
}

std::optional<int64_t> GetInt(const Json& p, std::string_view key) {
  auto it = p.find(key);
  if (it == p.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

std::optional<double> GetNumber(const Json& p, std::string_view key) {
  auto it = p.find(key);
  if (it == p.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

Result<std::vector<Property>> ParseProperties(const Json& owner, const std::string& where) {
  std::vector<Property> out;
  auto it = owner.find("properties");
  if (it == owner.end()) return out;
  if (!it->is_array()) return Bad(where, "\"properties\" is not a list");
  for (const auto& p : *it) {
    if (!p.is_object()) return Bad(where, "a property is not an object");
    Property prop;
    REX_ASSIGN_OR_RETURN(prop.name, GetString(p, "name", where));
    const std::string pwhere = where + ": property " + prop.name;
    auto type = p.find("type");
    if (type == p.end()) return Bad(pwhere, "missing \"type\"");
    REX_ASSIGN_OR_RETURN(prop.type, ParseType(*type, pwhere));
    prop.required = GetBool(p, "required");
    prop.deprecated = GetBool(p, "deprecated");
    REX_ASSIGN_OR_RETURN(prop.replacement, ParseReplacement(p, pwhere));
    REX_ASSIGN_OR_RETURN(prop.doc, GetString(p, "doc", pwhere, true));
    if (p.contains("default")) {
      REX_ASSIGN_OR_RETURN(std::string d, GetString(p, "default", pwhere));
      prop.default_value = std::move(d);
    }
    if (auto e = p.find("enum"); e != p.end()) {
      if (!e->is_array()) return Bad(pwhere, "\"enum\" is not a list");
      for (const auto& v : *e) {
        if (!v.is_string()) return Bad(pwhere, "\"enum\" holds a non-string");
        prop.enum_values.push_back(v.get<std::string>());
      }
    }
    REX_ASSIGN_OR_RETURN(prop.pattern, GetString(p, "pattern", pwhere, true));
    prop.min_length = GetInt(p, "minLength");
    prop.max_length = GetInt(p, "maxLength");
    prop.minimum = GetNumber(p, "minimum");
    prop.maximum = GetNumber(p, "maximum");
    out.push_back(std::move(prop));
  }
  return out;
}

Result<Resource> ParseResource(const Json& r, const std::string& file) {
  if (!r.is_object()) return Bad(file, "a resource is not an object");
  Resource res;
  REX_ASSIGN_OR_RETURN(res.type, GetString(r, "type", file));
  const std::string where = file + ": " + res.type;
  REX_ASSIGN_OR_RETURN(res.name, GetString(r, "name", where));
  REX_ASSIGN_OR_RETURN(res.doc, GetString(r, "doc", where, true));
  REX_ASSIGN_OR_RETURN(res.doc_url, GetString(r, "docUrl", where, true));
  res.stateful = GetBool(r, "stateful");
  if (auto pid = r.find("primaryIdentifier"); pid != r.end()) {
    if (!pid->is_array()) return Bad(where, "\"primaryIdentifier\" is not a list");
    for (const auto& id : *pid) {
      if (!id.is_string()) return Bad(where, "\"primaryIdentifier\" holds a non-string");
      res.primary_identifier.push_back(id.get<std::string>());
    }
  }
  REX_ASSIGN_OR_RETURN(res.properties, ParseProperties(r, where));
  if (auto attrs = r.find("attributes"); attrs != r.end()) {
    if (!attrs->is_array()) return Bad(where, "\"attributes\" is not a list");
    for (const auto& a : *attrs) {
      if (!a.is_object()) return Bad(where, "an attribute is not an object");
      Attribute attr;
      REX_ASSIGN_OR_RETURN(attr.name, GetString(a, "name", where));
      auto type = a.find("type");
      if (type == a.end()) return Bad(where + ": attribute " + attr.name, "missing \"type\"");
      REX_ASSIGN_OR_RETURN(attr.type, ParseType(*type, where + ": attribute " + attr.name));
      res.attributes.push_back(std::move(attr));
    }
  }
  if (auto types = r.find("types"); types != r.end()) {
    if (!types->is_array()) return Bad(where, "\"types\" is not a list");
    for (const auto& t : *types) {
      if (!t.is_object()) return Bad(where, "a type definition is not an object");
      StructDef def;
      REX_ASSIGN_OR_RETURN(def.name, GetString(t, "name", where));
      REX_ASSIGN_OR_RETURN(def.properties, ParseProperties(t, where + ": type " + def.name));
      res.structs.push_back(std::move(def));
    }
  }
  // Every ref must name a type of this resource.
  std::set<std::string, std::less<>> names;
  for (const auto& s : res.structs) {
    if (!names.insert(s.name).second) return Bad(where, "type " + s.name + " defined twice");
  }
  std::function<Status(const TypeRef&, const std::string&)> check =
      [&](const TypeRef& t, const std::string& w) -> Status {
    if (t.kind == TypeRef::Kind::kStruct && !names.contains(t.struct_name)) {
      return Bad(w, "refers to undefined type " + t.struct_name);
    }
    for (const auto& a : t.args) REX_RETURN_IF_ERROR(check(a, w));
    return Status::Ok();
  };
  for (const auto& p : res.properties)
    REX_RETURN_IF_ERROR(check(p.type, where + ": property " + p.name));
  for (const auto& s : res.structs) {
    for (const auto& p : s.properties) {
      REX_RETURN_IF_ERROR(check(p.type, where + ": type " + s.name + ": property " + p.name));
    }
  }
  return res;
}

// The struct a property refers to through any number of list/map wrappers, or nullptr.
const TypeRef* StructTarget(const TypeRef& t) {
  const TypeRef* cur = &t;
  while (cur->kind == TypeRef::Kind::kList || cur->kind == TypeRef::Kind::kMap) {
    cur = &cur->args.front();
  }
  return cur->kind == TypeRef::Kind::kStruct ? cur : nullptr;
}

Status NameFields(std::vector<Property>& props, const std::string& where) {
  std::map<std::string, std::string> seen;
  for (auto& p : props) {
    p.field = FieldName(p.name);
    auto [it, inserted] = seen.emplace(p.field, p.name);
    if (!inserted) {
      return Bad(where, "properties " + it->second + " and " + p.name + " both map to field " +
                            p.field + "; add an exception to tools/cfngen/naming.cc");
    }
  }
  return Status::Ok();
}

// Patterns come from JSON Schema (ECMA-262). Keep only those std::regex accepts, so every
// pattern in the tables compiles at run time.
bool RegexCompiles(const std::string& pattern) {
  try {
    std::regex re(pattern, std::regex::ECMAScript);
    return true;
  } catch (const std::regex_error&) {
    return false;
  }
}

}  // namespace

Result<Service> ParseService(const Json& json, std::string_view file) {
  const std::string f(file);
  try {
    if (!json.is_object()) return Bad(f, "not a JSON object");
    Service svc;
    svc.file = f;
    REX_ASSIGN_OR_RETURN(svc.schema_version, GetString(json, "schemaVersion", f));
    REX_ASSIGN_OR_RETURN(svc.constraints_from, GetString(json, "constraintsFrom", f, true));
    REX_ASSIGN_OR_RETURN(svc.name, GetString(json, "service", f));
    REX_ASSIGN_OR_RETURN(svc.namespace_, GetString(json, "namespace", f));
    auto resources = json.find("resources");
    if (resources == json.end() || !resources->is_array()) {
      return Bad(f, "\"resources\" is missing or not a list");
    }
    for (const auto& r : *resources) {
      REX_ASSIGN_OR_RETURN(Resource res, ParseResource(r, f));
      svc.resources.push_back(std::move(res));
    }
    return svc;
  } catch (const base::Json::exception& e) {
    return Bad(f, std::string("malformed: ") + e.what());
  }
}

Status Decide(Service& service) {
  service.cpp_namespace = ServiceNamespace(service.name);
  std::sort(service.resources.begin(), service.resources.end(),
            [](const Resource& a, const Resource& b) { return a.type < b.type; });

  // Names at namespace scope: classes and props structs first, then property types.
  std::map<std::string, std::string> taken;  // C++ name -> what took it
  for (auto& r : service.resources) {
    r.class_name = ClassName(r.name);
    r.props_name = PropsName(r.name);
    for (const auto& n : {r.class_name, r.props_name}) {
      if (!taken.emplace(n, r.type).second) {
        return Bad(service.file, r.type + " and " + taken[n] + " both map to " + n);
      }
    }
  }
  for (auto& r : service.resources) {
    const std::string where = service.file + ": " + r.type;
    std::sort(r.structs.begin(), r.structs.end(),
              [](const StructDef& a, const StructDef& b) { return a.name < b.name; });
    for (auto& s : r.structs) {
      std::string name = StructName(r.name, s.name);
      if (taken.contains(name)) name += "Type";
      for (int n = 2; taken.contains(name); ++n) {
        name = StructName(r.name, s.name) + "Type" + std::to_string(n);
      }
      taken.emplace(name, r.type + " type " + s.name);
      s.cpp_name = std::move(name);
      s.has_alias = !IsReservedMemberName(s.name) && s.name != r.class_name;
      REX_RETURN_IF_ERROR(NameFields(s.properties, where + ": type " + s.name));
    }
    REX_RETURN_IF_ERROR(NameFields(r.properties, where));
    std::map<std::string, std::string> accessors;
    for (auto& a : r.attributes) {
      a.accessor = AttributeAccessor(a.name);
      auto [it, inserted] = accessors.emplace(a.accessor, a.name);
      if (!inserted) {
        return Bad(where, "attributes " + it->second + " and " + a.name + " both map to " +
                              a.accessor + "; add an exception to tools/cfngen/naming.cc");
      }
    }

    // Declaration order: depth-first post-order from each struct in name order. An edge
    // back to a struct still being visited closes a cycle; that property becomes core::Json
    // (a struct cannot hold an optional of itself).
    std::map<std::string, size_t, std::less<>> index;
    for (size_t i = 0; i < r.structs.size(); ++i) index[r.structs[i].name] = i;
    enum class Mark { kNone, kVisiting, kDone };
    std::vector<Mark> marks(r.structs.size(), Mark::kNone);
    std::vector<size_t> order;
    std::function<void(size_t)> visit = [&](size_t i) {
      marks[i] = Mark::kVisiting;
      for (auto& p : r.structs[i].properties) {
        const TypeRef* target = StructTarget(p.type);
        if (target == nullptr) continue;
        const size_t j = index.find(target->struct_name)->second;
        if (marks[j] == Mark::kVisiting) {
          p.recursive = true;
        } else if (marks[j] == Mark::kNone) {
          visit(j);
        }
      }
      marks[i] = Mark::kDone;
      order.push_back(i);
    };
    for (size_t i = 0; i < r.structs.size(); ++i) {
      if (marks[i] == Mark::kNone) visit(i);
    }
    std::vector<StructDef> ordered;
    ordered.reserve(order.size());
    for (size_t i : order) ordered.push_back(std::move(r.structs[i]));
    r.structs = std::move(ordered);

    auto check_patterns = [&](std::vector<Property>& props) {
      for (auto& p : props) {
        if (!p.pattern.empty() && !RegexCompiles(p.pattern)) {
          p.pattern.clear();
          ++service.dropped_patterns;
        }
      }
    };
    check_patterns(r.properties);
    for (auto& s : r.structs) check_patterns(s.properties);
  }
  return Status::Ok();
}

std::string CppType(const TypeRef& type, const Resource& resource) {
  switch (type.kind) {
    case TypeRef::Kind::kString:
      return "core::Str";
    case TypeRef::Kind::kInteger:
      return "core::Int";
    case TypeRef::Kind::kNumber:
      return "core::Num";
    case TypeRef::Kind::kBoolean:
      return "core::Bool";
    case TypeRef::Kind::kJson:
    case TypeRef::Kind::kUnion:
      return "core::Json";
    case TypeRef::Kind::kTag:
      return "core::Tag";
    case TypeRef::Kind::kList:
      return "core::List<" + CppType(type.args.front(), resource) + ">";
    case TypeRef::Kind::kMap:
      return "core::Map<" + CppType(type.args.front(), resource) + ">";
    case TypeRef::Kind::kStruct:
      for (const auto& s : resource.structs) {
        if (s.name == type.struct_name) return s.cpp_name;
      }
      break;
  }
  return "core::Json";
}

}  // namespace rex::cfngen
