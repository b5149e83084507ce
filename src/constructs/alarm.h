#pragma once

// A CloudWatch alarm on one metric at or above a threshold, notifying a topic when it fires and
// when it recovers, with missing data not breaching: the shape of every alarm rex makes (the
// stack's shared alarms, stack/monitoring.cc, and each service's, constructs/fargate_service.cc).

#include <string>
#include <utility>
#include <vector>

#include "cfn/cloudwatch.gen.h"
#include "core/construct.h"
#include "core/value.h"

namespace rex::constructs {

struct ThresholdAlarmProps {
  std::string name = "";  // AlarmName
  std::string description = "";
  std::string metric_namespace = "";  // "AWS/ECS"
  std::string metric = "";            // "CPUUtilization"
  std::vector<std::pair<std::string, core::Str>> dimensions = {};
  std::string statistic = "Average";
  int period = 300;  // seconds
  int evaluation_periods = 2;
  core::Num threshold = 0;
  core::Str topic_arn = core::Str("");  // AlarmActions and OKActions
};

// Adds the alarm "<id>" to `scope`.
cfn::cloudwatch::CfnAlarm& AddThresholdAlarm(core::Construct& scope, const std::string& id,
                                             ThresholdAlarmProps props);

}  // namespace rex::constructs
