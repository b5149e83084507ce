#pragma once

// Turns the text of a YAML CloudFormation template into the JSON document CloudFormation
// itself works on, so that a YAML template and its JSON twin give the same plan. Part of the
// template reader (template/template_reader.h), which calls it for any text that does not start
// with '{' and then checks the result's shape; use ReadTemplate rather than this directly.
//
// What it does with the YAML:
// - The short-form intrinsic tags become their long forms: !Ref X -> {"Ref": X}, !Condition X
//   -> {"Condition": X}, !GetAtt A.B and !GetAtt [A, B] -> {"Fn::GetAtt": ["A", "B"]} (split at
//   the first '.'), and !Base64, !Cidr, !FindInMap, !GetAZs, !ImportValue, !Join, !Length,
//   !Select, !Split, !Sub, !ToJsonString, !Transform, !And, !Equals, !If, !Not, !Or ->
//   {"Fn::<Name>": value}. A scalar under one of these tags is always a string.
// - Plain (unquoted) scalars are typed the way cfn-flip reads them (PyYAML's YAML 1.1 safe
//   loader): null/Null/NULL/~ and empty are null; yes/no/true/false/on/off (in lower, Capital
//   or UPPER case) are booleans; decimal, 0x hex, 0b binary, 0-prefixed octal and base-60
//   (1:30) integers with optional sign and '_' separators are integers; 1.5, .5, 1.5e+3 are
//   floats. Everything else, timestamps such as 2010-09-09 included, stays the string as
//   written; so do integers beyond 64 bits, .inf, .nan and base-60 floats (JSON has no
//   infinities and CloudFormation no use for the rest). Quoted and block scalars are strings.
// - The standard tags !!str, !!int, !!float, !!bool, !!null, !!map and !!seq are honoured.
// - Mapping keys are scalars kept as written ("80", "true"); a duplicate key is refused.
// Refused, with kInvalidArgument naming `what` and the line: text that is not YAML, any other
// tag, aliases (*name, which CloudFormation does not accept either), non-scalar or null keys,
// more than one document, and nesting deeper than kMaxTemplateDepth. The nesting depth is
// measured on the text before yaml-cpp (whose parser recurses once per level) sees it, by a
// scan that never recurses; yaml-cpp 0.7's own depth guard (DeepRecursion at 500 levels, caught
// like its other exceptions) stays behind it as a second line.
// Never throws: every exception of yaml-cpp and of the conversion is caught.

#include <string_view>

#include "base/json.h"
#include "base/result.h"

namespace rex::tmpl {

base::Result<base::Json> ParseYamlTemplate(std::string_view text, std::string_view what);

// The deepest nesting the pre-scan finds in `text` (block indentation levels, "- " and "? "
// entries and flow collections), stopping as soon as it passes `limit`; `line` receives the
// 1-based line where the returned depth was reached. An over-estimate for ordinary YAML (it
// counts every indentation step), exposed for tests.
int ScanYamlDepth(std::string_view text, int limit, int* line);

}  // namespace rex::tmpl
