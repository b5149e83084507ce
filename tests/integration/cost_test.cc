// `rex cost` through the real binary, in temporary project folders (NO_COLOR=1, no AWS).

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <utility>

#include "base/json.h"
#include "support/run_rex.h"

namespace rex::testing {
namespace {

using base::Json;

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Hand-computed monthly figures of the dev preset with the default assumptions, by resource
// type and line. The stack grows component by component; every line it has must match.
const std::map<std::pair<std::string, std::string>, double>& DevFigures() {
  static const std::map<std::pair<std::string, std::string>, double> figures = {
      {{"AWS::EC2::NatGateway", "NAT gateway"}, 32.85},                    // 730 h × $0.045
      {{"AWS::EC2::NatGateway", "NAT data processed"}, 0.45},              // 10 GB × $0.045
      {{"AWS::EC2::EIP", "public IPv4 address"}, 3.65},                    // 730 h × $0.005
      {{"AWS::RDS::DBInstance", "Aurora Serverless v2 capacity"}, 43.80},  // 0.5 × 730 × $0.12
      {{"AWS::RDS::DBCluster", "storage"}, 1.00},                          // 10 GB × $0.10
      {{"AWS::RDS::DBCluster", "I/O requests"}, 1.00},                     // 5 million × $0.20
      {{"AWS::ElastiCache::ReplicationGroup", "cache.t4g.micro nodes"}, 11.68},  // 730 × $0.016
      {{"AWS::ECS::Service", "Fargate vCPU"}, 14.78},   // 1 task × 730 h × 0.5 × $0.04048
      {{"AWS::ECS::Service", "Fargate memory"}, 3.24},  // 1 task × 730 h × 1 GB × $0.004445
      {{"AWS::ElasticLoadBalancingV2::LoadBalancer", "Application Load Balancer"}, 16.43},
      {{"AWS::ElasticLoadBalancingV2::LoadBalancer", "load balancer capacity units"}, 2.92},
      {{"AWS::ElasticLoadBalancingV2::LoadBalancer", "public IPv4 addresses (one per AZ)"}, 7.30},
      {{"AWS::Logs::LogGroup", "log ingestion"}, 0.50},  // 1 GB × $0.50
      {{"AWS::Logs::LogGroup", "log storage"}, 0.01},    // 1 GB × 7/30 × $0.03
      {{"AWS::SecretsManager::Secret", "secret"}, 0.40},
      {{"AWS::ECR::Repository", "image storage"}, 0.20},  // 2 GB × $0.10
  };
  return figures;
}

TEST(CostIntegrationTest, DevPresetLinesMatchHandComputedFiguresAndSumToTheTotal) {
  TempDir dir;
  RexRun run = RunRex({"--json", "cost"}, {.cwd = dir.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  Json report = ParseOrFail(run.out);
  EXPECT_EQ(report["stack"], "rex-backend-dev");
  EXPECT_EQ(report["region"], "us-east-1");
  ASSERT_TRUE(report["items"].is_array());
  double sum = 0;
  int checked = 0;
  bool nat = false;
  for (const Json& item : report["items"]) {
    std::string type = item["type"].get<std::string>();
    std::string line = item["item"].get<std::string>();
    double monthly = item["monthly"].get<double>();
    sum += monthly;
    // quantity × unit price, rounded to cents, for every line.
    EXPECT_NEAR(
        monthly,
        std::round(item["quantity"].get<double>() * item["unitPrice"].get<double>() * 100.0 +
                   1e-6) /
            100.0,
        1e-9)
        << item.dump();
    auto want = DevFigures().find({type, line});
    if (want != DevFigures().end()) {
      EXPECT_NEAR(monthly, want->second, 1e-9) << item.dump();
      ++checked;
    }
    if (type == "AWS::EC2::NatGateway") nat = true;
  }
  EXPECT_TRUE(nat) << "the dev preset has one NAT gateway";
  EXPECT_GE(checked, 3);
  EXPECT_NEAR(report["total"].get<double>(), sum, 0.005);
}

TEST(CostIntegrationTest, TableShowsLinesTotalAndAssumptions) {
  TempDir dir;
  RexRun run = RunRex({"cost"}, {.cwd = dir.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(Contains(run.out, "Monthly cost estimate of rex-backend-dev")) << run.out;
  EXPECT_TRUE(Contains(run.out, "NAT gateway")) << run.out;
  EXPECT_TRUE(Contains(run.out, "730 hour")) << run.out;
  EXPECT_TRUE(Contains(run.out, "$32.85")) << run.out;
  EXPECT_TRUE(Contains(run.out, "total")) << run.out;
  EXPECT_TRUE(Contains(run.out, "hoursPerMonth")) << run.out;
  EXPECT_TRUE(Contains(run.out, "natDataGb")) << run.out;
  EXPECT_TRUE(Contains(run.out, "dataTransferOutGb")) << run.out;
  EXPECT_EQ(run.out.find("\x1b["), std::string::npos) << "no colour with NO_COLOR";
  // --wide shows how each quantity was reached.
  RexRun wide = RunRex({"cost", "--wide"}, {.cwd = dir.path()});
  ASSERT_EQ(wide.exit_code, 0) << wide.err;
  EXPECT_TRUE(Contains(wide.out, "730 h = 730 hour")) << wide.out;
}

TEST(CostIntegrationTest, AssumeOverridesALine) {
  TempDir dir;
  RexRun run =
      RunRex({"--json", "cost", "--assume", "natDataGb=100", "--assume", "hoursPerMonth=730"},
             {.cwd = dir.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  Json report = ParseOrFail(run.out);
  bool found = false;
  for (const Json& item : report["items"]) {
    if (item["item"] == "NAT data processed") {
      found = true;
      EXPECT_NEAR(item["monthly"].get<double>(), 4.50, 1e-9);  // 100 GB × $0.045
    }
  }
  EXPECT_TRUE(found);
  bool listed = false;
  for (const Json& a : report["assumptions"]) {
    if (a["key"] == "natDataGb") {
      listed = true;
      EXPECT_EQ(a["overridden"], true);
    }
  }
  EXPECT_TRUE(listed);
}

TEST(CostIntegrationTest, BadAssumptionIsBadInput) {
  TempDir dir;
  RexRun unknown = RunRex({"cost", "--assume", "natDataGB=1"}, {.cwd = dir.path()});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_TRUE(Contains(unknown.err,
                       "error: unknown cost assumption \"natDataGB\"; did you mean \"natDataGb\"?"))
      << unknown.err;
  EXPECT_TRUE(unknown.out.empty());
  RexRun malformed = RunRex({"cost", "--assume", "natDataGb"}, {.cwd = dir.path()});
  EXPECT_EQ(malformed.exit_code, 2);
  EXPECT_TRUE(Contains(malformed.err, "--assume takes KEY=VALUE")) << malformed.err;
}

}  // namespace
}  // namespace rex::testing
