#include "stack/compute.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "base/files.h"
#include "cfn/elasticloadbalancingv2.gen.h"
#include "core/stack.h"
#include "stack/app_secrets.h"
#include "stack/cache.h"
#include "stack/database.h"
#include "stack/load_balancer.h"
#include "stack/monitoring.h"
#include "stack/networking.h"
#include "stack/registry.h"
#include "stack/security.h"
#include "support/template_matcher.h"

namespace rex::stack {
namespace {

using base::Json;
using rex::testing::FindResources;
using rex::testing::HasResourceProperties;
using rex::testing::PropertiesOf;
using rex::testing::ResourceCountIs;
using rex::testing::ResourcesOfType;

constexpr const char* kDbSecret = "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCd";
constexpr const char* kUriSecret = "arn:aws:secretsmanager:us-east-1:111122223333:secret:uri-AbCd";
constexpr const char* kKeySecret = "arn:aws:secretsmanager:us-east-1:111122223333:secret:key-AbCd";
constexpr const char* kApiRepo = "111122223333.dkr.ecr.us-east-1.amazonaws.com/rex-backend-dev-api";
constexpr const char* kListener =
    "arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/alb/0123456789abcdef/"
    "0123456789abcdef";

// A resource the services are told to wait for (standing in for the database writer).
const core::CfnResource& AddRule(core::Stack& stack, const std::string& id, int priority) {
  namespace elbv2 = cfn::elasticloadbalancingv2;
  return stack.Add<elbv2::CfnListenerRule>(
      id, elbv2::CfnListenerRuleProps{
              .actions = core::List<elbv2::CfnListenerRule::Action>{{
                  .target_group_arn = "arn:aws:elasticloadbalancing:us-east-1:111122223333:"
                                      "targetgroup/api/0123456789abcdef",
                  .type = "forward",
              }},
              .conditions = core::List<elbv2::CfnListenerRule::RuleCondition>{{
                  .field = "path-pattern",
                  .path_pattern_config =
                      elbv2::CfnListenerRule::PathPatternConfig{.values =
                                                                    core::List<core::Str>{"/x/*"}},
              }},
              .listener_arn = "arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/"
                              "alb/0123456789abcdef/0123456789abcdef",
              .priority = priority,
          });
}

ComputeProps Props(const config::Config& config) {
  return ComputeProps{
      .config = &config,
      .vpc_id = core::Str("vpc-0123"),
      .private_subnet_ids = core::List<core::Str>{"subnet-private-1", "subnet-private-2"},
      .services_security_group_id = core::Str("sg-services"),
      .execution_role_arn = core::Str("arn:aws:iam::111122223333:role/execution"),
      .migration_task_role_arn = core::Str("arn:aws:iam::111122223333:role/migration"),
      .repository_uris =
          {
              {"api", core::Str(kApiRepo)},
              {"worker",
               core::Str("111122223333.dkr.ecr.us-east-1.amazonaws.com/rex-backend-dev-worker")},
          },
      .db_credentials_secret_arn = core::Str(kDbSecret),
      .supertokens_connection_uri_secret_arn = core::Str(kUriSecret),
      .supertokens_api_key_secret_arn = core::Str(kKeySecret),
      .redis_url = core::Str("redis://redis.internal:6379"),
      .listener_arn = core::Str(kListener),
      .load_balancer_security_group_id = core::Str("sg-alb"),
      .load_balancer_full_name = core::Str("app/rex-backend-dev-alb/0123456789abcdef"),
      .migration_log_group_name = core::Str("/ecs/rex-backend-dev-migration"),
      .bootstrap_log_group_name = core::Str("/ecs/rex-backend-dev-bootstrap"),
  };
}

base::Result<core::Template> SynthCompute(const config::Config& config) {
  core::App app;
  auto& stack = app.Add<core::Stack>("Rex");
  stack.Add<Compute>("Compute", Props(config));
  return stack.Synthesize();
}

Json Synth(const config::Config& config = {}) {
  auto result = SynthCompute(config);
  EXPECT_TRUE(result.has_value()) << result.error().message();
  return result.has_value() ? result->json : Json();
}

Json Container(const Json& t, const std::string& task_id) {
  return PropertiesOf(t, task_id)["ContainerDefinitions"][0];
}

// Literal tokens make Fn::Join fold into a plain string.
Json JsonKeyOf(const char* arn, const std::string& key) {
  return std::string(arn) + ":" + key + "::";
}

TEST(ComputeTest, ClusterWithContainerInsights) {
  Json t = Synth();
  EXPECT_TRUE(HasResourceProperties(t, "AWS::ECS::Cluster", Json::parse(R"({
      "ClusterName": "rex-backend-dev-cluster",
      "ClusterSettings": [{"Name": "containerInsights", "Value": "enabled"}]})")));
}

TEST(ComputeTest, ApiServiceRunsTwoPrivateTasksWithRollback) {
  Json t = Synth();
  EXPECT_TRUE(ResourceCountIs(t, "AWS::ECS::Service", 3));
  EXPECT_TRUE(HasResourceProperties(t, "AWS::ECS::Service", Json::parse(R"({
      "ServiceName": "rex-backend-dev-api", "DesiredCount": 2, "LaunchType": "FARGATE",
      "Cluster": {"Ref": "ComputeCluster"},
      "TaskDefinition": {"Ref": "ComputeApiTaskDefinition"},
      "NetworkConfiguration": {"AwsvpcConfiguration": {
        "AssignPublicIp": "DISABLED", "SecurityGroups": ["sg-services"],
        "Subnets": ["subnet-private-1", "subnet-private-2"]}},
      "DeploymentConfiguration": {
        "DeploymentCircuitBreaker": {"Enable": true, "Rollback": true},
        "MinimumHealthyPercent": 100, "MaximumPercent": 200},
      "LoadBalancers": [{"ContainerName": "api", "ContainerPort": 8080,
                         "TargetGroupArn": {"Ref": "ComputeApiTargetGroup"}}],
      "ServiceRegistries": [{"RegistryArn": {"Fn::GetAtt": ["ComputeApiDiscovery", "Arn"]}}],
      "HealthCheckGracePeriodSeconds": 60,
      "EnableECSManagedTags": true, "PropagateTags": "SERVICE"})")));
  // The target group needs its listener rule before ECS registers targets in it; services
  // behind the load balancer wait for every rule.
  EXPECT_EQ(t["Resources"]["ComputeApiService"]["DependsOn"],
            Json::parse(R"(["ComputeApiRule", "ComputeSupertokensRule"])"));
}

TEST(ComputeTest, EveryServicePrivateWithCircuitBreaker) {
  Json t = Synth();
  for (const auto& id : ResourcesOfType(t, "AWS::ECS::Service")) {
    Json props = PropertiesOf(t, id);
    EXPECT_EQ(props["NetworkConfiguration"]["AwsvpcConfiguration"]["AssignPublicIp"], "DISABLED")
        << id;
    EXPECT_EQ(props["DeploymentConfiguration"]["DeploymentCircuitBreaker"],
              Json::parse(R"({"Enable": true, "Rollback": true})"))
        << id;
  }
}

TEST(ComputeTest, ApiTaskDefinition) {
  Json t = Synth();
  EXPECT_TRUE(HasResourceProperties(t, "AWS::ECS::TaskDefinition", Json::parse(R"({
      "Family": "rex-backend-dev-api", "Cpu": "512", "Memory": "1024",
      "NetworkMode": "awsvpc", "RequiresCompatibilities": ["FARGATE"],
      "RuntimePlatform": {"CpuArchitecture": "X86_64", "OperatingSystemFamily": "LINUX"},
      "ExecutionRoleArn": "arn:aws:iam::111122223333:role/execution",
      "TaskRoleArn": {"Fn::GetAtt": ["ComputeApiTaskRole", "Arn"]}})")));
  Json api = Container(t, "ComputeApiTaskDefinition");
  EXPECT_EQ(api["Image"], std::string(kApiRepo) + ":latest");
  EXPECT_EQ(api["PortMappings"],
            Json::parse(R"([{"ContainerPort": 8080, "Name": "api", "Protocol": "tcp"}])"));
  EXPECT_EQ(api["Environment"], Json::parse(R"([
      {"Name": "DB_NAME", "Value": "rex_backend"},
      {"Name": "PORT", "Value": "8080"},
      {"Name": "REDIS_URL", "Value": "redis://redis.internal:6379"},
      {"Name": "SUPERTOKENS_CONNECTION_URI",
       "Value": "http://supertokens.rex-backend-dev.local:3567/auth"}])"));
  EXPECT_EQ(api["LogConfiguration"], Json::parse(R"({"LogDriver": "awslogs", "Options": {
      "awslogs-group": {"Ref": "ComputeApiLogGroup"}, "awslogs-region": {"Ref": "AWS::Region"},
      "awslogs-stream-prefix": "api"}})"));
}

TEST(ComputeTest, SizesAndTagsFromConfig) {
  config::Config config;
  config.services.at("api").cpu = 1024;
  config.services.at("api").memory = 2048;
  config.services.at("api").image_tag = "v1.2.3";
  config.services.at("worker").desired_count = 3;
  Json t = Synth(config);
  Json api = PropertiesOf(t, "ComputeApiTaskDefinition");
  EXPECT_EQ(api["Cpu"], "1024");
  EXPECT_EQ(api["Memory"], "2048");
  EXPECT_EQ(api["ContainerDefinitions"][0]["Image"], std::string(kApiRepo) + ":v1.2.3");
  EXPECT_EQ(PropertiesOf(t, "ComputeWorkerService")["DesiredCount"], 3);
}

TEST(ComputeTest, SecretsAreInjectedAsSecretsNeverAsEnvironment) {
  Json t = Synth();
  Json api = Container(t, "ComputeApiTaskDefinition");
  EXPECT_EQ(api["Secrets"],
            (Json::array({
                Json{{"Name", "DB_HOST"}, {"ValueFrom", JsonKeyOf(kDbSecret, "host")}},
                Json{{"Name", "DB_PASSWORD"}, {"ValueFrom", JsonKeyOf(kDbSecret, "password")}},
                Json{{"Name", "DB_PORT"}, {"ValueFrom", JsonKeyOf(kDbSecret, "port")}},
                Json{{"Name", "DB_USER"}, {"ValueFrom", JsonKeyOf(kDbSecret, "username")}},
                Json{{"Name", "SUPERTOKENS_API_KEY"}, {"ValueFrom", kKeySecret}},
            })));
  const std::set<std::string> secret_names = {"DB_HOST",
                                              "DB_PASSWORD",
                                              "DB_PORT",
                                              "DB_USER",
                                              "SUPERTOKENS_API_KEY",
                                              "API_KEYS",
                                              "POSTGRESQL_CONNECTION_URI",
                                              "PGHOST",
                                              "PGPASSWORD",
                                              "PGPORT",
                                              "PGUSER",
                                              "PGDATABASE"};
  size_t containers = 0;
  for (const auto& id : ResourcesOfType(t, "AWS::ECS::TaskDefinition")) {
    const Json props = PropertiesOf(t, id);
    for (const Json& container : props["ContainerDefinitions"]) {
      ++containers;
      for (const Json& env : container.value("Environment", Json::array())) {
        EXPECT_EQ(secret_names.count(env["Name"].get<std::string>()), 0u) << id << " " << env;
        EXPECT_EQ(env["Value"].dump().find("secretsmanager"), std::string::npos) << id;
      }
      ASSERT_TRUE(container.contains("Secrets")) << id;
      for (const Json& secret : container["Secrets"]) {
        EXPECT_EQ(secret_names.count(secret["Name"].get<std::string>()), 1u) << id << " " << secret;
        EXPECT_EQ(secret["ValueFrom"].get<std::string>().rfind("arn:aws:secretsmanager:", 0), 0u)
            << id << " " << secret;
      }
    }
  }
  EXPECT_EQ(containers, 6u);
}

TEST(ComputeTest, WorkerHasNoPortAndNoLoadBalancer) {
  Json t = Synth();
  Json worker = PropertiesOf(t, "ComputeWorkerService");
  EXPECT_EQ(worker["DesiredCount"], 1);
  EXPECT_FALSE(worker.contains("LoadBalancers"));
  EXPECT_FALSE(worker.contains("ServiceRegistries"));
  EXPECT_FALSE(t["Resources"]["ComputeWorkerService"].contains("DependsOn"));
  Json container = Container(t, "ComputeWorkerTaskDefinition");
  EXPECT_FALSE(container.contains("PortMappings"));
  EXPECT_EQ(container["Image"],
            "111122223333.dkr.ecr.us-east-1.amazonaws.com/rex-backend-dev-worker:latest");
  EXPECT_EQ(PropertiesOf(t, "ComputeWorkerTaskDefinition")["TaskRoleArn"],
            Json::parse(R"({"Fn::GetAtt": ["ComputeWorkerTaskRole", "Arn"]})"));
}

TEST(ComputeTest, SupertokensUnderAuthBasePath) {
  Json t = Synth();
  Json container = Container(t, "ComputeSupertokensTaskDefinition");
  EXPECT_EQ(container["Image"],
            "registry.supertokens.io/supertokens/supertokens-postgresql:latest");
  EXPECT_EQ(container["Environment"], Json::parse(R"([{"Name": "BASE_PATH", "Value": "/auth"}])"));
  EXPECT_EQ(
      container["Secrets"],
      (Json::array({Json{{"Name", "API_KEYS"}, {"ValueFrom", kKeySecret}},
                    Json{{"Name", "POSTGRESQL_CONNECTION_URI"}, {"ValueFrom", kUriSecret}}})));
  EXPECT_EQ(container["PortMappings"][0]["ContainerPort"], 3567);
  std::string check = container["HealthCheck"]["Command"][1];
  EXPECT_EQ(container["HealthCheck"]["Command"][0], "CMD-SHELL");
  EXPECT_NE(check.find("/dev/tcp/127.0.0.1/3567"), std::string::npos);
  EXPECT_NE(check.find("GET /auth/hello"), std::string::npos);
  EXPECT_TRUE(HasResourceProperties(t, "AWS::ECS::Service", Json::parse(R"({
      "ServiceName": "rex-backend-dev-supertokens", "DesiredCount": 1,
      "LoadBalancers": [{"ContainerName": "supertokens", "ContainerPort": 3567,
                         "TargetGroupArn": {"Ref": "ComputeSupertokensTargetGroup"}}],
      "ServiceRegistries": [{"RegistryArn":
                             {"Fn::GetAtt": ["ComputeSupertokensDiscovery", "Arn"]}}],
      "HealthCheckGracePeriodSeconds": 120})")));
}

TEST(ComputeTest, SupertokensCreatesItsDatabaseBeforeStarting) {
  Json t = Synth();
  Json containers = PropertiesOf(t, "ComputeSupertokensTaskDefinition")["ContainerDefinitions"];
  ASSERT_EQ(containers.size(), 2u);
  EXPECT_EQ(containers[0]["DependsOn"],
            Json::parse(R"([{"Condition": "SUCCESS", "ContainerName": "create-database"}])"));
  Json init = containers[1];
  EXPECT_EQ(init["Name"], "create-database");
  EXPECT_EQ(init["Essential"], false);
  Json bootstrap = Container(t, "ComputeBootstrapTaskDefinition");
  EXPECT_EQ(init["Command"], bootstrap["Command"]);
  EXPECT_EQ(init["Secrets"], bootstrap["Secrets"]);
  EXPECT_EQ(init["LogConfiguration"]["Options"]["awslogs-group"],
            Json::parse(R"({"Ref": "ComputeSupertokensLogGroup"})"));
}

TEST(ComputeTest, ServicesWaitForTheGivenResources) {
  config::Config config;
  core::App app;
  auto& stack = app.Add<core::Stack>("Rex");
  ComputeProps props = Props(config);
  props.depends_on = {&AddRule(stack, "Writer", 30)};
  stack.Add<Compute>("Compute", std::move(props));
  auto result = stack.Synthesize();
  ASSERT_TRUE(result.has_value()) << result.error().message();
  const Json& resources = result->json["Resources"];
  Json behind_alb = Json::parse(R"(["ComputeApiRule", "ComputeSupertokensRule", "Writer"])");
  EXPECT_EQ(resources["ComputeApiService"]["DependsOn"], behind_alb);
  EXPECT_EQ(resources["ComputeWorkerService"]["DependsOn"], Json::parse(R"(["Writer"])"));
  EXPECT_EQ(resources["ComputeSupertokensService"]["DependsOn"], behind_alb);
}

TEST(ComputeTest, CloudMapNamespaceAndServices) {
  Json t = Synth();
  EXPECT_TRUE(HasResourceProperties(t, "AWS::ServiceDiscovery::PrivateDnsNamespace",
                                    Json::parse(R"({"Name": "rex-backend-dev.local",
                                                    "Vpc": "vpc-0123"})")));
  for (const char* name : {"api", "supertokens"}) {
    EXPECT_TRUE(HasResourceProperties(
        t, "AWS::ServiceDiscovery::Service",
        Json{{"Name", name},
             {"NamespaceId", Json::parse(R"({"Fn::GetAtt": ["ComputeNamespace", "Id"]})")},
             {"DnsConfig", Json::parse(R"({"DnsRecords": [{"TTL": 10, "Type": "A"}],
                                           "RoutingPolicy": "MULTIVALUE"})")},
             {"HealthCheckCustomConfig", Json::parse(R"({"FailureThreshold": 1})")}}))
        << name;
  }
}

TEST(ComputeTest, MigrationTaskDefinitionButNoService) {
  config::Config config;
  config.migration_command = {"./migrate", "up", "--verbose"};
  Json t = Synth(config);
  Json container = Container(t, "ComputeMigrationTaskDefinition");
  EXPECT_EQ(container["Command"], Json::parse(R"(["./migrate", "up", "--verbose"])"));
  EXPECT_EQ(container["Image"], std::string(kApiRepo) + ":latest");
  EXPECT_EQ(container["Secrets"], Container(t, "ComputeApiTaskDefinition")["Secrets"]);
  EXPECT_EQ(container["LogConfiguration"]["Options"]["awslogs-group"],
            "/ecs/rex-backend-dev-migration");
  EXPECT_EQ(PropertiesOf(t, "ComputeMigrationTaskDefinition")["TaskRoleArn"],
            "arn:aws:iam::111122223333:role/migration");
  EXPECT_TRUE(
      FindResources(t, "AWS::ECS::Service",
                    Json{{"TaskDefinition", Json{{"Ref", "ComputeMigrationTaskDefinition"}}}})
          .empty());
}

TEST(ComputeTest, BootstrapTaskCreatesSupertokensDatabase) {
  Json t = Synth();
  Json props = PropertiesOf(t, "ComputeBootstrapTaskDefinition");
  EXPECT_FALSE(props.contains("TaskRoleArn"));
  EXPECT_EQ(props["Cpu"], "256");
  EXPECT_EQ(props["Memory"], "512");
  Json container = props["ContainerDefinitions"][0];
  EXPECT_EQ(container["Image"], "public.ecr.aws/docker/library/postgres:15-alpine");
  EXPECT_EQ(container["Command"], Json::array({"sh", "-c", BootstrapScript()}));
  EXPECT_EQ(container["Secrets"],
            (Json::array({
                Json{{"Name", "PGDATABASE"}, {"ValueFrom", JsonKeyOf(kDbSecret, "dbname")}},
                Json{{"Name", "PGHOST"}, {"ValueFrom", JsonKeyOf(kDbSecret, "host")}},
                Json{{"Name", "PGPASSWORD"}, {"ValueFrom", JsonKeyOf(kDbSecret, "password")}},
                Json{{"Name", "PGPORT"}, {"ValueFrom", JsonKeyOf(kDbSecret, "port")}},
                Json{{"Name", "PGUSER"}, {"ValueFrom", JsonKeyOf(kDbSecret, "username")}},
            })));
  EXPECT_NE(BootstrapScript().find("SELECT 1 FROM pg_database WHERE datname='supertokens'"),
            std::string::npos);
}

// Runs BootstrapScript() with a fake psql that answers as told, like ECS would run it.
class BootstrapScriptTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("rex-bootstrap-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "script.sh") << BootstrapScript();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // `select` is what the SELECT prints; `create_exit` and `create_output` the CREATE's result.
  // Returns the script's exit code; the CREATE calls are counted in `creates`.
  int Run(const std::string& select, int create_exit, const std::string& create_output) {
    std::ofstream psql(dir_ / "psql");
    psql << "#!/bin/sh\n"
         << "case \"$*\" in\n"
         << "  *SELECT*) printf '%s' '" << select << "' ;;\n"
         << "  *CREATE*) echo x >> '" << (dir_ / "creates").string() << "'; echo '" << create_output
         << "'; exit " << create_exit << " ;;\n"
         << "esac\n";
    psql.close();
    std::filesystem::permissions(dir_ / "psql", std::filesystem::perms::owner_all);
    std::string command = "PATH='" + dir_.string() + "':$PATH sh '" +
                          (dir_ / "script.sh").string() + "' >/dev/null 2>&1";
    int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  int Creates() {
    std::ifstream in(dir_ / "creates");
    std::string line;
    int n = 0;
    while (std::getline(in, line)) ++n;
    return n;
  }

  std::filesystem::path dir_;
};

TEST_F(BootstrapScriptTest, ExistingDatabaseIsLeftAlone) {
  EXPECT_EQ(Run("1", 0, ""), 0);
  EXPECT_EQ(Creates(), 0);
}

TEST_F(BootstrapScriptTest, MissingDatabaseIsCreated) {
  EXPECT_EQ(Run("", 0, "CREATE DATABASE"), 0);
  EXPECT_EQ(Creates(), 1);
}

TEST_F(BootstrapScriptTest, ConcurrentCreateCountsAsSuccess) {
  EXPECT_EQ(Run("", 1, "ERROR:  database \"supertokens\" already exists"), 0);
}

TEST_F(BootstrapScriptTest, UnreachableDatabaseFails) {
  EXPECT_EQ(Run("", 2, "psql: error: connection to server failed"), 1);
}

TEST(ComputeTest, AutoScalingOwnsTheApiCount) {
  EXPECT_TRUE(ResourceCountIs(Synth(), "AWS::ApplicationAutoScaling::ScalableTarget", 0));
  config::Config config;
  config.autoscaling = {.enabled = true, .min_count = 3, .max_count = 12, .target_cpu_percent = 60};
  Json t = Synth(config);
  EXPECT_FALSE(PropertiesOf(t, "ComputeApiService").contains("DesiredCount"));
  EXPECT_TRUE(
      HasResourceProperties(t, "AWS::ApplicationAutoScaling::ScalableTarget", Json::parse(R"({
      "MinCapacity": 3, "MaxCapacity": 12, "ScalableDimension": "ecs:service:DesiredCount",
      "ServiceNamespace": "ecs",
      "ResourceId": {"Fn::Join": ["/", ["service", {"Ref": "ComputeCluster"},
                                        {"Fn::GetAtt": ["ComputeApiService", "Name"]}]]}})")));
  EXPECT_FALSE(PropertiesOf(t, "ComputeApiScalableTarget").contains("RoleARN"));
  EXPECT_TRUE(
      HasResourceProperties(t, "AWS::ApplicationAutoScaling::ScalingPolicy", Json::parse(R"({
      "PolicyType": "TargetTrackingScaling",
      "ScalingTargetId": {"Ref": "ComputeApiScalableTarget"},
      "TargetTrackingScalingPolicyConfiguration": {
        "PredefinedMetricSpecification": {
          "PredefinedMetricType": "ECSServiceAverageCPUUtilization"},
        "TargetValue": 60}})")));
}

// Alone (no scopes given), every service's own resources sit under Compute.
TEST(ComputeTest, EachServiceOwnsItsLogGroupTaskRoleTargetGroupAndRules) {
  Json t = Synth();
  EXPECT_TRUE(ResourceCountIs(t, "AWS::Logs::LogGroup", 3));
  EXPECT_TRUE(
      HasResourceProperties(t, "AWS::Logs::LogGroup",
                            Json{{"LogGroupName", "/ecs/rex-backend-dev-worker"},
                                 {"RetentionInDays", config::Config{}.log_retention_days}}));
  EXPECT_TRUE(ResourceCountIs(t, "AWS::IAM::Role", 3));
  EXPECT_TRUE(HasResourceProperties(t, "AWS::ElasticLoadBalancingV2::TargetGroup", Json::parse(R"({
      "Name": "rex-backend-dev-api", "Port": 8080, "Protocol": "HTTP", "TargetType": "ip",
      "VpcId": "vpc-0123", "HealthCheckPath": "/api/health"})")));
  EXPECT_TRUE(HasResourceProperties(
      t, "AWS::ElasticLoadBalancingV2::ListenerRule",
      Json::parse(std::string(R"({"Priority": 20, "ListenerArn": ")") + kListener + R"(",
          "Conditions": [{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/auth/*"]}}],
          "Actions": [{"Type": "forward",
                       "TargetGroupArn": {"Ref": "ComputeSupertokensTargetGroup"}}]})")));
  // ALB -> api and supertokens; supertokens from the services (api calls it through Cloud Map).
  EXPECT_TRUE(ResourceCountIs(t, "AWS::EC2::SecurityGroupEgress", 3));
  EXPECT_TRUE(ResourceCountIs(t, "AWS::EC2::SecurityGroupIngress", 3));
  EXPECT_TRUE(HasResourceProperties(t, "AWS::EC2::SecurityGroupIngress", Json::parse(R"json({
      "GroupId": "sg-services", "SourceSecurityGroupId": "sg-services", "FromPort": 3567,
      "ToPort": 3567, "Description": "supertokens from the api (Cloud Map)"})json")));
  EXPECT_TRUE(HasResourceProperties(t, "AWS::EC2::SecurityGroupEgress", Json::parse(R"({
      "GroupId": "sg-alb", "DestinationSecurityGroupId": "sg-services", "FromPort": 8080,
      "Description": "to api tasks"})")));
  // No topic, no alarms.
  EXPECT_TRUE(ResourceCountIs(t, "AWS::CloudWatch::Alarm", 0));
}

TEST(ComputeTest, WithATopicEveryServiceHasItsAlarms) {
  config::Config config;
  core::App app;
  auto& stack = app.Add<core::Stack>("Rex");
  ComputeProps props = Props(config);
  props.alarm_topic_arn = core::Str("arn:aws:sns:us-east-1:111122223333:alarms");
  stack.Add<Compute>("Compute", std::move(props));
  auto result = stack.Synthesize();
  ASSERT_TRUE(result.has_value()) << result.error().message();
  const Json& t = result->json;
  // 3 x (CPU, memory) + unhealthy targets of api and supertokens.
  EXPECT_TRUE(ResourceCountIs(t, "AWS::CloudWatch::Alarm", 8));
  EXPECT_TRUE(HasResourceProperties(t, "AWS::CloudWatch::Alarm", Json::parse(R"({
      "AlarmName": "rex-backend-dev-worker-memory-high", "Namespace": "AWS/ECS",
      "MetricName": "MemoryUtilization", "Threshold": 80,
      "AlarmActions": ["arn:aws:sns:us-east-1:111122223333:alarms"],
      "Dimensions": [{"Name": "ClusterName", "Value": {"Ref": "ComputeCluster"}},
                     {"Name": "ServiceName",
                      "Value": {"Fn::GetAtt": ["ComputeWorkerService", "Name"]}}]})")));
  EXPECT_TRUE(HasResourceProperties(t, "AWS::CloudWatch::Alarm", Json::parse(R"({
      "AlarmName": "rex-backend-dev-api-unhealthy-targets", "MetricName": "UnHealthyHostCount",
      "Dimensions": [{"Name": "TargetGroup",
                      "Value": {"Fn::GetAtt": ["ComputeApiTargetGroup", "TargetGroupFullName"]}},
                     {"Name": "LoadBalancer",
                      "Value": "app/rex-backend-dev-alb/0123456789abcdef"}]})")));
}

TEST(ComputeTest, MissingTokensAreErrors) {
  config::Config config;
  core::App app;
  auto& stack = app.Add<core::Stack>("Rex");
  stack.Add<Compute>("Compute", ComputeProps{.config = &config});
  auto result = stack.Synthesize();
  ASSERT_FALSE(result.has_value());
  const std::string& message = result.error().message();
  EXPECT_NE(message.find("error: Rex/Compute: private_subnet_ids is empty; pass "
                         "Networking::private_subnet_ids()"),
            std::string::npos);
  EXPECT_NE(message.find("error: Rex/Compute: listener_arn is required"), std::string::npos);
  EXPECT_NE(message.find("error: Rex/Compute: db_credentials_secret_arn is required"),
            std::string::npos);
  EXPECT_NE(message.find("error: Rex/Compute: bootstrap_log_group_name is required"),
            std::string::npos);
}

// The application tier wired to the real network and data tier the way RexStack wires it:
// every cross-component token resolves, nothing forms a cycle, and the template validates
// against the schema. With REX_APP_TIER_TEMPLATE=<path> the template is written there (for
// cfn-lint).
base::Result<core::Template> SynthApplicationTier(const config::Config& config) {
  core::App app;
  auto& stack = app.Add<core::Stack>("Rex");
  const std::string prefix = config.project_name + "-" + config.environment;
  auto& network = stack.Add<Networking>("Network", NetworkingProps{.name_prefix = prefix});
  auto& security =
      stack.Add<Security>("Security", SecurityProps{.config = &config, .vpc_id = network.vpc_id()});
  auto& database = stack.Add<Database>(
      "Database", DatabaseProps{.config = &config,
                                .private_subnet_ids = network.private_subnet_ids(),
                                .security_group_id = security.database_security_group_id()});
  auto& cache = stack.Add<Cache>(
      "Cache", CacheProps{.config = &config,
                          .private_subnet_ids = network.private_subnet_ids(),
                          .security_group_id = security.cache_security_group_id()});
  auto& registry = stack.Add<Registry>("Registry", RegistryProps{.config = &config});
  auto& secrets = stack.Add<AppSecrets>("Secrets", AppSecretsProps{.config = &config});
  auto& monitoring = stack.Add<Monitoring>("Monitoring", MonitoringProps{.config = &config});
  security.AddTaskRoles(TaskRolesProps{
      .repository_arns = registry.repository_arns(),
      .secret_arns = {database.credentials_secret_arn(), database.supertokens_uri_secret_arn(),
                      secrets.supertokens_api_key_secret_arn()},
      .log_group_arns = monitoring.log_group_arns(),
  });
  auto& lb = stack.Add<LoadBalancer>(
      "LoadBalancer", LoadBalancerProps{.config = &config,
                                        .vpc_id = network.vpc_id(),
                                        .public_subnet_ids = network.public_subnet_ids(),
                                        .security_group_id = security.alb_security_group_id()});
  std::map<std::string, core::Str> repository_uris;
  for (const auto& [name, service] : config.services.entries) {
    if (registry.repository(name) != nullptr) {
      repository_uris.emplace(name, registry.repository_uri(name));
    }
  }
  auto& compute = stack.Add<Compute>(
      "Compute", ComputeProps{
                     .config = &config,
                     .vpc_id = network.vpc_id(),
                     .private_subnet_ids = network.private_subnet_ids(),
                     .services_security_group_id = security.services_security_group_id(),
                     .execution_role_arn = security.execution_role_arn(),
                     .migration_task_role_arn = security.migration_task_role_arn(),
                     .log_group_scope = &monitoring,
                     .security_scope = &security,
                     .load_balancer_scope = &lb,
                     .repository_uris = repository_uris,
                     .db_credentials_secret_arn = database.credentials_secret_arn(),
                     .supertokens_connection_uri_secret_arn = database.supertokens_uri_secret_arn(),
                     .supertokens_api_key_secret_arn = secrets.supertokens_api_key_secret_arn(),
                     .redis_url = cache.redis_url(),
                     .listener_arn = lb.listener_arn(),
                     .load_balancer_security_group_id = security.alb_security_group_id(),
                     .load_balancer_full_name = lb.load_balancer_full_name(),
                     .depends_on = {&database.writer()},
                     .alarm_topic_arn = monitoring.alarm_topic_arn(),
                     .migration_log_group_name = monitoring.migration_log_group_name(),
                     .bootstrap_log_group_name = monitoring.bootstrap_log_group_name(),
                 });
  for (const core::Str& arn : compute.service_log_group_arns()) security.AllowServiceLogs(arn);
  monitoring.AddAlarms(AlarmsProps{
      .load_balancer_full_name = lb.load_balancer_full_name(),
      .db_cluster_identifier = database.cluster_identifier(),
      .redis_replication_group_id = cache.replication_group_id(),
  });
  return stack.Synthesize();
}

config::Config EverythingOn() {
  config::Config config;
  config.environment = "prod";
  config.nat_gateways = 2;
  config.redis_num_replicas = 1;
  config.autoscaling.enabled = true;
  config.certificate_arn = "arn:aws:acm:us-east-1:111122223333:certificate/abc-123";
  config.domain_name = "api.example.com";
  config.hosted_zone_id = "Z0123456789ABC";
  config.enable_waf = true;
  config.enable_alarms = true;
  config.alert_email = "ops@example.com";
  return config;
}

TEST(ApplicationTierTest, WiredWithTheDataTier) {
  for (const config::Config& config : {config::Config{}, EverythingOn()}) {
    auto result = SynthApplicationTier(config);
    ASSERT_TRUE(result.has_value()) << config.environment << ": " << result.error().message();
    const Json& t = result->json;
    EXPECT_TRUE(ResourceCountIs(t, "AWS::ECS::Service", 3));
    // Roles read exactly the three secrets the task definitions inject.
    Json read =
        PropertiesOf(t, "SecurityExecutionRole")["Policies"][0]["PolicyDocument"]["Statement"][3];
    EXPECT_EQ(read["Resource"].size(), 3u);
    EXPECT_EQ(t["Resources"]["ComputeWorkerService"]["DependsOn"],
              Json::parse(R"(["DatabaseWriter"])"));
    // Each service's own resources sit under the component that holds their kind.
    for (const char* id :
         {"MonitoringApiLogGroup", "MonitoringWorkerLogGroup", "MonitoringSupertokensLogGroup",
          "SecurityApiTaskRole", "SecurityWorkerTaskRole", "SecuritySupertokensTaskRole",
          "SecurityAlbToApi", "SecurityServicesFromAlbApi", "SecurityAlbToSupertokens",
          "SecurityServicesFromAlbSupertokens", "SecurityServicesFromServicesSupertokens",
          "SecurityServicesToServicesSupertokens", "LoadBalancerApiTargetGroup",
          "LoadBalancerApiRule", "LoadBalancerSupertokensTargetGroup",
          "LoadBalancerSupertokensRule"}) {
      EXPECT_TRUE(t["Resources"].contains(id)) << config.environment << ": " << id;
    }
    EXPECT_EQ(t["Resources"].contains("MonitoringApiCpuAlarm"), config.enable_alarms);
    EXPECT_EQ(t["Resources"].contains("MonitoringSupertokensUnhealthyTargetsAlarm"),
              config.enable_alarms);
    // The execution role writes the services' groups first, then the one-off tasks'.
    Json logs =
        PropertiesOf(t, "SecurityExecutionRole")["Policies"][0]["PolicyDocument"]["Statement"][2];
    ASSERT_EQ(logs["Sid"], "WriteLogs");
    ASSERT_EQ(logs["Resource"].size(), 5u);
    EXPECT_EQ(logs["Resource"][0],
              Json::parse(R"({"Fn::GetAtt": ["MonitoringApiLogGroup", "Arn"]})"));
    EXPECT_EQ(logs["Resource"][4],
              Json::parse(R"({"Fn::GetAtt": ["MonitoringBootstrapLogGroup", "Arn"]})"));
    if (const char* path = std::getenv("REX_APP_TIER_TEMPLATE")) {
      std::string file = std::string(path) + "." + config.environment + ".json";
      ASSERT_TRUE(base::WriteFileAtomic(file, result->ToJson()).ok()) << file;
    }
  }
}

}  // namespace
}  // namespace rex::stack
