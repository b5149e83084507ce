#include "core/value.h"

#include <algorithm>

#include "core/element.h"

namespace rex::core {
namespace {

void AddRef(std::vector<const CfnElement*>& refs, const CfnElement* element) {
  if (std::find(refs.begin(), refs.end(), element) == refs.end()) refs.push_back(element);
}

}  // namespace

void Value::MergeRefs(const Value& other) {
  for (const CfnElement* e : other.refs_) AddRef(refs_, e);
}

Value Value::List(std::vector<Value> items) {
  Value out;
  out.json_ = base::Json::array();
  for (auto& item : items) {
    out.MergeRefs(item);
    out.json_.push_back(std::move(item.json_));
  }
  return out;
}

Value Value::Object(std::vector<std::pair<std::string, Value>> members) {
  Value out;
  out.json_ = base::Json::object();
  for (auto& [key, item] : members) {
    out.MergeRefs(item);
    out.json_[key] = std::move(item.json_);
  }
  return out;
}

Value Value::Intrinsic(std::string_view name, Value argument) {
  Value out;
  out.refs_ = std::move(argument.refs_);
  out.json_ = base::Json::object();
  out.json_[std::string(name)] = std::move(argument.json_);
  return out;
}

Value Value::FromJson(base::Json json) {
  Value out;
  out.json_ = std::move(json);
  return out;
}

Value Value::RefTo(const CfnElement& element) {
  Value out;
  out.json_ = base::Json::object({{"Ref", element.logical_id()}});
  out.refs_.push_back(&element);
  return out;
}

Value Value::GetAttOf(const CfnElement& element, std::string_view attribute) {
  Value out;
  out.json_ = base::Json::object(
      {{"Fn::GetAtt", base::Json::array({element.logical_id(), std::string(attribute)})}});
  out.refs_.push_back(&element);
  return out;
}

bool Value::is_intrinsic() const {
  if (!json_.is_object() || json_.size() != 1) return false;
  const std::string& key = json_.begin().key();
  return key == "Ref" || key == "Condition" || key.rfind("Fn::", 0) == 0;
}

Value ToValue(const Tag& tag) {
  return Value::Object({{"Key", tag.key.value()}, {"Value", tag.value.value()}});
}

void ObjectBuilder::AddValue(std::string_view key, Value value) {
  members_.emplace_back(std::string(key), std::move(value));
}

Value ObjectBuilder::Build() && { return Value::Object(std::move(members_)); }

}  // namespace rex::core
