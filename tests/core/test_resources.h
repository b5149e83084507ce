#pragma once

// Small hand-written resource types with hand-written schemas, so core is tested without the
// generated classes.

#include <array>
#include <optional>
#include <string_view>

#include "core/element.h"
#include "core/schema.h"
#include "core/value.h"

namespace rex::core::testing {

inline constexpr std::array<std::string_view, 2> kModes = {"fast", "slow"};
inline constexpr TypeSchema kStringType{TypeKind::kString};
inline constexpr TypeSchema kIntType{TypeKind::kInteger};

inline const StructSchema kSettingsSchema = [] {
  static const std::array<PropertySchema, 2> props = {
      PropertySchema{.name = "Enabled", .type = {TypeKind::kBoolean}, .required = true},
      PropertySchema{.name = "Level", .type = {TypeKind::kInteger}, .minimum = 1, .maximum = 5},
  };
  return StructSchema{"Settings", props};
}();

inline const ResourceSchema kWidgetSchema = [] {
  static const std::array<PropertySchema, 6> props = {
      PropertySchema{.name = "Name",
                     .type = {TypeKind::kString},
                     .required = true,
                     .replacement = Replacement::kYes,
                     .pattern = "\\A[a-z][a-z0-9-]*\\Z",
                     .max_length = 20},
      PropertySchema{.name = "Mode", .type = {TypeKind::kString}, .allowed_values = kModes},
      PropertySchema{.name = "Size", .type = {TypeKind::kInteger}},
      PropertySchema{.name = "Peers", .type = {TypeKind::kList, &kStringType}},
      PropertySchema{.name = "Settings", .type = {TypeKind::kStruct, nullptr, &kSettingsSchema}},
      PropertySchema{.name = "Labels", .type = {TypeKind::kMap, &kStringType}},
  };
  static const std::array<AttributeSchema, 2> attrs = {AttributeSchema{"Arn"},
                                                       AttributeSchema{"Endpoint.Address"}};
  static const std::array<std::string_view, 1> primary = {"Name"};
  return ResourceSchema{"Test::Widget", props, attrs, primary, true};
}();

struct WidgetSettings {
  std::optional<Bool> enabled = {};
  std::optional<Int> level = {};
};

inline Value ToValue(const WidgetSettings& s) {
  ObjectBuilder b;
  b.Add("Enabled", s.enabled);
  b.Add("Level", s.level);
  return std::move(b).Build();
}

struct WidgetProps {
  std::optional<Str> name = {};
  std::optional<Str> mode = {};
  std::optional<Int> size = {};
  std::optional<List<Str>> peers = {};
  std::optional<WidgetSettings> settings = {};
  std::optional<Map<Str>> labels = {};
};

class Widget : public CfnResource {
 public:
  Widget(Construct& scope, std::string id, WidgetProps props)
      : CfnResource(scope, std::move(id), kWidgetSchema), props_(std::move(props)) {}
  Str attr_arn() const { return GetAtt("Arn"); }
  Str attr_endpoint_address() const { return GetAtt("Endpoint.Address"); }
  WidgetProps& props() { return props_; }

 protected:
  Value RenderProperties() const override {
    ObjectBuilder b;
    b.Add("Name", props_.name);
    b.Add("Mode", props_.mode);
    b.Add("Size", props_.size);
    b.Add("Peers", props_.peers);
    if (props_.settings) b.AddValue("Settings", ToValue(*props_.settings));
    b.Add("Labels", props_.labels);
    return std::move(b).Build();
  }

 private:
  WidgetProps props_;
};

}  // namespace rex::core::testing
