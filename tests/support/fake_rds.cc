#include "support/fake_rds.h"

namespace rex::testing {

FakeAnswer FakeRds::Serve(const FakeCall& call) {
  std::lock_guard<std::mutex> lock(mu_);
  if (call.action != "DescribeDBClusters") {
    return FakeQueryError(400, "InvalidAction", "the fake RDS does not know " + call.action);
  }
  auto it = call.query.find("DBClusterIdentifier");
  std::string id = it == call.query.end() ? "" : it->second;
  if (id.empty() || removed_) {
    return FakeQueryError(404, "DBClusterNotFoundFault", "DBCluster " + id + " not found.");
  }
  std::string xml = "<DBClusters><DBCluster>" + FakeXmlElement("DBClusterIdentifier", id) +
                    FakeXmlElement("Status", status_) +
                    FakeXmlElement("Engine", "aurora-postgresql") +
                    FakeXmlElement("EngineVersion", engine_version_) +
                    FakeXmlElement("Endpoint", id + ".cluster-fake.us-east-1.rds.amazonaws.com") +
                    FakeXmlElement("Port", "5432") +
                    "<ServerlessV2ScalingConfiguration><MinCapacity>0.5</MinCapacity>"
                    "<MaxCapacity>2.0</MaxCapacity></ServerlessV2ScalingConfiguration>"
                    "<DBClusterMembers><DBClusterMember>" +
                    FakeXmlElement("DBInstanceIdentifier", id + "-writer") +
                    "<IsClusterWriter>true</IsClusterWriter></DBClusterMember></DBClusterMembers>"
                    "</DBCluster></DBClusters>";
  return FakeQueryAnswer("DescribeDBClusters", xml, "http://rds.amazonaws.com/doc/2014-10-31/");
}

void FakeRds::SetStatus(std::string status) {
  std::lock_guard<std::mutex> lock(mu_);
  status_ = std::move(status);
}

void FakeRds::SetEngineVersion(std::string version) {
  std::lock_guard<std::mutex> lock(mu_);
  engine_version_ = std::move(version);
}

void FakeRds::RemoveCluster() {
  std::lock_guard<std::mutex> lock(mu_);
  removed_ = true;
}

}  // namespace rex::testing
