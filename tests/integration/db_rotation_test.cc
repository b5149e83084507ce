// dbManagedPassword through the real rex binary: the config refuses it with dbMasterPassword,
// preview shows the managed cluster with the rotation follower and without the generated
// secrets, and an existing stack that turns it on keeps its cluster.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "base/json.h"
#include "support/run_rex.h"

namespace rex::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kPassphrase = "managed password passphrase 3";
constexpr const char* kPassword = "Db-Pass-5e4d3c2b1a";

// The plan's entry of `logical_id`, or null.
base::Json PlanEntry(const base::Json& plan, const std::string& logical_id) {
  for (const base::Json& r : plan["resources"]) {
    if (r["logicalId"] == logical_id) return r;
  }
  return nullptr;
}

TEST(DbRotationTest, ManagedPasswordIsRefusedWithAConfiguredPassword) {
  TempDir dir;
  ASSERT_EQ(RunRex({"init"}, {.cwd = dir.path()}).exit_code, 0);
  RexOptions with_secret{.cwd = dir.path(), .env = {{"REX_CONFIG_PASSPHRASE", kPassphrase}}};
  with_secret.stdin_text = std::string(kPassword) + "\n";
  RexRun set = RunRex({"config", "set", "dbMasterPassword", "--secret"}, with_secret);
  ASSERT_EQ(set.exit_code, 0) << set.err;
  const std::string before = dir.Read("stacks/dev.yaml");

  RexOptions options{.cwd = dir.path(), .env = {{"REX_CONFIG_PASSPHRASE", kPassphrase}}};
  RexRun refused = RunRex({"config", "set", "dbManagedPassword", "true"}, options);
  EXPECT_EQ(refused.exit_code, 2) << refused.out << refused.err;
  EXPECT_THAT(refused.err, HasSubstr("dbManagedPassword"));
  EXPECT_THAT(refused.err, HasSubstr("dbMasterPassword"));
  EXPECT_THAT(refused.err + refused.out, Not(HasSubstr(kPassword)));
  EXPECT_EQ(dir.Read("stacks/dev.yaml"), before) << "a refused edit must leave the file alone";

  // The other way round: a prod stack (dbManagedPassword by its preset) refuses the password.
  ASSERT_EQ(RunRex({"init", "prod"}, {.cwd = dir.path()}).exit_code, 0);
  RexRun prod =
      RunRex({"--stack", "prod", "config", "set", "dbMasterPassword", "--secret"}, with_secret);
  EXPECT_EQ(prod.exit_code, 2) << prod.out << prod.err;
  EXPECT_THAT(prod.err, HasSubstr("dbManagedPassword"));
  EXPECT_THAT(prod.err, HasSubstr("dbMasterPassword"));
  EXPECT_THAT(prod.err + prod.out, Not(HasSubstr(kPassword)));
}

