#pragma once

#include <string>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "core/construct.h"
#include "core/element.h"

namespace rex::core {

struct StackProps {
  std::string description = {};  // Default: no description.
};

// A synthesized CloudFormation template.
struct Template {
  base::Json json;
  std::vector<Diagnostic> warnings;

  // Deterministic JSON text (keys sorted, 2-space indent, trailing newline).
  std::string ToJson() const;
  // The same template as YAML (intrinsics in their long form, "Fn::GetAtt": ...).
  std::string ToYaml() const;
};

// A deployable unit: everything under it becomes one CloudFormation template.
class Stack : public Construct {
 public:
  Stack(Construct& scope, std::string id, StackProps props = {});

  // Runs the fixed synthesis phases over the tree under this stack: collect elements,
  // check logical ids are unique, render and validate every resource against its schema,
  // check references stay inside the stack and resolve, infer dependencies and reject
  // cycles, then emit. kInvalidArgument listing every error (one "error: path: ..." line
  // each, then "N errors; no template written") if anything is wrong.
  base::Result<Template> Synthesize() const;

  const StackProps& props() const { return props_; }

 private:
  StackProps props_;
};

// Validates `value` (a resource's rendered properties, or a nested part of them) against
// the schema `properties`, appending problems to `out` with `path` and dotted property
// names. Tokens (intrinsics) are accepted wherever the type allows.
void ValidateProperties(const base::Json& value, std::span<const PropertySchema> properties,
                        const std::string& path, const std::string& prefix,
                        std::vector<Diagnostic>& out);

}  // namespace rex::core
