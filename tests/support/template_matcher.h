#pragma once

// Assertions on synthesized templates, in the style of CDK's Template.hasResourceProperties:
// a resource matches when every key of the expected (partial) JSON is present with an equal
// value; objects match recursively (extra keys allowed), lists and scalars must be equal.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/json.h"

namespace rex::testing {

// True if `actual` contains `expected` as described above.
bool JsonContains(const base::Json& actual, const base::Json& expected);

// Logical ids of the resources of `type` in `tmpl`, sorted.
std::vector<std::string> ResourcesOfType(const base::Json& tmpl, const std::string& type);

// Logical ids of the resources of `type` whose Properties contain `properties`.
std::vector<std::string> FindResources(const base::Json& tmpl, const std::string& type,
                                       const base::Json& properties);

// Passes if exactly one resource of `type` has `properties` (as JsonContains); the failure
// message lists the resources of that type so the mismatch is visible.
::testing::AssertionResult HasResourceProperties(const base::Json& tmpl, const std::string& type,
                                                 const base::Json& properties);

// Passes if the template has `count` resources of `type`.
::testing::AssertionResult ResourceCountIs(const base::Json& tmpl, const std::string& type,
                                           size_t count);

// The Properties of the resource with `logical_id` (null if absent).
base::Json PropertiesOf(const base::Json& tmpl, const std::string& logical_id);

}  // namespace rex::testing
