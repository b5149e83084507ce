#include "ops/stack_info.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "base/files.h"
#include "base/json.h"
#include "base/strings.h"
#include "ops/harness.h"

namespace rex::ops {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The resources of a golden template as ListStackResources would list them once created:
// physical id "phys-<LogicalId>", except the types whose Ref is an ARN with structure.
std::vector<aws::StackResourceSummary> ResourcesOf(const std::string& golden) {
  auto text = base::ReadFile(testing::GoldenPath(golden));
  EXPECT_TRUE(text.ok());
  auto tmpl = base::ParseJson(text.ok() ? *text : "{}", golden);
  EXPECT_TRUE(tmpl.ok());
  std::vector<aws::StackResourceSummary> out;
  for (const auto& [id, resource] : (*tmpl)["Resources"].items()) {
    std::string type = resource["Type"].get<std::string>();
    std::string physical = "phys-" + id;
    if (type == "AWS::Amplify::App") physical = "arn:aws:amplify:us-east-1:123:apps/d1app";
    if (type == "AWS::Amplify::Branch") {
      physical = "arn:aws:amplify:us-east-1:123:apps/d1app/branches/main";
    }
    if (type == "AWS::ECS::Service") {
      physical = "arn:aws:ecs:us-east-1:123:service/rex-backend-dev-cluster/svc-" + id;
    }
    aws::StackResourceSummary r;
    r.logical_resource_id = id;
    r.physical_resource_id = physical;
    r.resource_type = type;
    r.resource_status = "CREATE_COMPLETE";
    out.push_back(r);
  }
  return out;
}

base::Json TemplateOf(const std::string& golden) {
  auto text = base::ReadFile(testing::GoldenPath(golden));
  EXPECT_TRUE(text.ok());
  auto tmpl = base::ParseJson(text.ok() ? *text : "{}", golden);
  EXPECT_TRUE(tmpl.ok());
  return tmpl.ok() ? *tmpl : base::Json::object();
}

// BuildStackInfo of a golden template deployed with `stack`'s outputs.
StackInfo InfoOf(const std::string& golden, const aws::Stack& stack) {
  return BuildStackInfo(stack, ResourcesOf(golden), TemplateOf(golden), "us-east-1");
}

aws::Stack StackWithOutputs() {
  aws::Stack stack;
  stack.stack_name = "rex-backend-dev";
  stack.stack_status = "UPDATE_COMPLETE";
  stack.outputs = {
      {"ecsClusterName", "rex-backend-dev-cluster", "", ""},
      {"migrationTaskDefinitionArn", "arn:td/migration:3", "", ""},
      {"bootstrapTaskDefinitionArn", "arn:td/bootstrap:1", "", ""},
      {"privateSubnetIds", "subnet-a,subnet-b", "", ""},
      {"ecsSecurityGroup", "sg-123", "", ""},
      {"albDnsName", "alb-1.elb.amazonaws.com", "", ""},
      {"apiUrl", "https://api.example.com", "", ""},
      {"frontendUrl", "https://main.d1app.amplifyapp.com", "", ""},
      {"apiRepositoryUrl", "123.dkr.ecr.us-east-1.amazonaws.com/rex-api", "", ""},
      {"workerRepositoryUrl", "123.dkr.ecr.us-east-1.amazonaws.com/rex-worker", "", ""},
      {"notifierRepositoryUrl", "123.dkr.ecr.us-east-1.amazonaws.com/rex-notifier", "", ""}};
  return stack;
}

// Pins the logical ids of src/stack/ that ops reads: if one is renamed, this fails.
TEST(StackInfoTest, EveryPartOfTheGoldenStackIsFound) {
  StackInfo info = InfoOf("dev-everything", StackWithOutputs());
  EXPECT_EQ(info.cluster, "rex-backend-dev-cluster");
  // Jobs come from the template's task definitions, not from the outputs.
  ASSERT_NE(info.FindJob("migration"), nullptr);
  EXPECT_EQ(info.FindJob("migration")->task_definition, "phys-ComputeMigrationTaskDefinition");
  ASSERT_NE(info.FindJob("bootstrap"), nullptr);
  EXPECT_EQ(info.FindJob("bootstrap")->task_definition, "phys-ComputeBootstrapTaskDefinition");
  EXPECT_THAT(info.private_subnets, ElementsAre("subnet-a", "subnet-b"));
  EXPECT_EQ(info.services_security_group, "sg-123");
  ASSERT_EQ(info.services.size(), 3u);
  const ServiceInfo* api = info.FindService("api");
  ASSERT_NE(api, nullptr);
  EXPECT_EQ(api->service_arn,
            "arn:aws:ecs:us-east-1:123:service/rex-backend-dev-cluster/svc-ComputeApiService");
  EXPECT_EQ(api->service_name, "svc-ComputeApiService");
  EXPECT_EQ(api->log_group, "phys-MonitoringApiLogGroup");
  EXPECT_EQ(api->target_group_arn, "phys-LoadBalancerApiTargetGroup");
  EXPECT_EQ(api->task_definition, "phys-ComputeApiTaskDefinition");
  EXPECT_EQ(api->repository_url, "123.dkr.ecr.us-east-1.amazonaws.com/rex-api");
  ASSERT_NE(info.FindService("worker"), nullptr);
  EXPECT_EQ(info.FindService("worker")->target_group_arn, "");
  EXPECT_EQ(info.FindService("supertokens")->target_group_arn,
            "phys-LoadBalancerSupertokensTargetGroup");
  // SuperTokens' image is external: no repository. Its task definition also has the
  // non-essential create-database container; the service is named by the one it balances to.
  EXPECT_EQ(info.FindService("supertokens")->repository_url, "");
  EXPECT_EQ(info.LogGroup("migration"), "phys-MonitoringMigrationLogGroup");
  EXPECT_EQ(info.LogGroup("bootstrap"), "phys-MonitoringBootstrapLogGroup");
  EXPECT_EQ(info.LogGroup("worker"), "phys-MonitoringWorkerLogGroup");
  EXPECT_EQ(info.LogGroup("supertokens"), "phys-MonitoringSupertokensLogGroup");
  EXPECT_EQ(info.LogGroup("nothing"), "");
  EXPECT_EQ(info.load_balancer_arn, "phys-LoadBalancerAlb");
  EXPECT_EQ(info.alb_dns_name, "alb-1.elb.amazonaws.com");
  EXPECT_EQ(info.api_url, "https://api.example.com");
  EXPECT_EQ(info.frontend_url, "https://main.d1app.amplifyapp.com");
  EXPECT_EQ(info.db_cluster_identifier, "phys-DatabaseCluster");
  EXPECT_EQ(info.cache_replication_group_id, "phys-CacheReplicationGroup");
  EXPECT_EQ(info.amplify_app_id, "d1app");
  EXPECT_EQ(info.amplify_branch, "main");
  EXPECT_TRUE(RequireUsable(info).ok());
}

// Without the outputs (an older stack), the resources still give the ids.
TEST(StackInfoTest, FallsBackToResourcesWithoutOutputs) {
  aws::Stack stack;
  stack.stack_name = "rex-backend-dev";
  stack.stack_status = "CREATE_COMPLETE";
  StackInfo info = InfoOf("dev", stack);
  EXPECT_EQ(info.cluster, "phys-ComputeCluster");
  EXPECT_EQ(info.FindJob("migration")->task_definition, "phys-ComputeMigrationTaskDefinition");
  EXPECT_EQ(info.FindService("api")->repository_url, "");  // no output, no repository
  EXPECT_THAT(info.private_subnets,
              ElementsAre("phys-NetworkPrivateSubnet1", "phys-NetworkPrivateSubnet2"));
  EXPECT_EQ(info.services_security_group, "phys-SecurityServicesSecurityGroup");
  // The dev preset has no Amplify app.
  EXPECT_EQ(info.amplify_app_id, "");
  EXPECT_EQ(info.api_url, "");
  base::Status missing = RequireField(info, info.amplify_app_id, "Amplify app");
  EXPECT_EQ(missing.code(), base::Code::kFailedPrecondition);
  EXPECT_EQ(missing.message(),
            "stack rex-backend-dev has no Amplify app; run \"rex up\" with this version of rex "
            "to add it");
}

TEST(StackInfoTest, UnusableStates) {
  StackInfo info;
  info.stack_name = "rex-backend-dev";
  struct Case {
    const char* status;
    const char* says;
  };
  for (const Case& c : {Case{"CREATE_IN_PROGRESS", "still being created"},
                        Case{"ROLLBACK_COMPLETE", "its creation failed"},
                        Case{"DELETE_IN_PROGRESS", "being deleted"}}) {
    info.stack_status = c.status;
    base::Status s = RequireUsable(info);
    EXPECT_EQ(s.code(), base::Code::kFailedPrecondition) << c.status;
    EXPECT_THAT(s.message(), HasSubstr(std::string("stack rex-backend-dev is ") + c.status));
    EXPECT_THAT(s.message(), HasSubstr(c.says));
  }
  for (const char* ok :
       {"CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "UPDATE_IN_PROGRESS"}) {
    info.stack_status = ok;
    EXPECT_TRUE(RequireUsable(info).ok()) << ok;
  }
}

TEST(StackInfoTest, LastArnSegment) {
  EXPECT_EQ(LastArnSegment("arn:aws:ecs:us-east-1:1:service/cluster/api"), "api");
  EXPECT_EQ(LastArnSegment("plain-name"), "plain-name");
}

TEST(StackInfoTest, MissingStackSaysRunUp) {
  testing::OpsHarness h;
  auto info = LoadStackInfo(h.cfn, testing::kStackName, "us-east-1");
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().code(), base::Code::kNotFound);
  EXPECT_EQ(info.error().message(),
            "stack rex-backend-dev does not exist in us-east-1; run \"rex up\" first");
}

// Against the fake endpoint: what a deployed dev stack answers is enough for every field the
// dev preset has.
TEST(StackInfoTest, ReadsADeployedStack) {
  testing::OpsHarness h;
  ASSERT_TRUE(h.Deploy());
  auto info = LoadStackInfo(h.cfn, testing::kStackName, "us-east-1");
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  auto resources = h.fake.StackResources(testing::kStackName);
  EXPECT_EQ(info->stack_status, "CREATE_COMPLETE");
  EXPECT_EQ(info->cluster, resources.at("ComputeCluster").physical_id);
  EXPECT_EQ(info->FindJob("migration")->task_definition,
            resources.at("ComputeMigrationTaskDefinition").physical_id);
  EXPECT_EQ(info->private_subnets.size(), 2u);
  EXPECT_EQ(info->services.size(), 3u);
  EXPECT_EQ(info->jobs.size(), 2u);
  EXPECT_EQ(info->FindService("api")->service_arn, resources.at("ComputeApiService").physical_id);
  EXPECT_EQ(info->LogGroup("bootstrap"), resources.at("MonitoringBootstrapLogGroup").physical_id);
  EXPECT_FALSE(info->db_cluster_identifier.empty());
  EXPECT_FALSE(info->cache_replication_group_id.empty());
}

// The stack of examples/workloads.yaml through the fake endpoint (GetTemplate included): the
// notifier is a service like the built-in ones, with no line of ops code naming it.
TEST(StackInfoTest, ADeployedStackWithTheNotifierHasItAsAService) {
  testing::OpsHarness h;
  ASSERT_TRUE(h.Deploy("workloads"));
  auto info = LoadStackInfo(h.cfn, testing::kStackName, "us-east-1");
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  auto resources = h.fake.StackResources(testing::kStackName);
  const ServiceInfo* notifier = info->FindService("notifier");
  ASSERT_NE(notifier, nullptr);
  EXPECT_EQ(notifier->logical_id, "ComputeNotifierService");
  EXPECT_EQ(notifier->service_arn, resources.at("ComputeNotifierService").physical_id);
  EXPECT_EQ(notifier->task_definition, resources.at("ComputeNotifierTaskDefinition").physical_id);
  EXPECT_EQ(notifier->log_group, resources.at("MonitoringNotifierLogGroup").physical_id);
  EXPECT_EQ(notifier->target_group_arn,
            resources.at("LoadBalancerNotifierTargetGroup").physical_id);
  // The output comes from the fake's GetAtt RepositoryUri of the notifier's repository.
  ASSERT_TRUE(info->outputs.count("notifierRepositoryUrl") > 0);
  EXPECT_FALSE(notifier->repository_url.empty());
  EXPECT_EQ(notifier->repository_url, info->outputs.at("notifierRepositoryUrl"));
  ASSERT_NE(info->FindJob("cleanup"), nullptr);
  EXPECT_EQ(info->FindJob("cleanup")->task_definition,
            resources.at("JobsCleanupTaskDefinition").physical_id);
}

// Every ECS service and every task definition of every golden template is found: each task
// definition is either run by a found service or is a found job, and each has its log group.
TEST(StackInfoTest, EveryServiceAndJobOfEveryGoldenIsFound) {
  for (const char* golden : {"dev", "staging", "prod", "dev-everything", "workloads"}) {
    SCOPED_TRACE(golden);
    base::Json tmpl = TemplateOf(golden);
    StackInfo info = InfoOf(golden, StackWithOutputs());
    std::set<std::string> services_in_template;
    std::set<std::string> task_definitions;
    for (const auto& [id, resource] : tmpl["Resources"].items()) {
      if (resource["Type"] == "AWS::ECS::Service") services_in_template.insert(id);
      if (resource["Type"] == "AWS::ECS::TaskDefinition") task_definitions.insert(id);
    }
    std::set<std::string> found_services;
    std::set<std::string> covered;
    for (const auto& [name, service] : info.services) {
      found_services.insert(service.logical_id);
      EXPECT_FALSE(service.log_group.empty()) << name;
      ASSERT_TRUE(base::StartsWith(service.task_definition, "phys-")) << name;
      covered.insert(service.task_definition.substr(5));
      // The name is the container the task definition holds.
      const base::Json& containers = tmpl["Resources"][service.task_definition.substr(5)]
                                         ["Properties"]["ContainerDefinitions"];
      bool named = false;
      for (const base::Json& c : containers) named = named || c["Name"] == name;
      EXPECT_TRUE(named) << name;
      // A service behind the load balancer has its target group.
      bool balanced = tmpl["Resources"][service.logical_id]["Properties"].contains("LoadBalancers");
      EXPECT_EQ(service.target_group_arn.empty(), !balanced) << name;
    }
    EXPECT_EQ(found_services, services_in_template);
    for (const auto& [name, job] : info.jobs) {
      EXPECT_EQ(job.task_definition, "phys-" + job.logical_id) << name;
      EXPECT_FALSE(job.log_group.empty()) << name;
      EXPECT_TRUE(covered.insert(job.logical_id).second) << name << " is also a service's";
    }
    EXPECT_EQ(covered, task_definitions);
    // The built-in ones keep their names.
    EXPECT_NE(info.FindService("api"), nullptr);
    EXPECT_NE(info.FindService("worker"), nullptr);
    EXPECT_NE(info.FindService("supertokens"), nullptr);
    EXPECT_EQ(info.LogGroup("migration"), "phys-MonitoringMigrationLogGroup");
    EXPECT_EQ(info.LogGroup("bootstrap"), "phys-MonitoringBootstrapLogGroup");
  }
}

TEST(StackInfoTest, TheWorkloadsGoldenHasTheNotifier) {
  StackInfo info = InfoOf("workloads", StackWithOutputs());
  const ServiceInfo* notifier = info.FindService("notifier");
  ASSERT_NE(notifier, nullptr);
  EXPECT_EQ(notifier->service_arn,
            "arn:aws:ecs:us-east-1:123:service/rex-backend-dev-cluster/svc-ComputeNotifierService");
  EXPECT_EQ(notifier->log_group, "phys-MonitoringNotifierLogGroup");
  EXPECT_EQ(notifier->target_group_arn, "phys-LoadBalancerNotifierTargetGroup");
  EXPECT_EQ(notifier->task_definition, "phys-ComputeNotifierTaskDefinition");
  EXPECT_EQ(notifier->repository_url, "123.dkr.ecr.us-east-1.amazonaws.com/rex-notifier");
  EXPECT_EQ(info.FindJob("notifier"), nullptr);
  // The config's nightly job (a task definition its schedule runs, no service) is a job.
  const JobInfo* cleanup = info.FindJob("cleanup");
  ASSERT_NE(cleanup, nullptr);
  EXPECT_EQ(cleanup->task_definition, "phys-JobsCleanupTaskDefinition");
  EXPECT_EQ(cleanup->log_group, "phys-JobsCleanupLogGroup");
  EXPECT_THAT(info.DescribeWorkloads(),
              HasSubstr("services api, notifier, supertokens, worker; jobs "));
}

// A hand-written template: what the template does not say stays empty, and odd shapes are no
// crash.
TEST(StackInfoTest, WorkloadsFromAnyTemplate) {
  auto tmpl = base::ParseJson(R"({"Resources": {
    "Svc": {"Type": "AWS::ECS::Service", "Properties": {"TaskDefinition": {"Ref": "SvcTask"}}},
    "SvcTask": {"Type": "AWS::ECS::TaskDefinition", "Properties": {"ContainerDefinitions": [
      {"Name": "sidecar", "Essential": false},
      {"Name": "web", "LogConfiguration": {"LogDriver": "awslogs",
                                           "Options": {"awslogs-group": "/literal/group"}}}]}},
    "Twin": {"Type": "AWS::ECS::Service", "Properties": {"TaskDefinition": {"Ref": "TwinTask"}}},
    "TwinTask": {"Type": "AWS::ECS::TaskDefinition", "Properties": {"ContainerDefinitions": [
      {"Name": "web"}]}},
    "Job": {"Type": "AWS::ECS::TaskDefinition", "Properties": {"ContainerDefinitions": [
      {"Name": "report", "LogConfiguration": {"LogDriver": "splunk"}}]}},
    "Gone": {"Type": "AWS::ECS::TaskDefinition", "Properties": {"ContainerDefinitions": [
      {"Name": "gone"}]}},
    "Odd": {"Type": "AWS::ECS::TaskDefinition", "Properties": {"ContainerDefinitions": 7}},
    "NotDeployed": {"Type": "AWS::ECS::Service", "Properties": {}}
  }})",
                              "test");
  ASSERT_TRUE(tmpl.ok());
  auto resource = [](std::string id, std::string type, std::string status = "CREATE_COMPLETE") {
    aws::StackResourceSummary r;
    r.logical_resource_id = id;
    r.physical_resource_id = "arn:" + id;
    r.resource_type = std::move(type);
    r.resource_status = std::move(status);
    return r;
  };
  Workloads w = FindWorkloads(
      *tmpl,
      {resource("Svc", "AWS::ECS::Service"), resource("SvcTask", "AWS::ECS::TaskDefinition"),
       resource("Twin", "AWS::ECS::Service"), resource("TwinTask", "AWS::ECS::TaskDefinition"),
       resource("Job", "AWS::ECS::TaskDefinition"),
       resource("Gone", "AWS::ECS::TaskDefinition", "DELETE_COMPLETE"),
       resource("Odd", "AWS::ECS::TaskDefinition")},
      {{"webRepositoryUrl", "123.dkr.ecr.us-east-1.amazonaws.com/web"}});
  // No load balancer: the essential container names the service.
  ASSERT_EQ(w.services.count("web"), 1u);
  EXPECT_EQ(w.services["web"].logical_id, "Svc");
  EXPECT_EQ(w.services["web"].log_group, "/literal/group");
  EXPECT_EQ(w.services["web"].task_definition, "arn:SvcTask");
  EXPECT_EQ(w.services["web"].target_group_arn, "");
  EXPECT_EQ(w.services["web"].repository_url, "123.dkr.ecr.us-east-1.amazonaws.com/web");
  // The second "web" is named by its logical id.
  ASSERT_EQ(w.services.count("Twin"), 1u);
  EXPECT_EQ(w.services["Twin"].log_group, "");
  // Jobs: another log driver leaves no log group; deleted ones are gone; no container list is
  // named by the logical id.
  ASSERT_EQ(w.jobs.count("report"), 1u);
  EXPECT_EQ(w.jobs["report"].task_definition, "arn:Job");
  EXPECT_EQ(w.jobs["report"].log_group, "");
  EXPECT_EQ(w.jobs.count("gone"), 0u);
  EXPECT_EQ(w.jobs.count("Odd"), 1u);
  EXPECT_EQ(w.services.size(), 2u);
  EXPECT_EQ(w.jobs.size(), 2u);
  // A template that is no object has nothing.
  EXPECT_TRUE(FindWorkloads(base::Json::array(), {}, {}).services.empty());
}

TEST(StackInfoTest, RepositoryOutputNames) {
  EXPECT_EQ(RepositoryOutputName("api"), "apiRepositoryUrl");
  EXPECT_EQ(RepositoryOutputName("email-sender"), "emailSenderRepositoryUrl");
  EXPECT_EQ(RepositoryOutputName("svc2"), "svc2RepositoryUrl");
}

TEST(StackInfoTest, UnknownWorkloadNamesWhatTheStackHas) {
  StackInfo info = InfoOf("workloads", StackWithOutputs());
  base::Status s =
      UnknownWorkload(info, "service", "notifer", {"api", "notifier"}, "rex x takes a service");
  EXPECT_EQ(s.code(), base::Code::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("unknown service \"notifer\"; did you mean \"notifier\"? "
                                     "stack rex-backend-dev has services api, notifier, "
                                     "supertokens, worker; jobs "));
  EXPECT_THAT(s.message(), HasSubstr("(rex x takes a service)"));
  StackInfo empty;
  empty.stack_name = "s";
  EXPECT_EQ(empty.DescribeWorkloads(), "no services; no jobs");
}

}  // namespace
}  // namespace rex::ops
