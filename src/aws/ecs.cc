#include "aws/ecs.h"

namespace rex::aws {

namespace {

using base::Json;

std::vector<EcsFailure> ParseFailures(const Json& out) {
  std::vector<EcsFailure> failures;
  for (const auto& f : JsonArray(out, "failures")) {
    failures.push_back({JsonString(f, "arn"), JsonString(f, "reason"), JsonString(f, "detail")});
  }
  return failures;
}

EcsTasks ParseTasks(const Json& out) {
  EcsTasks result;
  for (const auto& t : JsonArray(out, "tasks")) result.tasks.push_back(ParseEcsTask(t));
  result.failures = ParseFailures(out);
  return result;
}

Json Strings(const std::vector<std::string>& items) {
  Json out = Json::array();
  for (const auto& s : items) out.push_back(s);
  return out;
}

}  // namespace

EcsTask ParseEcsTask(const Json& t) {
  EcsTask task;
  task.task_arn = JsonString(t, "taskArn");
  task.cluster_arn = JsonString(t, "clusterArn");
  task.task_definition_arn = JsonString(t, "taskDefinitionArn");
  task.last_status = JsonString(t, "lastStatus");
  task.desired_status = JsonString(t, "desiredStatus");
  task.stop_code = JsonString(t, "stopCode");
  task.stopped_reason = JsonString(t, "stoppedReason");
  task.launch_type = JsonString(t, "launchType");
  task.created_at = JsonTime(t, "createdAt");
  task.started_at = JsonTime(t, "startedAt");
  task.stopped_at = JsonTime(t, "stoppedAt");
  for (const auto& c : JsonArray(t, "containers")) {
    task.containers.push_back({JsonString(c, "name"), JsonString(c, "lastStatus"),
                               JsonOptionalInt(c, "exitCode"), JsonString(c, "reason")});
  }
  return task;
}

EcsService ParseEcsService(const Json& s) {
  EcsService service;
  service.service_arn = JsonString(s, "serviceArn");
  service.service_name = JsonString(s, "serviceName");
  service.cluster_arn = JsonString(s, "clusterArn");
  service.status = JsonString(s, "status");
  service.desired_count = JsonInt(s, "desiredCount");
  service.running_count = JsonInt(s, "runningCount");
  service.pending_count = JsonInt(s, "pendingCount");
  service.task_definition = JsonString(s, "taskDefinition");
  for (const auto& d : JsonArray(s, "deployments")) {
    service.deployments.push_back({JsonString(d, "id"), JsonString(d, "status"),
                                   JsonString(d, "taskDefinition"), JsonInt(d, "desiredCount"),
                                   JsonInt(d, "runningCount"), JsonInt(d, "pendingCount"),
                                   JsonInt(d, "failedTasks"), JsonString(d, "rolloutState"),
                                   JsonString(d, "rolloutStateReason")});
  }
  for (const auto& e : JsonArray(s, "events")) {
    service.events.push_back(
        {JsonString(e, "id"), JsonTime(e, "createdAt"), JsonString(e, "message")});
  }
  return service;
}

const LoadedModel& EcsClient::Model() {
  static const LoadedModel* model = new LoadedModel(LoadModel(EcsModelJson()));
  return *model;
}

EcsClient::EcsClient(Endpoint endpoint, CredentialsProvider* credentials, HttpTransport& transport,
                     base::Clock& clock, RetryOptions retry)
    : client_(Model().service, std::move(endpoint), credentials, transport, clock, retry) {}

base::Result<EcsTasks> EcsClient::RunTask(const RunTaskRequest& r) {
  static const OperationModel op = Model().Operation("RunTask");
  Json p = {{"cluster", r.cluster}, {"taskDefinition", r.task_definition}, {"count", r.count}};
  if (!r.launch_type.empty()) p["launchType"] = r.launch_type;
  if (!r.subnets.empty()) {
    p["networkConfiguration"] = {
        {"awsvpcConfiguration",
         {{"subnets", Strings(r.subnets)},
          {"securityGroups", Strings(r.security_groups)},
          {"assignPublicIp", r.assign_public_ip ? "ENABLED" : "DISABLED"}}}};
  }
  if (!r.container_overrides.empty()) {
    Json overrides = Json::array();
    for (const auto& o : r.container_overrides) {
      Json one = {{"name", o.name}};
      if (!o.command.empty()) one["command"] = Strings(o.command);
      if (!o.environment.empty()) {
        Json env = Json::array();
        for (const auto& kv : o.environment)
          env.push_back({{"name", kv.name}, {"value", kv.value}});
        one["environment"] = std::move(env);
      }
      overrides.push_back(std::move(one));
    }
    p["overrides"] = {{"containerOverrides", std::move(overrides)}};
  }
  if (!r.started_by.empty()) p["startedBy"] = r.started_by;
  if (!r.platform_version.empty()) p["platformVersion"] = r.platform_version;
  if (!r.client_token.empty()) p["clientToken"] = r.client_token;
  REX_ASSIGN_OR_RETURN(Json out, client_.Call(op, p, "run task " + r.task_definition));
  return ParseTasks(out);
}

base::Result<EcsTasks> EcsClient::DescribeTasks(const std::string& cluster,
                                                const std::vector<std::string>& tasks) {
  static const OperationModel op = Model().Operation("DescribeTasks");
  if (tasks.size() > 100) {
    return base::InvalidArgument("describe tasks: " + std::to_string(tasks.size()) +
                                 " tasks, at most 100 per call");
  }
  Json p = {{"cluster", cluster}, {"tasks", Strings(tasks)}};
  REX_ASSIGN_OR_RETURN(Json out, client_.Call(op, p, "describe tasks in " + cluster));
  return ParseTasks(out);
}

base::Result<EcsService> EcsClient::UpdateService(const UpdateServiceRequest& r) {
  static const OperationModel op = Model().Operation("UpdateService");
  Json p = {{"cluster", r.cluster}, {"service", r.service}};
  if (r.desired_count) p["desiredCount"] = *r.desired_count;
  if (!r.task_definition.empty()) p["taskDefinition"] = r.task_definition;
  if (r.force_new_deployment) p["forceNewDeployment"] = true;
  REX_ASSIGN_OR_RETURN(Json out, client_.Call(op, p, "update service " + r.service));
  return ParseEcsService(JsonObject(out, "service"));
}

base::Result<EcsServices> EcsClient::DescribeServices(const std::string& cluster,
                                                      const std::vector<std::string>& services) {
  static const OperationModel op = Model().Operation("DescribeServices");
  if (services.size() > 10) {
    return base::InvalidArgument("describe services: " + std::to_string(services.size()) +
                                 " services, at most 10 per call");
  }
  Json p = {{"cluster", cluster}, {"services", Strings(services)}};
  REX_ASSIGN_OR_RETURN(Json out, client_.Call(op, p, "describe services in " + cluster));
  EcsServices result;
  for (const auto& s : JsonArray(out, "services")) result.services.push_back(ParseEcsService(s));
  result.failures = ParseFailures(out);
  return result;
}

base::Result<EcsTaskDefinition> EcsClient::DescribeTaskDefinition(
    const std::string& task_definition) {
  static const OperationModel op = Model().Operation("DescribeTaskDefinition");
  Json p = {{"taskDefinition", task_definition}};
  REX_ASSIGN_OR_RETURN(Json out,
                       client_.Call(op, p, "describe task definition " + task_definition));
  const Json& t = JsonObject(out, "taskDefinition");
  EcsTaskDefinition result;
  result.task_definition_arn = JsonString(t, "taskDefinitionArn");
  result.family = JsonString(t, "family");
  result.revision = JsonInt(t, "revision");
  for (const auto& c : JsonArray(t, "containerDefinitions")) {
    EcsContainerDefinition container;
    container.name = JsonString(c, "name");
    container.image = JsonString(c, "image");
    container.essential = JsonBool(c, "essential", true);
    const Json& log = JsonObject(c, "logConfiguration");
    container.log_driver = JsonString(log, "logDriver");
    for (const auto& [key, value] : JsonObject(log, "options").items()) {
      if (value.is_string()) container.log_options[key] = value.get<std::string>();
    }
    result.containers.push_back(std::move(container));
  }
  return result;
}

base::Result<std::vector<std::string>> EcsClient::ListTasks(const ListTasksRequest& r) {
  static const OperationModel op = Model().Operation("ListTasks");
  std::vector<std::string> arns;
  std::string token;
  do {
    Json p = {{"cluster", r.cluster}};
    if (!r.family.empty()) p["family"] = r.family;
    if (!r.service_name.empty()) p["serviceName"] = r.service_name;
    if (!r.started_by.empty()) p["startedBy"] = r.started_by;
    if (!r.desired_status.empty()) p["desiredStatus"] = r.desired_status;
    if (!token.empty()) p["nextToken"] = token;
    REX_ASSIGN_OR_RETURN(Json out, client_.Call(op, p, "list tasks in " + r.cluster));
    for (std::string& arn : JsonStringList(out, "taskArns")) arns.push_back(std::move(arn));
    token = JsonString(out, "nextToken");
  } while (!token.empty());
  return arns;
}

}  // namespace rex::aws
