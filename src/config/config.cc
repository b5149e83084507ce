#include "stack/config.h"

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
#include "stack/config_text.h"
#include "stack/services_config.h"

namespace rex::stack {

using base::Result;
using base::Status;

// --- Secret

Secret::Secret(Secret&& other) noexcept
    : value_(std::move(other.value_)), set_(std::exchange(other.set_, false)) {
  other.value_.clear();
}

Secret& Secret::operator=(const Secret& other) {
  if (this != &other) {
    std::fill(value_.begin(), value_.end(), '\0');
    value_ = other.value_;
    set_ = other.set_;
  }
  return *this;
}

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    std::fill(value_.begin(), value_.end(), '\0');
    value_ = std::move(other.value_);
    set_ = std::exchange(other.set_, false);
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

// --- the key table: one row per leaf key, in file order

using StringRef = std::string& (*)(Config&);
using IntRef = int& (*)(Config&);
using NumberRef = double& (*)(Config&);
using BoolRef = bool& (*)(Config&);
using OptionalBoolRef = std::optional<bool>& (*)(Config&);
using SecretRef = Secret& (*)(Config&);
using ListRef = std::vector<std::string>& (*)(Config&);
using FieldRef =
    std::variant<StringRef, IntRef, NumberRef, BoolRef, OptionalBoolRef, SecretRef, ListRef>;

struct Field {
  std::string_view key;      // dotted YAML path
  FieldRef ref;              // the Config member
  std::string_view section;  // a heading written before this key by ConfigToYaml, or ""
  std::string_view doc;      // the comment written above the key by ConfigToYaml
};

#define REX_FIELD(key, member, section, doc)                                   \
  Field {                                                                      \
    key, FieldRef(+[](Config & c) -> auto& { return c.member; }), section, doc \
  }

const std::vector<Field>& Fields() {
  static const std::vector<Field> fields = {
      REX_FIELD("projectName", project_name, "Naming",
                "Prefix of every resource name: 1-20 lowercase letters, digits, hyphens."),
      REX_FIELD("environment", environment, "",
                "dev, staging, prod, ...: 1-10 lowercase letters, digits, hyphens. Resource "
                "names are <projectName>-<environment>-<part>."),
      REX_FIELD("region", region, "", "AWS region of the stack."),
      REX_FIELD("vpcCidr", vpc_cidr, "Networking",
                "VPC range: private (10/8, 172.16/12, 192.168/16), prefix /16 to /24."),
      REX_FIELD("natGateways", nat_gateways, "",
                "1 (one shared, cheap) or 2 (one per availability zone, survives an AZ "
                "outage)."),
      REX_FIELD("enableFlowLogs", enable_flow_logs, "", "VPC flow logs to CloudWatch Logs."),
      REX_FIELD("enableS3Endpoint", enable_s3_endpoint, "",
                "S3 gateway endpoint (free) so image layers do not pass the NAT."),
      REX_FIELD("dbEngineVersion", db_engine_version, "Database (Aurora Serverless v2)",
                "aurora-postgresql version; rex check warns when AWS no longer accepts it."),
      REX_FIELD("dbMinCapacity", db_min_capacity, "",
                "Fewest ACU: 0 to 256 in steps of 0.5 (0 pauses when idle, on engine "
                "versions that support it)."),
      REX_FIELD("dbMaxCapacity", db_max_capacity, "", "Most ACU: 1 to 256 in steps of 0.5."),
      REX_FIELD("backupRetentionDays", backup_retention_days, "",
                "Days of automated backups: 1 to 35."),
      REX_FIELD("dbMasterPassword", db_master_password, "",
                "Secret. Unset: AWS generates it in Secrets Manager."),
      REX_FIELD("dbDeletionProtection", db_deletion_protection, "",
                "Deletion protection and a final snapshot. Unset: on outside dev."),
      REX_FIELD("redisNodeType", redis_node_type, "Cache (ElastiCache Redis 7)",
                "Node type, cache.<family>.<size>."),
      REX_FIELD("redisNumReplicas", redis_num_replicas, "",
                "Read replicas, 0 to 5; 1 or more turns on automatic failover."),
      REX_FIELD("redisTransitEncryption", redis_transit_encryption, "",
                "TLS between the services and Redis."),
      REX_FIELD("redisSnapshotRetentionDays", redis_snapshot_retention_days, "",
                "Days of automatic snapshots: 1 to 35."),
      REX_FIELD("services.api.desiredCount", services.at("api").desired_count,
                "Compute (ECS Fargate)", "Tasks: 0 to 100."),
      REX_FIELD("services.api.cpu", services.at("api").cpu, "",
                "CPU units: 256, 512, 1024, 2048, 4096, 8192 or 16384."),
      REX_FIELD("services.api.memory", services.at("api").memory, "",
                "MiB, a Fargate pairing with cpu (512 CPU: 1024 to 4096)."),
      REX_FIELD("services.api.imageTag", services.at("api").image_tag, "",
                "Tag in the api ECR repository."),
      REX_FIELD("services.worker.desiredCount", services.at("worker").desired_count, "", ""),
      REX_FIELD("services.worker.cpu", services.at("worker").cpu, "", ""),
      REX_FIELD("services.worker.memory", services.at("worker").memory, "", ""),
      REX_FIELD("services.worker.imageTag", services.at("worker").image_tag, "",
                "Tag in the worker ECR repository."),
      REX_FIELD("services.supertokens.desiredCount", services.at("supertokens").desired_count, "",
                ""),
      REX_FIELD("services.supertokens.cpu", services.at("supertokens").cpu, "", ""),
      REX_FIELD("services.supertokens.memory", services.at("supertokens").memory, "", ""),
      REX_FIELD("services.supertokens.imageTag", services.at("supertokens").image_tag, "",
                "Tag of supertokensImage."),
      REX_FIELD("autoscaling.enabled", autoscaling.enabled, "",
                "Target-tracking auto scaling of the api service on CPU."),
      REX_FIELD("autoscaling.minCount", autoscaling.min_count, "", "Fewest api tasks: 1 to 100."),
      REX_FIELD("autoscaling.maxCount", autoscaling.max_count, "",
                "Most api tasks: minCount to 100."),
      REX_FIELD("autoscaling.targetCpuPercent", autoscaling.target_cpu_percent, "",
                "Average CPU to aim for: 10 to 90."),
      REX_FIELD("migrationCommand", migration_command, "",
                "Command of the migration task (api image)."),
      REX_FIELD("supertokensApiKey", supertokens_api_key, "",
                "Secret. Unset: AWS generates it in Secrets Manager."),
      REX_FIELD("supertokensImage", supertokens_image, "",
                "SuperTokens image without tag (tag: services.supertokens.imageTag)."),
      REX_FIELD("githubRepo", github_repo, "Frontend (AWS Amplify)",
                "https URL of the frontend repository; empty: no Amplify app."),
      REX_FIELD("githubBranch", github_branch, "", "Branch Amplify builds on every push."),
      REX_FIELD("githubToken", github_token, "", "Secret. Needed for private repositories only."),
      REX_FIELD("frontendDomain", frontend_domain, "",
                "Custom domain of the Amplify app; empty: the amplifyapp.com URL."),
      REX_FIELD("domainName", domain_name, "Load balancer and DNS",
                "Domain of the API; empty: the ALB's DNS name."),
      REX_FIELD("hostedZoneId", hosted_zone_id, "",
                "Route 53 zone for an alias record to the ALB (needs domainName)."),
      REX_FIELD("certificateArn", certificate_arn, "",
                "ACM certificate in the stack's region; set: HTTPS, and HTTP redirects."),
      REX_FIELD("enableWaf", enable_waf, "", "WAF web ACL with AWS managed rules."),
      REX_FIELD("wafRateLimit", waf_rate_limit, "",
                "Requests per 5 minutes per IP before WAF blocks: 10 to 2000000000."),
      REX_FIELD("logRetentionDays", log_retention_days, "Monitoring",
                "1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, "
                "2192, 2557, 2922, 3288 or 3653."),
      REX_FIELD("enableAlarms", enable_alarms, "",
                "CloudWatch alarms (CPU, memory, 5xx, unhealthy targets, DB connections, cache "
                "memory) to an SNS topic."),
      REX_FIELD("alertEmail", alert_email, "",
                "Email subscribed to the alarm topic (needs enableAlarms)."),
  };
  return fields;
}

#undef REX_FIELD

constexpr std::string_view kPulumiPrefix = "rex-backend:";
constexpr std::string_view kSuppressKey = "checks.suppress";

const Field* FindField(std::string_view key) {
  for (const Field& f : Fields()) {
    if (f.key == key) return &f;
  }
  return nullptr;
}

bool IsSecretField(const Field& f) { return std::holds_alternative<SecretRef>(f.ref); }

// True if `path` is a map of keys: "services", "services.api", "autoscaling", "checks".
bool IsGroup(std::string_view path) {
  if (path == "checks") return true;
  for (const Field& f : Fields()) {
    if (f.key.size() > path.size() && base::StartsWith(f.key, path) && f.key[path.size()] == '.') {
      return true;
    }
  }
  return false;
}

// Full paths of the keys directly under `prefix` ("" for the top level).
std::vector<std::string> ChildKeys(std::string_view prefix) {
  std::vector<std::string> out;
  auto add = [&](std::string_view key) {
    if (!prefix.empty()) {
      if (key.size() <= prefix.size() + 1 || !base::StartsWith(key, prefix) ||
          key[prefix.size()] != '.') {
        return;
      }
    }
    size_t start = prefix.empty() ? 0 : prefix.size() + 1;
    size_t dot = key.find('.', start);
    std::string child(key.substr(0, dot));
    if (std::find(out.begin(), out.end(), child) == out.end()) out.push_back(child);
  };
  for (const Field& f : Fields()) add(f.key);
  add(kSuppressKey);
  return out;
}

std::string JoinPath(std::string_view prefix, std::string_view name) {
  return prefix.empty() ? std::string(name) : std::string(prefix) + "." + std::string(name);
}

// --- formatting of values in messages and listings

using config_text::Quote;

std::string FormatNumber(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return std::to_string(static_cast<int64_t>(v));
  char buf[64] = {};
  // Shortest text that reads back as the same double.
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

std::string FormatList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += Quote(items[i]);
  }
  return out + "]";
}

