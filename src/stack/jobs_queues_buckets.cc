#include "stack/jobs_queues_buckets.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/jobs_config.h"
#include "constructs/bucket.h"
#include "constructs/iam_policy.h"
#include "constructs/queue.h"
#include "constructs/scheduled_task.h"
#include "core/intrinsics.h"
#include "stack/env_references.h"

namespace rex::stack {
namespace {

using core::List;
using core::Str;
using TaskDef = cfn::ecs::CfnTaskDefinition;

// The text of a literal string value, or "" for a token or an unset value.
std::string Literal(const std::optional<Str>& value) {
  if (!value.has_value() || !value->value().is_string()) return "";
  return value->value().json().get<std::string>();
}

// The container `name` of a task definition, or null.
const TaskDef::ContainerDefinition* FindContainer(const TaskDef& task, const std::string& name) {
  if (!task.props().container_definitions.has_value()) return nullptr;
  for (const auto& c : task.props().container_definitions->items()) {
    if (Literal(c.name) == name) return &c;
  }
  return nullptr;
}

// Adds `variable` = `value` to the environment of container `name`, keeping the variables
// sorted by name as the services' are rendered.
void AddEnvironment(TaskDef& task, const std::string& container, const std::string& variable,
                    Str value) {
  if (!task.props().container_definitions.has_value()) return;
  std::vector<TaskDef::ContainerDefinition> containers =
      task.props().container_definitions->items();
  for (auto& c : containers) {
    if (Literal(c.name) != container) continue;
    std::vector<TaskDef::KeyValuePair> env;
    if (c.environment.has_value()) env = c.environment->items();
    auto at = env.begin();
    while (at != env.end() && Literal(at->name) < variable) ++at;
    env.insert(at, TaskDef::KeyValuePair{.name = Str(variable), .value = std::move(value)});
    c.environment = List<TaskDef::KeyValuePair>(std::move(env));
    break;
  }
  task.props().container_definitions = List<TaskDef::ContainerDefinition>(std::move(containers));
}

// "jobs" -> "jobsQueueUrl"-style output prefixes: the construct id with a lowercase first
// letter.
std::string OutputPrefix(const std::string& name) {
  std::string id = config::ServiceConstructId(name);
  if (!id.empty() && id[0] >= 'A' && id[0] <= 'Z') id[0] = static_cast<char>(id[0] - 'A' + 'a');
  return id;
}

class Wiring {
 public:
  explicit Wiring(RexStack& stack) : stack_(stack), config_(stack.config()) {}

