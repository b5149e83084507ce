#include "config/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <regex>
#include <set>
#include <sstream>
#include <utility>
#include <variant>

#include "base/crypto.h"
#include "base/files.h"
#include "base/strings.h"
#include "base/utf8.h"
#include "base/yaml_depth.h"
#include "config/config_text.h"
#include "config/jobs_config.h"
#include "config/keys.h"
#include "config/loader.h"
#include "config/secrets_provider.h"
#include "config/services_config.h"
#include "config/storage_config.h"
#include "config/validate.h"

namespace rex::config {

using base::Result;
using base::Status;
using keys::ChildKeys;
using keys::Field;
using keys::Fields;
using keys::FindField;
using keys::FormatField;
using keys::FormatNumber;
using keys::IsGroup;
using keys::IsSecretField;
using keys::JoinPath;
using keys::kPulumiPrefix;
using keys::kSuppressKey;
using keys::ListRef;
using keys::OptionalBoolRef;
using keys::SecretRef;
using keys::StringRef;
using keys::YamlScalar;

// --- Secret

Secret Secret::Sealed() {
  Secret secret;
  secret.set_ = true;
  secret.sealed_ = true;
  return secret;
}

Secret::Secret(Secret&& other) noexcept
    : value_(std::move(other.value_)),
      set_(std::exchange(other.set_, false)),
      sealed_(std::exchange(other.sealed_, false)) {
  other.value_.clear();
}

Secret& Secret::operator=(const Secret& other) {
  if (this != &other) {
    std::fill(value_.begin(), value_.end(), '\0');
    value_ = other.value_;
    set_ = other.set_;
    sealed_ = other.sealed_;
  }
  return *this;
}

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    std::fill(value_.begin(), value_.end(), '\0');
    value_ = std::move(other.value_);
    set_ = std::exchange(other.set_, false);
    sealed_ = std::exchange(other.sealed_, false);
    other.value_.clear();
  }
  return *this;
}

Secret::~Secret() {
  // volatile so the wipe is not optimized away.
  volatile char* p = value_.data();
  for (size_t i = 0; i < value_.size(); ++i) p[i] = '\0';
}

std::ostream& operator<<(std::ostream& os, const Secret& secret) {
  return os << (secret.is_set() ? "[secret]" : "[not set]");
}

Env Env::FromProcess() {
  Env env;
  if (const char* value = std::getenv(std::string(kPassphraseEnvVar).c_str())) {
    env.config_passphrase = std::string(value);
  }
  return env;
}

namespace {

// --- messages

using text::Describe;
using text::Quote;

// --- scalar parsing: by text, so that Pulumi's quoted "2" and "true" are accepted

using text::ParseBool;
using text::ParseInt;
using text::ParseNumber;
using text::SplitWords;

// --- loading

std::string JoinErrors(const std::vector<std::string>& errors) { return base::Join(errors, "\n"); }

std::string SetSecretHint(std::string_view key) {
  return "run \"rex config set " + std::string(key) + " --secret\"";
}

// "v<digits>:..." as `rex config set --secret` writes it (any version, so a newer rex's value
// is recognised as rex's). Checked by hand: the value may be any length.
bool LooksLikeRexSecret(std::string_view text) {
  if (text.size() < 3 || text[0] != 'v') return false;
  size_t i = 1;
  while (i < text.size() && i <= 10 && text[i] >= '0' && text[i] <= '9') ++i;
  return i > 1 && i < text.size() && text[i] == ':';
}

// The most map keys and list items a config file may have (a full one has a few hundred).
constexpr size_t kMaxConfigKeys = 10000;
// The most problems reported for one file; the rest are counted.
constexpr size_t kMaxReportedProblems = 50;

// Map keys and list items in the document, counted up to kMaxConfigKeys + 1. The nesting is
// already bounded (CheckYamlBounds), so the recursion is shallow.
size_t CountKeys(const YAML::Node& node, size_t count = 0) {
  if (!node.IsMap() && !node.IsSequence()) return count;
  for (auto it = node.begin(); it != node.end() && count <= kMaxConfigKeys; ++it) {
    ++count;
    count = CountKeys(node.IsMap() ? it->second : *it, count);
  }
  return count;
}

class Loader {
 public:
  Loader(std::string_view source, const Env& env, bool decrypt)
      : source_(source), env_(env), decrypt_(decrypt) {}

