#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "aws/client.h"
#include "aws/service_models.h"
#include "aws/typed.h"

// Amazon ECS (JSON 1.1, 2014-11-13): one-off tasks (migrations) and service redeploys.
namespace rex::aws {

struct EcsKeyValue {
  std::string name;
  std::string value;
};

struct EcsContainerOverride {
  std::string name;
  std::vector<std::string> command = {};      // Default: the image's.
  std::vector<EcsKeyValue> environment = {};  // added to the task definition's
};

struct RunTaskRequest {
  std::string cluster;
  std::string task_definition;
  int count = 1;
  std::string launch_type = "FARGATE";  // EC2 | FARGATE | EXTERNAL
  std::vector<std::string> subnets = {};
  std::vector<std::string> security_groups = {};
  bool assign_public_ip = false;
  std::vector<EcsContainerOverride> container_overrides = {};
  std::string started_by = {};
  std::string platform_version = {};  // Default: LATEST.
  std::string client_token = {};      // idempotency
};

struct EcsContainer {
  std::string name;
  std::string last_status;
  std::optional<int64_t> exit_code;
  std::string reason;
};

struct EcsTask {
  std::string task_arn;
  std::string cluster_arn;
  std::string task_definition_arn;
  std::string last_status;  // PROVISIONING | PENDING | RUNNING | STOPPED ...
  std::string desired_status;
  std::string stop_code;  // TaskFailedToStart | EssentialContainerExited | ...
  std::string stopped_reason;
  std::string launch_type;
  std::optional<TimePoint> created_at;
  std::optional<TimePoint> started_at;
  std::optional<TimePoint> stopped_at;
  std::vector<EcsContainer> containers;
};

struct EcsFailure {
  std::string arn;
  std::string reason;  // e.g. MISSING
  std::string detail;
};

struct EcsTasks {
  std::vector<EcsTask> tasks;
  std::vector<EcsFailure> failures;
};

struct EcsDeployment {
  std::string id;
  std::string status;  // PRIMARY | ACTIVE | INACTIVE
  std::string task_definition;
  int64_t desired_count = 0;
  int64_t running_count = 0;
  int64_t pending_count = 0;
  int64_t failed_tasks = 0;
  std::string rollout_state;  // COMPLETED | FAILED | IN_PROGRESS
  std::string rollout_state_reason;
};

struct EcsServiceEvent {
  std::string id;
  std::optional<TimePoint> created_at;
  std::string message;
};

struct EcsService {
  std::string service_arn;
  std::string service_name;
  std::string cluster_arn;
  std::string status;  // ACTIVE | DRAINING | INACTIVE
  int64_t desired_count = 0;
  int64_t running_count = 0;
  int64_t pending_count = 0;
  std::string task_definition;
  std::vector<EcsDeployment> deployments;
  std::vector<EcsServiceEvent> events;  // newest first
};

struct EcsServices {
  std::vector<EcsService> services;
  std::vector<EcsFailure> failures;
};

struct UpdateServiceRequest {
  std::string cluster;
  std::string service;
  std::optional<int> desired_count = {};
  std::string task_definition = {};  // Default: unchanged.
  bool force_new_deployment = false;
};

// One container of a task definition (DescribeTaskDefinition), the parts rex reads.
struct EcsContainerDefinition {
  std::string name;
  std::string image;
  bool essential = true;
  std::string log_driver;                          // e.g. awslogs
  std::map<std::string, std::string> log_options;  // awslogs-group, awslogs-stream-prefix, ...
};

struct EcsTaskDefinition {
  std::string task_definition_arn;
  std::string family;
  int64_t revision = 0;
  std::vector<EcsContainerDefinition> containers;
};

struct ListTasksRequest {
  std::string cluster;
  std::string family = {};          // Default: any.
  std::string service_name = {};    // Default: any.
  std::string started_by = {};      // Default: any.
  std::string desired_status = {};  // RUNNING | PENDING | STOPPED. Default: RUNNING.
};

class EcsClient {
 public:
  static const LoadedModel& Model();

  EcsClient(Endpoint endpoint, CredentialsProvider* credentials, HttpTransport& transport,
            base::Clock& clock, RetryOptions retry = {});

  // Tasks that could not start are in EcsTasks::failures, not the Status.
  base::Result<EcsTasks> RunTask(const RunTaskRequest& request);
  // At most 100 tasks per call (kInvalidArgument above).
  base::Result<EcsTasks> DescribeTasks(const std::string& cluster,
                                       const std::vector<std::string>& tasks);
  base::Result<EcsService> UpdateService(const UpdateServiceRequest& request);
  // At most 10 services per call (kInvalidArgument above).
  base::Result<EcsServices> DescribeServices(const std::string& cluster,
                                             const std::vector<std::string>& services);

  // `task_definition`: family, family:revision or ARN. kInvalidArgument (ClientException)
  // when it does not exist.
  base::Result<EcsTaskDefinition> DescribeTaskDefinition(const std::string& task_definition);
  // Task ARNs, every page.
  base::Result<std::vector<std::string>> ListTasks(const ListTasksRequest& request);

  AwsClient& client() { return client_; }

 private:
  AwsClient client_;
};

// Decoders, exposed for callers holding raw JSON (and for tests on sample bodies).
EcsTask ParseEcsTask(const base::Json& task);
EcsService ParseEcsService(const base::Json& service);

}  // namespace rex::aws
