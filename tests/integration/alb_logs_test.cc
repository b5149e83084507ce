// Issue 13's ALB access logs through the real rex binary, offline (no AWS): the staging
// preset's preview creates the log bucket, its policy and the Mappings/Conditions entries;
// turning the key on updates the load balancer in place and replaces nothing; the template
// names the region's ELB account through Fn::FindInMap (with the service principal for the
// regions without one); albAccessLogs.retentionDays refuses bad values naming the key and the
// range (exit 2); rex check stops a staging stack without access logs; rex cost lists the
// bucket as usage-priced.

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

class AlbLogsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RexRun init = Staging({"init", "staging", "--preset", "staging"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
  }

  RexRun Staging(std::vector<std::string> args) {
    args.insert(args.begin(), {"--stack", "staging"});
    return RunRex(args, {.cwd = dir_.path()});
  }

  Json Synth() {
    RexRun run = Staging({"synth"});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    return ParseOrFail(run.out);
  }

  // The value of the load balancer attribute `key`, or null.
  static Json Attribute(const Json& tmpl, const std::string& key) {
    for (const Json& a :
         tmpl["Resources"]["LoadBalancerAlb"]["Properties"]["LoadBalancerAttributes"]) {
      if (a["Key"] == key) return a["Value"];
    }
    return nullptr;
  }

  TempDir dir_;
};

