// `rex status [--json]`: one screen on the deployed stack (ops/status.h): the stack's status
// and last update, each service's desired/running/pending counts and deployments (every
// service the stack has, by name), the names of its jobs (rex run NAME), target
// health per target group (unhealthy targets with reason and description), the answers of
// <apiUrl>/api/health and <apiUrl>/auth/hello (HTTP status and latency, 5 s timeout), the
// Amplify branch's last build (stacks with a frontend), the database cluster and the cache.
// Every part is asked at once. Colour on a terminal only.
//
// --json: one document (ops::StatusToJson) on stdout. REX_HEALTH_TIMEOUT_MS replaces the
// endpoints' 5 s timeout.
// Exit codes: 0 everything healthy; 1 something is not (each problem is named on stderr, and
// in "problems" with --json), or an AWS failure; 2 bad config or no such stack.

#include <cstdlib>
#include <memory>
#include <string>

#include "aws/endpoints.h"
#include "aws/env.h"
#include "aws/retry.h"
#include "aws/transport.h"
#include "base/json.h"
#include "base/strings.h"
#include "cli/command.h"
#include "cli/json_output.h"
#include "cli/ops_session.h"
#include "cli/progress.h"
#include "cli/stack_select.h"
#include "ops/status.h"
#include "stack/rex_stack.h"

