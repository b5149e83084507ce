#pragma once

// Policy checks on a synthesized CloudFormation template (`rex check`, and the check summary
// of `rex preview`). Pure: each rule reads resource types and properties, nothing else.
//
// Rules (id, severity; Rules() carries why each matters and the fix):
//   aurora-encryption          error    Aurora cluster StorageEncrypted is true
//   redis-encryption           error    Redis replication group AtRestEncryptionEnabled is true
//   ecr-encryption             error    ECR EncryptionConfiguration, when given, is AES256, KMS or
//                                       KMS_DSSE. Decision: a repository without it is encrypted
//                                       (ECR encrypts every image with AES-256 by default), so it
//                                       passes.
//   logs-kms                   info     a log group has no KmsKeyId (CloudWatch Logs encrypts
//                                       at rest anyway; a KMS key adds key control and audit)
//   sg-open-ingress            error    no ingress from 0.0.0.0/0 or ::/0, except TCP 80 or 443
//                                       on a security group a load balancer uses
//   iam-wildcard-action        error    no Allow of "*" or "<service>:*" in an IAM policy
//   iam-wildcard-resource      error    no Allow on Resource "*" unless every action is in the
//                                       list of actions that only support "*" (checks.cc)
//   log-retention              error    every log group sets RetentionInDays
//   aurora-backup-retention    error    Aurora BackupRetentionPeriod is 7 days or more
//   aurora-deletion-protection error    outside dev: Aurora DeletionProtection is true
//   aurora-final-snapshot      warning  outside dev: the cluster's DeletionPolicy is Snapshot
//                                       or Retain
//   ecr-scan-on-push           warning  ECR ImageScanningConfiguration.ScanOnPush is true
//   ecs-circuit-breaker        error    every ECS service has a deployment circuit breaker with
//                                       Enable and Rollback true
//   alb-http-listener          error    when a listener has a certificate (HTTPS), every HTTP
//                                       listener only redirects to HTTPS
//   ecs-public-ip              error    ECS services do not set AssignPublicIp ENABLED
//   ecs-plaintext-secret       error    no container environment variable named like a secret
//                                       (PASSWORD, PASSWD, SECRET, TOKEN, API_KEY, APIKEY,
//                                       PRIVATE_KEY, CREDENTIALS as a word of its name) with a
//                                       literal value or a Ref to a parameter without NoEcho;
//                                       use the container's Secrets (Secrets Manager) instead
//   aurora-engine-deprecated   warning  an aurora-postgresql EngineVersion that AWS no longer
//                                       accepts for new clusters, or that the version list does
//                                       not know
//   aurora-iam-auth            error    Aurora EnableIAMDatabaseAuthentication is true
//   sns-tls                    error    an SNS topic without a KMS key has a topic policy
//                                       denying sns:Publish to "*" when aws:SecureTransport is
//                                       false
//   sqs-tls                    error    every SQS queue has a queue policy denying sqs:* to
//                                       "*" when aws:SecureTransport is false
//   alb-access-logs            warning  outside dev: every application load balancer sets
//                                       access_logs.s3.enabled true (a warning until the stack
//                                       writes access logs: issue 13)
//   secret-rotation            warning  every Secrets Manager secret has a RotationSchedule
//                                       (a warning until the stack rotates its secrets)
//   backup-plan                warning  outside dev: an AWS::Backup::BackupSelection selects
//                                       every Aurora cluster (a Ref or GetAtt of it in
//                                       Resources)
//   cloudtrail                 warning  a CloudTrail trail sets IsLogging, IsMultiRegionTrail
//                                       and EnableLogFileValidation true. Decision: a template
//                                       without a trail is no finding (accounts often log
//                                       through an organization trail that no stack shows).
//   redis-auth                 warning  a Redis replication group has an AuthToken or
//                                       UserGroupIds (a warning until the stack sets them)
//
// The rules of cdk-nag's AwsSolutions pack that these match are in RuleInfo::cdk_nag. A
// finding is also suppressed by the template itself: a record in its resource's Metadata,
// `cdk_nag: {rules_to_suppress: [{id, reason}]}` (stack/accepted.h writes them), whose id
// (with or without a "[...]" detail) is one of the rule's cdk_nag ids, with a reason. A
// suppression of the config (below) is applied first.
//
// Severity: an unsuppressed error fails `rex check` (exit 1); warnings and info are reported
// and do not fail. A suppression accepts the findings of one rule, on one resource (matched by
// its rex:path, its path below the stack, a path prefix ending at a "/", or its logical id) or
// on every resource when `resource` is empty; it must give a reason, and a suppression without
// one suppresses nothing (the config loader refuses it first).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/result.h"

namespace rex::tmpl {

enum class Severity { kError, kWarning, kInfo };

// "error", "warning", "info".
std::string_view SeverityName(Severity severity);

struct RuleInfo {
  std::string id;  // "aurora-encryption"
  Severity severity = Severity::kError;
  std::string title;  // one line: what the rule requires
  std::string why;    // why it matters
  std::string fix;    // what to change
  // The ids of cdk-nag's AwsSolutions rules this rule matches ("AwsSolutions-SNS3"); a
  // template record accepting one of them suppresses this rule's finding on that resource.
  std::vector<std::string> cdk_nag = {};
};

// Every rule, in the order findings are reported.
const std::vector<RuleInfo>& Rules();
// The rule called `id`; nullptr if there is none.
const RuleInfo* FindRule(std::string_view id);

struct Finding {
  std::string rule;
  Severity severity = Severity::kError;
  std::string logical_id;
  std::string path;     // rex:path; "" if the resource has none
  std::string type;     // "AWS::RDS::DBCluster"
  std::string message;  // what is wrong with this resource, specifically
  std::string why;      // the rule's why
  std::string fix;      // the rule's fix
  bool suppressed = false;
  std::string suppression_reason = "";
};

struct Suppression {
  std::string rule = "";
  std::string resource = "";  // a construct path or logical id; "" = every resource
  std::string reason = "";
};

struct CheckOptions {
  // The stack's environment; rules marked "outside dev" apply when it is not "dev".
  std::string environment = "dev";
  std::vector<Suppression> suppressions = {};
  // The accepted and deprecated Aurora versions, in the format of
  // spec/rds-engine-versions.json. Default: the copy built into rex (BuiltInEngineVersions).
  std::optional<base::Json> engine_versions = {};
};

// Runs every rule over `tmpl`, then applies the suppressions. Findings are ordered by rule
// (the order of Rules()), then logical id. Never fails: what a rule cannot read (an intrinsic
// where it needs a literal) is not a finding.
std::vector<Finding> RunChecks(const base::Json& tmpl, const CheckOptions& options);

// True if a finding is an error and not suppressed: `rex check` then exits 1.
bool HasUnsuppressedErrors(const std::vector<Finding>& findings);

// Suppressions that did nothing: an unknown rule id, a missing reason, or no finding matched.
// Each as a message for a warning ("checks.suppress[1]: no finding of rule ... on ...").
std::vector<std::string> UnusedSuppressions(const std::vector<Finding>& findings,
                                            const CheckOptions& options);

// {"findings": [...], "summary": {"errors", "warnings", "info", "suppressed"}, "passed": bool};
// counts are of unsuppressed findings.
base::Json FindingsToJson(const std::vector<Finding>& findings);

// The JSON of spec/rds-engine-versions.json as built into rex (tests compare the two).
std::string_view BuiltInEngineVersionsJson();

}  // namespace rex::tmpl
