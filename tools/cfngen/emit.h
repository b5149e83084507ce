#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model.h"

// Emission: turns a decided Service (see model.h) into C++ text. Pure functions of the
// model, so the output is deterministic and testable on tiny fixtures.
namespace rex::cfngen {

// cfn/<service>.gen.h: property-type structs, props structs, resource classes, and the
// ToValue declarations core's List/Map templates find by argument-dependent lookup.
std::string EmitHeader(const Service& service);

// cfn/<service>.gen.cc: static schema tables, rendering, accessors.
std::string EmitSource(const Service& service);

// cfn/registry.gen.h and cfn/registry.gen.cc: lookup of every resource schema by type.
std::string EmitRegistryHeader(const std::vector<Service>& services);
std::string EmitRegistrySource(const std::vector<Service>& services);

// Helpers, exposed for tests.
// A C++ string literal for `text` ("a\"b" for a"b); bytes outside printable ASCII as octal.
std::string CppStringLiteral(std::string_view text);
// `text` as `//` comment lines of at most `width` columns, each starting with `indent`.
std::string CommentLines(std::string_view text, std::string_view indent, size_t width = 100);

}  // namespace rex::cfngen
