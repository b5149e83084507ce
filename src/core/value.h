#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "base/json.h"

namespace rex::core {

class CfnElement;  // a resource, parameter or condition: has a logical id in one stack

// A template value: a literal (string, number, bool, list, object) or an intrinsic function
// (`Ref`, `Fn::GetAtt`, `Fn::Join`, ...) whose arguments are values again. A value records
// the elements it references, so dependencies follow the data and synthesis can check that
// every reference stays inside its stack. Values are immutable once built and cheap to move.
class Value {
 public:
  Value() = default;                                    // null: "not set"
  Value(const char* s) : json_(s) {}                    // NOLINT(google-explicit-constructor)
  Value(std::string s) : json_(std::move(s)) {}         // NOLINT(google-explicit-constructor)
  Value(std::string_view s) : json_(std::string(s)) {}  // NOLINT(google-explicit-constructor)
  template <typename T, typename = std::enable_if_t<std::is_same_v<T, bool>>>
  Value(T b) : json_(b) {}                          // NOLINT(google-explicit-constructor)
  Value(int i) : json_(static_cast<int64_t>(i)) {}  // NOLINT(google-explicit-constructor)
  Value(int64_t i) : json_(i) {}                    // NOLINT(google-explicit-constructor)
  Value(double d) : json_(d) {}                     // NOLINT(google-explicit-constructor)

  static Value List(std::vector<Value> items);
  // An object; keys are emitted sorted whatever the order given.
  static Value Object(std::vector<std::pair<std::string, Value>> members);
  // `{name: argument}`, e.g. Intrinsic("Fn::Join", List({"", parts})).
  static Value Intrinsic(std::string_view name, Value argument);
  // Literal JSON, for escape hatches (policy documents, overrides). References inside it
  // are not tracked.
  static Value FromJson(base::Json json);
  // `{"Ref": logical id}` of an element, recording the reference.
  static Value RefTo(const CfnElement& element);
  // `{"Fn::GetAtt": [logical id, attribute]}`, recording the reference.
  static Value GetAttOf(const CfnElement& element, std::string_view attribute);

  bool is_null() const { return json_.is_null(); }
  bool is_string() const { return json_.is_string(); }
  // True for a one-key object whose key is "Ref", "Condition" or starts with "Fn::".
  bool is_intrinsic() const;
  const base::Json& json() const { return json_; }
  // Moves the JSON out (synthesis, done with the value); the value is left null.
  base::Json TakeJson() && {
    base::Json out = std::move(json_);
    json_ = nullptr;
    return out;
  }
  // Elements referenced anywhere inside this value, in first-use order, without duplicates.
  const std::vector<const CfnElement*>& refs() const { return refs_; }

  // Adds the references of `other` to this value's list.
  void MergeRefs(const Value& other);

 private:
  base::Json json_;
  std::vector<const CfnElement*> refs_;
};

// Typed views of values. Generated property structs use these, so a literal or a token of
// the same type fits a field, and a token of another type does not compile.
class Str {
 public:
  Str(const char* s) : value_(s) {}             // NOLINT(google-explicit-constructor)
  Str(std::string s) : value_(std::move(s)) {}  // NOLINT(google-explicit-constructor)
  Str(std::string_view s) : value_(s) {}        // NOLINT(google-explicit-constructor)
  // A token that CloudFormation resolves to a string (Ref, GetAtt, Join, Sub, ...).
  static Str Token(Value v) { return Str(std::move(v), 0); }
  const Value& value() const { return value_; }

 private:
  Str(Value v, int) : value_(std::move(v)) {}
  Value value_;
};

class Int {
 public:
  template <typename T,
            typename = std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>>>
  Int(T i) : value_(static_cast<int64_t>(i)) {}  // NOLINT(google-explicit-constructor)
  static Int Token(Value v) { return Int(std::move(v), 0); }
  const Value& value() const { return value_; }

