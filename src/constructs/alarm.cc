#include "constructs/alarm.h"

namespace rex::constructs {

cfn::cloudwatch::CfnAlarm& AddThresholdAlarm(core::Construct& scope, const std::string& id,
                                             ThresholdAlarmProps props) {
  using Alarm = cfn::cloudwatch::CfnAlarm;
  core::List<Alarm::Dimension> dims;
  for (auto& [key, value] : props.dimensions) {
    dims.push_back(Alarm::Dimension{.name = key, .value = std::move(value)});
  }
  core::List<core::Str> actions{props.topic_arn};
  return scope.Add<Alarm>(id, cfn::cloudwatch::CfnAlarmProps{
                                  .alarm_actions = actions,
                                  .alarm_description = props.description,
                                  .alarm_name = props.name,
                                  .comparison_operator = "GreaterThanOrEqualToThreshold",
                                  .dimensions = dims,
                                  .evaluation_periods = props.evaluation_periods,
                                  .metric_name = props.metric,
                                  .namespace_ = props.metric_namespace,
                                  .ok_actions = actions,
                                  .period = props.period,
                                  .statistic = props.statistic,
                                  .threshold = props.threshold,
                                  .treat_missing_data = "notBreaching",
                              });
}

}  // namespace rex::constructs
