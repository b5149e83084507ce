#include "constructs/scheduled_task.h"

#include <utility>
#include <vector>

#include "constructs/iam_policy.h"
#include "core/intrinsics.h"

namespace rex::constructs {
namespace {

using core::List;
using core::Str;
using core::Value;
using Schedule = cfn::scheduler::CfnSchedule;

// The ECS tasks trust policy of a task role: this account's ECS tasks only (the confused-deputy
// guard of the ECS task role guide), as for the services' task roles.
Value EcsTasksTrust() {
  return PolicyDocument({Value::Object({
      {"Effect", "Allow"},
      {"Principal", Value::Object({{"Service", "ecs-tasks.amazonaws.com"}})},
      {"Action", "sts:AssumeRole"},
      {"Condition",
       Value::Object({
           {"ArnLike",
            Value::Object(
                {{"aws:SourceArn",
                  core::Sub("arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:*")
                      .value()}})},
           {"StringEquals", Value::Object({{"aws:SourceAccount", core::aws::AccountId().value()}})},
       })},
  })});
}

}  // namespace

ScheduledTask::ScheduledTask(core::Construct& scope, std::string id, ScheduledTaskProps props)
    : core::Construct(scope, std::move(id)) {
  if (props.family.empty()) AddError("family is required; give the task definition family");
  if (props.log_group_name.empty()) AddError("log_group_name is required");
  if (props.container.name.empty()) AddError("container.name is required; name it after the job");
  const Str execution_role_arn = props.execution_role_arn.value_or(Str(""));
  if (!props.execution_role_arn.has_value()) {
    AddError("execution_role_arn is required; pass the stack's task execution role");
  }

  log_group_ =
      &Add<cfn::logs::CfnLogGroup>("LogGroup", cfn::logs::CfnLogGroupProps{
                                                   .log_group_name = props.log_group_name,
                                                   .retention_in_days = props.log_retention_days,
                                               });
  // As for the services' groups: they go with the stack, so its next create does not meet a
  // retained group of the same name.
  log_group_->set_deletion_policy(core::DeletionPolicy::kDelete);
  log_group_->set_update_replace_policy(core::DeletionPolicy::kDelete);

  task_role_ = &Add<cfn::iam::CfnRole>(
      "TaskRole",
      cfn::iam::CfnRoleProps{
          .assume_role_policy_document = core::Json(EcsTasksTrust()),
          .description = "Task role of " + props.family + ": its own identity, no permissions",
      });

  // The shared execution role writes this job's log group; the grant lives with the job.
  if (props.execution_role_arn.has_value()) {
    std::optional<Str> execution_role = RoleNameFromArn(execution_role_arn);
    if (!execution_role.has_value()) {
      AddError("execution_role_arn must be the Arn of an AWS::IAM::Role of the stack");
    } else {
      AddRolePolicy(*this, "ExecutionPolicy", "write-logs-" + props.family, {*execution_role},
                    {AllowStatement("WriteLogs", {"logs:CreateLogStream", "logs:PutLogEvents"},
                                    {log_group_->attr_arn()})});
    }
  }

  FargateContainer container = props.container;
  container.log_group = log_group_->Ref();
  task_definition_ = &AddFargateTaskDefinition(*this, "TaskDefinition",
                                               FargateTaskDefinitionProps{
                                                   .family = props.family,
                                                   .cpu = props.cpu,
                                                   .memory = props.memory,
                                                   .execution_role_arn = execution_role_arn,
                                                   .task_role_arn = task_role_->attr_arn(),
                                                   .containers = {container},
                                               });

  if (!props.schedule.has_value()) return;
  if (!props.cluster_arn.has_value()) AddError("cluster_arn is required with a schedule");
  if (!props.security_group_id.has_value()) {
    AddError("security_group_id is required with a schedule");
  }
  if (!props.subnet_ids.is_token() && props.subnet_ids.items().empty()) {
    AddError("subnet_ids is empty; a scheduled run needs the private subnets");
  }
  const Str cluster_arn = props.cluster_arn.value_or(Str(""));

  Value run_task = AllowStatement(
      "RunTask", {"ecs:RunTask"}, {task_definition_->Ref()},
      Value::Object({{"ArnEquals", Value::Object({{"ecs:cluster", cluster_arn.value()}})}}));
  Value pass_roles = AllowStatement(
      "PassRoles", {"iam:PassRole"}, {execution_role_arn, task_role_->attr_arn()},
      Value::Object(
          {{"StringLike", Value::Object({{"iam:PassedToService", "ecs-tasks.amazonaws.com"}})}}));
  schedule_role_ = &Add<cfn::iam::CfnRole>(
      "ScheduleRole",
      cfn::iam::CfnRoleProps{
          .assume_role_policy_document = core::Json(ServiceTrustPolicy("scheduler.amazonaws.com")),
          .description = "EventBridge Scheduler role of " + props.family +
                         ": runs its task definition on the cluster, nothing else",
          .policies = List<cfn::iam::CfnRole::Policy>{cfn::iam::CfnRole::Policy{
              .policy_document = core::Json(PolicyDocument({run_task, pass_roles})),
              .policy_name = "run-task",
          }},
      });

  const ScheduledTaskProps::Schedule& when = *props.schedule;
  schedule_ =
      &Add<Schedule>(
          "Schedule", cfn::scheduler::CfnScheduleProps{
                          .description = when.description.empty() ? Str("Runs " + props.family)
                                                                  : Str(when.description),
                          .flexible_time_window = Schedule::FlexibleTimeWindow{.mode = "OFF"},
                          .schedule_expression = when.expression,
                          .schedule_expression_timezone = when.timezone,
                          .state = "ENABLED",
                          .target =
                              Schedule::Target{
                                  .arn = cluster_arn,
                                  .ecs_parameters =
                                      Schedule::EcsParameters{
                                          .launch_type = "FARGATE",
                                          .network_configuration =
                                              Schedule::NetworkConfiguration{
                                                  .awsvpc_configuration =
                                                      Schedule::AwsVpcConfiguration{
                                                          .assign_public_ip = "DISABLED",
                                                          .security_groups =
                                                              List<Str>{
                                                                  props.security_group_id.value_or(
                                                                      Str(""))},
                                                          .subnets = props.subnet_ids,
                                                      },
                                              },
                                          .task_count = 1,
                                          .task_definition_arn = task_definition_->Ref(),
                                      },
                                  // A run that cannot start (throttling, capacity) is retried for
                                  // an hour, not the default day: a late nightly job is worse than
                                  // a skipped one.
                                  .retry_policy =
                                      Schedule::RetryPolicy{
                                          .maximum_event_age_in_seconds = 3600,
                                          .maximum_retry_attempts = 3,
                                      },
                                  .role_arn = schedule_role_->attr_arn(),
                              },
                      });
}

}  // namespace rex::constructs
