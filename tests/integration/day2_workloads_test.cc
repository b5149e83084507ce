// Day-2 commands follow the deployed stack, not names: examples/workloads.yaml (the dev preset
// plus the `notifier` service) deployed with `rex up --yes` through the real binary against the
// fake AWS endpoint, then `rex logs notifier`, `rex redeploy notifier`, `rex status`,
// `rex images push notifier TAG` and `rex run JOB` work on what the stack holds, with no line of
// rex naming the notifier; names the stack does not have exit 2 listing what it has.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "base/files.h"
#include "base/json.h"
#include "support/fake_aws_server.h"
#include "support/fake_ecr.h"
#include "support/fake_ecs.h"
#include "support/fake_elasticache.h"
#include "support/fake_elbv2.h"
#include "support/fake_health_server.h"
#include "support/fake_logs.h"
#include "support/fake_rds.h"
#include "support/run_rex.h"

namespace rex::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kStackName = "rex-backend-dev";

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class Day2WorkloadsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.aws().AddService("ecs", &ecs_);
    server_.aws().AddService("logs", &logs_);
    server_.aws().AddService("ecr", &ecr_);
    server_.aws().AddService("elasticloadbalancing", &elb_);
    server_.aws().AddService("rds", &rds_);
    server_.aws().AddService("elasticache", &cache_);
    server_.aws().SetOutputOverride("apiUrl", health_.url());
    server_.aws().SetOutputOverride("notifierRepositoryUrl", Remote("notifier"));
    ecs_.Follow(server_.aws(), kStackName);
    logs_.Follow(server_.aws(), kStackName);
    auto example = base::ReadFile(std::string(REX_SOURCE_DIR) + "/examples/workloads.yaml");
    ASSERT_TRUE(example.ok()) << example.error().message();
    dir_.Write("stacks/dev.yaml", *example);
    ecs_.ScriptTask("ComputeBootstrapTaskDefinition", {.log_lines = {"database created"}});
    // The template is over 51,200 bytes: it goes through the bootstrap bucket.
    ASSERT_EQ(Rex({"bootstrap"}).exit_code, 0);
    RexRun up = Rex({"up", "--yes"});
    ASSERT_EQ(up.exit_code, 0) << up.err;
  }

  std::string Remote(const std::string& service) {
    return ecr_.Registry() + "/" + kStackName + "-" + service;
  }

  RexRun Rex(std::vector<std::string> args, std::map<std::string, std::string> extra_env = {}) {
    args.insert(args.begin(), {"--endpoint-url", server_.url()});
    std::map<std::string, std::string> env = server_.RexEnv("day2 passphrase");
    for (auto& [k, v] : extra_env) env[k] = v;
    RexRun run = RunRex(args, {.cwd = dir_.path(), .env = env});
    transcript_ += run.out + run.err;
    return run;
  }

  std::string Physical(const std::string& logical_id) {
    return server_.aws().StackResources(kStackName).at(logical_id).physical_id;
  }

  void TearDown() override {
    EXPECT_THAT(transcript_, Not(HasSubstr(server_.aws().options().secret_access_key)));
    EXPECT_THAT(transcript_, Not(HasSubstr(FakeEcr::kPassword)));
  }

  TempDir dir_;
  TempDir empty_bin_;
  FakeAwsServer server_;
  FakeLogs logs_{3};
  FakeEcs ecs_{&logs_};
  FakeEcr ecr_;
  FakeElbv2 elb_;
  FakeRds rds_;
  FakeElasticache cache_;
  FakeHealthServer health_;
  std::string transcript_;
};

