#include "stack/accepted.h"

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/secret_names.h"
#include "base/strings.h"
#include "core/references.h"

namespace rex::stack {
namespace {

// One accepted finding: the scanners' ids for it and why it stays.
struct Acceptance {
  std::string cdk_nag = "";                  // "AwsSolutions-EC23"
  std::vector<std::string> applies_to = {};  // the finding's detail in cdk-nag ("Resource::*")
  std::vector<std::string> cfn_nag = {};     // "W2"
  std::vector<std::string> checkov = {};     // "CKV_AWS_260"
  std::string reason = "";
};

const Acceptance kPublicAlb = {
    .cdk_nag = "AwsSolutions-EC23",
    .cfn_nag = {"W2", "W9"},
    .checkov = {"CKV_AWS_260"},
    .reason =
        "the security group of an internet-facing load balancer: only TCP 80 and 443 are "
        "open to the internet (80 redirects to HTTPS when a certificate is set); every "
        "other group admits only other security groups",
};

const Acceptance kEnvironment = {
    .cdk_nag = "AwsSolutions-ECS2",
    .reason =
        "the environment variables are non-secret configuration (no name reads like a "
        "secret's; rex check's ecs-plaintext-secret refuses those): secrets reach the "
        "containers from Secrets Manager through the container's Secrets",
};

const Acceptance kEcrLogin = {
    .cdk_nag = "AwsSolutions-IAM5",
    .applies_to = {"Resource::*"},
    .cfn_nag = {"W11"},
    .reason =
        "Resource * only for ecr:GetAuthorizationToken, which has no resource-level "
        "permissions; every other statement names the stack's resources",
};

const Acceptance kRedisPort = {
    .cdk_nag = "AwsSolutions-AEC5",
    .reason =
        "Redis listens on its default port 6379: changing Port replaces the replication "
        "group (its data is lost), and the port hides nothing the cache's security group "
        "does not already refuse (it admits only the services' group)",
};

const Acceptance kSingleCacheNode = {
    .cdk_nag = "AwsSolutions-AEC4",
    .reason =
        "one cache node by this stack's config (redisNumReplicas 0, chosen for cost): no "
        "Multi-AZ failover; a replica (redisNumReplicas 1 or more) turns it on",
};

const Acceptance kNoDeletionProtection = {
    .cdk_nag = "AwsSolutions-RDS10",
    .reason =
        "a dev stack (a throwaway environment): deletion protection is off by its config "
        "(dbDeletionProtection); rex check requires it in every other environment",
};

const Acceptance kRotatedByRex = {
    .cdk_nag = "AwsSolutions-SMG4",
    .reason =
        "rotated by rex secrets rotate supertokensApiKey: a new value, every service that "
        "reads it redeployed, the old value retired. SuperTokens and its callers read one "
        "static key at start, which a rotation Lambda could change but not roll out to the "
        "running tasks",
};

const Acceptance kStateMachineLogs = {
    .cdk_nag = "AwsSolutions-SF1",
    .reason =
        "a STANDARD state machine: Step Functions keeps the full history of every execution "
        "for 90 days (console, GetExecutionHistory), which is its log; CloudWatch Logs "
        "delivery would need logs:* permissions on Resource * for one run per rotation",
};

const Acceptance kStateMachineTracing = {
    .cdk_nag = "AwsSolutions-SF2",
    .reason =
        "each state is one AWS SDK call (ecs:UpdateService) with its result in the execution "
        "history; X-Ray would trace nothing more, and needs xray:* on Resource *",
};

const Acceptance kLogBucket = {
    .cdk_nag = "AwsSolutions-S1",
    .cfn_nag = {"W35"},
    .checkov = {"CKV_AWS_18"},
    .reason =
        "a bucket that receives logs (a CloudTrail trail's log files, a load balancer's access "
        "logs): its own server access "
        "logs would go to another log bucket, whose access logs would need a third; the "
        "writes arrive from the logging service only, under a TLS-only policy",
};

// The AWS managed policies that AWS Backup's own default service role carries.
const std::vector<std::string> kBackupPolicyNames = {"AWSBackupServiceRolePolicyForBackup",
                                                     "AWSBackupServiceRolePolicyForRestores"};

const Acceptance kBackupManagedPolicies = {
    .cdk_nag = "AwsSolutions-IAM4",
    .applies_to = {"Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                   "AWSBackupServiceRolePolicyForBackup",
                   "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                   "AWSBackupServiceRolePolicyForRestores"},
    .reason =
        "the role AWS Backup assumes carries the two AWS managed service-role policies AWS "
        "Backup documents for its default role; AWS keeps them current as Backup supports new "
        "resource types, and the role is assumable by backup.amazonaws.com only",
};

const Acceptance kNoRedisAuthInDev = {
    .cdk_nag = "AwsSolutions-AEC6",
    .checkov = {"CKV_AWS_31"},
    .reason =
        "Redis without AUTH in environment dev only, by this stack's config (redisAuth false; "
        "ElastiCache accepts a token only with redisTransitEncryption): the cache admits only "
        "the services' security group. rex check requires AUTH in every other environment",
};

const Acceptance kRedisTokenNotRotated = {
    .cdk_nag = "AwsSolutions-SMG4",
    .reason =
        "the Redis AUTH token of the replication group: ElastiCache changes a token only "
        "through ModifyReplicationGroup (ROTATE, then SET once every client has the new one), "
        "which no Secrets Manager rotation does for a token outside RBAC; the tasks read it at "
        "start and the cache admits only the services' security group",
};

const base::Json* Get(const base::Json* value, std::string_view key) {
  if (value == nullptr || !value->is_object()) return nullptr;
  auto it = value->find(std::string(key));
  return it == value->end() ? nullptr : &*it;
}

std::string String(const base::Json* value) {
  return value != nullptr && value->is_string() ? value->get<std::string>() : "";
}

// The logical id of {"Ref": id} or {"Fn::GetAtt": [id, ...]}; "" otherwise.
std::string TargetId(const base::Json& value) {
  if (const base::Json* ref = Get(&value, "Ref")) return String(ref);
  const base::Json* att = Get(&value, "Fn::GetAtt");
  if (att != nullptr && att->is_array() && !att->empty()) return String(&(*att)[0]);
  return "";
}

std::vector<const base::Json*> Items(const base::Json* value) {
  std::vector<const base::Json*> out;
  if (value == nullptr) return out;
  if (value->is_array()) {
    for (const auto& item : *value) out.push_back(&item);
  } else {
    out.push_back(value);
  }
  return out;
}

void Record(base::Json& resource, const Acceptance& a) {
  base::Json& metadata = resource["Metadata"];
  if (!metadata.is_object()) metadata = base::Json::object();
  auto add = [](base::Json& form, std::string_view list, base::Json entry) {
    if (!form.is_object()) form = base::Json::object();
    base::Json& items = form[std::string(list)];
    if (!items.is_array()) items = base::Json::array();
    for (const auto& existing : items) {
      if (existing == entry) return;
    }
    items.push_back(std::move(entry));
  };
  base::Json nag = {{"id", a.cdk_nag}, {"reason", a.reason}};
  if (!a.applies_to.empty()) nag["applies_to"] = a.applies_to;
  add(metadata["cdk_nag"], "rules_to_suppress", std::move(nag));
  for (const std::string& id : a.cfn_nag) {
    add(metadata["cfn_nag"], "rules_to_suppress", {{"id", id}, {"reason", a.reason}});
  }
  for (const std::string& id : a.checkov) {
    add(metadata["checkov"], "skip", {{"id", id}, {"comment", a.reason}});
  }
}

// True if every rule open to the internet is TCP 80 or 443 (and at least one is).
bool OnlyWebPortsOpen(const base::Json& group) {
  const base::Json* rules = Get(Get(&group, "Properties"), "SecurityGroupIngress");
  bool any = false;
  for (const base::Json* rule : Items(rules)) {
    std::string cidr = String(Get(rule, "CidrIp"));
    std::string cidr6 = String(Get(rule, "CidrIpv6"));
    if (cidr != "0.0.0.0/0" && cidr6 != "::/0") continue;
    const base::Json* from = Get(rule, "FromPort");
    const base::Json* to = Get(rule, "ToPort");
    std::string protocol = String(Get(rule, "IpProtocol"));
    bool web = (protocol == "tcp" || protocol == "6") && from != nullptr && to != nullptr &&
               from->is_number() && *from == *to && (*from == 80 || *from == 443);
    if (!web) return false;
    any = true;
  }
  return any;
}

// True if no container of the task definition has an environment variable named like a
// secret (and some container has environment variables).
bool EnvironmentIsNonSecret(const base::Json& task) {
  bool any = false;
  for (const base::Json* container : Items(Get(Get(&task, "Properties"), "ContainerDefinitions"))) {
    const base::Json* env = Get(container, "Environment");
    if (env == nullptr || !env->is_array()) continue;
    for (const auto& variable : *env) {
      if (base::LooksLikeSecretName(String(Get(&variable, "Name")))) return false;
      any = true;
    }
  }
  return any;
}

// True if every Allow statement on Resource "*" of the role's policies grants only
// ecr:GetAuthorizationToken (and one does).
bool StarOnlyForEcrLogin(const base::Json& role) {
  bool any = false;
  for (const base::Json* policy : Items(Get(Get(&role, "Properties"), "Policies"))) {
    const base::Json* statements = Get(Get(policy, "PolicyDocument"), "Statement");
    for (const base::Json* s : Items(statements)) {
      if (String(Get(s, "Effect")) != "Allow") continue;
      bool star = false;
      for (const base::Json* r : Items(Get(s, "Resource"))) star = star || String(r) == "*";
      if (!star) continue;
      for (const base::Json* action : Items(Get(s, "Action"))) {
        if (String(action) != "ecr:GetAuthorizationToken") return false;
      }
      any = true;
    }
  }
  return any;
}

// True if the role is assumed by backup.amazonaws.com only and every managed policy it has is
// one of kBackupPolicyNames (and it has one).
bool OnlyBackupManagedPolicies(const base::Json& role) {
  const base::Json* props = Get(&role, "Properties");
  for (const base::Json* s : Items(Get(Get(props, "AssumeRolePolicyDocument"), "Statement"))) {
    for (const base::Json* service : Items(Get(Get(s, "Principal"), "Service"))) {
      if (String(service) != "backup.amazonaws.com") return false;
    }
  }
  bool any = false;
  for (const base::Json* arn : Items(Get(props, "ManagedPolicyArns"))) {
    std::string text = String(Get(arn, "Fn::Sub"));
    bool known = false;
    for (const std::string& name : kBackupPolicyNames) {
      known = known || text == "arn:${AWS::Partition}:iam::aws:policy/service-role/" + name;
    }
    if (!known) return false;
    any = true;
  }
  return any;
}

// The logical ids of every {"Ref": id} inside `value`.
void CollectRefs(const base::Json& value, std::set<std::string>& ids) {
  core::ForEachReference(value, [&ids](const core::Reference& reference) {
    if (reference.kind == core::ReferenceKind::kRef) ids.insert(std::string(reference.name));
  });
}

}  // namespace

void RecordAcceptedFindings(base::Json& tmpl, std::string_view environment) {
  if (!tmpl.is_object() || !tmpl.contains("Resources") || !tmpl["Resources"].is_object()) return;
  base::Json& resources = tmpl["Resources"];
  std::set<std::string> lb_groups;
  std::set<std::string> auth_tokens;  // secrets a replication group's AuthToken reads
  std::set<std::string> log_buckets;  // buckets a trail or a load balancer writes logs to
  for (const auto& [id, r] : resources.items()) {
    if (String(Get(&r, "Type")) == "AWS::CloudTrail::Trail") {
      const base::Json* bucket = Get(Get(&r, "Properties"), "S3BucketName");
      if (bucket != nullptr) log_buckets.insert(TargetId(*bucket));
    }
    if (String(Get(&r, "Type")) == "AWS::ElastiCache::ReplicationGroup") {
      const base::Json* token = Get(Get(&r, "Properties"), "AuthToken");
      if (token != nullptr) CollectRefs(*token, auth_tokens);
    }
    if (String(Get(&r, "Type")) != "AWS::ElasticLoadBalancingV2::LoadBalancer") continue;
    for (const base::Json* attribute :
         Items(Get(Get(&r, "Properties"), "LoadBalancerAttributes"))) {
      if (String(Get(attribute, "Key")) == "access_logs.s3.bucket" && Get(attribute, "Value")) {
        log_buckets.insert(TargetId(*Get(attribute, "Value")));
      }
    }
    for (const base::Json* group : Items(Get(Get(&r, "Properties"), "SecurityGroups"))) {
      lb_groups.insert(TargetId(*group));
    }
  }
  for (auto& [id, r] : resources.items()) {
    const std::string type = String(Get(&r, "Type"));
    const base::Json* props = Get(&r, "Properties");
    if (type == "AWS::EC2::SecurityGroup" && lb_groups.count(id) > 0 && OnlyWebPortsOpen(r)) {
      Record(r, kPublicAlb);
    } else if (type == "AWS::ECS::TaskDefinition" && EnvironmentIsNonSecret(r)) {
      Record(r, kEnvironment);
    } else if (type == "AWS::IAM::Role" && StarOnlyForEcrLogin(r)) {
      Record(r, kEcrLogin);
    } else if (type == "AWS::IAM::Role" && OnlyBackupManagedPolicies(r)) {
      Record(r, kBackupManagedPolicies);
    } else if (type == "AWS::S3::Bucket" && log_buckets.count(id) > 0) {
      Record(r, kLogBucket);
    } else if (type == "AWS::ElastiCache::ReplicationGroup") {
      const base::Json* port = Get(props, "Port");
      if (port == nullptr || (port->is_number() && *port == 6379)) Record(r, kRedisPort);
      const base::Json* clusters = Get(props, "NumCacheClusters");
      const base::Json* multi_az = Get(props, "MultiAZEnabled");
      if (clusters != nullptr && clusters->is_number() && *clusters == 1 &&
          (multi_az == nullptr || *multi_az == false)) {
        Record(r, kSingleCacheNode);
      }
      if (environment == "dev" && Get(props, "AuthToken") == nullptr &&
          Get(props, "UserGroupIds") == nullptr) {
        Record(r, kNoRedisAuthInDev);
      }
    } else if (type == "AWS::SecretsManager::Secret" &&
               base::EndsWith(String(Get(props, "Name")), "/supertokens/api-key")) {
      Record(r, kRotatedByRex);
    } else if (type == "AWS::StepFunctions::StateMachine" &&
               String(Get(props, "StateMachineType")) == "STANDARD") {
      if (Get(props, "LoggingConfiguration") == nullptr) Record(r, kStateMachineLogs);
      if (Get(props, "TracingConfiguration") == nullptr) Record(r, kStateMachineTracing);
    } else if (type == "AWS::SecretsManager::Secret" && auth_tokens.count(id) > 0) {
      Record(r, kRedisTokenNotRotated);
    } else if (type == "AWS::RDS::DBCluster" && environment == "dev") {
      const base::Json* protection = Get(props, "DeletionProtection");
      if (protection == nullptr || *protection == false) Record(r, kNoDeletionProtection);
    }
  }
}

}  // namespace rex::stack
