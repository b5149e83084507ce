// ScheduledTask: the job's own resources under its node, the schedule wiring (cluster,
// subnets, security group, no public IP), the scheduler role limited to this task definition
// and its two roles, and the errors for missing props.

#include "constructs/scheduled_task.h"

#include <gtest/gtest.h>

#include <string>

#include "constructs/iam_policy.h"
#include "core/stack.h"

namespace rex::constructs {
namespace {

using base::Json;

struct Fixture {
  core::App app;
  core::Stack* stack = nullptr;
  cfn::iam::CfnRole* execution_role = nullptr;

  Fixture() {
    stack = &app.Add<core::Stack>("Shop");
    execution_role = &stack->Add<cfn::iam::CfnRole>(
        "ExecutionRole",
        cfn::iam::CfnRoleProps{.assume_role_policy_document =
                                   core::Json(ServiceTrustPolicy("ecs-tasks.amazonaws.com"))});
  }

  ScheduledTaskProps Props(bool scheduled) const {
    ScheduledTaskProps props{
        .family = "shop-dev-cleanup",
        .container = FargateContainer{.name = "cleanup",
                                      .image = core::Str("example.com/tools:1.0"),
                                      .command = core::List<core::Str>{"./cleanup"}},
        .cpu = 512,
        .memory = 1024,
        .execution_role_arn = execution_role->attr_arn(),
        .log_group_name = "/ecs/shop-dev-cleanup",
        .log_retention_days = 14,
    };
    if (scheduled) {
      props.schedule = ScheduledTaskProps::Schedule{.expression = "cron(0 3 * * ? *)",
                                                    .timezone = "Europe/Berlin"};
      props.cluster_arn = core::Str("arn:aws:ecs:us-east-1:111122223333:cluster/shop");
      props.subnet_ids = core::List<core::Str>{"subnet-1", "subnet-2"};
      props.security_group_id = core::Str("sg-1");
    }
    return props;
  }

