#include "ops/run_task.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ops/harness.h"
#include "ops/stack_info.h"
#include "support/fake_ecs.h"
#include "support/fake_logs.h"

namespace rex::ops {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class RecordingTaskObserver : public TaskObserver {
 public:
  void OnStarted(const aws::EcsTask& task, std::string_view group,
                 std::string_view stream) override {
    started = task.task_arn;
    log_group = group;
    log_stream = stream;
  }
  void OnStatus(std::string_view status, std::chrono::milliseconds) override {
    if (statuses.empty() || statuses.back() != status) statuses.emplace_back(status);
  }
  void OnLogEvent(const aws::LogEvent& event) override {
    lines.push_back(event.message);
    streams.push_back(event.log_stream_name);
  }
  void OnNote(std::string_view note) override { notes.emplace_back(note); }

  std::string started;
  std::string log_group;
  std::string log_stream;
  std::vector<std::string> statuses;
  std::vector<std::string> lines;
  std::vector<std::string> streams;
  std::vector<std::string> notes;
};

class RunTaskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h_.fake.AddService("ecs", &ecs_);
    h_.fake.AddService("logs", &logs_);
    ASSERT_TRUE(h_.Deploy());
    auto resources = h_.fake.StackResources(testing::kStackName);
    auto text = base::ReadFile(testing::GoldenPath("dev"));
    ASSERT_TRUE(text.ok());
    ecs_.SeedFromStack(resources, *base::ParseJson(*text, "dev"));
    logs_.SeedFromStack(resources);
    auto info = LoadStackInfo(h_.cfn, testing::kStackName, "us-east-1");
    ASSERT_TRUE(info.ok()) << info.error().ToString();
    info_ = *info;
  }

  base::Result<TaskOutcome> Run(const std::string& what = "migration") {
    return RunOneOffTask(
        h_.session, info_,
        {.what = what,
         .task_definition = info_.jobs.count(what) > 0 ? info_.jobs.at(what).task_definition : "",
         .client_token = "token-1"},
        observer_);
  }

  testing::OpsHarness h_;
  rex::testing::FakeLogs logs_;
  rex::testing::FakeEcs ecs_{&logs_, &h_.clock};
  StackInfo info_;
  RecordingTaskObserver observer_;
};

TEST_F(RunTaskTest, ASuccessfulMigrationStreamsItsLogAndExitsZero) {
  ecs_.ScriptTask("ComputeMigrationTaskDefinition",
                  {.log_lines = {"applying 0001_init", "applying 0002_users", "done"}});
  auto outcome = Run();
  ASSERT_TRUE(outcome.ok()) << outcome.error().ToString();
  EXPECT_EQ(outcome->ExitCode(), 0);
  EXPECT_EQ(outcome->FailureSummary("migration"), "");
  EXPECT_THAT(observer_.statuses, ElementsAre("PROVISIONING", "PENDING", "RUNNING", "STOPPED"));
  EXPECT_THAT(observer_.lines, ElementsAre("applying 0001_init", "applying 0002_users", "done"));
  EXPECT_EQ(outcome->log_events, 3u);
  // The stream awslogs writes: <prefix>/<container>/<task id>.
  EXPECT_EQ(observer_.log_stream, "migration/migration/" + outcome->task_id);
  EXPECT_EQ(observer_.log_group, info_.LogGroup("migration"));

  // Private subnets, the services' security group, no public IP, the idempotency token.
  auto requests = ecs_.RunTaskRequests();
  ASSERT_EQ(requests.size(), 1u);
  const base::Json& vpc = requests[0]["networkConfiguration"]["awsvpcConfiguration"];
  EXPECT_EQ(vpc["subnets"].get<std::vector<std::string>>(), info_.private_subnets);
  EXPECT_EQ(vpc["securityGroups"][0], info_.services_security_group);
  EXPECT_EQ(vpc["assignPublicIp"], "DISABLED");
  EXPECT_EQ(requests[0]["launchType"], "FARGATE");
  EXPECT_EQ(requests[0]["clientToken"], "token-1");
  EXPECT_EQ(requests[0]["cluster"], info_.cluster);
}

TEST_F(RunTaskTest, TheContainersExitCodeIsTheOutcome) {
  ecs_.ScriptTask("ComputeMigrationTaskDefinition",
                  {.exit_code = 3, .log_lines = {"error: relation users exists"}});
  auto outcome = Run();
  ASSERT_TRUE(outcome.ok()) << outcome.error().ToString();
  EXPECT_EQ(outcome->ExitCode(), 3);
  EXPECT_EQ(outcome->FailureSummary("migration"), "the migration task exited with code 3");
  EXPECT_THAT(observer_.lines, ElementsAre("error: relation users exists"));
}

TEST_F(RunTaskTest, ATaskThatNeverStartsReportsTheStoppedReason) {
  const std::string reason =
      "CannotPullContainerError: pull image manifest has been retried 5 time(s): "
      "rex-backend-dev-api:latest: not found";
  ecs_.ScriptTask("ComputeMigrationTaskDefinition", {.fail_to_start = reason});
  auto outcome = Run();
  ASSERT_TRUE(outcome.ok()) << outcome.error().ToString();
  EXPECT_TRUE(outcome->failed_to_start());
  EXPECT_EQ(outcome->ExitCode(), 1);
  EXPECT_EQ(outcome->FailureSummary("migration"), "the migration task failed to start: " + reason);
  EXPECT_THAT(observer_.statuses, ElementsAre("PROVISIONING", "PENDING", "STOPPED"));
  EXPECT_TRUE(observer_.lines.empty());
}

TEST_F(RunTaskTest, ThrottledDescribeTasksIsRetried) {
  h_.fake.InjectFault(
      {.kind = rex::testing::FaultKind::kThrottle, .action = "DescribeTasks", .count = 2});
  ecs_.ScriptTask("ComputeBootstrapTaskDefinition",
                  {.log_lines = {"database supertokens created"}});
  auto outcome = Run("bootstrap");
  ASSERT_TRUE(outcome.ok()) << outcome.error().ToString();
  EXPECT_EQ(outcome->ExitCode(), 0);
  EXPECT_EQ(h_.fake.faults_served(), 2);
  EXPECT_THAT(observer_.lines, ElementsAre("database supertokens created"));
  EXPECT_EQ(observer_.log_stream, "bootstrap/bootstrap/" + outcome->task_id);
}

TEST_F(RunTaskTest, CancelStopsFollowingAndLeavesTheTaskRunning) {
  std::atomic<bool> cancel{true};
  h_.session.cancel = &cancel;
  auto outcome = Run();
  ASSERT_TRUE(outcome.ok()) << outcome.error().ToString();
  EXPECT_TRUE(outcome->cancelled);
  EXPECT_FALSE(outcome->stopped());
  EXPECT_EQ(outcome->ExitCode(), 1);
  EXPECT_EQ(ecs_.TasksStarted(), 1);
}

TEST_F(RunTaskTest, AStackWithoutTheTaskDefinitionIsAClearError) {
  info_.jobs.erase("migration");
  auto outcome = Run();
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code(), base::Code::kFailedPrecondition);
  EXPECT_THAT(outcome.error().message(),
              HasSubstr("stack rex-backend-dev has no migration task definition"));
  EXPECT_EQ(ecs_.TasksStarted(), 0);
}

}  // namespace
}  // namespace rex::ops
