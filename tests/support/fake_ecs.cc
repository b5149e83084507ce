#include "support/fake_ecs.h"

#include <chrono>
#include <cstdio>

namespace rex::testing {
namespace {

using base::Json;

std::string Str(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> Strings(const Json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& s : *it) {
    if (s.is_string()) out.push_back(s.get<std::string>());
  }
  return out;
}

}  // namespace

FakeEcs::FakeEcs(FakeLogs* logs, base::Clock* clock, std::string region, std::string account)
    : logs_(logs),
      clock_(clock != nullptr ? clock : &base::SystemClock()),
      region_(std::move(region)),
      account_(std::move(account)) {}

double FakeEcs::Now() const {
  return std::chrono::duration<double>(clock_->Now().time_since_epoch()).count();
}

std::string FakeEcs::NextId(size_t length) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%032llx",
                static_cast<unsigned long long>(0x5eed000000ULL + (++counter_) * 7919));
  std::string id = buf;
  return id.substr(id.size() - length);
}

void FakeEcs::SeedFromStack(const std::map<std::string, FakeAws::ResourceInfo>& resources,
                            const Json& tmpl) {
  std::lock_guard<std::mutex> lock(mu_);
  auto resolve = [&](const Json& v) -> std::string {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_object() && v.contains("Ref") && v["Ref"].is_string()) {
      std::string id = v["Ref"].get<std::string>();
      if (id == "AWS::Region") return region_;
      auto r = resources.find(id);
      if (r != resources.end()) return r->second.physical_id;
    }
    return "<" + v.dump() + ">";
  };
  static const Json kNoResources = Json::object();
  const Json& defs = tmpl.contains("Resources") ? tmpl["Resources"] : kNoResources;
  task_definitions_.clear();
  for (const auto& [id, r] : resources) {
    const Json& props =
        defs.contains(id) && defs[id].contains("Properties") ? defs[id]["Properties"] : Json();
    if (r.type == "AWS::ECS::Cluster") {
      cluster_name_ = r.physical_id;
      cluster_arn_ = "arn:aws:ecs:" + region_ + ":" + account_ + ":cluster/" + r.physical_id;
    } else if (r.type == "AWS::ECS::TaskDefinition") {
      TaskDefinition td;
      td.logical_id = id;
      td.arn = r.physical_id;
      td.family = props.is_object() ? Str(props, "Family") : "";
      if (td.family.empty()) td.family = id;
      if (props.is_object() && props.contains("ContainerDefinitions")) {
        for (const auto& c : props["ContainerDefinitions"]) {
          Container container;
          container.name = Str(c, "Name");
          container.image = c.contains("Image") ? resolve(c["Image"]) : "";
          container.essential = !c.contains("Essential") || c["Essential"] == true;
          if (c.contains("LogConfiguration") && c["LogConfiguration"].contains("Options")) {
            for (const auto& [k, v] : c["LogConfiguration"]["Options"].items()) {
              container.log_options[k] = resolve(v);
            }
          }
          td.containers.push_back(container);
        }
      }
      task_definitions_.push_back(td);
    }
  }
  for (const auto& [id, r] : resources) {
    if (r.type != "AWS::ECS::Service") continue;
    const Json& props =
        defs.contains(id) && defs[id].contains("Properties") ? defs[id]["Properties"] : Json();
    Service s;
    s.logical_id = id;
    s.arn = r.physical_id;
    s.name = props.is_object() ? Str(props, "ServiceName") : "";
    if (s.name.empty()) s.name = r.physical_id;
    if (props.is_object() && props.contains("DesiredCount") && props["DesiredCount"].is_number()) {
      s.desired = props["DesiredCount"].get<int64_t>();
    }
    if (props.is_object() && props.contains("TaskDefinition")) {
      s.task_definition = resolve(props["TaskDefinition"]);
    }
    if (Service* existing = FindService(s.arn)) {
      existing->task_definition = s.task_definition;
      existing->desired = s.desired;
      continue;
    }
    Deployment d;
    d.id = "ecs-svc/" + NextId(19);
    d.status = "PRIMARY";
    d.task_definition = s.task_definition;
    d.desired = d.running = s.desired;
    d.rollout_state = "COMPLETED";
    d.rollout_reason = "ECS deployment " + d.id + " completed.";
    d.created_at = Now();
    s.deployments.push_back(d);
    services_.push_back(s);
    AddEvent(services_.back(), "(service " + s.name + ") has reached a steady state.");
  }
}

