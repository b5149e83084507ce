#pragma once

// FargateService: everything one long-running workload on Fargate owns — its task definition,
// ECS service, log group, task role, the security-group rules of its port, its target group
// and listener rule (when reached by path behind a load balancer), its Cloud Map entry, its
// alarms and its target-tracking auto scaling — from a props struct that says everything (no
// stack config). Also the task definition builder it uses, for one-off tasks (migrations)
// that have no service.
//
// Placement: FargateService is not a node of the construct tree. It adds its resources to
// the scopes it is given — the ECS resources to `scope`, the others to the scope their props
// name (so a stack can keep its log groups under its monitoring component, its rules under
// its security component...) — with logical ids "<id>TaskDefinition", "<id>Service",
// "<id>LogGroup", "<id>TaskRole", "<id>TargetGroup", "<id>Rule", "AlbTo<id>", ... (see the
// props), so stacks synthesized before the construct existed keep their logical ids (they come
// from construct paths).
//
// Errors (AddError on the scope concerned, reported at synthesis): no id, no containers, no
// subnets, a task role given twice, a load balancer without a path, naming a container the
// task does not have or one without a port, a target group name over 32 characters, callers
// without a port.
//
// Not thread-safe, like the construct tree.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cfn/applicationautoscaling.gen.h"
#include "cfn/cloudwatch.gen.h"
#include "cfn/ecs.gen.h"
#include "cfn/elasticloadbalancingv2.gen.h"
#include "cfn/iam.gen.h"
#include "cfn/logs.gen.h"
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
  // awslogs group, in the stack's region (a FargateService sets its own).
  core::Str log_group = core::Str("");
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

// The trust policy that lets ECS tasks assume a role. With `pin_source`, only ECS resources of
// this account and region may (the confused-deputy guard the ECS task role guide recommends):
// right for task roles; the execution role is assumed by ECS itself and is not pinned.
core::Value EcsTasksAssumeRolePolicy(bool pin_source);

struct FargateServiceProps {
  // Prefix of the logical ids ("Api"); required.
  std::string id = "";
  // The short name in descriptions ("api"). Default: service_name.
  std::string name = "";
  // ECS service name and task definition family ("<p>-<e>-api"); also names the log group
  // "/ecs/<service_name>", the target group and the alarms. Required.
  std::string service_name = "";
  // The task; family is service_name when empty. Every container logs to the service's log
  // group (a container's log_group is ignored).
  FargateTaskDefinitionProps task = {};
  core::Str cluster = core::Str("");            // Ref of the cluster (also the alarms' ClusterName)
  core::List<core::Str> subnet_ids = {};        // private subnets; at least one
  core::Str security_group_id = core::Str("");  // the tasks' group
  // Tasks to run; none leaves the count to auto scaling (ECS starts one task on create).
  std::optional<int> desired_count = {};

  // The log group "/ecs/<service_name>" ("<id>LogGroup"), deleted with the stack.
  struct LogGroup {
    core::Construct* scope = nullptr;  // where it goes; the construct's scope when null
    int retention_days = 30;
  };
  LogGroup log_group = {};

  // A task role of its own ("<id>TaskRole"): ECS tasks of this account and region assume it;
  // it has no permissions (attach policies to task_role()). Without it the task runs with
  // task.task_role_arn, or with no AWS identity; giving both is an error.
  struct TaskRole {
    core::Construct* scope = nullptr;  // the construct's scope when null
  };
  std::optional<TaskRole> task_role = {};

  // Reached through an Application Load Balancer by path: a target group "<service_name>"
  // ("<id>TargetGroup": HTTP, target type ip, health GET health_check_path, healthy after 2
  // checks 15 s apart, unhealthy after 3, 30 s deregistration delay), a listener rule
  // ("<id>Rule": path -> the target group, at `priority`) the ECS service waits for, and the
  // rules between the groups for the port ("AlbTo<id>" egress from the ALB's group,
  // "ServicesFromAlb<id>" ingress to the tasks' group). The target group name must fit AWS's 32
  // characters.
  struct LoadBalancer {
    core::Construct* scope = nullptr;  // target group and rule; the construct's scope when null
    core::Str vpc_id = core::Str("");
    core::Str listener_arn = core::Str("");
    std::string path = "";  // path pattern, e.g. "/api/*"; required
    int priority = 0;       // rule priority, 1 to 50000; unique per listener
    std::string health_check_path = "/";
    // The container and port traffic goes to. Default: the first container and its port.
    std::string container = "";
    int grace_seconds = 60;
    core::Str security_group_id = core::Str("");  // the load balancer's group
    // "app/<name>/<id>" of the load balancer, for the unhealthy-targets alarm.
    core::Str load_balancer_full_name = core::Str("");
  };
  std::optional<LoadBalancer> load_balancer = {};

