#pragma once

// FargateService: the ECS side of one long-running workload on Fargate — its task definition,
// its ECS service, its Cloud Map entry and its target-tracking auto scaling — from a props
// struct that says everything (no stack config). Also the task definition builder it uses,
// for one-off tasks (migrations) that have no service.
//
// Placement: FargateService is not a node of the construct tree. It adds its resources to
// the scope it is given, with logical ids "<id>TaskDefinition", "<id>Service",
// "<id>Discovery", "<id>ScalableTarget" and "<id>CpuScaling", so stacks synthesized before the
// construct existed keep their logical ids (they come from construct paths).
//
// Errors (AddError on the scope, reported at synthesis): no containers, no subnets, a load
// balancer attachment naming a container the task does not have.
//
// Not thread-safe, like the construct tree.

#include <optional>
#include <string>
#include <vector>

#include "cfn/applicationautoscaling.gen.h"
#include "cfn/ecs.gen.h"
#include "cfn/servicediscovery.gen.h"
#include "core/construct.h"
#include "core/element.h"
#include "core/value.h"

namespace rex::constructs {

// One container of a Fargate task definition.
struct FargateContainer {
  std::string name = "";            // container name and log stream prefix
  core::Str image = core::Str("");  // with its tag
  std::optional<core::List<core::Str>> command = {};
  std::optional<int> port = {};  // one TCP port mapping named after the container
  // Plain variables; rendered in the order given (callers pass them sorted by name).
  std::vector<std::pair<std::string, core::Str>> environment = {};
  // Variables from Secrets Manager (valueFrom an ARN, or "<arn>:<json key>::").
  std::vector<std::pair<std::string, core::Str>> secrets = {};
  // A CMD-SHELL health check (interval 30 s, timeout 5 s, 3 retries, 60 s start period).
  std::optional<std::string> health_check_command = {};
  core::Str log_group = core::Str("");  // awslogs group, in the stack's region
  bool essential = true;
  // Containers that must exit 0 before this one starts.
  std::vector<std::string> after_success = {};
};

// A Fargate task definition: awsvpc, Linux x86_64.
struct FargateTaskDefinitionProps {
  std::string family = "";  // the task definition family
  int cpu = 256;
  int memory = 512;
  core::Str execution_role_arn = core::Str("");
  std::optional<core::Str> task_role_arn = {};  // none: the task has no AWS identity
  std::vector<FargateContainer> containers = {};
};

// Adds a task definition "<logical_id>" to `scope`.
cfn::ecs::CfnTaskDefinition& AddFargateTaskDefinition(core::Construct& scope,
                                                      const std::string& logical_id,
                                                      const FargateTaskDefinitionProps& props);

struct FargateServiceProps {
  // Prefix of the logical ids ("Api"); required.
  std::string id = "";
  // ECS service name and task definition family ("<p>-<e>-api"); required.
  std::string service_name = "";
  FargateTaskDefinitionProps task = {};   // family is service_name when empty
  core::Str cluster = core::Str("");      // Ref of the cluster
  core::List<core::Str> subnet_ids = {};  // private subnets; at least one
  core::Str security_group_id = core::Str("");
  // Tasks to run; none leaves the count to auto scaling (ECS starts one task on create).
  std::optional<int> desired_count = {};

  // Behind a load balancer: the target group, the container and port it forwards to, the
  // grace period, and the listener rules the service waits for (DependsOn).
  struct LoadBalancer {
    core::Str target_group_arn = core::Str("");
    std::string container = "";
    int port = 0;
    int grace_seconds = 60;
    std::vector<const core::CfnResource*> listener_rules = {};
  };
  std::optional<LoadBalancer> load_balancer = {};

  // In Cloud Map: A records (TTL 10 s, MULTIVALUE, health from ECS) named `name`.
  struct Discovery {
    core::Str namespace_id = core::Str("");
    std::string name = "";
    std::string description = "";
  };
  std::optional<Discovery> discovery = {};

  // Target tracking on ECSServiceAverageCPUUtilization (scale out after 60 s, in after 300 s).
  struct Scaling {
    int min_count = 1;
    int max_count = 1;
    int target_cpu_percent = 70;
    std::string policy_name = "";
  };
  std::optional<Scaling> scaling = {};

  // Resources the service waits for (DependsOn) although no property references them.
  std::vector<const core::CfnResource*> depends_on = {};
};

// Rolling deploys keep full capacity (100% healthy, up to 200% during the switch); the circuit
// breaker stops a deploy whose tasks keep failing and rolls back to the last good revision.
// FARGATE, no public IP, ECS managed tags propagated from the service.
class FargateService {
 public:
  FargateService(core::Construct& scope, FargateServiceProps props);
  FargateService(const FargateService&) = delete;
  FargateService& operator=(const FargateService&) = delete;

  // Fn::GetAtt Name of the ECS service.
  core::Str service_name() const { return service_->attr_name(); }
  cfn::ecs::CfnService& service() { return *service_; }
  cfn::ecs::CfnTaskDefinition& task_definition() { return *task_; }
  // Null without discovery / scaling.
  cfn::servicediscovery::CfnService* discovery() { return discovery_; }
  cfn::applicationautoscaling::CfnScalableTarget* scalable_target() { return scalable_target_; }

 private:
  cfn::ecs::CfnTaskDefinition* task_ = nullptr;
  cfn::ecs::CfnService* service_ = nullptr;
  cfn::servicediscovery::CfnService* discovery_ = nullptr;
  cfn::applicationautoscaling::CfnScalableTarget* scalable_target_ = nullptr;
};

}  // namespace rex::constructs
