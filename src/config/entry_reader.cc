#include "config/entry_reader.h"

#include <algorithm>
#include <optional>

#include "base/strings.h"
#include "config/config_text.h"

namespace rex::config::entries {
namespace {

bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

constexpr size_t kMaxNameLength = 20;

}  // namespace

bool IsEntryName(std::string_view s) {
  if (s.empty() || s.size() > kMaxNameLength || !IsLower(s[0]) || s.back() == '-') return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return IsLower(c) || IsDigit(c) || c == '-'; });
}

bool IsVariableName(std::string_view s) {
  if (s.empty() || s.size() > 255 || IsDigit(s[0])) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return IsLower(c) || IsUpper(c) || IsDigit(c) || c == '_'; });
}

std::string DescribeNode(const YAML::Node& node) { return text::Describe(node); }

std::string JoinNames(const std::vector<std::string>& names) { return base::Join(names, ", "); }

void RecordBadSection(const YAML::Node& node, const std::string& section, Problems& problems) {
  problems.emplace_back(section, "expected a map of named entries, got " + text::Describe(node));
}

bool CheckEntryName(const std::string& name, const std::string& key, const std::string& what,
                    Problems& problems) {
  if (IsEntryName(name)) return true;
  problems.emplace_back(key, text::Quote(name) + " is not allowed as a " + what +
                                 " name: use 1 to 20 lowercase letters, digits and hyphens, "
                                 "starting with a letter");
  return false;
}

std::string QuoteText(const std::string& text) { return text::Quote(text); }

void ReadNested(const std::string& key, const YAML::Node& map,
                const std::vector<std::string>& names,
                const std::function<bool(const std::string& name, const std::string& sub,
                                         const YAML::Node& value)>& read_one,
                Problems& problems) {
  Reader reader(problems);
  std::vector<std::string> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!it->first.IsScalar()) {
      reader.Error(key, "keys must be plain names");
      continue;
    }
    const std::string name = it->first.Scalar();
    const std::string sub = key + "." + name;
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      reader.Error(sub, "is set more than once");
      continue;
    }
    seen.push_back(name);
    if (it->second.IsNull()) continue;  // "key:" keeps the default
    if (!read_one(name, sub, it->second)) reader.Unknown(sub, name, names);
  }
}

void Reader::String(const std::string& key, const YAML::Node& value, std::string& target) {
  if (!value.IsScalar()) {
    Error(key, "expected a string, got " + text::Describe(value));
    return;
  }
  target = value.Scalar();
}

void Reader::Int(const std::string& key, const YAML::Node& value, int& target) {
  std::optional<int> v = value.IsScalar() ? text::ParseInt(value.Scalar()) : std::nullopt;
  if (!v) {
    Error(key, "expected a whole number, got " + text::Describe(value));
    return;
  }
  target = *v;
}

void Reader::Bool(const std::string& key, const YAML::Node& value, bool& target) {
  std::optional<bool> v = value.IsScalar() ? text::ParseBool(value.Scalar()) : std::nullopt;
  if (!v) {
    Error(key, "expected true or false, got " + text::Describe(value));
    return;
  }
  target = *v;
}

void Reader::Words(const std::string& key, const YAML::Node& value,
                   std::vector<std::string>& target) {
  if (value.IsScalar()) {
    target = text::SplitWords(value.Scalar());
    return;
  }
  if (!value.IsSequence()) {
    Error(key, "expected a list of strings or a string, got " + text::Describe(value));
    return;
  }
  std::string problem;
  auto items = text::ScalarItems(value, &problem);
  if (!items) {
    Error(key, problem);
    return;
  }
  target = std::move(*items);
}

void Reader::Names(const std::string& key, const YAML::Node& value,
                   std::vector<std::string>& target) {
  if (!value.IsSequence()) {
    Error(key,
          "expected a list of service names such as [api, worker], got " + text::Describe(value));
    return;
  }
  std::string problem;
  auto items = text::ScalarItems(value, &problem);
  if (!items) {
    Error(key, problem);
    return;
  }
  target = std::move(*items);
}

void Reader::StringMap(const std::string& key, const YAML::Node& value,
                       std::map<std::string, std::string>& target) {
  if (!value.IsMap()) {
    Error(key, "expected a map of NAME: value, got " + text::Describe(value));
    return;
  }
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (!it->first.IsScalar() || !it->second.IsScalar()) {
      Error(key, "expected a map of NAME: value with plain names and values");
      continue;
    }
    target[it->first.Scalar()] = it->second.Scalar();
  }
}

void Reader::Unknown(const std::string& key, const std::string& name,
                     const std::vector<std::string>& allowed) {
  std::string hint = base::ClosestMatch(name, allowed);
  Error(key, "unknown key" + (hint.empty() ? std::string() : "; did you mean \"" + hint + "\"?") +
                 "; allowed: " + base::Join(allowed, ", "));
}

namespace {

// Fargate's CPU/memory pairs: for each CPU, the memory range and step in MiB.
struct FargateSize {
  int cpu;
  int min_memory;
  int max_memory;
  int step;
};
constexpr FargateSize kFargateSizes[] = {
    {256, 512, 2048, 0},  // 512, 1024, 2048 only
    {512, 1024, 4096, 1024},   {1024, 2048, 8192, 1024},   {2048, 4096, 16384, 1024},
    {4096, 8192, 30720, 1024}, {8192, 16384, 61440, 4096}, {16384, 32768, 122880, 8192},
};

}  // namespace

void CheckFargateSize(const std::string& prefix, int cpu, int memory, Problems& problems) {
  const FargateSize* size = nullptr;
  for (const FargateSize& f : kFargateSizes) {
    if (f.cpu == cpu) size = &f;
  }
  if (size == nullptr) {
    problems.emplace_back(prefix + "cpu",
                          std::to_string(cpu) +
                              " is not allowed: use a Fargate CPU value: 256, 512, 1024, 2048, "
                              "4096, 8192 or 16384");
    return;
  }
  bool ok = size->step == 0 ? (memory == 512 || memory == 1024 || memory == 2048)
                            : (memory >= size->min_memory && memory <= size->max_memory &&
                               (memory - size->min_memory) % size->step == 0);
  if (ok) return;
  std::string allowed = size->step == 0 ? "use 512, 1024 or 2048 MiB"
                                        : "use " + std::to_string(size->min_memory) + " to " +
                                              std::to_string(size->max_memory) +
                                              " MiB in steps of " + std::to_string(size->step);
  problems.emplace_back(prefix + "memory", std::to_string(memory) + " is not allowed with cpu " +
                                               std::to_string(cpu) + ": " + allowed);
}

void CheckServiceNames(const std::string& key, const std::vector<std::string>& names,
                       const std::vector<std::string>& services, Problems& problems) {
  std::vector<std::string> seen;
  for (const std::string& name : names) {
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      problems.emplace_back(key, text::Quote(name) + " is named twice; name each service once");
      continue;
    }
    seen.push_back(name);
    if (std::find(services.begin(), services.end(), name) != services.end()) continue;
    std::string hint = base::ClosestMatch(name, services);
    problems.emplace_back(
        key, text::Quote(name) + " is not allowed: name a service: " + base::Join(services, ", ") +
                 (hint.empty() ? std::string() : "; did you mean \"" + hint + "\"?"));
  }
}

}  // namespace rex::config::entries
