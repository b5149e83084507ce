#include "config/keys.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <regex>
#include <set>
#include <utility>

#include "base/cidr.h"
#include "base/strings.h"
#include "config/config_text.h"
#include "config/secrets_provider.h"

namespace rex::config::keys {

using text::Quote;

namespace {

// The longest value Matches hands to std::regex, whose matcher recurses once per character:
// every pattern below describes a value far shorter, and a longer one does not match.
constexpr size_t kMaxMatchedLength = 512;

bool Matches(const std::string& text, const char* pattern) {
  if (text.size() > kMaxMatchedLength) return false;
  return std::regex_match(text, std::regex(pattern));
}

// --- the checks of the string keys

bool IsName20(const std::string& s) {
  return !s.empty() && s.size() <= 20 && Matches(s, "[a-z]([a-z0-9-]*[a-z0-9])?");
}
bool IsName10(const std::string& s) {
  return !s.empty() && s.size() <= 10 && Matches(s, "[a-z]([a-z0-9-]*[a-z0-9])?");
}
bool IsRegion(const std::string& s) { return Matches(s, "[a-z]{2}(-[a-z]+)+-[0-9]{1,2}"); }
bool IsEngineVersion(const std::string& s) { return Matches(s, "[0-9]+(\\.[0-9]+){0,2}"); }
bool IsNodeType(const std::string& s) { return Matches(s, "cache\\.[a-z0-9]+\\.[a-z0-9]+"); }
bool IsImageName(const std::string& s) {
  return Matches(s, "[a-z0-9.-]+(:[0-9]+)?(/[a-z0-9._-]+)*");
}
bool IsRepositoryUrl(const std::string& s) {
  return Matches(s, "https://[A-Za-z0-9.-]+/[A-Za-z0-9._/-]+");
}
// The rules of "git check-ref-format --branch".
bool IsBranchName(const std::string& s) {
  if (s.empty() || s[0] == '-' || s[0] == '/' || s.back() == '/' || s.back() == '.' ||
      base::EndsWith(s, ".lock") || s.find("..") != std::string::npos ||
      s.find("//") != std::string::npos || s.find("@{") != std::string::npos || s == "@") {
    return false;
  }
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || std::string_view("~^:?*[\\").find(c) != std::string_view::npos) {
      return false;
    }
  }
  return true;
}
bool IsDomain(const std::string& s) {
  return s.size() <= 253 && Matches(s, "([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}");
}
bool IsHostedZoneId(const std::string& s) { return Matches(s, "Z[A-Z0-9]{4,31}"); }
bool IsCertificateArn(const std::string& s) {
  return Matches(s, "arn:aws(-cn|-us-gov)?:acm:[a-z0-9-]+:[0-9]{12}:certificate/[A-Za-z0-9-]+");
}
bool IsEmail(const std::string& s) {
  return Matches(s, "[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+\\.)+[A-Za-z]{2,}");
}

// --- the checks of the secret keys: what is wrong, never quoting the value

// A line break, a control character or a non-ASCII byte, named; "" when none.
std::string UnprintableProblem(std::string_view s) {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\n' || c == '\r') return "contains a line break";
    if (u < 0x20 || u == 0x7f) return "contains a control character";
    if (u >= 0x80) return "contains a non-ASCII character";
  }
  return "";
}

std::string LengthProblem(std::string_view s, size_t lo, size_t hi) {
  if (s.size() >= lo && s.size() <= hi) return "";
  return "has " + std::to_string(s.size()) + (s.size() == 1 ? " character" : " characters");
}

// A printable ASCII character the value may not contain, named.
std::string CharacterProblem(char c) {
  if (c == ' ') return "contains a space";
  return "contains " + Quote(std::string(1, c));
}

// What RDS refuses in a master password (/ " @ and space), and what would break the JSON
// secret string (\) or the SuperTokens connection URI (% ? #).
constexpr std::string_view kForbiddenInDbPassword = " /\"@\\%?#";

std::string DbPasswordProblem(std::string_view s) {
  if (std::string p = UnprintableProblem(s); !p.empty()) return p;
  for (char c : s) {
    if (kForbiddenInDbPassword.find(c) != std::string_view::npos) return CharacterProblem(c);
  }
  return LengthProblem(s, 8, 41);
}