// The value of a field for listings: strings quoted when `quote_strings`, secrets redacted.
std::string FormatField(const Field& f, const Config& config, bool quote_strings) {
  Config& c = const_cast<Config&>(config);  // the table's accessors are shared with the loader
  return std::visit(
      [&](auto ref) -> std::string {
        auto& v = ref(c);
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) {
          return quote_strings ? Quote(v) : v;
        } else if constexpr (std::is_same_v<T, int>) {
          return std::to_string(v);
        } else if constexpr (std::is_same_v<T, double>) {
          return FormatNumber(v);
        } else if constexpr (std::is_same_v<T, bool>) {
          return v ? "true" : "false";
        } else if constexpr (std::is_same_v<T, std::optional<bool>>) {
          if (!v.has_value()) return "unset";
          return *v ? "true" : "false";
        } else if constexpr (std::is_same_v<T, Secret>) {
          return v.is_set() ? "[secret]" : "[not set]";
        } else {
          return FormatList(v);
        }
      },
      f.ref);
}

using config_text::Describe;

// --- scalar parsing: by text, so that Pulumi's quoted "2" and "true" are accepted

using config_text::ParseBool;
using config_text::ParseInt;
using config_text::ParseNumber;
using config_text::SplitWords;

// --- loading

std::string JoinErrors(const std::vector<std::string>& errors) { return base::Join(errors, "\n"); }