  // Fills config_ from the document; problems go to errors_.
  void Load(std::string_view text) {
    if (auto refused = CheckYamlBounds(text, source_)) {
      errors_.push_back(*refused);
      return;
    }
    YAML::Node root;
    try {
      root = YAML::Load(std::string(text));
    } catch (const YAML::ParserException& e) {
      errors_.push_back(std::string(source_) + ":" + std::to_string(e.mark.line + 1) + ":" +
                        std::to_string(e.mark.column + 1) + ": invalid YAML: " + e.msg);
      return;
    } catch (const YAML::Exception& e) {
      errors_.push_back(std::string(source_) + ": invalid YAML: " + e.msg);
      return;
    }
    if (root.IsNull()) return;  // an empty file: every default
    if (CountKeys(root) > kMaxConfigKeys) {
      errors_.push_back(std::string(source_) + ": has more than " + std::to_string(kMaxConfigKeys) +
                        " keys and list items; a stack config file may have at most " +
                        std::to_string(kMaxConfigKeys));
      return;
    }
    if (!root.IsMap()) {
      errors_.push_back(std::string(source_) + ": expected a map of config keys, got " +
                        Describe(root));
      return;
    }
    const YAML::Node& const_root = root;  // const operator[] never inserts
    YAML::Node config = const_root["config"];
    if (config && config.IsMap()) {
      // A pasted Pulumi.<stack>.yaml: keys under "config:", Pulumi's own keys ignored.
      for (auto it = root.begin(); it != root.end(); ++it) {
        std::string key = it->first.Scalar();
        if (key == "config" || key == "encryptionsalt" || key == "secretsprovider" ||
            key == "encryptedkey") {
          continue;
        }
        Error(key,
              "unknown key; next to \"config:\" only Pulumi's encryptionsalt, "
              "secretsprovider and encryptedkey may appear");
      }
      LoadMap(config, "");
    } else {
      LoadMap(root, "");
    }
  }

  // Reads the secrets that Load collected; separate so that every key problem is reported even
  // when decryption is slow or impossible.
  void DecryptSecrets() {
    if (pending_secrets_.empty()) return;  // nothing to decrypt: no passphrase, no KMS call
    auto provider = ParseSecretsProvider(config_.secrets_provider);
    if (!provider.ok()) {
      // Validation reports the provider; the values are checked for shape only.
      for (auto& [field, text] : pending_secrets_) SealShapeOnly(field, text);
      return;
    }
    if (provider->has_value()) {
      DecryptWithDataKey(**provider);
      return;
    }
    const bool no_passphrase =
        !env_.config_passphrase.has_value() || env_.config_passphrase->empty();
    for (auto& [field, text] : pending_secrets_) {
      Secret& target = std::get<SecretRef>(field->ref)(config_);
      if (base::SecretVersion(text) == 3) {
        Error(field->key,
              "is sealed with a KMS data key (v3) but secretsProvider is "
              "\"passphrase\"; restore the file's secretsProvider and "
              "encryptedDataKey, or " +
                  SetSecretHint(field->key) + " to set it again");
        continue;
      }
      if (!decrypt_ || (no_passphrase && env_.allow_sealed)) {
        // Check the shape only; the value stays unknown (sealed).
        Result<std::string> salt = base::SecretSalt(text);
        if (!salt.ok()) {
          Error(field->key,
                salt.error().message() + "; " + SetSecretHint(field->key) + " to set it again");
        } else {
          target = Secret::Sealed();
        }
        continue;
      }
      if (no_passphrase) {
        Error(field->key, "is encrypted but " + std::string(kPassphraseEnvVar) +
                              " is not set; export the passphrase it was set with");
        continue;
      }
      Result<std::string> plain = base::DecryptSecret(
          text, *env_.config_passphrase, base::SecretBinding(StackOfSource(source_), field->key));
      if (plain.ok()) {
        target = Secret(std::move(plain).value());
        if (base::IsLegacySecret(text) && env_.warn) {
          env_.warn(std::string(source_) + ": " + std::string(field->key) +
                    ": stored in the old v1 secret format (not bound to its stack and key); "
                    "the next \"rex config set ... --secret\" on this file rewrites it as v2");
        }
      } else if (plain.error().code() == base::Code::kUnauthenticated) {
        Error(field->key, "cannot decrypt: wrong " + std::string(kPassphraseEnvVar) +
                              ", a corrupted value, or a value written for another key or stack "
                              "(secure values cannot be moved or swapped; " +
                              SetSecretHint(field->key) + " to set it again)");
      } else {
        Error(field->key,
              plain.error().message() + "; " + SetSecretHint(field->key) + " to set it again");
      }
    }
  }

