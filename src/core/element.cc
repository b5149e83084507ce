#include "core/element.h"

#include <cctype>

#include "base/check.h"
#include "base/strings.h"
#include "core/stack.h"

namespace rex::core {
namespace {

// The construct path below the stack that contains `path`.
std::string_view PathBelowStack(const Construct& construct) {
  std::string_view path = construct.path();
  const Stack* stack = construct.stack();
  if (stack == nullptr) return path;
  const std::string& stack_path = stack->path();
  if (path.size() > stack_path.size() && path.substr(0, stack_path.size()) == stack_path &&
      path[stack_path.size()] == '/') {
    return path.substr(stack_path.size() + 1);
  }
  return path;
}

}  // namespace

std::string LogicalIdFromPath(std::string_view path_below_stack) {
  std::string id;
  for (const std::string& component : base::Split(path_below_stack, '/')) {
    if (component == "Resource" || component == "Default") continue;
    bool first = true;
    for (char c : component) {
      if (!std::isalnum(static_cast<unsigned char>(c))) continue;
      id += first ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
      first = false;
    }
  }
  return id;
}

CfnElement::CfnElement(Construct& scope, std::string id, Section section,
                       std::optional<std::string> logical_id)
    : Construct(scope, std::move(id)), section_(section) {
  logical_id_ =
      logical_id.has_value() ? std::move(*logical_id) : LogicalIdFromPath(PathBelowStack(*this));
  if (stack() == nullptr) {
    AddError("a template element must be created inside a Stack");
  }
  if (logical_id_.empty()) {
    AddError("the logical id derived from this path is empty");
  } else if (logical_id_.size() > 255) {
    AddError("logical id " + logical_id_ + " is longer than 255 characters");
  }
  for (char c : logical_id_) {
    if (!std::isalnum(static_cast<unsigned char>(c))) {
      AddError("logical id \"" + logical_id_ + "\" must be alphanumeric (A-Za-z0-9)");
      break;
    }
  }
}

CfnResource::CfnResource(Construct& scope, std::string id, const ResourceSchema& schema)
    : CfnElement(scope, std::move(id), Section::kResource), schema_(schema) {}

Str CfnResource::Ref() const { return Str::Token(Value::RefTo(*this)); }

Str CfnResource::GetAtt(std::string_view attribute) const {
  return Str::Token(Value::GetAttOf(*this, attribute));
}

List<Str> CfnResource::GetAttList(std::string_view attribute) const {
  return List<Str>::Token(Value::GetAttOf(*this, attribute));
}

void CfnResource::AddDependsOn(const CfnResource& other) {
  for (const CfnResource* existing : depends_on_) {
    if (existing == &other) return;
  }
  depends_on_.push_back(&other);
}

void CfnResource::set_condition(const CfnElement& condition) {
  if (condition.section() != Section::kCondition) {
    AddError(condition.path() + " is not a condition");
    return;
  }
  condition_ = &condition;
}

void CfnResource::AddPropertyOverride(std::string_view dotted_path, Value value) {
  if (dotted_path.empty()) {
    AddError("a property override needs a non-empty path");
    return;
  }
  overrides_.emplace_back(std::string(dotted_path), std::move(value));
}

Value CfnResource::Properties() const {
  Value rendered = RenderProperties();
  if (overrides_.empty()) return rendered;
  base::Json json = rendered.json();
  if (!json.is_object()) json = base::Json::object();
  Value merged = Value::FromJson(base::Json());
  merged.MergeRefs(rendered);
  for (const auto& [path, value] : overrides_) {
    std::vector<std::string> keys = base::Split(path, '.');
    base::Json* node = &json;
    for (size_t i = 0; i + 1 < keys.size(); ++i) {
      base::Json& next = (*node)[keys[i]];
      if (!next.is_object()) next = base::Json::object();
      node = &next;
    }
    if (value.is_null()) {
      node->erase(keys.back());
    } else {
      (*node)[keys.back()] = value.json();
      merged.MergeRefs(value);
    }
  }
  Value out = Value::FromJson(std::move(json));
  out.MergeRefs(merged);
  return out;
}

std::string CfnResource::Component() const {
  std::string_view below = PathBelowStack(*this);
  size_t slash = below.find('/');
  return std::string(slash == std::string_view::npos ? below : below.substr(0, slash));
}

Parameter::Parameter(Construct& scope, std::string id, ParameterProps props)
    : CfnElement(scope, std::move(id), Section::kParameter), props_(std::move(props)) {}

Str Parameter::Ref() const { return Str::Token(Value::RefTo(*this)); }

Condition::Condition(Construct& scope, std::string id, Value expression)
    : CfnElement(scope, std::move(id), Section::kCondition), expression_(std::move(expression)) {}

Mapping::Mapping(Construct& scope, std::string id, MappingTable table)
    : CfnElement(scope, std::move(id), Section::kMapping), table_(std::move(table)) {}

Output::Output(Construct& scope, std::string id, OutputProps props)
    : CfnElement(scope, id, Section::kOutput, id), props_(std::move(props)) {
  if (props_.value.is_null()) AddError("an output needs a value");
}

}  // namespace rex::core