TEST(DbRotationTest, PreviewOfProdShowsTheManagedPasswordAndItsFollower) {
  TempDir dir;
  ASSERT_EQ(RunRex({"init", "prod"}, {.cwd = dir.path()}).exit_code, 0);
  RexRun get =
      RunRex({"--stack", "prod", "config", "get", "dbManagedPassword"}, {.cwd = dir.path()});
  EXPECT_EQ(get.out, "true\n") << get.err;

  RexRun json = RunRex({"--stack", "prod", "preview", "--json"}, {.cwd = dir.path()});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  base::Json plan = ParseOrFail(json.out);
  EXPECT_EQ(PlanEntry(plan, "DbRotationRule")["type"], "AWS::Events::Rule") << json.out;
  EXPECT_EQ(PlanEntry(plan, "DbRotationStateMachine")["type"], "AWS::StepFunctions::StateMachine");
  EXPECT_EQ(PlanEntry(plan, "DbRotationStateMachine")["action"], "create");
  EXPECT_TRUE(PlanEntry(plan, "DatabaseCredentialsSecret").is_null());
  EXPECT_TRUE(PlanEntry(plan, "DatabaseSupertokensDbConnectionSecret").is_null());

  RexRun synth = RunRex({"--stack", "prod", "synth"}, {.cwd = dir.path()});
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
  base::Json tmpl = ParseOrFail(synth.out);
  const base::Json& cluster = tmpl["Resources"]["DatabaseCluster"]["Properties"];
  EXPECT_EQ(cluster["ManageMasterUserPassword"], true);
  EXPECT_FALSE(cluster.contains("MasterUserPassword"));

  // rex check: the managed password's rotations are followed, and the database has no
  // unrotated secret left, so no secret-rotation finding names the database.
  RexRun check = RunRex({"--stack", "prod", "--json", "check"}, {.cwd = dir.path()});
  base::Json report = ParseOrFail(check.out);
  ASSERT_TRUE(report["findings"].is_array()) << check.out;
  for (const base::Json& finding : report["findings"]) {
    if (finding["rule"] != "secret-rotation") continue;
    EXPECT_EQ(finding["logicalId"].get<std::string>().rfind("Database", 0), std::string::npos)
        << finding.dump();
  }
}

// An existing stack turning it on: with dbMasterPassword (MasterUsername the literal rexadmin)
// the cluster is modified in place; with the generated secret (MasterUsername read from it) the
// plan says the cluster may be replaced. Either way the two old secrets are deleted, which
// the data-loss guard makes the user allow.
TEST(DbRotationTest, AnExistingStackKeepsItsClusterOnlyWithAConfiguredPassword) {
  for (bool configured : {true, false}) {
    TempDir dir;
    RexOptions options{.cwd = dir.path(), .env = {{"REX_CONFIG_PASSPHRASE", kPassphrase}}};
    ASSERT_EQ(RunRex({"init", "prod"}, options).exit_code, 0);
    ASSERT_EQ(RunRex({"--stack", "prod", "config", "set", "dbManagedPassword", "false"}, options)
                  .exit_code,
              0);
    if (configured) {
      RexOptions with_secret = options;
      with_secret.stdin_text = std::string(kPassword) + "\n";
      ASSERT_EQ(
          RunRex({"--stack", "prod", "config", "set", "dbMasterPassword", "--secret"}, with_secret)
              .exit_code,
          0);
    }
    std::filesystem::create_directories(dir.path() + "/.rex/prod");
    RexRun deployed =
        RunRex({"--stack", "prod", "synth", "-o", ".rex/prod/deployed.template.json"}, options);
    ASSERT_EQ(deployed.exit_code, 0) << deployed.err;
    if (configured) {
      ASSERT_EQ(RunRex({"--stack", "prod", "config", "rm", "dbMasterPassword"}, options).exit_code,
                0);
    }
    ASSERT_EQ(RunRex({"--stack", "prod", "config", "set", "dbManagedPassword", "true"}, options)
                  .exit_code,
              0);

    RexRun preview = RunRex({"--stack", "prod", "preview", "--json"}, options);
    EXPECT_EQ(preview.exit_code, 1) << "the old secrets' deletion needs --allow-data-loss";
    base::Json plan = ParseOrFail(preview.out);
    EXPECT_EQ(PlanEntry(plan, "DatabaseCluster")["action"], configured ? "update" : "may-replace")
        << configured;
    EXPECT_EQ(PlanEntry(plan, "DatabaseCluster")["dataLoss"], false);
    for (const char* secret :
         {"DatabaseCredentialsSecret", "DatabaseSupertokensDbConnectionSecret"}) {
      EXPECT_EQ(PlanEntry(plan, secret)["action"], "delete") << secret;
    }
    EXPECT_EQ(PlanEntry(plan, "DbRotationStateMachine")["action"], "create");
    EXPECT_THAT(preview.err + preview.out, Not(HasSubstr(kPassword)));
  }
}

}  // namespace
}  // namespace rex::testing
