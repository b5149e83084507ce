#pragma once

#include <optional>
#include <string>
#include <vector>

#include "aws/client.h"
#include "aws/service_models.h"
#include "aws/typed.h"

// Amazon ElastiCache (query protocol, 2015-02-02): the Redis replication group's state for
// `rex status`.
namespace rex::aws {

struct CacheNodeGroupMember {
  std::string cache_cluster_id = {};
  std::string cache_node_id = {};
  std::string current_role = {};  // primary | replica
  std::string availability_zone = {};
};

struct CacheNodeGroup {
  std::string id = {};
  std::string status = {};            // available | creating | modifying | ...
  std::string primary_endpoint = {};  // "host:port"
  std::vector<CacheNodeGroupMember> members = {};
};

struct ReplicationGroup {
  std::string id = {};
  std::string description = {};
  std::string status =
      {};  // creating | available | modifying | deleting | create-failed | snapshotting
  std::string engine = {};
  std::string cache_node_type = {};
  std::string automatic_failover = {};  // enabled | disabled | enabling | disabling
  std::vector<std::string> member_clusters = {};
  std::vector<CacheNodeGroup> node_groups = {};
};

class ElasticacheClient {
 public:
  static const LoadedModel& Model();

  ElasticacheClient(Endpoint endpoint, CredentialsProvider* credentials, HttpTransport& transport,
                    base::Clock& clock, RetryOptions retry = {});

  // The replication group `id`. kNotFound (ReplicationGroupNotFoundFault) when there is none.
  base::Result<ReplicationGroup> DescribeReplicationGroup(const std::string& id);

  AwsClient& client() { return client_; }

 private:
  AwsClient client_;
};

// Decoder, exposed for tests on sample bodies.
ReplicationGroup ParseReplicationGroup(const base::Json& group);

}  // namespace rex::aws