  Config& config() { return config_; }
  std::vector<std::string>& errors() { return errors_; }
  // Why the data key of an awskms:// file could not be had (the hook's error, its code kept:
  // a denied key is not bad input); OK otherwise.
  const Status& data_key_error() const { return data_key_error_; }

 private:
  // Checks the shape of a secret's text only; its value stays unknown (sealed).
  void SealShapeOnly(const Field* field, const std::string& text) {
    Status shape = base::CheckSecretFormat(text);
    if (!shape.ok()) {
      Error(field->key, shape.message() + "; " + SetSecretHint(field->key) + " to set it again");
    } else {
      std::get<SecretRef>(field->ref)(config_) = Secret::Sealed();
    }
  }

  // secretsProvider awskms://: v3 values under the data key that env_.decrypt_data_key gives
  // for encryptedDataKey (asked once, only when a value is to be decrypted).
  void DecryptWithDataKey(const KmsProvider& provider) {
    const std::string named = "KMS key " + provider.key;
    bool mixed = false;
    for (auto& [field, text] : pending_secrets_) {
      if (base::SecretVersion(text) == 1 || base::SecretVersion(text) == 2) {
        mixed = true;
        Error(field->key, "is sealed with a passphrase (v" +
                              std::to_string(base::SecretVersion(text)) +
                              ") but secretsProvider is " + Quote(config_.secrets_provider) +
                              "; \"rex config change-secrets-provider\" re-seals every secret, "
                              "or " +
                              SetSecretHint(field->key) + " to set it again");
      }
    }
    if (mixed) return;
    const bool reach_kms = decrypt_ && static_cast<bool>(env_.decrypt_data_key);
    if (!reach_kms) {
      if (!decrypt_ || env_.allow_sealed) {
        for (auto& [field, text] : pending_secrets_) SealShapeOnly(field, text);
        return;
      }
      for (auto& [field, text] : pending_secrets_) {
        Error(field->key, "is sealed with a data key of " + named +
                              " and this command cannot ask KMS to decrypt it");
      }
      return;
    }
    if (config_.encrypted_data_key.empty() || !IsEncryptedDataKey(config_.encrypted_data_key)) {
      return;  // validation names encryptedDataKey
    }
    std::string kms_key = config_.secrets_provider.substr(kKmsScheme.size());
    Result<std::string> data_key = env_.decrypt_data_key(kms_key, config_.encrypted_data_key);
    if (!data_key.ok()) {
      data_key_error_ =
          Status(data_key.error().code(), std::string(source_) +
                                              ": encryptedDataKey: cannot decrypt it with " +
                                              named + ": " + data_key.error().message());
      return;
    }
    std::string stack = StackOfSource(source_);
    for (auto& [field, text] : pending_secrets_) {
      Result<std::string> plain =
          base::DecryptSecretWithDataKey(text, *data_key, base::DataKeyBinding(stack, field->key));
      if (plain.ok()) {
        std::get<SecretRef>(field->ref)(config_) = Secret(std::move(plain).value());
      } else if (plain.error().code() == base::Code::kUnauthenticated) {
        Error(field->key,
              "cannot decrypt with the data key of encryptedDataKey: a corrupted "
              "value, or a value written for another key, stack or data key (" +
                  SetSecretHint(field->key) + " to set it again)");
      } else {
        Error(field->key,
              plain.error().message() + "; " + SetSecretHint(field->key) + " to set it again");
      }
    }
    base::WipeString(*data_key);
  }

  void Error(std::string_view key, const std::string& message) {
    errors_.push_back(std::string(source_) + ": " + std::string(key) + ": " + message);
  }

