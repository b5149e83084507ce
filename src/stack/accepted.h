#pragma once

// Findings of the industry's template scanners that the Rex stack accepts on purpose, on the
// record: each is written into the resource's Metadata, with its reason, in the forms the
// scanners read, so that cdk-nag, cfn_nag, checkov and `rex check` (which reads the cdk_nag
// form, template/checks.h) agree about the same template:
//
//   "Metadata": {
//     "cdk_nag": {"rules_to_suppress": [{"id": "AwsSolutions-EC23", "reason": "..."}]},
//     "cfn_nag": {"rules_to_suppress": [{"id": "W2", "reason": "..."}]},
//     "checkov": {"skip": [{"id": "CKV_AWS_260", "comment": "..."}]}
//   }
//
// (a scanner without a matching rule gets no entry). What is accepted, and only when the
// resource is as described (AcceptedFindings() in accepted.cc holds the reasons):
//   AwsSolutions-EC23  a load balancer's security group open to 0.0.0.0/0 or ::/0 on TCP 80
//                      and 443 only (a public ALB must be reachable)
//   AwsSolutions-ECS2  a task definition whose environment variables are all non-secret by
//                      name (base/secret_names.h); secrets reach containers through Secrets
//   AwsSolutions-IAM5  Resource "*" on an IAM role only for ecr:GetAuthorizationToken, which
//                      has no resource-level permissions
//   AwsSolutions-AEC5  Redis on its default port (changing Port replaces the replication
//                      group; the port hides nothing the cache's security group does not)
//   AwsSolutions-AEC4  a single-node replication group (redisNumReplicas 0, chosen for cost)
//   AwsSolutions-RDS10 an Aurora cluster without deletion protection, in environment "dev"
//                      only (`rex check` requires protection everywhere else, and only a
//                      checks.suppress entry of the config accepts its absence there)
//   AwsSolutions-IAM4  a role assumed only by backup.amazonaws.com whose managed policies are
//                      only AWS Backup's service-role policies for backup and restore
//   AwsSolutions-S1    a bucket without server access logs that a CloudTrail trail writes its
//                      log files to, or a load balancer its access logs (a log bucket
//                      logging to another would need a third)
//   AwsSolutions-SMG4  the SuperTokens API key's secret (Name ".../supertokens/api-key"):
//                      rotated by `rex secrets rotate supertokensApiKey` (cli/cmd_secrets.cc)
//   AwsSolutions-SF1   a STANDARD state machine without CloudWatch Logs (its execution
//   AwsSolutions-SF2   history, kept 90 days, is the log) and without X-Ray tracing
//   AwsSolutions-AEC6  a replication group without AuthToken or UserGroupIds, in environment
//                      "dev" only (redisAuth false there; `rex check` requires AUTH elsewhere)
//   AwsSolutions-SMG4  a secret a replication group's AuthToken reads (the Redis AUTH token:
//                      ElastiCache changes it through ModifyReplicationGroup only)
// Metadata changes never replace or interrupt a resource.
//
// Pure: reads and edits the JSON only.

#include <string_view>

#include "base/json.h"

namespace rex::stack {

// Adds the records above to the Metadata of the resources of a synthesized template (an
// object with "Resources") of the stack's `environment` ("dev", "prod", ...); existing
// Metadata members are kept. Idempotent.
void RecordAcceptedFindings(base::Json& tmpl, std::string_view environment);

}  // namespace rex::stack
