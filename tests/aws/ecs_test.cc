// EcsClient: JSON 1.1 request encoding and response decoding, including botocore's
// DescribeTasks example (tests/fixtures/aws-responses/ecs-describe-tasks.json).
#include "aws/ecs.h"

#include <gtest/gtest.h>

#include "base/files.h"
#include "support/fake_clock.h"
#include "support/fake_transport.h"

namespace rex::aws {
namespace {

using base::Code;
using base::Json;
using rex::testing::FakeClock;
using rex::testing::FakeTransport;
using rex::testing::HeaderOf;

class EcsTest : public ::testing::Test {
 protected:
  StaticCredentialsProvider credentials_{Credentials{"AKID", "secret", "", {}}};
  FakeTransport transport_;
  FakeClock clock_;
  EcsClient ecs_{Endpoint{"https://ecs.eu-west-1.amazonaws.com", "eu-west-1", "ecs"}, &credentials_,
                 transport_, clock_};
};

TEST_F(EcsTest, DescribeTasksSample) {
  auto body =
      base::ReadFile(std::string(REX_FIXTURES_DIR) + "/aws-responses/ecs-describe-tasks.json");
  ASSERT_TRUE(body.ok());
  transport_.Respond(200, *body, {{"Content-Type", "application/x-amz-json-1.1"}});
  auto tasks = ecs_.DescribeTasks("default", {"c5cba4eb-5dad-405e-96db-71ef8eefe6a8"});
  ASSERT_TRUE(tasks.ok()) << tasks.error().ToString();
  ASSERT_EQ(tasks->tasks.size(), 1u);
  const EcsTask& t = tasks->tasks[0];
  EXPECT_EQ(t.task_arn,
            "arn:aws:ecs:<region>:<aws_account_id>:task/c5cba4eb-5dad-405e-96db-71ef8eefe6a8");
  EXPECT_EQ(t.last_status, "RUNNING");
  EXPECT_EQ(t.desired_status, "RUNNING");
  ASSERT_EQ(t.containers.size(), 1u);
  EXPECT_EQ(t.containers[0].name, "ecs-demo");
  EXPECT_FALSE(t.containers[0].exit_code.has_value());
  EXPECT_TRUE(tasks->failures.empty());

  HttpRequest sent = transport_.requests()[0];
  EXPECT_EQ(HeaderOf(sent, "X-Amz-Target"), "AmazonEC2ContainerServiceV20141113.DescribeTasks");
  EXPECT_EQ(HeaderOf(sent, "Content-Type"), "application/x-amz-json-1.1");
  EXPECT_EQ(
      Json::parse(sent.body),
      Json::parse(R"({"cluster":"default","tasks":["c5cba4eb-5dad-405e-96db-71ef8eefe6a8"]})"));
}

TEST_F(EcsTest, RunTaskEncodingAndStoppedTask) {
  transport_.Respond(200, R"({"tasks": [{"taskArn": "arn:task/1", "lastStatus": "STOPPED",
      "stopCode": "EssentialContainerExited", "stoppedAt": 1714557600.5,
      "containers": [{"name": "migrate", "exitCode": 1, "reason": "boom"}]}],
      "failures": [{"arn": "arn:x", "reason": "RESOURCE:MEMORY"}]})");
  RunTaskRequest request{.cluster = "rex",
                         .task_definition = "migrate:3",
                         .subnets = {"subnet-1"},
                         .security_groups = {"sg-1"},
                         .container_overrides = {{.name = "migrate",
                                                  .command = {"npm", "run", "migrate"},
                                                  .environment = {{"STAGE", "prod"}}}},
                         .started_by = "rex",
                         .client_token = "tok"};
  auto result = ecs_.RunTask(request);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  ASSERT_EQ(result->tasks.size(), 1u);
  EXPECT_EQ(result->tasks[0].stop_code, "EssentialContainerExited");
  EXPECT_EQ(result->tasks[0].containers[0].exit_code, 1);
  ASSERT_TRUE(result->tasks[0].stopped_at.has_value());
  EXPECT_EQ(result->failures[0].reason, "RESOURCE:MEMORY");
  EXPECT_EQ(Json::parse(transport_.requests()[0].body), Json::parse(R"({
    "cluster": "rex", "taskDefinition": "migrate:3", "count": 1, "launchType": "FARGATE",
    "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"],
        "securityGroups": ["sg-1"], "assignPublicIp": "DISABLED"}},
    "overrides": {"containerOverrides": [{"name": "migrate",
        "command": ["npm", "run", "migrate"], "environment": [{"name": "STAGE", "value": "prod"}]}]},
    "startedBy": "rex", "clientToken": "tok"})"));
}

TEST_F(EcsTest, UpdateAndDescribeServices) {
  transport_.Respond(200, R"({"service": {"serviceName": "api", "status": "ACTIVE",
      "desiredCount": 2, "runningCount": 1, "deployments": [
        {"id": "ecs-svc/1", "status": "PRIMARY", "rolloutState": "IN_PROGRESS", "runningCount": 1},
        {"id": "ecs-svc/0", "status": "ACTIVE", "runningCount": 1}]}})");
  transport_.Respond(200, R"({"services": [{"serviceName": "api", "events": [
      {"id": "e1", "createdAt": 1714557600, "message": "(service api) has reached a steady state."}]}],
      "failures": [{"arn": "arn:svc/worker", "reason": "MISSING"}]})");
  auto updated =
      ecs_.UpdateService({.cluster = "rex", .service = "api", .force_new_deployment = true});
  ASSERT_TRUE(updated.ok()) << updated.error().ToString();
  EXPECT_EQ(updated->deployments.size(), 2u);
  EXPECT_EQ(updated->deployments[0].rollout_state, "IN_PROGRESS");
  EXPECT_EQ(Json::parse(transport_.requests()[0].body),
            Json::parse(R"({"cluster":"rex","service":"api","forceNewDeployment":true})"));
  auto described = ecs_.DescribeServices("rex", {"api", "worker"});
  ASSERT_TRUE(described.ok()) << described.error().ToString();
  EXPECT_EQ(described->services[0].events[0].message, "(service api) has reached a steady state.");
  EXPECT_EQ(described->failures[0].reason, "MISSING");
}

TEST_F(EcsTest, ClusterNotFound) {
  transport_.Respond(400,
                     R"({"__type": "ClusterNotFoundException", "message": "Cluster not found."})",
                     {{"x-amzn-RequestId", "req-9"}});
  auto tasks = ecs_.DescribeTasks("nope", {"t"});
  ASSERT_FALSE(tasks.ok());
  EXPECT_EQ(tasks.error().code(), Code::kNotFound);
  EXPECT_EQ(tasks.error().message(),
            "describe tasks in nope: ClusterNotFoundException (HTTP 400, request req-9): Cluster "
            "not found.");
}

TEST_F(EcsTest, LimitsAreCheckedBeforeCalling) {
  EXPECT_EQ(ecs_.DescribeServices("rex", std::vector<std::string>(11, "s")).error().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(transport_.request_count(), 0u);
}

}  // namespace
}  // namespace rex::aws
