#include "stack/monitoring.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "constructs/alarm.h"
#include "constructs/iam_policy.h"
#include "core/intrinsics.h"

namespace rex::stack {
namespace {

using core::List;
using core::Str;

const config::Config& ConfigOrDefault(const config::Config* config) {
  static const config::Config kDefault;
  return config != nullptr ? *config : kDefault;
}

}  // namespace

int EstimatedMaxConnections(double max_acu) {
  constexpr double kBytesPerAcu = 2.0 * 1024 * 1024 * 1024;
  double connections = std::floor(max_acu * kBytesPerAcu / 9531392.0);
  return static_cast<int>(std::min(connections, 5000.0));
}

Monitoring::Monitoring(core::Construct& scope, std::string id, MonitoringProps props)
    : core::Construct(scope, std::move(id)), props_(std::move(props)) {
  if (props_.config == nullptr) AddError("config is required; pass the stack's Config");
  const config::Config& config = ConfigOrDefault(props_.config);
  prefix_ = config.project_name + "-" + config.environment;

  migration_logs_ = &AddLogGroup("MigrationLogGroup", "migration");
  bootstrap_logs_ = &AddLogGroup("BootstrapLogGroup", "bootstrap");

  if (!config.enable_alarms) return;
  topic_ = &Add<cfn::sns::CfnTopic>("AlarmTopic", cfn::sns::CfnTopicProps{
                                                      .display_name = prefix_ + " alarms",
                                                      .topic_name = prefix_ + "-alarms",
                                                  });
  // TLS only (cdk-nag AwsSolutions-SNS3): publishing or subscribing over plain HTTP is
  // denied. A topic policy replaces SNS's default one, so it also lets CloudWatch alarms of
  // this account publish (the account's own principals keep their IAM permissions). Adding
  // or changing a topic policy does not replace the topic.
  core::Value topic_arn = topic_->Ref().value();
  core::Value allow_alarms = core::Value::Object({
      {"Sid", "AllowCloudWatchAlarms"},
      {"Effect", "Allow"},
      {"Principal", core::Value::Object({{"Service", "cloudwatch.amazonaws.com"}})},
      {"Action", "sns:Publish"},
      {"Resource", topic_arn},
      {"Condition",
       core::Value::Object(
           {{"StringEquals",
             core::Value::Object({{"aws:SourceAccount", core::aws::AccountId().value()}})}})},
  });
  core::Value deny_plain_http = core::Value::Object({
      {"Sid", "DenyWithoutTls"},
      {"Effect", "Deny"},
      {"Principal", "*"},
      {"Action", core::Value::List({"sns:Publish", "sns:Subscribe"})},
      {"Resource", topic_arn},
      {"Condition",
       core::Value::Object({{"Bool", core::Value::Object({{"aws:SecureTransport", "false"}})}})},
  });
  Add<cfn::sns::CfnTopicPolicy>(
      "AlarmTopicPolicy", cfn::sns::CfnTopicPolicyProps{
                              .policy_document = core::Json(
                                  constructs::PolicyDocument({allow_alarms, deny_plain_http})),
                              .topics = List<Str>{topic_->Ref()},
                          });
  if (!config.alert_email.empty()) {
    Add<cfn::sns::CfnSubscription>("AlertEmail", cfn::sns::CfnSubscriptionProps{
                                                     .endpoint = config.alert_email,
                                                     .protocol = "email",
                                                     .topic_arn = topic_->Ref(),
                                                 });
  }
}

cfn::logs::CfnLogGroup& Monitoring::AddLogGroup(const std::string& id, const std::string& service) {
  auto& group = Add<cfn::logs::CfnLogGroup>(
      id, cfn::logs::CfnLogGroupProps{
              .log_group_name = "/ecs/" + prefix_ + "-" + service,
              .retention_in_days = ConfigOrDefault(props_.config).log_retention_days,
          });
  // Stated explicitly (CloudFormation's default): the groups go with the stack. A retained
  // group would keep its fixed name and make the next create of the stack fail.
  group.set_deletion_policy(core::DeletionPolicy::kDelete);
  group.set_update_replace_policy(core::DeletionPolicy::kDelete);
  return group;
}

std::vector<core::Str> Monitoring::log_group_arns() const {
  std::vector<core::Str> arns;
  for (const auto* group : log_groups()) arns.push_back(group->attr_arn());
  return arns;
}

std::vector<cfn::logs::CfnLogGroup*> Monitoring::log_groups() const {
  std::vector<cfn::logs::CfnLogGroup*> groups;
  groups.push_back(migration_logs_);
  groups.push_back(bootstrap_logs_);
  return groups;
}

std::optional<core::Str> Monitoring::alarm_topic_arn() const {
  if (topic_ == nullptr) return std::nullopt;
  return topic_->Ref();
}

void Monitoring::AddAlarms(AlarmsProps props) {
  if (alarms_added_) {
    AddError("AddAlarms was called twice; call it once with every token");
    return;
  }
  alarms_added_ = true;
  const config::Config& config = ConfigOrDefault(props_.config);
  if (!config.enable_alarms) return;

  auto require = [&](const std::optional<Str>& token, const char* name) {
    if (!token.has_value()) {
      AddError(std::string(name) + " is required when enableAlarms is true");
      return Str("");
    }
    return *token;
  };
  Str alb = require(props.load_balancer_full_name, "load_balancer_full_name");
  Str db = require(props.db_cluster_identifier, "db_cluster_identifier");
  Str redis = require(props.redis_replication_group_id, "redis_replication_group_id");
  const std::string count_5xx = std::to_string(props.http_5xx_count);
  AddAlarm("Alb5xxAlarm", "alb-5xx",
           "load balancer answered " + count_5xx + " or more 5xx itself in 5 minutes",
           "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", {{"LoadBalancer", alb}}, "Sum", 300, 1,
           props.http_5xx_count);
  AddAlarm("Target5xxAlarm", "target-5xx",
           "targets answered " + count_5xx + " or more 5xx in 5 minutes", "AWS/ApplicationELB",
           "HTTPCode_Target_5XX_Count", {{"LoadBalancer", alb}}, "Sum", 300, 1,
           props.http_5xx_count);
  const int connections = props.db_connections_threshold.value_or(
      EstimatedMaxConnections(config.db_max_capacity) * 8 / 10);
  AddAlarm("DbConnectionsAlarm", "db-connections-high",
           "database has " + std::to_string(connections) + " or more connections for 10 minutes",
           "AWS/RDS", "DatabaseConnections", {{"DBClusterIdentifier", db}}, "Maximum", 300, 2,
           connections);
  AddAlarm("DbAcuAlarm", "db-acu-high",
           "database uses " + std::to_string(props.db_acu_utilization_percent) +
               "% or more of dbMaxCapacity for 15 minutes",
           "AWS/RDS", "ACUUtilization", {{"DBClusterIdentifier", db}}, "Average", 300, 3,
           props.db_acu_utilization_percent);

  const int nodes = 1 + std::max(config.redis_num_replicas, 0);
  for (int n = 1; n <= nodes; ++n) {
    std::string member = "-00" + std::to_string(n);
    AddAlarm("CacheNode" + std::to_string(n) + "MemoryAlarm", "redis" + member + "-memory-high",
             "Redis node" + member + " memory at or above " +
                 std::to_string(props.cache_memory_percent) + "% for 10 minutes",
             "AWS/ElastiCache", "DatabaseMemoryUsagePercentage",
             {{"CacheClusterId", core::Join("", {redis, member})}}, "Average", 300, 2,
             props.cache_memory_percent);
  }
}

void Monitoring::AddAlarm(const std::string& id, const std::string& name,
                          const std::string& description, const std::string& metric_namespace,
                          const std::string& metric,
                          std::vector<std::pair<std::string, core::Str>> dimensions,
                          const std::string& statistic, int period, int evaluation_periods,
                          core::Num threshold) {
  constructs::AddThresholdAlarm(*this, id,
                                constructs::ThresholdAlarmProps{
                                    .name = prefix_ + "-" + name,
                                    .description = description,
                                    .metric_namespace = metric_namespace,
                                    .metric = metric,
                                    .dimensions = std::move(dimensions),
                                    .statistic = statistic,
                                    .period = period,
                                    .evaluation_periods = evaluation_periods,
                                    .threshold = threshold,
                                    .topic_arn = topic_->Ref(),
                                });
}

}  // namespace rex::stack
