#pragma once

// Reads a CloudFormation template that rex did not just synthesize (the deployed template kept
// under .rex/, or a file given with `rex preview --template`) and checks that it has the shape
// the planner relies on. It is the only door through which outside template text reaches the
// engine, so it is written for hostile input: it never throws, never aborts and never recurses
// on the input (a libFuzzer target drives it).

#include <string_view>

#include "base/json.h"
#include "base/result.h"

namespace rex::engine {

// Deepest nesting of objects and arrays accepted; real templates stay far below it. Deeper
// input is refused so that every later walk over a template (diff, dump) stays shallow.
inline constexpr int kMaxTemplateDepth = 64;

// Parses `text` as a JSON CloudFormation template and validates its shape:
// - the document is an object of at most kMaxTemplateDepth levels;
// - "Resources", "Parameters", "Outputs", "Conditions", "Mappings", "Rules", when present, are
//   objects, and every entry of them is an object (Conditions: any JSON value);
// - every resource has a non-empty string "Type"; "Properties" and "Metadata", when present,
//   are objects; "DependsOn" is a string or an array of strings; "DeletionPolicy",
//   "UpdateReplacePolicy" and "Condition" are strings;
// - "Description" and "AWSTemplateFormatVersion", when present, are strings.
// Returns the parsed template. kInvalidArgument otherwise, the message naming `what` (the file
// as the user knows it), the JSON path of the offending part and what is wrong, e.g.
// `.rex/dev/deployed.template.json: Resources.NetworkVpc.Type: must be a non-empty string; got
// number`. Never throws, whatever the input.
base::Result<base::Json> ReadTemplate(std::string_view text, std::string_view what);

// The same shape checks on an already parsed template (for templates built in memory).
base::Status ValidateTemplate(const base::Json& tmpl, std::string_view what);

}  // namespace rex::engine
