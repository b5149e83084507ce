#pragma once

// Reading one named entry of a map section of the stack config ("jobs.cleanup",
// "queues.jobs", ...): the typed reads every entry needs, each recording a (key, problem)
// pair instead of failing, so a file's problems are all reported at once. Scalars are read by
// their text (config/config_text.h), as everywhere in the config. Also the name rule of
// entries and the check of a list of service names. Used by config/jobs_config.cc and
// config/storage_config.cc. Pure functions and a value class; no state.
//
// Each entry type has one table of its keys (EntryField rows, in the order the keys are
// written): ReadEntry reads an entry through it, EntryKeyNames lists the keys that errors and
// completion offer, and CheckEntry applies the rule of each key whose value alone decides. A
// new key of an entry is one row; rules that relate keys or entries stay in each section's
// Validate.

#include <yaml-cpp/yaml.h>

#include <functional>
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

// One key of an entry of type T.
template <typename T>
struct EntryField {
  // "port"; a dotted name is a key of a nested map ("healthCheck.path").
  std::string_view name;
  // Reads `value`, the YAML value at `key`, into `entry` (Reader's typed reads).
  std::function<void(Reader& read, const std::string& key, const YAML::Node& value, T& entry)> read;
  // The value's rule: "" when `entry`'s value is allowed, else the problem ("5000 is not
  // allowed: use 0 to 100 tasks"). Unset for keys whose every value is allowed, or that only a
  // relation checks.
  std::function<std::string(const T& entry)> check = {};
};

// Rows for the common value types; `rule(value)` returns "" when allowed, else what is
// allowed ("use 0 to 100 tasks"), quoted by the problem after "<value> is not allowed: ".
template <typename T>
EntryField<T> TextKey(std::string_view name, std::string T::*member,
                      std::string (*rule)(const std::string&) = nullptr);
template <typename T>
EntryField<T> IntKey(std::string_view name, int T::*member, int lo, int hi,
                     std::string_view allowed);
// A whole number that only a relation checks (cpu with memory: CheckFargateSize).
template <typename T>
EntryField<T> IntKey(std::string_view name, int T::*member);
template <typename T>
EntryField<T> BoolKey(std::string_view name, bool T::*member);
// A YAML list of strings or a string split at spaces; no item may be empty.
template <typename T>
EntryField<T> WordsKey(std::string_view name, std::vector<std::string> T::*member);
// A YAML list of names (service names: the section's Validate checks them).
template <typename T>
EntryField<T> NamesKey(std::string_view name, std::vector<std::string> T::*member);
// NAME: value pairs, merged over the entry's defaults (the section's Validate checks them).
template <typename T>
EntryField<T> MapKey(std::string_view name, std::map<std::string, std::string> T::*member);
// A key of the nested map `outer` (name "outer.inner"): the row `inner` of the nested type,
// applied to entry.*outer.
template <typename T, typename N>
EntryField<T> NestedKey(std::string_view name, N T::*outer, EntryField<N> inner);

// The keys an entry takes, as written under it: the rows' names, a nested map once by its
// first part ("healthCheck").
template <typename T>
std::vector<std::string> EntryKeyNames(const std::vector<EntryField<T>>& fields);

// Reads the map of one entry (at `key`, e.g. "services.notifier") into `entry` through
// `fields`. Records: a key that is not a plain name or is set twice, an unknown key (with the
// allowed ones and the closest), a nested key that is not a map. "key:" with nothing keeps
// the default.
template <typename T>
void ReadEntry(const std::string& key, const YAML::Node& map,
               const std::vector<EntryField<T>>& fields, T& entry, Problems& problems);

// Applies the rule of every row to `entry` (at `key`), recording "<key>.<name>: <problem>".
template <typename T>
void CheckEntry(const std::string& key, const std::vector<EntryField<T>>& fields, const T& entry,
                Problems& problems);

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

std::string QuoteText(const std::string& text);
void ReadNested(const std::string& key, const YAML::Node& map,
                const std::vector<std::string>& names,
                const std::function<bool(const std::string& name, const std::string& sub,
                                         const YAML::Node& value)>& read_one,
                Problems& problems);

template <typename T>
EntryField<T> TextKey(std::string_view name, std::string T::*member,
                      std::string (*rule)(const std::string&)) {
  EntryField<T> f{name, [member](Reader& r, const std::string& key, const YAML::Node& value,
                                 T& entry) { r.String(key, value, entry.*member); }};
  if (rule != nullptr) {
    f.check = [member, rule](const T& entry) -> std::string {
      std::string allowed = rule(entry.*member);
      return allowed.empty() ? "" : QuoteText(entry.*member) + " is not allowed: " + allowed;
    };
  }
  return f;
}

