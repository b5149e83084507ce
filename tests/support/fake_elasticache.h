#pragma once

// A TEST DOUBLE of Amazon ElastiCache (query protocol, 2015-02-02) for FakeAws:
// DescribeReplicationGroups of a one-node Redis replication group whose status the test
// scripts. Any id is known (the stack's own).
//
// Thread-safe.

#include <mutex>
#include <string>

#include "support/fake_aws_server.h"

namespace rex::testing {

class FakeElasticache : public FakeService {
 public:
  FakeAnswer Serve(const FakeCall& call) override;

  // Status of the group (and its node group) from now on. Default: "available".
  void SetStatus(std::string status);

 private:
  mutable std::mutex mu_;
  std::string status_ = "available";
};

}  // namespace rex::testing
