#include "template/checks.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <set>

#include "base/secret_names.h"
#include "base/strings.h"
#include "template/graph.h"

namespace rex::tmpl {
namespace {

// A copy of spec/rds-engine-versions.json, so the single rex binary needs no spec folder at
// run time. tests/template/checks_test.cc fails when the two differ: refresh this copy whenever
// tools/refresh-spec rewrites the file.
constexpr std::string_view kEngineVersionsJson = R"json({
  "engine": "aurora-postgresql",
  "major": "15",
  "source": "cfn-lint 1.51.0: cfnlint/data/schemas/extensions/aws_rds_dbcluster/engine_version.json minus engine_version_deprecated.json (rules E3690/W3690)",
  "accepted": [
    "15.8",
    "15.10",
    "15.12",
    "15.13",
    "15.14",
    "15.15",
    "15.17"
  ],
  "deprecated": [
    "15.2",
    "15.3",
    "15.4",
    "15.5",
    "15.6",
    "15.7"
  ],
  "default": "15.17"
}
)json";

// Actions whose entry in the AWS Service Authorization Reference has no resource type: they
// can only be granted on Resource "*", so "*" is as narrow as it gets. Everything else must
// name its resources. Add an action only after checking that reference; actions that do take
// resources (logs:CreateLogGroup, logs:CreateLogStream, iam:PassRole, secretsmanager:
// GetSecretValue, ...) never belong here.
const std::set<std::string>& StarOnlyActions() {
  static const std::set<std::string> actions = {
      "ecr:GetAuthorizationToken",  // docker login to ECR
      "cloudwatch:PutMetricData",   // custom metrics (namespace via condition)
      "cloudwatch:GetMetricData",
      "cloudwatch:ListMetrics",
      "ecs:DescribeTaskDefinition",
      "ecs:RegisterTaskDefinition",
      "ecs:DeregisterTaskDefinition",
      "ecs:ListClusters",
      "ecs:ListTaskDefinitions",
      "servicediscovery:DiscoverInstances",  // Cloud Map lookups by the api
      "servicediscovery:DiscoverInstancesRevision",
      "ssmmessages:CreateControlChannel",  // ECS Exec
      "ssmmessages:CreateDataChannel",
      "ssmmessages:OpenControlChannel",
      "ssmmessages:OpenDataChannel",
      "sts:GetCallerIdentity",
      "xray:GetSamplingRules",
      "xray:GetSamplingTargets",
      "xray:PutTelemetryRecords",
      "xray:PutTraceSegments",
      "secretsmanager:GetRandomPassword",
      "secretsmanager:ListSecrets",
  };
  return actions;
}

// Action prefixes of which every action is "*"-only (all EC2, ELB and Application Auto
// Scaling Describe calls).
const std::vector<std::string>& StarOnlyPrefixes() {
  static const std::vector<std::string> prefixes = {"ec2:Describe", "elasticloadbalancing:Describe",
                                                    "application-autoscaling:Describe"};
  return prefixes;
}

bool IsStarOnly(const std::string& action) {
  if (StarOnlyActions().count(action) > 0) return true;
  for (const std::string& prefix : StarOnlyPrefixes()) {
    if (base::StartsWith(action, prefix)) return true;
  }
  return false;
}

const base::Json* Prop(const base::Json& resource, std::string_view name) {
  return Member(Member(resource, "Properties"), name);
}

const base::Json* Field(const base::Json* object, std::string_view name) {
  return Member(object, name);
}

std::optional<bool> BoolOf(const base::Json* value) {
  if (value == nullptr) return std::nullopt;
  if (value->is_boolean()) return value->get<bool>();
  if (value->is_string() && (*value == "true" || *value == "false")) return *value == "true";
  return std::nullopt;
}

std::optional<double> NumberOf(const base::Json* value) {
  if (value == nullptr) return std::nullopt;
  if (value->is_number()) return value->get<double>();
  if (value->is_string()) {
    const std::string& text = value->get<std::string>();
    char* end = nullptr;
    double parsed = std::strtod(text.c_str(), &end);
    if (!text.empty() && end == text.c_str() + text.size()) return parsed;
  }
  return std::nullopt;
}

std::optional<std::string> StringOf(const base::Json* value) {
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return value->get<std::string>();
}

// The strings of a string-or-list field; intrinsics are skipped.
std::vector<std::string> Strings(const base::Json* value) {
  std::vector<std::string> out;
  if (value == nullptr) return out;
  if (value->is_string()) out.push_back(value->get<std::string>());
  if (value->is_array()) {
    for (const auto& item : *value) {
      if (item.is_string()) out.push_back(item.get<std::string>());
    }
  }
  return out;
}

// The logical id a Ref or Fn::GetAtt names, if `value` is one.
std::optional<std::string> Target(const base::Json* value) {
  if (value == nullptr || !value->is_object() || value->size() != 1) return std::nullopt;
  std::set<std::string> ids = ReferencedIds(*value);
  if (ids.size() != 1) return std::nullopt;
  return *ids.begin();
}

std::string PathBelowStack(std::string_view path) {
  size_t slash = path.find('/');
  return slash == std::string_view::npos ? "" : std::string(path.substr(slash + 1));
}

class Checker {
 public:
  Checker(const base::Json& tmpl, const CheckOptions& options) : tmpl_(tmpl), options_(options) {
    resources_ = Member(tmpl, "Resources");
    if (resources_ != nullptr && !resources_->is_object()) resources_ = nullptr;
  }

