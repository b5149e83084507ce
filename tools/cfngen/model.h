#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/result.h"

// The generator's model of one service file of spec/ (see tools/refresh-spec for the
// format), and the decisions taken on it before emission: C++ names, which edges of a
// recursive property type become free-form JSON, and the order structs are declared in.
namespace rex::cfngen {

struct TypeRef {
  enum class Kind {
    kString,
    kInteger,
    kNumber,
    kBoolean,
    kJson,
    kTag,
    kList,
    kMap,
    kStruct,
    kUnion
  };
  Kind kind = Kind::kString;
  std::vector<TypeRef> args;  // the element of kList and kMap; the members of kUnion
  std::string struct_name;    // the spec's type name, for kStruct
};

enum class Replacement { kNo, kYes, kMaybe };

struct Property {
  std::string name;  // CloudFormation name
  TypeRef type;
  bool required = false;
  Replacement replacement = Replacement::kNo;
  std::string doc;                           // first sentence, may be empty
  std::optional<std::string> default_value;  // as the schema states it (JSON text)
  bool deprecated = false;
  std::vector<std::string> enum_values;  // for strings (or lists/maps of strings)
  std::string pattern;                   // ECMAScript regex accepted by std::regex, or empty
  std::optional<int64_t> min_length;
  std::optional<int64_t> max_length;
  std::optional<double> minimum;
  std::optional<double> maximum;

  // Decisions.
  std::string field;       // C++ field name
  bool recursive = false;  // closes a cycle of property types: typed as core::Json
};

struct StructDef {
  std::string name;  // the spec's type name, e.g. "AwsVpcConfiguration"
  std::vector<Property> properties;

  // Decisions.
  std::string cpp_name;    // e.g. "CfnServiceAwsVpcConfiguration"
  bool has_alias = false;  // declared as `using <name> = <cpp_name>;` inside the class
};

struct Attribute {
  std::string name;  // e.g. "Endpoint.Address"
  TypeRef type;
  std::string accessor;  // e.g. "attr_endpoint_address"
};

struct Resource {
  std::string type;  // e.g. "AWS::EC2::Subnet"
  std::string name;  // e.g. "Subnet"
  std::string doc;
  std::string doc_url;
  bool stateful = false;
  std::vector<std::string> primary_identifier;
  std::vector<Property> properties;
  std::vector<Attribute> attributes;
  std::vector<StructDef> structs;  // after Decide(): in declaration order (dependencies first)

  // Decisions.
  std::string class_name;
  std::string props_name;
};

struct Service {
  std::string file;  // for messages, e.g. "spec/ec2.json"
  std::string schema_version;
  std::string constraints_from;
  std::string name;        // short name, e.g. "ec2"
  std::string namespace_;  // CloudFormation namespace, e.g. "AWS::EC2"
  std::vector<Resource> resources;

  // Decisions.
  std::string cpp_namespace;  // below rex::cfn, e.g. "ec2"
  int dropped_patterns = 0;   // patterns std::regex cannot compile, left out
};

// Reads one service document. kInvalidArgument naming the file, resource and property for
// anything malformed (missing keys, unknown type kinds, refs to undefined types).
base::Result<Service> ParseService(const base::Json& json, std::string_view file);

// Takes the naming and layout decisions (fills the "Decisions" fields and orders structs).
// kInvalidArgument if two CloudFormation names of one scope map to the same C++ name, naming
// both, so an exception can be added to naming.cc.
base::Status Decide(Service& service);

// The C++ type of a field, e.g. "core::List<core::Str>" or "CfnServiceAwsVpcConfiguration".
std::string CppType(const TypeRef& type, const Resource& resource);

}  // namespace rex::cfngen