std::string SetSecretHint(std::string_view key) {
  return "run \"rex config set " + std::string(key) + " --secret\"";
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

// "v<digits>:..." as `rex config set --secret` writes it (any version, so a newer rex's value
// is recognised as rex's). Checked by hand: the value may be any length.
bool LooksLikeRexSecret(std::string_view text) {
  if (text.size() < 3 || text[0] != 'v') return false;
  size_t i = 1;
  while (i < text.size() && i <= 10 && text[i] >= '0' && text[i] <= '9') ++i;
  return i > 1 && i < text.size() && text[i] == ':';
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
    for (auto& [field, text] : pending_secrets_) {
      Secret& target = std::get<SecretRef>(field->ref)(config_);
      if (!decrypt_) {
        // Edit validation: check the shape only; the value stays unknown.
        Result<std::string> salt = base::SecretSalt(text);
        if (!salt.ok()) {
          Error(field->key,
                salt.error().message() + "; " + SetSecretHint(field->key) + " to set it again");
        } else {
          target = Secret(std::string());
        }
        continue;
      }
      if (!env_.config_passphrase.has_value() || env_.config_passphrase->empty()) {
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

 private:
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
        services_config::Problems problems;
        services_config::Load(value, config_.services, problems);
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
        auto items = config_text::ScalarItems(value, &problem);
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
};

// --- validation

// The longest value Matches hands to std::regex, whose matcher recurses once per character:
// every pattern below describes a value far shorter, and a longer one does not match.
constexpr size_t kMaxMatchedLength = 512;

bool Matches(const std::string& text, const char* pattern) {
  if (text.size() > kMaxMatchedLength) return false;
  return std::regex_match(text, std::regex(pattern));
}

struct Ipv4Cidr {
  uint32_t address = 0;
  int prefix = 0;
};

std::optional<Ipv4Cidr> ParseCidr(std::string_view text) {
  std::smatch m;
  std::string s(text);
  if (s.size() > 18) return std::nullopt;  // "255.255.255.255/32"; std::regex recurses per char
  if (!std::regex_match(s, m,
                        std::regex(R"((\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})/(\d{1,2}))"))) {
    return std::nullopt;
  }
  Ipv4Cidr cidr;
  for (int i = 1; i <= 4; ++i) {
    int octet = std::stoi(m[i].str());
    if (octet > 255) return std::nullopt;
    cidr.address = (cidr.address << 8) | static_cast<uint32_t>(octet);
  }
  cidr.prefix = std::stoi(m[5].str());
  if (cidr.prefix > 32) return std::nullopt;
  return cidr;
}

std::string FormatAddress(uint32_t a) {
  return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." +
         std::to_string((a >> 8) & 255) + "." + std::to_string(a & 255);
}

bool InsideBlock(const Ipv4Cidr& cidr, uint32_t base, int prefix) {
  if (cidr.prefix < prefix) return false;
  uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
  return (cidr.address & mask) == base;
}

constexpr int kLogRetentionDays[] = {1,   3,   5,   7,   14,   30,   60,   90,   120,  150,  180,
                                     365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653};

class Validator {
 public:
  Validator(const Config& config, std::string_view source) : c_(config), source_(source) {}

  std::vector<std::string> Run() {
    Naming();
    Networking();
    Database();
    Cache();
    Compute();
    Frontend();
    LoadBalancer();
    Monitoring();
    Checks();
    return std::move(errors_);
  }

 private:
  void Error(std::string_view key, const std::string& message) {
    errors_.push_back(std::string(source_) + ": " + std::string(key) + ": " + message);
  }
  void NotAllowed(std::string_view key, const std::string& shown, const std::string& allowed) {
    Error(key, shown + " is not allowed: " + allowed);
  }
  void IntRange(std::string_view key, int v, int lo, int hi, const std::string& unit = "") {
    if (v < lo || v > hi) {
      NotAllowed(key, std::to_string(v),
                 "use " + std::to_string(lo) + " to " + std::to_string(hi) + unit);
    }
  }

  void Naming() {
    if (c_.project_name.empty() || c_.project_name.size() > 20 ||
        !Matches(c_.project_name, "[a-z]([a-z0-9-]*[a-z0-9])?")) {
      NotAllowed("projectName", Quote(c_.project_name),
                 "use 1 to 20 lowercase letters, digits and hyphens, starting with a letter");
    }
    if (c_.environment.empty() || c_.environment.size() > 10 ||
        !Matches(c_.environment, "[a-z]([a-z0-9-]*[a-z0-9])?")) {
      NotAllowed("environment", Quote(c_.environment),
                 "use 1 to 10 lowercase letters, digits and hyphens, starting with a letter");
    }
    std::string stem = c_.project_name + "-" + c_.environment;
    if (stem.size() > 20 && c_.project_name.size() <= 20 && c_.environment.size() <= 10) {
      Error("projectName", Quote(stem) + " (projectName-environment) has " +
                               std::to_string(stem.size()) +
                               " characters; at most 20 are allowed so names like \"" + stem +
                               "-supertokens\" fit AWS's 32-character limit");
    }
    if (!Matches(c_.region, "[a-z]{2}(-[a-z]+)+-[0-9]{1,2}")) {
      NotAllowed("region", Quote(c_.region), "use an AWS region name such as \"us-east-1\"");
    }
  }

  void Networking() {
    std::optional<Ipv4Cidr> cidr = ParseCidr(c_.vpc_cidr);
    bool is_private =
        cidr && (InsideBlock(*cidr, 0x0A000000, 8) || InsideBlock(*cidr, 0xAC100000, 12) ||
                 InsideBlock(*cidr, 0xC0A80000, 16));
    if (!cidr || !is_private || cidr->prefix < 16 || cidr->prefix > 24) {
      NotAllowed("vpcCidr", Quote(c_.vpc_cidr),
                 "use a private range (10/8, 172.16/12, 192.168/16) with a prefix from /16 to "
                 "/24");
    } else {
      uint32_t mask = ~uint32_t{0} << (32 - cidr->prefix);
      if ((cidr->address & ~mask) != 0) {
        NotAllowed("vpcCidr", Quote(c_.vpc_cidr),
                   "the address has host bits set; use \"" + FormatAddress(cidr->address & mask) +
                       "/" + std::to_string(cidr->prefix) + "\"");
      }
    }
    if (c_.nat_gateways != 1 && c_.nat_gateways != 2) {
      NotAllowed("natGateways", std::to_string(c_.nat_gateways),
                 "use 1 (one shared NAT gateway) or 2 (one per availability zone)");
    }
  }

  static bool HalfSteps(double v) { return std::floor(v * 2) == v * 2; }

  void Database() {
    if (!Matches(c_.db_engine_version, "[0-9]+(\\.[0-9]+){0,2}")) {
      NotAllowed("dbEngineVersion", Quote(c_.db_engine_version),
                 "use an aurora-postgresql version such as \"15.17\"");
    }
    bool min_ok =
        c_.db_min_capacity >= 0 && c_.db_min_capacity <= 256 && HalfSteps(c_.db_min_capacity);
    bool max_ok =
        c_.db_max_capacity >= 1 && c_.db_max_capacity <= 256 && HalfSteps(c_.db_max_capacity);
    if (!min_ok) {
      NotAllowed("dbMinCapacity", FormatNumber(c_.db_min_capacity),
                 "use 0 to 256 ACU in steps of 0.5");
    }
    if (!max_ok) {
      NotAllowed("dbMaxCapacity", FormatNumber(c_.db_max_capacity),
                 "use 1 to 256 ACU in steps of 0.5");
    }
    if (min_ok && max_ok && c_.db_min_capacity > c_.db_max_capacity) {
      NotAllowed("dbMinCapacity", FormatNumber(c_.db_min_capacity),
                 "it must not exceed dbMaxCapacity (" + FormatNumber(c_.db_max_capacity) + ")");
    }
    IntRange("backupRetentionDays", c_.backup_retention_days, 1, 35, " days");
  }

  void Cache() {
    if (!Matches(c_.redis_node_type, "cache\\.[a-z0-9]+\\.[a-z0-9]+")) {
      NotAllowed("redisNodeType", Quote(c_.redis_node_type),
                 "use a node type such as \"cache.t4g.micro\"");
    }
    IntRange("redisNumReplicas", c_.redis_num_replicas, 0, 5);
    IntRange("redisSnapshotRetentionDays", c_.redis_snapshot_retention_days, 1, 35, " days");
  }

  void Compute() {
    services_config::Problems problems;
    services_config::Validate(c_, problems);
    for (const auto& [key, message] : problems) Error(key, message);
    const AutoscalingConfig& a = c_.autoscaling;
    IntRange("autoscaling.minCount", a.min_count, 1, 100, " tasks");
    if (a.max_count < a.min_count || a.max_count > 100) {
      NotAllowed("autoscaling.maxCount", std::to_string(a.max_count),
                 "use autoscaling.minCount (" + std::to_string(a.min_count) + ") to 100 tasks");
    }
    IntRange("autoscaling.targetCpuPercent", a.target_cpu_percent, 10, 90, " percent");
    if (c_.migration_command.empty()) {
      Error("migrationCommand",
            "an empty command is not allowed: give the program and its arguments, e.g. "
            "[\"./migrate\", \"up\"]");
    }
    if (!Matches(c_.supertokens_image, "[a-z0-9.-]+(:[0-9]+)?(/[a-z0-9._-]+)*")) {
      NotAllowed("supertokensImage", Quote(c_.supertokens_image),
                 "use an image name without tag, such as "
                 "\"registry.supertokens.io/supertokens/supertokens-postgresql\" (the tag is "
                 "services.supertokens.imageTag)");
    }
  }

  // The rules of "git check-ref-format --branch".
  static bool IsBranchName(const std::string& s) {
    if (s.empty() || s[0] == '-' || s[0] == '/' || s.back() == '/' || s.back() == '.' ||
        base::EndsWith(s, ".lock") || s.find("..") != std::string::npos ||
        s.find("//") != std::string::npos || s.find("@{") != std::string::npos || s == "@") {
      return false;
    }
    for (char c : s) {
      auto u = static_cast<unsigned char>(c);
      if (u <= 0x20 || u == 0x7f ||
          std::string_view("~^:?*[\\").find(c) != std::string_view::npos) {
        return false;
      }
    }
    return true;
  }

  static bool IsDomain(const std::string& s) {
    return s.size() <= 253 && Matches(s, "([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}");
  }

  void Frontend() {
    if (!c_.github_repo.empty() &&
        !Matches(c_.github_repo, "https://[A-Za-z0-9.-]+/[A-Za-z0-9._/-]+")) {
      NotAllowed("githubRepo", Quote(c_.github_repo),
                 "use an https URL such as \"https://github.com/owner/repo\"");
    }
    if (!IsBranchName(c_.github_branch)) {
      NotAllowed("githubBranch", Quote(c_.github_branch),
                 "use a git branch name such as \"main\" (no spaces, ~ ^ : ? * [ \\ or \"..\")");
    }
    if (!c_.frontend_domain.empty()) {
      if (!IsDomain(c_.frontend_domain)) {
        NotAllowed("frontendDomain", Quote(c_.frontend_domain),
                   "use a lowercase domain name such as \"app.example.com\"");
      } else if (c_.github_repo.empty()) {
        Error("frontendDomain", "needs githubRepo: the domain is attached to the Amplify app");
      }
    }
  }

  void LoadBalancer() {
    if (!c_.domain_name.empty() && !IsDomain(c_.domain_name)) {
      NotAllowed("domainName", Quote(c_.domain_name),
                 "use a lowercase domain name such as \"api.example.com\"");
    }
    if (!c_.hosted_zone_id.empty()) {
      if (!Matches(c_.hosted_zone_id, "Z[A-Z0-9]{4,31}")) {
        NotAllowed("hostedZoneId", Quote(c_.hosted_zone_id),
                   "use a Route 53 hosted zone id such as \"Z0123456789ABCDEFGHIJ\"");
      } else if (c_.domain_name.empty()) {
        Error("hostedZoneId", "needs domainName: the alias record is created for that name");
      }
    }
    if (!c_.certificate_arn.empty()) {
      std::smatch m;
      if (c_.certificate_arn.size() > kMaxMatchedLength ||
          !std::regex_match(c_.certificate_arn, m,
                            std::regex("arn:aws(-cn|-us-gov)?:acm:([a-z0-9-]+):[0-9]{12}:"
                                       "certificate/[A-Za-z0-9-]+"))) {
        NotAllowed("certificateArn", Quote(c_.certificate_arn),
                   "use an ACM certificate ARN such as "
                   "\"arn:aws:acm:us-east-1:123456789012:certificate/<id>\"");
      } else if (m[2].str() != c_.region) {
        Error("certificateArn", "the certificate is in " + m[2].str() + " but the stack is in " +
                                    c_.region +
                                    "; a load balancer needs a certificate from its own region");
      }
    }
    if (c_.waf_rate_limit < 10 || c_.waf_rate_limit > 2000000000) {
      NotAllowed("wafRateLimit", std::to_string(c_.waf_rate_limit),
                 "use 10 to 2000000000 requests per 5 minutes");
    }
  }

  void Monitoring() {
    bool ok = false;
    for (int d : kLogRetentionDays) ok = ok || d == c_.log_retention_days;
    if (!ok) {
      std::string values;
      for (int d : kLogRetentionDays) values += (values.empty() ? "" : ", ") + std::to_string(d);
      NotAllowed("logRetentionDays", std::to_string(c_.log_retention_days),
                 "use one of CloudWatch's values: " + values);
    }
    if (!c_.alert_email.empty()) {
      if (!Matches(c_.alert_email, "[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+\\.)+[A-Za-z]{2,}")) {
        NotAllowed("alertEmail", Quote(c_.alert_email),
                   "use an email address such as \"ops@example.com\"");
      } else if (!c_.enable_alarms) {
        Error("alertEmail", "needs enableAlarms: true (no alarm would ever send it mail)");
      }
    }
  }

  void Checks() {
    for (size_t i = 0; i < c_.checks.suppress.size(); ++i) {
      const CheckSuppression& s = c_.checks.suppress[i];
      std::string path = std::string(kSuppressKey) + "[" + std::to_string(i) + "]";
      if (s.rule.empty()) Error(path, "rule is required: the id of the check to suppress");
      if (s.reason.empty()) {
        Error(path, "reason is required: say why the finding is accepted");
      }
    }
  }

  const Config& c_;
  std::string_view source_;
  std::vector<std::string> errors_;
};

// Loads without validating values; `decrypt` false checks secrets' shape only.
Result<Config> LoadImpl(std::string_view text, std::string_view source, const Env& env,
                        bool decrypt) {
  Loader loader(source, env, decrypt);
  loader.Load(text);
  loader.DecryptSecrets();
  std::vector<std::string> errors = std::move(loader.errors());
  // Keys that failed to load kept their (valid) defaults, so these lines are about the others;
  // after a syntax error everything is a default and nothing is added.
  std::vector<std::string> more = Validator(loader.config(), source).Run();
  errors.insert(errors.end(), more.begin(), more.end());
  if (!errors.empty()) return base::InvalidArgument(JoinErrors(errors));
  return std::move(loader.config());
}

}  // namespace

Result<Config> LoadConfig(std::string_view yaml_text, std::string_view source_name,
                          const Env& env) {
  return LoadImpl(yaml_text, source_name, env, /*decrypt=*/true);
}

Result<Config> LoadConfigFile(const std::string& path, const Env& env) {
  REX_ASSIGN_OR_RETURN(std::string text, base::ReadFile(path));
  return LoadConfig(text, path, env);
}

Status ValidateConfig(const Config& config, std::string_view source_name) {
  std::vector<std::string> errors = Validator(config, source_name).Run();
  if (!errors.empty()) return base::InvalidArgument(JoinErrors(errors));
  return Status::Ok();
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

std::string ToString(const Config& config) {
  std::string out;
  for (const Field& f : Fields()) {
    out += std::string(f.key) + ": " + FormatField(f, config, /*quote_strings=*/true) + "\n";
  }
  for (size_t i = 0; i < config.checks.suppress.size(); ++i) {
    const CheckSuppression& s = config.checks.suppress[i];
    out += std::string(kSuppressKey) + "[" + std::to_string(i) + "]: rule " + Quote(s.rule) +
           ", resource " + Quote(s.resource) + ", reason " + Quote(s.reason) + "\n";
  }
  return out;
}

std::ostream& operator<<(std::ostream& os, const Config& config) { return os << ToString(config); }

namespace {

// A string as a YAML scalar: plain when that reads back as the same string, else quoted.
// Text that other YAML readers would take for a number, boolean or null ("15.10", "yes") is
// quoted too, although rex itself reads scalars by their text.
std::string YamlScalar(const std::string& value) {
  static const std::set<std::string, std::less<>> kLookAlikes = {
      "null", "Null", "NULL", "~",   "yes", "Yes", "YES", "no", "No", "NO",  "on",
      "On",   "ON",   "off",  "Off", "OFF", "y",   "Y",   "n",  "N",  ".inf"};
  if (ParseNumber(value) || ParseBool(value) || kLookAlikes.count(value) > 0) return Quote(value);
  YAML::Emitter out;
  out << value;
  return out.c_str();
}

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
      out += (i > 0 ? ", " : "") + Quote(items[i]);
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
    out += CommentLines(f.doc, indent.size());
    if (IsSecretField(f)) {
      out +=
          indent + "# " + leaf + ": set with: rex config set " + std::string(f.key) + " --secret\n";
    } else if (const auto* ref = std::get_if<OptionalBoolRef>(&f.ref);
               ref != nullptr && !(*ref)(const_cast<Config&>(config)).has_value()) {
      out += indent + "# " + leaf + ": true\n";
    } else {
      out += indent + leaf + ": " + YamlValue(f, config) + "\n";
    }
    if (f.key == "services.supertokens.imageTag") {
      // Services added in the file follow the built-in ones.
      out += services_config::ExtraEntriesYaml(config.services);
    }
  }
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

// --- editing

namespace {

// The canonical dotted key of a `rex config` argument, or kInvalidArgument.
// Groups ("services.api") are accepted only when `allow_group` (removal of a whole block).
Result<std::string> ResolveKey(std::string_view source, std::string_view key,
                               bool allow_group = false) {
  std::string name(key);
  if (base::StartsWith(name, kPulumiPrefix)) name = name.substr(kPulumiPrefix.size());
  if (name == "aws:region") name = "region";
  if (FindField(name) != nullptr) return name;
  if (name != "checks" && IsGroup(name)) {
    if (allow_group) return name;
    return base::InvalidArgument(std::string(source) + ": " + name +
                                 ": is a group of keys; name one of them, e.g. \"" +
                                 ChildKeys(name).front() + "\"");
  }
  if (name == kSuppressKey || name == "checks") {
    return base::InvalidArgument(std::string(source) + ": " + name + ": is a list; edit it in " +
                                 std::string(source));
  }
  std::string hint = base::ClosestMatch(name, ConfigKeys());
  return base::InvalidArgument(std::string(source) + ": " + std::string(key) + ": unknown key" +
                               (hint.empty() ? "" : "; did you mean \"" + hint + "\"?"));
}

// One key of a map in the document, with where it is written.
struct Entry {
  bool found = false;
  int line = 0;    // 0-based, of the key
  int column = 0;  // 0-based, of the key
  std::string spelled;
  YAML::Node value;
};

Entry Find(const YAML::Node& map, std::string_view name, bool top) {
  Entry e;
  if (!map.IsMap()) return e;
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!it->first.IsScalar()) continue;
    std::string spelled = it->first.Scalar();
    std::string normal = spelled;
    if (top) {
      if (base::StartsWith(normal, kPulumiPrefix)) normal = normal.substr(kPulumiPrefix.size());
      if (normal == "aws:region") normal = "region";
    }
    if (normal == name) {
      e.found = true;
      e.line = it->first.Mark().line;
      e.column = it->first.Mark().column;
      e.spelled = spelled;
      e.value = it->second;
      return e;
    }
  }
  return e;
}

size_t Indentation(const std::string& line) {
  size_t n = 0;
  while (n < line.size() && line[n] == ' ') ++n;
  return n;
}

bool IsBlankOrComment(const std::string& line) {
  size_t n = Indentation(line);
  return n == line.size() || line[n] == '#' || line[n] == '\r';
}

// One past the last line of the block that starts with the key at (line, column): the
// following lines indented deeper, and sequence items at the key's own column. Trailing blank
// and comment lines belong to what comes next.
size_t BlockEnd(const std::vector<std::string>& lines, size_t line, size_t column) {
  size_t end = line + 1;
  for (size_t i = line + 1; i < lines.size(); ++i) {
    if (IsBlankOrComment(lines[i])) continue;
    size_t indent = Indentation(lines[i]);
    bool item = indent == column && lines[i][indent] == '-';
    if (indent <= column && !item) break;
    end = i + 1;
  }
  return end;
}

// The "# comment" ending a one-line "key: value", or "".
std::string TrailingComment(const std::string& line) {
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#' && i > 0 && (line[i - 1] == ' ' || line[i - 1] == '\t')) {
      return line.substr(i);
    }
  }
  return "";
}