  std::vector<Finding> Run() {
    if (resources_ == nullptr) return {};
    IndexLoadBalancers();
    IndexPolicies();
    for (const auto& [id, r] : resources_->items()) {
      if (!r.is_object()) continue;
      std::string type = TypeOf(r);
      if (type == "AWS::RDS::DBCluster") DbCluster(id, r);
      if (type == "AWS::SNS::Topic") Topic(id, r);
      if (type == "AWS::SQS::Queue" && tls_queues_.count(id) == 0) {
        Report("sqs-tls", id, r,
               "no queue policy denies sqs:* without TLS (aws:SecureTransport "
               "false)");
      }
      if (type == "AWS::ElasticLoadBalancingV2::LoadBalancer") LoadBalancer(id, r);
      if (type == "AWS::SecretsManager::Secret" && rotated_.count(id) == 0) {
        Report("secret-rotation", id, r, "no AWS::SecretsManager::RotationSchedule rotates it");
      }
      if (type == "AWS::ElastiCache::ReplicationGroup") ReplicationGroup(id, r);
      if (type == "AWS::CloudTrail::Trail") Trail(id, r);
      if (type == "AWS::ECR::Repository") Repository(id, r);
      if (type == "AWS::Logs::LogGroup") LogGroup(id, r);
      if (type == "AWS::EC2::SecurityGroup") SecurityGroup(id, r);
      if (type == "AWS::EC2::SecurityGroupIngress") {
        auto group = Target(Prop(r, "GroupId"));
        Ingress(id, r, r.contains("Properties") ? &r["Properties"] : nullptr, group.value_or(""));
      }
      if (type == "AWS::IAM::Role") {
        const base::Json* policies = Prop(r, "Policies");
        if (policies != nullptr && policies->is_array()) {
          for (const auto& p : *policies) {
            std::string name = StringOf(Field(&p, "PolicyName")).value_or("");
            Policy(id, r, Field(&p, "PolicyDocument"), name);
          }
        }
      }
      if (type == "AWS::IAM::Policy" || type == "AWS::IAM::ManagedPolicy") {
        Policy(id, r, Prop(r, "PolicyDocument"), StringOf(Prop(r, "PolicyName")).value_or(""));
      }
      if (type == "AWS::ECS::Service") EcsService(id, r);
      if (type == "AWS::ECS::TaskDefinition") TaskDefinition(id, r);
    }
    Listeners();

    std::map<std::string, size_t> order;
    for (size_t i = 0; i < Rules().size(); ++i) order[Rules()[i].id] = i;
    std::stable_sort(findings_.begin(), findings_.end(), [&](const Finding& a, const Finding& b) {
      return std::tie(order[a.rule], a.logical_id) < std::tie(order[b.rule], b.logical_id);
    });
    return std::move(findings_);
  }

 private:
  static std::string TypeOf(const base::Json& r) {
    const base::Json* type = Member(r, "Type");
    return type != nullptr && type->is_string() ? type->get<std::string>() : "";
  }

  void Report(std::string_view rule, const std::string& id, const base::Json& r,
              std::string message) {
    const RuleInfo* info = FindRule(rule);
    if (info == nullptr) return;
    findings_.push_back(Finding{.rule = info->id,
                                .severity = info->severity,
                                .logical_id = id,
                                .path = ResourcePath(r),
                                .type = TypeOf(r),
                                .message = std::move(message),
                                .why = info->why,
                                .fix = info->fix});
  }

  bool OutsideDev() const { return options_.environment != "dev"; }

  // Security groups that load balancers use.
  void IndexLoadBalancers() {
    for (const auto& [id, r] : resources_->items()) {
      if (!r.is_object() || TypeOf(r) != "AWS::ElasticLoadBalancingV2::LoadBalancer") continue;
      const base::Json* groups = Prop(r, "SecurityGroups");
      if (groups == nullptr) continue;
      for (const std::string& group : ReferencedIds(*groups)) lb_groups_.insert(group);
    }
  }

  // Topics with a TLS-only topic policy, and secrets with a rotation schedule.
  void IndexPolicies() {
    for (const auto& [id, r] : resources_->items()) {
      if (!r.is_object()) continue;
      std::string type = TypeOf(r);
      if (type == "AWS::SecretsManager::RotationSchedule") {
        if (auto secret = Target(Prop(r, "SecretId"))) rotated_.insert(*secret);
      }
      // A rule whose pattern names a resource (a cluster's MasterUserSecret.SecretArn) follows
      // its events.
      if (type == "AWS::Events::Rule" && Prop(r, "EventPattern") != nullptr) {
        for (const std::string& target : ReferencedIds(*Prop(r, "EventPattern"))) {
          followed_.insert(target);
        }
      }
      if (type == "AWS::SNS::TopicPolicy" &&
          DeniesPlainHttp(Prop(r, "PolicyDocument"), {"sns:Publish", "sns:*", "*"})) {
        const base::Json* topics = Prop(r, "Topics");
        if (topics != nullptr) {
          for (const std::string& topic : ReferencedIds(*topics)) tls_topics_.insert(topic);
        }
      }
      if (type == "AWS::SQS::QueuePolicy" &&
          DeniesPlainHttp(Prop(r, "PolicyDocument"), {"sqs:*", "*"})) {
        const base::Json* queues = Prop(r, "Queues");
        if (queues != nullptr) {
          for (const std::string& queue : ReferencedIds(*queues)) tls_queues_.insert(queue);
        }
      }
      if (type == "AWS::Backup::BackupSelection") {
        const base::Json* selected = Field(Prop(r, "BackupSelection"), "Resources");
        if (selected != nullptr) {
          for (const std::string& target : ReferencedIds(*selected)) backed_up_.insert(target);
        }
      }
    }
  }

