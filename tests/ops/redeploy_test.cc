#include "ops/redeploy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ops/harness.h"
#include "support/fake_ecs.h"

namespace rex::ops {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class RecordingRedeployObserver : public RedeployObserver {
 public:
  void OnProgress(const ServiceProgress& p, std::chrono::milliseconds) override {
    progress.push_back(p.name + " " + std::to_string(p.running) + "/" + std::to_string(p.desired) +
                       " " + p.rollout_state);
  }
  void OnServiceEvent(std::string_view service, const aws::EcsServiceEvent& e) override {
    events.push_back(std::string(service) + ": " + e.message);
  }
  void OnNote(std::string_view note) override { notes.emplace_back(note); }
  std::vector<std::string> progress;
  std::vector<std::string> events;
  std::vector<std::string> notes;
};

class RedeployTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h_.fake.AddService("ecs", &ecs_);
    ASSERT_TRUE(h_.Deploy());
    auto text = base::ReadFile(testing::GoldenPath("dev"));
    ASSERT_TRUE(text.ok());
    ecs_.SeedFromStack(h_.fake.StackResources(testing::kStackName), *base::ParseJson(*text, "dev"));
    auto info = LoadStackInfo(h_.cfn, testing::kStackName, "us-east-1");
    ASSERT_TRUE(info.ok()) << info.error().ToString();
    info_ = *info;
  }

  base::Result<RedeployOutcome> Redeploy(const std::string& which) {
    auto services = ResolveServices(info_, which);
    if (!services.ok()) return services.error();
    auto started = ForceNewDeployments(h_.session, info_, *services);
    if (!started.ok()) return started.error();
    return FollowServices(h_.session, info_, *services, *started, observer_);
  }

  testing::OpsHarness h_;
  rex::testing::FakeEcs ecs_{nullptr, &h_.clock};
  StackInfo info_;
  RecordingRedeployObserver observer_;
};

TEST_F(RedeployTest, AllServicesBecomeStable) {
  ecs_.ScriptDeployment("ComputeApiService", {.polls = 3});
  auto outcome = Redeploy("all");
  ASSERT_TRUE(outcome.ok()) << outcome.error().ToString();
  EXPECT_TRUE(outcome->ok());
  ASSERT_EQ(outcome->services.size(), 3u);
  for (const ServiceOutcome& s : outcome->services) {
    EXPECT_TRUE(s.stable) << s.name;
    EXPECT_EQ(s.last.running, s.last.desired) << s.name;
  }
  auto updates = ecs_.UpdateServiceRequests();
  ASSERT_EQ(updates.size(), 3u);
  for (const base::Json& u : updates) EXPECT_EQ(u["forceNewDeployment"], true);
  EXPECT_EQ(updates[0]["service"], info_.FindService("api")->service_arn);
  // api took three polls: progress shows it in progress first.
  EXPECT_THAT(observer_.progress.front(), HasSubstr("IN_PROGRESS"));
  EXPECT_THAT(observer_.events, ::testing::Contains(HasSubstr("deployment completed")));
}

TEST_F(RedeployTest, TheCircuitBreakerRollsBackAndSaysWhy) {
  ecs_.ScriptDeployment("ComputeWorkerService",
                        {.polls = 2, .roll_back = true, .failure = "tasks failed to start"});
  auto outcome = Redeploy("worker");
  ASSERT_TRUE(outcome.ok()) << outcome.error().ToString();
  EXPECT_FALSE(outcome->ok());
  ASSERT_EQ(outcome->services.size(), 1u);
  const ServiceOutcome& worker = outcome->services[0];
  EXPECT_TRUE(worker.rolled_back);
  EXPECT_FALSE(worker.stable);
  EXPECT_THAT(worker.reason, HasSubstr("ECS deployment circuit breaker: tasks failed to start"));
  EXPECT_THAT(worker.reason, HasSubstr("rolling back to deployment"));
}

TEST_F(RedeployTest, UnknownServicesAreRefusedBeforeAnyCall) {
  auto services = ResolveServices(info_, "frontend");
  ASSERT_FALSE(services.ok());
  EXPECT_EQ(services.error().code(), base::Code::kInvalidArgument);
  EXPECT_EQ(services.error().message(),
            "unknown service \"frontend\"; stack rex-backend-dev has services api, supertokens, "
            "worker; jobs bootstrap, migration (rex redeploy takes a service or all)");
  auto typo = ResolveServices(info_, "wroker");
  ASSERT_FALSE(typo.ok());
  EXPECT_THAT(typo.error().message(), HasSubstr("did you mean \"worker\"?"));
  // A job is no service.
  EXPECT_EQ(ResolveServices(info_, "migration").error().code(), base::Code::kInvalidArgument);
  auto all = ResolveServices(info_, "all");
  ASSERT_TRUE(all.ok());
  EXPECT_THAT(*all, ElementsAre("api", "supertokens", "worker"));
  EXPECT_TRUE(ecs_.UpdateServiceRequests().empty());
}

TEST_F(RedeployTest, ThrottledPollsAreRetried) {
  h_.fake.InjectFault(
      {.kind = rex::testing::FaultKind::kThrottle, .action = "DescribeServices", .count = 2});
  auto outcome = Redeploy("api");
  ASSERT_TRUE(outcome.ok()) << outcome.error().ToString();
  EXPECT_TRUE(outcome->ok());
  EXPECT_EQ(h_.fake.faults_served(), 2);
}

}  // namespace
}  // namespace rex::ops
