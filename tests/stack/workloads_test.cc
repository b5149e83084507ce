// Services as data: a fourth service is config only (examples/workloads.yaml synthesizes its
// resources, golden tests/golden/workloads.template.json, linted with the other goldens), and
// bad entries are refused naming the entry, the key and what is allowed.

#include <gtest/gtest.h>

#include <string>

#include "base/files.h"
#include "config/config.h"
#include "config/presets.h"
#include "stack/rex_stack.h"
#include "support/golden.h"
#include "support/template_matcher.h"

namespace rex::stack {
namespace {

using base::Json;
using rex::testing::PropertiesOf;

std::string Example() {
  auto text = base::ReadFile(std::string(REX_SOURCE_DIR) + "/examples/workloads.yaml");
  EXPECT_TRUE(text.ok()) << text.error().message();
  return text.ok() ? *text : std::string();
}

Json SynthExample() {
  auto config = config::LoadConfig(Example(), "examples/workloads.yaml", config::Env{});
  EXPECT_TRUE(config.ok()) << config.error().message();
  if (!config.ok()) return Json();
  auto result = SynthesizeRexStack(*config);
  EXPECT_TRUE(result.ok()) << result.error().message();
  return result.ok() ? result->json : Json();
}

std::string LoadError(const std::string& yaml) {
  auto config = config::LoadConfig(yaml, "stacks/dev.yaml", config::Env{});
  EXPECT_FALSE(config.ok());
  return config.ok() ? std::string() : config.error().message();
}

TEST(WorkloadsTest, ExampleMatchesGolden) {
  auto config = config::LoadConfig(Example(), "examples/workloads.yaml", config::Env{});
  ASSERT_TRUE(config.ok()) << config.error().message();
  auto result = SynthesizeRexStack(*config);
  ASSERT_TRUE(result.ok()) << result.error().message();
  EXPECT_TRUE(rex::testing::MatchesGolden("workloads.template.json", result->ToJson()));
}

TEST(WorkloadsTest, ExampleIsTheDevPresetPlusTheNotifierJobQueueAndBucketResources) {
  Json t = SynthExample();
  auto dev = SynthesizeRexStack(config::PresetConfig(config::Preset::kDev));
  ASSERT_TRUE(dev.ok()) << dev.error().message();
  const Json& base = dev->json["Resources"];
  std::vector<std::string> added;
  for (const auto& [id, resource] : t["Resources"].items()) {
    if (!base.contains(id)) added.push_back(id);
  }
  EXPECT_EQ(added, (std::vector<std::string>{
                       "BucketsUploads",
                       "BucketsUploadsPolicy",
                       "BucketsUploadsReadPolicy",
                       "BucketsUploadsWritePolicy",
                       "ComputeNotifierService",
                       "ComputeNotifierTaskDefinition",
                       "JobsCleanupExecutionPolicy",
                       "JobsCleanupLogGroup",
                       "JobsCleanupSchedule",
                       "JobsCleanupScheduleRole",
                       "JobsCleanupTaskDefinition",
                       "JobsCleanupTaskRole",
                       "LoadBalancerNotifierRule",
                       "LoadBalancerNotifierTargetGroup",
                       "MonitoringNotifierLogGroup",
                       "QueuesTasks",
                       "QueuesTasksConsumePolicy",
                       "QueuesTasksDeadLetterQueue",
                       "QueuesTasksPolicy",
                       "QueuesTasksSendPolicy",
                       "RegistryNotifier",
                       "SecurityAlbToNotifier",
                       "SecurityNotifierTaskRole",
                       "SecurityServicesFromAlbNotifier",
                   }));
  // Nothing of the dev preset went away.
  for (const auto& [id, resource] : base.items()) EXPECT_TRUE(t["Resources"].contains(id)) << id;
}

TEST(WorkloadsTest, NotifierIsWiredFromItsEntry) {
  Json t = SynthExample();
  Json task = PropertiesOf(t, "ComputeNotifierTaskDefinition");
  EXPECT_EQ(task["Family"], "rex-backend-dev-notifier");
  EXPECT_EQ(task["Cpu"], "256");
  EXPECT_EQ(task["Memory"], "512");
  EXPECT_EQ(task["TaskRoleArn"],
            Json::parse(R"({"Fn::GetAtt":["SecurityNotifierTaskRole","Arn"]})"));
  const Json& container = task["ContainerDefinitions"][0];
  EXPECT_EQ(container["Name"], "notifier");
  EXPECT_EQ(container["PortMappings"][0]["ContainerPort"], 8090);
  EXPECT_EQ(container["Image"]["Fn::Join"][1][0],
            Json::parse(R"({"Fn::GetAtt":["RegistryNotifier","RepositoryUri"]})"));
  EXPECT_EQ(container["LogConfiguration"]["Options"]["awslogs-group"],
            Json::parse(R"({"Ref":"MonitoringNotifierLogGroup"})"));
  // ${port} and ${dbName} become text, ${redisUrl} the cache's URL; secrets stay references.
  Json env = container["Environment"];
  ASSERT_EQ(env.size(), 3u);
  EXPECT_EQ(env[0]["Name"], "DB_NAME");
  EXPECT_EQ(env[0]["Value"], "rex_backend");
  EXPECT_EQ(env[1]["Name"], "PORT");
  EXPECT_EQ(env[1]["Value"], "8090");
  EXPECT_EQ(env[2]["Name"], "REDIS_URL");
  EXPECT_TRUE(env[2]["Value"].is_object()) << env[2].dump();
  ASSERT_EQ(container["Secrets"].size(), 4u);
  EXPECT_EQ(container["Secrets"][0]["Name"], "DB_HOST");

  Json rule = PropertiesOf(t, "LoadBalancerNotifierRule");
  EXPECT_EQ(rule["Priority"], 30);
  EXPECT_EQ(rule["Conditions"][0]["PathPatternConfig"]["Values"][0], "/notify/*");
  Json group = PropertiesOf(t, "LoadBalancerNotifierTargetGroup");
  EXPECT_EQ(group["Name"], "rex-backend-dev-notifier");
  EXPECT_EQ(group["Port"], 8090);
  EXPECT_EQ(group["HealthCheckPath"], "/notify/health");
  Json service = PropertiesOf(t, "ComputeNotifierService");
  EXPECT_EQ(service["LoadBalancers"][0]["ContainerPort"], 8090);
  EXPECT_EQ(service["DesiredCount"], 1);
  EXPECT_FALSE(service.contains("ServiceRegistries"));
  // The execution role pulls its repository and writes its log group.
  std::string role = PropertiesOf(t, "SecurityExecutionRole").dump();
  EXPECT_NE(role.find("RegistryNotifier"), std::string::npos);
  EXPECT_NE(role.find("MonitoringNotifierLogGroup"), std::string::npos);
  EXPECT_EQ(t["Outputs"]["notifierRepositoryUrl"]["Value"],
            Json::parse(R"({"Fn::GetAtt":["RegistryNotifier","RepositoryUri"]})"));
}

TEST(WorkloadsTest, PortClashNamesBothServices) {
  std::string error = LoadError("services:\n  notifier: {port: 8080}\n");
  EXPECT_NE(error.find("stacks/dev.yaml: services.notifier.port: 8080 is not allowed: "
                       "services.api already listens on it; give each service its own port"),
            std::string::npos)
      << error;
}

TEST(WorkloadsTest, TwoServicesOnOnePathAreRefused) {
  std::string error = LoadError("services:\n  notifier: {port: 8090, path: /api/*}\n");
  EXPECT_NE(error.find("stacks/dev.yaml: services.notifier.path: \"/api/*\" is not allowed: "
                       "services.api is already reached on it; give each service its own path"),
            std::string::npos)
      << error;
}

TEST(WorkloadsTest, UnknownKeyListsTheAllowedOnes) {
  std::string error = LoadError("services:\n  notifier: {prot: 8090}\n");
  EXPECT_NE(error.find("stacks/dev.yaml: services.notifier.prot: unknown key; did you mean "
                       "\"port\"?; allowed: image, imageTag, command, port, cpu, memory, "
                       "desiredCount, healthCheck, environment, secrets, path, discovery, "
                       "calledBy, autoscaling, bootstrapDatabase"),
            std::string::npos)
      << error;
}

TEST(WorkloadsTest, BadEntriesAreAllReported) {
  std::string error = LoadError(
      "services:\n"
      "  Notifier: {}\n"
      "  mailer:\n"
      "    port: 70000\n"
      "    path: notify\n"
      "    calledBy: [nobody]\n"
      "    environment: {URL: '${nope}'}\n"
      "    secrets: {TOKEN: github.token}\n");
  for (const char* line : {
           "services.Notifier: \"Notifier\" is not allowed as a service name",
           "services.mailer.port: 70000 is not allowed: use 1 to 65535, or 0 for none",
           "services.mailer.path: \"notify\" is not allowed: use an ALB path pattern",
           "services.mailer.calledBy: \"nobody\" is not allowed: name another service",
           "services.mailer.calledBy: needs discovery: true",
           "services.mailer.environment.URL: the reference ${nope} is not allowed: use ${port}",
           "services.mailer.secrets.TOKEN: \"github.token\" is not allowed: use an app secret: "
           "db.host",
       }) {
    EXPECT_NE(error.find(line), std::string::npos) << line << "\n" << error;
  }
}

TEST(WorkloadsTest, BuiltInEntriesKeepTheirDefaultsWhenChanged) {
  auto config = config::LoadConfig("services:\n  api:\n    environment: {FEATURE_X: 'on'}\n",
                                   "stacks/dev.yaml", config::Env{});
  ASSERT_TRUE(config.ok()) << config.error().message();
  const config::ServiceConfig& api = config->services.at("api");
  EXPECT_EQ(api.environment.at("FEATURE_X"), "on");
  EXPECT_EQ(api.environment.at("REDIS_URL"), "${redisUrl}");  // merged, not replaced
  EXPECT_EQ(api.path, "/api/*");
}

TEST(WorkloadsTest, AddedServicesSurviveConfigToYaml) {
  auto config = config::LoadConfig(Example(), "examples/workloads.yaml", config::Env{});
  ASSERT_TRUE(config.ok()) << config.error().message();
  auto again = config::LoadConfig(config::ConfigToYaml(*config), "written", config::Env{});
  ASSERT_TRUE(again.ok()) << again.error().message() << "\n" << config::ConfigToYaml(*config);
  EXPECT_EQ(again->services, config->services);
}

}  // namespace
}  // namespace rex::stack