  // True if a statement denies one of `actions` to every principal when aws:SecureTransport
  // is false.
  static bool DeniesPlainHttp(const base::Json* document, const std::set<std::string>& actions) {
    const base::Json* statements = Field(document, "Statement");
    if (statements == nullptr) return false;
    std::vector<const base::Json*> list;
    if (statements->is_array()) {
      for (const auto& st : *statements) list.push_back(&st);
    } else {
      list.push_back(statements);
    }
    for (const base::Json* st : list) {
      if (StringOf(Field(st, "Effect")).value_or("") != "Deny") continue;
      std::vector<std::string> denied = Strings(Field(st, "Action"));
      bool publish = std::any_of(denied.begin(), denied.end(),
                                 [&](const std::string& a) { return actions.count(a) > 0; });
      const base::Json* principal = Field(st, "Principal");
      bool everyone = (principal != nullptr && *principal == "*") ||
                      StringOf(Field(principal, "AWS")).value_or("") == "*";
      auto secure = BoolOf(Field(Field(Field(st, "Condition"), "Bool"), "aws:SecureTransport"));
      if (publish && everyone && secure.has_value() && !*secure) return true;
    }
    return false;
  }

  void Trail(const std::string& id, const base::Json& r) {
    std::vector<std::string> missing;
    for (const char* name : {"IsLogging", "IsMultiRegionTrail", "EnableLogFileValidation"}) {
      if (!BoolOf(Prop(r, name)).value_or(false)) missing.emplace_back(name);
    }
    if (missing.empty()) return;
    Report("cloudtrail", id, r,
           base::Join(missing, ", ") + (missing.size() == 1 ? " is" : " are") + " not true");
  }

  void Topic(const std::string& id, const base::Json& r) {
    if (Prop(r, "KmsMasterKeyId") != nullptr || tls_topics_.count(id) > 0) return;
    Report("sns-tls", id, r,
           "no topic policy denies sns:Publish without TLS (aws:SecureTransport false)");
  }

  void LoadBalancer(const std::string& id, const base::Json& r) {
    if (!OutsideDev()) return;
    if (StringOf(Prop(r, "Type")).value_or("application") != "application") return;
    const base::Json* attributes = Prop(r, "LoadBalancerAttributes");
    bool enabled = false;
    bool has_bucket = false;
    if (attributes != nullptr && attributes->is_array()) {
      for (const auto& a : *attributes) {
        const std::string key = StringOf(Field(&a, "Key")).value_or("");
        if (key == "access_logs.s3.enabled") enabled = BoolOf(Field(&a, "Value")).value_or(false);
        if (key == "access_logs.s3.bucket") has_bucket = Field(&a, "Value") != nullptr;
      }
    }
    if (!enabled) {
      Report("alb-access-logs", id, r,
             "access_logs.s3.enabled is not true in environment " + options_.environment);
    } else if (!has_bucket) {
      Report("alb-access-logs", id, r,
             "access_logs.s3.enabled is true but no access_logs.s3.bucket");
    }
  }

  void DbCluster(const std::string& id, const base::Json& r) {
    std::string engine = StringOf(Prop(r, "Engine")).value_or("");
    if (!base::StartsWith(engine, "aurora")) return;
    if (!BoolOf(Prop(r, "StorageEncrypted")).value_or(false)) {
      Report("aurora-encryption", id, r, "StorageEncrypted is not true");
    }
    if (!BoolOf(Prop(r, "EnableIAMDatabaseAuthentication")).value_or(false)) {
      Report("aurora-iam-auth", id, r, "EnableIAMDatabaseAuthentication is not true");
    }
    // RDS rotates a managed master password itself (no RotationSchedule); tasks that read it
    // at start need a rule that redeploys them after each rotation.
    if (BoolOf(Prop(r, "ManageMasterUserPassword")).value_or(false) && followed_.count(id) == 0) {
      Report("secret-rotation", id, r,
             "RDS rotates the managed master password (ManageMasterUserPassword), but no "
             "AWS::Events::Rule follows the rotation: running tasks keep the old password");
    }
    auto backup = NumberOf(Prop(r, "BackupRetentionPeriod"));
    if (!backup || *backup < 7) {
      Report("aurora-backup-retention", id, r,
             backup
                 ? "BackupRetentionPeriod is " + std::to_string(static_cast<int>(*backup)) + " days"
                 : "BackupRetentionPeriod is not set (AWS keeps 1 day)");
    }
    if (OutsideDev()) {
      if (!BoolOf(Prop(r, "DeletionProtection")).value_or(false)) {
        Report("aurora-deletion-protection", id, r,
               "DeletionProtection is not true in environment " + options_.environment);
      }
      std::string policy = StringOf(Field(&r, "DeletionPolicy")).value_or("");
      if (policy != "Snapshot" && policy != "Retain" && policy != "RetainExceptOnCreate") {
        Report("aurora-final-snapshot", id, r,
               "DeletionPolicy is " + (policy.empty() ? std::string("not set (Delete)") : policy) +
                   " in environment " + options_.environment);
      }
      if (backed_up_.count(id) == 0) {
        Report("backup-plan", id, r,
               "no AWS::Backup::BackupSelection selects it in environment " + options_.environment);
      }
    }
    EngineVersion(id, r, engine);
  }

