#include "stack/monitoring.h"

#include <gtest/gtest.h>

#include <string>

#include "core/stack.h"
#include "support/template_matcher.h"

namespace rex::stack {
namespace {

using base::Json;
using rex::testing::FindResources;
using rex::testing::HasResourceProperties;
using rex::testing::PropertiesOf;
using rex::testing::ResourceCountIs;
using rex::testing::ResourcesOfType;

AlarmsProps Tokens() {
  return AlarmsProps{
      .load_balancer_full_name = core::Str("app/rex-backend-dev-alb/0123456789abcdef"),
      .db_cluster_identifier = core::Str("rex-backend-dev-db"),
      .redis_replication_group_id = core::Str("rex-backend-dev-redis"),
  };
}

base::Result<core::Template> SynthMonitoring(const config::Config& config, bool add_alarms = true,
                                             AlarmsProps alarms = Tokens()) {
  core::App app;
  auto& stack = app.Add<core::Stack>("Rex");
  auto& monitoring = stack.Add<Monitoring>("Monitoring", MonitoringProps{.config = &config});
  if (add_alarms) monitoring.AddAlarms(std::move(alarms));
  return stack.Synthesize();
}

Json Synth(const config::Config& config) {
  auto result = SynthMonitoring(config);
  EXPECT_TRUE(result.has_value()) << result.error().message();
  return result.has_value() ? result->json : Json();
}

config::Config WithAlarms() {
  config::Config config;
  config.enable_alarms = true;
  return config;
}

// The services' own log groups are made by their FargateServices (tests/stack/compute_test.cc
// and tests/constructs/fargate_service_test.cc); Monitoring keeps the one-off tasks' groups.
TEST(MonitoringTest, OneOffTaskLogGroupsHaveTheConfiguredRetention) {
  config::Config config;
  config.log_retention_days = 30;
  Json t = Synth(config);
  auto groups = ResourcesOfType(t, "AWS::Logs::LogGroup");
  ASSERT_EQ(groups.size(), 2u);
  for (const auto& id : groups) {
    EXPECT_EQ(PropertiesOf(t, id)["RetentionInDays"], 30) << id;
    EXPECT_EQ(t["Resources"][id]["DeletionPolicy"], "Delete") << id;
  }
  for (const char* service : {"migration", "bootstrap"}) {
    EXPECT_TRUE(HasResourceProperties(
        t, "AWS::Logs::LogGroup",
        Json{{"LogGroupName", std::string("/ecs/rex-backend-dev-") + service}}))
        << service;
  }
}

TEST(MonitoringTest, AccessorsReferenceTheLogGroups) {
  config::Config config;
  core::App app;
  auto& stack = app.Add<core::Stack>("Rex");
  auto& monitoring = stack.Add<Monitoring>("Monitoring", MonitoringProps{.config = &config});
  EXPECT_EQ(monitoring.bootstrap_log_group_name().value().json(),
            Json::parse(R"({"Ref": "MonitoringBootstrapLogGroup"})"));
  auto arns = monitoring.log_group_arns();
  ASSERT_EQ(arns.size(), 2u);
  EXPECT_EQ(arns[0].value().json(),
            Json::parse(R"({"Fn::GetAtt": ["MonitoringMigrationLogGroup", "Arn"]})"));
  EXPECT_FALSE(monitoring.alarm_topic_arn().has_value());
}

TEST(MonitoringTest, NoTopicOrAlarmsUnlessEnabled) {
  config::Config config;
  config.alert_email = "ops@example.com";  // ignored without enableAlarms
  Json t = Synth(config);
  EXPECT_TRUE(ResourceCountIs(t, "AWS::SNS::Topic", 0));
  EXPECT_TRUE(ResourceCountIs(t, "AWS::SNS::Subscription", 0));
  EXPECT_TRUE(ResourceCountIs(t, "AWS::CloudWatch::Alarm", 0));
}

TEST(MonitoringTest, TopicAndEmailSubscription) {
  Json no_email = Synth(WithAlarms());
  EXPECT_TRUE(HasResourceProperties(no_email, "AWS::SNS::Topic",
                                    Json::parse(R"({"TopicName": "rex-backend-dev-alarms"})")));
  // No KMS key: CloudWatch cannot publish to a topic under alias/aws/sns.
  EXPECT_FALSE(PropertiesOf(no_email, "MonitoringAlarmTopic").contains("KmsMasterKeyId"));
  EXPECT_TRUE(ResourceCountIs(no_email, "AWS::SNS::Subscription", 0));

  config::Config config = WithAlarms();
  config.alert_email = "ops@example.com";
  EXPECT_TRUE(HasResourceProperties(Synth(config), "AWS::SNS::Subscription",
                                    Json::parse(R"({"Protocol": "email",
      "Endpoint": "ops@example.com", "TopicArn": {"Ref": "MonitoringAlarmTopic"}})")));
}

TEST(MonitoringTest, TheTopicAcceptsTlsOnlyAndCloudWatchAlarmsOfTheAccount) {
  Json t = Synth(WithAlarms());
  ASSERT_TRUE(ResourceCountIs(t, "AWS::SNS::TopicPolicy", 1));
  Json policy = PropertiesOf(t, "MonitoringAlarmTopicPolicy");
  EXPECT_EQ(policy["Topics"], Json::parse(R"([{"Ref": "MonitoringAlarmTopic"}])"));
  const Json& statements = policy["PolicyDocument"]["Statement"];
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_EQ(statements[0]["Principal"], Json::parse(R"({"Service": "cloudwatch.amazonaws.com"})"));
  EXPECT_EQ(statements[0]["Action"], "sns:Publish");
  EXPECT_EQ(statements[0]["Condition"]["StringEquals"]["aws:SourceAccount"],
            Json::parse(R"({"Ref": "AWS::AccountId"})"));
  EXPECT_EQ(statements[1]["Effect"], "Deny");
  EXPECT_EQ(statements[1]["Principal"], "*");
  EXPECT_EQ(statements[1]["Action"], Json::parse(R"(["sns:Publish", "sns:Subscribe"])"));
  EXPECT_EQ(statements[1]["Condition"]["Bool"]["aws:SecureTransport"], "false");
  // Without alarms there is no topic and no policy.
  EXPECT_TRUE(ResourceCountIs(Synth(config::Config{}), "AWS::SNS::TopicPolicy", 0));
}

TEST(MonitoringTest, EveryAlarmNotifiesTheTopic) {
  Json t = Synth(WithAlarms());
  auto alarms = ResourcesOfType(t, "AWS::CloudWatch::Alarm");
  // 2 x 5xx + DB connections and ACU + 1 node (the services' alarms are their FargateServices').
  ASSERT_EQ(alarms.size(), 5u);
  Json topic = Json::array({Json{{"Ref", "MonitoringAlarmTopic"}}});
  for (const auto& id : alarms) {
    Json props = PropertiesOf(t, id);
    EXPECT_EQ(props["AlarmActions"], topic) << id;
    EXPECT_EQ(props["OKActions"], topic) << id;
    EXPECT_EQ(props["TreatMissingData"], "notBreaching") << id;
    EXPECT_EQ(props["ComparisonOperator"], "GreaterThanOrEqualToThreshold") << id;
    EXPECT_EQ(props["AlarmName"].get<std::string>().rfind("rex-backend-dev-", 0), 0u) << id;
  }
}

TEST(MonitoringTest, LoadBalancerAlarms) {
  Json t = Synth(WithAlarms());
  for (const char* metric : {"HTTPCode_ELB_5XX_Count", "HTTPCode_Target_5XX_Count"}) {
    EXPECT_TRUE(HasResourceProperties(t, "AWS::CloudWatch::Alarm",
                                      Json{{"Namespace", "AWS/ApplicationELB"},
                                           {"MetricName", metric},
                                           {"Statistic", "Sum"},
                                           {"Threshold", 10},
                                           {"Dimensions", Json::parse(R"([{"Name": "LoadBalancer",
                                             "Value": "app/rex-backend-dev-alb/0123456789abcdef"}])")}}))
        << metric;
  }
  EXPECT_TRUE(ResourceCountIs(t, "AWS::CloudWatch::Alarm", 5));
  EXPECT_TRUE(FindResources(t, "AWS::CloudWatch::Alarm", Json{{"MetricName", "UnHealthyHostCount"}})
                  .empty());
}

TEST(MonitoringTest, DatabaseAlarms) {
  Json t = Synth(WithAlarms());
  EXPECT_TRUE(HasResourceProperties(t, "AWS::CloudWatch::Alarm", Json::parse(R"({
      "Namespace": "AWS/RDS", "MetricName": "DatabaseConnections", "Threshold": 360,
      "Dimensions": [{"Name": "DBClusterIdentifier", "Value": "rex-backend-dev-db"}]})")));
  EXPECT_TRUE(HasResourceProperties(t, "AWS::CloudWatch::Alarm", Json::parse(R"({
      "Namespace": "AWS/RDS", "MetricName": "ACUUtilization", "Threshold": 90,
      "Dimensions": [{"Name": "DBClusterIdentifier", "Value": "rex-backend-dev-db"}]})")));

  AlarmsProps tokens = Tokens();
  tokens.db_connections_threshold = 50;
  auto custom = SynthMonitoring(WithAlarms(), true, tokens);
  ASSERT_TRUE(custom.has_value()) << custom.error().message();
  EXPECT_EQ(PropertiesOf(custom->json, "MonitoringDbConnectionsAlarm")["Threshold"], 50);
}

TEST(MonitoringTest, EstimatedMaxConnections) {
  EXPECT_EQ(EstimatedMaxConnections(0.5), 112);
  EXPECT_EQ(EstimatedMaxConnections(1), 225);
  EXPECT_EQ(EstimatedMaxConnections(2), 450);
  EXPECT_EQ(EstimatedMaxConnections(16), 3604);
  EXPECT_EQ(EstimatedMaxConnections(64), 5000);
}

TEST(MonitoringTest, CacheMemoryPerReplicationGroupMember) {
  config::Config config = WithAlarms();
  config.redis_num_replicas = 1;
  Json t = Synth(config);
  auto nodes = FindResources(t, "AWS::CloudWatch::Alarm",
                             Json{{"MetricName", "DatabaseMemoryUsagePercentage"}});
  ASSERT_EQ(nodes.size(), 2u);
  EXPECT_TRUE(HasResourceProperties(t, "AWS::CloudWatch::Alarm", Json::parse(R"({
      "Namespace": "AWS/ElastiCache", "MetricName": "DatabaseMemoryUsagePercentage",
      "Threshold": 80, "AlarmName": "rex-backend-dev-redis-002-memory-high",
      "Dimensions": [{"Name": "CacheClusterId", "Value": "rex-backend-dev-redis-002"}]})")));
}

TEST(MonitoringTest, MissingTokensAreErrorsOnlyWhenAlarmsAreOn) {
  EXPECT_TRUE(SynthMonitoring(config::Config{}, true, AlarmsProps{}).has_value());
  auto result = SynthMonitoring(WithAlarms(), true, AlarmsProps{});
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message().find(
                "error: Rex/Monitoring: load_balancer_full_name is required when enableAlarms is "
                "true"),
            std::string::npos);
  EXPECT_NE(result.error().message().find("redis_replication_group_id is required"),
            std::string::npos);
}

}  // namespace
}  // namespace rex::stack
