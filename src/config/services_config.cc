#include "config/services_config.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>

#include "base/strings.h"
#include "config/config_text.h"
#include "config/entry_reader.h"

namespace rex::config {

// --- ServicesConfig

ServiceConfig* ServicesConfig::Find(std::string_view name) {
  for (auto& [entry_name, service] : entries) {
    if (entry_name == name) return &service;
  }
  return nullptr;
}

const ServiceConfig* ServicesConfig::Find(std::string_view name) const {
  for (const auto& [entry_name, service] : entries) {
    if (entry_name == name) return &service;
  }
  return nullptr;
}

ServiceConfig& ServicesConfig::at(std::string_view name) {
  ServiceConfig* service = Find(name);
  if (service == nullptr) std::abort();  // a programming error: the built-in entry is gone
  return *service;
}

const ServiceConfig& ServicesConfig::at(std::string_view name) const {
  const ServiceConfig* service = Find(name);
  if (service == nullptr) std::abort();
  return *service;
}

ServiceConfig& ServicesConfig::GetOrAdd(std::string_view name) {
  if (ServiceConfig* service = Find(name)) return *service;
  entries.emplace_back(std::string(name), ServiceConfig{});
  return entries.back().second;
}

std::string ServiceConstructId(std::string_view name) {
  std::string id;
  bool upper = true;
  for (char c : name) {
    if (c == '-') {
      upper = true;
      continue;
    }
    id += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    upper = false;
  }
  return id;
}

namespace services {
namespace {

using text::Describe;
using text::ParseBool;
using text::ParseInt;
using text::Quote;
using text::SplitWords;

bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }

bool IsImageTag(std::string_view s) {
  if (s.empty() || s.size() > 128 || s[0] == '.' || s[0] == '-') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return IsLower(c) || IsUpper(c) || IsDigit(c) || c == '_' || c == '.' || c == '-';
  });
}

// An image name without tag or digest: registry host (with an optional port) and path of
// lowercase components.
bool IsImageName(std::string_view s) {
  if (s.empty() || s.size() > 255 || s.front() == '/' || s.back() == '/') return false;
  size_t colon = s.find(':');
  if (colon != std::string_view::npos) {
    // Only a registry port: "host:5000/path".
    size_t slash = s.find('/', colon);
    if (slash == std::string_view::npos || slash == colon + 1) return false;
    for (size_t i = colon + 1; i < slash; ++i) {
      if (!IsDigit(s[i])) return false;
    }
  }
  for (char c : s) {
    if (!(IsLower(c) || IsDigit(c) || c == '.' || c == '-' || c == '_' || c == '/' || c == ':')) {
      return false;
    }
  }
  return s.find("//") == std::string_view::npos;
}

// An ALB path pattern: '/' first, at most 128 characters of what the ALB accepts.
bool IsPathPattern(std::string_view s) {
  if (s.empty() || s[0] != '/' || s.size() > 128) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return IsLower(c) || IsUpper(c) || IsDigit(c) ||
           std::string_view("_-.$/~\"'@:+*?&=%").find(c) != std::string_view::npos;
  });
}

bool IsBuiltIn(std::string_view name) {
  for (const auto& [built_in, unused] : BuiltInServices().entries) {
    if (built_in == name) return true;
  }
  return false;
}

std::string ImageRule(const std::string& image) {
  if (image.empty() || image == "${supertokensImage}" || IsImageName(image)) return "";
  return "use \"\" (the ECR repository rex creates), an image name without tag such as "
         "\"public.ecr.aws/nginx/nginx\", or \"${supertokensImage}\"";
}

std::string ImageTagRule(const std::string& tag) {
  if (IsImageTag(tag)) return "";
  return "use a Docker tag: letters, digits, '_', '.', '-', at most 128 characters";
}

std::string HealthCheckPathRule(const std::string& path) {
  if (path.empty() || IsPathPattern(path)) return "";
  return "use a path starting with '/', such as \"/health\"";
}