  void EngineVersion(const std::string& id, const base::Json& r, const std::string& engine) {
    auto version = StringOf(Prop(r, "EngineVersion"));
    if (!version) return;
    const base::Json& versions = EngineVersions();
    if (!versions.is_object() || StringOf(Field(&versions, "engine")).value_or("") != engine) {
      return;
    }
    std::vector<std::string> accepted = Strings(Field(&versions, "accepted"));
    std::vector<std::string> deprecated = Strings(Field(&versions, "deprecated"));
    std::string preferred = StringOf(Field(&versions, "default")).value_or("");
    auto contains = [&](const std::vector<std::string>& list) {
      return std::find(list.begin(), list.end(), *version) != list.end();
    };
    if (contains(accepted)) return;
    if (contains(deprecated)) {
      Report("aurora-engine-deprecated", id, r,
             engine + " " + *version + " is deprecated: AWS refuses it for new clusters; use " +
                 preferred);
      return;
    }
    std::string major = StringOf(Field(&versions, "major")).value_or("");
    if (!major.empty() && base::StartsWith(*version, major + ".")) {
      Report("aurora-engine-deprecated", id, r,
             engine + " " + *version + " is not a version AWS is known to accept (" +
                 base::Join(accepted, ", ") + "); use " + preferred);
    }
  }

  const base::Json& EngineVersions() {
    if (options_.engine_versions) return *options_.engine_versions;
    if (!builtin_versions_) {
      auto parsed = base::ParseJson(BuiltInEngineVersionsJson(), "built-in engine versions");
      builtin_versions_ = parsed.has_value() ? std::move(parsed).value() : base::Json();
    }
    return *builtin_versions_;
  }

  void ReplicationGroup(const std::string& id, const base::Json& r) {
    if (!BoolOf(Prop(r, "AtRestEncryptionEnabled")).value_or(false)) {
      Report("redis-encryption", id, r, "AtRestEncryptionEnabled is not true");
    }
    if (Prop(r, "AuthToken") == nullptr && Prop(r, "UserGroupIds") == nullptr) {
      Report("redis-auth", id, r,
             BoolOf(Prop(r, "TransitEncryptionEnabled")).value_or(false)
                 ? "neither AuthToken nor UserGroupIds is set"
                 : "neither AuthToken nor UserGroupIds is set, and TransitEncryptionEnabled "
                   "(which AUTH needs) is not true");
    }
  }

  void Repository(const std::string& id, const base::Json& r) {
    const base::Json* encryption = Prop(r, "EncryptionConfiguration");
    if (encryption != nullptr) {
      auto kind = StringOf(Field(encryption, "EncryptionType"));
      if (kind && *kind != "AES256" && *kind != "KMS" && *kind != "KMS_DSSE") {
        Report("ecr-encryption", id, r,
               "EncryptionType is " + *kind + "; ECR accepts AES256, KMS or KMS_DSSE");
      }
    }
    const base::Json* scanning = Prop(r, "ImageScanningConfiguration");
    if (!BoolOf(Field(scanning, "ScanOnPush")).value_or(false)) {
      Report("ecr-scan-on-push", id, r, "ImageScanningConfiguration.ScanOnPush is not true");
    }
  }

  void LogGroup(const std::string& id, const base::Json& r) {
    if (Prop(r, "RetentionInDays") == nullptr) {
      Report("log-retention", id, r, "RetentionInDays is not set: logs are kept forever");
    }
    if (Prop(r, "KmsKeyId") == nullptr) {
      Report("logs-kms", id, r, "no KmsKeyId: encrypted with a key CloudWatch Logs owns");
    }
  }

  void SecurityGroup(const std::string& id, const base::Json& r) {
    const base::Json* rules = Prop(r, "SecurityGroupIngress");
    if (rules == nullptr || !rules->is_array()) return;
    for (const auto& rule : *rules) Ingress(id, r, &rule, id);
  }

  // One ingress rule (inline or a SecurityGroupIngress resource) of security group `group`.
  void Ingress(const std::string& id, const base::Json& r, const base::Json* rule,
               const std::string& group) {
    std::string cidr;
    if (StringOf(Field(rule, "CidrIp")).value_or("") == "0.0.0.0/0") cidr = "0.0.0.0/0";
    if (StringOf(Field(rule, "CidrIpv6")).value_or("") == "::/0") cidr = "::/0";
    if (cidr.empty()) return;
    std::string protocol = StringOf(Field(rule, "IpProtocol")).value_or("");
    if (auto n = NumberOf(Field(rule, "IpProtocol")))
      protocol = std::to_string(static_cast<int>(*n));
    auto from = NumberOf(Field(rule, "FromPort"));
    auto to = NumberOf(Field(rule, "ToPort"));
    bool tcp = protocol == "tcp" || protocol == "6";
    bool web_port = from && to && *from == *to && (*from == 80 || *from == 443);
    if (tcp && web_port && lb_groups_.count(group) > 0) return;
    std::string ports = protocol == "-1" || protocol == "all" ? "all traffic"
                        : from && to && *from == *to
                            ? protocol + " " + std::to_string(static_cast<int>(*from))
                        : from && to ? protocol + " " + std::to_string(static_cast<int>(*from)) +
                                           "-" + std::to_string(static_cast<int>(*to))
                                     : protocol;
    std::string where = lb_groups_.count(group) > 0 ? " (a load balancer's group: only TCP 80 "
                                                      "and 443 may be open)"
                                                    : "";
    Report("sg-open-ingress", id, r, "allows " + ports + " from " + cidr + where);
  }