  Json Synth() {
    auto t = stack->Synthesize();
    EXPECT_TRUE(t.has_value()) << t.error().message();
    return t.has_value() ? t->json["Resources"] : Json();
  }
};

TEST(ScheduledTaskTest, OneOffJobOwnsItsLogGroupRolesAndTaskDefinition) {
  Fixture f;
  auto& jobs = f.stack->Add<core::Construct>("Jobs");
  jobs.Add<ScheduledTask>("Cleanup", f.Props(false));
  Json r = f.Synth();
  for (const char* id : {"JobsCleanupLogGroup", "JobsCleanupTaskRole", "JobsCleanupExecutionPolicy",
                         "JobsCleanupTaskDefinition"}) {
    EXPECT_TRUE(r.contains(id)) << id;
  }
  EXPECT_FALSE(r.contains("JobsCleanupSchedule"));
  EXPECT_FALSE(r.contains("JobsCleanupScheduleRole"));

  const Json& task = r["JobsCleanupTaskDefinition"]["Properties"];
  EXPECT_EQ(task["Family"], "shop-dev-cleanup");
  EXPECT_EQ(task["Cpu"], "512");
  EXPECT_EQ(task["Memory"], "1024");
  EXPECT_EQ(task["TaskRoleArn"], Json::parse(R"({"Fn::GetAtt":["JobsCleanupTaskRole","Arn"]})"));
  EXPECT_EQ(task["ExecutionRoleArn"], Json::parse(R"({"Fn::GetAtt":["ExecutionRole","Arn"]})"));
  const Json& container = task["ContainerDefinitions"][0];
  EXPECT_EQ(container["Name"], "cleanup");  // rex run finds a job by its container name
  EXPECT_EQ(container["Command"][0], "./cleanup");
  EXPECT_EQ(container["LogConfiguration"]["Options"]["awslogs-group"],
            Json::parse(R"({"Ref":"JobsCleanupLogGroup"})"));

  const Json& logs = r["JobsCleanupLogGroup"];
  EXPECT_EQ(logs["Properties"]["LogGroupName"], "/ecs/shop-dev-cleanup");
  EXPECT_EQ(logs["Properties"]["RetentionInDays"], 14);
  EXPECT_EQ(logs["DeletionPolicy"], "Delete");

  // The shared execution role may write this job's log group, and nothing else is granted.
  const Json& grant = r["JobsCleanupExecutionPolicy"]["Properties"];
  EXPECT_EQ(grant["Roles"], Json::parse(R"([{"Ref":"ExecutionRole"}])"));
  const Json& statement = grant["PolicyDocument"]["Statement"][0];
  EXPECT_EQ(statement["Action"], Json::parse(R"(["logs:CreateLogStream","logs:PutLogEvents"])"));
  EXPECT_EQ(statement["Resource"],
            Json::parse(R"([{"Fn::GetAtt":["JobsCleanupLogGroup","Arn"]}])"));
  EXPECT_FALSE(r["JobsCleanupTaskRole"]["Properties"].contains("Policies"));
}

TEST(ScheduledTaskTest, ScheduleRunsTheTaskOnTheClusterWithARoleLimitedToIt) {
  Fixture f;
  auto& jobs = f.stack->Add<core::Construct>("Jobs");
  jobs.Add<ScheduledTask>("Cleanup", f.Props(true));
  Json r = f.Synth();
  const Json& schedule = r["JobsCleanupSchedule"]["Properties"];
  EXPECT_EQ(schedule["ScheduleExpression"], "cron(0 3 * * ? *)");
  EXPECT_EQ(schedule["ScheduleExpressionTimezone"], "Europe/Berlin");
  EXPECT_EQ(schedule["FlexibleTimeWindow"]["Mode"], "OFF");
  EXPECT_EQ(schedule["State"], "ENABLED");
  const Json& target = schedule["Target"];
  EXPECT_EQ(target["Arn"], "arn:aws:ecs:us-east-1:111122223333:cluster/shop");
  EXPECT_EQ(target["RoleArn"], Json::parse(R"({"Fn::GetAtt":["JobsCleanupScheduleRole","Arn"]})"));
  const Json& ecs = target["EcsParameters"];
  EXPECT_EQ(ecs["LaunchType"], "FARGATE");
  EXPECT_EQ(ecs["TaskCount"], 1);
  EXPECT_EQ(ecs["TaskDefinitionArn"], Json::parse(R"({"Ref":"JobsCleanupTaskDefinition"})"));
  const Json& vpc = ecs["NetworkConfiguration"]["AwsvpcConfiguration"];
  EXPECT_EQ(vpc["AssignPublicIp"], "DISABLED");
  EXPECT_EQ(vpc["Subnets"], Json::parse(R"(["subnet-1","subnet-2"])"));
  EXPECT_EQ(vpc["SecurityGroups"], Json::parse(R"(["sg-1"])"));

  const Json& role = r["JobsCleanupScheduleRole"]["Properties"];
  const Json& trust = role["AssumeRolePolicyDocument"]["Statement"][0];
  EXPECT_EQ(trust["Principal"]["Service"], "scheduler.amazonaws.com");
  EXPECT_TRUE(trust["Condition"]["StringEquals"].contains("aws:SourceAccount"));
  const Json& statements = role["Policies"][0]["PolicyDocument"]["Statement"];
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_EQ(statements[0]["Action"], Json::parse(R"(["ecs:RunTask"])"));
  EXPECT_EQ(statements[0]["Resource"], Json::parse(R"([{"Ref":"JobsCleanupTaskDefinition"}])"));
  EXPECT_EQ(statements[0]["Condition"]["ArnEquals"]["ecs:cluster"],
            "arn:aws:ecs:us-east-1:111122223333:cluster/shop");
  EXPECT_EQ(statements[1]["Action"], Json::parse(R"(["iam:PassRole"])"));
  EXPECT_EQ(statements[1]["Resource"], Json::parse(R"([{"Fn::GetAtt":["ExecutionRole","Arn"]},
                                                      {"Fn::GetAtt":["JobsCleanupTaskRole","Arn"]}])"));
  EXPECT_EQ(statements[1]["Condition"]["StringLike"]["iam:PassedToService"],
            "ecs-tasks.amazonaws.com");
}

TEST(ScheduledTaskTest, MissingPropsAreErrorsAtSynthesis) {
  Fixture f;
  ScheduledTaskProps props = f.Props(true);
  props.family = "";
  props.execution_role_arn = core::Str("arn:aws:iam::111122223333:role/exec");
  props.cluster_arn.reset();
  props.subnet_ids = {};
  f.stack->Add<ScheduledTask>("Cleanup", props);
  auto t = f.stack->Synthesize();
  ASSERT_FALSE(t.has_value());
  const std::string message = t.error().message();
  for (const char* expected :
       {"family is required",
        "execution_role_arn must be the Arn of an AWS::IAM::Role of the stack",
        "cluster_arn is required with a schedule",
        "subnet_ids is empty; a scheduled run needs the private subnets"}) {
    EXPECT_NE(message.find(expected), std::string::npos) << expected << "\n" << message;
  }
}

}  // namespace
}  // namespace rex::constructs
