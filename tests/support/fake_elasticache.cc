#include "support/fake_elasticache.h"

namespace rex::testing {

FakeAnswer FakeElasticache::Serve(const FakeCall& call) {
  std::lock_guard<std::mutex> lock(mu_);
  if (call.action != "DescribeReplicationGroups") {
    return FakeQueryError(400, "InvalidAction",
                          "the fake ElastiCache does not know " + call.action);
  }
  auto it = call.query.find("ReplicationGroupId");
  std::string id = it == call.query.end() ? "" : it->second;
  if (id.empty()) {
    return FakeQueryError(404, "ReplicationGroupNotFoundFault", "ReplicationGroup not found");
  }
  std::string member = id + "-001";
  std::string xml =
      "<ReplicationGroups><ReplicationGroup>" + FakeXmlElement("ReplicationGroupId", id) +
      FakeXmlElement("Description", "Redis for " + id) + FakeXmlElement("Status", status_) +
      "<MemberClusters>" + FakeXmlElement("ClusterId", member) + "</MemberClusters>" +
      "<NodeGroups><NodeGroup>" + FakeXmlElement("NodeGroupId", "0001") +
      FakeXmlElement("Status", status_) + "<PrimaryEndpoint>" +
      FakeXmlElement("Address", "master." + id + ".fake.cache.amazonaws.com") +
      FakeXmlElement("Port", "6379") + "</PrimaryEndpoint><NodeGroupMembers><NodeGroupMember>" +
      FakeXmlElement("CacheClusterId", member) + FakeXmlElement("CacheNodeId", "0001") +
      FakeXmlElement("CurrentRole", "primary") +
      "</NodeGroupMember></NodeGroupMembers></NodeGroup></NodeGroups>" +
      FakeXmlElement("AutomaticFailover", "disabled") +
      FakeXmlElement("CacheNodeType", "cache.t4g.micro") + FakeXmlElement("Engine", "redis") +
      "</ReplicationGroup></ReplicationGroups>";
  return FakeQueryAnswer("DescribeReplicationGroups", xml,
                         "http://elasticache.amazonaws.com/doc/2015-02-02/");
}

void FakeElasticache::SetStatus(std::string status) {
  std::lock_guard<std::mutex> lock(mu_);
  status_ = std::move(status);
}

}  // namespace rex::testing