  void Policy(const std::string& id, const base::Json& r, const base::Json* document,
              const std::string& name) {
    const base::Json* statements = Field(document, "Statement");
    if (statements == nullptr) return;
    std::vector<const base::Json*> list;
    if (statements->is_array()) {
      for (const auto& s : *statements) list.push_back(&s);
    } else {
      list.push_back(statements);
    }
    std::string where = name.empty() ? "" : "policy " + name + ": ";
    for (const base::Json* s : list) {
      if (StringOf(Field(s, "Effect")).value_or("") != "Allow") continue;
      std::vector<std::string> actions = Strings(Field(s, "Action"));
      for (const std::string& action : actions) {
        if (action == "*" || base::EndsWith(action, ":*")) {
          Report("iam-wildcard-action", id, r, where + "allows action \"" + action + "\"");
        }
      }
      std::vector<std::string> resources = Strings(Field(s, "Resource"));
      if (std::find(resources.begin(), resources.end(), "*") == resources.end()) continue;
      std::vector<std::string> broad;
      for (const std::string& action : actions) {
        if (!IsStarOnly(action)) broad.push_back(action);
      }
      if (Field(s, "Action") != nullptr && actions.empty()) broad.push_back("(computed actions)");
      if (!broad.empty()) {
        Report("iam-wildcard-resource", id, r,
               where + "allows " + base::Join(broad, ", ") + " on Resource \"*\"");
      }
    }
  }

  void EcsService(const std::string& id, const base::Json& r) {
    const base::Json* breaker =
        Field(Prop(r, "DeploymentConfiguration"), "DeploymentCircuitBreaker");
    bool enable = BoolOf(Field(breaker, "Enable")).value_or(false);
    bool rollback = BoolOf(Field(breaker, "Rollback")).value_or(false);
    if (!enable || !rollback) {
      Report("ecs-circuit-breaker", id, r,
             breaker == nullptr ? "no DeploymentCircuitBreaker"
             : !enable          ? "DeploymentCircuitBreaker.Enable is not true"
                                : "DeploymentCircuitBreaker.Rollback is not true");
    }
    const base::Json* vpc = Field(Prop(r, "NetworkConfiguration"), "AwsvpcConfiguration");
    if (StringOf(Field(vpc, "AssignPublicIp")).value_or("DISABLED") == "ENABLED") {
      Report("ecs-public-ip", id, r, "AssignPublicIp is ENABLED");
    }
  }

  // True if `value` may carry a secret's plaintext: a literal, or a Ref to a parameter that
  // is not NoEcho.
  bool PlaintextValue(const base::Json& value) const {
    if (value.is_string() || value.is_number()) return true;
    if (value.is_object() && value.size() == 1 && value.contains("Ref") &&
        value["Ref"].is_string()) {
      const base::Json* params = Field(&tmpl_, "Parameters");
      const base::Json* param = Field(params, value["Ref"].get<std::string>());
      if (param == nullptr) return false;  // a resource's id, not a value someone typed
      return !BoolOf(Field(param, "NoEcho")).value_or(false);
    }
    return false;
  }

  void TaskDefinition(const std::string& id, const base::Json& r) {
    const base::Json* containers = Prop(r, "ContainerDefinitions");
    if (containers == nullptr || !containers->is_array()) return;
    for (const auto& c : *containers) {
      std::string container = StringOf(Field(&c, "Name")).value_or("?");
      const base::Json* env = Field(&c, "Environment");
      if (env == nullptr || !env->is_array()) continue;
      for (const auto& var : *env) {
        std::string name = StringOf(Field(&var, "Name")).value_or("");
        const base::Json* value = Field(&var, "Value");
        if (name.empty() || value == nullptr || !base::LooksLikeSecretName(name)) continue;
        if (PlaintextValue(*value)) {
          Report("ecs-plaintext-secret", id, r,
                 "container " + container + ": environment variable " + name +
                     " has a plaintext value");
        }
      }
    }
  }