  // In Cloud Map: A records (TTL 10 s, MULTIVALUE, health from ECS) named `name`.
  struct Discovery {
    core::Str namespace_id = core::Str("");
    std::string name = "";
    std::string description = "";
  };
  std::optional<Discovery> discovery = {};
  // Services that call this one through Cloud Map (their names, for the rule descriptions):
  // the tasks' group lets tasks reach the first container's port ("ServicesFromServices<id>"
  // ingress and "ServicesToServices<id>" egress within the group). Needs a port.
  std::vector<std::string> callers = {};

  // Where the security-group rules go (AWS::EC2::SecurityGroupIngress/Egress resources, so
  // that no two groups reference each other). The construct's scope when null.
  core::Construct* security_group_rules_scope = nullptr;

  // Target tracking on ECSServiceAverageCPUUtilization (scale out after 60 s, in after 300 s).
  struct Scaling {
    int min_count = 1;
    int max_count = 1;
    int target_cpu_percent = 70;
    std::string policy_name = "";
  };
  std::optional<Scaling> scaling = {};

  // CloudWatch alarms notifying `topic_arn` (AlarmActions and OKActions; missing data is not
  // breaching): "<id>CpuAlarm" and "<id>MemoryAlarm", AWS/ECS CPUUtilization and
  // MemoryUtilization average >= utilization_percent for 2 x 5 minutes; behind a load balancer
  // also "<id>UnhealthyTargetsAlarm", UnHealthyHostCount maximum >= 1 for 3 x 1 minute.
  struct Alarms {
    core::Construct* scope = nullptr;  // the construct's scope when null
    core::Str topic_arn = core::Str("");
    int utilization_percent = 80;
  };
  std::optional<Alarms> alarms = {};

  // Resources the service waits for (DependsOn) although no property references them.
  std::vector<const core::CfnResource*> depends_on = {};
};

// One long-running service. Rolling deploys keep full capacity (100% healthy, up to 200%
// during the switch); the circuit breaker stops a deploy whose tasks keep failing and rolls
// back to the last good revision. FARGATE, no public IP, ECS managed tags propagated from the
// service.
class FargateService {
 public:
  FargateService(core::Construct& scope, FargateServiceProps props);
  FargateService(const FargateService&) = delete;
  FargateService& operator=(const FargateService&) = delete;

  // Fn::GetAtt Name of the ECS service.
  core::Str service_name() const { return service_->attr_name(); }
  cfn::ecs::CfnService& service() { return *service_; }
  cfn::ecs::CfnTaskDefinition& task_definition() { return *task_; }
  // The log group (Ref is its name; Fn::GetAtt Arn ends in ":*" and covers its streams).
  cfn::logs::CfnLogGroup& log_group() { return *log_group_; }
  core::Str log_group_name() const { return log_group_->Ref(); }
  core::Str log_group_arn() const { return log_group_->attr_arn(); }
  // The service's own task role, to attach policies to (an AWS::IAM::Policy naming
  // task_role()->Ref(), or its props()); null without FargateServiceProps::task_role.
  cfn::iam::CfnRole* task_role() { return task_role_; }
  // Null without a load balancer.
  cfn::elasticloadbalancingv2::CfnTargetGroup* target_group() { return target_group_; }
  cfn::elasticloadbalancingv2::CfnListenerRule* listener_rule() { return listener_rule_; }
  // Null without discovery / scaling.
  cfn::servicediscovery::CfnService* discovery() { return discovery_; }
  cfn::applicationautoscaling::CfnScalableTarget* scalable_target() { return scalable_target_; }
  // Empty without alarms.
  const std::vector<cfn::cloudwatch::CfnAlarm*>& alarms() const { return alarms_; }

 private:
  void AddAlarms(core::Construct& scope, const FargateServiceProps& props);

  cfn::ecs::CfnTaskDefinition* task_ = nullptr;
  cfn::ecs::CfnService* service_ = nullptr;
  cfn::logs::CfnLogGroup* log_group_ = nullptr;
  cfn::iam::CfnRole* task_role_ = nullptr;
  cfn::elasticloadbalancingv2::CfnTargetGroup* target_group_ = nullptr;
  cfn::elasticloadbalancingv2::CfnListenerRule* listener_rule_ = nullptr;
  cfn::servicediscovery::CfnService* discovery_ = nullptr;
  cfn::applicationautoscaling::CfnScalableTarget* scalable_target_ = nullptr;
  std::vector<cfn::cloudwatch::CfnAlarm*> alarms_;
};

}  // namespace rex::constructs