std::vector<std::string> Render(const std::string& key, const YAML::Node& value, size_t indent,
                                bool string_scalar = false) {
  if (string_scalar && value.IsScalar()) {
    return {std::string(indent, ' ') + key + ": " + YamlScalar(value.Scalar())};
  }
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << key << YAML::Value << value << YAML::EndMap;
  std::vector<std::string> lines = base::Split(out.c_str(), '\n');
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  for (std::string& l : lines) l = std::string(indent, ' ') + l;
  return lines;
}

// "parts[from]:" / "  parts[from + 1]:" / ... / "    leaf: value", starting at `indent`.
std::vector<std::string> RenderNested(const std::vector<std::string>& parts, size_t from,
                                      const std::string& first_name, const YAML::Node& value,
                                      size_t indent, bool string_scalar) {
  std::vector<std::string> lines;
  for (size_t i = from; i + 1 < parts.size(); ++i) {
    lines.push_back(std::string(indent, ' ') + (i == from ? first_name : parts[i]) + ":");
    indent += 2;
  }
  const std::string& leaf = from + 1 == parts.size() ? first_name : parts.back();
  for (std::string& l : Render(leaf, value, indent, string_scalar)) lines.push_back(std::move(l));
  return lines;
}

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out = base::Join(lines, "\n");
  if (!out.empty()) out += "\n";
  return out;
}