std::string ApiKeyProblem(std::string_view s) {
  if (std::string p = UnprintableProblem(s); !p.empty()) return p;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '=' && c != '-') {
      return CharacterProblem(c);
    }
  }
  return LengthProblem(s, 20, 4096);
}

std::string GithubTokenProblem(std::string_view s) {
  if (std::string p = UnprintableProblem(s); !p.empty()) return p;
  if (s.find(' ') != std::string_view::npos) return CharacterProblem(' ');
  return LengthProblem(s, 1, 4096);
}

std::string RangeText(const std::string& lo, const std::string& hi, std::string_view unit) {
  return lo + " to " + hi + (unit.empty() ? "" : " " + std::string(unit));
}

}  // namespace

// --- rules

Rule IntRange(int lo, int hi, std::string_view unit) {
  return Rule{RangeText(std::to_string(lo), std::to_string(hi), unit),
              [lo, hi](const FieldValue& v) {
                int x = *std::get<const int*>(v);
                return x >= lo && x <= hi;
              }};
}

Rule IntOneOf(std::vector<int> values, std::string allowed) {
  return Rule{std::move(allowed), [values = std::move(values)](const FieldValue& v) {
                return std::find(values.begin(), values.end(), *std::get<const int*>(v)) !=
                       values.end();
              }};
}

Rule NumberRange(double lo, double hi, double step, std::string_view unit) {
  return Rule{
      RangeText(FormatNumber(lo), FormatNumber(hi), unit) + " in steps of " + FormatNumber(step),
      [lo, hi, step](const FieldValue& v) {
        double x = *std::get<const double*>(v);
        return x >= lo && x <= hi && std::floor(x / step) == x / step;
      }};
}

Rule Text(std::string allowed, bool (*accepts)(const std::string&), bool empty_ok) {
  return Rule{std::move(allowed), [accepts, empty_ok](const FieldValue& v) {
                const std::string& s = *std::get<const std::string*>(v);
                return (empty_ok && s.empty()) || accepts(s);
              }};
}

Rule NonEmptyList(std::string allowed) {
  return Rule{std::move(allowed), [](const FieldValue& v) {
                return !std::get<const std::vector<std::string>*>(v)->empty();
              }};
}

Rule SecretText(std::string allowed, std::string (*problem)(std::string_view)) {
  return Rule{std::move(allowed),
              [problem](const FieldValue& v) {
                const Secret& secret = *std::get<const Secret*>(v);
                return !secret.is_set() || secret.is_sealed() || problem(secret.Reveal()).empty();
              },
              problem};
}

// --- the table

#define REX_FIELD(key, member, section, doc, rule)                                   \
  Field {                                                                            \
    key, FieldRef(+[](Config & c) -> auto& { return c.member; }), section, doc, rule \
  }

