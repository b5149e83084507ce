#pragma once

// The one walker over the references inside a CloudFormation template value. Validation
// (core/stack.cc), the resource graph (template/graph.cc), the plan (template/plan.cc) and the
// nested split (template/nested.cc) all find references through it, so they agree on what a
// reference is:
// - {"Ref": "Name"}: a Ref (Name may be a resource, a parameter or a pseudo parameter such as
//   "AWS::Region"; callers filter).
// - {"Fn::GetAtt": ["Name", "Attr"]} and the string form {"Fn::GetAtt": "Name.Attr"} (split at
//   the first dot): a GetAtt. When the attribute is not a literal string ({"Ref": P}), the
//   reference has an empty attribute and the attribute's own references are visited too.
// - "${Name}" and "${Name.Attr}" in an Fn::Sub format string (the string form, or the first
//   element of the [format, variables] form): a Sub reference, except ${!Literal} escapes and
//   the names bound by the variables map, whose values are visited as any other value.
// - {"Condition": "Name"} and the first argument of Fn::If: a condition; the first argument of
//   Fn::FindInMap: a mapping. Reported with their own kinds; most callers skip them.
// DependsOn is not a reference: callers that follow it read it themselves.
//
// Visiting order is a depth-first pre-order (object members in key order, array items in
// order; for Fn::Sub its variables before the names of its format string), so callers that
// number what they find get the same numbers every time. The walk keeps its own stack rather
// than recursing, so deeply nested hostile input cannot overflow the call stack. Malformed
// intrinsics (Fn::Sub of a number, Fn::GetAtt of one element) are walked as plain values.

#include <cstddef>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"

namespace rex::core {

enum class ReferenceKind {
  kRef,        // {"Ref": name}
  kGetAtt,     // {"Fn::GetAtt": ...}
  kSub,        // ${name} or ${name.attribute} in an Fn::Sub format string
  kCondition,  // {"Condition": name}, or Fn::If's condition name
  kMapping,    // Fn::FindInMap's map name
};

struct Reference {
  ReferenceKind kind = ReferenceKind::kRef;
  // The intrinsic it was found in: "Ref", "Fn::GetAtt", "Fn::Sub", "Condition", "Fn::If" or
  // "Fn::FindInMap".
  std::string_view function;
  std::string_view name;       // logical id, parameter, pseudo parameter, condition or mapping
  std::string_view attribute;  // kGetAtt and kSub: the attribute, "" when none (or not literal)
  // kSub only: where "${...}" starts in the format string and one past its "}".
  size_t begin = 0;
  size_t end = 0;
};

// The names of a Fn::Sub format string, in order, as kSub references: ${Name} and
// ${Name.Attr}; ${!Literal} is skipped, as is an unterminated "${". Names bound by a
// variables map are included (ForEachReference leaves them out).
std::vector<Reference> SubFormatNames(std::string_view format);

// True for a pseudo parameter name ("AWS::Region", any name starting with "AWS::").
bool IsPseudoParameterName(std::string_view name);

using ReferenceCallback = std::function<void(const Reference&)>;

// Calls `on` for every reference inside `value` (see the top of this file).
void ForEachReference(const base::Json& value, const ReferenceCallback& on);

// Like ForEachReference, on a value that the caller rewrites in place: `on(node, reference)`
// gets the one-key intrinsic object holding the reference ({"Ref": ..}, {"Fn::GetAtt": ..},
// {"Fn::Sub": ..}, {"Condition": ..}, {"Fn::If": ..} or {"Fn::FindInMap": ..}). For kRef and
// kGetAtt with a literal attribute the callback may replace `node` whole (the walker does not
// look inside it again; `reference` points into `node`, so read it before replacing). For the
// other kinds it must not change `node` while the walk runs:
// `reference` points into it (collect the edits, apply them after the walk).
using MutableReferenceCallback = std::function<void(base::Json& node, const Reference&)>;
void ForEachReference(base::Json& value, const MutableReferenceCallback& on);

// The names referenced by Ref, Fn::GetAtt and Fn::Sub inside `value` (conditions and mappings
// left out; pseudo parameters included).
std::set<std::string> ReferencedNames(const base::Json& value);

}  // namespace rex::core