Result<YAML::Node> Parse(std::string_view text, std::string_view source) {
  if (auto refused = CheckYamlBounds(text, source)) return base::InvalidArgument(*refused);
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::ParserException& e) {
    return base::InvalidArgument(std::string(source) + ":" + std::to_string(e.mark.line + 1) + ":" +
                                 std::to_string(e.mark.column + 1) + ": invalid YAML: " + e.msg);
  } catch (const YAML::Exception& e) {
    return base::InvalidArgument(std::string(source) + ": invalid YAML: " + e.msg);
  }
}

// The map holding the config keys (the root, or a Pulumi "config:" map) and its entry.
struct Container {
  YAML::Node map;
  Entry entry;  // found == false for the root
};

Container FindContainer(const YAML::Node& root) {
  Container c;
  c.map = root;
  if (root.IsMap()) {
    Entry wrapper = Find(root, "config", false);
    if (wrapper.found && (wrapper.value.IsMap() || wrapper.value.IsNull())) {
      c.entry = wrapper;
      c.map = wrapper.value;
    }
  }
  return c;
}

bool UsesPrefix(const YAML::Node& map) {
  if (!map.IsMap()) return false;
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (it->first.IsScalar() && base::StartsWith(it->first.Scalar(), kPulumiPrefix)) return true;
  }
  return false;
}