// One row per key of a services: entry, in the order ConfigToYaml writes them. What each
// means and its default: ServiceConfig in config/config.h. `path`, `discovery`, `calledBy`,
// `environment` and `secrets` are checked with the other keys and entries in Validate.
const std::vector<entries::EntryField<ServiceConfig>>& Fields() {
  using S = ServiceConfig;
  using H = HealthCheckConfig;
  static const std::vector<entries::EntryField<S>> fields = {
      entries::TextKey<S>("image", &S::image, ImageRule),
      entries::TextKey<S>("imageTag", &S::image_tag, ImageTagRule),
      entries::WordsKey<S>("command", &S::command),
      entries::IntKey<S>("port", &S::port, 0, 65535, "use 1 to 65535, or 0 for none"),
      entries::IntKey<S>("cpu", &S::cpu),  // with memory: CheckFargateSize in Validate
      entries::IntKey<S>("memory", &S::memory),
      entries::IntKey<S>("desiredCount", &S::desired_count, 0, 100, "use 0 to 100 tasks"),
      entries::NestedKey<S, H>("healthCheck.path", &S::health_check,
                               entries::TextKey<H>("path", &H::path, HealthCheckPathRule)),
      entries::NestedKey<S, H>("healthCheck.command", &S::health_check,
                               entries::TextKey<H>("command", &H::command)),
      entries::NestedKey<S, H>(
          "healthCheck.gracePeriod", &S::health_check,
          entries::IntKey<H>("gracePeriod", &H::grace_period, 0, 7200, "use 0 to 7200 seconds")),
      entries::MapKey<S>("environment", &S::environment),
      entries::MapKey<S>("secrets", &S::secrets),
      entries::TextKey<S>("path", &S::path),
      entries::BoolKey<S>("discovery", &S::discovery),
      entries::WordsKey<S>("calledBy", &S::called_by),
      entries::BoolKey<S>("autoscaling", &S::autoscaling),
      entries::BoolKey<S>("bootstrapDatabase", &S::bootstrap_database),
  };
  return fields;
}

}  // namespace

const std::vector<std::string>& EntryKeys() {
  static const std::vector<std::string> keys = entries::EntryKeyNames(Fields());
  return keys;
}

const std::vector<std::string>& AppSecretNames() {
  static const std::vector<std::string> names = {"db.host",
                                                 "db.port",
                                                 "db.username",
                                                 "db.password",
                                                 "db.dbname",
                                                 "supertokens.apiKey",
                                                 "supertokens.connectionUri",
                                                 "redis.authToken"};
  return names;
}

const std::vector<std::string>& ReferenceNames() {
  static const std::vector<std::string> names = {"port", "dbName", "redisUrl", "namespace",
                                                 "supertokensImage"};
  return names;
}

std::string UnknownReference(std::string_view text) {
  size_t pos = 0;
  while ((pos = text.find("${", pos)) != std::string_view::npos) {
    size_t end = text.find('}', pos);
    if (end == std::string_view::npos) return std::string(text.substr(pos));
    std::string name(text.substr(pos + 2, end - pos - 2));
    const auto& known = ReferenceNames();
    if (std::find(known.begin(), known.end(), name) == known.end()) return "${" + name + "}";
    pos = end + 1;
  }
  return "";
}

void Load(const YAML::Node& node, ServicesConfig& services, Problems& problems) {
  if (node.IsNull()) return;
  if (!node.IsMap()) {
    problems.emplace_back("services", "expected a map, got " + Describe(node));
    return;
  }
  std::set<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) {
      problems.emplace_back("services", "service names must be plain names");
      continue;
    }
    const std::string name = it->first.Scalar();
    const std::string key = "services." + name;
    if (!seen.insert(name).second) {
      problems.emplace_back(key, "is set more than once");
      continue;
    }
    if (!entries::IsEntryName(name)) {
      problems.emplace_back(key, Quote(name) +
                                     " is not allowed as a service name: use 1 to 20 lowercase "
                                     "letters, digits and hyphens, starting with a letter");
      continue;
    }
    if (services.Find(name) == nullptr) {
      // A typo of an existing name would silently add a service: refuse names one edit away.
      std::string close;
      for (const auto& [existing, unused] : services.entries) {
        if (close.empty() && base::EditDistance(name, existing) <= 1) close = existing;
      }
      if (!close.empty()) {
        problems.emplace_back(key, "unknown key; did you mean \"services." + close + "\"?");
        continue;
      }
    }
    const YAML::Node value = it->second;
    if (value.IsNull()) {
      services.GetOrAdd(name);
      continue;
    }
    if (!value.IsMap()) {
      problems.emplace_back(key, "expected a map of service keys (" +
                                     base::Join(EntryKeys(), ", ") + "), got " + Describe(value));
      continue;
    }
    entries::ReadEntry(key, value, Fields(), services.GetOrAdd(name), problems);
  }
}

