#pragma once

// Reads a CloudFormation template that rex did not just synthesize (the deployed template kept
// under .rex/, the template CloudFormation holds, or a file given with `rex preview
// --template`), in JSON or in YAML with the short-form tags, and checks that it has the shape
// the planner relies on. It is the only door through which outside template text reaches the
// engine, so it is written for hostile input: it never throws, never aborts and never recurses
// deeper than kMaxTemplateDepth levels, whatever the input (a libFuzzer target drives it).

#include <cstddef>
#include <string_view>

#include "base/json.h"
#include "base/result.h"

namespace rex::tmpl {

// Deepest nesting of objects and arrays accepted; real templates stay far below it. Deeper
// input is refused so that every later walk over a template (diff, dump) stays shallow.
inline constexpr int kMaxTemplateDepth = 64;

// Longest template text accepted by default: for a template CloudFormation holds (GetTemplate).
// CloudFormation itself takes at most 1 MB per template (from S3; a nested stack's children
// each have their own 1 MB); the margin leaves room for pretty-printed copies.
inline constexpr size_t kMaxTemplateBytes = 4 * 1024 * 1024;

// Longest local template file accepted (`rex preview --template FILE`, the .rex/ copy of the
// deployed template): the logical template of a stack deployed as nested stacks is one file
// however many children it is split into (20,000 resources make about 15 MB of pretty JSON).
// Still bounded, so a stray huge file is refused rather than read into memory.
inline constexpr size_t kMaxLocalTemplateBytes = 64 * 1024 * 1024;

// Parses `text` as a CloudFormation template and validates its shape. Text whose first
// character other than white space and '#' comment lines is '{' is JSON; anything else is
// YAML, converted to the same JSON as its JSON twin by ParseYamlTemplate
// (template/template_yaml.h: short-form tags to long forms, plain scalars typed as cfn-flip does,
// errors naming the line). Text longer than `max_bytes` (kMaxTemplateBytes unless the caller
// reads a local file: kMaxLocalTemplateBytes), and text that is not UTF-8 (with the byte
// offset), are refused. Then:
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
base::Result<base::Json> ReadTemplate(std::string_view text, std::string_view what,
                                      size_t max_bytes = kMaxTemplateBytes);

// The same shape checks on an already parsed template (for templates built in memory).
base::Status ValidateTemplate(const base::Json& tmpl, std::string_view what);

}  // namespace rex::tmpl