bool IsBlockMap(const YAML::Node& node) {
  return node.IsMap() && node.size() > 0 && node.Style() != YAML::EmitterStyle::Flow;
}

// Sets (value given) or removes (value null and `remove`) `key` in the text.
Result<std::string> Edit(std::string_view text, std::string_view source, const std::string& key,
                         const YAML::Node& value, bool remove) {
  REX_ASSIGN_OR_RETURN(YAML::Node root, Parse(text, source));
  if (!root.IsNull() && !root.IsMap()) {
    return base::InvalidArgument(std::string(source) + ": expected a map of config keys");
  }
  std::vector<std::string> lines = base::Split(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  std::vector<std::string> parts = base::Split(key, '.');
  Container container = FindContainer(root);
  bool prefixed = UsesPrefix(container.map);
  const Field* field = FindField(key);
  bool string_scalar = field != nullptr && std::holds_alternative<StringRef>(field->ref);

  // Replaces lines [from, to) with `with`.
  auto splice = [&](size_t from, size_t to, const std::vector<std::string>& with) {
    lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(from),
                lines.begin() + static_cast<std::ptrdiff_t>(to));
    lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(from), with.begin(), with.end());
  };
  auto not_set = [&]() {
    return base::NotFound(std::string(source) + ": " + key + ": is not set in " +
                          std::string(source));
  };

  YAML::Node cur = container.map;
  Entry cur_entry = container.entry;  // the entry whose value is `cur`; root if !found
  for (size_t i = 0; i < parts.size(); ++i) {
    if (!IsBlockMap(cur)) {
      // An empty or flow-style map (or a scalar where a map belongs): rewrite the entry that
      // holds it, in block style, with the change applied.
      YAML::Node merged = cur.IsMap() ? YAML::Clone(cur) : YAML::Node(YAML::NodeType::Map);
      merged.SetStyle(YAML::EmitterStyle::Block);
      if (remove) {
        YAML::Node node = merged;
        for (size_t j = i; j + 1 < parts.size(); ++j) {
          if (!node.IsMap() || !node[parts[j]]) return not_set();
          node.reset(node[parts[j]]);
        }
        if (!node.IsMap() || !node.remove(parts.back())) return not_set();
      } else {
        YAML::Node node = merged;
        for (size_t j = i; j + 1 < parts.size(); ++j) {
          if (!node[parts[j]] || !node[parts[j]].IsMap()) {
            node[parts[j]] = YAML::Node(YAML::NodeType::Map);
          }
          node.reset(node[parts[j]]);
        }
        node[parts.back()] = value;
      }
      if (!cur_entry.found) {
        if (cur.IsMap() && cur.size() > 0) {
          return base::FailedPrecondition(std::string(source) +
                                          ": the file is one flow-style map; rewrite it in block "
                                          "style (one key per line) to edit it with rex config");
        }
        // An empty document: append the key.
        for (std::string& l : RenderNested(parts, 0, parts[0], value, 0, string_scalar)) {
          lines.push_back(std::move(l));
        }
      } else {
        size_t end = BlockEnd(lines, cur_entry.line, cur_entry.column);
        splice(cur_entry.line, end, Render(cur_entry.spelled, merged, cur_entry.column));
      }
      return JoinLines(lines);
    }
    Entry e = Find(cur, parts[i], /*top=*/i == 0);
    if (!e.found) {
      if (remove) return not_set();
      // Append the missing part at the end of the enclosing block (of the file at the top),
      // indented like the block's keys.
      size_t column = static_cast<size_t>(cur.begin()->first.Mark().column);
      std::string name = parts[i];
      if (i == 0 && prefixed) name = std::string(kPulumiPrefix) + name;
      std::vector<std::string> rendered =
          RenderNested(parts, i, name, value, column, string_scalar);
      size_t at =
          cur_entry.found ? BlockEnd(lines, cur_entry.line, cur_entry.column) : lines.size();
      splice(at, at, rendered);
      return JoinLines(lines);
    }
    if (i + 1 == parts.size()) {
      size_t end = BlockEnd(lines, e.line, e.column);
      if (remove) {
        splice(e.line, end, {});
        return JoinLines(lines);
      }
      std::vector<std::string> rendered = Render(e.spelled, value, e.column, string_scalar);
      if (e.value.IsScalar() && end == static_cast<size_t>(e.line) + 1 && rendered.size() == 1) {
        std::string comment = TrailingComment(lines[e.line]);
        if (!comment.empty()) rendered[0] += "  " + comment;
      }
      splice(e.line, end, rendered);
      return JoinLines(lines);
    }
    cur = e.value;
    cur_entry = e;
  }
  return base::Internal("config edit walked past the key " + key);
}

