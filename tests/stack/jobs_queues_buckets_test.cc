// Jobs, queues and buckets as config in the Rex stack: the example's cleanup job, tasks queue
// and uploads bucket are wired to the services that name them (task roles, environment,
// DependsOn), and the presets gain nothing.

#include "stack/jobs_queues_buckets.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "base/files.h"
#include "config/config.h"
#include "config/presets.h"
#include "stack/rex_stack.h"
#include "support/template_matcher.h"

namespace rex::stack {
namespace {

using base::Json;
using rex::testing::PropertiesOf;

Json Synth(const std::string& yaml) {
  auto config = config::LoadConfig(yaml, "stacks/dev.yaml", config::Env{});
  EXPECT_TRUE(config.ok()) << config.error().message();
  if (!config.ok()) return Json();
  auto result = SynthesizeRexStack(*config);
  EXPECT_TRUE(result.ok()) << result.error().message();
  return result.ok() ? result->json : Json();
}

Json SynthExample() {
  auto text = base::ReadFile(std::string(REX_SOURCE_DIR) + "/examples/workloads.yaml");
  EXPECT_TRUE(text.ok()) << text.error().message();
  return Synth(text.ok() ? *text : std::string());
}

// The container's environment as name -> value.
std::map<std::string, Json> EnvironmentOf(const Json& tmpl, const std::string& task) {
  std::map<std::string, Json> env;
  const Json properties = PropertiesOf(tmpl, task);  // the loop below reads into it
  for (const Json& pair : properties["ContainerDefinitions"][0]["Environment"]) {
    env[pair["Name"].get<std::string>()] = pair["Value"];
  }
  return env;
}

TEST(JobsQueuesBucketsTest, PresetsGainNothing) {
  for (config::Preset preset : {config::Preset::kDev, config::Preset::kProd}) {
    auto t = SynthesizeRexStack(config::PresetConfig(preset));
    ASSERT_TRUE(t.ok()) << t.error().message();
    for (const auto& [id, resource] : t->json["Resources"].items()) {
      EXPECT_NE(id.rfind("Jobs", 0), 0u) << id;
      EXPECT_NE(id.rfind("Queues", 0), 0u) << id;
      EXPECT_NE(id.rfind("Buckets", 0), 0u) << id;
    }
  }
}

TEST(JobsQueuesBucketsTest, CleanupJobRunsTheApiImageNightly) {
  Json t = SynthExample();
  Json task = PropertiesOf(t, "JobsCleanupTaskDefinition");
  EXPECT_EQ(task["Family"], "rex-backend-dev-cleanup");
  EXPECT_EQ(task["Cpu"], "256");
  const Json& container = task["ContainerDefinitions"][0];
  EXPECT_EQ(container["Name"], "cleanup");
  // The api's image, tag included.
  EXPECT_EQ(container["Image"],
            PropertiesOf(t, "ComputeApiTaskDefinition")["ContainerDefinitions"][0]["Image"]);
  EXPECT_EQ(container["Command"], Json::parse(R"(["./cleanup","--older-than","30d"])"));
  EXPECT_EQ(container["Environment"], Json::parse(R"([{"Name":"DB_NAME","Value":"rex_backend"}])"));
  // App secrets as the services read them: a JSON key of the credentials secret.
  ASSERT_EQ(container["Secrets"].size(), 4u);
  EXPECT_EQ(container["Secrets"][1]["Name"], "DB_PASSWORD");
  EXPECT_EQ(container["Secrets"][1]["ValueFrom"]["Fn::Join"][1][1], ":password::");
  EXPECT_EQ(
      container["Secrets"][1]["ValueFrom"],
      PropertiesOf(
          t, "ComputeApiTaskDefinition")["ContainerDefinitions"][0]["Secrets"][1]["ValueFrom"]);
  EXPECT_EQ(task["ExecutionRoleArn"],
            Json::parse(R"({"Fn::GetAtt":["SecurityExecutionRole","Arn"]})"));

  Json schedule = PropertiesOf(t, "JobsCleanupSchedule");
  EXPECT_EQ(schedule["ScheduleExpression"], "cron(0 3 * * ? *)");
  EXPECT_EQ(schedule["ScheduleExpressionTimezone"], "UTC");
  const Json& ecs = schedule["Target"]["EcsParameters"];
  EXPECT_EQ(schedule["Target"]["Arn"], Json::parse(R"({"Fn::GetAtt":["ComputeCluster","Arn"]})"));
  EXPECT_EQ(ecs["NetworkConfiguration"]["AwsvpcConfiguration"]["SecurityGroups"][0],
            Json::parse(R"({"Fn::GetAtt":["SecurityServicesSecurityGroup","GroupId"]})"));
  EXPECT_EQ(ecs["NetworkConfiguration"]["AwsvpcConfiguration"]["Subnets"].size(), 2u);
  EXPECT_EQ(PropertiesOf(t, "JobsCleanupExecutionPolicy")["Roles"],
            Json::parse(R"([{"Ref":"SecurityExecutionRole"}])"));
  EXPECT_EQ(PropertiesOf(t, "JobsCleanupLogGroup")["LogGroupName"], "/ecs/rex-backend-dev-cleanup");
}

TEST(JobsQueuesBucketsTest, QueueIsGrantedToItsProducerAndConsumer) {
  Json t = SynthExample();
  Json send = PropertiesOf(t, "QueuesTasksSendPolicy");
  EXPECT_EQ(send["Roles"], Json::parse(R"([{"Ref":"SecurityApiTaskRole"}])"));
  Json consume = PropertiesOf(t, "QueuesTasksConsumePolicy");
  EXPECT_EQ(consume["Roles"], Json::parse(R"([{"Ref":"SecurityWorkerTaskRole"}])"));
  const Json url = Json::parse(R"({"Ref":"QueuesTasks"})");
  EXPECT_EQ(EnvironmentOf(t, "ComputeApiTaskDefinition")["TASKS_QUEUE_URL"], url);
  EXPECT_EQ(EnvironmentOf(t, "ComputeWorkerTaskDefinition")["TASKS_QUEUE_URL"], url);
  EXPECT_EQ(EnvironmentOf(t, "ComputeNotifierTaskDefinition").count("TASKS_QUEUE_URL"), 0u);
  EXPECT_EQ(EnvironmentOf(t, "ComputeSupertokensTaskDefinition").count("TASKS_QUEUE_URL"), 0u);
  // The services wait for their grant.
  const Json& api_depends = t["Resources"]["ComputeApiService"]["DependsOn"];
  EXPECT_NE(std::find(api_depends.begin(), api_depends.end(), "QueuesTasksSendPolicy"),
            api_depends.end())
      << api_depends.dump();
  const Json& worker_depends = t["Resources"]["ComputeWorkerService"]["DependsOn"];
  EXPECT_NE(std::find(worker_depends.begin(), worker_depends.end(), "QueuesTasksConsumePolicy"),
            worker_depends.end())
      << worker_depends.dump();
  EXPECT_EQ(t["Outputs"]["tasksQueueUrl"]["Value"], url);
}

TEST(JobsQueuesBucketsTest, BucketIsGrantedToItsWriterAndReader) {
  Json t = SynthExample();
  EXPECT_EQ(PropertiesOf(t, "BucketsUploadsWritePolicy")["Roles"],
            Json::parse(R"([{"Ref":"SecurityApiTaskRole"}])"));
  EXPECT_EQ(PropertiesOf(t, "BucketsUploadsReadPolicy")["Roles"],
            Json::parse(R"([{"Ref":"SecurityWorkerTaskRole"}])"));
  const Json name = Json::parse(R"({"Ref":"BucketsUploads"})");
  EXPECT_EQ(EnvironmentOf(t, "ComputeApiTaskDefinition")["UPLOADS_BUCKET"], name);
  EXPECT_EQ(EnvironmentOf(t, "ComputeWorkerTaskDefinition")["UPLOADS_BUCKET"], name);
  EXPECT_EQ(
      PropertiesOf(t, "BucketsUploads")["LifecycleConfiguration"]["Rules"][0]["ExpirationInDays"],
      90);
  EXPECT_EQ(t["Outputs"]["uploadsBucketName"]["Value"], name);
}

TEST(JobsQueuesBucketsTest, AddedVariablesKeepTheEnvironmentSorted) {
  Json t = SynthExample();
  std::vector<std::string> names;
  const Json api = PropertiesOf(t, "ComputeApiTaskDefinition");
  for (const Json& pair : api["ContainerDefinitions"][0]["Environment"]) {
    names.push_back(pair["Name"].get<std::string>());
  }
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_NE(std::find(names.begin(), names.end(), "TASKS_QUEUE_URL"), names.end());
}

TEST(JobsQueuesBucketsTest, OneOffJobWithAnExternalImageHasNoSchedule) {
  Json t = Synth(
      "jobs:\n"
      "  report:\n"
      "    image: public.ecr.aws/docker/library/alpine:3.20\n"
      "    command: [sh, -c, 'echo ${namespace} $REDIS']\n"
      "    environment: {REDIS: '${redisUrl}/0'}\n");
  Json task = PropertiesOf(t, "JobsReportTaskDefinition");
  const Json& container = task["ContainerDefinitions"][0];
  EXPECT_EQ(container["Image"], "public.ecr.aws/docker/library/alpine:3.20");
  // ${...} in a command is the container's own text; in the environment it is resolved.
  EXPECT_EQ(container["Command"][2], "echo ${namespace} $REDIS");
  EXPECT_TRUE(container["Environment"][0]["Value"].contains("Fn::Join"))
      << container["Environment"].dump();
  EXPECT_FALSE(t["Resources"].contains("JobsReportSchedule"));
  EXPECT_FALSE(t["Resources"].contains("JobsReportScheduleRole"));
}

}  // namespace
}  // namespace rex::stack