template <typename T>
EntryField<T> IntKey(std::string_view name, int T::*member, int lo, int hi,
                     std::string_view allowed) {
  return {name,
          [member](Reader& r, const std::string& key, const YAML::Node& value, T& entry) {
            r.Int(key, value, entry.*member);
          },
          [member, lo, hi, allowed = std::string(allowed)](const T& entry) -> std::string {
            int v = entry.*member;
            return v >= lo && v <= hi ? "" : std::to_string(v) + " is not allowed: " + allowed;
          }};
}

template <typename T>
EntryField<T> IntKey(std::string_view name, int T::*member) {
  return {name, [member](Reader& r, const std::string& key, const YAML::Node& value, T& entry) {
            r.Int(key, value, entry.*member);
          }};
}

template <typename T>
EntryField<T> BoolKey(std::string_view name, bool T::*member) {
  return {name, [member](Reader& r, const std::string& key, const YAML::Node& value, T& entry) {
            r.Bool(key, value, entry.*member);
          }};
}

template <typename T>
EntryField<T> WordsKey(std::string_view name, std::vector<std::string> T::*member) {
  return {name,
          [member](Reader& r, const std::string& key, const YAML::Node& value, T& entry) {
            r.Words(key, value, entry.*member);
          },
          [member](const T& entry) -> std::string {
            for (const std::string& word : entry.*member) {
              if (word.empty()) {
                return "an empty argument is not allowed: give the program and its arguments";
              }
            }
            return "";
          }};
}

template <typename T>
EntryField<T> NamesKey(std::string_view name, std::vector<std::string> T::*member) {
  return {name, [member](Reader& r, const std::string& key, const YAML::Node& value, T& entry) {
            r.Names(key, value, entry.*member);
          }};
}

template <typename T>
EntryField<T> MapKey(std::string_view name, std::map<std::string, std::string> T::*member) {
  return {name, [member](Reader& r, const std::string& key, const YAML::Node& value, T& entry) {
            r.StringMap(key, value, entry.*member);
          }};
}

template <typename T, typename N>
EntryField<T> NestedKey(std::string_view name, N T::*outer, EntryField<N> inner) {
  EntryField<T> f{
      name, [outer, read = inner.read](Reader& r, const std::string& key, const YAML::Node& value,
                                       T& entry) { read(r, key, value, entry.*outer); }};
  if (inner.check) {
    f.check = [outer, check = inner.check](const T& entry) { return check(entry.*outer); };
  }
  return f;
}

template <typename T>
std::vector<std::string> EntryKeyNames(const std::vector<EntryField<T>>& fields) {
  std::vector<std::string> names;
  for (const EntryField<T>& f : fields) {
    std::string first(f.name.substr(0, f.name.find('.')));
    bool listed = false;
    for (const std::string& n : names) listed = listed || n == first;
    if (!listed) names.push_back(std::move(first));
  }
  return names;
}

template <typename T>
void ReadEntry(const std::string& key, const YAML::Node& map,
               const std::vector<EntryField<T>>& fields, T& entry, Problems& problems) {
  Reader reader(problems);
  // Reads `value` as the key `name` of the rows whose names start with `prefix`.
  std::function<bool(const std::string&, const std::string&, const std::string&, const YAML::Node&)>
      read_as = [&](const std::string& prefix, const std::string& name, const std::string& sub,
                    const YAML::Node& value) {
        const std::string full = prefix + name;
        for (const EntryField<T>& f : fields) {
          if (f.name == full) {
            f.read(reader, sub, value, entry);
            return true;
          }
        }
        std::vector<std::string> children;
        const std::string group = full + ".";
        for (const EntryField<T>& f : fields) {
          if (f.name.substr(0, group.size()) == group) {
            children.emplace_back(f.name.substr(group.size()));
          }
        }
        if (children.empty()) return false;
        if (!value.IsMap()) {
          reader.Error(sub,
                       "expected a map of " + JoinNames(children) + ", got " + DescribeNode(value));
          return true;
        }
        ReadNested(
            sub, value, children,
            [&](const std::string& child, const std::string& child_key,
                const YAML::Node& child_value) {
              return read_as(group, child, child_key, child_value);
            },
            problems);
        return true;
      };
  ReadNested(
      key, map, EntryKeyNames(fields),
      [&](const std::string& name, const std::string& sub, const YAML::Node& value) {
        return read_as("", name, sub, value);
      },
      problems);
}

template <typename T>
void CheckEntry(const std::string& key, const std::vector<EntryField<T>>& fields, const T& entry,
                Problems& problems) {
  for (const EntryField<T>& f : fields) {
    if (!f.check) continue;
    std::string problem = f.check(entry);
    if (!problem.empty()) problems.emplace_back(key + "." + std::string(f.name), problem);
  }
}

}  // namespace rex::config::entries