void Validate(const Config& config, Problems& problems) {
  auto error = [&](const std::string& key, std::string message) {
    problems.emplace_back(key, std::move(message));
  };
  auto not_allowed = [&](const std::string& key, const std::string& shown,
                         const std::string& allowed) {
    error(key, shown + " is not allowed: " + allowed);
  };
  const std::string stem = config.project_name + "-" + config.environment;
  std::map<int, std::string> ports;          // port -> first service using it
  std::map<std::string, std::string> paths;  // path -> first service using it
  std::vector<std::string> names;
  for (const auto& [name, s] : config.services.entries) names.push_back(name);

  for (const auto& [name, s] : config.services.entries) {
    const std::string prefix = "services." + name + ".";
    if (!entries::IsEntryName(name)) {
      not_allowed("services." + name, Quote(name),
                  "use 1 to 20 lowercase letters, digits and hyphens, starting with a letter");
    }
    entries::CheckEntry("services." + name, Fields(), s, problems);
    entries::CheckFargateSize(prefix, s.cpu, s.memory, problems);
    if (s.port > 0 && s.port <= 65535) {
      auto [it, inserted] = ports.emplace(s.port, name);
      if (!inserted) {
        not_allowed(
            prefix + "port", std::to_string(s.port),
            "services." + it->second + " already listens on it; give each service its own port");
      }
    }
    if (!s.path.empty()) {
      if (!IsPathPattern(s.path)) {
        not_allowed(prefix + "path", Quote(s.path),
                    "use an ALB path pattern starting with '/', such as \"/notify/*\", at most "
                    "128 characters");
      } else {
        auto [it, inserted] = paths.emplace(s.path, name);
        if (!inserted) {
          not_allowed(prefix + "path", Quote(s.path),
                      "services." + it->second +
                          " is already reached on it; give each service its own path");
        }
      }
      if (s.port == 0) {
        error(prefix + "path", "needs port: the load balancer forwards to the container's port");
      }
      std::string target_group = stem + "-" + name;
      // A stem over 20 characters is reported on projectName already.
      if (target_group.size() > 32 && stem.size() <= 20) {
        error(prefix + "path", "the target group name " + Quote(target_group) + " has " +
                                   std::to_string(target_group.size()) +
                                   " characters; AWS allows at most 32 (shorten the service name)");
      }
    }
    if (s.discovery && s.port == 0) {
      error(prefix + "discovery", "needs port: Cloud Map callers reach the container's port");
    }
    for (const std::string& caller : s.called_by) {
      if (caller == name || std::find(names.begin(), names.end(), caller) == names.end()) {
        not_allowed(prefix + "calledBy", Quote(caller),
                    "name another service: " + base::Join(names, ", "));
      }
    }
    if (!s.called_by.empty() && !s.discovery) {
      error(prefix + "calledBy", "needs discovery: true (callers find the service in Cloud Map)");
    }
    for (const auto& [variable, value] : s.environment) {
      if (!entries::IsVariableName(variable)) {
        not_allowed(prefix + "environment." + variable, Quote(variable),
                    "use a variable name of letters, digits and '_', not starting with a digit");
      }
      std::string unknown = UnknownReference(value);
      if (!unknown.empty()) {
        not_allowed(prefix + "environment." + variable, "the reference " + unknown,
                    "use ${" + base::Join(ReferenceNames(), "}, ${") + "}");
      }
      if (unknown.empty() && value.find("${port}") != std::string::npos && s.port == 0) {
        error(prefix + "environment." + variable, "uses ${port} but the service has no port");
      }
    }
    for (const auto& [variable, secret] : s.secrets) {
      if (!entries::IsVariableName(variable)) {
        not_allowed(prefix + "secrets." + variable, Quote(variable),
                    "use a variable name of letters, digits and '_', not starting with a digit");
      }
      const auto& known = AppSecretNames();
      if (std::find(known.begin(), known.end(), secret) == known.end()) {
        not_allowed(prefix + "secrets." + variable, Quote(secret),
                    "use an app secret: " + base::Join(known, ", "));
      }
      if (secret == "redis.authToken" && !config.redis_auth) {
        error(prefix + "secrets." + variable,
              "names redis.authToken, which needs redisAuth true (no AUTH token without it)");
      }
      if (s.environment.count(variable) > 0) {
        error(prefix + "secrets." + variable,
              "is also in environment; a variable comes from one of them");
      }
    }
    const AutoscalingConfig& a = config.autoscaling;
    if (s.autoscaling && a.enabled && a.min_count <= a.max_count &&
        (s.desired_count < a.min_count || s.desired_count > a.max_count)) {
      error(prefix + "desiredCount",
            std::to_string(s.desired_count) + " is not allowed with autoscaling enabled: use " +
                std::to_string(a.min_count) + " to " + std::to_string(a.max_count) +
                " (autoscaling.minCount to autoscaling.maxCount)");
    }
  }
}

