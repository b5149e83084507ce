// The whole Rex stack: golden templates of the presets, schema validation of every resource,
// cross-component wiring, and that no configured secret reaches a template.

#include "stack/rex_stack.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "cfn/registry.gen.h"
#include "config/presets.h"
#include "support/golden.h"
#include "support/template_matcher.h"

namespace rex::stack {
namespace {

using base::Json;
using rex::testing::FindResources;
using rex::testing::HasResourceProperties;
using rex::testing::PropertiesOf;
using rex::testing::ResourceCountIs;
using rex::testing::ResourcesOfType;

// dev with every optional feature of the load balancer and monitoring on, and a frontend.
config::Config DevWithEverything() {
  config::Config c = config::PresetConfig(config::Preset::kDev);
  c.certificate_arn =
      "arn:aws:acm:us-east-1:111122223333:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
  c.domain_name = "api.example.com";
  c.hosted_zone_id = "Z0123456789ABCDEFGHIJ";
  c.enable_waf = true;
  c.enable_alarms = true;
  c.alert_email = "oncall@example.com";
  c.github_repo = "https://github.com/example/rex-frontend";
  return c;
}

Json Synth(const config::Config& config) {
  auto result = SynthesizeRexStack(config);
  EXPECT_TRUE(result.has_value()) << result.error().message();
  return result.has_value() ? result->json : Json();
}

// The resources `value` refers to directly: Ref, Fn::GetAtt and ${X} / ${X.Attr} of Fn::Sub,
// plus DependsOn when `value` is a whole resource.
void CollectReferences(const Json& value, const Json& resources, std::set<std::string>* out) {
  if (value.is_object()) {
    if (auto ref = value.find("Ref"); ref != value.end() && ref->is_string()) {
      if (resources.contains(ref->get<std::string>())) out->insert(ref->get<std::string>());
    }
    if (auto att = value.find("Fn::GetAtt"); att != value.end() && att->is_array()) {
      out->insert((*att)[0].get<std::string>());
    }
    if (auto sub = value.find("Fn::Sub"); sub != value.end()) {
      std::string text = sub->is_array() ? (*sub)[0].get<std::string>() : sub->get<std::string>();
      for (size_t at = text.find("${"); at != std::string::npos; at = text.find("${", at + 2)) {
        std::string name = text.substr(at + 2, text.find_first_of(".}", at) - at - 2);
        if (resources.contains(name)) out->insert(name);
      }
    }
    if (auto depends = value.find("DependsOn"); depends != value.end()) {
      if (depends->is_string()) out->insert(depends->get<std::string>());
      if (depends->is_array()) {
        for (const Json& d : *depends) out->insert(d.get<std::string>());
      }
    }
    for (const auto& [key, item] : value.items()) CollectReferences(item, resources, out);
  } else if (value.is_array()) {
    for (const Json& item : value) CollectReferences(item, resources, out);
  }
}

// Every resource `id` waits for before CloudFormation creates it.
std::set<std::string> TransitiveDependencies(const Json& tmpl, const std::string& id) {
  const Json& resources = tmpl["Resources"];
  std::set<std::string> seen;
  std::vector<std::string> todo = {id};
  while (!todo.empty()) {
    std::string next = todo.back();
    todo.pop_back();
    std::set<std::string> direct;
    CollectReferences(resources[next], resources, &direct);
    for (const std::string& d : direct) {
      if (seen.insert(d).second) todo.push_back(d);
    }
  }
  return seen;
}

struct GoldenCase {
  const char* file;
  config::Config (*make)();
};

const GoldenCase kGoldens[] = {
    {"dev.template.json", [] { return config::PresetConfig(config::Preset::kDev); }},
    {"staging.template.json", [] { return config::PresetConfig(config::Preset::kStaging); }},
    {"prod.template.json", [] { return config::PresetConfig(config::Preset::kProd); }},
    {"dev-everything.template.json", DevWithEverything},
};

TEST(RexStackTest, GoldenTemplates) {
  for (const GoldenCase& g : kGoldens) {
    auto result = SynthesizeRexStack(g.make());
    ASSERT_TRUE(result.has_value()) << g.file << ": " << result.error().message();
    EXPECT_TRUE(rex::testing::MatchesGolden(g.file, result->ToJson())) << g.file;
  }
}

// Every resource of every golden configuration is a known type whose properties validate
// against the pinned schema (required, types, enums, patterns, ranges).
TEST(RexStackTest, EveryResourceValidatesAgainstThePinnedSchema) {
  for (const GoldenCase& g : kGoldens) {
    Json t = Synth(g.make());
    for (const auto& [id, resource] : t["Resources"].items()) {
      const core::ResourceSchema* schema =
          cfn::FindResourceSchema(resource["Type"].get<std::string>());
      ASSERT_NE(schema, nullptr) << g.file << ": " << id;
      std::vector<core::Diagnostic> problems;
      core::ValidateProperties(resource.value("Properties", Json::object()), schema->properties, id,
                               "", problems);
      for (const auto& p : problems) ADD_FAILURE() << g.file << ": " << p.ToString();
    }
  }
}

TEST(RexStackTest, OriginalOutputsArePresent) {
  Json t = Synth(DevWithEverything());
  for (const char* name :
       {"albDnsName", "ecsClusterName", "migrationTaskDefinitionArn", "privateSubnetIds",
        "publicSubnetIds", "ecsSecurityGroup", "rdsClusterEndpoint", "redisEndpoint", "frontendUrl",
        "apiRepositoryUrl", "workerRepositoryUrl", "vpcId"}) {
    EXPECT_TRUE(t["Outputs"].contains(name)) << name;
  }
  // Without a repository there is no Amplify app and so no frontendUrl.
  EXPECT_FALSE(
      Synth(config::PresetConfig(config::Preset::kDev))["Outputs"].contains("frontendUrl"));
}

TEST(RexStackTest, ApiServiceAsTheSeedDescribes) {
  config::Config config = config::PresetConfig(config::Preset::kDev);
  config.services.at("api").desired_count = 2;
  Json t = Synth(config);
  EXPECT_TRUE(HasResourceProperties(t, "AWS::ECS::Service",
                                    Json::parse(R"({"DesiredCount": 2, "LaunchType": "FARGATE",
         "NetworkConfiguration": {"AwsvpcConfiguration": {"AssignPublicIp": "DISABLED",
            "Subnets": [{"Ref": "NetworkPrivateSubnet1"}, {"Ref": "NetworkPrivateSubnet2"}]}},
         "DeploymentConfiguration": {"DeploymentCircuitBreaker": {"Enable": true, "Rollback": true}}})")));
  std::vector<std::string> api_tasks = FindResources(
      t, "AWS::ECS::TaskDefinition", Json::parse(R"({"Cpu": "512", "Memory": "1024"})"));
  EXPECT_FALSE(api_tasks.empty());
}

TEST(RexStackTest, DatabaseOnlyFromTheServices) {
  Json t = Synth(config::PresetConfig(config::Preset::kDev));
  std::vector<std::string> ingress = FindResources(
      t, "AWS::EC2::SecurityGroupIngress",
      Json::parse(R"({"GroupId": {"Fn::GetAtt": ["SecurityDatabaseSecurityGroup", "GroupId"]}})"));
  ASSERT_EQ(ingress.size(), 1u);
  Json rule = PropertiesOf(t, ingress[0]);
  EXPECT_EQ(rule["FromPort"], 5432);
  EXPECT_EQ(rule["ToPort"], 5432);
  EXPECT_EQ(rule["SourceSecurityGroupId"],
            Json::parse(R"({"Fn::GetAtt": ["SecurityServicesSecurityGroup", "GroupId"]})"));
  EXPECT_TRUE(HasResourceProperties(
      t, "AWS::RDS::DBCluster",
      Json::parse(
          R"({"VpcSecurityGroupIds": [{"Fn::GetAtt": ["SecurityDatabaseSecurityGroup", "GroupId"]}]})")));
}

// The database takes the longest to create; the execution role (and so nothing but the task
// definitions that need the database's endpoint) must not wait for it, unless RDS names the
// secret it reads (dbManagedPassword, below).
TEST(RexStackTest, TheExecutionRoleDoesNotWaitForTheDatabase) {
  for (const GoldenCase& g : kGoldens) {
    config::Config config = g.make();
    if (config.db_managed_password) continue;
    Json t = Synth(config);
    std::set<std::string> role_needs = TransitiveDependencies(t, "SecurityExecutionRole");
    EXPECT_FALSE(role_needs.count("DatabaseCluster")) << g.file;
    EXPECT_TRUE(TransitiveDependencies(t, "ComputeApiTaskDefinition").count("DatabaseCluster"))
        << g.file << ": the api waits for the database it connects to";
    // The role still grants exactly the database's two secrets, by name.
    std::string policy = PropertiesOf(t, "SecurityExecutionRole")["Policies"].dump();
    const std::string prefix = config.project_name + "-" + config.environment;
    EXPECT_NE(policy.find(":secret:" + prefix + "/db/credentials-??????"), std::string::npos);
    EXPECT_NE(policy.find(":secret:" + prefix + "/supertokens/db-uri-??????"), std::string::npos);
  }
}

// dbManagedPassword (staging and prod presets): the services read the password from RDS's
// secret and the rest as plain values; SuperTokens gets its separate variables; a rotation
// redeploys them.
TEST(RexStackTest, ManagedPasswordReachesTheServicesFromRdsSecret) {
  config::Config config = config::PresetConfig(config::Preset::kProd);
  ASSERT_TRUE(config.db_managed_password);
  Json t = Synth(config);
  const Json secret =
      Json::parse(R"({"Fn::GetAtt": ["DatabaseCluster", "MasterUserSecret.SecretArn"]})");
  const Json password =
      Json::parse(R"({"Fn::Join": ["", [)" + secret.dump() + R"(, ":password::"]]})");
  EXPECT_EQ(PropertiesOf(t, "DatabaseCluster")["ManageMasterUserPassword"], true);
  EXPECT_FALSE(t["Resources"].contains("DatabaseCredentialsSecret"));
  EXPECT_FALSE(t["Resources"].contains("DatabaseCredentialsAttachment"));
  EXPECT_FALSE(t["Resources"].contains("DatabaseSupertokensDbConnectionSecret"));

  auto container = [&](const std::string& task, const std::string& name) {
    const Json properties = PropertiesOf(t, task);
    for (const Json& c : properties["ContainerDefinitions"]) {
      if (c["Name"] == name) return c;
    }
    ADD_FAILURE() << task << " has no container " << name;
    return Json();
  };
  auto named = [](const Json& list, const std::string& name, const char* field) {
    for (const Json& item : list) {
      if (item["Name"] == name) return item[field];
    }
    return Json();
  };
  Json api = container("ComputeApiTaskDefinition", "api");
  EXPECT_EQ(named(api["Secrets"], "DB_PASSWORD", "ValueFrom"), password);
  EXPECT_EQ(named(api["Environment"], "DB_USER", "Value"), "rexadmin");
  EXPECT_EQ(named(api["Environment"], "DB_HOST", "Value"),
            Json::parse(R"({"Fn::GetAtt": ["DatabaseCluster", "Endpoint.Address"]})"));
  EXPECT_EQ(named(api["Environment"], "DB_PORT", "Value"),
            Json::parse(R"({"Fn::GetAtt": ["DatabaseCluster", "Endpoint.Port"]})"));
  for (const char* plain : {"DB_USER", "DB_HOST", "DB_PORT"}) {
    EXPECT_TRUE(named(api["Secrets"], plain, "ValueFrom").is_null()) << plain;
  }

  Json supertokens = container("ComputeSupertokensTaskDefinition", "supertokens");
  EXPECT_EQ(named(supertokens["Secrets"], "POSTGRESQL_PASSWORD", "ValueFrom"), password);
  EXPECT_TRUE(named(supertokens["Secrets"], "POSTGRESQL_CONNECTION_URI", "ValueFrom").is_null());
  EXPECT_EQ(named(supertokens["Environment"], "POSTGRESQL_USER", "Value"), "rexadmin");
  EXPECT_EQ(named(supertokens["Environment"], "POSTGRESQL_DATABASE_NAME", "Value"), "supertokens");
  EXPECT_FALSE(named(supertokens["Environment"], "POSTGRESQL_HOST", "Value").is_null());
  EXPECT_FALSE(named(supertokens["Environment"], "POSTGRESQL_PORT", "Value").is_null());
  // The init container that creates the supertokens database reads the same password.
  Json init = container("ComputeSupertokensTaskDefinition", "create-database");
  EXPECT_EQ(named(init["Secrets"], "PGPASSWORD", "ValueFrom"), password);
  EXPECT_EQ(named(init["Environment"], "PGUSER", "Value"), "rexadmin");
  EXPECT_EQ(named(init["Environment"], "PGDATABASE", "Value"), "rex_backend");

  // The execution role reads exactly RDS's secret.
  std::string policy = PropertiesOf(t, "SecurityExecutionRole")["Policies"].dump();
  EXPECT_NE(policy.find(secret.dump()), std::string::npos) << policy;
  EXPECT_EQ(policy.find("db/credentials"), std::string::npos) << policy;
}

// A scheduled job reads the database by the same rule as a service.
TEST(RexStackTest, ManagedPasswordReachesAJobByTheSameRule) {
  config::Config config = config::PresetConfig(config::Preset::kProd);
  config.jobs.emplace_back("cleanup",
                           config::JobConfig{
                               .image = "api",
                               .secrets = {{"DB_HOST", "db.host"}, {"DB_PASSWORD", "db.password"}},
                               .schedule = "rate(1 day)",
                           });
  Json t = Synth(config);
  const Json properties = PropertiesOf(t, "JobsCleanupTaskDefinition");
  const Json& container = properties["ContainerDefinitions"][0];
  ASSERT_EQ(container["Secrets"].size(), 1u) << container.dump();
  EXPECT_EQ(container["Secrets"][0]["Name"], "DB_PASSWORD");
  EXPECT_EQ(container["Secrets"][0]["ValueFrom"], Json::parse(R"({"Fn::Join": ["", [
      {"Fn::GetAtt": ["DatabaseCluster", "MasterUserSecret.SecretArn"]}, ":password::"]]})"));
  bool host = false;
  for (const Json& variable : container["Environment"]) {
    if (variable["Name"] == "DB_HOST") {
      host = true;
      EXPECT_EQ(variable["Value"],
                Json::parse(R"({"Fn::GetAtt": ["DatabaseCluster", "Endpoint.Address"]})"));
    }
  }
  EXPECT_TRUE(host) << container.dump();
}

TEST(RexStackTest, ManagedPasswordRotationRedeploysTheReaders) {
  Json t = Synth(config::PresetConfig(config::Preset::kProd));
  ASSERT_TRUE(ResourceCountIs(t, "AWS::Events::Rule", 1));
  ASSERT_TRUE(ResourceCountIs(t, "AWS::StepFunctions::StateMachine", 1));
  Json rule = PropertiesOf(t, "DbRotationRule");
  EXPECT_EQ(rule["EventPattern"], Json::parse(R"({
      "source": ["aws.secretsmanager"],
      "detail-type": ["AWS Service Event via CloudTrail"],
      "detail": {"eventSource": ["secretsmanager.amazonaws.com"],
                 "eventName": ["RotationSucceeded"],
                 "additionalEventData": {"SecretId": [
                   {"Fn::GetAtt": ["DatabaseCluster", "MasterUserSecret.SecretArn"]}]}}})"));
  EXPECT_EQ(rule["Targets"][0]["Arn"], Json::parse(R"({"Ref": "DbRotationStateMachine"})"));
  EXPECT_EQ(rule["Targets"][0]["RoleArn"],
            Json::parse(R"({"Fn::GetAtt": ["DbRotationRuleRole", "Arn"]})"));

  Json machine = PropertiesOf(t, "DbRotationStateMachine");
  EXPECT_EQ(machine["StateMachineType"], "STANDARD");
  // api, worker (db.password) and supertokens (its connection, its init container), in order.
  const Json& states = machine["Definition"]["States"];
  EXPECT_EQ(machine["Definition"]["StartAt"], "Redeploy api");
  ASSERT_EQ(states.size(), 3u) << states.dump();
  EXPECT_EQ(states["Redeploy api"]["Next"], "Redeploy worker");
  EXPECT_EQ(states["Redeploy worker"]["Next"], "Redeploy supertokens");
  EXPECT_EQ(states["Redeploy supertokens"]["End"], true);
  EXPECT_EQ(states["Redeploy api"]["Resource"], "arn:aws:states:::aws-sdk:ecs:updateService");
  EXPECT_EQ(states["Redeploy api"]["Parameters"], Json::parse(R"({
      "Cluster": "${Cluster}", "Service": "${Service0}", "ForceNewDeployment": true})"));
  EXPECT_EQ(machine["DefinitionSubstitutions"]["Service0"],
            Json::parse(R"({"Ref": "ComputeApiService"})"));
  EXPECT_EQ(machine["DefinitionSubstitutions"]["Cluster"],
            Json::parse(R"({"Ref": "ComputeCluster"})"));

  // Least privilege: the state machine may only update these services; the rule only start it.
  std::string machine_policy = PropertiesOf(t, "DbRotationStateMachineRole")["Policies"].dump();
  EXPECT_NE(machine_policy.find("\"ecs:UpdateService\""), std::string::npos);
  EXPECT_EQ(machine_policy.find("\"*\""), std::string::npos) << machine_policy;
  for (const char* service :
       {"ComputeApiService", "ComputeWorkerService", "ComputeSupertokensService"}) {
    EXPECT_NE(machine_policy.find(service), std::string::npos) << service;
  }
  std::string rule_policy = PropertiesOf(t, "DbRotationRuleRole")["Policies"].dump();
  EXPECT_NE(rule_policy.find("\"states:StartExecution\""), std::string::npos);
  EXPECT_NE(rule_policy.find("DbRotationStateMachine"), std::string::npos);
  EXPECT_EQ(rule_policy.find("\"*\""), std::string::npos) << rule_policy;

  // Without dbManagedPassword: no rule, no state machine.
  Json dev = Synth(config::PresetConfig(config::Preset::kDev));
  EXPECT_TRUE(ResourceCountIs(dev, "AWS::Events::Rule", 0));
  EXPECT_TRUE(ResourceCountIs(dev, "AWS::StepFunctions::StateMachine", 0));
}

TEST(RexStackTest, ManagedPasswordIsRefusedWithAConfiguredPassword) {
  config::Config config = config::PresetConfig(config::Preset::kProd);
  const std::string password = "Db-Pass-9d8c7b6a5f";
  config.db_master_password = config::Secret(password);
  auto result = SynthesizeRexStack(config);
  ASSERT_FALSE(result.has_value());
  const std::string message = result.error().message();
  EXPECT_NE(message.find("dbManagedPassword"), std::string::npos) << message;
  EXPECT_NE(message.find("dbMasterPassword"), std::string::npos) << message;
  EXPECT_EQ(message.find(password), std::string::npos);
}

TEST(RexStackTest, EveryLogGroupHasTheConfiguredRetention) {
  for (const GoldenCase& g : kGoldens) {
    config::Config config = g.make();
    Json t = Synth(config);
    for (const std::string& id : ResourcesOfType(t, "AWS::Logs::LogGroup")) {
      EXPECT_EQ(PropertiesOf(t, id)["RetentionInDays"], config.log_retention_days)
          << g.file << ": " << id;
    }
  }
}

TEST(RexStackTest, ApiPathForwardsToTheApiTargetGroup) {
  Json t = Synth(config::PresetConfig(config::Preset::kDev));
  std::vector<std::string> rules = ResourcesOfType(t, "AWS::ElasticLoadBalancingV2::ListenerRule");
  bool found = false;
  for (const std::string& id : rules) {
    Json p = PropertiesOf(t, id);
    if (p["Conditions"].dump().find("/api/*") == std::string::npos) continue;
    found = true;
    EXPECT_EQ(p["Actions"][0]["Type"], "forward");
    EXPECT_EQ(p["Actions"][0]["TargetGroupArn"],
              Json::parse(R"({"Ref": "LoadBalancerApiTargetGroup"})"));
  }
  EXPECT_TRUE(found);
}

TEST(RexStackTest, ConfiguredSecretsNeverAppearInTheTemplate) {
  config::Config config = DevWithEverything();
  const std::string password = "Db-Pass-9d8c7b6a5f";
  const std::string api_key = "StApiKey0123456789abcdefXYZ";
  const std::string token = "ghp_0123456789abcdefghijklmnopqrstuvwxyz";
  config.db_master_password = config::Secret(password);
  config.supertokens_api_key = config::Secret(api_key);
  config.github_token = config::Secret(token);
  auto result = SynthesizeRexStack(config);
  ASSERT_TRUE(result.has_value()) << result.error().message();
  for (const std::string& text : {result->ToJson(), result->ToYaml()}) {
    for (const std::string& secret : {password, api_key, token}) {
      EXPECT_EQ(text.find(secret), std::string::npos);
    }
  }
  // They travel as NoEcho parameters instead.
  for (const char* parameter : {"DbMasterPassword", "SupertokensApiKey", "GithubToken"}) {
    ASSERT_TRUE(result->json["Parameters"].contains(parameter)) << parameter;
    EXPECT_EQ(result->json["Parameters"][parameter]["NoEcho"], true) << parameter;
  }
}

TEST(RexStackTest, InvalidConfigIsRejectedBeforeSynthesis) {
  config::Config config = config::PresetConfig(config::Preset::kDev);
  config.nat_gateways = 3;
  auto result = SynthesizeRexStack(config);
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message().find("natGateways"), std::string::npos)
      << result.error().message();
}

}  // namespace
}  // namespace rex::stack