  void LoadMap(const YAML::Node& map, const std::string& prefix) {
    for (auto it = map.begin(); it != map.end(); ++it) {
      if (!it->first.IsScalar()) {
        Error(prefix.empty() ? "(top level)" : prefix, "keys must be plain names");
        continue;
      }
      std::string raw = it->first.Scalar();
      std::string name = raw;
      if (prefix.empty()) {
        if (base::StartsWith(name, kPulumiPrefix)) {
          name = name.substr(kPulumiPrefix.size());
        } else if (name == "aws:region") {
          name = "region";
        }
      }
      std::string path = JoinPath(prefix, name);
      if (!seen_.insert(path).second) {
        Error(raw, "is set more than once");
        continue;
      }
      YAML::Node value = it->second;
      if (path == "services") {
        services::Problems problems;
        services::Load(value, config_.services, problems);
        for (const auto& [key, message] : problems) Error(key, message);
      } else if (path == "jobs" || path == "queues" || path == "buckets") {
        entries::Problems problems;
        if (path == "jobs") jobs::Load(value, config_.jobs, problems);
        if (path == "queues") storage::LoadQueues(value, config_.queues, problems);
        if (path == "buckets") storage::LoadBuckets(value, config_.buckets, problems);
        for (const auto& [key, message] : problems) Error(key, message);
      } else if (const Field* field = FindField(path)) {
        LoadLeaf(*field, value);
      } else if (path == kSuppressKey) {
        LoadSuppressions(value);
      } else if (IsGroup(path)) {
        if (value.IsNull()) continue;
        if (!value.IsMap()) {
          Error(path, "expected a map, got " + Describe(value));
          continue;
        }
        LoadMap(value, path);
      } else {
        UnknownKey(prefix, raw, name);
      }
    }
  }

  void UnknownKey(const std::string& prefix, const std::string& raw, const std::string& name) {
    std::string shown = prefix.empty() ? raw : JoinPath(prefix, raw);
    size_t colon = name.find(':');
    if (prefix.empty() && colon != std::string::npos) {
      std::string hint = base::ClosestMatch(name.substr(colon + 1), ChildKeys(""));
      Error(shown, "unknown key; only the \"rex-backend:\" prefix is accepted" +
                       (hint.empty() ? std::string() : "; did you mean \"" + hint + "\"?"));
      return;
    }
    // Compare the last names only: a long shared prefix would make any name look close.
    std::vector<std::string> children = ChildKeys(prefix);
    std::vector<std::string> leaves;
    for (const std::string& child : children) {
      leaves.push_back(prefix.empty() ? child : child.substr(prefix.size() + 1));
    }
    std::string hint = base::ClosestMatch(name, leaves);
    Error(shown, hint.empty() ? "unknown key"
                              : "unknown key; did you mean \"" + JoinPath(prefix, hint) + "\"?");
  }

  void LoadLeaf(const Field& field, const YAML::Node& value) {
    if (value.IsNull()) return;  // "key:" with nothing keeps the default
    std::string_view key = field.key;
    if (IsSecretField(field)) {
      LoadSecret(field, value);
      return;
    }
    if (std::holds_alternative<ListRef>(field.ref)) {
      std::vector<std::string>& list = std::get<ListRef>(field.ref)(config_);
      if (value.IsScalar()) {
        list = SplitWords(value.Scalar());
        return;
      }
      if (value.IsSequence()) {
        std::string problem;
        auto items = text::ScalarItems(value, &problem);
        if (!items) {
          Error(key, problem);
          return;
        }
        list = std::move(*items);
        return;
      }
      Error(key, "expected a list of strings or a string, got " + Describe(value));
      return;
    }
    if (!value.IsScalar()) {
      Error(key, std::string("expected ") + ExpectedWhat(field) + ", got " + Describe(value));
      return;
    }
    const std::string& text = value.Scalar();
    bool ok = std::visit(
        [&](auto ref) -> bool {
          auto& target = ref(config_);
          using T = std::decay_t<decltype(target)>;
          if constexpr (std::is_same_v<T, std::string>) {
            target = text;
            return true;
          } else if constexpr (std::is_same_v<T, int>) {
            std::optional<int> v = ParseInt(text);
            if (v) target = *v;
            return v.has_value();
          } else if constexpr (std::is_same_v<T, double>) {
            std::optional<double> v = ParseNumber(text);
            if (v) target = *v;
            return v.has_value();
          } else if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, std::optional<bool>>) {
            std::optional<bool> v = ParseBool(text);
            if (v) target = *v;
            return v.has_value();
          } else {
            return false;  // secrets and lists are handled above
          }
        },
        field.ref);
    if (!ok) Error(key, std::string("expected ") + ExpectedWhat(field) + ", got " + Quote(text));
  }

