#include "aws/rds.h"

namespace rex::aws {

namespace {

using base::Json;

std::optional<double> OptionalDouble(const Json& j, std::string_view key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

}  // namespace

const LoadedModel& RdsClient::Model() {
  static const LoadedModel* model = new LoadedModel(LoadModel(RdsModelJson()));
  return *model;
}

RdsClient::RdsClient(Endpoint endpoint, CredentialsProvider* credentials, HttpTransport& transport,
                     base::Clock& clock, RetryOptions retry)
    : client_(Model().service, std::move(endpoint), credentials, transport, clock, retry) {}

DbCluster ParseDbCluster(const Json& c) {
  DbCluster cluster;
  cluster.identifier = JsonString(c, "DBClusterIdentifier");
  cluster.arn = JsonString(c, "DBClusterArn");
  cluster.status = JsonString(c, "Status");
  cluster.engine = JsonString(c, "Engine");
  cluster.engine_version = JsonString(c, "EngineVersion");
  cluster.endpoint = JsonString(c, "Endpoint");
  cluster.reader_endpoint = JsonString(c, "ReaderEndpoint");
  cluster.port = JsonOptionalInt(c, "Port");
  const Json& scaling = JsonObject(c, "ServerlessV2ScalingConfiguration");
  cluster.serverless_min_capacity = OptionalDouble(scaling, "MinCapacity");
  cluster.serverless_max_capacity = OptionalDouble(scaling, "MaxCapacity");
  for (const auto& m : JsonArray(c, "DBClusterMembers")) {
    cluster.members.push_back(
        {JsonString(m, "DBInstanceIdentifier"), JsonBool(m, "IsClusterWriter")});
  }
  return cluster;
}

base::Result<DbCluster> RdsClient::DescribeDbCluster(const std::string& identifier) {
  static const OperationModel op = Model().Operation("DescribeDBClusters");
  REX_ASSIGN_OR_RETURN(Json out, client_.Call(op, Json{{"DBClusterIdentifier", identifier}},
                                              "describe database cluster " + identifier));
  const Json& clusters = JsonArray(out, "DBClusters");
  if (clusters.empty()) {
    return base::NotFound("describe database cluster " + identifier + ": no such cluster");
  }
  return ParseDbCluster(clusters[0]);
}

}  // namespace rex::aws
