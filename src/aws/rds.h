#pragma once

#include <optional>
#include <string>
#include <vector>

#include "aws/client.h"
#include "aws/service_models.h"
#include "aws/typed.h"

// Amazon RDS (query protocol, 2014-10-31): the Aurora cluster's state for `rex status`.
namespace rex::aws {

struct DbClusterMember {
  std::string instance_identifier = {};
  bool is_writer = false;
};

struct DbCluster {
  std::string identifier = {};
  std::string arn = {};
  std::string status = {};  // available | creating | modifying | backing-up | stopped | ...
  std::string engine = {};  // aurora-postgresql
  std::string engine_version = {};
  std::string endpoint = {};
  std::string reader_endpoint = {};
  std::optional<int64_t> port = {};
  // Aurora Serverless v2 capacity range in ACUs; nullopt when not serverless v2.
  std::optional<double> serverless_min_capacity = {};
  std::optional<double> serverless_max_capacity = {};
  std::vector<DbClusterMember> members = {};
};

class RdsClient {
 public:
  static const LoadedModel& Model();

  RdsClient(Endpoint endpoint, CredentialsProvider* credentials, HttpTransport& transport,
            base::Clock& clock, RetryOptions retry = {});

  // The cluster `identifier`. kNotFound (DBClusterNotFoundFault) when there is none.
  base::Result<DbCluster> DescribeDbCluster(const std::string& identifier);

  AwsClient& client() { return client_; }

 private:
  AwsClient client_;
};

// Decoder, exposed for tests on sample bodies.
DbCluster ParseDbCluster(const base::Json& cluster);

}  // namespace rex::aws
