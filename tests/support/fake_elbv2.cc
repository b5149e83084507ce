#include "support/fake_elbv2.h"

namespace rex::testing {

namespace {

constexpr const char* kXmlns = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/";

std::string Param(const std::map<std::string, std::string>& query, const std::string& key) {
  auto it = query.find(key);
  return it == query.end() ? "" : it->second;
}

}  // namespace

FakeAnswer FakeElbv2::Serve(const FakeCall& call) {
  std::lock_guard<std::mutex> lock(mu_);
  if (call.action == "DescribeTargetHealth") {
    std::string arn = Param(call.query, "TargetGroupArn");
    health_requests_.push_back(arn);
    if (arn.empty() || removed_.count(arn) != 0) {
      return FakeQueryError(400, "TargetGroupNotFound", "One or more target groups not found");
    }
    auto it = targets_.find(arn);
    std::vector<FakeTarget> targets =
        it != targets_.end() ? it->second
                             : std::vector<FakeTarget>{{.id = "10.0.1.10", .port = 8080},
                                                       {.id = "10.0.2.10", .port = 8080}};
    std::string xml = "<TargetHealthDescriptions>";
    for (const FakeTarget& t : targets) {
      xml += "<member><Target>" + FakeXmlElement("Id", t.id) +
             FakeXmlElement("Port", std::to_string(t.port)) + "</Target>" +
             FakeXmlElement("HealthCheckPort", std::to_string(t.port)) + "<TargetHealth>" +
             FakeXmlElement("State", t.state);
      if (!t.reason.empty()) xml += FakeXmlElement("Reason", t.reason);
      if (!t.description.empty()) xml += FakeXmlElement("Description", t.description);
      xml += "</TargetHealth></member>";
    }
    xml += "</TargetHealthDescriptions>";
    return FakeQueryAnswer("DescribeTargetHealth", xml, kXmlns);
  }
  if (call.action == "DescribeTargetGroups") {
    std::string xml = "<TargetGroups>";
    for (const auto& [k, v] : call.query) {
      if (k.rfind("TargetGroupArns.member.", 0) != 0) continue;
      xml += "<member>" + FakeXmlElement("TargetGroupArn", v) +
             FakeXmlElement("TargetGroupName", v.substr(v.rfind('/') + 1)) +
             FakeXmlElement("Protocol", "HTTP") + FakeXmlElement("TargetType", "ip") + "</member>";
    }
    xml += "</TargetGroups>";
    return FakeQueryAnswer("DescribeTargetGroups", xml, kXmlns);
  }
  return FakeQueryError(400, "InvalidAction", "the fake ELBv2 does not know " + call.action);
}

void FakeElbv2::SetTargets(const std::string& target_group_arn, std::vector<FakeTarget> targets) {
  std::lock_guard<std::mutex> lock(mu_);
  targets_[target_group_arn] = std::move(targets);
  removed_.erase(target_group_arn);
}

void FakeElbv2::RemoveTargetGroup(const std::string& target_group_arn) {
  std::lock_guard<std::mutex> lock(mu_);
  removed_[target_group_arn] = true;
}

std::vector<std::string> FakeElbv2::HealthRequests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return health_requests_;
}

}  // namespace rex::testing
