// Queue: the queue and its dead-letter queue (SSE-SQS, redrive after maxReceiveCount), and
// the grants as IAM policies on the given roles.

#include "constructs/queue.h"

#include <gtest/gtest.h>

#include <string>

#include "constructs/iam_policy.h"
#include "core/stack.h"

namespace rex::constructs {
namespace {

using base::Json;

core::Str RoleName(core::Stack& stack, const std::string& id) {
  auto& role = stack.Add<cfn::iam::CfnRole>(
      id, cfn::iam::CfnRoleProps{.assume_role_policy_document =
                                     core::Json(ServiceTrustPolicy("ecs-tasks.amazonaws.com"))});
  return RoleNameFromArn(role.attr_arn()).value();
}

TEST(QueueTest, QueueWithDeadLetterQueueAndGrants) {
  core::App app;
  auto& stack = app.Add<core::Stack>("Shop");
  core::Str api = RoleName(stack, "ApiRole");
  core::Str worker = RoleName(stack, "WorkerRole");
  auto& queues = stack.Add<core::Construct>("Queues");
  auto& queue = queues.Add<Queue>("Jobs", QueueProps{.max_receive_count = 3,
                                                     .visibility_timeout = 120,
                                                     .retention_seconds = 86400,
                                                     .name = "jobs"});
  queue.GrantSend({api});
  queue.GrantConsume({worker, api});
  auto t = stack.Synthesize();
  ASSERT_TRUE(t.has_value()) << t.error().message();
  const Json& r = t->json["Resources"];

  const Json& q = r["QueuesJobs"]["Properties"];
  EXPECT_EQ(q["SqsManagedSseEnabled"], true);
  EXPECT_EQ(q["VisibilityTimeout"], 120);
  EXPECT_EQ(q["MessageRetentionPeriod"], 86400);
  EXPECT_EQ(
      q["RedrivePolicy"],
      Json::parse(R"({"deadLetterTargetArn":{"Fn::GetAtt":["QueuesJobsDeadLetterQueue","Arn"]},
                            "maxReceiveCount":3})"));
  const Json& dlq = r["QueuesJobsDeadLetterQueue"]["Properties"];
  EXPECT_EQ(dlq["SqsManagedSseEnabled"], true);
  EXPECT_EQ(dlq["MessageRetentionPeriod"], 1209600);

  const Json& send = r["QueuesJobsSendPolicy"]["Properties"];
  EXPECT_EQ(send["PolicyName"], "queue-jobs-send");
  EXPECT_EQ(send["Roles"], Json::parse(R"([{"Ref":"ApiRole"}])"));
  EXPECT_EQ(send["PolicyDocument"]["Statement"][0]["Action"],
            Json::parse(R"(["sqs:SendMessage"])"));
  EXPECT_EQ(send["PolicyDocument"]["Statement"][0]["Resource"],
            Json::parse(R"([{"Fn::GetAtt":["QueuesJobs","Arn"]}])"));
  const Json& consume = r["QueuesJobsConsumePolicy"]["Properties"];
  EXPECT_EQ(consume["Roles"], Json::parse(R"([{"Ref":"WorkerRole"},{"Ref":"ApiRole"}])"));
  EXPECT_EQ(consume["PolicyDocument"]["Statement"][0]["Action"],
            Json::parse(R"(["sqs:ChangeMessageVisibility","sqs:DeleteMessage",
                            "sqs:GetQueueAttributes","sqs:GetQueueUrl","sqs:ReceiveMessage"])"));
}

TEST(QueueTest, BothQueuesRefuseRequestsWithoutTls) {
  core::App app;
  auto& stack = app.Add<core::Stack>("Shop");
  stack.Add<Queue>("Jobs", QueueProps{.name = "jobs"});
  auto t = stack.Synthesize();
  ASSERT_TRUE(t.has_value()) << t.error().message();
  const Json& policy = t->json["Resources"]["JobsPolicy"];
  EXPECT_EQ(policy["Type"], "AWS::SQS::QueuePolicy");
  EXPECT_EQ(policy["Properties"]["Queues"],
            Json::parse(R"([{"Ref":"Jobs"},{"Ref":"JobsDeadLetterQueue"}])"));
  EXPECT_EQ(policy["Properties"]["PolicyDocument"]["Statement"], Json::parse(R"([{
      "Sid": "DenyWithoutTls", "Effect": "Deny", "Principal": "*", "Action": "sqs:*",
      "Resource": [{"Fn::GetAtt":["Jobs","Arn"]}, {"Fn::GetAtt":["JobsDeadLetterQueue","Arn"]}],
      "Condition": {"Bool": {"aws:SecureTransport": "false"}}}])"));
}

TEST(QueueTest, ValuesOutsideWhatSqsAcceptsAreErrors) {
  core::App app;
  auto& stack = app.Add<core::Stack>("Shop");
  auto& queue = stack.Add<Queue>(
      "Jobs",
      QueueProps{.max_receive_count = 0, .visibility_timeout = -1, .retention_seconds = 10});
  queue.GrantSend({});
  auto t = stack.Synthesize();
  ASSERT_FALSE(t.has_value());
  const std::string message = t.error().message();
  for (const char* expected :
       {"name is required", "max_receive_count 0 is outside 1 to 1000",
        "visibility_timeout -1 is outside 0 to 43200 seconds",
        "retention_seconds 10 is outside 60 to 1209600", "is attached to no role"}) {
    EXPECT_NE(message.find(expected), std::string::npos) << expected << "\n" << message;
  }
}

}  // namespace
}  // namespace rex::constructs
