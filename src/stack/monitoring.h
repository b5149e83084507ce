#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cfn/cloudwatch.gen.h"
#include "cfn/logs.gen.h"
#include "cfn/sns.gen.h"
#include "config/config.h"
#include "core/construct.h"
#include "core/value.h"

namespace rex::stack {

struct MonitoringProps {
  // The stack config (names, logRetentionDays, enableAlarms, alertEmail). Required; must
  // outlive the construct.
  const config::Config* config = nullptr;
};

// What the shared alarms watch: tokens of LoadBalancer and the data tier. (A service's own
// alarms are made by its constructs::FargateService.)
struct AlarmsProps {
  // ALB full name (LoadBalancer::load_balancer_full_name()), the CloudWatch dimension value
  // "app/<name>/<id>". Required.
  std::optional<core::Str> load_balancer_full_name = {};
  // Aurora cluster identifier (Ref of the DBCluster). Required.
  std::optional<core::Str> db_cluster_identifier = {};
  // ElastiCache replication group id (Ref of the ReplicationGroup). Required.
  std::optional<core::Str> redis_replication_group_id = {};
  // Alarm when the ALB or the targets answer this many 5xx in 5 minutes. Default: 10.
  int http_5xx_count = 10;
  // Alarm when the database has this many connections. Default: 80% of Aurora PostgreSQL's
  // max_connections at dbMaxCapacity, LEAST(memory / 9,531,392 bytes, 5000) with 2 GiB per
  // ACU (360 at 2 ACU).
  std::optional<int> db_connections_threshold = {};
  // Alarm when ACU utilization (percent of dbMaxCapacity) reaches this. Default: 90.
  int db_acu_utilization_percent = 90;
  // Alarm when a Redis node's DatabaseMemoryUsagePercentage reaches this. Default: 80.
  int cache_memory_percent = 80;
};

// Monitoring of ARCHITECTURE.md: the log groups of the one-off tasks, and (with
// enableAlarms) an SNS topic with an optional email subscription and the shared CloudWatch
// alarms. A service's log group ("<Name>LogGroup", /ecs/<p>-<e>-<name>) and alarms
// ("<Name>CpuAlarm", "<Name>MemoryAlarm", "<Name>UnhealthyTargetsAlarm") are made by its
// constructs::FargateService under this construct (Compute places them here, with the
// retention below and the topic), so their logical ids stay "Monitoring...".
//
// Construction order: the constructor creates what others need early (the log groups for the
// execution role and the task definitions, the topic); AddAlarms adds the shared alarms once
// LoadBalancer and the data tier exist.
//
// Log groups: /ecs/<p>-<e>-{migration,bootstrap}, RetentionInDays = logRetentionDays,
// DeletionPolicy and UpdateReplacePolicy Delete (stated explicitly). The bootstrap task
// (creates the supertokens database) gets its own group so `rex` can stream exactly its
// output.
//
// Topic: "<p>-<e>-alarms", created only with enableAlarms; alertEmail adds an email
// subscription (the recipient confirms it once). The topic is not encrypted with a KMS key on
// purpose: CloudWatch cannot publish to a topic encrypted with the AWS managed key
// alias/aws/sns (its key policy cannot grant cloudwatch.amazonaws.com), and a customer managed
// key is outside the pinned schema subset. Alarm notifications carry metric names and states,
// no application data.
//
// Shared alarms (AddAlarms; nothing without enableAlarms), all with the topic as AlarmActions
// and OKActions and TreatMissingData notBreaching:
//   - AWS/ApplicationELB HTTPCode_ELB_5XX_Count and HTTPCode_Target_5XX_Count sum >=
//     http_5xx_count in 5 minutes (LoadBalancer);
//   - AWS/RDS DatabaseConnections maximum and ACUUtilization average (DBClusterIdentifier);
//   - AWS/ElastiCache DatabaseMemoryUsagePercentage per node (CacheClusterId). ElastiCache
//     publishes host and engine metrics per cache cluster (node), not per replication group, so
//     there is one alarm per member cluster "<replication group id>-00N", N = 1 ..
//     1 + redisNumReplicas (the names ElastiCache gives the members of a replication group
//     without cluster mode).
//
// Errors (reported at synthesis): a missing config, or a missing AlarmsProps token while
// alarms are enabled.
class Monitoring : public core::Construct {
 public:
  Monitoring(core::Construct& scope, std::string id, MonitoringProps props);

  // Adds the alarms (only with enableAlarms; otherwise does nothing). Call at most once.
  void AddAlarms(AlarmsProps props);

  // Log group names (Ref), for the awslogs driver.
  core::Str migration_log_group_name() const { return migration_logs_->Ref(); }
  core::Str bootstrap_log_group_name() const { return bootstrap_logs_->Ref(); }
  // ARNs of the log groups of the one-off tasks (Fn::GetAtt Arn, "...:log-group:<name>:*"),
  // for the execution role.
  std::vector<core::Str> log_group_arns() const;
  // The alarm topic ARN (Ref); empty without enableAlarms.
  std::optional<core::Str> alarm_topic_arn() const;

  // The L1 resources, as escape hatches; topic() is null without enableAlarms.
  std::vector<cfn::logs::CfnLogGroup*> log_groups() const;
  cfn::sns::CfnTopic* topic() { return topic_; }

 private:
  cfn::logs::CfnLogGroup& AddLogGroup(const std::string& id, const std::string& service);
  void AddAlarm(const std::string& id, const std::string& name, const std::string& description,
                const std::string& metric_namespace, const std::string& metric,
                std::vector<std::pair<std::string, core::Str>> dimensions,
                const std::string& statistic, int period, int evaluation_periods,
                core::Num threshold);

  MonitoringProps props_;
  std::string prefix_;
  bool alarms_added_ = false;
  cfn::logs::CfnLogGroup* migration_logs_ = nullptr;
  cfn::logs::CfnLogGroup* bootstrap_logs_ = nullptr;
  cfn::sns::CfnTopic* topic_ = nullptr;
};

// Aurora PostgreSQL's default max_connections for a Serverless v2 writer at `max_acu`:
// LEAST(DBInstanceClassMemory / 9,531,392, 5000) with 2 GiB per ACU.
int EstimatedMaxConnections(double max_acu);

}  // namespace rex::stack