  static const char* ExpectedWhat(const Field& field) {
    switch (field.ref.index()) {
      case 0:
        return "a string";
      case 1:
        return "a whole number";
      case 2:
        return "a number";
      default:
        return "true or false";
    }
  }

  void LoadSecret(const Field& field, const YAML::Node& value) {
    std::string_view key = field.key;
    if (value.IsScalar()) {
      // Never echo the value: it is a secret in clear.
      Error(key,
            "plaintext secrets are not allowed; " + SetSecretHint(key) + " to store it encrypted");
      return;
    }
    YAML::Node secure = value.IsMap() ? value["secure"] : YAML::Node();
    if (!value.IsMap() || value.size() != 1 || !secure || !secure.IsScalar()) {
      Error(key, "expected {secure: \"v2:...\"} as written by \"rex config set " +
                     std::string(key) + " --secret\"");
      return;
    }
    const std::string& text = secure.Scalar();
    if (!LooksLikeRexSecret(text)) {
      Error(key, "the value was not encrypted by rex (Pulumi's secure values cannot be read); " +
                     SetSecretHint(key) + " to set it again");
      return;
    }
    pending_secrets_.emplace_back(&field, text);
  }

  void LoadSuppressions(const YAML::Node& value) {
    if (value.IsNull()) return;
    if (!value.IsSequence()) {
      Error(kSuppressKey, "expected a list of {rule, resource, reason}, got " + Describe(value));
      return;
    }
    std::vector<CheckSuppression> out;
    int index = 0;
    for (const YAML::Node& item : value) {
      std::string path = std::string(kSuppressKey) + "[" + std::to_string(index++) + "]";
      if (!item.IsMap()) {
        Error(path, "expected a map with rule, resource and reason, got " + Describe(item));
        continue;
      }
      CheckSuppression s;
      bool ok = true;
      for (auto it = item.begin(); it != item.end(); ++it) {
        std::string name = it->first.Scalar();
        std::string* target = name == "rule"       ? &s.rule
                              : name == "resource" ? &s.resource
                              : name == "reason"   ? &s.reason
                                                   : nullptr;
        if (target == nullptr) {
          std::string hint = base::ClosestMatch(name, {"rule", "resource", "reason"});
          Error(path + "." + name, hint.empty() ? "unknown key; use rule, resource and reason"
                                                : "unknown key; did you mean \"" + hint + "\"?");
          ok = false;
          continue;
        }
        if (!it->second.IsScalar()) {
          Error(path + "." + name, "expected a string, got " + Describe(it->second));
          ok = false;
          continue;
        }
        *target = it->second.Scalar();
      }
      if (ok) out.push_back(std::move(s));
    }
    config_.checks.suppress = std::move(out);
  }

  std::string_view source_;
  const Env& env_;
  bool decrypt_;
  Config config_;
  std::vector<std::string> errors_;
  std::set<std::string> seen_;
  std::vector<std::pair<const Field*, std::string>> pending_secrets_;
  Status data_key_error_;
};

}  // namespace

// --- what the loader shares with the editor (config/loader.h)

// The stack a config source belongs to, for binding secrets: the file name's stem
// ("stacks/dev.yaml" -> "dev").
std::string StackOfSource(std::string_view source) {
  size_t slash = source.find_last_of('/');
  std::string_view name = slash == std::string_view::npos ? source : source.substr(slash + 1);
  for (std::string_view ext : {".yaml", ".yml"}) {
    if (name.size() > ext.size() && name.substr(name.size() - ext.size()) == ext) {
      return std::string(name.substr(0, name.size() - ext.size()));
    }
  }
  return std::string(name);
}

// The size and nesting a stack config file may have: yaml-cpp's parser recurses once per
// level, so the nesting is measured on the text (base::ScanYamlDepth) before yaml-cpp sees it.
// The text must be UTF-8 too (its values end up in JSON, whose writer throws on other bytes).
constexpr size_t kMaxConfigBytes = size_t{1} << 20;
constexpr int kMaxConfigDepth = 64;

