#include "template/cost.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/files.h"
#include "base/json.h"

namespace rex::tmpl {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

base::Json LoadFixture(const std::string& name) {
  std::string path = std::string(REX_SOURCE_DIR) + "/tests/fixtures/templates/" + name;
  auto text = base::ReadFile(path);
  EXPECT_TRUE(text.has_value()) << path;
  if (!text.has_value()) return base::Json::object();
  auto json = base::ParseJson(*text, path);
  EXPECT_TRUE(json.has_value()) << json.error().ToString();
  return json.has_value() ? *json : base::Json::object();
}

base::Json Template(base::Json resources) {
  return base::Json{{"Resources", std::move(resources)}};
}

const CostItem* FindItem(const CostReport& report, const std::string& id, const std::string& item) {
  for (const CostItem& i : report.items) {
    if (i.logical_id == id && i.item == item) return &i;
  }
  return nullptr;
}

struct Line {
  std::string component;
  std::string logical_id;
  std::string item;
  double quantity;
  std::string price_key;
  double monthly;
};

// The dev preset fixture priced by hand with the default assumptions (730 h, 0.5 ACU,
// 10 GB Aurora storage, 5 million I/O, 10 GB NAT data, 0.5 LCU, 1 GB logs per group,
// Container Insights 10 + 20 per service, 2 GB per repository, 1 h per one-off task):
const std::vector<Line> kDevLines = {
    {"Cache", "CacheReplicationGroup", "cache.t4g.micro nodes", 730,
     "elasticache.node_hour.cache.t4g.micro", 11.68},  // 730 × 0.016
    // SnapshotRetentionLimit 1: the one snapshot is free.
    {"Cache", "CacheReplicationGroup", "snapshot storage", 0, "elasticache.backup.gb_month", 0.00},
    // 10 GB tasks ↔ cache × 0.5 across zones × 2 sides × $0.01
    {"Cache", "CacheReplicationGroup", "cross-AZ traffic", 10, "data_transfer.cross_az.gb", 0.10},
    {"Compute", "ComputeApiService", "Fargate vCPU", 365, "fargate.x86.vcpu_hour",
     14.78},  // 1 task × 730 h × 0.5 vCPU × 0.04048 = 14.7752
    {"Compute", "ComputeApiService", "Fargate memory", 730, "fargate.x86.gb_hour",
     3.24},  // 730 × 1 GB × 0.004445 = 3.24485
    {"Compute", "ComputeApiService", "Cloud Map instances", 1, "cloudmap.instance.month", 0.10},
    {"Compute", "ComputeCluster", "Container Insights metrics", 70, "cloudwatch.metric.month",
     21.00},  // (10 + 20 × 3 services) × 0.30
    {"Compute", "ComputeCluster", "Container Insights logs", 0.5, "cloudwatch.logs.ingest_gb",
     0.25},
    {"Compute", "ComputeMigrationTaskDefinition", "Fargate vCPU (on demand)", 0.5,
     "fargate.x86.vcpu_hour", 0.02},
    {"Compute", "ComputeMigrationTaskDefinition", "Fargate memory (on demand)", 1,
     "fargate.x86.gb_hour", 0.00},
    {"Compute", "ComputeNamespace", "namespace's hosted zone", 1, "route53.hosted_zone.month",
     0.50},
    {"Compute", "ComputeSupertokensService", "Fargate vCPU", 365, "fargate.x86.vcpu_hour", 14.78},
    {"Compute", "ComputeSupertokensService", "Fargate memory", 730, "fargate.x86.gb_hour", 3.24},
    {"Compute", "ComputeSupertokensService", "Cloud Map instances", 1, "cloudmap.instance.month",
     0.10},
    {"Compute", "ComputeWorkerService", "Fargate vCPU", 365, "fargate.x86.vcpu_hour", 14.78},
    {"Compute", "ComputeWorkerService", "Fargate memory", 730, "fargate.x86.gb_hour", 3.24},
    {"Database", "DatabaseCluster", "storage", 10, "aurora.storage.gb_month", 1.00},
    {"Database", "DatabaseCluster", "I/O requests", 5, "aurora.io.million_requests", 1.00},
    {"Database", "DatabaseCluster", "master password secret (managed by RDS)", 1,
     "secretsmanager.secret.month", 0.40},
    // 0.5 GB changed a day × (7 retained days - 1 free) × $0.021 = 0.063
    {"Database", "DatabaseCluster", "backup storage", 3, "aurora.backup.gb_month", 0.06},
    // 20 GB tasks ↔ Aurora × 0.5 across zones × 2 sides × $0.01
    {"Database", "DatabaseCluster", "cross-AZ traffic", 20, "data_transfer.cross_az.gb", 0.20},
    {"Database", "DatabaseWriter", "Aurora Serverless v2 capacity", 365,
     "aurora.serverless_v2.acu_hour", 43.80},  // 0.5 ACU × 730 h × 0.12
    {"LoadBalancer", "LoadBalancer", "Application Load Balancer", 730, "elb.alb.hour",
     16.43},  // 730 × 0.0225 = 16.425
    {"LoadBalancer", "LoadBalancer", "load balancer capacity units", 365, "elb.alb.lcu_hour", 2.92},
    {"LoadBalancer", "LoadBalancer", "public IPv4 (one per AZ)", 1460, "vpc.public_ipv4.hour",
     7.30},
    {"LoadBalancer", "LoadBalancer", "data out to the internet", 10,
     "data_transfer.internet_out.gb", 0.90},  // 10 GB × $0.09
    {"Monitoring", "MonitoringApiLogGroup", "log ingestion", 1, "cloudwatch.logs.ingest_gb", 0.50},
    {"Monitoring", "MonitoringApiLogGroup", "log storage", 7.0 / 30.0,
     "cloudwatch.logs.storage_gb_month", 0.01},
    {"Monitoring", "MonitoringMigrationLogGroup", "log ingestion", 1, "cloudwatch.logs.ingest_gb",
     0.50},
    {"Monitoring", "MonitoringMigrationLogGroup", "log storage", 7.0 / 30.0,
     "cloudwatch.logs.storage_gb_month", 0.01},
    {"Monitoring", "MonitoringSupertokensLogGroup", "log ingestion", 1, "cloudwatch.logs.ingest_gb",
     0.50},
    {"Monitoring", "MonitoringSupertokensLogGroup", "log storage", 7.0 / 30.0,
     "cloudwatch.logs.storage_gb_month", 0.01},
    {"Monitoring", "MonitoringWorkerLogGroup", "log ingestion", 1, "cloudwatch.logs.ingest_gb",
     0.50},
    {"Monitoring", "MonitoringWorkerLogGroup", "log storage", 7.0 / 30.0,
     "cloudwatch.logs.storage_gb_month", 0.01},
    {"Network", "NetworkNatEip1", "public IPv4 address", 730, "vpc.public_ipv4.hour", 3.65},
    {"Network", "NetworkNatGateway1", "NAT gateway", 730, "vpc.nat_gateway.hour", 32.85},
    {"Network", "NetworkNatGateway1", "NAT data processed", 10, "vpc.nat_gateway.gb", 0.45},
    // One gateway, two private route tables through it: half the subnets reach it across
    // zones: 10 GB × 0.5 × 2 sides × $0.01
    {"Network", "NetworkNatGateway1", "cross-AZ traffic", 10, "data_transfer.cross_az.gb", 0.10},
    {"Registry", "RegistryApiRepository", "image storage", 2, "ecr.storage.gb_month", 0.20},
    {"Registry", "RegistryWorkerRepository", "image storage", 2, "ecr.storage.gb_month", 0.20},
    {"Security", "SecuritySupertokensApiKey", "secret", 1, "secretsmanager.secret.month", 0.40},
};

TEST(CostTest, DevFixtureEveryLineMatchesTheHandComputedFigure) {
  CostReport report = EstimateCost(LoadFixture("dev.template.json"), Assumptions());
  ASSERT_EQ(report.items.size(), kDevLines.size());
  for (size_t i = 0; i < kDevLines.size(); ++i) {
    const Line& want = kDevLines[i];
    const CostItem& got = report.items[i];
    SCOPED_TRACE(want.logical_id + " / " + want.item);
    EXPECT_EQ(got.component, want.component);
    EXPECT_EQ(got.logical_id, want.logical_id);
    EXPECT_EQ(got.item, want.item);
    EXPECT_NEAR(got.quantity, want.quantity, 1e-9);
    EXPECT_EQ(got.price_key, want.price_key);
    EXPECT_NEAR(got.monthly, want.monthly, 1e-9);
  }
}

TEST(CostTest, DevFixtureTotalsByComponentAndOverall) {
  CostReport report = EstimateCost(LoadFixture("dev.template.json"), Assumptions());
  EXPECT_NEAR(report.ComponentTotal("Cache"), 11.78, 1e-9);
  EXPECT_NEAR(report.ComponentTotal("Compute"), 76.03, 1e-9);
  EXPECT_NEAR(report.ComponentTotal("Database"), 46.46, 1e-9);
  EXPECT_NEAR(report.ComponentTotal("LoadBalancer"), 27.55, 1e-9);
  EXPECT_NEAR(report.ComponentTotal("Monitoring"), 2.04, 1e-9);
  EXPECT_NEAR(report.ComponentTotal("Network"), 37.05, 1e-9);
  EXPECT_NEAR(report.ComponentTotal("Registry"), 0.40, 1e-9);
  EXPECT_NEAR(report.ComponentTotal("Security"), 0.40, 1e-9);
  EXPECT_NEAR(report.total, 201.71, 1e-9);
  EXPECT_TRUE(report.unpriced.empty()) << report.unpriced.front();
  EXPECT_TRUE(report.notes.empty()) << report.notes.front();
  EXPECT_EQ(report.region, "us-east-1");
  EXPECT_EQ(report.currency, "USD");
}

TEST(CostTest, DevFixtureCountsFreeResources) {
  // Named as rex preview names them (ResourceLabel), with their type.
  CostReport report = EstimateCost(LoadFixture("dev.template.json"), Assumptions());
  EXPECT_THAT(report.free, ::testing::Contains("Network/Vpc (AWS::EC2::VPC)"));
  EXPECT_THAT(report.free, ::testing::Contains("Network/S3Endpoint (AWS::EC2::VPCEndpoint)"));
  EXPECT_THAT(report.free, ::testing::Contains("Security/ExecutionRole (AWS::IAM::Role)"));
  // Task definitions run by a service are priced on the service, not again as one-off tasks.
  EXPECT_THAT(report.free,
              ::testing::Contains("Compute/ApiTaskDefinition (AWS::ECS::TaskDefinition)"));
}

TEST(CostTest, AssumptionOverridesChangeTheirLines) {
  Assumptions assume;
  ASSERT_TRUE(assume.Set("natDataGb", 100).ok());
  ASSERT_TRUE(assume.SetFromText("auroraAverageAcu=1").ok());
  ASSERT_TRUE(assume.SetFromText("albLcu=2").ok());
  ASSERT_TRUE(assume.SetFromText("logIngestGbPerGroup=3").ok());
  CostReport report = EstimateCost(LoadFixture("dev.template.json"), assume);
  EXPECT_NEAR(FindItem(report, "NetworkNatGateway1", "NAT data processed")->monthly, 4.50, 1e-9);
  EXPECT_NEAR(FindItem(report, "DatabaseWriter", "Aurora Serverless v2 capacity")->monthly, 87.60,
              1e-9);
  EXPECT_NEAR(FindItem(report, "LoadBalancer", "load balancer capacity units")->monthly, 11.68,
              1e-9);
  EXPECT_NEAR(FindItem(report, "MonitoringApiLogGroup", "log ingestion")->monthly, 1.50, 1e-9);
  // The NAT's cross-AZ line follows natDataGb: 100 GB × 0.5 × 2 sides × $0.01.
  EXPECT_NEAR(FindItem(report, "NetworkNatGateway1", "cross-AZ traffic")->monthly, 1.00, 1e-9);
  // 201.71 + (4.50 - 0.45) + (87.60 - 43.80) + (11.68 - 2.92) + 4 × (1.50 - 0.50) + 4 × (0.02 -
  // 0.01) for the storage of 3 GB × 7/30 × 0.03 = 0.021, + (1.00 - 0.10) cross-AZ to the NAT.
  EXPECT_NEAR(report.total, 201.71 + 4.05 + 43.80 + 8.76 + 4.00 + 0.04 + 0.90, 1e-9);
  bool listed = false;
  for (const AssumptionUse& a : report.assumptions) {
    if (a.key == "natDataGb") {
      listed = true;
      EXPECT_TRUE(a.overridden);
      EXPECT_EQ(a.value, "100");
    }
    if (a.key == "hoursPerMonth") {
      EXPECT_FALSE(a.overridden);
    }
  }
  EXPECT_TRUE(listed);
}

TEST(CostTest, TransferBackupAndSnapshotAssumptionsChangeTheirLines) {
  Assumptions assume;
  ASSERT_TRUE(assume.SetFromText("dataTransferOutGb=1000").ok());
  ASSERT_TRUE(assume.SetFromText("crossAzShare=1").ok());
  ASSERT_TRUE(assume.SetFromText("auroraTrafficGb=100").ok());
  ASSERT_TRUE(assume.SetFromText("redisTrafficGb=50").ok());
  ASSERT_TRUE(assume.SetFromText("auroraBackupChangeGbPerDay=10").ok());
  CostReport report = EstimateCost(LoadFixture("dev.template.json"), assume);
  // 1000 GB × $0.09
  EXPECT_NEAR(FindItem(report, "LoadBalancer", "data out to the internet")->monthly, 90.00, 1e-9);
  // 100 GB × 1 (every byte crosses) × 2 sides × $0.01
  EXPECT_NEAR(FindItem(report, "DatabaseCluster", "cross-AZ traffic")->monthly, 2.00, 1e-9);
  EXPECT_NEAR(FindItem(report, "CacheReplicationGroup", "cross-AZ traffic")->monthly, 1.00, 1e-9);
  // 10 GB a day × 6 billed days × $0.021
  EXPECT_NEAR(FindItem(report, "DatabaseCluster", "backup storage")->monthly, 1.26, 1e-9);
  // The NAT's share comes from the routes, not from crossAzShare.
  EXPECT_NEAR(FindItem(report, "NetworkNatGateway1", "cross-AZ traffic")->monthly, 0.10, 1e-9);
  for (const char* key : {"dataTransferOutGb", "crossAzShare", "auroraTrafficGb", "redisTrafficGb",
                          "auroraBackupChangeGbPerDay", "redisSnapshotGb"}) {
    bool listed = false;
    for (const AssumptionUse& a : report.assumptions) {
      if (a.key == key) {
        listed = true;
        EXPECT_EQ(a.overridden, std::string(key) != "redisSnapshotGb") << key;
      }
    }
    EXPECT_TRUE(listed) << key;
  }
}

TEST(CostTest, SnapshotsBeyondTheFreeOneAndGatewaysPerZone) {
  base::Json t = Template({
      {"Cache",
       {{"Type", "AWS::ElastiCache::ReplicationGroup"},
        {"Properties",
         {{"CacheNodeType", "cache.t4g.micro"},
          {"NumNodeGroups", 2},
          {"ReplicasPerNodeGroup", 1},
          {"SnapshotRetentionLimit", 7}}}}},
      {"Db",
       {{"Type", "AWS::RDS::DBCluster"},
        {"Properties", {{"Engine", "aurora-postgresql"}, {"BackupRetentionPeriod", 1}}}}},
      {"Nat1", {{"Type", "AWS::EC2::NatGateway"}}},
      {"Nat2", {{"Type", "AWS::EC2::NatGateway"}}},
      {"Route1",
       {{"Type", "AWS::EC2::Route"}, {"Properties", {{"NatGatewayId", {{"Ref", "Nat1"}}}}}}},
      {"Route2",
       {{"Type", "AWS::EC2::Route"}, {"Properties", {{"NatGatewayId", {{"Ref", "Nat2"}}}}}}},
  });
  Assumptions assume;
  ASSERT_TRUE(assume.SetFromText("redisSnapshotGb=2").ok());
  CostReport report = EstimateCost(t, assume);
  // 2 GB × (7 - 1) snapshots × 2 shards × $0.085
  const CostItem* snapshots = FindItem(report, "Cache", "snapshot storage");
  ASSERT_NE(snapshots, nullptr);
  EXPECT_NEAR(snapshots->quantity, 24, 1e-9);
  EXPECT_NEAR(snapshots->monthly, 2.04, 1e-9);
  EXPECT_THAT(snapshots->basis, HasSubstr("7 kept, 1 free"));
  // A one-day retention is free.
  EXPECT_NEAR(FindItem(report, "Db", "backup storage")->monthly, 0, 1e-9);
  // One gateway per route table: nothing crosses zones to reach a NAT.
  EXPECT_EQ(FindItem(report, "Nat1", "cross-AZ traffic"), nullptr);
  EXPECT_EQ(FindItem(report, "Nat2", "cross-AZ traffic"), nullptr);
}

TEST(CostTest, HoursPerMonthScalesEveryAlwaysOnLine) {
  Assumptions assume;
  ASSERT_TRUE(assume.Set("hoursPerMonth", 100).ok());
  CostReport report = EstimateCost(LoadFixture("dev.template.json"), assume);
  EXPECT_NEAR(FindItem(report, "NetworkNatGateway1", "NAT gateway")->monthly, 4.50, 1e-9);
  EXPECT_NEAR(FindItem(report, "NetworkNatEip1", "public IPv4 address")->monthly, 0.50, 1e-9);
  EXPECT_NEAR(FindItem(report, "DatabaseWriter", "Aurora Serverless v2 capacity")->monthly, 6.00,
              1e-9);
}

TEST(CostTest, AssumptionErrors) {
  Assumptions assume;
  base::Status unknown = assume.Set("natDataGB", 1);
  EXPECT_EQ(unknown.code(), base::Code::kInvalidArgument);
  EXPECT_EQ(unknown.message(),
            "unknown cost assumption \"natDataGB\"; did you mean \"natDataGb\"?");
  EXPECT_EQ(assume.Set("natDataGb", -1).message(),
            "cost assumption natDataGb must be a number of 0 or more");
  EXPECT_EQ(assume.SetFromText("natDataGb").message(),
            "--assume takes KEY=VALUE, got \"natDataGb\"");
  EXPECT_EQ(assume.SetFromText("natDataGb=ten").message(),
            "--assume natDataGb: \"ten\" is not a number");
  EXPECT_EQ(assume.SetFromText("zzzz=1").message(),
            "unknown cost assumption \"zzzz\"; \"rex cost\" lists the keys");
  EXPECT_TRUE(assume.overrides().empty());
}

TEST(CostTest, AuroraMinCapacityIsTheDefaultAverageAndIoOptimizedHasItsOwnPrices) {
  base::Json t = Template({
      {"Db",
       {{"Type", "AWS::RDS::DBCluster"},
        {"Properties",
         {{"Engine", "aurora-postgresql"},
          {"StorageType", "aurora-iopt1"},
          {"ServerlessV2ScalingConfiguration", {{"MinCapacity", 2}, {"MaxCapacity", 8}}}}}}},
      {"Writer",
       {{"Type", "AWS::RDS::DBInstance"},
        {"Properties",
         {{"DBClusterIdentifier", {{"Ref", "Db"}}}, {"DBInstanceClass", "db.serverless"}}}}},
      {"Reader",
       {{"Type", "AWS::RDS::DBInstance"},
        {"Properties",
         {{"DBClusterIdentifier", {{"Ref", "Db"}}}, {"DBInstanceClass", "db.r6g.large"}}}}},
  });
  CostReport report = EstimateCost(t, Assumptions());
  const CostItem* writer =
      FindItem(report, "Writer", "Aurora Serverless v2 capacity (I/O-Optimized)");
  ASSERT_NE(writer, nullptr);
  EXPECT_NEAR(writer->monthly, 2 * 730 * 0.156, 1e-9);  // 227.76
  EXPECT_NEAR(FindItem(report, "Db", "storage (I/O-Optimized)")->monthly, 2.25, 1e-9);
  EXPECT_EQ(FindItem(report, "Db", "I/O requests"), nullptr);  // included in I/O-Optimized
  EXPECT_THAT(report.unpriced, ElementsAre("Reader (AWS::RDS::DBInstance)"));
  EXPECT_THAT(report.notes, ElementsAre(HasSubstr("db.r6g.large is not in the price table")));
}

TEST(CostTest, AutoPauseMinimumIsPricedAsHalfAnAcuWithANote) {
  base::Json t = Template({
      {"Db",
       {{"Type", "AWS::RDS::DBCluster"},
        {"Properties",
         {{"Engine", "aurora-postgresql"},
          {"ServerlessV2ScalingConfiguration", {{"MinCapacity", 0}, {"MaxCapacity", 2}}}}}}},
      {"Writer",
       {{"Type", "AWS::RDS::DBInstance"},
        {"Properties",
         {{"DBClusterIdentifier", {{"Ref", "Db"}}}, {"DBInstanceClass", "db.serverless"}}}}},
  });
  CostReport report = EstimateCost(t, Assumptions());
  EXPECT_NEAR(FindItem(report, "Writer", "Aurora Serverless v2 capacity")->monthly, 43.80, 1e-9);
  EXPECT_THAT(report.notes, ElementsAre(HasSubstr("MinCapacity is 0 (auto-pause)")));
}

TEST(CostTest, CacheNodesFollowReplicasAndNodeGroups) {
  base::Json t = Template({
      {"Replicated",
       {{"Type", "AWS::ElastiCache::ReplicationGroup"},
        {"Properties", {{"CacheNodeType", "cache.r7g.large"}, {"NumCacheClusters", 2}}}}},
      {"Sharded",
       {{"Type", "AWS::ElastiCache::ReplicationGroup"},
        {"Properties",
         {{"CacheNodeType", "cache.t4g.small"},
          {"NumNodeGroups", 3},
          {"ReplicasPerNodeGroup", 1}}}}},
      {"Odd",
       {{"Type", "AWS::ElastiCache::ReplicationGroup"},
        {"Properties", {{"CacheNodeType", "cache.x9.huge"}}}}},
  });
  CostReport report = EstimateCost(t, Assumptions());
  EXPECT_NEAR(FindItem(report, "Replicated", "cache.r7g.large nodes")->monthly, 2 * 730 * 0.219,
              0.005);  // 319.74
  const CostItem* sharded = FindItem(report, "Sharded", "cache.t4g.small nodes");
  EXPECT_NEAR(sharded->quantity, 6 * 730, 1e-9);
  EXPECT_NEAR(sharded->monthly, 140.16, 1e-9);
  EXPECT_THAT(report.unpriced, ElementsAre("Odd (AWS::ElastiCache::ReplicationGroup)"));
}

TEST(CostTest, FargateArmEphemeralStoragePublicIpAndScaledServices) {
  base::Json t = Template({
      {"Td",
       {{"Type", "AWS::ECS::TaskDefinition"},
        {"Properties",
         {{"Cpu", "1024"},
          {"Memory", "2048"},
          {"RequiresCompatibilities", {"FARGATE"}},
          {"RuntimePlatform", {{"CpuArchitecture", "ARM64"}, {"OperatingSystemFamily", "LINUX"}}},
          {"EphemeralStorage", {{"SizeInGiB", 30}}}}}}},
      {"Svc",
       {{"Type", "AWS::ECS::Service"},
        {"Properties",
         {{"LaunchType", "FARGATE"},
          {"TaskDefinition", {{"Ref", "Td"}}},
          {"NetworkConfiguration", {{"AwsvpcConfiguration", {{"AssignPublicIp", "ENABLED"}}}}}}}}},
      {"Scaling",
       {{"Type", "AWS::ApplicationAutoScaling::ScalableTarget"},
        {"Properties",
         {{"MinCapacity", 2},
          {"MaxCapacity", 10},
          {"ResourceId",
           {{"Fn::Join", {"/", {"service", "cluster", {{"Fn::GetAtt", {"Svc", "Name"}}}}}}}}}}}},
  });
  CostReport report = EstimateCost(t, Assumptions());
  // Two tasks (the scalable target's minimum) × 730 h.
  EXPECT_NEAR(FindItem(report, "Svc", "Fargate vCPU")->monthly, 2 * 730 * 1 * 0.03238, 0.005);
  EXPECT_EQ(FindItem(report, "Svc", "Fargate vCPU")->price_key, "fargate.arm.vcpu_hour");
  EXPECT_NEAR(FindItem(report, "Svc", "Fargate memory")->monthly, 2 * 730 * 2 * 0.00356, 0.005);
  EXPECT_NEAR(FindItem(report, "Svc", "Fargate ephemeral storage")->quantity, 2 * 730 * 10, 1e-9);
  EXPECT_NEAR(FindItem(report, "Svc", "public IPv4 addresses of tasks")->monthly, 7.30, 1e-9);
  EXPECT_TRUE(report.notes.empty());
}

TEST(CostTest, NumbersAreReadThroughParameterDefaults) {
  base::Json t = {
      {"Parameters", {{"Count", {{"Type", "Number"}, {"Default", 3}}}}},
      {"Resources",
       {{"Td",
         {{"Type", "AWS::ECS::TaskDefinition"},
          {"Properties",
           {{"Cpu", "256"}, {"Memory", "512"}, {"RequiresCompatibilities", {"FARGATE"}}}}}},
        {"Svc",
         {{"Type", "AWS::ECS::Service"},
          {"Properties",
           {{"LaunchType", "FARGATE"},
            {"DesiredCount", {{"Ref", "Count"}}},
            {"TaskDefinition", {{"Ref", "Td"}}}}}}}}},
  };
  CostReport report = EstimateCost(t, Assumptions());
  EXPECT_NEAR(FindItem(report, "Svc", "Fargate vCPU")->quantity, 3 * 730 * 0.25, 1e-9);
}

TEST(CostTest, UnreadableDesiredCountFallsBackToOneTaskWithANote) {
  base::Json t = Template({
      {"Td",
       {{"Type", "AWS::ECS::TaskDefinition"},
        {"Properties", {{"Cpu", "512"}, {"Memory", "1024"}}}}},
      {"Svc",
       {{"Type", "AWS::ECS::Service"},
        {"Properties",
         {{"LaunchType", "FARGATE"},
          {"DesiredCount", {{"Fn::If", {"Prod", 4, 1}}}},
          {"TaskDefinition", {{"Ref", "Td"}}}}}}},
  });
  CostReport report = EstimateCost(t, Assumptions());
  EXPECT_NEAR(FindItem(report, "Svc", "Fargate vCPU")->quantity, 365, 1e-9);
  EXPECT_THAT(report.notes,
              ElementsAre("Svc: DesiredCount is not set or not a literal; assumed 1 task"));
}

TEST(CostTest, FrontendWafDnsKeysAlarmsEndpointsAndTopics) {
  base::Json t = Template({
      {"Branch", {{"Type", "AWS::Amplify::Branch"}, {"Properties", {{"EnableAutoBuild", true}}}}},
      {"Acl",
       {{"Type", "AWS::WAFv2::WebACL"},
        {"Properties",
         {{"Scope", "REGIONAL"}, {"Rules", {{{"Name", "a"}}, {{"Name", "b"}}, {{"Name", "c"}}}}}}}},
      {"Zone", {{"Type", "AWS::Route53::HostedZone"}, {"Properties", {{"Name", "example.com"}}}}},
      {"Key", {{"Type", "AWS::KMS::Key"}, {"Properties", base::Json::object()}}},
      {"Alarm", {{"Type", "AWS::CloudWatch::Alarm"}, {"Properties", base::Json::object()}}},
      {"Endpoint",
       {{"Type", "AWS::EC2::VPCEndpoint"},
        {"Properties", {{"VpcEndpointType", "Interface"}, {"SubnetIds", {"a", "b"}}}}}},
      {"Topic", {{"Type", "AWS::SNS::Topic"}, {"Properties", base::Json::object()}}},
      {"Logs", {{"Type", "AWS::Logs::LogGroup"}, {"Properties", base::Json::object()}}},
      {"Mystery", {{"Type", "AWS::Bedrock::Agent"}, {"Properties", base::Json::object()}}},
  });
  CostReport report = EstimateCost(t, Assumptions());
  EXPECT_NEAR(FindItem(report, "Branch", "builds")->monthly, 1.00, 1e-9);
  EXPECT_NEAR(FindItem(report, "Branch", "hosting storage")->monthly, 0.02, 1e-9);
  EXPECT_NEAR(FindItem(report, "Branch", "data served")->monthly, 0.75, 1e-9);
  EXPECT_NEAR(FindItem(report, "Acl", "web ACL")->monthly, 5.00, 1e-9);
  EXPECT_NEAR(FindItem(report, "Acl", "rules and managed rule groups")->monthly, 3.00, 1e-9);
  EXPECT_NEAR(FindItem(report, "Acl", "requests inspected")->monthly, 0.60, 1e-9);
  EXPECT_NEAR(FindItem(report, "Zone", "hosted zone")->monthly, 0.50, 1e-9);
  EXPECT_NEAR(FindItem(report, "Zone", "DNS queries")->monthly, 0.40, 1e-9);
  EXPECT_NEAR(FindItem(report, "Key", "KMS key")->monthly, 1.00, 1e-9);
  EXPECT_NEAR(FindItem(report, "Alarm", "metric alarm")->monthly, 0.10, 1e-9);
  EXPECT_NEAR(FindItem(report, "Endpoint", "interface endpoint")->monthly, 14.60, 1e-9);
  EXPECT_NEAR(FindItem(report, "Topic", "publishes beyond the free tier")->monthly, 0.00, 1e-9);
  // No retention: a year of logs is stored. 12 × 1 GB × 0.03.
  EXPECT_NEAR(FindItem(report, "Logs", "log storage")->monthly, 0.36, 1e-9);
  EXPECT_THAT(report.unpriced, ElementsAre("Mystery (AWS::Bedrock::Agent)"));
}

TEST(CostTest, BucketsQueuesAndSchedulesArePricedAndTheirPoliciesAreFree) {
  base::Json t = Template({
      {"Uploads", {{"Type", "AWS::S3::Bucket"}, {"Properties", base::Json::object()}}},
      {"UploadsPolicy", {{"Type", "AWS::S3::BucketPolicy"}, {"Properties", base::Json::object()}}},
      {"Tasks", {{"Type", "AWS::SQS::Queue"}, {"Properties", base::Json::object()}}},
      {"Ordered", {{"Type", "AWS::SQS::Queue"}, {"Properties", {{"FifoQueue", true}}}}},
      {"TasksPolicy", {{"Type", "AWS::SQS::QueuePolicy"}, {"Properties", base::Json::object()}}},
      {"Nightly", {{"Type", "AWS::Scheduler::Schedule"}, {"Properties", base::Json::object()}}},
  });
  CostReport report = EstimateCost(t, Assumptions());
  // 1 GB × $0.023; 10 thousand writes × $0.005; 100 thousand reads × $0.0004.
  EXPECT_NEAR(FindItem(report, "Uploads", "storage (S3 Standard)")->monthly, 0.02, 1e-9);
  EXPECT_NEAR(FindItem(report, "Uploads", "writes (PUT, COPY, POST, LIST)")->monthly, 0.05, 1e-9);
  EXPECT_NEAR(FindItem(report, "Uploads", "reads (GET)")->monthly, 0.04, 1e-9);
  // Within the free tiers by default; the price key follows the queue's kind.
  EXPECT_EQ(FindItem(report, "Tasks", "requests beyond the free tier")->price_key,
            "sqs.standard.million_requests");
  EXPECT_EQ(FindItem(report, "Ordered", "requests beyond the free tier")->price_key,
            "sqs.fifo.million_requests");
  EXPECT_NEAR(FindItem(report, "Nightly", "invocations beyond the free tier")->monthly, 0, 1e-9);
  EXPECT_TRUE(report.unpriced.empty()) << report.unpriced.front();
  EXPECT_THAT(report.free, ElementsAre("TasksPolicy (AWS::SQS::QueuePolicy)",
                                       "UploadsPolicy (AWS::S3::BucketPolicy)"));

  Assumptions busy;
  ASSERT_TRUE(busy.Set("sqsMillionRequestsPerQueue", 3).ok());
  ASSERT_TRUE(busy.Set("schedulerMillionInvocations", 2).ok());
  CostReport priced = EstimateCost(t, busy);
  EXPECT_NEAR(FindItem(priced, "Tasks", "requests beyond the free tier")->monthly, 1.20, 1e-9);
  EXPECT_NEAR(FindItem(priced, "Ordered", "requests beyond the free tier")->monthly, 1.50, 1e-9);
  EXPECT_NEAR(FindItem(priced, "Nightly", "invocations beyond the free tier")->monthly, 2.00, 1e-9);
}

TEST(CostTest, EmptyOrMalformedTemplatesGiveAnEmptyReport) {
  EXPECT_TRUE(EstimateCost(base::Json::array(), Assumptions()).items.empty());
  CostReport report = EstimateCost(base::Json{{"Resources", 3}}, Assumptions());
  EXPECT_TRUE(report.items.empty());
  EXPECT_EQ(report.total, 0);
  EXPECT_FALSE(report.assumptions.empty());
}

TEST(CostTest, ReportJsonCarriesItemsTotalsAndAssumptions) {
  base::Json json = CostReportToJson(EstimateCost(LoadFixture("dev.template.json"), Assumptions()));
  EXPECT_NEAR(json["total"].get<double>(), 201.71, 1e-9);
  EXPECT_NEAR(json["byComponent"]["Network"].get<double>(), 37.05, 1e-9);
  EXPECT_EQ(json["items"].size(), kDevLines.size());
  EXPECT_EQ(json["items"][0]["logicalId"], "CacheReplicationGroup");
  EXPECT_EQ(json["items"][0]["label"], "Cache/ReplicationGroup");
  EXPECT_EQ(json["items"][0]["path"], "Rex/Cache/ReplicationGroup");
  EXPECT_EQ(json["items"][0]["unitPrice"], 0.016);
  EXPECT_EQ(json["items"][0]["priceKey"], "elasticache.node_hour.cache.t4g.micro");
  EXPECT_EQ(json["pricingAsOf"], "2026-11-26");
  EXPECT_EQ(json["assumptions"][1]["key"], "auroraAverageAcu");
  EXPECT_EQ(json["assumptions"][1]["value"], "the cluster's MinCapacity");
}

TEST(PricingTest, BuiltInTableNamesASourceAndDateForEveryPrice) {
  const PricingTable& table = BuiltInPricing();
  EXPECT_EQ(table.region, "us-east-1");
  EXPECT_GE(table.prices.size(), 40u);
  for (const auto& [key, price] : table.prices) {
    SCOPED_TRACE(key);
    EXPECT_THAT(price.source_url, ::testing::StartsWith("https://aws.amazon.com/"));
    EXPECT_EQ(price.entered.size(), 10u);
    EXPECT_FALSE(price.unit.empty());
  }
  for (const char* node :
       {"cache.t4g.micro", "cache.t4g.small", "cache.t4g.medium", "cache.t3.micro",
        "cache.t3.small", "cache.t3.medium", "cache.r7g.large"}) {
    EXPECT_NE(table.Find(std::string("elasticache.node_hour.") + node), nullptr) << node;
  }
  EXPECT_NEAR(table.Find("vpc.public_ipv4.hour")->usd, 0.005, 1e-12);
}

TEST(PricingTest, ParseErrorsNameTheEntry) {
  base::Json sources = {{"s", {{"url", "https://aws.amazon.com/x/"}, {"entered", "2026-01-01"}}}};
  auto no_usd =
      ParsePricing({{"sources", sources}, {"prices", {{"a.b", {{"unit", "h"}, {"source", "s"}}}}}});
  EXPECT_EQ(no_usd.error().message(), "price table: a.b: \"usd\" must be a number");
  auto negative = ParsePricing(
      {{"sources", sources}, {"prices", {{"a.b", {{"usd", -1}, {"unit", "h"}, {"source", "s"}}}}}});
  EXPECT_EQ(negative.error().message(), "price table: a.b: \"usd\" is negative");
  auto unknown = ParsePricing(
      {{"sources", sources}, {"prices", {{"a.b", {{"usd", 1}, {"unit", "h"}, {"source", "t"}}}}}});
  EXPECT_EQ(unknown.error().message(),
            "price table: a.b: source \"t\" is not defined in \"sources\"");
  auto ok = ParsePricing({{"sources", sources},
                          {"prices", {{"a.b", {{"usd", 1.5}, {"unit", "h"}, {"source", "s"}}}}}});
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->Find("a.b")->entered, "2026-01-01");
}

TEST(CostFormatTest, MoneyPricesAndQuantities) {
  EXPECT_EQ(FormatUsd(200.35), "$200.35");
  EXPECT_EQ(FormatUsd(1234.5), "$1,234.50");
  EXPECT_EQ(FormatUsd(0), "$0.00");
  EXPECT_EQ(FormatUsd(-3.2), "-$3.20");
  EXPECT_EQ(FormatUnitPrice(0.04048), "$0.04048");
  EXPECT_EQ(FormatUnitPrice(0.1), "$0.10");
  EXPECT_EQ(FormatUnitPrice(0.004445), "$0.004445");
  EXPECT_EQ(FormatQuantity(365), "365");
  EXPECT_EQ(FormatQuantity(0.5), "0.5");
  EXPECT_EQ(FormatQuantity(7.0 / 3.0), "2.333");
}

}  // namespace
}  // namespace rex::tmpl