  void Jobs() {
    if (config_.jobs.empty()) return;
    auto& scope = stack_.Add<core::Construct>("Jobs");
    const std::string prefix = StackName(config_);
    for (const auto& [name, job] : config_.jobs) {
      std::vector<std::pair<std::string, Str>> env = Environment(job);
      std::vector<std::pair<std::string, Str>> secrets = Secrets(job, env);
      std::sort(env.begin(), env.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      constructs::FargateContainer container{
          .name = name,
          .image = JobImage(name, job),
          .environment = std::move(env),
          .secrets = std::move(secrets),
      };
      if (!job.command.empty()) {
        List<Str> command;
        for (const std::string& arg : job.command) command.push_back(arg);
        container.command = command;
      }
      constructs::ScheduledTaskProps props{
          .family = prefix + "-" + name,
          .container = std::move(container),
          .cpu = job.cpu,
          .memory = job.memory,
          .execution_role_arn = stack_.security().execution_role_arn(),
          .log_group_name = "/ecs/" + prefix + "-" + name,
          .log_retention_days = config_.log_retention_days,
      };
      if (!job.schedule.empty()) {
        props.schedule = constructs::ScheduledTaskProps::Schedule{
            .expression = job.schedule,
            .timezone = job.timezone,
            .description = "Runs the job " + name + " of " + prefix,
        };
        props.cluster_arn = stack_.compute().cluster_arn();
        props.subnet_ids = stack_.networking().private_subnet_ids();
        props.security_group_id = stack_.security().services_security_group_id();
      }
      scope.Add<constructs::ScheduledTask>(config::ServiceConstructId(name), std::move(props));
    }
  }

  void Queues() {
    if (config_.queues.empty()) return;
    auto& scope = stack_.Add<core::Construct>("Queues");
    for (const auto& [name, q] : config_.queues) {
      auto& queue = scope.Add<constructs::Queue>(
          config::ServiceConstructId(name),
          constructs::QueueProps{.max_receive_count = q.max_receive_count,
                                 .visibility_timeout = q.visibility_timeout,
                                 .retention_seconds = q.retention_days * 24 * 3600,
                                 .name = name});
      if (!q.producers.empty()) {
        Grant(queue.GrantSend(RoleNames(q.producers)), q.producers);
      }
      if (!q.consumers.empty()) {
        Grant(queue.GrantConsume(RoleNames(q.consumers)), q.consumers);
      }
      AddVariable(config::QueueUrlVariable(name), queue.queue_url(), q.producers, q.consumers);
      stack_.Add<core::Output>(OutputPrefix(name) + "QueueUrl",
                               core::OutputProps{.value = queue.queue_url().value(),
                                                 .description = "URL of the SQS queue " + name});
    }
  }

  void Buckets() {
    if (config_.buckets.empty()) return;
    auto& scope = stack_.Add<core::Construct>("Buckets");
    for (const auto& [name, b] : config_.buckets) {
      constructs::BucketProps props{
          .encryption = b.encryption == "kms" ? constructs::BucketEncryption::kKms
                                              : constructs::BucketEncryption::kS3,
          .name = name,
      };
      if (b.expire_days > 0) props.expire_days = b.expire_days;
      auto& bucket = scope.Add<constructs::Bucket>(config::ServiceConstructId(name), props);
      if (!b.readers.empty()) Grant(bucket.GrantRead(RoleNames(b.readers)), b.readers);
      if (!b.writers.empty()) Grant(bucket.GrantWrite(RoleNames(b.writers)), b.writers);
      AddVariable(config::BucketVariable(name), bucket.bucket_name(), b.readers, b.writers);
      stack_.Add<core::Output>(OutputPrefix(name) + "BucketName",
                               core::OutputProps{.value = bucket.bucket_name().value(),
                                                 .description = "name of the S3 bucket " + name});
    }
  }

 private:
  constructs::FargateService* Service(const std::string& name) {
    constructs::FargateService* service = stack_.compute().service(name);
    if (service == nullptr) stack_.AddError("the stack has no service " + name);
    return service;
  }

  // The task role names (Ref) of the services, found through their task definitions, so the
  // grants follow the roles wherever the stack makes them.
  std::vector<Str> RoleNames(const std::vector<std::string>& services) {
    std::vector<Str> names;
    for (const std::string& name : services) {
      constructs::FargateService* service = Service(name);
      if (service == nullptr) continue;
      const auto& role_arn = service->task_definition().props().task_role_arn;
      std::optional<Str> role =
          role_arn.has_value() ? constructs::RoleNameFromArn(*role_arn) : std::nullopt;
      if (!role.has_value()) {
        stack_.AddError("service " + name + " has no task role of the stack to grant access to");
        continue;
      }
      names.push_back(*role);
    }
    return names;
  }

  // The services' ECS services wait for their grant, so their first tasks do not start
  // without the permission.
  void Grant(cfn::iam::CfnPolicy& policy, const std::vector<std::string>& services) {
    for (const std::string& name : services) {
      if (constructs::FargateService* service = Service(name))
        service->service().AddDependsOn(policy);
    }
  }

  void AddVariable(const std::string& variable, const Str& value,
                   const std::vector<std::string>& first, const std::vector<std::string>& second) {
    std::vector<std::string> done;
    for (const auto* list : {&first, &second}) {
      for (const std::string& name : *list) {
        if (std::find(done.begin(), done.end(), name) != done.end()) continue;
        done.push_back(name);
        if (constructs::FargateService* service = Service(name)) {
          AddEnvironment(service->task_definition(), name, variable, value);
        }
      }
    }
  }

  Str JobImage(const std::string& name, const config::JobConfig& job) {
    if (config::jobs::IsExternalImage(job.image)) return Str(job.image);
    constructs::FargateService* service = Service(job.image);
    const TaskDef::ContainerDefinition* container =
        service == nullptr ? nullptr : FindContainer(service->task_definition(), job.image);
    if (container == nullptr || !container->image.has_value()) {
      stack_.AddError("job " + name + ": service " + job.image + " has no container of its name");
      return Str("");
    }
    return *container->image;
  }

  // ${...} references as a service's environment has them, but ${port}
  // (stack/env_references.h).
  Str Resolve(const std::string& text) {
    return ResolveReferences(
        text,
        ReferenceValues{.redis_url = stack_.cache().redis_url(),
                        .db_name = Database::kDatabaseName,
                        .namespace_name = stack_.compute().namespace_name(),
                        .supertokens_image = config_.supertokens_image},
        [&](const std::string& problem) { stack_.AddError(problem + " in a job's environment"); });
  }

  std::vector<std::pair<std::string, Str>> Environment(const config::JobConfig& job) {
    std::vector<std::pair<std::string, Str>> env;
    for (const auto& [variable, value] : job.environment)
      env.emplace_back(variable, Resolve(value));
    return env;
  }

  // App secrets as a service's `secrets` reads them: the database's through ContainerValues
  // (stack/database.h), whose plain values go to `env` (kept sorted by name).
  std::vector<std::pair<std::string, Str>> Secrets(const config::JobConfig& job,
                                                   std::vector<std::pair<std::string, Str>>& env) {
    std::vector<std::pair<std::string, Str>> out;
    for (const auto& [variable, secret] : job.secrets) {
      auto database = ContainerValues(stack_.database().access(), variable, secret);
      if (!database.empty()) {
        for (auto& [to, value] : database) (value.secret ? out : env).emplace_back(to, value.value);
      } else if (secret == "supertokens.apiKey") {
        out.emplace_back(variable, stack_.secrets().supertokens_api_key_secret_arn());
      } else if (secret == "redis.authToken") {
        RedisPassword(variable, out);
      } else {
        stack_.AddError("unknown app secret \"" + secret + "\" in a job's secrets");
      }
    }
    if (GetsRedisPassword(config_.redis_auth, job.environment, job.secrets)) {
      RedisPassword(kRedisPasswordVariable, out);
    }
    return out;
  }

  // The Redis AUTH token secret as `variable`; an error without redisAuth.
  void RedisPassword(const std::string& variable, std::vector<std::pair<std::string, Str>>& out) {
    std::optional<Str> arn = stack_.cache().auth_token_secret_arn();
    if (!arn.has_value()) {
      stack_.AddError("the app secret redis.authToken in a job's secrets needs redisAuth true");
      return;
    }
    out.emplace_back(variable, *arn);
  }

  RexStack& stack_;
  const config::Config& config_;
};

}  // namespace

void AddJobsQueuesAndBuckets(RexStack& stack) {
  Wiring wiring(stack);
  wiring.Jobs();
  wiring.Queues();
  wiring.Buckets();
}

}  // namespace rex::stack
