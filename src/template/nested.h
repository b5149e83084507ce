#pragma once

// Splitting a template over CloudFormation's 500-resource limit into nested stacks: a parent
// template of AWS::CloudFormation::Stack resources, each child holding at most a few hundred
// of the original resources. Pure (no AWS call): the upload of the children lives in
// engine/nested_upload.h.
//
// How the resources are grouped (stable: adding a resource moves as few others as possible,
// since a resource that changes stack is deleted from one and created in the other):
// 1. Units follow the construct tree: the resources of one component (the first path
//    component below the stack, from Metadata "rex:path"; the logical id when there is none)
//    stay together. A component larger than `child_max` is split by its subtrees, level by
//    level, until every unit fits.
// 2. Units that reference each other both ways are merged (strongly connected components of
//    the unit graph), so the child stacks never reference each other in a cycle.
// 3. Units are ordered dependencies first (Kahn's algorithm, ties broken by the natural order
//    of their paths: Service2 before Service10), then cut into children like content-defined
//    chunking: a child ends after a unit whose path hashes to a boundary once it holds at
//    least `child_min` resources, and is cut before it would exceed `child_max`. A boundary
//    depends only on the unit's own path, so an insertion shifts boundaries only until the
//    next hashed boundary, not to the end of the stack.
// 4. A child is named "Nested" + the logical-id form of its first unit's path
//    ("NestedService1"), made unique.
//
// How references cross stacks:
// - Ref/Fn::GetAtt/Fn::Sub of a resource of another child: the producing child gets an
//   Output (<Id>Ref for a Ref, <Id><Attribute> for a GetAtt, made unique), the consuming child
//   a Parameter of the same name (CommaDelimitedList for a list attribute, the output then
//   joins it with commas), and the parent passes {"Fn::GetAtt": [Producer, "Outputs.<name>"]}.
//   A producer with a Condition outputs "" when the condition is false.
// - Ref of a root parameter: the child declares the parameter (without its Default: the parent
//   always passes it; NoEcho kept) and the parent passes {"Ref": parameter}.
// - Conditions a child uses (resource Condition, Fn::If, nested Condition) are copied into it,
//   with the parameters they read; Mappings likewise.
// - DependsOn on a resource of another child becomes a DependsOn between the nested stack
//   resources (unless the parent already orders them through a parameter).
// - Root outputs stay in the parent and read the children's outputs.
//
// The parent keeps every root parameter, so deploy parameters are unchanged. Each child's
// TemplateURL is the file name NestedTemplateFileName(child), next to the parent; `rex up`
// uploads the children and replaces it with their S3 URL. Output is byte-deterministic.

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "template/plan.h"

namespace rex::tmpl {

// CloudFormation's limits per template.
inline constexpr size_t kMaxResourcesPerStack = 500;
inline constexpr size_t kMaxParametersPerStack = 200;
inline constexpr size_t kMaxOutputsPerStack = 200;

struct NestedOptions {
  // Templates with more resources than this are split. Default: 500 (CloudFormation's limit).
  size_t split_above = kMaxResourcesPerStack;
  // Hard limit of resources in any one template (children and parent). Default: 500.
  size_t max_resources = kMaxResourcesPerStack;
  // A child is cut before it would exceed this; the rest up to max_resources is headroom for
  // growth. Default: 400.
  size_t child_max = 400;
  // No hashed boundary before a child holds this many. Default: 200.
  size_t child_min = 200;
  // Past child_min, a boundary comes on average every this many resources. Default: 100.
  size_t boundary_period = 100;
  // Resource schemas, to know which attributes are lists. Default (null): every attribute is
  // a string.
  SchemaLookup schemas = {};
};

// What one child holds.
struct NestedChild {
  std::string name;  // logical id of its AWS::CloudFormation::Stack resource in the parent
  size_t resources = 0;
  size_t parameters = 0;
  size_t outputs = 0;
  std::string first;  // path (below the stack) of its first and last unit, e.g. "Service1"
  std::string last;
};

struct NestedStacks {
  // The template to deploy: the input itself when nothing was split.
  base::Json parent;
  // Child logical id → its template; empty when nothing was split.
  std::map<std::string, base::Json> children;
  // The children in parent order (dependencies first).
  std::vector<NestedChild> summary;

  bool split() const { return !children.empty(); }
};

// "<child>.nested.template.json": the TemplateURL the parent holds before upload, and the file
// `rex synth -o` writes the child to (next to the parent), the layout `aws cloudformation
// package` also understands.
std::string NestedTemplateFileName(std::string_view child);

// Splits `tmpl` (a template as the synthesizer emits it, or one that passed ValidateTemplate)
// when it has more than options.split_above resources; otherwise returns it unchanged as the
// parent. kInvalidArgument for a template with a Transform (macros may add resources rex
// cannot see); kFailedPrecondition, naming the parts, when the resources cannot be placed
// within the limits (components referencing each other with more than max_resources resources
// together, more than max_resources children, more than 200 parameters or outputs in a child).
base::Result<NestedStacks> SplitIntoNestedStacks(const base::Json& tmpl,
                                                 const NestedOptions& options = {});
// The same, taking the template: its resources are moved into the children rather than copied
// (the fast path for `rex synth`). `tmpl` is left in an unspecified state.
base::Result<NestedStacks> SplitIntoNestedStacks(base::Json&& tmpl,
                                                 const NestedOptions& options = {});

// What SplitIntoNestedStacks(tmpl, options) reports in NestedStacks::summary, with the same
// errors, without building the children: one read-only pass over `tmpl`, nothing copied or
// rewritten (for `rex preview`, which shows how the stack would be split). Empty when `tmpl`
// would not be split.
base::Result<std::vector<NestedChild>> SummarizeNestedStacks(const base::Json& tmpl,
                                                             const NestedOptions& options = {});

// "a2" < "a10": compares runs of digits by their value, everything else bytewise.
bool NaturalLess(std::string_view a, std::string_view b);

}  // namespace rex::tmpl