std::string ExtraEntriesYaml(const ServicesConfig& services) {
  std::string out;
  for (const auto& [name, s] : services.entries) {
    if (IsBuiltIn(name)) continue;
    YAML::Emitter e;
    e << YAML::BeginMap;
    e << YAML::Key << name << YAML::Value << YAML::BeginMap;
    if (!s.image.empty()) e << YAML::Key << "image" << YAML::Value << s.image;
    e << YAML::Key << "imageTag" << YAML::Value << YAML::DoubleQuoted << s.image_tag;
    if (!s.command.empty()) e << YAML::Key << "command" << YAML::Value << s.command;
    if (s.port != 0) e << YAML::Key << "port" << YAML::Value << s.port;
    e << YAML::Key << "cpu" << YAML::Value << s.cpu;
    e << YAML::Key << "memory" << YAML::Value << s.memory;
    e << YAML::Key << "desiredCount" << YAML::Value << s.desired_count;
    if (s.health_check != HealthCheckConfig{}) {
      e << YAML::Key << "healthCheck" << YAML::Value << YAML::BeginMap;
      if (!s.health_check.path.empty())
        e << YAML::Key << "path" << YAML::Value << s.health_check.path;
      if (!s.health_check.command.empty()) {
        e << YAML::Key << "command" << YAML::Value << s.health_check.command;
      }
      e << YAML::Key << "gracePeriod" << YAML::Value << s.health_check.grace_period;
      e << YAML::EndMap;
    }
    if (!s.environment.empty()) e << YAML::Key << "environment" << YAML::Value << s.environment;
    if (!s.secrets.empty()) e << YAML::Key << "secrets" << YAML::Value << s.secrets;
    if (!s.path.empty()) e << YAML::Key << "path" << YAML::Value << s.path;
    if (s.discovery) e << YAML::Key << "discovery" << YAML::Value << true;
    if (!s.called_by.empty()) e << YAML::Key << "calledBy" << YAML::Value << s.called_by;
    if (s.autoscaling) e << YAML::Key << "autoscaling" << YAML::Value << true;
    if (s.bootstrap_database) e << YAML::Key << "bootstrapDatabase" << YAML::Value << true;
    e << YAML::EndMap << YAML::EndMap;
    for (const std::string& line : base::Split(e.c_str(), '\n')) out += "  " + line + "\n";
  }
  return out;
}

}  // namespace services
}  // namespace rex::config
