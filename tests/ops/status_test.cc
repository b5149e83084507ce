// ops/status.h, the pure parts: AssessStatus (what counts as unhealthy, and how it is said)
// and StatusToJson (the --json document).
#include "ops/status.h"

#include <gtest/gtest.h>

namespace rex::ops {
namespace {

StatusReport HealthyReport() {
  StatusReport r;
  r.stack_name = "rex-backend-dev";
  r.region = "us-east-1";
  r.stack_status = "UPDATE_COMPLETE";
  r.api_url = "http://alb.example";
  ServiceStatus api{
      .name = "api", .service_name = "api", .status = "ACTIVE", .desired = 2, .running = 2};
  aws::EcsDeployment primary;
  primary.id = "ecs-svc/1";
  primary.status = "PRIMARY";
  primary.desired_count = 2;
  primary.running_count = 2;
  primary.rollout_state = "COMPLETED";
  api.deployments.push_back(primary);
  r.services.push_back(api);
  TargetGroupStatus tg{.service = "api", .target_group_arn = "arn:tg/api", .healthy = 2};
  for (const char* ip : {"10.0.1.5", "10.0.2.5"}) {
    aws::TargetHealthDescription t;
    t.target_id = ip;
    t.port = 8080;
    t.state = "healthy";
    tg.targets.push_back(t);
  }
  r.target_groups.push_back(tg);
  r.endpoints.push_back({.path = "/api/health",
                         .url = "http://alb.example/api/health",
                         .http_status = 200,
                         .latency = std::chrono::milliseconds(12)});
  r.database = DatabaseStatus{.identifier = "db",
                              .cluster = aws::DbCluster{.identifier = "db",
                                                        .status = "available",
                                                        .engine = "aurora-postgresql",
                                                        .engine_version = "15.10"}};
  r.cache = CacheStatus{.id = "redis",
                        .group = aws::ReplicationGroup{.id = "redis", .status = "available"}};
  return r;
}

TEST(AssessStatusTest, HealthyHasNoProblems) { EXPECT_TRUE(AssessStatus(HealthyReport()).empty()); }

TEST(AssessStatusTest, EachUnhealthyPartIsNamed) {
  StatusReport r = HealthyReport();
  r.stack_status = "UPDATE_ROLLBACK_COMPLETE";
  r.services[0].running = 1;
  r.services[0].pending = 1;
  r.services[0].deployments[0].rollout_state = "FAILED";
  r.services[0].deployments[0].rollout_state_reason = "circuit breaker tripped";
  r.target_groups[0].healthy = 1;
  r.target_groups[0].unhealthy = 1;
  r.target_groups[0].targets[1].state = "unhealthy";
  r.target_groups[0].targets[1].reason = "Target.FailedHealthChecks";
  r.target_groups[0].targets[1].description = "Health checks failed with these codes: [502]";
  r.endpoints.push_back({.path = "/auth/hello",
                         .url = "http://alb.example/auth/hello",
                         .error = "no answer within 5.0 s"});
  r.endpoints[0].http_status = 503;
  r.frontend = FrontendStatus{.app_id = "d1",
                              .branch = "main",
                              .last_job = aws::AmplifyJob{.job_id = "7", .status = "FAILED"}};
  r.database->cluster->status = "modifying";
  r.cache->error = "AccessDenied (HTTP 403): no";
  r.cache->group.reset();

  std::vector<StatusProblem> problems = AssessStatus(r);
  std::vector<std::string> lines;
  for (const auto& p : problems) lines.push_back(p.part + ": " + p.message);
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "stack: stack rex-backend-dev is UPDATE_ROLLBACK_COMPLETE",
                       "service api: 1 of 2 tasks running (1 pending)",
                       "service api: the latest deployment failed: circuit breaker tripped",
                       "targets api: 1 of 2 targets unhealthy: 10.0.2.5:8080 "
                       "Target.FailedHealthChecks (Health checks failed with these codes: [502])",
                       "GET /api/health: http://alb.example/api/health answered HTTP 503",
                       "GET /auth/hello: http://alb.example/auth/hello: no answer within 5.0 s",
                       "frontend: the last build of main (job 7) failed",
                       "database: cluster db is modifying",
                       "cache: could not read replication group redis: AccessDenied (HTTP 403): no",
                   }));
}

TEST(AssessStatusTest, NoHealthyTargetForAServiceThatWantsTasks) {
  StatusReport r = HealthyReport();
  r.target_groups[0].healthy = 0;
  r.target_groups[0].other = 2;
  for (auto& t : r.target_groups[0].targets) t.state = "initial";
  std::vector<StatusProblem> problems = AssessStatus(r);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].part, "targets api");
  EXPECT_EQ(problems[0].message, "no healthy target");
}

TEST(AssessStatusTest, RunningBuildAndNeverBuiltAreFine) {
  StatusReport r = HealthyReport();
  r.frontend = FrontendStatus{.app_id = "d1",
                              .branch = "main",
                              .last_job = aws::AmplifyJob{.job_id = "8", .status = "RUNNING"}};
  EXPECT_TRUE(AssessStatus(r).empty());
  r.frontend->last_job.reset();
  EXPECT_TRUE(AssessStatus(r).empty());
}

TEST(StatusToJsonTest, Document) {
  StatusReport r = HealthyReport();
  r.last_updated = aws::TimePoint(std::chrono::seconds(1795000000));
  base::Json doc = StatusToJson(r, {});
  EXPECT_EQ(doc["healthy"], true);
  EXPECT_EQ(doc["problems"], base::Json::array());
  EXPECT_EQ(doc["stack"]["status"], "UPDATE_COMPLETE");
  EXPECT_EQ(doc["stack"]["lastUpdated"], "2026-11-18T11:06:40Z");
  EXPECT_EQ(doc["services"][0]["running"], 2);
  EXPECT_EQ(doc["services"][0]["deployments"][0]["rolloutState"], "COMPLETED");
  EXPECT_EQ(doc["targetGroups"][0]["healthy"], 2);
  EXPECT_EQ(doc["endpoints"][0]["httpStatus"], 200);
  EXPECT_EQ(doc["endpoints"][0]["latencyMs"], 12);
  EXPECT_EQ(doc["frontend"], nullptr);
  EXPECT_EQ(doc["database"]["engineVersion"], "15.10");
  EXPECT_EQ(doc["cache"]["status"], "available");

  base::Json bad = StatusToJson(r, {{"targets api", "1 of 2 targets unhealthy"}});
  EXPECT_EQ(bad["healthy"], false);
  EXPECT_EQ(bad["problems"][0]["part"], "targets api");
}

}  // namespace
}  // namespace rex::ops