namespace rex::cli {
namespace {

// The clients `rex status` adds to the day-2 session.
struct StatusExtraClients {
  std::unique_ptr<aws::Elbv2Client> elbv2;
  std::unique_ptr<aws::RdsClient> rds;
  std::unique_ptr<aws::ElasticacheClient> elasticache;
  std::unique_ptr<aws::AmplifyClient> amplify;
};

base::Result<StatusExtraClients> OpenExtraClients(const Context& ctx, AwsSession& s) {
  auto getenv = ctx.io.getenv;
  aws::EnvLookup env = [getenv](const std::string& name) -> std::optional<std::string> {
    if (!getenv) return std::nullopt;
    return getenv(name);
  };
  REX_ASSIGN_OR_RETURN(aws::RetryOptions retry, aws::RetryOptionsFromEnvironment(env));
  aws::EndpointOptions endpoints{.region = s.region, .endpoint_url = ctx.global.endpoint_url};
  StatusExtraClients out;
  REX_ASSIGN_OR_RETURN(aws::Endpoint elbv2,
                       aws::ResolveEndpoint("elasticloadbalancing", endpoints));
  REX_ASSIGN_OR_RETURN(aws::Endpoint rds, aws::ResolveEndpoint("rds", endpoints));
  REX_ASSIGN_OR_RETURN(aws::Endpoint cache, aws::ResolveEndpoint("elasticache", endpoints));
  REX_ASSIGN_OR_RETURN(aws::Endpoint amplify, aws::ResolveEndpoint("amplify", endpoints));
  out.elbv2 =
      std::make_unique<aws::Elbv2Client>(elbv2, s.credentials.get(), *s.transport, *s.clock, retry);
  out.rds =
      std::make_unique<aws::RdsClient>(rds, s.credentials.get(), *s.transport, *s.clock, retry);
  out.elasticache = std::make_unique<aws::ElasticacheClient>(cache, s.credentials.get(),
                                                             *s.transport, *s.clock, retry);
  out.amplify = std::make_unique<aws::AmplifyClient>(amplify, s.credentials.get(), *s.transport,
                                                     *s.clock, retry);
  return out;
}

std::string Ok(const Style& style, bool ok, const std::string& text) {
  return ok ? style.Green(text) : style.Red(text);
}

std::string TimeText(const std::optional<aws::TimePoint>& t) {
  if (!t) return "-";
  std::string iso = aws::FormatIso8601(*t);  // 2026-11-27T03:10:00Z
  if (iso.size() >= 19) iso = iso.substr(0, 10) + " " + iso.substr(11, 8) + " UTC";
  return iso;
}

std::string DeploymentText(const ops::ServiceStatus& s) {
  std::vector<std::string> parts;
  int active = 0;
  for (const aws::EcsDeployment& d : s.deployments) {
    if (d.status == "PRIMARY") {
      parts.push_back("PRIMARY " + (d.rollout_state.empty() ? "-" : d.rollout_state));
    } else if (d.status == "ACTIVE") {
      ++active;
    }
  }
  if (active > 0) parts.push_back(std::to_string(active) + " ACTIVE (draining)");
  return parts.empty() ? "-" : base::Join(parts, ", ");
}

void PrintText(Context& ctx, const ops::StatusReport& r,
               const std::vector<ops::StatusProblem>& problems) {
  const Style& st = ctx.out;
  std::ostream& out = ctx.io.out;
  const std::string& s = r.stack_status;
  bool stack_ok = s == "CREATE_COMPLETE" || s == "UPDATE_COMPLETE" || s == "IMPORT_COMPLETE";
  out << st.Bold("stack") << "     " << r.stack_name << " (" << r.region << ")  "
      << Ok(st, stack_ok, s) << "  last update "
      << TimeText(r.last_updated ? r.last_updated : r.created) << "\n";
  if (!r.stack_status_reason.empty() && !stack_ok) {
    out << "          " << r.stack_status_reason << "\n";
  }
  if (!r.api_url.empty()) out << st.Bold("api") << "       " << r.api_url << "\n";

  if (!r.services.empty()) {
    out << "\n";
    Table t({"SERVICE", "STATUS", "DESIRED", "RUNNING", "PENDING", "DEPLOYMENTS"});
    for (size_t c : {2, 3, 4}) t.AlignRight(c);
    for (const ops::ServiceStatus& svc : r.services) {
      if (!svc.error.empty()) {
        t.AddRow({svc.name, st.Red("?"), "-", "-", "-", st.Red(svc.error)});
        continue;
      }
      bool ok = svc.status == "ACTIVE" && svc.running >= svc.desired;
      t.AddRow({svc.name, Ok(st, svc.status == "ACTIVE", svc.status), std::to_string(svc.desired),
                Ok(st, ok, std::to_string(svc.running)), std::to_string(svc.pending),
                DeploymentText(svc)});
    }
    out << t.Render(st);
  }
  if (!r.jobs.empty()) out << st.Bold("jobs") << "      " << base::Join(r.jobs, ", ") << "\n";

  if (!r.target_groups.empty()) {
    out << "\n";
    Table t({"TARGETS", "HEALTHY", "UNHEALTHY", "OTHER", "DETAIL"});
    for (size_t c : {1, 2, 3}) t.AlignRight(c);
    for (const ops::TargetGroupStatus& g : r.target_groups) {
      if (!g.error.empty()) {
        t.AddRow({g.service, "-", "-", "-", st.Red(g.error)});
        continue;
      }
      t.AddRow({g.service, Ok(st, g.healthy > 0, std::to_string(g.healthy)),
                Ok(st, g.unhealthy == 0, std::to_string(g.unhealthy)), std::to_string(g.other),
                ""});
      for (const auto& target : g.targets) {
        if (target.state == "healthy") continue;
        std::string id = target.target_id;
        if (target.port) id += ":" + std::to_string(*target.port);
        std::string detail = id + " " + target.state;
        if (!target.reason.empty()) detail += " " + target.reason;
        if (!target.description.empty()) detail += " (" + target.description + ")";
        t.AddRow({"", "", "", "", target.state == "unhealthy" ? st.Red(detail) : detail});
      }
    }
    out << t.Render(st);
  }

  if (!r.endpoints.empty()) {
    out << "\n";
    Table t({"ENDPOINT", "HTTP", "LATENCY", "URL"});
    t.AlignRight(1);
    t.AlignRight(2);
    for (const ops::EndpointStatus& e : r.endpoints) {
      bool ok = e.error.empty() && e.http_status >= 200 && e.http_status <= 299;
      std::string http = e.error.empty() ? std::to_string(e.http_status) : "-";
      std::string url = e.error.empty() ? e.url : e.url + "  " + e.error;
      t.AddRow({"GET " + e.path, Ok(st, ok, http), std::to_string(e.latency.count()) + " ms",
                ok ? url : st.Red(url)});
    }
    out << t.Render(st);
  }

  out << "\n";
  if (r.frontend) {
    const ops::FrontendStatus& f = *r.frontend;
    out << st.Bold("frontend") << "  " << f.branch << ": ";
    if (!f.error.empty()) {
      out << st.Red(f.error) << "\n";
    } else if (!f.last_job) {
      out << "never built\n";
    } else {
      const aws::AmplifyJob& j = *f.last_job;
      bool ok = j.status != "FAILED" && j.status != "CANCELLED";
      out << "last build " << j.job_id << " " << Ok(st, ok, j.status);
      if (!j.commit_id.empty()) out << ", commit " << j.commit_id.substr(0, 7);
      if (!j.commit_message.empty()) {
        std::string message = j.commit_message.substr(0, j.commit_message.find('\n'));
        out << " \"" << message << "\"";
      }
      out << ", " << TimeText(j.end_time ? j.end_time : j.start_time) << "\n";
    }
  }
  if (r.database) {
    const ops::DatabaseStatus& d = *r.database;
    out << st.Bold("database") << "  " << d.identifier << " ";
    if (!d.error.empty()) {
      out << st.Red(d.error) << "\n";
    } else {
      const aws::DbCluster& c = *d.cluster;
      out << Ok(st, c.status == "available", c.status) << " (" << c.engine << " "
          << c.engine_version;
      if (c.serverless_min_capacity && c.serverless_max_capacity) {
        out << ", " << base::Json(*c.serverless_min_capacity).dump() << "-"
            << base::Json(*c.serverless_max_capacity).dump() << " ACU";
      }
      out << ")\n";
    }
  }
  if (r.cache) {
    const ops::CacheStatus& c = *r.cache;
    out << st.Bold("cache") << "     " << c.id << " ";
    if (!c.error.empty()) {
      out << st.Red(c.error) << "\n";
    } else {
      const aws::ReplicationGroup& g = *c.group;
      out << Ok(st, g.status == "available", g.status);
      size_t members = 0;
      for (const auto& n : g.node_groups) members += n.members.size();
      if (members > 0) out << " (" << members << (members == 1 ? " node" : " nodes") << ")";
      out << "\n";
    }
  }

  out << "\n";
  if (problems.empty()) {
    out << st.Green("healthy") << "\n";
  } else {
    out << st.Red(std::to_string(problems.size()) +
                  (problems.size() == 1 ? " problem:" : " problems:"))
        << "\n";
    for (const ops::StatusProblem& p : problems) {
      out << "  " << st.Red("x") << " " << p.part << ": " << p.message << "\n";
    }
  }
}

int RunStatus(Context& ctx) {
  auto fail = [&ctx](const base::Status& s) {
    ctx.PrintError(s);
    PrintCredentialsHint(ctx, s);
    return ExitCodeFor(s);
  };
  auto selected = SelectStack(ctx);
  if (!selected.ok()) return fail(selected.error());
  auto ops = OpenOpsSession(ctx, selected->config, nullptr);
  if (!ops.ok()) return fail(ops.error());
  AwsSession& s = *(*ops)->aws;
  auto extra = OpenExtraClients(ctx, s);
  if (!extra.ok()) return fail(extra.error());

  // The health endpoints get a transport of their own: the session's applies REX_HTTP_TIMEOUT
  // to every request, and these have their own, shorter limit.
  // The health endpoints are reached as AWS is: through the environment's proxies.
  auto transport_options = TransportOptionsFromEnvironment(ctx);
  std::unique_ptr<aws::HttpTransport> probe = aws::NewCurlTransport(
      transport_options.ok() ? *transport_options : aws::CurlTransportOptions{});
  ops::StatusClients clients{.cfn = s.cfn.get(),
                             .ecs = (*ops)->ecs.get(),
                             .elbv2 = extra->elbv2.get(),
                             .rds = extra->rds.get(),
                             .elasticache = extra->elasticache.get(),
                             .amplify = extra->amplify.get(),
                             .http = probe.get(),
                             .clock = s.clock};
  const std::string stack_name = stack::StackName(selected->config);
  ops::StatusOptions options{.region = s.region};
  if (auto ms = ctx.io.getenv ? ctx.io.getenv("REX_HEALTH_TIMEOUT_MS") : std::nullopt) {
    char* end = nullptr;
    long value = std::strtol(ms->c_str(), &end, 10);
    if (ms->empty() || *end != '\0' || value <= 0) {
      return fail(base::InvalidArgument("REX_HEALTH_TIMEOUT_MS \"" + *ms +
                                        "\" is not a positive number of milliseconds"));
    }
    options.endpoint_timeout = std::chrono::milliseconds(value);
  }
  auto report = ops::CollectStatus(clients, stack_name, options);
  if (!report.ok()) return fail(report.error().WithContext("status of " + stack_name));
  std::vector<ops::StatusProblem> problems = ops::AssessStatus(*report);
  if (ctx.global.json) {
    base::Json json = ops::StatusToJson(*report, problems);
    json["version"] = kJsonVersion;
    ctx.io.out << base::DumpJson(json);
  } else {
    PrintText(ctx, *report, problems);
  }
  if (!problems.empty()) {
    ctx.io.err << ctx.err.BoldRed("unhealthy:") << " " << problems.size()
               << (problems.size() == 1 ? " problem" : " problems") << " (" << problems.front().part
               << ": " << problems.front().message << (problems.size() > 1 ? "; ..." : "") << ")\n";
    return kExitFailed;
  }
  return kExitOk;
}

}  // namespace

Command StatusCommand() {
  return {"status",
          "one screen on the deployed stack: services, targets, /api/health, frontend, database",
          [](CLI::App&) -> std::function<int(Context&)> {
            return [](Context& ctx) { return RunStatus(ctx); };
          }};
}

}  // namespace rex::cli
