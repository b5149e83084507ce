// `rex status` through the real binary against the fake AWS endpoint (tests/support/): the prod
// stack deployed with `rex up --yes`, ECS, ELBv2, RDS, ElastiCache and Amplify taught to the
// fake, and the stack's apiUrl pointed at a local health server (FakeHealthServer) since the
// fake ALB's DNS name resolves nowhere. Replaces the original README's
// `curl http://$ALB_DNS/api/health` and `curl http://$ALB_DNS/auth/hello`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "base/json.h"
#include "support/fake_amplify.h"
#include "support/fake_aws_server.h"
#include "support/fake_ecs.h"
#include "support/fake_elasticache.h"
#include "support/fake_elbv2.h"
#include "support/fake_health_server.h"
#include "support/fake_rds.h"
#include "support/run_rex.h"

namespace rex::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The prod preset: its template (over 51,200 bytes compact) goes through the bootstrap bucket.
// The dev template would go inline, and the fake endpoint's HTTP server (cpp-httplib 0.11)
// refuses form bodies over 8 KiB with HTTP 413.
constexpr const char* kStackName = "rex-backend-prod";

class StatusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.aws().AddService("ecs", &ecs_);
    server_.aws().AddService("elasticloadbalancing", &elb_);
    server_.aws().AddService("rds", &rds_);
    server_.aws().AddService("elasticache", &cache_);
    server_.aws().AddService("amplify", &amplify_);
    server_.aws().SetOutputOverride("apiUrl", health_.url());
    ecs_.Follow(server_.aws(), kStackName);
    ASSERT_EQ(Rex({"init", "prod"}).exit_code, 0);
    ASSERT_EQ(Rex({"bootstrap"}).exit_code, 0);
    ASSERT_EQ(Rex({"config", "set", "githubRepo", "https://github.com/rex/frontend"}).exit_code, 0);
    RexRun up = Rex({"up", "--yes"});
    ASSERT_EQ(up.exit_code, 0) << up.err;
  }

  RexRun Rex(std::vector<std::string> args, std::map<std::string, std::string> extra_env = {}) {
    args.insert(args.begin(), {"--endpoint-url", server_.url()});
    std::map<std::string, std::string> env = server_.RexEnv("status passphrase");
    env["REX_STACK"] = "prod";
    for (auto& [k, v] : extra_env) env[k] = v;
    RexRun run = RunRex(args, {.cwd = dir_.path(), .env = env});
    transcript_ += run.out + run.err;
    return run;
  }

  // The physical id (ARN) of the target group whose logical id contains `part`.
  std::string TargetGroup(const std::string& part) {
    for (const auto& [id, r] : server_.aws().StackResources(kStackName)) {
      if (r.type == "AWS::ElasticLoadBalancingV2::TargetGroup" &&
          id.find(part) != std::string::npos) {
        return r.physical_id;
      }
    }
    ADD_FAILURE() << "no target group " << part;
    return "";
  }

  void TearDown() override {
    EXPECT_THAT(transcript_, Not(HasSubstr(server_.aws().options().secret_access_key)));
  }

  TempDir dir_;
  FakeAwsServer server_;
  FakeEcs ecs_;
  FakeElbv2 elb_;
  FakeRds rds_;
  FakeElasticache cache_;
  FakeAmplify amplify_;
  FakeHealthServer health_;
  std::string transcript_;
};

TEST_F(StatusTest, EverythingHealthyExitsZero) {
  RexRun run = Rex({"status"});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr(std::string(kStackName) + " (us-east-1)  CREATE_COMPLETE"));
  EXPECT_THAT(run.out, HasSubstr("GET /api/health"));
  EXPECT_THAT(run.out, HasSubstr("GET /auth/hello"));
  EXPECT_THAT(run.out, HasSubstr(health_.url() + "/api/health"));
  EXPECT_THAT(run.out, HasSubstr("supertokens"));
  EXPECT_THAT(run.out, HasSubstr("last build 1 SUCCEED, commit 0f1e2d3 \"Initial commit\""));
  EXPECT_THAT(run.out, HasSubstr("available (aurora-postgresql 15.10, 0.5-2.0 ACU)"));
  EXPECT_THAT(run.out, HasSubstr("\nhealthy\n"));
  EXPECT_EQ(health_.hits("/api/health"), 1);
  EXPECT_EQ(health_.hits("/auth/hello"), 1);
}