// Validates edited text like LoadConfig would, without decrypting.
Status ValidateEdited(std::string_view text, std::string_view source) {
  Result<Config> loaded = LoadImpl(text, source, Env{}, /*decrypt=*/false);
  return loaded.ok() ? Status::Ok() : loaded.error();
}

Result<std::string> ApplyAndValidate(std::string_view text, std::string_view source,
                                     const std::string& key, const YAML::Node& value, bool remove) {
  REX_ASSIGN_OR_RETURN(std::string edited, Edit(text, source, key, value, remove));
  REX_RETURN_IF_ERROR(ValidateEdited(edited, source));
  return edited;
}

// Every secure value in the document, by key.
std::vector<std::pair<std::string, std::string>> SecureValues(const YAML::Node& root) {
  std::vector<std::pair<std::string, std::string>> out;
  YAML::Node map = FindContainer(root).map;
  for (const Field& f : Fields()) {
    if (!IsSecretField(f)) continue;
    Entry e = Find(map, f.key, /*top=*/true);
    if (e.found && e.value.IsMap() && e.value["secure"] && e.value["secure"].IsScalar()) {
      out.emplace_back(std::string(f.key), e.value["secure"].Scalar());
    }
  }
  return out;
}

}  // namespace

Result<std::string> SetConfigValue(std::string_view yaml_text, std::string_view source_name,
                                   std::string_view key, std::string_view value) {
  REX_ASSIGN_OR_RETURN(std::string name, ResolveKey(source_name, key));
  const Field* field = FindField(name);
  if (IsSecretField(*field)) {
    return base::InvalidArgument(std::string(source_name) + ": " + name +
                                 ": is a secret; run \"rex config set " + name +
                                 " --secret\" so it is stored encrypted");
  }
  YAML::Node node;
  if (std::holds_alternative<ListRef>(field->ref)) {
    node = YAML::Node(YAML::NodeType::Sequence);
    for (const std::string& word : SplitWords(value)) node.push_back(word);
    node.SetStyle(YAML::EmitterStyle::Flow);
  } else {
    node = YAML::Node(std::string(value));
  }
  return ApplyAndValidate(yaml_text, source_name, name, node, /*remove=*/false);
}

