#include "engine/destroy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "aws/credentials.h"
#include "cfn/registry.gen.h"
#include "support/fake_aws_server.h"
#include "support/fake_clock.h"
#include "support/fake_transport.h"
#include "support/recording_observer.h"

namespace rex::engine {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr const char* kStack = "demo-dev";

base::Json Template() {
  return {
      {"Resources",
       {{"Api",
         {{"Type", "AWS::ECR::Repository"}, {"Properties", {{"RepositoryName", "demo-dev-api"}}}}},
        {"Worker",
         {{"Type", "AWS::ECR::Repository"},
          {"Properties", {{"RepositoryName", "demo-dev-worker"}, {"EmptyOnDelete", true}}}}},
        {"Logs", {{"Type", "AWS::Logs::LogGroup"}, {"DeletionPolicy", "Retain"}}},
        {"Topic", {{"Type", "AWS::SNS::Topic"}}}}}};
}

// The fake CloudFormation plus a scripted ECR (JSON 1.1) for ListImages / BatchDeleteImage.
struct Harness {
  rex::testing::FakeClock clock;
  rex::testing::FakeAws fake{rex::testing::FakeAwsOptions{.clock = &clock}};
  rex::testing::FakeTransport transport;
  aws::StaticCredentialsProvider credentials{
      aws::Credentials{"AKIDREXTESTKEY", "rex-test-secret/K7MDENG+bPxRfiCY"}};
  aws::CloudFormationClient cfn{
      {"https://cloudformation.us-east-1.amazonaws.com", "us-east-1", "cloudformation"},
      &credentials,
      transport,
      clock};
  aws::EcrClient ecr{{"https://api.ecr.us-east-1.amazonaws.com", "us-east-1", "ecr"},
                     &credentials,
                     transport,
                     clock};
  DeployClients clients{cfn, clock, nullptr};
  rex::testing::RecordingObserver observer;
  std::vector<std::string> ecr_calls;

  Harness() {
    transport.SetHandler([this](const aws::HttpRequest& r) -> base::Result<aws::HttpResponse> {
      std::string target = rex::testing::HeaderOf(r, "X-Amz-Target");
      if (target.empty()) return fake.Handle(r);
      ecr_calls.push_back(target.substr(target.find('.') + 1) + " " + r.body);
      aws::HttpResponse response;
      response.status = 200;
      if (target.find("ListImages") != std::string::npos) {
        response.body =
            R"({"imageIds":[{"imageDigest":"sha256:aa","imageTag":"v1"},{"imageDigest":"sha256:bb"}]})";
      } else {
        response.body = R"({"imageIds":[],"failures":[]})";
      }
      return response;
    });
    auto deployed = Deploy(
        clients, DeployRequest{.stack_name = kStack, .template_body = base::DumpJson(Template())},
        observer);
    EXPECT_TRUE(deployed.ok() && std::holds_alternative<Deployed>(*deployed));
  }
};

TEST(StatefulResourcesTest, ListsWhatHoldsDataWithItsDeletionPolicy) {
  auto stateful = StatefulResources(Template(), cfn::FindResourceSchema);
  ASSERT_EQ(stateful.size(), 3u);
  EXPECT_EQ(stateful[0].logical_id, "Api");
  EXPECT_TRUE(stateful[0].data_lost());
  EXPECT_EQ(stateful[1].logical_id, "Logs");
  EXPECT_EQ(stateful[1].deletion_policy, "Retain");
  EXPECT_FALSE(stateful[1].data_lost());
  EXPECT_EQ(stateful[2].logical_id, "Worker");
}

TEST(DestroyTest, EmptiesRepositoriesDeletesTheStackAndFollowsItToTheEnd) {
  Harness h;
  h.clock.Advance(std::chrono::seconds(60));
  auto outcome = Destroy(h.clients, &h.ecr, DestroyRequest{.stack_name = kStack}, h.observer);
  ASSERT_TRUE(outcome.ok()) << outcome.error().ToString();
  ASSERT_TRUE(std::holds_alternative<Destroyed>(*outcome));
  EXPECT_THAT(std::get<Destroyed>(*outcome).retained, ElementsAre("Logs"));
  EXPECT_FALSE(h.fake.HasStack(kStack));
  // Only the repository without EmptyOnDelete is emptied by rex.
  ASSERT_EQ(h.ecr_calls.size(), 2u);
  EXPECT_THAT(h.ecr_calls[0], HasSubstr("ListImages "));
  EXPECT_THAT(h.ecr_calls[0], HasSubstr("\"repositoryName\":\"demo-dev-api\""));
  EXPECT_THAT(h.ecr_calls[1], HasSubstr("BatchDeleteImage"));
  EXPECT_THAT(h.ecr_calls[1], HasSubstr("sha256:bb"));
  EXPECT_THAT(h.observer.lines(),
              Contains("note: repository Worker is emptied by CloudFormation on deletion "
                       "(EmptyOnDelete)"));
  EXPECT_EQ(h.observer.statuses().back(), "DELETE_COMPLETE");
  // Only the deletion's events are reported, not the create's.
  int deletes = 0;
  for (const auto& e : h.observer.events()) {
    if (e.event.resource_status == "DELETE_COMPLETE") ++deletes;
  }
  EXPECT_EQ(deletes, 4);  // Api, Topic, Worker and the stack (Logs is skipped)
}

TEST(DestroyTest, AFailedDeletionReportsTheResourceAndItsReason) {
  Harness h;
  h.fake.FailResource("Topic", "topic has subscriptions");
  auto outcome = Destroy(h.clients, &h.ecr, DestroyRequest{.stack_name = kStack}, h.observer);
  ASSERT_TRUE(outcome.ok());
  ASSERT_TRUE(std::holds_alternative<Failed>(*outcome));
  const Failed& failed = std::get<Failed>(*outcome);
  EXPECT_EQ(failed.final_status, "DELETE_FAILED");
  EXPECT_EQ(failed.failed_resource, "Topic");
  EXPECT_EQ(failed.first_failure_reason, "topic has subscriptions");
}

TEST(DestroyTest, NothingToDestroyWhenTheStackIsAbsent) {
  Harness h;
  auto outcome =
      Destroy(h.clients, nullptr, DestroyRequest{.stack_name = "other-stack"}, h.observer);
  ASSERT_TRUE(outcome.ok());
  EXPECT_TRUE(std::holds_alternative<NothingToDestroy>(*outcome));
}

TEST(DestroyTest, WithoutAnEcrClientTheUserIsTold) {
  Harness h;
  auto outcome = Destroy(h.clients, nullptr, DestroyRequest{.stack_name = kStack}, h.observer);
  ASSERT_TRUE(outcome.ok());
  EXPECT_TRUE(std::holds_alternative<Destroyed>(*outcome));
  EXPECT_THAT(h.observer.Text(), HasSubstr("repository Api was not emptied"));
}

TEST(DestroyTest, ABusyStackIsNotDeleted) {
  Harness h;
  h.fake.SetBusy(kStack, "UPDATE_IN_PROGRESS", 5);
  auto outcome = Destroy(h.clients, &h.ecr, DestroyRequest{.stack_name = kStack}, h.observer);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code(), base::Code::kFailedPrecondition);
  EXPECT_EQ(outcome.error().message(),
            "destroy demo-dev: stack demo-dev is UPDATE_IN_PROGRESS; wait for it to finish, "
            "then destroy");
}

}  // namespace
}  // namespace rex::engine
