#include "ops/stack_info.h"

#include <set>
#include <utility>
#include <vector>

#include "base/strings.h"
#include "engine/deploy.h"
#include "template/template_reader.h"

namespace rex::ops {
namespace {

// Logical ids and types of the stack layer (src/stack/networking.cc, compute.cc, security.cc,
// load_balancer.cc, database.cc, cache.cc, frontend.cc). Workloads are not here: FindWorkloads
// reads them from the template.
constexpr std::string_view kCluster = "ComputeCluster";
constexpr std::string_view kServicesSecurityGroup = "SecurityServicesSecurityGroup";
constexpr std::string_view kPrivateSubnets[] = {"NetworkPrivateSubnet1", "NetworkPrivateSubnet2"};
constexpr std::string_view kLoadBalancer = "LoadBalancerAlb";
constexpr std::string_view kDatabaseCluster = "DatabaseCluster";
constexpr std::string_view kCache = "CacheReplicationGroup";
constexpr std::string_view kAmplifyApp = "FrontendApp";
constexpr std::string_view kAmplifyBranch = "FrontendBranch";

bool Usable(const aws::StackResourceSummary& r) {
  return r.resource_status != "DELETE_COMPLETE" && r.resource_status != "CREATE_FAILED";
}

// The physical id of `logical_id` if the stack has it with `type` (a resource being
// deleted or whose creation failed has no usable id).
std::string Physical(const std::vector<aws::StackResourceSummary>& resources,
                     std::string_view logical_id, std::string_view type) {
  for (const aws::StackResourceSummary& r : resources) {
    if (r.logical_resource_id != logical_id || r.resource_type != type) continue;
    return Usable(r) ? r.physical_resource_id : "";
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

// The member `key` of an object, or nullptr.
const base::Json* Member(const base::Json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::string StringMember(const base::Json& object, const char* key) {
  const base::Json* value = Member(object, key);
  return value != nullptr && value->is_string() ? value->get<std::string>() : "";
}

// The logical id `value` names with {"Ref": id}, or "".
std::string RefOf(const base::Json& value) {
  const base::Json* ref = value.is_object() && value.size() == 1 ? Member(value, "Ref") : nullptr;
  return ref != nullptr && ref->is_string() ? ref->get<std::string>() : "";
}

using PhysicalIds = std::map<std::string, std::string>;  // logical id -> physical id

// What `value` is once deployed: a literal string, or the physical id of the resource it Refs;
// "" for anything else.
std::string Resolve(const base::Json* value, const PhysicalIds& physical) {
  if (value == nullptr) return "";
  if (value->is_string()) return value->get<std::string>();
  auto it = physical.find(RefOf(*value));
  return it == physical.end() ? "" : it->second;
}

bool Essential(const base::Json& container) {
  const base::Json* essential = Member(container, "Essential");  // ECS: true when absent
  return essential == nullptr || (essential->is_boolean() && essential->get<bool>()) ||
         (essential->is_string() && essential->get<std::string>() == "true");
}

// The container of a task definition resource named `wanted`, else its first essential one,
// else its first; nullptr when it has none.
const base::Json* PickContainer(const base::Json* task_definition, const std::string& wanted) {
  const base::Json* properties =
      task_definition != nullptr ? Member(*task_definition, "Properties") : nullptr;
  const base::Json* containers =
      properties != nullptr ? Member(*properties, "ContainerDefinitions") : nullptr;
  if (containers == nullptr || !containers->is_array()) return nullptr;
  const base::Json* essential = nullptr;
  const base::Json* first = nullptr;
  for (const base::Json& c : *containers) {
    if (!c.is_object()) continue;
    if (!wanted.empty() && StringMember(c, "Name") == wanted) return &c;
    if (first == nullptr) first = &c;
    if (essential == nullptr && Essential(c)) essential = &c;
  }
  return essential != nullptr ? essential : first;
}

// The awslogs-group of a container definition, resolved; "" for another log driver.
std::string LogGroupOf(const base::Json* container, const PhysicalIds& physical) {
  if (container == nullptr) return "";
  const base::Json* logging = Member(*container, "LogConfiguration");
  if (logging == nullptr || StringMember(*logging, "LogDriver") != "awslogs") return "";
  const base::Json* options = Member(*logging, "Options");
  return options != nullptr ? Resolve(Member(*options, "awslogs-group"), physical) : "";
}

std::string NameList(const std::vector<std::string>& names) { return base::Join(names, ", "); }

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

std::string RepositoryOutputName(std::string_view name) {
  std::string key;
  bool upper = false;
  for (char c : name) {
    if (c == '-') {
      upper = true;
      continue;
    }
    key += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    upper = false;
  }
  return key + "RepositoryUrl";
}

std::string LastArnSegment(std::string_view arn) {
  size_t slash = arn.rfind('/');
  return std::string(slash == std::string_view::npos ? arn : arn.substr(slash + 1));
}

Workloads FindWorkloads(const base::Json& tmpl,
                        const std::vector<aws::StackResourceSummary>& resources,
                        const std::map<std::string, std::string>& outputs) {
  Workloads out;
  const base::Json* declared = Member(tmpl, "Resources");
  if (declared == nullptr || !declared->is_object()) return out;
  PhysicalIds physical;
  for (const aws::StackResourceSummary& r : resources) {
    if (Usable(r)) physical[r.logical_resource_id] = r.physical_resource_id;
  }
  auto deployed = [&](const std::string& logical_id, const base::Json& resource,
                      std::string_view type) -> std::string {
    if (StringMember(resource, "Type") != type) return "";
    auto it = physical.find(logical_id);
    return it == physical.end() ? "" : it->second;
  };
  std::set<std::string> taken;
  auto unique = [&taken](const std::string& name, const std::string& logical_id) {
    return !name.empty() && taken.insert(name).second ? name : logical_id;
  };

  // The task definitions the services run (by logical id and, for literal ARNs, by ARN).
  std::set<std::string> run_by_services;
  for (const auto& [logical_id, resource] : declared->items()) {
    const std::string arn = deployed(logical_id, resource, "AWS::ECS::Service");
    if (arn.empty()) continue;
    const base::Json* properties = Member(resource, "Properties");
    if (properties == nullptr) continue;
    const base::Json* task = Member(*properties, "TaskDefinition");
    const std::string task_id = task != nullptr ? RefOf(*task) : "";
    ServiceInfo service;
    service.logical_id = logical_id;
    service.service_arn = arn;
    service.service_name = LastArnSegment(arn);
    service.task_definition = Resolve(task, physical);
    run_by_services.insert(task_id.empty() ? service.task_definition : task_id);
    // The container its load balancer sends traffic to, and that target group.
    std::string wanted;
    const base::Json* balancers = Member(*properties, "LoadBalancers");
    if (balancers != nullptr && balancers->is_array()) {
      for (const base::Json& lb : *balancers) {
        wanted = StringMember(lb, "ContainerName");
        service.target_group_arn = Resolve(Member(lb, "TargetGroupArn"), physical);
        if (!wanted.empty()) break;
      }
    }
    const base::Json* container =
        PickContainer(task_id.empty() ? nullptr : Member(*declared, task_id.c_str()), wanted);
    service.name =
        unique(container != nullptr ? StringMember(*container, "Name") : wanted, logical_id);
    service.log_group = LogGroupOf(container, physical);
    auto repository = outputs.find(RepositoryOutputName(service.name));
    if (repository != outputs.end()) service.repository_url = repository->second;
    out.services[service.name] = std::move(service);
  }
  for (const auto& [logical_id, resource] : declared->items()) {
    const std::string arn = deployed(logical_id, resource, "AWS::ECS::TaskDefinition");
    if (arn.empty() || run_by_services.count(logical_id) > 0 || run_by_services.count(arn) > 0) {
      continue;
    }
    const base::Json* container = PickContainer(&resource, "");
    JobInfo job;
    job.name = unique(container != nullptr ? StringMember(*container, "Name") : "", logical_id);
    job.logical_id = logical_id;
    job.task_definition = arn;
    job.log_group = LogGroupOf(container, physical);
    out.jobs[job.name] = std::move(job);
  }
  return out;
}

const JobInfo* StackInfo::FindJob(std::string_view name) const {
  auto it = jobs.find(std::string(name));
  return it == jobs.end() ? nullptr : &it->second;
}

std::string StackInfo::LogGroup(std::string_view name) const {
  if (const ServiceInfo* service = FindService(name)) return service->log_group;
  if (const JobInfo* job = FindJob(name)) return job->log_group;
  return "";
}

std::string StackInfo::DescribeWorkloads() const {
  std::vector<std::string> service_names;
  std::vector<std::string> job_names;
  for (const auto& [name, service] : services) service_names.push_back(name);
  for (const auto& [name, job] : jobs) job_names.push_back(name);
  return (service_names.empty() ? "no services" : "services " + NameList(service_names)) + "; " +
         (job_names.empty() ? "no jobs" : "jobs " + NameList(job_names));
}

base::Status UnknownWorkload(const StackInfo& info, std::string_view kind, std::string_view name,
                             const std::vector<std::string>& candidates, std::string_view usage) {
  std::string hint = base::ClosestMatch(name, candidates);
  return base::InvalidArgument("unknown " + std::string(kind) + " \"" + std::string(name) + "\"; " +
                               (hint.empty() ? "" : "did you mean \"" + hint + "\"? ") + "stack " +
                               info.stack_name + " has " + info.DescribeWorkloads() + " (" +
                               std::string(usage) + ")");
}

StackInfo BuildStackInfo(const aws::Stack& stack,
                         const std::vector<aws::StackResourceSummary>& resources,
                         const base::Json& tmpl, const std::string& region) {
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

  Workloads workloads = FindWorkloads(tmpl, resources, info.outputs);
  info.services = std::move(workloads.services);
  info.jobs = std::move(workloads.jobs);

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
  auto body = cfn.GetTemplate(stack_name);
  if (!body.ok()) return std::move(body).error().WithContext("read the template of " + stack_name);
  auto tmpl = tmpl::ReadTemplate(body->template_body, "the template of stack " + stack_name);
  if (!tmpl.ok()) return base::FailedPrecondition(tmpl.error().message());
  return BuildStackInfo(**stack, *resources, *tmpl, region);
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
