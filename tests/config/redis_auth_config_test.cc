// redisAuth in the stack config: its row (doc and rule), the relation with
// redisTransitEncryption, the presets, and the app secret redis.authToken.

#include <gtest/gtest.h>

#include <string>

#include "config/config.h"
#include "config/presets.h"

namespace rex::config {
namespace {

constexpr char kSource[] = "stacks/dev.yaml";

std::string LoadError(const std::string& yaml) {
  base::Result<Config> config = LoadConfig(yaml, kSource, Env{});
  if (config.ok()) return "OK";
  EXPECT_EQ(config.error().code(), base::Code::kInvalidArgument);
  return config.error().message();
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(RedisAuthConfigTest, NeedsTransitEncryptionNamingBothKeys) {
  std::string error = LoadError("redisAuth: true\n");
  EXPECT_TRUE(Contains(error, "stacks/dev.yaml: redisAuth: true needs redisTransitEncryption true"))
      << error;
  EXPECT_TRUE(Contains(error, "rex config set redisTransitEncryption true")) << error;
  EXPECT_EQ(LoadError("redisAuth: true\nredisTransitEncryption: true\n"), "OK");
  EXPECT_EQ(LoadError("redisAuth: false\n"), "OK");
}

TEST(RedisAuthConfigTest, WrongTypeNamesTheKey) {
  std::string error = LoadError("redisAuth: sometimes\n");
  EXPECT_TRUE(Contains(error, "redisAuth")) << error;
}

TEST(RedisAuthConfigTest, PresetFilesSayIt) {
  EXPECT_TRUE(Contains(PresetYaml(Preset::kStaging), "\nredisAuth: true\n"));
  EXPECT_TRUE(Contains(PresetYaml(Preset::kProd), "\nredisAuth: true\n"));
  std::string dev = PresetYaml(Preset::kDev);
  EXPECT_TRUE(Contains(dev, "\nredisAuth: false\n")) << dev;
  EXPECT_TRUE(Contains(dev, "REDIS_PASSWORD")) << "the key's doc says how the services read it";
  // Each preset file loads back as its preset.
  for (Preset p : AllPresets()) {
    base::Result<Config> loaded = LoadConfig(PresetYaml(p), kSource, Env{});
    ASSERT_TRUE(loaded.ok()) << loaded.error().message();
    EXPECT_EQ(loaded.value().redis_auth, PresetConfig(p).redis_auth);
  }
}

TEST(RedisAuthConfigTest, TheTokenAsANamedSecretNeedsRedisAuth) {
  const std::string service =
      "services:\n  reader:\n    secrets:\n      CACHE_TOKEN: redis.authToken\n";
  std::string error = LoadError(service);
  EXPECT_TRUE(Contains(error, "services.reader.secrets.CACHE_TOKEN")) << error;
  EXPECT_TRUE(Contains(error, "needs redisAuth true")) << error;
  EXPECT_EQ(LoadError(service + "redisAuth: true\nredisTransitEncryption: true\n"), "OK");
}

}  // namespace
}  // namespace rex::config