const std::vector<Field>& Fields() {
  static const std::vector<Field> fields = {
      REX_FIELD(
          "projectName", project_name, "Naming", "Prefix of every resource name.",
          Text("1 to 20 lowercase letters, digits and hyphens, starting with a letter", IsName20)),
      REX_FIELD(
          "environment", environment, "",
          "dev, staging, prod, ... Resource names are <projectName>-<environment>-<part>.",
          Text("1 to 10 lowercase letters, digits and hyphens, starting with a letter", IsName10)),
      REX_FIELD("region", region, "", "AWS region of the stack.",
                Text("an AWS region name such as \"us-east-1\"", IsRegion)),
      REX_FIELD("vpcCidr", vpc_cidr, "Networking", "VPC range.",
                (Rule{"a private range (10/8, 172.16/12, 192.168/16) with a prefix from /16 to "
                      "/24",
                      [](const FieldValue& v) {
                        return base::ParseVpcCidr(*std::get<const std::string*>(v)).ok();
                      }})),
      REX_FIELD("natGateways", nat_gateways, "",
                "NAT gateways: one shared is cheap, one per availability zone survives an AZ "
                "outage.",
                IntOneOf({1, 2}, "1 (one shared NAT gateway) or 2 (one per availability zone)")),
      REX_FIELD("enableFlowLogs", enable_flow_logs, "", "VPC flow logs to CloudWatch Logs.",
                Rule{}),
      REX_FIELD("enableS3Endpoint", enable_s3_endpoint, "",
                "S3 gateway endpoint (free) so image layers do not pass the NAT.", Rule{}),
      REX_FIELD("dbEngineVersion", db_engine_version, "Database (Aurora Serverless v2)",
                "aurora-postgresql version; rex check warns when AWS no longer accepts it.",
                Text("an aurora-postgresql version such as \"15.17\"", IsEngineVersion)),
      REX_FIELD("dbMinCapacity", db_min_capacity, "",
                "Fewest ACU (0 pauses when idle, on engine versions that support it); at most "
                "dbMaxCapacity.",
                NumberRange(0, 256, 0.5, "ACU")),
      REX_FIELD("dbMaxCapacity", db_max_capacity, "", "Most ACU.", NumberRange(1, 256, 0.5, "ACU")),
      REX_FIELD("backupRetentionDays", backup_retention_days, "", "Days of automated backups.",
                IntRange(1, 35, "days")),
      REX_FIELD("dbMasterPassword", db_master_password, "",
                "Secret. Unset: AWS generates it in Secrets Manager.",
                SecretText("8 to 41 printable ASCII characters without space and / \" @ \\ % ? # "
                           "(RDS refuses some, the others break the SuperTokens connection URI)",
                           DbPasswordProblem)),
      REX_FIELD("dbDeletionProtection", db_deletion_protection, "",
                "Deletion protection and a final snapshot. Unset: on outside dev.", Rule{}),
      REX_FIELD("dbManagedPassword", db_managed_password, "",
                "RDS keeps the master password in its own Secrets Manager secret and rotates it "
                "every 7 days; the services follow each rotation. Not with dbMasterPassword.",
                Rule{}),
      REX_FIELD(
          "redisNodeType", redis_node_type, "Cache (ElastiCache Redis 7)", "Node type.",
          Text("a node type such as \"cache.t4g.micro\" (cache.<family>.<size>)", IsNodeType)),
      REX_FIELD("redisNumReplicas", redis_num_replicas, "",
                "Read replicas; 1 or more turns on automatic failover.", IntRange(0, 5)),
      REX_FIELD("redisTransitEncryption", redis_transit_encryption, "",
                "TLS between the services and Redis.", Rule{}),
      REX_FIELD("redisAuth", redis_auth, "",
                "Redis AUTH: a token generated in Secrets Manager, read by the services as "
                "REDIS_PASSWORD. Needs redisTransitEncryption.",
                Rule{}),
      REX_FIELD("redisSnapshotRetentionDays", redis_snapshot_retention_days, "",
                "Days of automatic snapshots.", IntRange(1, 35, "days")),
      REX_FIELD("services.api.desiredCount", services.at("api").desired_count,
                "Compute (ECS Fargate)", "Tasks: 0 to 100.", Rule{}),
      REX_FIELD("services.api.cpu", services.at("api").cpu, "",
                "CPU units: 256, 512, 1024, 2048, 4096, 8192 or 16384.", Rule{}),
      REX_FIELD("services.api.memory", services.at("api").memory, "",
                "MiB, a Fargate pairing with cpu (512 CPU: 1024 to 4096).", Rule{}),
      REX_FIELD("services.api.imageTag", services.at("api").image_tag, "",
                "Tag in the api ECR repository.", Rule{}),
      REX_FIELD("services.worker.desiredCount", services.at("worker").desired_count, "", "",
                Rule{}),
      REX_FIELD("services.worker.cpu", services.at("worker").cpu, "", "", Rule{}),
      REX_FIELD("services.worker.memory", services.at("worker").memory, "", "", Rule{}),
      REX_FIELD("services.worker.imageTag", services.at("worker").image_tag, "",
                "Tag in the worker ECR repository.", Rule{}),
      REX_FIELD("services.supertokens.desiredCount", services.at("supertokens").desired_count, "",
                "", Rule{}),
      REX_FIELD("services.supertokens.cpu", services.at("supertokens").cpu, "", "", Rule{}),
      REX_FIELD("services.supertokens.memory", services.at("supertokens").memory, "", "", Rule{}),
      REX_FIELD("services.supertokens.imageTag", services.at("supertokens").image_tag, "",
                "Tag of supertokensImage.", Rule{}),
      REX_FIELD("autoscaling.enabled", autoscaling.enabled, "",
                "Target-tracking auto scaling of the api service on CPU.", Rule{}),
      REX_FIELD("autoscaling.minCount", autoscaling.min_count, "", "Fewest api tasks.",
                IntRange(1, 100, "tasks")),
      REX_FIELD("autoscaling.maxCount", autoscaling.max_count, "",
                "Most api tasks; at least minCount.", IntRange(1, 100, "tasks")),
      REX_FIELD("autoscaling.targetCpuPercent", autoscaling.target_cpu_percent, "",
                "Average CPU to aim for.", IntRange(10, 90, "percent")),
      REX_FIELD("migrationCommand", migration_command, "",
                "Command of the migration task (api image).",
                NonEmptyList("the program and its arguments, e.g. [\"./migrate\", \"up\"]")),
      REX_FIELD("supertokensApiKey", supertokens_api_key, "",
                "Secret. Unset: AWS generates it in Secrets Manager.",
                SecretText("20 to 4096 characters from letters, digits, \"=\" and \"-\" (what "
                           "SuperTokens accepts; e.g. openssl rand -hex 32)",
                           ApiKeyProblem)),
      REX_FIELD("supertokensImage", supertokens_image, "",
                "SuperTokens image without tag (tag: services.supertokens.imageTag).",
                Text("an image name without tag, such as "
                     "\"registry.supertokens.io/supertokens/supertokens-postgresql\"",
                     IsImageName)),
      REX_FIELD("githubRepo", github_repo, "Frontend (AWS Amplify)",
                "URL of the frontend repository; empty: no Amplify app.",
                Text("an https URL such as \"https://github.com/owner/repo\"", IsRepositoryUrl,
                     /*empty_ok=*/true)),
      REX_FIELD("githubBranch", github_branch, "", "Branch Amplify builds on every push.",
                Text("a git branch name such as \"main\" (no spaces, ~ ^ : ? * [ \\ or \"..\")",
                     IsBranchName)),
      REX_FIELD("githubToken", github_token, "", "Secret. Needed for private repositories only.",
                SecretText("a GitHub token: 1 to 4096 printable ASCII characters without spaces",
                           GithubTokenProblem)),
      REX_FIELD("frontendDomain", frontend_domain, "",
                "Custom domain of the Amplify app (needs githubRepo); empty: the amplifyapp.com "
                "URL.",
                Text("a lowercase domain name such as \"app.example.com\"", IsDomain,
                     /*empty_ok=*/true)),
      REX_FIELD("domainName", domain_name, "Load balancer and DNS",
                "Domain of the API; empty: the ALB's DNS name.",
                Text("a lowercase domain name such as \"api.example.com\"", IsDomain,
                     /*empty_ok=*/true)),
      REX_FIELD("hostedZoneId", hosted_zone_id, "",
                "Route 53 zone for an alias record to the ALB (needs domainName).",
                Text("a Route 53 hosted zone id such as \"Z0123456789ABCDEFGHIJ\"", IsHostedZoneId,
                     /*empty_ok=*/true)),
      REX_FIELD("certificateArn", certificate_arn, "",
                "ACM certificate in the stack's region; set: HTTPS, and HTTP redirects.",
                Text("an ACM certificate ARN such as "
                     "\"arn:aws:acm:us-east-1:123456789012:certificate/<id>\"",
                     IsCertificateArn, /*empty_ok=*/true)),
      REX_FIELD("enableWaf", enable_waf, "", "WAF web ACL with AWS managed rules.", Rule{}),
      REX_FIELD("wafRateLimit", waf_rate_limit, "",
                "Requests per 5 minutes per IP before WAF blocks.",
                IntRange(10, 2000000000, "requests per 5 minutes")),
      REX_FIELD("albAccessLogs.enabled", alb_access_logs.enabled, "",
                "ALB access logs (one line per request) to an SSE-S3, TLS-only bucket of the "
                "stack, kept when the stack is deleted.",
                Rule{}),
      REX_FIELD("albAccessLogs.retentionDays", alb_access_logs.retention_days, "",
                "Days the bucket keeps the access logs.", IntRange(1, 3650, "days")),
      REX_FIELD("logRetentionDays", log_retention_days, "Monitoring", "Days logs are kept.",
                IntOneOf({1,   3,   5,   7,   14,   30,   60,   90,   120,  150,  180,
                          365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653},
                         "one of CloudWatch's values: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, "
                         "180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653")),
      REX_FIELD("enableAlarms", enable_alarms, "",
                "CloudWatch alarms (CPU, memory, 5xx, unhealthy targets, DB connections, cache "
                "memory) to an SNS topic.",
                Rule{}),
      REX_FIELD("alertEmail", alert_email, "",
                "Email subscribed to the alarm topic (needs enableAlarms).",
                Text("an email address such as \"ops@example.com\"", IsEmail,
                     /*empty_ok=*/true)),
      REX_FIELD("backupPlan.enabled", backup_plan.enabled, "Backups and audit",
                "AWS Backup plan: a daily backup (05:00 UTC) of the database to a vault of the "
                "stack.",
                Rule{}),
      REX_FIELD("backupPlan.retentionDays", backup_plan.retention_days, "",
                "Days each daily backup (and its copy) is kept.", IntRange(1, 36500, "days")),
      REX_FIELD("backupPlan.copyRegion", backup_plan.copy_region, "",
                "Region each backup is copied to; empty: no copy. Its vault <projectName>-"
                "<environment>-backups must exist there (README).",
                Text("an AWS region name other than the stack's, such as \"us-west-2\"", IsRegion,
                     /*empty_ok=*/true)),
      REX_FIELD("cloudTrail.enabled", cloud_trail.enabled, "",
                "A multi-region CloudTrail trail with log-file validation to a bucket of the "
                "stack.",
                Rule{}),
      REX_FIELD("cloudTrail.retentionDays", cloud_trail.retention_days, "",
                "Days the bucket keeps the trail's log files.", IntRange(1, 3650, "days")),
      REX_FIELD("secretsProvider", secrets_provider, "Secrets",
                "What seals this file's secrets: \"passphrase\" (REX_CONFIG_PASSPHRASE) or "
                "\"awskms://KEY\" (a data key that KMS key KEY encrypts, so IAM grants "
                "kms:Decrypt instead of a shared passphrase). Change it with \"rex config "
                "change-secrets-provider\", which re-encrypts every secret.",
                Text(SecretsProviderAllowed(), IsSecretsProvider)),
      REX_FIELD(
          "encryptedDataKey", encrypted_data_key, "",
          "With awskms://: the data key sealing the secrets, encrypted by the KMS key "
          "(base64); written by \"rex config change-secrets-provider\", never by hand.",
          Text("base64 of the CiphertextBlob KMS GenerateDataKey returned", IsEncryptedDataKey,
               /*empty_ok=*/true)),
  };
  return fields;
}

