#pragma once

// A TEST DOUBLE of Amazon ECS (JSON 1.1, AmazonEC2ContainerServiceV20141113) for FakeAws:
// the cluster, task definitions and services of a deployed stack (SeedFromStack), one-off
// tasks with scripted lifecycles, and services whose deployments become stable or are
// rolled back by the circuit breaker. Operations: RunTask, DescribeTasks, ListTasks,
// DescribeTaskDefinition, DescribeServices, UpdateService, in the shapes of botocore's model
// (timestamps in epoch seconds, as numbers).
//
// Time advances by "ticks": every DescribeTasks call moves each task it names one tick along
// its script (PROVISIONING → PENDING → RUNNING → STOPPED), every DescribeServices call moves
// each named service's running deployment one poll along. Tests run as fast as rex polls.
//
//   FakeLogs logs;
//   FakeEcs ecs(&logs);
//   server.aws().AddService("ecs", &ecs);
//   ecs.SeedFromStack(server.aws().StackResources(stack), deployed_template);
//   ecs.ScriptTask("ComputeMigrationTaskDefinition", {.exit_code = 3, .log_lines = {...}});
//
// Thread-safe (its own mutex; it calls FakeLogs, never the other way round).

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "base/clock.h"
#include "support/fake_aws_server.h"
#include "support/fake_logs.h"

namespace rex::testing {

// How one task run by RunTask goes.
struct FakeTaskScript {
  int provisioning_ticks = 1;  // DescribeTasks answers in PROVISIONING
  int pending_ticks = 1;       // then in PENDING
  int running_ticks = 2;       // then in RUNNING (ignored when the task fails to start)
  int exit_code = 0;           // of the essential container
  // Non-empty: the task stops after PENDING with stopCode TaskFailedToStart and this
  // stoppedReason (e.g. "CannotPullContainerError: ..."); no container exit code.
  std::string fail_to_start = {};
  // Written to the task's log stream (<prefix>/<container>/<task id>): the first half when
  // it starts running, the rest as it stops.
  std::vector<std::string> log_lines = {};
};

// How the next deployment of a service (UpdateService forceNewDeployment) goes.
struct FakeDeploymentScript {
  int polls = 2;  // DescribeServices calls until it ends
  // True: the circuit breaker stops it (rolloutState FAILED) and rolls back to the previous
  // deployment, with service events saying why.
  bool roll_back = false;
  std::string failure = "tasks failed to start";  // rolloutStateReason detail when rolled back
};

class FakeEcs : public FakeService {
 public:
  // `logs` (may be null) receives the tasks' log lines; `clock` stamps times (default:
  // base::SystemClock()).
  explicit FakeEcs(FakeLogs* logs = nullptr, base::Clock* clock = nullptr,
                   std::string region = "us-east-1", std::string account = "123456789012");

  FakeAnswer Serve(const FakeCall& call) override;

  // The cluster, task definitions (containers, awslogs options resolved to the log groups'
  // physical ids) and services (desired count, task definition) of a deployed stack, from its
  // resources (FakeAws::StackResources) and template.
  // Seeding again (after an update) replaces the task definitions and updates the services'
  // task definition and desired count, keeping their deployments and events.
  void SeedFromStack(const std::map<std::string, FakeAws::ResourceInfo>& resources,
                     const base::Json& tmpl);
  // Seeds from `stack` whenever an operation on it is applied (FakeAws::OnStackApplied), so a
  // `rex up` that creates the stack finds the cluster at once. Call before the deploy.
  void Follow(FakeAws& aws, const std::string& stack);

  // Scripts the tasks of a task definition (its logical id, ARN or family). Scripts queue:
  // each RunTask takes the next one, the last stays for any further runs.
  void ScriptTask(const std::string& task_definition, FakeTaskScript script);
  // Scripts the next deployments of a service (its logical id, ARN or name), queued likewise.
  void ScriptDeployment(const std::string& service, FakeDeploymentScript script);

  // Inspection: the RunTask bodies received (idempotent retries included), tasks started,
  // UpdateService bodies.
  std::vector<base::Json> RunTaskRequests() const;
  int TasksStarted() const;
  std::vector<base::Json> UpdateServiceRequests() const;

 private:
  struct Container {
    std::string name;
    std::string image;
    bool essential = true;
    std::map<std::string, std::string> log_options;
  };
  struct TaskDefinition {
    std::string logical_id;
    std::string arn;
    std::string family;
    std::vector<Container> containers;
  };
  struct Task {
    std::string arn;
    std::string id;
    std::string task_definition_arn;
    std::string last_status = "PROVISIONING";
    std::string desired_status = "RUNNING";
    std::string stop_code;
    std::string stopped_reason;
    std::string started_by;
    std::string group;
    FakeTaskScript script;
    int ticks = 0;
    size_t lines_written = 0;
    double created_at = 0;
    double started_at = 0;
    double stopped_at = 0;
  };
  struct Deployment {
    std::string id;
    std::string status;  // PRIMARY | ACTIVE
    std::string task_definition;
    int64_t desired = 0;
    int64_t running = 0;
    int64_t pending = 0;
    int64_t failed = 0;
    std::string rollout_state;  // IN_PROGRESS | COMPLETED | FAILED
    std::string rollout_reason;
    double created_at = 0;
    FakeDeploymentScript script;
    int polls = 0;
  };
  struct Event {
    std::string id;
    double created_at = 0;
    std::string message;
  };
  struct Service {
    std::string logical_id;
    std::string arn;
    std::string name;
    std::string task_definition;
    int64_t desired = 1;
    std::vector<Deployment> deployments;  // PRIMARY first
    std::vector<Event> events;            // newest first
  };

  FakeAnswer RunTask(const base::Json& in);
  FakeAnswer DescribeTasks(const base::Json& in);
  FakeAnswer ListTasks(const base::Json& in);
  FakeAnswer DescribeTaskDefinition(const base::Json& in);
  FakeAnswer DescribeServices(const base::Json& in);
  FakeAnswer UpdateService(const base::Json& in);

  bool KnownCluster(const std::string& cluster) const;
  TaskDefinition* FindTaskDefinition(const std::string& key);
  Service* FindService(const std::string& key);
  void Advance(Task& task);
  void WriteLines(Task& task, size_t upto);
  void Advance(Service& service);
  void AddEvent(Service& service, const std::string& message);
  base::Json TaskJson(const Task& task) const;
  base::Json ServiceJson(const Service& service) const;
  double Now() const;
  std::string NextId(size_t length);

  FakeLogs* logs_;
  base::Clock* clock_;
  std::string region_;
  std::string account_;
  mutable std::mutex mu_;
  std::string cluster_name_;
  std::string cluster_arn_;
  std::vector<TaskDefinition> task_definitions_;
  std::vector<Service> services_;
  std::vector<Task> tasks_;
  std::map<std::string, std::vector<std::string>> tokens_;          // clientToken -> task ARNs
  std::map<std::string, std::deque<FakeTaskScript>> task_scripts_;  // by task definition ARN
  std::map<std::string, std::deque<FakeDeploymentScript>> deployment_scripts_;  // by service ARN
  std::vector<base::Json> run_task_requests_;
  std::vector<base::Json> update_service_requests_;
  uint64_t counter_ = 0;
};

}  // namespace rex::testing