TEST_F(AlbLogsTest, StagingPreviewCreatesTheLogBucketAndItsPolicy) {
  EXPECT_TRUE(Contains(dir_.Read("stacks/staging.yaml"), "albAccessLogs:"))
      << dir_.Read("stacks/staging.yaml");
  RexRun run = Staging({"preview"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(Contains(run.out, "LoadBalancer/AccessLogs")) << run.out;
  RexRun json = Staging({"--json", "preview"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  Json plan = ParseOrFail(json.out);
  std::set<std::string> created;
  for (const Json& r : plan["resources"]) {
    if (r["action"] == "create") created.insert(r["logicalId"].get<std::string>());
  }
  EXPECT_EQ(created.count("LoadBalancerAccessLogs"), 1u);
  EXPECT_EQ(created.count("LoadBalancerAccessLogsPolicy"), 1u);
  std::set<std::string> entries;
  for (const char* section : {"mappings", "conditions"}) {
    for (const Json& e : plan[section]) entries.insert(e["name"].get<std::string>());
  }
  EXPECT_EQ(entries.count("LoadBalancerElbAccounts"), 1u) << json.out;
  EXPECT_EQ(entries.count("LoadBalancerInElbAccountRegion"), 1u) << json.out;
}

TEST_F(AlbLogsTest, TheTemplateNamesTheRegionsElbPrincipal) {
  Json t = Synth();
  const Json& accounts = t["Mappings"]["LoadBalancerElbAccounts"];
  EXPECT_EQ(accounts["us-east-1"]["AccountId"], "127311923021");
  EXPECT_EQ(accounts["eu-west-1"]["AccountId"], "156460612806");
  EXPECT_FALSE(accounts.contains("me-central-1")) << "a newer region: service principal";
  EXPECT_TRUE(t["Conditions"].contains("LoadBalancerInElbAccountRegion"));

  const Json& bucket = t["Resources"]["LoadBalancerAccessLogs"];
  EXPECT_EQ(bucket["DeletionPolicy"], "Retain");
  EXPECT_EQ(bucket["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
                  ["ServerSideEncryptionByDefault"]["SSEAlgorithm"],
            "AES256");
  EXPECT_EQ(bucket["Properties"]["LifecycleConfiguration"]["Rules"][0]["ExpirationInDays"], 30);

  const Json& statements =
      t["Resources"]["LoadBalancerAccessLogsPolicy"]["Properties"]["PolicyDocument"]["Statement"];
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_EQ(statements[0]["Sid"], "DenyWithoutTls");
  const Json& write = statements[1];
  EXPECT_EQ(write["Action"], "s3:PutObject");
  const Json& principal = write["Principal"]["Fn::If"];
  EXPECT_EQ(principal[0], "LoadBalancerInElbAccountRegion");
  EXPECT_EQ(principal[1]["AWS"]["Fn::Sub"][1]["ElbAccount"]["Fn::FindInMap"],
            Json::parse(R"(["LoadBalancerElbAccounts", {"Ref": "AWS::Region"}, "AccountId"])"));
  EXPECT_EQ(principal[2]["Service"], "logdelivery.elasticloadbalancing.amazonaws.com");

  EXPECT_EQ(Attribute(t, "access_logs.s3.enabled"), "true");
  EXPECT_EQ(Attribute(t, "access_logs.s3.bucket"),
            Json::parse(R"({"Ref": "LoadBalancerAccessLogs"})"));
  EXPECT_EQ(Attribute(t, "access_logs.s3.prefix"), "alb");
  EXPECT_EQ(t["Resources"]["LoadBalancerAlb"]["DependsOn"],
            Json::array({"LoadBalancerAccessLogsPolicy"}));
}

TEST_F(AlbLogsTest, TurningThemOnUpdatesTheLoadBalancerInPlace) {
  ASSERT_EQ(Staging({"config", "set", "albAccessLogs.enabled", "false"}).exit_code, 0);
  Json before = Synth();
  EXPECT_EQ(Attribute(before, "access_logs.s3.enabled"), "false");
  EXPECT_FALSE(before["Resources"].contains("LoadBalancerAccessLogs"));
  EXPECT_FALSE(before.contains("Mappings"));
  dir_.Write(".rex/staging/deployed.template.json", base::DumpJson(before));

  ASSERT_EQ(Staging({"config", "set", "albAccessLogs.enabled", "true"}).exit_code, 0);
  RexRun json = Staging({"--json", "preview"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  Json plan = ParseOrFail(json.out);
  EXPECT_EQ(plan["summary"]["create"], 2) << json.out;
  for (const Json& r : plan["resources"]) {
    if (r["logicalId"] == "LoadBalancerAlb") {
      EXPECT_EQ(r["action"], "update") << r.dump();
    } else {
      EXPECT_TRUE(r["action"] == "create" || r["action"] == "no-change")
          << r["logicalId"] << " " << r["action"];
    }
  }
  RexRun text = Staging({"preview"});
  EXPECT_FALSE(Contains(text.out, "DATA LOSS")) << text.out;
}

TEST_F(AlbLogsTest, BadRetentionExits2NamingTheKeyAndTheRange) {
  std::string before = dir_.Read("stacks/staging.yaml");
  for (const char* bad : {"0", "3651"}) {
    RexRun run = Staging({"config", "set", "albAccessLogs.retentionDays", bad});
    EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
    EXPECT_TRUE(Contains(run.err, "albAccessLogs.retentionDays")) << run.err;
    EXPECT_TRUE(Contains(run.err, "1 to 3650 days")) << run.err;
  }
  EXPECT_EQ(dir_.Read("stacks/staging.yaml"), before) << "nothing written";
  RexRun good = Staging({"config", "set", "albAccessLogs.retentionDays", "7"});
  ASSERT_EQ(good.exit_code, 0) << good.err;
  EXPECT_EQ(Synth()["Resources"]["LoadBalancerAccessLogs"]["Properties"]["LifecycleConfiguration"]
                   ["Rules"][0]["ExpirationInDays"],
            7);
}

TEST_F(AlbLogsTest, CheckStopsAStagingStackWithoutAccessLogs) {
  RexRun on = Staging({"--json", "check"});
  const Json report = ParseOrFail(on.out);  // the loop below reads into it: keep it alive
  for (const Json& f : report["findings"]) {
    EXPECT_NE(f["rule"], "alb-access-logs") << on.out;
  }
  ASSERT_EQ(Staging({"config", "set", "albAccessLogs.enabled", "false"}).exit_code, 0);
  RexRun off = Staging({"check"});
  EXPECT_EQ(off.exit_code, 1) << off.out << off.err;
  EXPECT_TRUE(Contains(off.out + off.err, "alb-access-logs")) << off.out;
}

TEST_F(AlbLogsTest, CostListsTheLogBucket) {
  RexRun run = Staging({"--json", "cost"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(Contains(run.out, "LoadBalancer/AccessLogs")) << run.out;
}

}  // namespace
}  // namespace rex::testing