// Why `text` is refused before parsing ("<source>: ..."), or nothing.
std::optional<std::string> CheckYamlBounds(std::string_view text, std::string_view source) {
  if (text.size() > kMaxConfigBytes) {
    return std::string(source) + ": is " + std::to_string(text.size()) +
           " bytes; a stack config file may have at most " + std::to_string(kMaxConfigBytes);
  }
  if (auto bad = base::FindInvalidUtf8(text)) {
    return std::string(source) + ": is not UTF-8 (at byte " + std::to_string(*bad) + ")";
  }
  int line = 0;
  if (base::ScanYamlDepth(text, kMaxConfigDepth, &line) > kMaxConfigDepth) {
    return std::string(source) + ":" + std::to_string(line) + ": nested deeper than " +
           std::to_string(kMaxConfigDepth) + " levels; a stack config file is a map of keys";
  }
  return std::nullopt;
}

// Loads without validating values; `decrypt` false checks secrets' shape only.
Result<Config> LoadText(std::string_view text, std::string_view source, const Env& env,
                        bool decrypt) {
  Loader loader(source, env, decrypt);
  loader.Load(text);
  loader.DecryptSecrets();
  std::vector<std::string> errors = std::move(loader.errors());
  // Keys that failed to load kept their (valid) defaults, so these lines are about the others;
  // after a syntax error everything is a default and nothing is added.
  std::vector<std::string> more = ValidationErrors(loader.config(), source);
  errors.insert(errors.end(), more.begin(), more.end());
  if (errors.size() > kMaxReportedProblems) {
    size_t rest = errors.size() - kMaxReportedProblems;
    errors.resize(kMaxReportedProblems);
    errors.push_back(std::string(source) + ": and " + std::to_string(rest) + " more problem" +
                     (rest == 1 ? "" : "s") + " (fix these first)");
  }
  if (!loader.data_key_error().ok()) {
    // The data key's failure keeps its code (a key denied by IAM is exit 1, not bad input).
    errors.insert(errors.begin(), loader.data_key_error().message());
    return Status(loader.data_key_error().code(), JoinErrors(errors));
  }
  if (!errors.empty()) return base::InvalidArgument(JoinErrors(errors));
  return std::move(loader.config());
}

// --- public

Result<Config> LoadConfig(std::string_view yaml_text, std::string_view source_name,
                          const Env& env) {
  return LoadText(yaml_text, source_name, env, /*decrypt=*/true);
}

Result<Config> LoadConfigFile(const std::string& path, const Env& env) {
  REX_ASSIGN_OR_RETURN(std::string text, base::ReadFile(path));
  return LoadConfig(text, path, env);
}

std::vector<std::string> ConfigKeys() {
  std::vector<std::string> keys;
  for (const Field& f : Fields()) keys.emplace_back(f.key);
  return keys;
}

bool IsSecretKey(std::string_view key) {
  if (base::StartsWith(key, kPulumiPrefix)) key.remove_prefix(kPulumiPrefix.size());
  const Field* f = FindField(key);
  return f != nullptr && IsSecretField(*f);
}

std::string SecretProblem(std::string_view key, std::string_view plaintext) {
  if (base::StartsWith(key, kPulumiPrefix)) key.remove_prefix(kPulumiPrefix.size());
  const Field* f = FindField(key);
  if (f == nullptr || !IsSecretField(*f) || !f->rule.secret_problem) return "";
  std::string problem = f->rule.secret_problem(plaintext);
  if (problem.empty()) return "";
  return std::string(f->key) + ": " + problem + "; use " + f->rule.allowed;
}

Status RequireUnsealedSecrets(const Config& config) {
  std::vector<std::string> sealed;
  for (const Field& f : Fields()) {
    if (IsSecretField(f) && std::get<SecretRef>(f.ref)(const_cast<Config&>(config)).is_sealed()) {
      sealed.emplace_back(f.key);
    }
  }
  if (sealed.empty()) return Status::Ok();
  if (config.secrets_provider != kPassphraseProvider) {
    return base::InvalidArgument(
        base::Join(sealed, ", ") + (sealed.size() == 1 ? " is" : " are") +
        " sealed with a data key of " + config.secrets_provider +
        " that was not decrypted; commands that hand secrets to AWS need kms:Decrypt on that key");
  }
  return base::InvalidArgument(base::Join(sealed, ", ") + (sealed.size() == 1 ? " is" : " are") +
                               " encrypted but " + std::string(kPassphraseEnvVar) +
                               " is not set; commands that hand secrets to AWS need it: export "
                               "the passphrase the secrets were set with");
}

