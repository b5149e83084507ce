#include "stack/cache.h"

#include <gtest/gtest.h>

#include "config/presets.h"
#include "core/stack.h"
#include "support/template_matcher.h"

namespace rex::stack {
namespace {

using base::Json;
using rex::testing::HasResourceProperties;
using rex::testing::PropertiesOf;
using rex::testing::ResourceCountIs;

base::Result<core::Template> SynthCache(const config::Config& config,
                                        core::List<core::Str> subnets = {"subnet-1", "subnet-2"},
                                        core::Str security_group = "sg-cache") {
  core::App app;
  auto& stack = app.Add<core::Stack>("Rex");
  stack.Add<Cache>("Cache", CacheProps{.config = &config,
                                       .private_subnet_ids = std::move(subnets),
                                       .security_group_id = std::move(security_group)});
  return stack.Synthesize();
}

Json Synth(const config::Config& config) {
  auto result = SynthCache(config);
  EXPECT_TRUE(result.has_value()) << result.error().message();
  return result.has_value() ? result->json : Json();
}

TEST(CacheTest, Redis7EncryptedAtRestWithSnapshots) {
  Json t = Synth(config::Config{});
  ASSERT_TRUE(ResourceCountIs(t, "AWS::ElastiCache::ReplicationGroup", 1));
  EXPECT_TRUE(HasResourceProperties(t, "AWS::ElastiCache::ReplicationGroup", Json::parse(R"({
      "Engine": "redis", "EngineVersion": "7.0", "CacheParameterGroupName": "default.redis7",
      "CacheNodeType": "cache.t4g.micro", "NumCacheClusters": 1,
      "AutomaticFailoverEnabled": false, "MultiAZEnabled": false,
      "AtRestEncryptionEnabled": true, "TransitEncryptionEnabled": false,
      "SnapshotRetentionLimit": 1, "Port": 6379,
      "ReplicationGroupId": "rex-backend-dev-redis",
      "CacheSubnetGroupName": {"Ref": "CacheSubnetGroup"},
      "SecurityGroupIds": ["sg-cache"]})")));
  EXPECT_FALSE(PropertiesOf(t, "CacheReplicationGroup")["ReplicationGroupDescription"].empty());
}

TEST(CacheTest, SubnetGroupOnPrivateSubnets) {
  Json t = Synth(config::Config{});
  EXPECT_TRUE(HasResourceProperties(t, "AWS::ElastiCache::SubnetGroup", Json::parse(R"({
      "SubnetIds": ["subnet-1", "subnet-2"], "CacheSubnetGroupName": "rex-backend-dev-redis"})")));
}

TEST(CacheTest, ReplicaTurnsOnFailoverAndMultiAz) {
  config::Config config;
  config.redis_num_replicas = 1;
  config.redis_transit_encryption = true;
  config.redis_snapshot_retention_days = 7;
  config.redis_node_type = "cache.t4g.small";
  Json t = Synth(config);
  EXPECT_TRUE(HasResourceProperties(t, "AWS::ElastiCache::ReplicationGroup", Json::parse(R"({
      "NumCacheClusters": 2, "AutomaticFailoverEnabled": true, "MultiAZEnabled": true,
      "TransitEncryptionEnabled": true, "SnapshotRetentionLimit": 7,
      "CacheNodeType": "cache.t4g.small"})")));
}

TEST(CacheTest, SnapshotOnDeleteOnlyWhenProtected) {
  Json dev = Synth(config::Config{});
  EXPECT_EQ(dev["Resources"]["CacheReplicationGroup"]["DeletionPolicy"], "Delete");
  EXPECT_EQ(dev["Resources"]["CacheReplicationGroup"]["UpdateReplacePolicy"], "Delete");
  config::Config prod;
  prod.environment = "prod";
  Json t = Synth(prod);
  EXPECT_EQ(t["Resources"]["CacheReplicationGroup"]["DeletionPolicy"], "Snapshot");
  EXPECT_EQ(t["Resources"]["CacheReplicationGroup"]["UpdateReplacePolicy"], "Snapshot");
}

TEST(CacheTest, RedisUrlSchemeFollowsTransitEncryption) {
  config::Config plain;
  core::App app;
  auto& stack = app.Add<core::Stack>("Rex");
  auto& cache = stack.Add<Cache>("Cache", CacheProps{.config = &plain,
                                                     .private_subnet_ids = {"subnet-1"},
                                                     .security_group_id = "sg-cache"});
  EXPECT_EQ(cache.redis_url().value().json(), Json::parse(R"({"Fn::Join": ["", ["redis://",
      {"Fn::GetAtt": ["CacheReplicationGroup", "PrimaryEndPoint.Address"]}, ":",
      {"Fn::GetAtt": ["CacheReplicationGroup", "PrimaryEndPoint.Port"]}]]})"));
  EXPECT_EQ(cache.replication_group_id().value().json(),
            Json::parse(R"({"Ref": "CacheReplicationGroup"})"));

  config::Config tls;
  tls.redis_transit_encryption = true;
  auto& secure = stack.Add<Cache>("Secure", CacheProps{.config = &tls,
                                                       .private_subnet_ids = {"subnet-1"},
                                                       .security_group_id = "sg-cache"});
  EXPECT_EQ(secure.redis_url().value().json()["Fn::Join"][1][0], "rediss://");
}

TEST(CacheTest, MissingInputsAreErrors) {
  auto result = SynthCache(config::Config{}, core::List<core::Str>{}, "");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().message(),
            "error: Rex/Cache: no private subnets for the cache subnet group; pass the private "
            "subnet ids\n"
            "error: Rex/Cache: no security group for the replication group; pass the cache "
            "security group id\n"
            "2 errors; no template written");
}

TEST(CacheTest, TooManyReplicasIsAnError) {
  config::Config config;
  config.redis_num_replicas = 6;
  auto result = SynthCache(config);
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message().find(
                "error: Rex/Cache: redisNumReplicas is 6; a Redis replication group has 0 to 5 "
                "replicas"),
            std::string::npos)
      << result.error().message();
}

TEST(CacheTest, EveryPresetSynthesizesWithoutWarnings) {
  for (config::Preset preset : config::AllPresets()) {
    auto result = SynthCache(config::PresetConfig(preset));
    ASSERT_TRUE(result.has_value())
        << config::PresetName(preset) << ": " << result.error().message();
    EXPECT_TRUE(result->warnings.empty()) << config::PresetName(preset);
  }
}

}  // namespace
}  // namespace rex::stack
