// redisAuth through the whole Rex stack: the generated token secret, the replication group's
// AuthToken as a dynamic reference, REDIS_PASSWORD for the workloads that read ${redisUrl},
// the execution role scoped to the secret, the records for cdk-nag, and no token anywhere.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/presets.h"
#include "stack/accepted.h"
#include "stack/env_references.h"
#include "stack/rex_stack.h"
#include "support/template_matcher.h"

namespace rex::stack {
namespace {

using base::Json;
using rex::testing::HasResourceProperties;
using rex::testing::PropertiesOf;
using rex::testing::ResourceCountIs;
using rex::testing::ResourcesOfType;

Json Synth(const config::Config& config) {
  auto result = SynthesizeRexStack(config);
  EXPECT_TRUE(result.has_value()) << result.error().message();
  return result.has_value() ? result->json : Json();
}

const Json kTokenReference = Json::parse(R"({"Fn::Join": ["", [
    "{{resolve:secretsmanager:", {"Ref": "CacheAuthToken"}, ":SecretString:::}}"]]})");

// The container's secret `name` (its ValueFrom), or null.
Json ContainerSecret(const Json& t, const std::string& task, const std::string& name) {
  const Json properties = PropertiesOf(t, task);
  for (const Json& container : properties["ContainerDefinitions"]) {
    for (const Json& secret : container.value("Secrets", Json::array())) {
      if (secret["Name"] == name) return secret["ValueFrom"];
    }
  }
  return Json();
}

bool HasEnvironmentVariable(const Json& t, const std::string& task, const std::string& name) {
  const Json properties = PropertiesOf(t, task);
  for (const Json& container : properties["ContainerDefinitions"]) {
    for (const Json& variable : container.value("Environment", Json::array())) {
      if (variable["Name"] == name) return true;
    }
  }
  return false;
}

// Metadata.cdk_nag.rules_to_suppress ids of a resource.
std::vector<std::string> RecordedIds(const Json& t, const std::string& id) {
  std::vector<std::string> ids;
  const Json& resource = t["Resources"][id];
  if (!resource.contains("Metadata")) return ids;
  for (const Json& rule : resource["Metadata"]
                              .value("cdk_nag", Json::object())
                              .value("rules_to_suppress", Json::array())) {
    ids.push_back(rule["id"].get<std::string>());
  }
  return ids;
}

bool Contains(const std::vector<std::string>& items, const std::string& item) {
  for (const std::string& i : items) {
    if (i == item) return true;
  }
  return false;
}

TEST(RedisAuthTest, PresetsTurnItOnOutsideDev) {
  EXPECT_FALSE(config::PresetConfig(config::Preset::kDev).redis_auth);
  for (config::Preset p : {config::Preset::kStaging, config::Preset::kProd}) {
    config::Config c = config::PresetConfig(p);
    EXPECT_TRUE(c.redis_auth) << config::PresetName(p);
    EXPECT_TRUE(c.redis_transit_encryption) << config::PresetName(p);
  }
}

TEST(RedisAuthTest, TokenIsGeneratedAndReadByDynamicReference) {
  Json t = Synth(config::PresetConfig(config::Preset::kProd));
  EXPECT_TRUE(HasResourceProperties(t, "AWS::SecretsManager::Secret", Json::parse(R"({
      "Name": "rex-backend-prod/redis/auth-token",
      "GenerateSecretString": {"ExcludePunctuation": true, "PasswordLength": 64}})")));
  const Json& secret = t["Resources"]["CacheAuthToken"];
  EXPECT_FALSE(PropertiesOf(t, "CacheAuthToken").contains("SecretString"));
  EXPECT_EQ(secret["DeletionPolicy"], "Delete");
  EXPECT_EQ(secret["UpdateReplacePolicy"], "Delete");
  Json group = PropertiesOf(t, "CacheReplicationGroup");
  EXPECT_EQ(group["AuthToken"], kTokenReference);
  EXPECT_EQ(group["TransitEncryptionEnabled"], true);
  // The group keeps everything that would replace it.
  EXPECT_EQ(group["Port"], 6379);
  EXPECT_EQ(group["ReplicationGroupId"], "rex-backend-prod-redis");
}

TEST(RedisAuthTest, ServicesReadingTheUrlGetThePasswordAsASecret) {
  Json t = Synth(config::PresetConfig(config::Preset::kStaging));
  for (const char* task : {"ComputeApiTaskDefinition", "ComputeWorkerTaskDefinition",
                           "ComputeMigrationTaskDefinition"}) {
    EXPECT_EQ(ContainerSecret(t, task, kRedisPasswordVariable),
              Json::parse(R"({"Ref": "CacheAuthToken"})"))
        << task;
    EXPECT_FALSE(HasEnvironmentVariable(t, task, kRedisPasswordVariable)) << task;
  }
  // SuperTokens does not talk to Redis.
  EXPECT_TRUE(
      ContainerSecret(t, "ComputeSupertokensTaskDefinition", kRedisPasswordVariable).is_null());
  // The URL stays without a credential.
  std::string api = PropertiesOf(t, "ComputeApiTaskDefinition").dump();
  EXPECT_NE(api.find("rediss://"), std::string::npos);
  EXPECT_EQ(api.find("resolve:secretsmanager"), std::string::npos);
}

TEST(RedisAuthTest, ExecutionRoleReadsExactlyTheTokenSecret) {
  Json t = Synth(config::PresetConfig(config::Preset::kProd));
  const Json token = Json::parse(R"({"Ref": "CacheAuthToken"})");
  int granted = 0;
  const Json role = PropertiesOf(t, "SecurityExecutionRole");
  for (const Json& policy : role["Policies"]) {
    for (const Json& statement : policy["PolicyDocument"]["Statement"]) {
      if (statement["Action"].dump().find("secretsmanager:") == std::string::npos) continue;
      const Json& resources = statement["Resource"];
      for (const Json& resource : resources.is_array() ? resources : Json::array({resources})) {
        EXPECT_NE(resource, "*") << statement.dump();
        if (resource == token) ++granted;
      }
    }
  }
  EXPECT_EQ(granted, 1) << "the execution role reads the token secret by its ARN, once";
}

TEST(RedisAuthTest, OffMeansNoTokenNoSecretNoVariable) {
  config::Config c = config::PresetConfig(config::Preset::kProd);
  c.redis_auth = false;
  Json t = Synth(c);
  EXPECT_FALSE(t["Resources"].contains("CacheAuthToken"));
  EXPECT_FALSE(PropertiesOf(t, "CacheReplicationGroup").contains("AuthToken"));
  EXPECT_TRUE(ContainerSecret(t, "ComputeApiTaskDefinition", kRedisPasswordVariable).is_null());
  EXPECT_EQ(t.dump().find("redis/auth-token"), std::string::npos);
}

TEST(RedisAuthTest, RefusedWithoutTransitEncryption) {
  config::Config c = config::PresetConfig(config::Preset::kDev);
  c.redis_auth = true;
  auto result = SynthesizeRexStack(c);
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message().find("redisAuth"), std::string::npos);
  EXPECT_NE(result.error().message().find("redisTransitEncryption"), std::string::npos);
}