TEST_F(StatusTest, OneUnhealthyTargetExitsOneAndNamesItWithTheReason) {
  elb_.SetTargets(TargetGroup("Supertokens"),
                  {{.id = "10.0.1.7", .port = 3567},
                   {.id = "10.0.2.7",
                    .port = 3567,
                    .state = "unhealthy",
                    .reason = "Target.FailedHealthChecks",
                    .description = "Health checks failed with these codes: [502]"}});
  RexRun run = Rex({"status"});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("10.0.2.7:3567 unhealthy Target.FailedHealthChecks (Health "
                                 "checks failed with these codes: [502])"));
  EXPECT_THAT(run.out, HasSubstr("1 problem:\n  x targets supertokens: 1 of 2 targets "
                                 "unhealthy: 10.0.2.7:3567 Target.FailedHealthChecks"));
  EXPECT_THAT(run.err, HasSubstr("unhealthy: 1 problem (targets supertokens: "));
}

TEST_F(StatusTest, JsonDocument) {
  elb_.SetTargets(TargetGroup("Api"), {{.id = "10.0.1.9",
                                        .port = 8080,
                                        .state = "unhealthy",
                                        .reason = "Target.Timeout",
                                        .description = "Request timed out"}});
  RexRun run = Rex({"status", "--json"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  base::Json doc = base::Json::parse(run.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << run.out;
  EXPECT_EQ(doc["version"], 1);  // docs/json.md
  EXPECT_EQ(doc["healthy"], false);
  EXPECT_EQ(doc["stack"]["name"], kStackName);
  EXPECT_EQ(doc["stack"]["status"], "CREATE_COMPLETE");
  ASSERT_EQ(doc["services"].size(), 3u);
  EXPECT_EQ(doc["services"][0]["name"], "api");
  bool found = false;
  for (const auto& g : doc["targetGroups"]) {
    if (g["service"] != "api") continue;
    found = true;
    EXPECT_EQ(g["unhealthy"], 1);
    EXPECT_EQ(g["targets"][0]["reason"], "Target.Timeout");
  }
  EXPECT_TRUE(found);
  ASSERT_EQ(doc["endpoints"].size(), 2u);
  EXPECT_EQ(doc["endpoints"][0]["path"], "/api/health");
  EXPECT_EQ(doc["endpoints"][0]["httpStatus"], 200);
  EXPECT_TRUE(doc["endpoints"][0]["latencyMs"].is_number());
  EXPECT_EQ(doc["frontend"]["lastBuild"]["status"], "SUCCEED");
  EXPECT_EQ(doc["database"]["status"], "available");
  EXPECT_EQ(doc["cache"]["status"], "available");
  ASSERT_EQ(doc["problems"].size(), 1u);
  EXPECT_EQ(doc["problems"][0]["part"], "targets api");
}

TEST_F(StatusTest, HealthEndpointDownIsUnhealthy) {
  health_.Set("/api/health", 503);
  RexRun run = Rex({"status"});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_THAT(run.out,
              HasSubstr("GET /api/health: " + health_.url() + "/api/health answered HTTP 503"));
}

TEST_F(StatusTest, SlowHealthEndpointTimesOut) {
  health_.Set("/auth/hello", 200, std::chrono::milliseconds(1500));
  RexRun run = Rex({"status"}, {{"REX_HEALTH_TIMEOUT_MS", "200"}});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("GET /auth/hello: " + health_.url() + "/auth/hello: no answer"));
}

TEST_F(StatusTest, FailedFrontendBuildAndBusyDatabase) {
  amplify_.SetLastJob(FakeAmplifyJob{.id = "9",
                                     .status = "FAILED",
                                     .commit_id = "abcdef0123",
                                     .commit_message = "break the build"});
  rds_.SetStatus("modifying");
  cache_.SetStatus("snapshotting");
  RexRun run = Rex({"status"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.out, HasSubstr("frontend: the last build of "));
  EXPECT_THAT(run.out, HasSubstr("(job 9) failed"));
  EXPECT_THAT(run.out, HasSubstr("database: cluster "));
  EXPECT_THAT(run.out, HasSubstr(" is modifying"));
  EXPECT_THAT(run.out, HasSubstr(" is snapshotting"));
}

TEST_F(StatusTest, NoSuchStackIsExitTwo) {
  RexRun run = Rex({"--stack", "staging", "status"});
  // No stacks/staging.yaml: bad input.
  EXPECT_EQ(run.exit_code, 2) << run.err;
}

}  // namespace
}  // namespace rex::testing