 private:
  Int(Value v, int) : value_(std::move(v)) {}
  Value value_;
};

class Num {
 public:
  template <typename T,
            typename = std::enable_if_t<std::is_arithmetic_v<T> && !std::is_same_v<T, bool>>>
  Num(T d) : value_(MakeLiteral(d)) {}  // NOLINT(google-explicit-constructor)
  static Num Token(Value v) { return Num(std::move(v), 0); }
  const Value& value() const { return value_; }

 private:
  template <typename T>
  static Value MakeLiteral(T d) {
    if constexpr (std::is_integral_v<T>) {
      return Value(static_cast<int64_t>(d));
    } else {
      return Value(static_cast<double>(d));
    }
  }
  Num(Value v, int) : value_(std::move(v)) {}
  Value value_;
};

class Bool {
 public:
  template <typename T, typename = std::enable_if_t<std::is_same_v<T, bool>>>
  Bool(T b) : value_(b) {}  // NOLINT(google-explicit-constructor)
  static Bool Token(Value v) { return Bool(std::move(v), 0); }
  const Value& value() const { return value_; }

 private:
  Bool(Value v, int) : value_(std::move(v)) {}
  Value value_;
};

// Free-form JSON (policy documents, JSON-typed properties).
class Json {
 public:
  Json(base::Json j)
      : value_(Value::FromJson(std::move(j))) {}  // NOLINT(google-explicit-constructor)
  Json(Value v) : value_(std::move(v)) {}         // NOLINT(google-explicit-constructor)
  const Value& value() const { return value_; }

 private:
  Value value_;
};

// A list of T: literal items, or one token that resolves to a list (Fn::GetAZs, Fn::Split,
// Fn::Cidr, a Ref to a list parameter).
template <typename T>
class List {
 public:
  List() = default;
  List(std::initializer_list<T> items) : items_(items) {}
  List(std::vector<T> items) : items_(std::move(items)) {}  // NOLINT(google-explicit-constructor)
  static List Token(Value v) {
    List list;
    list.token_ = std::move(v);
    list.is_token_ = true;
    return list;
  }
  bool is_token() const { return is_token_; }
  const std::vector<T>& items() const { return items_; }
  const Value& token() const { return token_; }
  void push_back(T item) { items_.push_back(std::move(item)); }

 private:
  std::vector<T> items_;
  Value token_;
  bool is_token_ = false;
};

// A string-keyed map of T (emitted with sorted keys).
template <typename T>
using Map = std::map<std::string, T>;

// A CloudFormation resource tag.
struct Tag {
  Str key;
  Str value;
};

// Converts typed views back to values (used by generated code and intrinsics).
inline const Value& ToValue(const Value& v) { return v; }
inline const Value& ToValue(const Str& v) { return v.value(); }
inline const Value& ToValue(const Int& v) { return v.value(); }
inline const Value& ToValue(const Num& v) { return v.value(); }
inline const Value& ToValue(const Bool& v) { return v.value(); }
inline const Value& ToValue(const Json& v) { return v.value(); }
Value ToValue(const Tag& tag);
template <typename T>
Value ToValue(const List<T>& list) {
  if (list.is_token()) return list.token();
  std::vector<Value> items;
  items.reserve(list.items().size());
  for (const auto& item : list.items()) items.push_back(ToValue(item));
  return Value::List(std::move(items));
}
template <typename T>
Value ToValue(const Map<T>& map) {
  std::vector<std::pair<std::string, Value>> members;
  members.reserve(map.size());
  for (const auto& [key, item] : map) members.emplace_back(key, ToValue(item));
  return Value::Object(std::move(members));
}

// Builds an object value from optional fields, skipping the unset ones. Generated code
// uses it as: ObjectBuilder b; b.Add("VpcId", props.vpc_id); ... return b.Build();
class ObjectBuilder {
 public:
  template <typename T>
  void Add(std::string_view key, const std::optional<T>& field) {
    if (field.has_value()) AddValue(key, ToValue(*field));
  }
  void AddValue(std::string_view key, Value value);
  Value Build() &&;

 private:
  std::vector<std::pair<std::string, Value>> members_;
};

}  // namespace rex::core