  void Listeners() {
    // Load balancers (by logical id; "" when the listener's is not a reference) that have a
    // listener with a certificate.
    std::set<std::string> with_tls;
    std::vector<std::pair<std::string, const base::Json*>> http;
    for (const auto& [id, r] : resources_->items()) {
      if (!r.is_object() || TypeOf(r) != "AWS::ElasticLoadBalancingV2::Listener") continue;
      std::string lb = Target(Prop(r, "LoadBalancerArn")).value_or("");
      std::string protocol = StringOf(Prop(r, "Protocol")).value_or("");
      const base::Json* certs = Prop(r, "Certificates");
      if (protocol == "HTTPS" || (certs != nullptr && certs->is_array() && !certs->empty())) {
        with_tls.insert(lb);
      } else if (protocol == "HTTP") {
        http.emplace_back(id, &r);
      }
    }
    if (with_tls.empty()) return;
    for (const auto& [id, r] : http) {
      std::string lb = Target(Prop(*r, "LoadBalancerArn")).value_or("");
      if (with_tls.count(lb) == 0 && with_tls.count("") == 0 && !lb.empty()) continue;
      const base::Json* actions = Prop(*r, "DefaultActions");
      bool redirects = actions != nullptr && actions->is_array() && !actions->empty();
      if (redirects) {
        for (const auto& a : *actions) {
          if (StringOf(Field(&a, "Type")).value_or("") != "redirect" ||
              StringOf(Field(Field(&a, "RedirectConfig"), "Protocol")).value_or("") != "HTTPS") {
            redirects = false;
          }
        }
      }
      if (!redirects) {
        Report("alb-http-listener", id, *r,
               "the HTTP listener serves plain HTTP although the load balancer has HTTPS");
      }
      for (const auto& [rule_id, rule] : resources_->items()) {
        if (!rule.is_object() || TypeOf(rule) != "AWS::ElasticLoadBalancingV2::ListenerRule") {
          continue;
        }
        if (Target(Prop(rule, "ListenerArn")).value_or("") != id) continue;
        Report("alb-http-listener", rule_id, rule,
               "a rule on HTTP listener " + id + " serves plain HTTP instead of redirecting");
      }
    }
  }

  const base::Json& tmpl_;
  const CheckOptions& options_;
  const base::Json* resources_ = nullptr;
  std::set<std::string> lb_groups_;
  std::set<std::string> tls_topics_;
  std::set<std::string> tls_queues_;
  std::set<std::string> rotated_;
  std::set<std::string> backed_up_;  // logical ids a BackupSelection selects
  std::set<std::string> followed_;   // resources an AWS::Events::Rule's pattern names
  std::optional<base::Json> builtin_versions_;
  std::vector<Finding> findings_;
};

bool Matches(const Suppression& s, const Finding& f) {
  if (s.reason.empty() || s.rule != f.rule) return false;
  if (s.resource.empty()) return true;
  std::string below = PathBelowStack(f.path);
  return s.resource == f.logical_id || (!f.path.empty() && s.resource == f.path) ||
         (!below.empty() && s.resource == below) ||
         (!f.path.empty() && base::StartsWith(f.path, s.resource + "/")) ||
         (!below.empty() && base::StartsWith(below, s.resource + "/"));
}

// The reason of a record in the resource's Metadata (cdk_nag.rules_to_suppress) that accepts
// one of the cdk-nag rules the finding's rule matches.
std::optional<std::string> RecordedAcceptance(const base::Json& tmpl, const Finding& f) {
  const RuleInfo* rule = FindRule(f.rule);
  if (rule == nullptr || rule->cdk_nag.empty()) return std::nullopt;
  const base::Json* resource = Member(Member(tmpl, "Resources"), f.logical_id);
  const base::Json* records =
      Member(Member(Member(resource, "Metadata"), "cdk_nag"), "rules_to_suppress");
  if (records == nullptr || !records->is_array()) return std::nullopt;
  for (const auto& record : *records) {
    std::string id = StringOf(Member(record, "id")).value_or("");
    std::string reason = StringOf(Member(record, "reason")).value_or("");
    id = id.substr(0, id.find('['));
    if (reason.empty()) continue;
    if (std::find(rule->cdk_nag.begin(), rule->cdk_nag.end(), id) != rule->cdk_nag.end()) {
      return "(recorded in the template) " + reason;
    }
  }
  return std::nullopt;
}

}  // namespace

std::string_view SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kInfo:
      return "info";
  }
  return "error";
}

