#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace rex::core {

// Run-time metadata of CloudFormation resource types, generated from the pinned schema
// (spec/) into static tables. Everything here points into static storage: never free it,
// share it freely between threads.

enum class TypeKind {
  kString,
  kInteger,
  kNumber,
  kBoolean,
  kJson,
  kList,
  kMap,
  kStruct,
  kTag,
  kUnion
};

// Whether changing a property replaces the resource (the schema's `causesReplacement`).
enum class Replacement { kNo, kYes, kMaybe };

struct StructSchema;

struct TypeSchema {
  TypeKind kind = TypeKind::kString;
  const TypeSchema* element = nullptr;        // for kList and kMap
  const StructSchema* struct_type = nullptr;  // for kStruct
};

struct PropertySchema {
  std::string_view name;  // CloudFormation name, e.g. "MapPublicIpOnLaunch"
  TypeSchema type;
  bool required = false;
  Replacement replacement = Replacement::kNo;
  std::span<const std::string_view> allowed_values = {};  // enum; empty = any
  std::string_view pattern = {};                          // ECMAScript regex; empty = any
  std::optional<int64_t> min_length = {};
  std::optional<int64_t> max_length = {};
  std::optional<double> minimum = {};
  std::optional<double> maximum = {};
};

struct StructSchema {
  std::string_view name;  // e.g. "AwsVpcConfiguration"
  std::span<const PropertySchema> properties;
};

struct AttributeSchema {
  std::string_view name;  // e.g. "Endpoint.Address"
  TypeKind kind = TypeKind::kString;
};

struct ResourceSchema {
  std::string_view type;  // e.g. "AWS::EC2::Subnet"
  std::span<const PropertySchema> properties;
  std::span<const AttributeSchema> attributes;
  std::span<const std::string_view> primary_identifier;
  // Holds data that a replacement or deletion destroys (database, cache, bucket, log group,
  // repository).
  bool stateful = false;

  const PropertySchema* FindProperty(std::string_view name) const;
  const AttributeSchema* FindAttribute(std::string_view name) const;
};

inline const PropertySchema* FindIn(std::span<const PropertySchema> properties,
                                    std::string_view name) {
  for (const auto& p : properties) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

inline const PropertySchema* ResourceSchema::FindProperty(std::string_view name) const {
  return FindIn(properties, name);
}

inline const AttributeSchema* ResourceSchema::FindAttribute(std::string_view name) const {
  for (const auto& a : attributes) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

}  // namespace rex::core
