#pragma once

// Everything day-2 operations need to know about a deployed Rex Backend stack, read from
// CloudFormation itself (DescribeStacks outputs, ListStackResources and GetTemplate), never from
// names rex guesses: the cluster, the private subnets and the services' security group for
// one-off tasks, the stack's workloads, the load balancer, the database cluster, the cache and
// the Amplify app.
//
// Workloads are found in the deployed template (FindWorkloads), so a service or job added in
// the config works with every day-2 command without code, and stacks deployed by earlier
// versions of rex work unchanged:
// - a service is an AWS::ECS::Service; its name is the name of the container of its task
//   definition that its LoadBalancers name (else the task definition's essential container);
//   its log group that container's awslogs-group; its target group the one in its
//   LoadBalancers; its image repository the output <name>RepositoryUrl (lowerCamelCase of the
//   name, as src/stack/ writes it: "email-sender" -> emailSenderRepositoryUrl);
// - a job is an AWS::ECS::TaskDefinition no service uses (migration, bootstrap, the config's
//   jobs), named by its essential container.
// The other parts are found by the logical ids the stack layer gives them (src/stack/*.cc:
// "ComputeCluster", "LoadBalancerAlb", ...) and checked against their resource type;
// tests/ops/stack_info_test.cc pins them against the golden templates. A stack deployed as
// nested stacks (over 500 resources) shows only the workloads of its parent template.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/cloudformation.h"
#include "base/json.h"
#include "base/result.h"
#include "base/status.h"

namespace rex::ops {

// A long-running ECS service of the stack.
struct ServiceInfo {
  std::string name = {};              // its container's name: "api", "worker", "notifier"
  std::string logical_id = {};        // "ComputeApiService"
  std::string service_arn = {};       // the physical id (an ARN on AWS; DescribeServices takes it)
  std::string service_name = {};      // the last segment of the ARN
  std::string task_definition = {};   // the ARN of the task definition it runs
  std::string log_group = {};         // "" if its container does not log to CloudWatch
  std::string target_group_arn = {};  // "" for services without one (worker)
  std::string repository_url = {};    // output <name>RepositoryUrl; "" for external images
};

// A one-off task of the stack: a task definition no service runs (rex run NAME).
struct JobInfo {
  std::string name = {};             // its essential container's name: "migration", "cleanup"
  std::string logical_id = {};       // "ComputeMigrationTaskDefinition"
  std::string task_definition = {};  // the ARN (RunTask takes it)
  std::string log_group = {};        // "" if its container does not log to CloudWatch
};

// The services and jobs of a deployed stack, by name.
struct Workloads {
  std::map<std::string, ServiceInfo> services;
  std::map<std::string, JobInfo> jobs;
};

// Finds the workloads of `tmpl` (the template CloudFormation holds) as the file comment says,
// with the physical ids of `resources` (a resource being deleted or whose creation failed is
// left out) and the repository URLs of `outputs`. A name two workloads share goes to the first
// in logical-id order; the others are named by their logical id. Pure; never fails: what the
// template does not say stays "".
Workloads FindWorkloads(const base::Json& tmpl,
                        const std::vector<aws::StackResourceSummary>& resources,
                        const std::map<std::string, std::string>& outputs);

struct StackInfo {
  std::string stack_name;
  std::string region;
  std::string stack_id;
  std::string stack_status;
  std::string stack_status_reason;
  std::optional<aws::TimePoint> creation_time = {};
  std::optional<aws::TimePoint> last_updated_time = {};  // absent until the first update

  // Where one-off tasks run (rex migrate, rex run, rex db bootstrap).
  std::string cluster;  // name (output ecsClusterName / ComputeCluster)
  std::vector<std::string> private_subnets;
  std::string services_security_group;

  // By name (FindWorkloads): only what the stack has.
  std::map<std::string, ServiceInfo> services;
  std::map<std::string, JobInfo> jobs;

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

  // The service or job, or nullptr.
  const ServiceInfo* FindService(std::string_view name) const;
  const JobInfo* FindJob(std::string_view name) const;
  // The log group of the service or job `name`; "" when it has none or the stack has no such
  // workload.
  std::string LogGroup(std::string_view name) const;
  // What the stack has, for "unknown name" messages: "services api, worker; jobs migration"
  // ("no services" / "no jobs" when empty).
  std::string DescribeWorkloads() const;
  // The physical id of `logical_id`, "" if the stack has no such resource.
  std::string PhysicalId(std::string_view logical_id) const;
};

// Builds the info from what CloudFormation answered (pure; for tests and LoadStackInfo).
// `tmpl`: the deployed template (GetTemplate), for FindWorkloads.
StackInfo BuildStackInfo(const aws::Stack& stack,
                         const std::vector<aws::StackResourceSummary>& resources,
                         const base::Json& tmpl, const std::string& region);

// Reads the stack (DescribeStacks, ListStackResources, GetTemplate).
// kNotFound "stack rex-backend-dev does not exist in us-east-1; run \"rex up\" first";
// AWS errors as the client returns them, with context "read stack <name>"; kFailedPrecondition
// when the deployed template cannot be read as a template (tmpl::ReadTemplate's message).
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

// kInvalidArgument for a workload name the stack does not have, naming what it has:
// "unknown service \"notifer\"; did you mean \"notifier\"? stack rex-backend-dev has services
// api, notifier, worker; jobs migration (rex logs takes a service or a job)". The hint is the
// closest of `candidates` (the names the command accepts).
base::Status UnknownWorkload(const StackInfo& info, std::string_view kind, std::string_view name,
                             const std::vector<std::string>& candidates, std::string_view usage);

// The output holding a service's repository URL, as src/stack/rex_stack.cc names it: the
// name in lowerCamelCase + "RepositoryUrl" ("email-sender" -> "emailSenderRepositoryUrl").
std::string RepositoryOutputName(std::string_view service);

// The last '/'-separated segment of an ARN ("arn:...:service/cluster/api" → "api"); the
// whole text when it has no '/'.
std::string LastArnSegment(std::string_view arn);

}  // namespace rex::ops
