#include "support/template_matcher.h"

#include <algorithm>

namespace rex::testing {

bool JsonContains(const base::Json& actual, const base::Json& expected) {
  if (expected.is_object()) {
    if (!actual.is_object()) return false;
    for (const auto& [key, value] : expected.items()) {
      if (!actual.contains(key) || !JsonContains(actual.at(key), value)) return false;
    }
    return true;
  }
  return actual == expected;
}

std::vector<std::string> ResourcesOfType(const base::Json& tmpl, const std::string& type) {
  std::vector<std::string> ids;
  if (!tmpl.contains("Resources")) return ids;
  for (const auto& [id, resource] : tmpl.at("Resources").items()) {
    if (resource.value("Type", "") == type) ids.push_back(id);
  }
  return ids;  // nlohmann objects iterate in sorted key order
}

std::vector<std::string> FindResources(const base::Json& tmpl, const std::string& type,
                                       const base::Json& properties) {
  std::vector<std::string> ids;
  for (const std::string& id : ResourcesOfType(tmpl, type)) {
    const base::Json& resource = tmpl.at("Resources").at(id);
    base::Json props = resource.value("Properties", base::Json::object());
    if (JsonContains(props, properties)) ids.push_back(id);
  }
  return ids;
}

::testing::AssertionResult HasResourceProperties(const base::Json& tmpl, const std::string& type,
                                                 const base::Json& properties) {
  std::vector<std::string> matches = FindResources(tmpl, type, properties);
  if (matches.size() == 1) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  failure << matches.size() << " resources of type " << type << " have properties "
          << properties.dump();
  if (matches.size() > 1) {
    failure << " (expected exactly one):";
    for (const auto& id : matches) failure << " " << id;
    return failure;
  }
  failure << "; the resources of that type are:";
  for (const std::string& id : ResourcesOfType(tmpl, type)) {
    failure << "\n  " << id << ": "
            << tmpl.at("Resources").at(id).value("Properties", base::Json::object()).dump();
  }
  return failure;
}

::testing::AssertionResult ResourceCountIs(const base::Json& tmpl, const std::string& type,
                                           size_t count) {
  size_t n = ResourcesOfType(tmpl, type).size();
  if (n == count) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "expected " << count << " resources of type " << type << ", found " << n;
}

base::Json PropertiesOf(const base::Json& tmpl, const std::string& logical_id) {
  if (!tmpl.contains("Resources") || !tmpl.at("Resources").contains(logical_id)) return nullptr;
  return tmpl.at("Resources").at(logical_id).value("Properties", base::Json::object());
}

}  // namespace rex::testing
