// Issue 13's Redis AUTH through the real rex binary, offline (no AWS): the staging preset's
// preview creates the token secret; turning redisAuth on for a stack deployed without it
// creates the secret and changes only AuthToken on the replication group, replacing nothing
// stateful (task definitions get new revisions that read REDIS_PASSWORD);
// redisAuth without redisTransitEncryption exits 2 naming both keys; rex check refuses a
// staging stack without AUTH; the token never appears in synth output; rex cost prices the
// secret.

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "base/json.h"
#include "support/run_rex.h"

namespace rex::testing {
namespace {

using base::Json;

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class RedisAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RexRun init = Run("staging", {"init", "staging", "--preset", "staging"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
  }

  RexRun Run(const std::string& stack, std::vector<std::string> args) {
    args.insert(args.begin(), {"--stack", stack});
    return RunRex(args, {.cwd = dir_.path()});
  }
  RexRun Staging(std::vector<std::string> args) { return Run("staging", std::move(args)); }

  Json Synth() {
    RexRun run = Staging({"synth"});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    return ParseOrFail(run.out);
  }

  TempDir dir_;
};

TEST_F(RedisAuthTest, StagingPreviewShowsTheTokenSecret) {
  EXPECT_TRUE(Contains(dir_.Read("stacks/staging.yaml"), "redisAuth: true"))
      << dir_.Read("stacks/staging.yaml");
  RexRun run = Staging({"preview"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(Contains(run.out, "Cache/AuthToken")) << run.out;
  RexRun json = Staging({"--json", "preview"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  std::set<std::string> created;
  const Json plan = ParseOrFail(json.out);
  for (const Json& r : plan["resources"]) {
    if (r["action"] == "create") created.insert(r["logicalId"].get<std::string>());
  }
  EXPECT_EQ(created.count("CacheAuthToken"), 1u) << json.out;
}

TEST_F(RedisAuthTest, TheTemplateCarriesAReferenceNeverAToken) {
  Json t = Synth();
  const Json& group = t["Resources"]["CacheReplicationGroup"]["Properties"];
  EXPECT_EQ(group["AuthToken"], Json::parse(R"({"Fn::Join": ["", [
      "{{resolve:secretsmanager:", {"Ref": "CacheAuthToken"}, ":SecretString:::}}"]]})"));
  const Json& secret = t["Resources"]["CacheAuthToken"]["Properties"];
  EXPECT_EQ(secret["Name"], "rex-backend-staging/redis/auth-token");
  EXPECT_TRUE(secret.contains("GenerateSecretString"));
  EXPECT_FALSE(secret.contains("SecretString"));
  EXPECT_FALSE(t.contains("Parameters") &&
               t["Parameters"].dump().find("Redis") != std::string::npos)
      << "the token is generated in AWS, not passed in";
  bool api_reads_it = false;
  for (const Json& s : t["Resources"]["ComputeApiTaskDefinition"]["Properties"]
                        ["ContainerDefinitions"][0]["Secrets"]) {
    if (s["Name"] == "REDIS_PASSWORD") {
      api_reads_it = true;
      EXPECT_EQ(s["ValueFrom"], Json::parse(R"({"Ref": "CacheAuthToken"})"));
    }
  }
  EXPECT_TRUE(api_reads_it);
}

TEST_F(RedisAuthTest, TurningItOnCreatesTheSecretAndReplacesNothingElse) {
  ASSERT_EQ(Staging({"config", "set", "redisAuth", "false"}).exit_code, 0);
  Json before = Synth();
  EXPECT_FALSE(before["Resources"].contains("CacheAuthToken"));
  EXPECT_FALSE(before["Resources"]["CacheReplicationGroup"]["Properties"].contains("AuthToken"));
  dir_.Write(".rex/staging/deployed.template.json", base::DumpJson(before));

  ASSERT_EQ(Staging({"config", "set", "redisAuth", "true"}).exit_code, 0);
  RexRun json = Staging({"--json", "preview"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  Json plan = ParseOrFail(json.out);
  EXPECT_EQ(plan["summary"]["create"], 1) << json.out;
  for (const Json& r : plan["resources"]) {
    const std::string id = r["logicalId"].get<std::string>();
    if (id == "CacheAuthToken") {
      EXPECT_EQ(r["action"], "create");
    } else if (id == "CacheReplicationGroup") {
      // The schema calls AuthToken a conditional replacement; the only change is AuthToken
      // (TransitEncryptionEnabled, Port and the group's id stay), which ElastiCache applies in
      // place to a group with in-transit encryption (README, Redis AUTH).
      EXPECT_EQ(r["action"], "may-replace") << r.dump();
      EXPECT_EQ(r["causes"], Json::array({"AuthToken"})) << r.dump();
      ASSERT_EQ(r["changes"].size(), 1u) << r.dump();
      EXPECT_EQ(r["changes"][0]["path"], "AuthToken");
    } else if (r["action"] == "replace") {
      // Task definitions are immutable: the api, worker and migration get new revisions that
      // read REDIS_PASSWORD. Nothing stateful is replaced.
      EXPECT_EQ(r["type"], "AWS::ECS::TaskDefinition") << id;
      EXPECT_EQ(r["stateful"], false) << id;
    } else {
      EXPECT_TRUE(r["action"] == "update" || r["action"] == "no-change") << id << " " << r.dump();
    }
  }
}

TEST_F(RedisAuthTest, WithoutTransitEncryptionExits2NamingBothKeys) {
  RexRun init = Run("dev", {"init", "dev", "--preset", "dev"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  std::string before = dir_.Read("stacks/dev.yaml");
  RexRun run = Run("dev", {"config", "set", "redisAuth", "true"});
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_TRUE(Contains(run.err, "redisAuth")) << run.err;
  EXPECT_TRUE(Contains(run.err, "redisTransitEncryption")) << run.err;
  EXPECT_TRUE(Contains(run.err, "rex config set redisTransitEncryption true")) << run.err;
  EXPECT_EQ(dir_.Read("stacks/dev.yaml"), before) << "nothing written";
  // Turning TLS off under AUTH is refused the same way.
  RexRun off = Staging({"config", "set", "redisTransitEncryption", "false"});
  EXPECT_EQ(off.exit_code, 2) << off.out << off.err;
  EXPECT_TRUE(Contains(off.err, "redisAuth")) << off.err;
}

TEST_F(RedisAuthTest, CheckRefusesAStagingStackWithoutAuth) {
  RexRun on = Staging({"--json", "check"});
  const Json report = ParseOrFail(on.out);  // the loop below reads into it: keep it alive
  for (const Json& f : report["findings"]) {
    if (f["rule"] == "redis-auth") ADD_FAILURE() << f.dump();
  }
  ASSERT_EQ(Staging({"config", "set", "redisAuth", "false"}).exit_code, 0);
  RexRun off = Staging({"check"});
  EXPECT_EQ(off.exit_code, 1) << off.out << off.err;
  EXPECT_TRUE(Contains(off.out + off.err, "redis-auth")) << off.out;
}

TEST_F(RedisAuthTest, CostPricesTheSecret) {
  RexRun run = Staging({"--json", "cost"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(Contains(run.out, "Cache/AuthToken")) << run.out;
}

}  // namespace
}  // namespace rex::testing
