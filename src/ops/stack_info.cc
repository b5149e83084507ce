#include "ops/stack_info.h"

#include <utility>

#include "base/strings.h"
#include "engine/deploy.h"

namespace rex::ops {
namespace {

// Logical ids and types of the stack layer (src/stack/compute.cc, monitoring.cc,
// load_balancer.cc, database.cc, cache.cc, frontend.cc).
struct ServiceIds {
  std::string_view name;
  std::string_view service;
  std::string_view log_group;
  std::string_view target_group;  // "" if none
};
constexpr ServiceIds kServiceIds[] = {
    {"api", "ComputeApiService", "MonitoringApiLogGroup", "LoadBalancerApiTargetGroup"},
    {"worker", "ComputeWorkerService", "MonitoringWorkerLogGroup", ""},
    {"supertokens", "ComputeSupertokensService", "MonitoringSupertokensLogGroup",
     "LoadBalancerSupertokensTargetGroup"},
};
constexpr std::pair<std::string_view, std::string_view> kTaskLogGroups[] = {
    {"migration", "MonitoringMigrationLogGroup"},
    {"bootstrap", "MonitoringBootstrapLogGroup"},
};
constexpr std::string_view kCluster = "ComputeCluster";
constexpr std::string_view kMigrationTask = "ComputeMigrationTaskDefinition";
constexpr std::string_view kBootstrapTask = "ComputeBootstrapTaskDefinition";
constexpr std::string_view kServicesSecurityGroup = "SecurityServicesSecurityGroup";
constexpr std::string_view kPrivateSubnets[] = {"NetworkPrivateSubnet1", "NetworkPrivateSubnet2"};
constexpr std::string_view kLoadBalancer = "LoadBalancerAlb";
constexpr std::string_view kDatabaseCluster = "DatabaseCluster";
constexpr std::string_view kCache = "CacheReplicationGroup";
constexpr std::string_view kAmplifyApp = "FrontendApp";
constexpr std::string_view kAmplifyBranch = "FrontendBranch";

// The physical id of `logical_id` if the stack has it with `type` (a resource being
// deleted or whose creation failed has no usable id).
std::string Physical(const std::vector<aws::StackResourceSummary>& resources,
                     std::string_view logical_id, std::string_view type) {
  for (const aws::StackResourceSummary& r : resources) {
    if (r.logical_resource_id != logical_id || r.resource_type != type) continue;
    if (r.resource_status == "DELETE_COMPLETE" || r.resource_status == "CREATE_FAILED") return "";
    return r.physical_resource_id;
  }
  return "";
}

std::string Output(const std::map<std::string, std::string>& outputs, const std::string& key) {
  auto it = outputs.find(key);
  return it == outputs.end() ? "" : it->second;
}

// The segment after `marker` up to the next '/', or "" ("apps/" in an Amplify ARN).
std::string SegmentAfter(std::string_view text, std::string_view marker) {
  size_t at = text.find(marker);
  if (at == std::string_view::npos) return "";
  std::string_view rest = text.substr(at + marker.size());
  return std::string(rest.substr(0, rest.find('/')));
}

}  // namespace

const ServiceInfo* StackInfo::FindService(std::string_view name) const {
  auto it = services.find(std::string(name));
  return it == services.end() ? nullptr : &it->second;
}

std::string StackInfo::PhysicalId(std::string_view logical_id) const {
  for (const aws::StackResourceSummary& r : resources) {
    if (r.logical_resource_id == logical_id) return r.physical_resource_id;
  }
  return "";
}

std::string LastArnSegment(std::string_view arn) {
  size_t slash = arn.rfind('/');
  return std::string(slash == std::string_view::npos ? arn : arn.substr(slash + 1));
}

StackInfo BuildStackInfo(const aws::Stack& stack,
                         const std::vector<aws::StackResourceSummary>& resources,
                         const std::string& region) {
  StackInfo info;
  info.stack_name = stack.stack_name;
  info.region = region;
  info.stack_id = stack.stack_id;
  info.stack_status = stack.stack_status;
  info.stack_status_reason = stack.stack_status_reason;
  info.creation_time = stack.creation_time;
  info.last_updated_time = stack.last_updated_time;
  for (const aws::CfnOutput& o : stack.outputs) info.outputs[o.key] = o.value;
  info.resources = resources;

  // The original outputs first (what users see in `rex outputs`), the resources otherwise.
  auto either = [&](const char* output, std::string_view logical_id, std::string_view type) {
    std::string value = Output(info.outputs, output);
    return value.empty() ? Physical(resources, logical_id, type) : value;
  };
  info.cluster = either("ecsClusterName", kCluster, "AWS::ECS::Cluster");
  info.migration_task_definition =
      either("migrationTaskDefinitionArn", kMigrationTask, "AWS::ECS::TaskDefinition");
  info.bootstrap_task_definition =
      either("bootstrapTaskDefinitionArn", kBootstrapTask, "AWS::ECS::TaskDefinition");
  info.services_security_group =
      either("ecsSecurityGroup", kServicesSecurityGroup, "AWS::EC2::SecurityGroup");
  for (const std::string& subnet : base::Split(Output(info.outputs, "privateSubnetIds"), ',')) {
    if (!subnet.empty()) info.private_subnets.push_back(subnet);
  }
  if (info.private_subnets.empty()) {
    for (std::string_view id : kPrivateSubnets) {
      std::string subnet = Physical(resources, id, "AWS::EC2::Subnet");
      if (!subnet.empty()) info.private_subnets.push_back(subnet);
    }
  }

  for (const ServiceIds& ids : kServiceIds) {
    std::string log_group = Physical(resources, ids.log_group, "AWS::Logs::LogGroup");
    if (!log_group.empty()) info.log_groups[std::string(ids.name)] = log_group;
    std::string arn = Physical(resources, ids.service, "AWS::ECS::Service");
    if (arn.empty()) continue;
    ServiceInfo service;
    service.name = ids.name;
    service.logical_id = ids.service;
    service.service_arn = arn;
    service.service_name = LastArnSegment(arn);
    service.log_group = log_group;
    if (!ids.target_group.empty()) {
      service.target_group_arn =
          Physical(resources, ids.target_group, "AWS::ElasticLoadBalancingV2::TargetGroup");
    }
    const std::string key = service.name;
    info.services[key] = std::move(service);
  }
  for (const auto& [name, logical_id] : kTaskLogGroups) {
    std::string log_group = Physical(resources, logical_id, "AWS::Logs::LogGroup");
    if (!log_group.empty()) info.log_groups[std::string(name)] = log_group;
  }

  info.load_balancer_arn =
      Physical(resources, kLoadBalancer, "AWS::ElasticLoadBalancingV2::LoadBalancer");
  info.alb_dns_name = Output(info.outputs, "albDnsName");
  info.api_url = Output(info.outputs, "apiUrl");
  if (info.api_url.empty() && !info.alb_dns_name.empty()) {
    info.api_url = "http://" + info.alb_dns_name;
  }
  info.frontend_url = Output(info.outputs, "frontendUrl");
  info.db_cluster_identifier = Physical(resources, kDatabaseCluster, "AWS::RDS::DBCluster");
  info.cache_replication_group_id =
      Physical(resources, kCache, "AWS::ElastiCache::ReplicationGroup");
  // Amplify's Ref is the ARN: arn:aws:amplify:<region>:<account>:apps/<id>[/branches/<name>].
  info.amplify_app_arn = Physical(resources, kAmplifyApp, "AWS::Amplify::App");
  if (!info.amplify_app_arn.empty()) {
    info.amplify_app_id = SegmentAfter(info.amplify_app_arn, "apps/");
    if (info.amplify_app_id.empty()) info.amplify_app_id = info.amplify_app_arn;
  }
  std::string branch = Physical(resources, kAmplifyBranch, "AWS::Amplify::Branch");
  if (!branch.empty()) {
    info.amplify_branch = SegmentAfter(branch, "branches/");
    if (info.amplify_branch.empty()) info.amplify_branch = branch;
  }
  return info;
}

base::Result<StackInfo> ReadStackInfo(aws::CloudFormationClient& cfn, const std::string& stack_name,
                                      const std::string& region) {
  auto stack = engine::FindStack(cfn, stack_name);
  if (!stack.ok()) return std::move(stack).error().WithContext("read stack " + stack_name);
  if (!stack->has_value()) {
    return base::NotFound("stack " + stack_name + " does not exist in " + region +
                          "; run \"rex up\" first");
  }
  auto resources = cfn.ListStackResources(stack_name);
  if (!resources.ok()) {
    if (resources.error().code() == base::Code::kNotFound) {
      return base::NotFound("stack " + stack_name + " does not exist in " + region +
                            "; run \"rex up\" first");
    }
    return std::move(resources).error().WithContext("read stack " + stack_name);
  }
  return BuildStackInfo(**stack, *resources, region);
}

base::Status RequireUsable(const StackInfo& info) {
  const std::string& s = info.stack_status;
  const std::string who = "stack " + info.stack_name + " is " + s;
  if (s == "CREATE_IN_PROGRESS" || s == "REVIEW_IN_PROGRESS") {
    return base::FailedPrecondition(who +
                                    ": it is still being created; wait for \"rex up\" to finish "
                                    "(rex up --wait follows it)");
  }
  if (s == "CREATE_FAILED" || s == "ROLLBACK_IN_PROGRESS" || s == "ROLLBACK_COMPLETE" ||
      s == "ROLLBACK_FAILED") {
    return base::FailedPrecondition(who +
                                    ": its creation failed and nothing usable is left; fix the "
                                    "cause (rex history) and run \"rex up\"");
  }
  if (base::StartsWith(s, "DELETE_")) {
    return base::FailedPrecondition(who +
                                    ": it is being deleted or was deleted; run \"rex up\" "
                                    "to create it again");
  }
  return base::Status::Ok();
}

base::Result<StackInfo> LoadStackInfo(aws::CloudFormationClient& cfn, const std::string& stack_name,
                                      const std::string& region) {
  REX_ASSIGN_OR_RETURN(StackInfo info, ReadStackInfo(cfn, stack_name, region));
  REX_RETURN_IF_ERROR(RequireUsable(info));
  return info;
}

base::Status RequireField(const StackInfo& info, const std::string& value, std::string_view what) {
  if (!value.empty()) return base::Status::Ok();
  return base::FailedPrecondition("stack " + info.stack_name + " has no " + std::string(what) +
                                  "; run \"rex up\" with this version of rex to add it");
}

}  // namespace rex::ops
