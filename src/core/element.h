#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/construct.h"
#include "core/schema.h"
#include "core/value.h"

namespace rex::core {

// Something with a logical id in a stack's template: a resource, a parameter, a condition,
// a mapping or an output. The logical id is derived from the construct path below the stack (see
// LogicalIdFromPath) unless given explicitly, and never changes unless the construct moves.
class CfnElement : public Construct {
 public:
  enum class Section { kResource, kParameter, kCondition, kOutput, kMapping };

  CfnElement(Construct& scope, std::string id, Section section,
             std::optional<std::string> logical_id = {});

  const std::string& logical_id() const { return logical_id_; }
  Section section() const { return section_; }

 private:
  Section section_;
  std::string logical_id_;
};

// "Network/PublicSubnet1" -> "NetworkPublicSubnet1": each path component below the stack
// with non-alphanumerics removed and the first letter upper-cased; components named
// "Resource" or "Default" are skipped so an L2's main resource takes the L2's name.
std::string LogicalIdFromPath(std::string_view path_below_stack);

enum class DeletionPolicy { kDelete, kRetain, kSnapshot, kRetainExceptOnCreate };

// Base of every generated L1 resource class. Generated subclasses hold typed props and
// implement RenderProperties(); everything else (references, dependencies, policies,
// overrides) lives here.
class CfnResource : public CfnElement {
 public:
  CfnResource(Construct& scope, std::string id, const ResourceSchema& schema);

  std::string_view type() const { return schema_.type; }
  const ResourceSchema& schema() const { return schema_; }

  // `{"Ref": logical id}` as a string token (the resource's primary id for most types).
  Str Ref() const;
  // `{"Fn::GetAtt": [logical id, name]}`. Generated classes offer typed attr_xxx() accessors;
  // this is for attributes reached by name. Unknown names are reported at synthesis.
  Str GetAtt(std::string_view attribute) const;
  List<Str> GetAttList(std::string_view attribute) const;

  // An explicit DependsOn, only where CloudFormation cannot infer the order from a
  // reference (e.g. a route through a NAT gateway needs the gateway attachment).
  void AddDependsOn(const CfnResource& other);
  const std::vector<const CfnResource*>& explicit_depends_on() const { return depends_on_; }

  void set_deletion_policy(DeletionPolicy policy) { deletion_policy_ = policy; }
  void set_update_replace_policy(DeletionPolicy policy) { update_replace_policy_ = policy; }
  void set_condition(const CfnElement& condition);
  std::optional<DeletionPolicy> deletion_policy() const { return deletion_policy_; }
  std::optional<DeletionPolicy> update_replace_policy() const { return update_replace_policy_; }
  const CfnElement* condition() const { return condition_; }

  // Escape hatch: sets a property by dotted path ("NetworkConfiguration.AwsvpcConfiguration.
  // AssignPublicIp") over what the typed props render. A null value deletes the property.
  void AddPropertyOverride(std::string_view dotted_path, Value value);

  // The "Properties" object: typed props rendered by the subclass, then overrides applied.
  Value Properties() const;

  // The component this resource belongs to (first path component below the stack), e.g.
  // "Network"; used to group plans and graphs.
  std::string Component() const;

 protected:
  virtual Value RenderProperties() const = 0;

 private:
  const ResourceSchema& schema_;
  std::vector<const CfnResource*> depends_on_;
  std::optional<DeletionPolicy> deletion_policy_;
  std::optional<DeletionPolicy> update_replace_policy_;
  const CfnElement* condition_ = nullptr;
  std::vector<std::pair<std::string, Value>> overrides_;
};

struct ParameterProps {
  std::string type = "String";  // Default: "String".
  std::string description = {};
  std::optional<Value> default_value = {};  // Default: none (the parameter is required).
  bool no_echo = false;                     // Default: false. True for secrets.
  std::vector<std::string> allowed_values = {};
  std::optional<int> min_length = {};
};

// A template parameter. Its Ref() is a token of the parameter's value.
class Parameter : public CfnElement {
 public:
  Parameter(Construct& scope, std::string id, ParameterProps props);
  Str Ref() const;
  const ParameterProps& props() const { return props_; }

 private:
  ParameterProps props_;
};

// A template condition, e.g. Add<Condition>("HasCertificate", Not(Equals(cert, ""))).
class Condition : public CfnElement {
 public:
  Condition(Construct& scope, std::string id, Value expression);
  const Value& expression() const { return expression_; }

 private:
  Value expression_;
};

// The entries of a mapping: top-level key -> second-level key -> value. Values are literal
// strings or lists of strings (CloudFormation allows no intrinsics inside Mappings).
using MappingTable = std::map<std::string, std::map<std::string, base::Json>>;

// A template mapping (the "Mappings" section): a fixed two-level table that Fn::FindInMap
// (core/intrinsics.h FindInMap) reads at deploy time, e.g. a per-region account id keyed by
// AWS::Region so one template stays right in every region. Synthesis checks the table's
// shape (non-empty, keys of A-Za-z0-9, '-', '.' and '_', literal values) and that lookups
// with literal keys name an entry that exists.
class Mapping : public CfnElement {
 public:
  Mapping(Construct& scope, std::string id, MappingTable table);
  const MappingTable& table() const { return table_; }

 private:
  MappingTable table_;
};

struct OutputProps {
  Value value;
  std::string description = {};
  std::optional<Str> export_name = {};  // Default: not exported.
};

// A stack output. Its logical id is its construct id verbatim (outputs keep the names
// users script against, e.g. "albDnsName").
class Output : public CfnElement {
 public:
  Output(Construct& scope, std::string id, OutputProps props);
  const OutputProps& props() const { return props_; }

 private:
  OutputProps props_;
};

}  // namespace rex::core