const std::vector<RuleInfo>& Rules() {
  static const std::vector<RuleInfo> rules = {
      {"aurora-encryption", Severity::kError, "Aurora storage is encrypted at rest",
       "an unencrypted cluster exposes data, snapshots and backups to anyone who gets the "
       "storage, and encryption cannot be turned on later without a snapshot restore",
       "set StorageEncrypted: true (a new cluster: replacing an existing one needs a "
       "snapshot restore)"},
      {"redis-encryption", Severity::kError, "Redis data is encrypted at rest",
       "cache contents (sessions, job payloads) and snapshots sit unencrypted on disk",
       "set AtRestEncryptionEnabled: true on the replication group (replaces it)"},
      {"ecr-encryption", Severity::kError, "ECR repositories use a supported encryption type",
       "an unknown encryption type fails the deploy; ECR encrypts with AES-256 by default, "
       "which rex accepts",
       "remove EncryptionConfiguration (AES-256) or use AES256, KMS or KMS_DSSE"},
      {"logs-kms", Severity::kInfo, "log groups use a customer managed KMS key",
       "CloudWatch Logs always encrypts at rest; a KMS key adds key policy control and "
       "CloudTrail records of every decryption",
       "set KmsKeyId on the log group if your compliance rules ask for customer managed keys"},
      {"sg-open-ingress",
       Severity::kError,
       "no ingress from the whole internet except HTTP/HTTPS to the load balancer",
       "an open port on a database, cache or task is reachable by every scanner on the "
       "internet; only the load balancer is meant to face it",
       "allow the source security group (e.g. the load balancer's or the services') instead "
       "of 0.0.0.0/0 or ::/0",
       {"AwsSolutions-EC23"}},
      {"iam-wildcard-action", Severity::kError, "IAM policies name their actions",
       "\"*\" or \"service:*\" grants every present and future action of the service, "
       "including deletes and permission changes",
       "list the actions the task or role calls"},
      {"iam-wildcard-resource",
       Severity::kError,
       "IAM policies name their resources unless the action only supports \"*\"",
       "Resource \"*\" lets a compromised task act on every resource of that type in the "
       "account, not just the stack's",
       "use the ARNs of the stack's resources (Ref or Fn::GetAtt); only actions without "
       "resource-level permissions may keep \"*\"",
       {"AwsSolutions-IAM5"}},
      {"log-retention", Severity::kError, "every log group has a retention period",
       "without RetentionInDays logs are kept forever: storage cost grows every month and "
       "personal data outlives its purpose",
       "set RetentionInDays (logRetentionDays in the stack config)"},
      {"aurora-backup-retention", Severity::kError, "Aurora keeps backups for 7 days or more",
       "point-in-time recovery only reaches back as far as the retention; 1 day leaves no "
       "time to notice a bad migration",
       "set BackupRetentionPeriod to 7 or more (backupRetentionDays)"},
      {"aurora-deletion-protection", Severity::kError,
       "outside dev, the database has deletion protection",
       "a mistaken destroy or a replacement deletes the cluster and its automated backups",
       "set DeletionProtection: true (dbDeletionProtection: true)"},
      {"aurora-final-snapshot", Severity::kWarning,
       "outside dev, deleting the database leaves a final snapshot",
       "with DeletionPolicy Delete, removing the cluster from the template deletes it without "
       "a snapshot",
       "set DeletionPolicy: Snapshot (and UpdateReplacePolicy: Snapshot) on the cluster"},
      {"ecr-scan-on-push", Severity::kWarning, "ECR scans images on push",
       "known vulnerabilities in an image go unnoticed until someone scans by hand",
       "set ImageScanningConfiguration.ScanOnPush: true"},
      {"ecs-circuit-breaker", Severity::kError,
       "ECS services roll back failed deployments (circuit breaker)",
       "without it a deployment whose tasks keep crashing never finishes and the stack update "
       "hangs for hours before CloudFormation gives up",
       "set DeploymentConfiguration.DeploymentCircuitBreaker {Enable: true, Rollback: true}"},
      {"alb-http-listener", Severity::kError,
       "with a certificate, plain HTTP only redirects to HTTPS",
       "an HTTP listener that forwards lets clients send cookies and tokens in clear text "
       "although HTTPS is available",
       "make the HTTP listener's only action a redirect to HTTPS (port 443, status HTTP_301) "
       "and attach path rules to the HTTPS listener"},
      {"ecs-public-ip", Severity::kError, "ECS tasks get no public IP",
       "a task with a public IP is reachable from the internet around the load balancer, and "
       "each address costs $3.65 a month",
       "set AssignPublicIp: DISABLED and run tasks in private subnets behind the NAT gateway"},
      {"ecs-plaintext-secret", Severity::kError,
       "secrets reach containers from Secrets Manager, not as plain environment values",
       "a plaintext environment value is visible to anyone who can describe the task "
       "definition, and in every revision forever",
       "move the value to Secrets Manager and reference it in the container's Secrets "
       "(ValueFrom), or pass it as a NoEcho parameter"},
      {"aurora-engine-deprecated", Severity::kWarning,
       "the Aurora engine version is one AWS accepts for new clusters",
       "AWS refuses deprecated minor versions when it creates a cluster: the deploy fails "
       "after several minutes",
       "set dbEngineVersion to the default or another accepted version"},
      {"aurora-iam-auth",
       Severity::kError,
       "Aurora accepts IAM database authentication",
       "without it every database login is a long-lived password; IAM authentication lets "
       "roles connect with short-lived tokens that IAM policies grant and CloudTrail records",
       "set EnableIAMDatabaseAuthentication: true (no replacement, no interruption)",
       {"AwsSolutions-RDS6"}},
      {"sns-tls",
       Severity::kError,
       "SNS topics accept publishing over TLS only",
       "without a policy denying plain HTTP, messages (alarm details) may be published and "
       "delivered unencrypted in transit",
       "add an AWS::SNS::TopicPolicy denying sns:Publish to \"*\" when aws:SecureTransport "
       "is false (the topic is not replaced)",
       {"AwsSolutions-SNS3"}},
      {"sqs-tls",
       Severity::kError,
       "SQS queues accept requests over TLS only",
       "without a policy denying plain HTTP, messages (job payloads) may be sent and received "
       "unencrypted in transit",
       "add an AWS::SQS::QueuePolicy denying sqs:* to \"*\" when aws:SecureTransport is false "
       "(the queue is not replaced)",
       {"AwsSolutions-SQS4"}},
      {"alb-access-logs",
       Severity::kError,
       "outside dev, the load balancer writes access logs",
       "without access logs there is no record of who sent which request, for incident "
       "response or abuse reports",
       "set albAccessLogs.enabled true in the stack config (rex's bucket and policy), or in "
       "another template the load balancer attributes access_logs.s3.enabled true and "
       "access_logs.s3.bucket to an SSE-S3, TLS-only bucket whose policy lets Elastic Load "
       "Balancing write",
       {"AwsSolutions-ELB2"}},
      {"secret-rotation",
       Severity::kWarning,
       "Secrets Manager secrets are rotated, and the rotations of a cluster's managed master "
       "password are followed",
       "a secret that never changes stays valid forever once it leaks; after RDS rotates a "
       "managed password, tasks that read the old one at start fail to connect",
       "add an AWS::SecretsManager::RotationSchedule, or let RDS manage and rotate the "
       "database password (ManageMasterUserPassword, rex's dbManagedPassword) with an "
       "AWS::Events::Rule on its RotationSucceeded event that redeploys the services",
       {"AwsSolutions-SMG4"}},
      {"backup-plan",
       Severity::kWarning,
       "outside dev, an AWS Backup plan backs up the Aurora cluster",
       "the cluster's automated backups go with the cluster (at most 35 days, deleted with it "
       "unless a final snapshot is taken); a backup plan keeps daily recovery points in a vault "
       "apart from it, and can copy them to another region",
       "add an AWS::Backup::BackupSelection, of a plan with a daily rule, that selects the "
       "cluster's ARN",
       {}},
      {"cloudtrail",
       Severity::kWarning,
       "a CloudTrail trail logs every region and validates its log files",
       "a trail of one region misses API calls made elsewhere in the account, and without "
       "log-file validation nobody can prove that a log file was not changed or deleted",
       "set IsLogging, IsMultiRegionTrail and EnableLogFileValidation true on the trail",
       {}},
      {"redis-auth",
       Severity::kError,
       "Redis requires authentication",
       "without AUTH or RBAC anything that reaches the cache's port can read and change it",
       "set redisTransitEncryption and redisAuth true in the stack config (a generated token "
       "the services read as REDIS_PASSWORD; dev records its absence as accepted), or in "
       "another template TransitEncryptionEnabled with an AuthToken (from a generated secret) "
       "or UserGroupIds (RBAC)",
       {"AwsSolutions-AEC6"}},
  };
  return rules;
}

