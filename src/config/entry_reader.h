#pragma once

// Reading one named entry of a map section of the stack config ("jobs.cleanup",
// "queues.jobs", ...): the typed reads every entry needs, each recording a (key, problem)
// pair instead of failing, so a file's problems are all reported at once. Scalars are read by
// their text (config/config_text.h), as everywhere in the config. Also the name rule of
// entries and the check of a list of service names. Used by config/jobs_config.cc and
// config/storage_config.cc. Pure functions and a value class; no state.

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rex::config::entries {

// (dotted key, problem) pairs; config.cc prefixes the source name.
using Problems = std::vector<std::pair<std::string, std::string>>;

// 1 to 20 lowercase letters, digits and hyphens, starting with a letter, not ending with '-'.
bool IsEntryName(std::string_view name);
// A container variable name: letters, digits and '_', not starting with a digit.
bool IsVariableName(std::string_view name);

// Reads the map of a section ("jobs") and calls `entry(name, key, node)` for every entry
// whose name is allowed; `key` is "<section>.<name>" and `node` is the entry's map (null
// for "name:" with nothing). Records: a section that is not a map, a name set twice, a bad
// name ("<what> name": e.g. "job name"), an entry that is neither a map nor empty.
template <typename F>
void ForEachEntry(const YAML::Node& section_node, const std::string& section,
                  const std::string& what, const std::vector<std::string>& entry_keys,
                  Problems& problems, F entry);

// Typed reads of one value into `target`; a wrong type leaves `target` as it was and
// records "expected ..., got <what it is>" under `key`.
class Reader {
 public:
  explicit Reader(Problems& problems) : problems_(problems) {}

  void String(const std::string& key, const YAML::Node& value, std::string& target);
  void Int(const std::string& key, const YAML::Node& value, int& target);
  void Bool(const std::string& key, const YAML::Node& value, bool& target);
  // A YAML list of strings, or a string split at spaces.
  void Words(const std::string& key, const YAML::Node& value, std::vector<std::string>& target);
  // A YAML list of strings only (names).
  void Names(const std::string& key, const YAML::Node& value, std::vector<std::string>& target);
  // NAME: value pairs with scalar names and values.
  void StringMap(const std::string& key, const YAML::Node& value,
                 std::map<std::string, std::string>& target);
  // "unknown key; did you mean ...?; allowed: ..." for `name` under `key`.
  void Unknown(const std::string& key, const std::string& name,
               const std::vector<std::string>& allowed);

  void Error(const std::string& key, std::string problem) {
    problems_.emplace_back(key, std::move(problem));
  }

 private:
  Problems& problems_;
};

// Checks `cpu` and `memory` (at "<prefix>cpu" and "<prefix>memory") against the pairs Fargate
// runs: cpu one of 256 ... 16384, memory in the range and steps of that cpu.
void CheckFargateSize(const std::string& prefix, int cpu, int memory, Problems& problems);

// Checks that every name of `names` (the value of `key`) is one of `services`, once:
// "<key>: "<name>" is not allowed: name a service: api, worker, ..." (with a "did you mean"
// when one is close) or "<key>: "<name>" is named twice".
void CheckServiceNames(const std::string& key, const std::vector<std::string>& names,
                       const std::vector<std::string>& services, Problems& problems);

// --- template definition

void RecordBadSection(const YAML::Node& node, const std::string& section, Problems& problems);
bool CheckEntryName(const std::string& name, const std::string& key, const std::string& what,
                    Problems& problems);
std::string DescribeNode(const YAML::Node& node);
std::string JoinNames(const std::vector<std::string>& names);

template <typename F>
void ForEachEntry(const YAML::Node& section_node, const std::string& section,
                  const std::string& what, const std::vector<std::string>& entry_keys,
                  Problems& problems, F entry) {
  if (section_node.IsNull()) return;
  if (!section_node.IsMap()) {
    RecordBadSection(section_node, section, problems);
    return;
  }
  std::vector<std::string> seen;
  for (auto it = section_node.begin(); it != section_node.end(); ++it) {
    if (!it->first.IsScalar()) {
      problems.emplace_back(section, what + " names must be plain names");
      continue;
    }
    const std::string name = it->first.Scalar();
    const std::string key = section + "." + name;
    bool twice = false;
    for (const std::string& s : seen) twice = twice || s == name;
    if (twice) {
      problems.emplace_back(key, "is set more than once");
      continue;
    }
    seen.push_back(name);
    if (!CheckEntryName(name, key, what, problems)) continue;
    const YAML::Node value = it->second;
    if (!value.IsNull() && !value.IsMap()) {
      problems.emplace_back(key, "expected a map of " + what + " keys (" + JoinNames(entry_keys) +
                                     "), got " + DescribeNode(value));
      continue;
    }
    entry(name, key, value);
  }
}

}  // namespace rex::config::entries