void FakeEcs::Follow(FakeAws& aws, const std::string& stack) {
  aws.OnStackApplied([this, stack](const std::string& name,
                                   const std::map<std::string, FakeAws::ResourceInfo>& resources,
                                   const Json& tmpl) {
    if (name == stack) SeedFromStack(resources, tmpl);
  });
}

void FakeEcs::ScriptTask(const std::string& task_definition, FakeTaskScript script) {
  std::lock_guard<std::mutex> lock(mu_);
  TaskDefinition* td = FindTaskDefinition(task_definition);
  task_scripts_[td != nullptr ? td->arn : task_definition].push_back(std::move(script));
}

void FakeEcs::ScriptDeployment(const std::string& service, FakeDeploymentScript script) {
  std::lock_guard<std::mutex> lock(mu_);
  Service* s = FindService(service);
  deployment_scripts_[s != nullptr ? s->arn : service].push_back(std::move(script));
}

std::vector<Json> FakeEcs::RunTaskRequests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return run_task_requests_;
}

int FakeEcs::TasksStarted() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(tasks_.size());
}

std::vector<Json> FakeEcs::UpdateServiceRequests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return update_service_requests_;
}

FakeAnswer FakeEcs::Serve(const FakeCall& call) {
  std::lock_guard<std::mutex> lock(mu_);
  const Json in = call.json.is_object() ? call.json : Json::object();
  if (call.action == "RunTask") return RunTask(in);
  if (call.action == "DescribeTasks") return DescribeTasks(in);
  if (call.action == "ListTasks") return ListTasks(in);
  if (call.action == "DescribeTaskDefinition") return DescribeTaskDefinition(in);
  if (call.action == "DescribeServices") return DescribeServices(in);
  if (call.action == "UpdateService") return UpdateService(in);
  return FakeJsonError(400, "UnknownOperationException",
                       "the fake ECS does not know " + call.action);
}

bool FakeEcs::KnownCluster(const std::string& cluster) const {
  return !cluster_name_.empty() && (cluster == cluster_name_ || cluster == cluster_arn_);
}

FakeEcs::TaskDefinition* FakeEcs::FindTaskDefinition(const std::string& key) {
  for (TaskDefinition& td : task_definitions_) {
    if (td.arn == key || td.logical_id == key || td.family == key) return &td;
  }
  return nullptr;
}

FakeEcs::Service* FakeEcs::FindService(const std::string& key) {
  for (Service& s : services_) {
    if (s.arn == key || s.name == key || s.logical_id == key) return &s;
  }
  return nullptr;
}

FakeAnswer FakeEcs::RunTask(const Json& in) {
  run_task_requests_.push_back(in);
  std::string cluster = Str(in, "cluster");
  if (!KnownCluster(cluster)) {
    return FakeJsonError(400, "ClusterNotFoundException", "Cluster not found.");
  }
  TaskDefinition* td = FindTaskDefinition(Str(in, "taskDefinition"));
  if (td == nullptr) {
    return FakeJsonError(400, "ClientException",
                         "TaskDefinition not found: " + Str(in, "taskDefinition"));
  }
  const Json& vpc = in.contains("networkConfiguration")
                        ? in["networkConfiguration"].value("awsvpcConfiguration", Json::object())
                        : Json::object();
  if (Strings(vpc, "subnets").empty()) {
    return FakeJsonError(400, "InvalidParameterException",
                         "Network Configuration must be provided when networkMode 'awsvpc' is "
                         "specified.");
  }
  std::string token = Str(in, "clientToken");
  Json tasks = Json::array();
  if (!token.empty()) {
    auto it = tokens_.find(token);
    if (it != tokens_.end()) {
      for (const Task& t : tasks_) {
        for (const std::string& arn : it->second) {
          if (t.arn == arn) tasks.push_back(TaskJson(t));
        }
      }
      return FakeJsonAnswer({{"tasks", tasks}, {"failures", Json::array()}});
    }
  }
  std::deque<FakeTaskScript>& scripts = task_scripts_[td->arn];
  FakeTaskScript script;
  if (!scripts.empty()) {
    script = scripts.front();
    if (scripts.size() > 1) scripts.pop_front();
  }
  Task t;
  t.id = NextId(32);
  t.arn = "arn:aws:ecs:" + region_ + ":" + account_ + ":task/" + cluster_name_ + "/" + t.id;
  t.task_definition_arn = td->arn;
  t.started_by = Str(in, "startedBy");
  t.group = "family:" + td->family;
  t.script = script;
  t.created_at = Now();
  tasks_.push_back(t);
  if (!token.empty()) tokens_[token].push_back(t.arn);
  tasks.push_back(TaskJson(tasks_.back()));
  return FakeJsonAnswer({{"tasks", tasks}, {"failures", Json::array()}});
}

