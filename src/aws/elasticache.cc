#include "aws/elasticache.h"

namespace rex::aws {

namespace {

using base::Json;

std::string EndpointText(const Json& endpoint) {
  std::string address = JsonString(endpoint, "Address");
  if (address.empty()) return "";
  auto port = JsonOptionalInt(endpoint, "Port");
  return port ? address + ":" + std::to_string(*port) : address;
}

}  // namespace

const LoadedModel& ElasticacheClient::Model() {
  static const LoadedModel* model = new LoadedModel(LoadModel(ElasticacheModelJson()));
  return *model;
}

ElasticacheClient::ElasticacheClient(Endpoint endpoint, CredentialsProvider* credentials,
                                     HttpTransport& transport, base::Clock& clock,
                                     RetryOptions retry)
    : client_(Model().service, std::move(endpoint), credentials, transport, clock, retry) {}

ReplicationGroup ParseReplicationGroup(const Json& g) {
  ReplicationGroup group;
  group.id = JsonString(g, "ReplicationGroupId");
  group.description = JsonString(g, "Description");
  group.status = JsonString(g, "Status");
  group.engine = JsonString(g, "Engine");
  group.cache_node_type = JsonString(g, "CacheNodeType");
  group.automatic_failover = JsonString(g, "AutomaticFailover");
  group.member_clusters = JsonStringList(g, "MemberClusters");
  for (const auto& n : JsonArray(g, "NodeGroups")) {
    CacheNodeGroup node_group{JsonString(n, "NodeGroupId"),
                              JsonString(n, "Status"),
                              EndpointText(JsonObject(n, "PrimaryEndpoint")),
                              {}};
    for (const auto& m : JsonArray(n, "NodeGroupMembers")) {
      node_group.members.push_back({JsonString(m, "CacheClusterId"), JsonString(m, "CacheNodeId"),
                                    JsonString(m, "CurrentRole"),
                                    JsonString(m, "PreferredAvailabilityZone")});
    }
    group.node_groups.push_back(std::move(node_group));
  }
  return group;
}

base::Result<ReplicationGroup> ElasticacheClient::DescribeReplicationGroup(const std::string& id) {
  static const OperationModel op = Model().Operation("DescribeReplicationGroups");
  REX_ASSIGN_OR_RETURN(Json out, client_.Call(op, Json{{"ReplicationGroupId", id}},
                                              "describe cache replication group " + id));
  const Json& groups = JsonArray(out, "ReplicationGroups");
  if (groups.empty()) {
    return base::NotFound("describe cache replication group " + id + ": no such group");
  }
  return ParseReplicationGroup(groups[0]);
}

}  // namespace rex::aws