Result<std::string> SetConfigSecret(std::string_view yaml_text, std::string_view source_name,
                                    std::string_view key, std::string_view plaintext,
                                    const Env& env) {
  REX_ASSIGN_OR_RETURN(std::string name, ResolveKey(source_name, key));
  if (!IsSecretField(*FindField(name))) {
    return base::InvalidArgument(std::string(source_name) + ": " + name +
                                 ": is not a secret; set it without --secret");
  }
  if (!env.config_passphrase.has_value() || env.config_passphrase->empty()) {
    return base::InvalidArgument(std::string(source_name) + ": " + name + ": " +
                                 std::string(kPassphraseEnvVar) +
                                 " is not set; export a passphrase to encrypt secrets with");
  }
  const std::string& passphrase = *env.config_passphrase;
  if (passphrase.size() < base::kMinPassphraseLength) {
    return base::InvalidArgument(std::string(source_name) + ": " + name + ": " +
                                 std::string(kPassphraseEnvVar) + " is " +
                                 std::to_string(passphrase.size()) +
                                 " characters long; secrets need a passphrase of at least " +
                                 std::to_string(base::kMinPassphraseLength) + " characters");
  }
  REX_ASSIGN_OR_RETURN(YAML::Node root, Parse(yaml_text, source_name));
  const std::string stack = StackOfSource(source_name);
  // One file, one passphrase: the new secret must be readable with the others. v1 values are
  // kept decrypted here and rewritten as v2 below.
  std::string salt;
  std::vector<std::pair<std::string, Secret>> legacy;
  for (const auto& [other_key, text] : SecureValues(root)) {
    if (other_key == name) continue;
    Result<std::string> plain =
        base::DecryptSecret(text, passphrase, base::SecretBinding(stack, other_key));
    if (!plain.ok()) {
      if (plain.error().code() == base::Code::kUnauthenticated) {
        return base::InvalidArgument(
            std::string(source_name) + ": " + name + ": " + std::string(kPassphraseEnvVar) +
            " does not decrypt " + other_key + "; use the passphrase of the file's other secrets");
      }
      continue;  // a malformed value is reported by validation below
    }
    if (base::IsLegacySecret(text)) {
      legacy.emplace_back(other_key, Secret(std::move(plain).value()));
    } else {
      base::WipeString(*plain);
      if (salt.empty()) salt = base::SecretSalt(text).value();
    }
  }
  // No v2 value yet: a fresh salt, then shared by the v1 values rewritten below.
  REX_ASSIGN_OR_RETURN(
      std::string encrypted,
      base::EncryptSecret(plaintext, passphrase, base::SecretBinding(stack, name), salt));
  if (salt.empty()) salt = base::SecretSalt(encrypted).value();
  std::string text(yaml_text);
  for (const auto& [other_key, secret] : legacy) {
    REX_ASSIGN_OR_RETURN(std::string rewritten,
                         base::EncryptSecret(secret.Reveal(), passphrase,
                                             base::SecretBinding(stack, other_key), salt));
    YAML::Node other(YAML::NodeType::Map);
    other["secure"] = rewritten;
    REX_ASSIGN_OR_RETURN(text, ApplyAndValidate(text, source_name, other_key, other,
                                                /*remove=*/false));
  }
  YAML::Node node(YAML::NodeType::Map);
  node["secure"] = encrypted;
  return ApplyAndValidate(text, source_name, name, node, /*remove=*/false);
}

Result<std::string> RemoveConfigValue(std::string_view yaml_text, std::string_view source_name,
                                      std::string_view key) {
  REX_ASSIGN_OR_RETURN(std::string name, ResolveKey(source_name, key, /*allow_group=*/true));
  return ApplyAndValidate(yaml_text, source_name, name, YAML::Node(), /*remove=*/true);
}

Result<std::string> GetConfigValue(std::string_view yaml_text, std::string_view source_name,
                                   std::string_view key) {
  REX_ASSIGN_OR_RETURN(std::string name, ResolveKey(source_name, key));
  REX_ASSIGN_OR_RETURN(Config config, LoadImpl(yaml_text, source_name, Env{}, /*decrypt=*/false));
  const Field* field = FindField(name);
  if (IsSecretField(*field)) {
    if (!std::get<SecretRef>(field->ref)(config).is_set()) {
      return base::NotFound(std::string(source_name) + ": " + name + ": is not set");
    }
    return std::string("[secret]");
  }
  if (name == "dbDeletionProtection") {
    return std::string(config.db_deletion_protection_enabled() ? "true" : "false");
  }
  return FormatField(*field, config, /*quote_strings=*/false);
}

namespace {

Status WriteConfig(const std::string& path, const std::string& text) {
  return base::WriteFileAtomic(path, text, 0600);
}

}  // namespace

Status SetConfigFileValue(const std::string& path, std::string_view key, std::string_view value) {
  REX_ASSIGN_OR_RETURN(std::string text, base::ReadFile(path));
  REX_ASSIGN_OR_RETURN(std::string edited, SetConfigValue(text, path, key, value));
  return WriteConfig(path, edited);
}

Status SetConfigFileSecret(const std::string& path, std::string_view key,
                           std::string_view plaintext, const Env& env) {
  REX_ASSIGN_OR_RETURN(std::string text, base::ReadFile(path));
  REX_ASSIGN_OR_RETURN(std::string edited, SetConfigSecret(text, path, key, plaintext, env));
  return WriteConfig(path, edited);
}

Status RemoveConfigFileValue(const std::string& path, std::string_view key) {
  REX_ASSIGN_OR_RETURN(std::string text, base::ReadFile(path));
  REX_ASSIGN_OR_RETURN(std::string edited, RemoveConfigValue(text, path, key));
  return WriteConfig(path, edited);
}

Result<std::string> GetConfigFileValue(const std::string& path, std::string_view key) {
  REX_ASSIGN_OR_RETURN(std::string text, base::ReadFile(path));
  return GetConfigValue(text, path, key);
}

}  // namespace rex::stack