void FakeEcs::WriteLines(Task& task, size_t upto) {
  if (logs_ == nullptr) return;
  TaskDefinition* td = FindTaskDefinition(task.task_definition_arn);
  if (td == nullptr || td->containers.empty()) return;
  const Container& c = td->containers.front();
  auto group = c.log_options.find("awslogs-group");
  auto prefix = c.log_options.find("awslogs-stream-prefix");
  if (group == c.log_options.end() || prefix == c.log_options.end()) return;
  const std::string stream = prefix->second + "/" + c.name + "/" + task.id;
  int64_t now_ms = static_cast<int64_t>(Now() * 1000);
  for (; task.lines_written < upto && task.lines_written < task.script.log_lines.size();
       ++task.lines_written) {
    logs_->AddEvent(group->second, stream, now_ms + static_cast<int64_t>(task.lines_written),
                    task.script.log_lines[task.lines_written]);
  }
}

void FakeEcs::Advance(Task& task) {
  if (task.last_status == "STOPPED") return;
  ++task.ticks;
  const FakeTaskScript& s = task.script;
  const int provisioned = s.provisioning_ticks;
  const int pended = provisioned + s.pending_ticks;
  const int ran = pended + s.running_ticks;
  if (task.ticks <= provisioned) {
    task.last_status = "PROVISIONING";
  } else if (task.ticks <= pended) {
    task.last_status = "PENDING";
  } else if (!s.fail_to_start.empty()) {
    task.last_status = "STOPPED";
    task.desired_status = "STOPPED";
    task.stop_code = "TaskFailedToStart";
    task.stopped_reason = s.fail_to_start;
    task.stopped_at = Now();
  } else if (task.ticks <= ran) {
    if (task.last_status != "RUNNING") task.started_at = Now();
    task.last_status = "RUNNING";
    WriteLines(task, (s.log_lines.size() + 1) / 2);
  } else {
    WriteLines(task, s.log_lines.size());
    task.last_status = "STOPPED";
    task.desired_status = "STOPPED";
    task.stop_code = "EssentialContainerExited";
    task.stopped_reason = "Essential container in task exited";
    task.stopped_at = Now();
  }
}

Json FakeEcs::TaskJson(const Task& t) const {
  Json containers = Json::array();
  for (const TaskDefinition& td : task_definitions_) {
    if (td.arn != t.task_definition_arn) continue;
    for (const Container& c : td.containers) {
      Json container = {{"containerArn", "arn:aws:ecs:" + region_ + ":" + account_ + ":container/" +
                                             cluster_name_ + "/" + t.id + "/" + c.name},
                        {"taskArn", t.arn},
                        {"name", c.name},
                        {"image", c.image},
                        {"lastStatus", t.last_status}};
      if (t.last_status == "STOPPED") {
        if (t.stop_code == "TaskFailedToStart") {
          container["reason"] = t.stopped_reason;
        } else if (c.essential) {
          container["exitCode"] = t.script.exit_code;
        } else {
          container["exitCode"] = 0;
        }
      }
      containers.push_back(container);
    }
  }
  Json task = {{"taskArn", t.arn},
               {"clusterArn", cluster_arn_},
               {"taskDefinitionArn", t.task_definition_arn},
               {"lastStatus", t.last_status},
               {"desiredStatus", t.desired_status},
               {"launchType", "FARGATE"},
               {"group", t.group},
               {"cpu", "256"},
               {"memory", "512"},
               {"createdAt", t.created_at},
               {"containers", containers}};
  if (!t.started_by.empty()) task["startedBy"] = t.started_by;
  if (t.started_at != 0) task["startedAt"] = t.started_at;
  if (t.last_status == "STOPPED") {
    task["stopCode"] = t.stop_code;
    task["stoppedReason"] = t.stopped_reason;
    task["stoppedAt"] = t.stopped_at;
    task["stoppingAt"] = t.stopped_at;
  }
  return task;
}

