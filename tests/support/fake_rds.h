#pragma once

// A TEST DOUBLE of Amazon RDS (query protocol, 2014-10-31) for FakeAws: DescribeDBClusters of
// an Aurora PostgreSQL Serverless v2 cluster whose status the test scripts. Any identifier is
// known (the stack's own) unless RemoveCluster was called.
//
//   FakeRds rds;
//   server.aws().AddService("rds", &rds);
//   rds.SetStatus("modifying");
//
// Thread-safe.

#include <mutex>
#include <string>

#include "support/fake_aws_server.h"

namespace rex::testing {

class FakeRds : public FakeService {
 public:
  FakeAnswer Serve(const FakeCall& call) override;

  // Status of every cluster from now on. Default: "available".
  void SetStatus(std::string status);
  // Engine version answered. Default: "15.10".
  void SetEngineVersion(std::string version);
  // From now on DescribeDBClusters answers DBClusterNotFoundFault.
  void RemoveCluster();

 private:
  mutable std::mutex mu_;
  std::string status_ = "available";
  std::string engine_version_ = "15.10";
  bool removed_ = false;
};

}  // namespace rex::testing
