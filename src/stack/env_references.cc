#include "stack/env_references.h"

#include <vector>

#include "core/intrinsics.h"

namespace rex::stack {

core::Str ResolveReferences(const std::string& text, const ReferenceValues& values,
                            const std::function<void(const std::string&)>& error) {
  std::vector<core::Str> parts;
  std::string literal;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t start = text.find("${", pos);
    size_t end = start == std::string::npos ? std::string::npos : text.find('}', start);
    if (end == std::string::npos) {
      literal += text.substr(pos);
      break;
    }
    literal += text.substr(pos, start - pos);
    const std::string name = text.substr(start + 2, end - start - 2);
    if (name == "redisUrl") {
      if (!literal.empty()) parts.emplace_back(literal);
      literal.clear();
      parts.push_back(values.redis_url);
    } else if (name == "port" && values.port.has_value()) {
      literal += std::to_string(*values.port);
    } else if (name == "dbName") {
      literal += values.db_name;
    } else if (name == "namespace") {
      literal += values.namespace_name;
    } else if (name == "supertokensImage") {
      literal += values.supertokens_image;
    } else {
      error("unknown reference ${" + name + "}");
    }
    pos = end + 1;
  }
  if (parts.empty()) return core::Str(literal);
  if (!literal.empty()) parts.emplace_back(literal);
  if (parts.size() == 1) return parts[0];
  return core::Join("", parts);
}

bool GetsRedisPassword(bool redis_auth, const std::map<std::string, std::string>& environment,
                       const std::map<std::string, std::string>& secrets) {
  if (!redis_auth || environment.count(kRedisPasswordVariable) > 0 ||
      secrets.count(kRedisPasswordVariable) > 0) {
    return false;
  }
  for (const auto& [name, value] : environment) {
    if (value.find("${redisUrl}") != std::string::npos) return true;
  }
  return false;
}

}  // namespace rex::stack