TEST(RedisAuthTest, RecordsForTheScannersFollowTheConfig) {
  Json prod = Synth(config::PresetConfig(config::Preset::kProd));
  EXPECT_FALSE(Contains(RecordedIds(prod, "CacheReplicationGroup"), "AwsSolutions-AEC6"));
  EXPECT_TRUE(Contains(RecordedIds(prod, "CacheAuthToken"), "AwsSolutions-SMG4"));
  // Dev keeps Redis without AUTH on the record; staging without AUTH gets no record (rex check
  // refuses it there).
  Json dev = Synth(config::PresetConfig(config::Preset::kDev));
  EXPECT_TRUE(Contains(RecordedIds(dev, "CacheReplicationGroup"), "AwsSolutions-AEC6"));
  config::Config staging = config::PresetConfig(config::Preset::kStaging);
  staging.redis_auth = false;
  EXPECT_FALSE(Contains(RecordedIds(Synth(staging), "CacheReplicationGroup"), "AwsSolutions-AEC6"));
}

TEST(RedisAuthTest, ServiceThatSetsThePasswordItselfIsLeftAlone) {
  config::Config c = config::PresetConfig(config::Preset::kProd);
  c.services.at("worker").environment["REDIS_PASSWORD"] = "not-a-secret-placeholder";
  // A custom service names the token under its own variable; one without ${redisUrl} gets none.
  config::ServiceConfig& cache_reader = c.services.GetOrAdd("reader");
  cache_reader.secrets["CACHE_TOKEN"] = "redis.authToken";
  config::ServiceConfig& other = c.services.GetOrAdd("other");
  other.environment["MODE"] = "batch";
  Json t = Synth(c);
  EXPECT_TRUE(ContainerSecret(t, "ComputeWorkerTaskDefinition", kRedisPasswordVariable).is_null());
  EXPECT_EQ(ContainerSecret(t, "ComputeReaderTaskDefinition", "CACHE_TOKEN"),
            Json::parse(R"({"Ref": "CacheAuthToken"})"));
  EXPECT_TRUE(ContainerSecret(t, "ComputeOtherTaskDefinition", kRedisPasswordVariable).is_null());
}

TEST(RedisAuthTest, TheRuleOfWhoGetsThePassword) {
  const std::map<std::string, std::string> reads_url = {{"REDIS_URL", "${redisUrl}"}};
  const std::map<std::string, std::string> none;
  EXPECT_TRUE(GetsRedisPassword(true, reads_url, none));
  EXPECT_FALSE(GetsRedisPassword(false, reads_url, none));
  EXPECT_FALSE(GetsRedisPassword(true, {{"MODE", "batch"}}, none));
  EXPECT_TRUE(GetsRedisPassword(true, {{"CACHE", "url=${redisUrl}/0"}}, none));
  EXPECT_FALSE(GetsRedisPassword(true, reads_url, {{"REDIS_PASSWORD", "redis.authToken"}}));
  EXPECT_FALSE(
      GetsRedisPassword(true, {{"REDIS_URL", "${redisUrl}"}, {"REDIS_PASSWORD", "x"}}, none));
}

}  // namespace
}  // namespace rex::stack
