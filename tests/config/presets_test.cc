#include "config/presets.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "base/files.h"
#include "config/config.h"

namespace rex::config {
namespace {

TEST(PresetsTest, EveryPresetIsValid) {
  for (Preset preset : AllPresets()) {
    base::Status status = ValidateConfig(PresetConfig(preset), PresetName(preset));
    EXPECT_TRUE(status.ok()) << status.message();
  }
}

TEST(PresetsTest, PresetYamlLoadsBackToExactlyThePreset) {
  for (Preset preset : AllPresets()) {
    std::string name(PresetName(preset));
    std::string yaml = PresetYaml(preset);
    base::Result<Config> loaded = LoadConfig(yaml, "stacks/" + name + ".yaml", Env{});
    ASSERT_TRUE(loaded.ok()) << loaded.error().message() << "\n" << yaml;
    EXPECT_EQ(*loaded, PresetConfig(preset)) << yaml;
  }
}

TEST(PresetsTest, ConfigToYamlRoundTripsOtherConfigs) {
  Config config;
  config.project_name = "shop";
  config.github_repo = "https://github.com/me/shop";
  config.frontend_domain = "shop.example.com";
  config.github_branch = "release/2024";
  config.supertokens_image = "supertokens/supertokens-postgresql";
  config.migration_command = {"sh", "-c", "migrate up && echo 'done: yes'"};
  ServiceConfig& worker = config.services.at("worker");
  worker.desired_count = 0;
  worker.cpu = 256;
  worker.memory = 512;
  worker.image_tag = "1.0";
  config.db_min_capacity = 0;
  config.db_max_capacity = 0.5 + 128;
  config.checks.suppress = {
      {.rule = "alb-http-listener", .resource = "Rex/LoadBalancer/Http", .reason = "no: TLS"},
      {.rule = "db-single-writer", .resource = "", .reason = "cost"}};
  ASSERT_TRUE(ValidateConfig(config, "x").ok()) << ValidateConfig(config, "x").message();
  base::Result<Config> loaded = LoadConfig(ConfigToYaml(config), "x", Env{});
  ASSERT_TRUE(loaded.ok()) << loaded.error().message() << "\n" << ConfigToYaml(config);
  EXPECT_EQ(*loaded, config) << ConfigToYaml(config);
}

TEST(PresetsTest, DevIsTheCheapOne) {
  Config dev = PresetConfig(Preset::kDev);
  EXPECT_EQ(dev.environment, "dev");
  EXPECT_EQ(dev.nat_gateways, 1);
  EXPECT_EQ(dev.services.at("api").desired_count, 1);
  EXPECT_FALSE(dev.autoscaling.enabled);
  EXPECT_EQ(dev.log_retention_days, 7);
  EXPECT_FALSE(dev.db_deletion_protection_enabled());
  EXPECT_EQ(dev.db_min_capacity, 0.5);
  EXPECT_EQ(dev.db_max_capacity, 2);
  EXPECT_EQ(dev.redis_num_replicas, 0);
  EXPECT_FALSE(dev.enable_alarms);
}

TEST(PresetsTest, StagingSitsInBetween) {
  Config staging = PresetConfig(Preset::kStaging);
  EXPECT_EQ(staging.environment, "staging");
  EXPECT_EQ(staging.nat_gateways, 1);
  EXPECT_EQ(staging.services.at("api").desired_count, 2);
  EXPECT_TRUE(staging.db_deletion_protection_enabled());
  EXPECT_EQ(staging.log_retention_days, 14);
  EXPECT_TRUE(staging.redis_transit_encryption);
  EXPECT_TRUE(staging.enable_alarms);
}

TEST(PresetsTest, ProdIsHighlyAvailableAndProtected) {
  Config prod = PresetConfig(Preset::kProd);
  EXPECT_EQ(prod.environment, "prod");
  EXPECT_EQ(prod.nat_gateways, 2);
  EXPECT_TRUE(prod.autoscaling.enabled);
  EXPECT_EQ(prod.autoscaling.min_count, 2);
  EXPECT_EQ(prod.autoscaling.max_count, 10);
  EXPECT_TRUE(prod.db_deletion_protection_enabled());
  EXPECT_EQ(prod.log_retention_days, 30);
  EXPECT_EQ(prod.backup_retention_days, 14);
  EXPECT_TRUE(prod.enable_alarms);
  EXPECT_TRUE(prod.enable_flow_logs);
  EXPECT_EQ(prod.redis_num_replicas, 1);
  EXPECT_TRUE(prod.redis_transit_encryption);
}

TEST(PresetsTest, PresetYamlIsCommentedAndExplainsSecrets) {
  std::string yaml = PresetYaml(Preset::kProd);
  EXPECT_EQ(yaml.rfind("# rex stack config: prod preset (written by \"rex init prod\").\n", 0), 0u);
  EXPECT_NE(yaml.find("# --- Networking\n"), std::string::npos);
  // The comment is the key's doc and its rule (config/keys.cc), the text errors quote too.
  EXPECT_NE(yaml.find("# VPC range. Allowed: a private range (10/8, 172.16/12, 192.168/16) with a "
                      "prefix from /16 to /24.\n"
                      "vpcCidr: 10.0.0.0/16\n"),
            std::string::npos);
  EXPECT_NE(yaml.find("# Days of automated backups. Allowed: 1 to 35 days.\nbackupRetentionDays: "),
            std::string::npos);
  EXPECT_NE(yaml.find("# dbMasterPassword: set with: rex config set dbMasterPassword --secret\n"),
            std::string::npos);
  EXPECT_NE(yaml.find("services:\n  api:\n"), std::string::npos);
  // Every key is written (secrets as comments).
  for (const std::string& key : ConfigKeys()) {
    std::string leaf = key.substr(key.rfind('.') + 1);
    EXPECT_NE(yaml.find(leaf + ": "), std::string::npos) << key;
  }
}

TEST(PresetsTest, WritePresetFileNeverOverwrites) {
  std::string dir = testing::TempDir() + "presets_test";
  std::filesystem::remove_all(dir);
  std::string path = dir + "/stacks/staging.yaml";
  ASSERT_TRUE(WritePresetFile(path, Preset::kStaging).ok());
  EXPECT_EQ(base::ReadFile(path).value(), PresetYaml(Preset::kStaging));
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  base::Status again = WritePresetFile(path, Preset::kProd);
  EXPECT_EQ(again.code(), base::Code::kAlreadyExists);
  EXPECT_EQ(again.message(), path +
                                 " already exists; edit it with \"rex config set\" or remove "
                                 "it before \"rex init prod\"");
  EXPECT_EQ(base::ReadFile(path).value(), PresetYaml(Preset::kStaging));
}

TEST(PresetsTest, ParsePresetSuggestsTheClosestName) {
  EXPECT_EQ(ParsePreset("staging").value(), Preset::kStaging);
  EXPECT_EQ(ParsePreset("prd").error().message(),
            "unknown preset \"prd\": use dev, staging or prod; did you mean \"prod\"?");
  EXPECT_EQ(ParsePreset("qa").error().code(), base::Code::kInvalidArgument);
}

}  // namespace
}  // namespace rex::config