std::string ToString(const Config& config) {
  std::string out;
  for (const Field& f : Fields()) {
    out += std::string(f.key) + ": " + FormatField(f, config, /*quote_strings=*/true) + "\n";
  }
  for (size_t i = 0; i < config.checks.suppress.size(); ++i) {
    const CheckSuppression& s = config.checks.suppress[i];
    out += std::string(kSuppressKey) + "[" + std::to_string(i) + "]: rule " +
           text::QuoteAll(s.rule) + ", resource " + text::QuoteAll(s.resource) + ", reason " +
           text::QuoteAll(s.reason) + "\n";
  }
  return out;
}

std::ostream& operator<<(std::ostream& os, const Config& config) { return os << ToString(config); }

namespace {

// `text` as "# " comment lines of at most 100 columns at `indent`.
std::string CommentLines(std::string_view text, size_t indent) {
  std::string out;
  std::string line;
  for (const std::string& word : SplitWords(text)) {
    if (!line.empty() && indent + 2 + line.size() + 1 + word.size() > 100) {
      out += std::string(indent, ' ') + "# " + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) out += std::string(indent, ' ') + "# " + line + "\n";
  return out;
}

std::string YamlValue(const Field& f, const Config& config) {
  if (const auto* ref = std::get_if<StringRef>(&f.ref)) {
    return YamlScalar((*ref)(const_cast<Config&>(config)));
  }
  if (const auto* ref = std::get_if<ListRef>(&f.ref)) {
    const std::vector<std::string>& items = (*ref)(const_cast<Config&>(config));
    std::string out = "[";
    for (size_t i = 0; i < items.size(); ++i) {
      out += (i > 0 ? ", " : "") + text::QuoteAll(items[i]);
    }
    return out + "]";
  }
  return FormatField(f, config, /*quote_strings=*/false);
}

}  // namespace

std::string ConfigToYaml(const Config& config) {
  std::string out;
  std::vector<std::string> open;  // groups currently open, outermost first
  for (const Field& f : Fields()) {
    std::vector<std::string> parts = base::Split(f.key, '.');
    std::string leaf = parts.back();
    parts.pop_back();
    size_t common = 0;
    while (common < open.size() && common < parts.size() && open[common] == parts[common]) {
      ++common;
    }
    open.resize(common);
    if (!f.section.empty()) {
      out += "\n# --- " + std::string(f.section) + "\n";
    }
    for (size_t i = common; i < parts.size(); ++i) {
      out += std::string(2 * i, ' ') + parts[i] + ":\n";
      open.push_back(parts[i]);
    }
    std::string indent(2 * parts.size(), ' ');
    out += CommentLines(keys::Comment(f), indent.size());
    if (IsSecretField(f)) {
      out +=
          indent + "# " + leaf + ": set with: rex config set " + std::string(f.key) + " --secret\n";
    } else if (f.key == "encryptedDataKey" && config.encrypted_data_key.empty()) {
      out += indent + "# " + leaf + ": written by rex config change-secrets-provider\n";
    } else if (const auto* ref = std::get_if<OptionalBoolRef>(&f.ref);
               ref != nullptr && !(*ref)(const_cast<Config&>(config)).has_value()) {
      out += indent + "# " + leaf + ": true\n";
    } else {
      out += indent + leaf + ": " + YamlValue(f, config) + "\n";
    }
    if (f.key == "services.supertokens.imageTag") {
      // Services added in the file follow the built-in ones.
      out += services::ExtraEntriesYaml(config.services);
    }
  }
  out += jobs::ToYaml(config.jobs) + storage::ToYaml(config.queues, config.buckets);
  out += "\n# --- rex check\n";
  out += "# Accepted findings: {rule, resource (optional), reason (required)}.\n";
  out += "checks:\n";
  if (config.checks.suppress.empty()) {
    out += "  suppress: []\n";
  } else {
    out += "  suppress:\n";
    for (const CheckSuppression& s : config.checks.suppress) {
      out += "    - rule: " + YamlScalar(s.rule) + "\n";
      if (!s.resource.empty()) out += "      resource: " + YamlScalar(s.resource) + "\n";
      out += "      reason: " + YamlScalar(s.reason) + "\n";
    }
  }
  // The first section heading starts with a newline; the file does not.
  if (!out.empty() && out[0] == '\n') out.erase(0, 1);
  return out;
}

}  // namespace rex::config
