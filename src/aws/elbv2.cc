#include "aws/elbv2.h"

#include <set>

namespace rex::aws {

namespace {

using base::Json;

Json Strings(const std::vector<std::string>& items) {
  Json out = Json::array();
  for (const auto& s : items) out.push_back(s);
  return out;
}

}  // namespace

const LoadedModel& Elbv2Client::Model() {
  static const LoadedModel* model = new LoadedModel(LoadModel(Elbv2ModelJson()));
  return *model;
}

Elbv2Client::Elbv2Client(Endpoint endpoint, CredentialsProvider* credentials,
                         HttpTransport& transport, base::Clock& clock, RetryOptions retry)
    : client_(Model().service, std::move(endpoint), credentials, transport, clock, retry) {}

base::Result<std::vector<TargetHealthDescription>> Elbv2Client::DescribeTargetHealth(
    const std::string& target_group_arn) {
  static const OperationModel op = Model().Operation("DescribeTargetHealth");
  REX_ASSIGN_OR_RETURN(Json out, client_.Call(op, Json{{"TargetGroupArn", target_group_arn}},
                                              "describe target health of " + target_group_arn));
  std::vector<TargetHealthDescription> result;
  for (const auto& d : JsonArray(out, "TargetHealthDescriptions")) {
    const Json& target = JsonObject(d, "Target");
    const Json& health = JsonObject(d, "TargetHealth");
    result.push_back({JsonString(target, "Id"), JsonOptionalInt(target, "Port"),
                      JsonString(target, "AvailabilityZone"), JsonString(d, "HealthCheckPort"),
                      JsonString(health, "State"), JsonString(health, "Reason"),
                      JsonString(health, "Description")});
  }
  return result;
}

base::Result<std::vector<TargetGroup>> Elbv2Client::DescribeTargetGroups(
    const std::string& load_balancer_arn, const std::vector<std::string>& arns,
    const std::vector<std::string>& names) {
  static const OperationModel op = Model().Operation("DescribeTargetGroups");
  std::vector<TargetGroup> groups;
  std::string marker;
  std::set<std::string> seen;
  do {
    Json p = Json::object();
    if (!load_balancer_arn.empty()) p["LoadBalancerArn"] = load_balancer_arn;
    if (!arns.empty()) p["TargetGroupArns"] = Strings(arns);
    if (!names.empty()) p["Names"] = Strings(names);
    if (!marker.empty()) p["Marker"] = marker;
    REX_ASSIGN_OR_RETURN(Json out, client_.Call(op, p, "describe target groups"));
    for (const auto& g : JsonArray(out, "TargetGroups")) {
      groups.push_back({JsonString(g, "TargetGroupArn"), JsonString(g, "TargetGroupName"),
                        JsonString(g, "Protocol"), JsonOptionalInt(g, "Port"),
                        JsonString(g, "VpcId"), JsonString(g, "HealthCheckPath"),
                        JsonString(g, "TargetType"), JsonStringList(g, "LoadBalancerArns")});
    }
    marker = JsonString(out, "NextMarker");
    if (!marker.empty() && !seen.insert(marker).second) {
      return base::Internal("describe target groups: the service repeated marker " + marker);
    }
  } while (!marker.empty());
  return groups;
}

}  // namespace rex::aws
