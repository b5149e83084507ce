#include "ops/status.h"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <future>
#include <map>

#include "aws/http.h"
#include "base/check.h"
#include "base/strings.h"
#include "ops/stack_info.h"

namespace rex::ops {

namespace {

using base::Json;

constexpr const char* kNotAvailable = "not available";

std::vector<ServiceStatus> ReadServices(aws::EcsClient* ecs, const StackInfo& info) {
  std::vector<ServiceStatus> out;
  std::vector<std::string> arns;
  for (const auto& [name, service] : info.services) {
    out.push_back(ServiceStatus{.name = name, .service_name = service.service_name});
    arns.push_back(service.service_arn);
  }
  if (out.empty()) return out;
  auto fail_all = [&out](const std::string& error) {
    for (ServiceStatus& s : out) s.error = error;
    return out;
  };
  if (ecs == nullptr) return fail_all(kNotAvailable);
  // DescribeServices takes at most 10 services a call.
  aws::EcsServices answer;
  for (size_t i = 0; i < arns.size(); i += 10) {
    std::vector<std::string> batch(
        arns.begin() + static_cast<std::ptrdiff_t>(i),
        arns.begin() + static_cast<std::ptrdiff_t>(std::min(arns.size(), i + 10)));
    auto page = ecs->DescribeServices(info.cluster, batch);
    if (!page.ok()) return fail_all(page.error().message());
    for (aws::EcsService& e : page->services) answer.services.push_back(std::move(e));
    for (aws::EcsFailure& f : page->failures) answer.failures.push_back(std::move(f));
  }
  for (ServiceStatus& s : out) {
    const aws::EcsService* found = nullptr;
    for (const aws::EcsService& e : answer.services) {
      if (e.service_name == s.service_name || LastArnSegment(e.service_arn) == s.service_name) {
        found = &e;
      }
    }
    if (found == nullptr) {
      std::string reason = "MISSING";
      for (const aws::EcsFailure& f : answer.failures) {
        if (LastArnSegment(f.arn) == s.service_name) reason = f.reason;
      }
      s.error = "ECS does not know the service (" + reason + ")";
      continue;
    }
    s.status = found->status;
    s.desired = found->desired_count;
    s.running = found->running_count;
    s.pending = found->pending_count;
    s.deployments = found->deployments;
    std::stable_partition(s.deployments.begin(), s.deployments.end(),
                          [](const aws::EcsDeployment& d) { return d.status == "PRIMARY"; });
  }
  return out;
}

TargetGroupStatus ReadTargetGroup(aws::Elbv2Client* elbv2, const ServiceInfo& service) {
  TargetGroupStatus out{.service = service.name, .target_group_arn = service.target_group_arn};
  if (elbv2 == nullptr) {
    out.error = kNotAvailable;
    return out;
  }
  auto targets = elbv2->DescribeTargetHealth(service.target_group_arn);
  if (!targets.ok()) {
    out.error = targets.error().message();
    return out;
  }
  out.targets = std::move(targets).value();
  for (const auto& t : out.targets) {
    if (t.state == "healthy") {
      ++out.healthy;
    } else if (t.state == "unhealthy") {
      ++out.unhealthy;
    } else {
      ++out.other;
    }
  }
  return out;
}

EndpointStatus CheckEndpoint(aws::HttpTransport& http, base::Clock& clock,
                             const std::string& base_url, const std::string& path,
                             std::chrono::milliseconds timeout) {
  EndpointStatus out{.path = path};
  std::string base = base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  out.url = base + path;
  aws::HttpRequest request;
  request.method = "GET";
  request.url = out.url;
  request.connect_timeout = timeout;
  request.timeout = timeout;
  auto started = clock.Monotonic();
  auto response = http.Send(request);
  out.latency = std::chrono::duration_cast<std::chrono::milliseconds>(clock.Monotonic() - started);
  if (!response.ok()) {
    out.error =
        response.error().code() == base::Code::kDeadlineExceeded
            ? "no answer within " + std::to_string(timeout.count() / 1000.0).substr(0, 3) + " s"
            : response.error().message();
    return out;
  }
  out.http_status = response->status;
  out.body = response->body.substr(0, 200);
  return out;
}

FrontendStatus ReadFrontend(aws::AmplifyClient* amplify, const StackInfo& info) {
  FrontendStatus out{.app_id = info.amplify_app_id, .branch = info.amplify_branch};
  if (amplify == nullptr) {
    out.error = kNotAvailable;
    return out;
  }
  auto jobs = amplify->ListJobs(info.amplify_app_id, info.amplify_branch, 1);
  if (!jobs.ok()) {
    out.error = jobs.error().message();
    return out;
  }
  if (!jobs->empty()) out.last_job = jobs->front();
  return out;
}

DatabaseStatus ReadDatabase(aws::RdsClient* rds, const std::string& id) {
  DatabaseStatus out{.identifier = id};
  if (rds == nullptr) {
    out.error = kNotAvailable;
    return out;
  }
  auto cluster = rds->DescribeDbCluster(id);
  if (!cluster.ok()) {
    out.error = cluster.error().message();
  } else {
    out.cluster = std::move(cluster).value();
  }
  return out;
}

CacheStatus ReadCache(aws::ElasticacheClient* elasticache, const std::string& id) {
  CacheStatus out{.id = id};
  if (elasticache == nullptr) {
    out.error = kNotAvailable;
    return out;
  }
  auto group = elasticache->DescribeReplicationGroup(id);
  if (!group.ok()) {
    out.error = group.error().message();
  } else {
    out.group = std::move(group).value();
  }
  return out;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string TargetText(const aws::TargetHealthDescription& t) {
  std::string text = t.target_id;
  if (t.port) text += ":" + std::to_string(*t.port);
  return text;
}

Json TimeJson(const std::optional<aws::TimePoint>& t) {
  return t ? Json(aws::FormatIso8601(*t)) : Json(nullptr);
}

}  // namespace

base::Result<StatusReport> CollectStatus(const StatusClients& clients,
                                         const std::string& stack_name,
                                         const StatusOptions& options) {
  REX_CHECK(clients.cfn != nullptr && clients.http != nullptr && clients.clock != nullptr);
  REX_ASSIGN_OR_RETURN(StackInfo info, ReadStackInfo(*clients.cfn, stack_name, options.region));

  StatusReport report;
  report.stack_name = info.stack_name;
  report.region = options.region;
  report.stack_status = info.stack_status;
  report.stack_status_reason = info.stack_status_reason;
  report.last_updated = info.last_updated_time;
  report.created = info.creation_time;
  report.api_url = info.api_url;
  for (const auto& [name, job] : info.jobs) report.jobs.push_back(name);

  // Every part at once: each is one or two round trips of its own.
  auto services = std::async(std::launch::async, ReadServices, clients.ecs, std::cref(info));
  std::vector<std::future<TargetGroupStatus>> groups;
  for (const auto& [name, service] : info.services) {
    if (service.target_group_arn.empty()) continue;
    groups.push_back(std::async(std::launch::async, ReadTargetGroup, clients.elbv2, service));
  }
  std::vector<std::future<EndpointStatus>> endpoints;
  if (!info.api_url.empty()) {
    for (const std::string& path : options.endpoint_paths) {
      endpoints.push_back(std::async(std::launch::async, [&clients, &info, &options, path] {
        return CheckEndpoint(*clients.http, *clients.clock, info.api_url, path,
                             options.endpoint_timeout);
      }));
    }
  }
  std::optional<std::future<FrontendStatus>> frontend;
  if (!info.amplify_app_id.empty() && !info.amplify_branch.empty()) {
    frontend = std::async(std::launch::async, ReadFrontend, clients.amplify, std::cref(info));
  }
  std::optional<std::future<DatabaseStatus>> database;
  if (!info.db_cluster_identifier.empty()) {
    database =
        std::async(std::launch::async, ReadDatabase, clients.rds, info.db_cluster_identifier);
  }
  std::optional<std::future<CacheStatus>> cache;
  if (!info.cache_replication_group_id.empty()) {
    cache = std::async(std::launch::async, ReadCache, clients.elasticache,
                       info.cache_replication_group_id);
  }

  report.services = services.get();
  for (auto& g : groups) report.target_groups.push_back(g.get());
  for (auto& e : endpoints) report.endpoints.push_back(e.get());
  if (frontend) report.frontend = frontend->get();
  if (database) report.database = database->get();
  if (cache) report.cache = cache->get();
  return report;
}

std::vector<StatusProblem> AssessStatus(const StatusReport& report) {
  std::vector<StatusProblem> problems;
  auto add = [&problems](std::string part, std::string message) {
    problems.push_back({std::move(part), std::move(message)});
  };
  const std::string& s = report.stack_status;
  if (s != "CREATE_COMPLETE" && s != "UPDATE_COMPLETE" && s != "IMPORT_COMPLETE") {
    add("stack", "stack " + report.stack_name + " is " + s +
                     (report.stack_status_reason.empty() ? "" : ": " + report.stack_status_reason));
  }

  std::map<std::string, int64_t> desired;
  for (const ServiceStatus& svc : report.services) {
    const std::string part = "service " + svc.name;
    if (!svc.error.empty()) {
      add(part, "could not read it: " + svc.error);
      continue;
    }
    desired[svc.name] = svc.desired;
    if (svc.status != "ACTIVE") add(part, "service is " + svc.status);
    if (svc.running < svc.desired) {
      add(part, std::to_string(svc.running) + " of " + std::to_string(svc.desired) +
                    " tasks running (" + std::to_string(svc.pending) + " pending)");
    }
    for (const aws::EcsDeployment& d : svc.deployments) {
      if (d.status == "PRIMARY" && d.rollout_state == "FAILED") {
        add(part, "the latest deployment failed" +
                      (d.rollout_state_reason.empty() ? "" : ": " + d.rollout_state_reason));
      }
    }
  }

  for (const TargetGroupStatus& g : report.target_groups) {
    const std::string part = "targets " + g.service;
    if (!g.error.empty()) {
      add(part, "could not read target health: " + g.error);
      continue;
    }
    if (g.unhealthy > 0) {
      std::vector<std::string> details;
      for (const auto& t : g.targets) {
        if (t.state != "unhealthy") continue;
        std::string text = TargetText(t) + " " + t.reason;
        if (!t.description.empty()) text += " (" + t.description + ")";
        details.push_back(text);
      }
      add(part, std::to_string(g.unhealthy) + " of " + std::to_string(g.targets.size()) +
                    " targets unhealthy: " + base::Join(details, "; "));
    } else if (g.healthy == 0 && desired[g.service] > 0) {
      add(part, "no healthy target");
    }
  }

  for (const EndpointStatus& e : report.endpoints) {
    const std::string part = "GET " + e.path;
    if (!e.error.empty()) {
      add(part, e.url + ": " + e.error);
    } else if (e.http_status < 200 || e.http_status > 299) {
      add(part, e.url + " answered HTTP " + std::to_string(e.http_status));
    }
  }
  if (report.api_url.empty()) add("endpoints", "the stack has no apiUrl or albDnsName output");

  if (report.frontend) {
    const FrontendStatus& f = *report.frontend;
    if (!f.error.empty()) {
      add("frontend", "could not read the Amplify builds: " + f.error);
    } else if (f.last_job &&
               (f.last_job->status == "FAILED" || f.last_job->status == "CANCELLED")) {
      add("frontend", "the last build of " + f.branch + " (job " + f.last_job->job_id + ") " +
                          Lower(f.last_job->status));
    }
  }
  if (report.database) {
    const DatabaseStatus& d = *report.database;
    if (!d.error.empty()) {
      add("database", "could not read cluster " + d.identifier + ": " + d.error);
    } else if (d.cluster->status != "available") {
      add("database", "cluster " + d.identifier + " is " + d.cluster->status);
    }
  }
  if (report.cache) {
    const CacheStatus& c = *report.cache;
    if (!c.error.empty()) {
      add("cache", "could not read replication group " + c.id + ": " + c.error);
    } else if (c.group->status != "available") {
      add("cache", "replication group " + c.id + " is " + c.group->status);
    }
  }
  return problems;
}

Json StatusToJson(const StatusReport& report, const std::vector<StatusProblem>& problems) {
  Json doc = Json::object();
  doc["stack"] = {
      {"name", report.stack_name},
      {"region", report.region},
      {"status", report.stack_status},
      {"statusReason", report.stack_status_reason},
      {"lastUpdated", TimeJson(report.last_updated ? report.last_updated : report.created)},
      {"apiUrl", report.api_url}};
  Json services = Json::array();
  for (const ServiceStatus& s : report.services) {
    Json deployments = Json::array();
    for (const aws::EcsDeployment& d : s.deployments) {
      deployments.push_back({{"id", d.id},
                             {"status", d.status},
                             {"rolloutState", d.rollout_state},
                             {"rolloutStateReason", d.rollout_state_reason},
                             {"desired", d.desired_count},
                             {"running", d.running_count},
                             {"pending", d.pending_count},
                             {"failedTasks", d.failed_tasks},
                             {"taskDefinition", d.task_definition}});
    }
    Json j = {{"name", s.name},
              {"serviceName", s.service_name},
              {"status", s.status},
              {"desired", s.desired},
              {"running", s.running},
              {"pending", s.pending},
              {"deployments", deployments}};
    if (!s.error.empty()) j["error"] = s.error;
    services.push_back(std::move(j));
  }
  doc["services"] = std::move(services);
  doc["jobs"] = report.jobs;
  Json groups = Json::array();
  for (const TargetGroupStatus& g : report.target_groups) {
    Json targets = Json::array();
    for (const auto& t : g.targets) {
      targets.push_back({{"id", t.target_id},
                         {"port", t.port ? Json(*t.port) : Json(nullptr)},
                         {"state", t.state},
                         {"reason", t.reason},
                         {"description", t.description}});
    }
    Json j = {{"service", g.service}, {"targetGroupArn", g.target_group_arn},
              {"healthy", g.healthy}, {"unhealthy", g.unhealthy},
              {"other", g.other},     {"targets", targets}};
    if (!g.error.empty()) j["error"] = g.error;
    groups.push_back(std::move(j));
  }
  doc["targetGroups"] = std::move(groups);
  Json endpoints = Json::array();
  for (const EndpointStatus& e : report.endpoints) {
    Json j = {{"path", e.path},
              {"url", e.url},
              {"httpStatus", e.http_status == 0 ? Json(nullptr) : Json(e.http_status)},
              {"latencyMs", e.latency.count()}};
    if (!e.error.empty()) j["error"] = e.error;
    endpoints.push_back(std::move(j));
  }
  doc["endpoints"] = std::move(endpoints);
  doc["frontend"] = nullptr;
  if (report.frontend) {
    const FrontendStatus& f = *report.frontend;
    Json j = {{"appId", f.app_id}, {"branch", f.branch}, {"lastBuild", nullptr}};
    if (f.last_job) {
      j["lastBuild"] = {{"jobId", f.last_job->job_id},
                        {"status", f.last_job->status},
                        {"commitId", f.last_job->commit_id},
                        {"commitMessage", f.last_job->commit_message},
                        {"startTime", TimeJson(f.last_job->start_time)},
                        {"endTime", TimeJson(f.last_job->end_time)}};
    }
    if (!f.error.empty()) j["error"] = f.error;
    doc["frontend"] = std::move(j);
  }
  doc["database"] = nullptr;
  if (report.database) {
    const DatabaseStatus& d = *report.database;
    Json j = {{"identifier", d.identifier}};
    if (d.cluster) {
      j["status"] = d.cluster->status;
      j["engine"] = d.cluster->engine;
      j["engineVersion"] = d.cluster->engine_version;
      j["endpoint"] = d.cluster->endpoint;
      j["minCapacity"] =
          d.cluster->serverless_min_capacity ? Json(*d.cluster->serverless_min_capacity) : Json();
      j["maxCapacity"] =
          d.cluster->serverless_max_capacity ? Json(*d.cluster->serverless_max_capacity) : Json();
    }
    if (!d.error.empty()) j["error"] = d.error;
    doc["database"] = std::move(j);
  }
  doc["cache"] = nullptr;
  if (report.cache) {
    const CacheStatus& c = *report.cache;
    Json j = {{"id", c.id}};
    if (c.group) {
      j["status"] = c.group->status;
      Json nodes = Json::array();
      for (const auto& n : c.group->node_groups) {
        nodes.push_back({{"id", n.id}, {"status", n.status}, {"members", n.members.size()}});
      }
      j["nodeGroups"] = std::move(nodes);
    }
    if (!c.error.empty()) j["error"] = c.error;
    doc["cache"] = std::move(j);
  }
  Json list = Json::array();
  for (const StatusProblem& p : problems)
    list.push_back({{"part", p.part}, {"message", p.message}});
  doc["healthy"] = problems.empty();
  doc["problems"] = std::move(list);
  return doc;
}

}  // namespace rex::ops
