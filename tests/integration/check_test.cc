// `rex check` through the real binary, in temporary project folders (NO_COLOR=1, no AWS).

#include <gtest/gtest.h>

#include <string>

#include "base/json.h"
#include "support/run_rex.h"

namespace rex::testing {
namespace {

using base::Json;

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(CheckIntegrationTest, DevPresetPassesWithZeroErrors) {
  TempDir dir;
  RexRun run = RunRex({"check"}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_TRUE(Contains(run.out, "check passed: 0 errors")) << run.out;
  EXPECT_TRUE(Contains(run.out, "(environment dev)")) << run.out;

  RexRun json = RunRex({"--json", "check"}, {.cwd = dir.path()});
  EXPECT_EQ(json.exit_code, 0) << json.err;
  Json report = ParseOrFail(json.out);
  EXPECT_EQ(report["passed"], true);
  EXPECT_EQ(report["summary"]["errors"], 0);
  EXPECT_EQ(report["environment"], "dev");
}

TEST(CheckIntegrationTest, ProdAndStagingPresetsPassWithZeroErrors) {
  for (const char* preset : {"staging", "prod"}) {
    TempDir dir;
    RexRun run = RunRex({"--stack", preset, "--json", "check"}, {.cwd = dir.path()});
    EXPECT_EQ(run.exit_code, 0) << preset << ": " << run.out << run.err;
    Json report = ParseOrFail(run.out);
    EXPECT_EQ(report["summary"]["errors"], 0) << preset << ": " << run.out;
  }
}

TEST(CheckIntegrationTest, ListsRules) {
  TempDir dir;
  RexRun run = RunRex({"check", "--rules"}, {.cwd = dir.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  for (const char* rule :
       {"aurora-encryption", "sg-open-ingress", "iam-wildcard-resource", "ecs-circuit-breaker",
        "alb-http-listener", "ecs-plaintext-secret", "aurora-engine-deprecated"}) {
    EXPECT_TRUE(Contains(run.out, rule)) << rule;
  }
}

TEST(CheckIntegrationTest, SuppressionWithoutReasonIsAConfigError) {
  TempDir dir;
  dir.Write("stacks/dev.yaml",
            "environment: dev\n"
            "checks:\n"
            "  suppress:\n"
            "    - rule: logs-kms\n");
  RexRun run = RunRex({"check"}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_TRUE(Contains(run.err, "reason is required")) << run.err;
  EXPECT_TRUE(run.out.empty()) << run.out;
}

TEST(CheckIntegrationTest, UnusedSuppressionIsWarnedAboutAndDoesNotFail) {
  TempDir dir;
  dir.Write("stacks/dev.yaml",
            "environment: dev\n"
            "checks:\n"
            "  suppress:\n"
            "    - rule: aurora-encrypton\n"
            "      reason: typo on purpose\n");
  RexRun run = RunRex({"check"}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_TRUE(Contains(run.err,
                       "warning: checks.suppress[0]: unknown rule \"aurora-encrypton\"; "
                       "did you mean \"aurora-encryption\"?"))
      << run.err;
}

TEST(CheckIntegrationTest, AnErrorFailsAndASuppressionWithAReasonAcceptsIt) {
  TempDir dir;
  RexRun synth = RunRex({"synth"}, {.cwd = dir.path()});
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
  if (!Contains(synth.out, "AWS::RDS::DBCluster")) {
    GTEST_SKIP() << "the stack has no database yet";
  }
  dir.Write("stacks/dev.yaml", "environment: dev\nbackupRetentionDays: 1\n");
  RexRun failing = RunRex({"check"}, {.cwd = dir.path()});
  EXPECT_EQ(failing.exit_code, 1) << failing.out << failing.err;
  EXPECT_TRUE(Contains(failing.out, "error aurora-backup-retention")) << failing.out;
  EXPECT_TRUE(Contains(failing.out, "BackupRetentionPeriod is 1 days")) << failing.out;
  EXPECT_TRUE(Contains(failing.out, "check failed: 1 error")) << failing.out;

  dir.Write("stacks/dev.yaml",
            "environment: dev\n"
            "backupRetentionDays: 1\n"
            "checks:\n"
            "  suppress:\n"
            "    - rule: aurora-backup-retention\n"
            "      reason: throwaway dev data\n");
  RexRun suppressed = RunRex({"check"}, {.cwd = dir.path()});
  EXPECT_EQ(suppressed.exit_code, 0) << suppressed.out << suppressed.err;
  EXPECT_TRUE(Contains(suppressed.out, "reason: throwaway dev data")) << suppressed.out;
  // Listed among the suppressed findings (with those the template records as accepted).
  EXPECT_TRUE(Contains(suppressed.out,
                       "aurora-backup-retention Database/Cluster (DatabaseCluster): "
                       "BackupRetentionPeriod is 1 days\n    reason: throwaway dev data"))
      << suppressed.out;
}

}  // namespace
}  // namespace rex::testing
