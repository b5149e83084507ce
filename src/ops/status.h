#pragma once

// `rex status`: one screen on the deployed stack — the stack's status and last update, each
// ECS service's counts and deployments, the target health of each target group, the answers
// of the ALB's /api/health and /auth/hello, the Amplify branch's last build, the database
// cluster and the cache. Replaces the original README's `curl http://$ALB_DNS/api/health`,
// `curl http://$ALB_DNS/auth/hello` and the console visits ("Target groups show healthy
// targets", "Amplify → build status").
//
// Two parts: CollectStatus asks AWS (and the two HTTP endpoints) in parallel and records each
// part's answer or the reason it has none; AssessStatus (pure) turns a report into the list
// of problems that decides the exit code. StatusToJson (pure) is the --json document.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "aws/amplify.h"
#include "aws/cloudformation.h"
#include "aws/ecs.h"
#include "aws/elasticache.h"
#include "aws/elbv2.h"
#include "aws/rds.h"
#include "aws/transport.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/result.h"

namespace rex::ops {

// The clients CollectStatus uses; not owned, each must outlive the call. `cfn`, `http` and
// `clock` are required; a null service client leaves its part out of the report with the
// error "not available".
struct StatusClients {
  aws::CloudFormationClient* cfn = nullptr;
  aws::EcsClient* ecs = nullptr;
  aws::Elbv2Client* elbv2 = nullptr;
  aws::RdsClient* rds = nullptr;
  aws::ElasticacheClient* elasticache = nullptr;
  aws::AmplifyClient* amplify = nullptr;
  // For the health endpoints (plain GETs, unsigned).
  aws::HttpTransport* http = nullptr;
  base::Clock* clock = nullptr;
};

struct StatusOptions {
  std::string region = {};  // for messages
  // Time allowed for each health endpoint (connect and answer). Default: 5 s.
  std::chrono::milliseconds endpoint_timeout = std::chrono::seconds(5);
  // The paths checked on the API URL. Default: the original README's two.
  std::vector<std::string> endpoint_paths = {"/api/health", "/auth/hello"};
};

struct ServiceStatus {
  std::string name = {};          // "api"
  std::string service_name = {};  // the ECS service
  std::string status = {};        // ACTIVE | DRAINING | INACTIVE
  int64_t desired = 0;
  int64_t running = 0;
  int64_t pending = 0;
  std::vector<aws::EcsDeployment> deployments = {};  // PRIMARY first
  std::string error = {};                            // why the part is missing, else ""
};

struct TargetGroupStatus {
  std::string service = {};  // "api", "supertokens"
  std::string target_group_arn = {};
  int healthy = 0;
  int unhealthy = 0;
  int other = 0;  // initial, draining, unused, unavailable
  std::vector<aws::TargetHealthDescription> targets = {};
  std::string error = {};
};

struct EndpointStatus {
  std::string path = {};  // "/api/health"
  std::string url = {};
  int http_status = 0;  // 0 when no answer came
  std::chrono::milliseconds latency{0};
  std::string body = {};   // the first 200 bytes of the answer
  std::string error = {};  // no answer: timeout, connection refused, ...
};

struct FrontendStatus {
  std::string app_id = {};
  std::string branch = {};
  std::optional<aws::AmplifyJob> last_job = {};  // none: the branch was never built
  std::string error = {};
};

struct DatabaseStatus {
  std::string identifier = {};
  std::optional<aws::DbCluster> cluster = {};
  std::string error = {};
};

struct CacheStatus {
  std::string id = {};
  std::optional<aws::ReplicationGroup> group = {};
  std::string error = {};
};

struct StatusReport {
  std::string stack_name = {};
  std::string region = {};
  std::string stack_status = {};
  std::string stack_status_reason = {};
  std::optional<aws::TimePoint> last_updated = {};  // else creation_time
  std::optional<aws::TimePoint> created = {};
  std::string api_url = {};
  std::vector<ServiceStatus> services = {};  // every service of the stack, by name
  std::vector<std::string> jobs = {};        // the stack's jobs (rex run NAME), by name
  std::vector<TargetGroupStatus> target_groups = {};
  std::vector<EndpointStatus> endpoints = {};
  std::optional<FrontendStatus> frontend = {};  // only when the stack has a frontend
  std::optional<DatabaseStatus> database = {};
  std::optional<CacheStatus> cache = {};
};

// Reads the stack, then asks every part at once (one thread per part, so the whole screen
// costs about one round trip plus the slowest endpoint). A part that cannot be read keeps its
// `error`; only the stack itself is required: kNotFound "stack <name> does not exist in
// <region>; run \"rex up\" first", other AWS errors as the client returns them.
base::Result<StatusReport> CollectStatus(const StatusClients& clients,
                                         const std::string& stack_name,
                                         const StatusOptions& options = {});

// One thing that is not healthy.
struct StatusProblem {
  std::string part = {};  // "stack", "service api", "targets supertokens", "GET /api/health", ...
  std::string message = {};  // "1 of 2 targets unhealthy: 10.0.1.7:8080 Target.FailedHealthChecks
                             // (Health checks failed with these codes: [502])"
};

// The problems of `report` (empty: everything is healthy). Healthy means: the stack in
// CREATE_COMPLETE, UPDATE_COMPLETE or IMPORT_COMPLETE; every service ACTIVE with running ==
// desired and no failed PRIMARY rollout; every target group with no unhealthy target and at
// least one healthy one when its service wants tasks; every endpoint answering 2xx; the last
// Amplify build not FAILED or CANCELLED; the database and cache "available"; and every part
// readable.
std::vector<StatusProblem> AssessStatus(const StatusReport& report);

// The --json document: {"stack": {...}, "services": [...], "jobs": [names], "targetGroups": [...],
// "endpoints": [...], "frontend": {...}|null, "database": {...}|null, "cache": {...}|null,
// "healthy": bool, "problems": [{"part", "message"}]}. Times are ISO-8601 UTC.
base::Json StatusToJson(const StatusReport& report, const std::vector<StatusProblem>& problems);

}  // namespace rex::ops