#undef REX_FIELD

const Field* FindField(std::string_view key) {
  for (const Field& f : Fields()) {
    if (f.key == key) return &f;
  }
  return nullptr;
}

bool IsSecretField(const Field& f) { return std::holds_alternative<SecretRef>(f.ref); }

FieldValue ValueOf(const Field& f, const Config& config) {
  Config& c = const_cast<Config&>(config);  // the accessors are shared with the loader
  return std::visit([&](auto ref) -> FieldValue { return &ref(c); }, f.ref);
}

std::string Comment(const Field& f) {
  std::string out(f.doc);
  if (!f.rule.allowed.empty()) {
    out += (out.empty() ? "" : " ") + std::string("Allowed: ") + f.rule.allowed + ".";
  }
  return out;
}

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
  for (const char* section : {"jobs", "queues", "buckets"}) add(section);
  return out;
}

std::string JoinPath(std::string_view prefix, std::string_view name) {
  return prefix.empty() ? std::string(name) : std::string(prefix) + "." + std::string(name);
}

// --- formatting

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
    out += text::QuoteAll(items[i]);
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

// A string as a YAML scalar: plain when that reads back as the same string, else quoted.
// Text that other YAML readers would take for a number, boolean or null ("15.10", "yes") is
// quoted too, although rex itself reads scalars by their text.
std::string YamlScalar(const std::string& value) {
  static const std::set<std::string, std::less<>> kLookAlikes = {
      "null", "Null", "NULL", "~",   "yes", "Yes", "YES", "no", "No", "NO",  "on",
      "On",   "ON",   "off",  "Off", "OFF", "y",   "Y",   "n",  "N",  ".inf"};
  if (text::ParseNumber(value) || text::ParseBool(value) || kLookAlikes.count(value) > 0)
    return text::QuoteAll(value);
  YAML::Emitter out;
  out << value;
  return out.c_str();
}

}  // namespace rex::config::keys