FakeAnswer FakeEcs::DescribeTasks(const Json& in) {
  if (!KnownCluster(Str(in, "cluster"))) {
    return FakeJsonError(400, "ClusterNotFoundException", "Cluster not found.");
  }
  Json tasks = Json::array();
  Json failures = Json::array();
  for (const std::string& key : Strings(in, "tasks")) {
    Task* found = nullptr;
    for (Task& t : tasks_) {
      if (t.arn == key || t.id == key) found = &t;
    }
    if (found == nullptr) {
      failures.push_back({{"arn", key}, {"reason", "MISSING"}});
      continue;
    }
    Advance(*found);
    tasks.push_back(TaskJson(*found));
  }
  return FakeJsonAnswer({{"tasks", tasks}, {"failures", failures}});
}

FakeAnswer FakeEcs::ListTasks(const Json& in) {
  if (!KnownCluster(Str(in, "cluster"))) {
    return FakeJsonError(400, "ClusterNotFoundException", "Cluster not found.");
  }
  std::string family = Str(in, "family");
  std::string started_by = Str(in, "startedBy");
  std::string desired = Str(in, "desiredStatus");
  if (desired.empty()) desired = "RUNNING";
  Json arns = Json::array();
  for (const Task& t : tasks_) {
    if (!family.empty() && t.group != "family:" + family) continue;
    if (!started_by.empty() && t.started_by != started_by) continue;
    if (t.desired_status != desired) continue;
    arns.push_back(t.arn);
  }
  return FakeJsonAnswer({{"taskArns", arns}});
}

FakeAnswer FakeEcs::DescribeTaskDefinition(const Json& in) {
  TaskDefinition* td = FindTaskDefinition(Str(in, "taskDefinition"));
  if (td == nullptr) {
    return FakeJsonError(400, "ClientException", "Unable to describe task definition.");
  }
  Json containers = Json::array();
  for (const Container& c : td->containers) {
    Json options = Json::object();
    for (const auto& [k, v] : c.log_options) options[k] = v;
    containers.push_back({{"name", c.name},
                          {"image", c.image},
                          {"essential", c.essential},
                          {"logConfiguration", {{"logDriver", "awslogs"}, {"options", options}}}});
  }
  return FakeJsonAnswer({{"taskDefinition",
                          {{"taskDefinitionArn", td->arn},
                           {"family", td->family},
                           {"revision", 1},
                           {"status", "ACTIVE"},
                           {"networkMode", "awsvpc"},
                           {"requiresCompatibilities", {"FARGATE"}},
                           {"containerDefinitions", containers}}}});
}

void FakeEcs::AddEvent(Service& service, const std::string& message) {
  service.events.insert(service.events.begin(), Event{NextId(32), Now(), message});
}

void FakeEcs::Advance(Service& service) {
  if (service.deployments.empty()) return;
  Deployment& d = service.deployments.front();
  if (d.rollout_state != "IN_PROGRESS") return;
  ++d.polls;
  if (d.polls < d.script.polls) {
    d.pending = d.desired > d.running ? 1 : 0;
    if (!d.script.roll_back && d.running + 1 < d.desired) ++d.running;
    if (d.script.roll_back) ++d.failed;
    return;
  }
  if (!d.script.roll_back) {
    d.running = d.desired;
    d.pending = 0;
    d.rollout_state = "COMPLETED";
    d.rollout_reason = "ECS deployment " + d.id + " completed.";
    service.deployments.resize(1);  // the old deployment drained away
    AddEvent(service, "(service " + service.name + ") has reached a steady state.");
    AddEvent(service,
             "(service " + service.name + ") (deployment " + d.id + ") deployment completed.");
    return;
  }
  // The circuit breaker: this deployment FAILED, the previous one becomes PRIMARY again.
  d.rollout_state = "FAILED";
  d.rollout_reason = "ECS deployment circuit breaker: " + d.script.failure + ".";
  d.running = 0;
  d.pending = 0;
  d.status = "ACTIVE";
  AddEvent(service, "(service " + service.name + ") (deployment " + d.id +
                        ") deployment failed: " + d.script.failure + ".");
  if (service.deployments.size() > 1) {
    Deployment& previous = service.deployments[1];
    previous.status = "PRIMARY";
    previous.rollout_state = "COMPLETED";
    previous.running = previous.desired;
    AddEvent(service,
             "(service " + service.name + ") rolling back to deployment " + previous.id + ".");
    std::swap(service.deployments[0], service.deployments[1]);
  }
}

