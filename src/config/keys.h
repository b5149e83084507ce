#pragma once

// The key table of the stack config: one row per leaf key, in file order. A row says where the
// value lives in Config, the heading and comment `rex init` writes above it, and the rule: what
// is allowed, as the text that comments and error messages quote and as the check validation
// applies. Each key's rule is written once, here; rules that relate two keys (dbMinCapacity at
// most dbMaxCapacity, hostedZoneId needs domainName, ...) are in config/validate.cc.
//
// Internal to src/config/ (config.cc loads and edits through it, validate.cc checks with it);
// the public surface is config/config.h.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/config.h"

namespace rex::config::keys {

using StringRef = std::string& (*)(Config&);
using IntRef = int& (*)(Config&);
using NumberRef = double& (*)(Config&);
using BoolRef = bool& (*)(Config&);
using OptionalBoolRef = std::optional<bool>& (*)(Config&);
using SecretRef = Secret& (*)(Config&);
using ListRef = std::vector<std::string>& (*)(Config&);
using FieldRef =
    std::variant<StringRef, IntRef, NumberRef, BoolRef, OptionalBoolRef, SecretRef, ListRef>;

// A read-only view of one key's value, the alternative matching FieldRef's.
using FieldValue =
    std::variant<const std::string*, const int*, const double*, const bool*,
                 const std::optional<bool>*, const Secret*, const std::vector<std::string>*>;

// What a key allows. `allowed` follows "use" in errors and "Allowed:" in comments ("1 to 35
// days"); `accepts` checks a value. A rule without `accepts` allows every value of the key's
// type (booleans). A secret's rule also has `secret_problem`: what is wrong with a plaintext
// ("has 5 characters"), "" when allowed, never quoting it (config::SecretProblem).
struct Rule {
  std::string allowed = "";
  std::function<bool(const FieldValue&)> accepts = {};
  std::function<std::string(std::string_view)> secret_problem = {};
};

// Whole numbers from lo to hi; `unit` follows the range in the text ("days").
Rule IntRange(int lo, int hi, std::string_view unit = "");
// One of `values`; `allowed` says what they mean.
Rule IntOneOf(std::vector<int> values, std::string allowed);
// Numbers from lo to hi in steps of `step`.
Rule NumberRange(double lo, double hi, double step, std::string_view unit);
// Strings `accepts` takes; with `empty_ok` the empty string (the key's "none") too.
Rule Text(std::string allowed, bool (*accepts)(const std::string&), bool empty_ok = false);
// A list with at least one item.
Rule NonEmptyList(std::string allowed);
// A secret whose plaintext `problem` checks; unset and sealed secrets are accepted (a sealed
// value was checked when it was set).
Rule SecretText(std::string allowed, std::string (*problem)(std::string_view));

struct Field {
  std::string_view key;      // dotted YAML path
  FieldRef ref;              // the Config member
  std::string_view section;  // a heading written before this key by ConfigToYaml, or ""
  std::string_view doc;      // what the key does (the comment adds what is allowed)
  Rule rule;
};

// Every key, in file order.
const std::vector<Field>& Fields();
// The row of a dotted key, or nullptr.
const Field* FindField(std::string_view key);
bool IsSecretField(const Field& f);
// The value of `f` in `config`.
FieldValue ValueOf(const Field& f, const Config& config);
// The comment ConfigToYaml writes above the key: its doc, then "Allowed: ..." when it has a rule.
std::string Comment(const Field& f);

// The Pulumi project prefix a top-level key may carry, and the one list-valued key.
inline constexpr std::string_view kPulumiPrefix = "rex-backend:";
inline constexpr std::string_view kSuppressKey = "checks.suppress";

// True if `path` is a map of keys: "services", "services.api", "autoscaling", "checks".
bool IsGroup(std::string_view path);
// Full paths of the keys directly under `prefix` ("" for the top level).
std::vector<std::string> ChildKeys(std::string_view prefix);
std::string JoinPath(std::string_view prefix, std::string_view name);

// Values as listings and messages show them.
std::string FormatNumber(double v);
std::string FormatList(const std::vector<std::string>& items);
// Strings quoted when `quote_strings`; secrets "[secret]" or "[not set]", never the value.
std::string FormatField(const Field& f, const Config& config, bool quote_strings);
// A string as a YAML scalar: plain when that reads back as the same string, else quoted.
std::string YamlScalar(const std::string& value);

}  // namespace rex::config::keys
