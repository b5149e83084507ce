#pragma once

// ScheduledTask: one job on Fargate — an ECS task no service keeps running — with everything
// it owns: its log group, its task role (its own identity, no permissions), a policy letting
// the shared execution role write that log group, its task definition (one container, named
// after the job, so "rex run JOB" and the ops commands find it by that name), and optionally
// an EventBridge Scheduler schedule that runs it on the cluster, in the given subnets and
// security group, through a role the scheduler assumes that may only ecs:RunTask this task
// definition on this cluster and iam:PassRole its two roles to ECS. From a props struct that
// says everything (no stack config).
//
// Placement: a node of the construct tree; logical ids are "<path>LogGroup",
// "<path>TaskRole", "<path>ExecutionPolicy", "<path>TaskDefinition", "<path>ScheduleRole" and
// "<path>Schedule" ("Jobs/Cleanup" -> "JobsCleanupTaskDefinition").
//
// Errors (AddError, reported at synthesis): a missing family, log group name, execution
// role, cluster, subnets or security group (the last three only with a schedule); an
// execution role ARN that is not the GetAtt Arn of a role of the stack.
//
// Not thread-safe, like the construct tree.

#include <optional>
#include <string>

#include "cfn/iam.gen.h"
#include "cfn/logs.gen.h"
#include "cfn/scheduler.gen.h"
#include "constructs/fargate_service.h"
#include "core/construct.h"
#include "core/value.h"

namespace rex::constructs {

struct ScheduledTaskProps {
  // The task definition family, e.g. "rex-backend-dev-cleanup". Required.
  std::string family = "";
  // The one container. Its log_group is set to the construct's log group. Name it after the
  // job. Required (a name and an image).
  FargateContainer container = {};
  int cpu = 256;     // Fargate CPU units. Default: 256.
  int memory = 512;  // MiB. Default: 512.
  // The task execution role the stack shares (GetAtt Arn of an AWS::IAM::Role of the stack);
  // the construct attaches a policy to it for its own log group. Required.
  std::optional<core::Str> execution_role_arn = {};
  // Name of the log group, e.g. "/ecs/rex-backend-dev-cleanup". Required.
  std::string log_group_name = "";
  int log_retention_days = 7;  // Default: 7.

  // When to run it: EventBridge Scheduler's expression and time zone. Default: none (run on
  // demand only).
  struct Schedule {
    std::string expression = "";  // "cron(0 3 * * ? *)", "rate(1 day)"
    std::string timezone = "UTC";
    std::string description = "";
  };
  std::optional<Schedule> schedule = {};
  // Where a scheduled run starts (required with a schedule): the cluster (Arn), private
  // subnets (no public IP) and the security group of the tasks.
  std::optional<core::Str> cluster_arn = {};
  core::List<core::Str> subnet_ids = {};
  std::optional<core::Str> security_group_id = {};
};

class ScheduledTask : public core::Construct {
 public:
  ScheduledTask(core::Construct& scope, std::string id, ScheduledTaskProps props);

  // Ref of the task definition (its ARN with revision).
  core::Str task_definition_arn() const { return task_definition_->Ref(); }
  core::Str log_group_name() const { return log_group_->Ref(); }
  core::Str task_role_arn() const { return task_role_->attr_arn(); }

  // The resources, as escape hatches; schedule() and schedule_role() are null without a
  // schedule.
  cfn::ecs::CfnTaskDefinition& task_definition() { return *task_definition_; }
  cfn::logs::CfnLogGroup& log_group() { return *log_group_; }
  cfn::iam::CfnRole& task_role() { return *task_role_; }
  cfn::scheduler::CfnSchedule* schedule() { return schedule_; }
  cfn::iam::CfnRole* schedule_role() { return schedule_role_; }

 private:
  cfn::logs::CfnLogGroup* log_group_ = nullptr;
  cfn::iam::CfnRole* task_role_ = nullptr;
  cfn::ecs::CfnTaskDefinition* task_definition_ = nullptr;
  cfn::iam::CfnRole* schedule_role_ = nullptr;
  cfn::scheduler::CfnSchedule* schedule_ = nullptr;
};

}  // namespace rex::constructs