Json FakeEcs::ServiceJson(const Service& s) const {
  Json deployments = Json::array();
  int64_t running = 0;
  int64_t pending = 0;
  for (const Deployment& d : s.deployments) {
    running += d.running;
    pending += d.pending;
    deployments.push_back({{"id", d.id},
                           {"status", d.status},
                           {"taskDefinition", d.task_definition},
                           {"desiredCount", d.desired},
                           {"runningCount", d.running},
                           {"pendingCount", d.pending},
                           {"failedTasks", d.failed},
                           {"launchType", "FARGATE"},
                           {"createdAt", d.created_at},
                           {"updatedAt", d.created_at},
                           {"rolloutState", d.rollout_state},
                           {"rolloutStateReason", d.rollout_reason}});
  }
  Json events = Json::array();
  for (const Event& e : s.events) {
    events.push_back({{"id", e.id}, {"createdAt", e.created_at}, {"message", e.message}});
  }
  return {{"serviceArn", s.arn},
          {"serviceName", s.name},
          {"clusterArn", cluster_arn_},
          {"status", "ACTIVE"},
          {"desiredCount", s.desired},
          {"runningCount", running},
          {"pendingCount", pending},
          {"launchType", "FARGATE"},
          {"taskDefinition", s.task_definition},
          {"deployments", deployments},
          {"events", events},
          {"deploymentConfiguration",
           {{"deploymentCircuitBreaker", {{"enable", true}, {"rollback", true}}},
            {"maximumPercent", 200},
            {"minimumHealthyPercent", 100}}}};
}

FakeAnswer FakeEcs::DescribeServices(const Json& in) {
  if (!KnownCluster(Str(in, "cluster"))) {
    return FakeJsonError(400, "ClusterNotFoundException", "Cluster not found.");
  }
  Json services = Json::array();
  Json failures = Json::array();
  for (const std::string& key : Strings(in, "services")) {
    Service* s = FindService(key);
    if (s == nullptr) {
      failures.push_back({{"arn", key}, {"reason", "MISSING"}});
      continue;
    }
    Advance(*s);
    services.push_back(ServiceJson(*s));
  }
  return FakeJsonAnswer({{"services", services}, {"failures", failures}});
}

FakeAnswer FakeEcs::UpdateService(const Json& in) {
  update_service_requests_.push_back(in);
  if (!KnownCluster(Str(in, "cluster"))) {
    return FakeJsonError(400, "ClusterNotFoundException", "Cluster not found.");
  }
  Service* s = FindService(Str(in, "service"));
  if (s == nullptr) return FakeJsonError(400, "ServiceNotFoundException", "Service not found.");
  if (in.contains("desiredCount") && in["desiredCount"].is_number()) {
    s->desired = in["desiredCount"].get<int64_t>();
  }
  std::string task_definition = Str(in, "taskDefinition");
  bool force = in.value("forceNewDeployment", false);
  if (!force && task_definition.empty()) return FakeJsonAnswer({{"service", ServiceJson(*s)}});
  if (!task_definition.empty()) s->task_definition = task_definition;
  std::deque<FakeDeploymentScript>& scripts = deployment_scripts_[s->arn];
  FakeDeploymentScript script;
  if (!scripts.empty()) {
    script = scripts.front();
    if (scripts.size() > 1) scripts.pop_front();
  }
  for (Deployment& d : s->deployments) d.status = "ACTIVE";
  Deployment d;
  d.id = "ecs-svc/" + NextId(19);
  d.status = "PRIMARY";
  d.task_definition = s->task_definition;
  d.desired = s->desired;
  d.rollout_state = "IN_PROGRESS";
  d.rollout_reason = "ECS deployment " + d.id + " in progress.";
  d.created_at = Now();
  d.script = script;
  if (s->deployments.size() > 1) s->deployments.resize(1);
  s->deployments.insert(s->deployments.begin(), d);
  AddEvent(*s, "(service " + s->name + ") has started 1 tasks: (task " + NextId(32) + ").");
  return FakeJsonAnswer({{"service", ServiceJson(*s)}});
}

}  // namespace rex::testing
