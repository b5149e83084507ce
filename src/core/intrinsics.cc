#include "core/intrinsics.h"

namespace rex::core {
namespace {

std::vector<Value> Values(const std::vector<Str>& parts) {
  std::vector<Value> out;
  out.reserve(parts.size());
  for (const auto& p : parts) out.push_back(p.value());
  return out;
}

// A value naming `element` by logical id as a plain string, keeping the reference.
Value NameOf(const CfnElement& element) {
  Value out = Value(element.logical_id());
  out.MergeRefs(Value::RefTo(element));
  return out;
}

}  // namespace

Str Join(std::string_view delimiter, std::vector<Str> parts) {
  // A join of literals only is folded into one literal: the template stays readable.
  bool all_literal = true;
  for (const auto& p : parts) all_literal = all_literal && p.value().is_string();
  if (all_literal) {
    std::string joined;
    for (size_t i = 0; i < parts.size(); ++i) {
      if (i > 0) joined += delimiter;
      joined += parts[i].value().json().get<std::string>();
    }
    return Str(std::move(joined));
  }
  return Str::Token(
      Value::Intrinsic("Fn::Join", Value::List({Value(delimiter), Value::List(Values(parts))})));
}

Str JoinList(std::string_view delimiter, const List<Str>& list) {
  if (!list.is_token()) return Join(delimiter, list.items());
  return Str::Token(Value::Intrinsic("Fn::Join", Value::List({Value(delimiter), list.token()})));
}

Str Sub(std::string_view format, std::vector<std::pair<std::string, Str>> vars) {
  if (vars.empty()) return Str::Token(Value::Intrinsic("Fn::Sub", Value(format)));
  std::vector<std::pair<std::string, Value>> members;
  members.reserve(vars.size());
  for (auto& [name, value] : vars) members.emplace_back(name, value.value());
  return Str::Token(
      Value::Intrinsic("Fn::Sub", Value::List({Value(format), Value::Object(std::move(members))})));
}

Str Select(int index, const List<Str>& list) {
  if (!list.is_token() && index >= 0 && static_cast<size_t>(index) < list.items().size()) {
    return list.items()[static_cast<size_t>(index)];
  }
  return Str::Token(Value::Intrinsic("Fn::Select", Value::List({Value(index), ToValue(list)})));
}

List<Str> Split(std::string_view delimiter, const Str& source) {
  return List<Str>::Token(
      Value::Intrinsic("Fn::Split", Value::List({Value(delimiter), source.value()})));
}

List<Str> GetAZs(std::string_view region) {
  return List<Str>::Token(Value::Intrinsic("Fn::GetAZs", Value(region)));
}

List<Str> Cidr(const Str& ip_block, int count, int cidr_bits) {
  return List<Str>::Token(Value::Intrinsic(
      "Fn::Cidr", Value::List({ip_block.value(), Value(count), Value(cidr_bits)})));
}

Str ImportValue(const Str& export_name) {
  return Str::Token(Value::Intrinsic("Fn::ImportValue", export_name.value()));
}

Str Base64(const Str& text) { return Str::Token(Value::Intrinsic("Fn::Base64", text.value())); }

Value IfValue(const Condition& condition, Value if_true, Value if_false) {
  return Value::Intrinsic(
      "Fn::If", Value::List({NameOf(condition), std::move(if_true), std::move(if_false)}));
}

Str If(const Condition& condition, const Str& if_true, const Str& if_false) {
  return Str::Token(IfValue(condition, if_true.value(), if_false.value()));
}

Str FindInMap(const Mapping& mapping, const Str& top_level_key, const Str& second_level_key) {
  return Str::Token(Value::Intrinsic(
      "Fn::FindInMap",
      Value::List({NameOf(mapping), top_level_key.value(), second_level_key.value()})));
}

Value NoValue() { return Value::Intrinsic("Ref", Value("AWS::NoValue")); }

Value Equals(Value a, Value b) {
  return Value::Intrinsic("Fn::Equals", Value::List({std::move(a), std::move(b)}));
}

Value Not(Value condition) {
  return Value::Intrinsic("Fn::Not", Value::List({std::move(condition)}));
}

Value And(std::vector<Value> conditions) {
  return Value::Intrinsic("Fn::And", Value::List(std::move(conditions)));
}

Value Or(std::vector<Value> conditions) {
  return Value::Intrinsic("Fn::Or", Value::List(std::move(conditions)));
}

Value ConditionRef(const Condition& condition) {
  return Value::Intrinsic("Condition", NameOf(condition));
}

namespace aws {
namespace {
Str Pseudo(std::string_view name) { return Str::Token(Value::Intrinsic("Ref", Value(name))); }
}  // namespace
Str AccountId() { return Pseudo("AWS::AccountId"); }
Str Region() { return Pseudo("AWS::Region"); }
Str Partition() { return Pseudo("AWS::Partition"); }
Str StackName() { return Pseudo("AWS::StackName"); }
Str StackId() { return Pseudo("AWS::StackId"); }
Str UrlSuffix() { return Pseudo("AWS::URLSuffix"); }
List<Str> NotificationArns() {
  return List<Str>::Token(Value::Intrinsic("Ref", Value("AWS::NotificationARNs")));
}
}  // namespace aws

}  // namespace rex::core