TEST_F(Day2WorkloadsTest, LogsOfTheNotifierComeFromItsLogGroup) {
  const std::string group = Physical("MonitoringNotifierLogGroup");
  logs_.AddEvent(group, "notifier/notifier/eeeeeeee00000000", NowMs() - 2000, "sent 3 emails");
  logs_.AddEvent(Physical("MonitoringApiLogGroup"), "api/api/ffffffff00000000", NowMs() - 1000,
                 "an api line");
  RexRun run = Rex({"logs", "notifier"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("eeeeeeee sent 3 emails"));
  EXPECT_THAT(run.out, Not(HasSubstr("an api line")));
}

TEST_F(Day2WorkloadsTest, RedeployOfTheNotifierUpdatesItsServiceOnly) {
  RexRun run = Rex({"redeploy", "notifier"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("notifier  stable"));
  auto updates = ecs_.UpdateServiceRequests();
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(updates[0]["service"], Physical("ComputeNotifierService"));

  // all: every service of the stack, the notifier included.
  RexRun all = Rex({"redeploy", "all", "--json"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  auto doc = base::ParseJson(all.out, "stdout");
  ASSERT_TRUE(doc.ok()) << all.out;
  EXPECT_EQ((*doc)["version"], 1);  // docs/json.md
  std::vector<std::string> names;
  for (const base::Json& s : (*doc)["services"]) names.push_back(s["service"]);
  EXPECT_EQ(names, (std::vector<std::string>{"api", "notifier", "supertokens", "worker"}));
}

TEST_F(Day2WorkloadsTest, StatusShowsTheNotifierAndItsTargets) {
  RexRun run = Rex({"status", "--json"});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  auto doc = base::ParseJson(run.out, "stdout");
  ASSERT_TRUE(doc.ok()) << run.out;
  bool service = false;
  for (const base::Json& s : (*doc)["services"]) {
    if (s["name"] == "notifier") {
      service = true;
      EXPECT_EQ(s["status"], "ACTIVE");
      EXPECT_FALSE(s.contains("error")) << s.dump();
    }
  }
  EXPECT_TRUE(service) << run.out;
  bool targets = false;
  for (const base::Json& g : (*doc)["targetGroups"]) {
    if (g["service"] == "notifier") {
      targets = true;
      EXPECT_EQ(g["targetGroupArn"], Physical("LoadBalancerNotifierTargetGroup"));
    }
  }
  EXPECT_TRUE(targets) << run.out;
  EXPECT_THAT((*doc)["jobs"].dump(), AllOf(HasSubstr("\"migration\""), HasSubstr("\"bootstrap\"")));
  EXPECT_THAT(elb_.HealthRequests(),
              ::testing::Contains(Physical("LoadBalancerNotifierTargetGroup")));

  RexRun text = Rex({"status"});
  EXPECT_EQ(text.exit_code, 0) << text.out << text.err;
  EXPECT_THAT(text.out, AllOf(HasSubstr("notifier"), HasSubstr("jobs      bootstrap, ")));
}

TEST_F(Day2WorkloadsTest, ImagesPushOfTheNotifierUsesItsRepository) {
  RexRun run = Rex({"images", "push", "notifier", "v1.0.0"}, {{"PATH", empty_bin_.path()}});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, AllOf(HasSubstr("docker tag rex-backend-notifier:v1.0.0 " +
                                       Remote("notifier") + ":v1.0.0"),
                             HasSubstr("docker push " + Remote("notifier") + ":v1.0.0")));
  // SuperTokens runs an external image: nothing to push, exit 2 naming the ones there are.
  RexRun external = Rex({"images", "push", "supertokens", "v1"}, {{"PATH", empty_bin_.path()}});
  EXPECT_EQ(external.exit_code, 2);
  EXPECT_THAT(external.err, HasSubstr("service supertokens of stack rex-backend-dev has no ECR "
                                      "repository of its own"));
  EXPECT_THAT(external.err, HasSubstr("notifier"));
}

TEST_F(Day2WorkloadsTest, RunStartsAJobAndWaitFollowsItToItsExitCode) {
  ecs_.ScriptTask("ComputeMigrationTaskDefinition",
                  {.exit_code = 3, .log_lines = {"applying 0009_notifications", "failed"}});
  RexRun wait = Rex({"run", "migration", "--wait"});
  EXPECT_EQ(wait.exit_code, 3) << wait.err;
  EXPECT_THAT(wait.out, AllOf(HasSubstr("applying 0009_notifications"), HasSubstr("failed")));
  EXPECT_THAT(wait.err, HasSubstr("error: the migration task exited with code 3"));
  auto requests = ecs_.RunTaskRequests();
  ASSERT_FALSE(requests.empty());
  EXPECT_EQ(requests.back()["taskDefinition"], Physical("ComputeMigrationTaskDefinition"));
  EXPECT_EQ(requests.back()["networkConfiguration"]["awsvpcConfiguration"]["assignPublicIp"],
            "DISABLED");

  // Without --wait: started, its ARN on stdout, exit 0 whatever the task will do.
  const int started = ecs_.TasksStarted();
  RexRun detached = Rex({"run", "migration"});
  EXPECT_EQ(detached.exit_code, 0) << detached.err;
  EXPECT_EQ(ecs_.TasksStarted(), started + 1);
  EXPECT_THAT(detached.out, HasSubstr(":task/"));
  EXPECT_THAT(detached.err, HasSubstr("rex logs migration -f"));

  // The config's nightly job runs on demand too.
  ecs_.ScriptTask("JobsCleanupTaskDefinition", {.log_lines = {"removed 12 expired uploads"}});
  RexRun cleanup = Rex({"run", "cleanup", "--wait"});
  EXPECT_EQ(cleanup.exit_code, 0) << cleanup.err;
  EXPECT_THAT(cleanup.out, HasSubstr("removed 12 expired uploads"));
  EXPECT_EQ(ecs_.RunTaskRequests().back()["taskDefinition"], Physical("JobsCleanupTaskDefinition"));

  RexRun json = Rex({"run", "bootstrap", "--json"});
  EXPECT_EQ(json.exit_code, 0) << json.err;
  auto doc = base::ParseJson(json.out, "stdout");
  ASSERT_TRUE(doc.ok()) << json.out;
  EXPECT_EQ((*doc)["version"], 1);
  EXPECT_EQ((*doc)["job"], "bootstrap");
  EXPECT_EQ((*doc)["logGroup"], Physical("MonitoringBootstrapLogGroup"));
}

TEST_F(Day2WorkloadsTest, NamesTheStackDoesNotHaveExitTwoListingWhatItHas) {
  const std::string has =
      "stack rex-backend-dev has services api, notifier, supertokens, worker; "
      "jobs ";
  RexRun logs = Rex({"logs", "notifer"});
  EXPECT_EQ(logs.exit_code, 2);
  EXPECT_THAT(logs.err, AllOf(HasSubstr("unknown service or job \"notifer\"; did you mean "
                                        "\"notifier\"? " +
                                        has),
                              HasSubstr("(rex logs takes a service or a job)")));
  RexRun redeploy = Rex({"redeploy", "mailer"});
  EXPECT_EQ(redeploy.exit_code, 2);
  EXPECT_THAT(redeploy.err, HasSubstr("unknown service \"mailer\"; " + has));
  RexRun run = Rex({"run", "notifier"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, AllOf(HasSubstr("unknown job \"notifier\"; " + has),
                             HasSubstr("notifier is a service: \"rex redeploy notifier\"")));
  RexRun push = Rex({"images", "push", "mailer", "v1"});
  EXPECT_EQ(push.exit_code, 2);
  EXPECT_THAT(push.err, HasSubstr("unknown service \"mailer\"; " + has));
  EXPECT_EQ(ecs_.UpdateServiceRequests().size(), 0u);
}

}  // namespace
}  // namespace rex::testing