const RuleInfo* FindRule(std::string_view id) {
  for (const RuleInfo& rule : Rules()) {
    if (rule.id == id) return &rule;
  }
  return nullptr;
}

std::vector<Finding> RunChecks(const base::Json& tmpl, const CheckOptions& options) {
  std::vector<Finding> findings = Checker(tmpl, options).Run();
  for (Finding& f : findings) {
    for (const Suppression& s : options.suppressions) {
      if (Matches(s, f)) {
        f.suppressed = true;
        f.suppression_reason = s.reason;
        break;
      }
    }
    if (!f.suppressed) {
      if (auto reason = RecordedAcceptance(tmpl, f)) {
        f.suppressed = true;
        f.suppression_reason = *reason;
      }
    }
  }
  return findings;
}

bool HasUnsuppressedErrors(const std::vector<Finding>& findings) {
  return std::any_of(findings.begin(), findings.end(), [](const Finding& f) {
    return f.severity == Severity::kError && !f.suppressed;
  });
}

std::vector<std::string> UnusedSuppressions(const std::vector<Finding>& findings,
                                            const CheckOptions& options) {
  std::vector<std::string> out;
  for (size_t i = 0; i < options.suppressions.size(); ++i) {
    const Suppression& s = options.suppressions[i];
    std::string where = "checks.suppress[" + std::to_string(i) + "]: ";
    if (FindRule(s.rule) == nullptr) {
      std::vector<std::string> ids;
      for (const RuleInfo& rule : Rules()) ids.push_back(rule.id);
      std::string hint = base::ClosestMatch(s.rule, ids);
      out.push_back(where + "unknown rule \"" + s.rule + "\"" +
                    (hint.empty() ? "" : "; did you mean \"" + hint + "\"?"));
      continue;
    }
    if (s.reason.empty()) {
      out.push_back(where + "has no reason, so it suppresses nothing");
      continue;
    }
    bool used = std::any_of(findings.begin(), findings.end(),
                            [&](const Finding& f) { return Matches(s, f); });
    if (!used) {
      out.push_back(where + "no finding of rule " + s.rule +
                    (s.resource.empty() ? "" : " on " + s.resource) + "; remove it");
    }
  }
  return out;
}

base::Json FindingsToJson(const std::vector<Finding>& findings) {
  base::Json list = base::Json::array();
  int errors = 0, warnings = 0, info = 0, suppressed = 0;
  for (const Finding& f : findings) {
    base::Json j = {{"rule", f.rule},
                    {"severity", std::string(SeverityName(f.severity))},
                    {"logicalId", f.logical_id},
                    {"path", f.path},
                    {"type", f.type},
                    {"message", f.message},
                    {"why", f.why},
                    {"fix", f.fix},
                    {"suppressed", f.suppressed}};
    if (f.suppressed) j["reason"] = f.suppression_reason;
    list.push_back(std::move(j));
    if (f.suppressed) {
      ++suppressed;
    } else if (f.severity == Severity::kError) {
      ++errors;
    } else if (f.severity == Severity::kWarning) {
      ++warnings;
    } else {
      ++info;
    }
  }
  return {
      {"findings", list},
      {"summary",
       {{"errors", errors}, {"warnings", warnings}, {"info", info}, {"suppressed", suppressed}}},
      {"passed", errors == 0}};
}

std::string_view BuiltInEngineVersionsJson() { return kEngineVersionsJson; }

}  // namespace rex::tmpl
