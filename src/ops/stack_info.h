#pragma once

// Everything day-2 operations need to know about a deployed Rex Backend stack, read from
// CloudFormation itself (DescribeStacks outputs and ListStackResources), never from names
// rex guesses: the cluster, the private subnets and the services' security group for one-off
// tasks, the task definitions of migration and bootstrap, each service's ECS service, log
// group and target group, the load balancer, the database cluster, the cache and the Amplify
// app.
//
// Resources are found by the logical ids the stack layer gives them (src/stack/*.cc:
// "ComputeApiService", "MonitoringMigrationLogGroup", ...) and checked against their
// resource type; tests/ops/stack_info_test.cc pins those ids against the golden templates so
// a rename there fails here too.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/cloudformation.h"
#include "base/result.h"
#include "base/status.h"

namespace rex::ops {

// The long-running ECS services of the stack, in display order.
inline constexpr std::string_view kServiceNames[] = {"api", "worker", "supertokens"};
// Log sources `rex logs` accepts: the services plus the one-off tasks.
inline constexpr std::string_view kLogSources[] = {"api", "worker", "supertokens", "migration",
                                                   "bootstrap"};

struct ServiceInfo {
  std::string name;              // "api", "worker", "supertokens"
  std::string logical_id;        // "ComputeApiService"
  std::string service_arn;       // the physical id (an ARN on AWS; DescribeServices takes it)
  std::string service_name;      // the last segment of the ARN
  std::string log_group;         // "" if the stack has none for it
  std::string target_group_arn;  // "" for services without one (worker)
};

struct StackInfo {
  std::string stack_name;
  std::string region;
  std::string stack_id;
  std::string stack_status;
  std::string stack_status_reason;
  std::optional<aws::TimePoint> creation_time = {};
  std::optional<aws::TimePoint> last_updated_time = {};  // absent until the first update

  // One-off tasks (rex migrate, rex db bootstrap).
  std::string cluster;  // name (output ecsClusterName / ComputeCluster)
  std::vector<std::string> private_subnets;
  std::string services_security_group;
  std::string migration_task_definition;  // ARN
  std::string bootstrap_task_definition;  // ARN

  // By ServiceInfo::name; only the services the stack has.
  std::map<std::string, ServiceInfo> services;
  // Log group name by source (kLogSources); only the ones the stack has.
  std::map<std::string, std::string> log_groups;

  std::string load_balancer_arn;
  std::string alb_dns_name;
  std::string api_url;
  std::string frontend_url;
  std::string db_cluster_identifier;
  std::string cache_replication_group_id;
  std::string amplify_app_arn;  // the physical id of the Amplify app
  std::string amplify_app_id;   // the id inside it ("d1a2b3c4")
  std::string amplify_branch;   // the branch name

  std::map<std::string, std::string> outputs;
  std::vector<aws::StackResourceSummary> resources;

  // The service or nullptr.
  const ServiceInfo* FindService(std::string_view name) const;
  // The physical id of `logical_id`, "" if the stack has no such resource.
  std::string PhysicalId(std::string_view logical_id) const;
};

// Builds the info from what CloudFormation answered (pure; for tests and LoadStackInfo).
StackInfo BuildStackInfo(const aws::Stack& stack,
                         const std::vector<aws::StackResourceSummary>& resources,
                         const std::string& region);

// Reads the stack (DescribeStacks, ListStackResources).
// kNotFound "stack rex-backend-dev does not exist in us-east-1; run \"rex up\" first";
// AWS errors as the client returns them, with context "read stack <name>".
base::Result<StackInfo> ReadStackInfo(aws::CloudFormationClient& cfn, const std::string& stack_name,
                                      const std::string& region);

// OK if the stack's resources can be used: its creation finished and it is not being deleted.
// kFailedPrecondition otherwise, naming the status and what to do ("... is ROLLBACK_COMPLETE:
// its creation failed and nothing is left; fix the cause and run \"rex up\"").
base::Status RequireUsable(const StackInfo& info);

// ReadStackInfo, then RequireUsable.
base::Result<StackInfo> LoadStackInfo(aws::CloudFormationClient& cfn, const std::string& stack_name,
                                      const std::string& region);

// kFailedPrecondition "stack <name> has no <what>; run \"rex up\" with this version of rex"
// when `value` is empty, else OK. For the fields an operation needs.
base::Status RequireField(const StackInfo& info, const std::string& value, std::string_view what);

// The last '/'-separated segment of an ARN ("arn:...:service/cluster/api" → "api"); the
// whole text when it has no '/'.
std::string LastArnSegment(std::string_view arn);

}  // namespace rex::ops
