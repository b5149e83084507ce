#pragma once

#include <optional>
#include <string>

#include "cfn/elasticache.gen.h"
#include "cfn/secretsmanager.gen.h"
#include "config/config.h"
#include "core/construct.h"
#include "core/value.h"

namespace rex::stack {

struct CacheProps {
  // The stack config; read during construction only (naming, redisNodeType,
  // redisNumReplicas, redisTransitEncryption, redisAuth, redisSnapshotRetentionDays, deletion
  // protection). Required: a null config is a bug (REX_CHECK).
  const config::Config* config = nullptr;
  // Private subnets of the cache subnet group. Default: none (an error).
  core::List<core::Str> private_subnet_ids = {};
  // The cache security group (6379 from the services). Default: "" (an error).
  core::Str security_group_id = "";
};

// ElastiCache Redis 7.0 for caching and job queues, as ARCHITECTURE.md describes:
//
//   SubnetGroup       AWS::ElastiCache::SubnetGroup "<p>-<e>-redis" over the private subnets
//   ReplicationGroup  AWS::ElastiCache::ReplicationGroup "<p>-<e>-redis": engine redis 7.0
//                     (parameter group default.redis7), cluster mode off, redisNodeType,
//                     1 + redisNumReplicas nodes (automatic failover and Multi-AZ from one
//                     replica on), encrypted at rest, in transit when redisTransitEncryption,
//                     daily snapshots kept redisSnapshotRetentionDays, port 6379
//   AuthToken         with redisAuth: AWS::SecretsManager::Secret "<p>-<e>/redis/auth-token",
//                     a plain string Secrets Manager generates (64 letters and digits: what
//                     ElastiCache allows, 16 to 128 printable characters, and nothing a
//                     client would have to escape); the replication group's AuthToken is the
//                     dynamic reference {{resolve:secretsmanager:<its ARN>:SecretString:::}},
//                     so the token is never in the template, and CloudFormation reads it when
//                     it creates or updates the group. DeletionPolicy and UpdateReplacePolicy
//                     Delete (a new stack generates a new token).
//
// Turning redisAuth on for an existing group adds AuthToken to it: ElastiCache applies that in
// place to a group with in-transit encryption (ModifyReplicationGroup; the group keeps its
// data); the README's Redis section says what a running stack goes through.
// Deletion: a final snapshot (DeletionPolicy and UpdateReplacePolicy Snapshot) when
// config.db_deletion_protection_enabled() (every environment but dev unless configured),
// Delete otherwise: queued jobs are state worth keeping outside dev.
// Errors (AddError on this construct): no subnets; no security group; a replica count
// outside 0 to 5; redisAuth without redisTransitEncryption.
class Cache : public core::Construct {
 public:
  static constexpr const char* kEngineVersion = "7.0";
  static constexpr int kPort = 6379;

  Cache(core::Construct& scope, std::string id, CacheProps props);

  // The L1 replication group, as an escape hatch.
  cfn::elasticache::CfnReplicationGroup& replication_group() { return *group_; }
  // Tokens of the primary endpoint (GetAtt PrimaryEndPoint.Address / PrimaryEndPoint.Port).
  core::Str primary_endpoint_address() const;
  core::Str primary_endpoint_port() const;
  // "redis://<host>:<port>", or "rediss://<host>:<port>" with transit encryption (TLS), as a
  // Join over the endpoint attributes.
  core::Str redis_url() const;
  // The replication group id (Ref).
  core::Str replication_group_id() const;
  bool transit_encryption() const { return transit_encryption_; }
  // ARN (Ref) of the AUTH token secret (a plain string) with redisAuth; nullopt otherwise.
  std::optional<core::Str> auth_token_secret_arn() const;

 private:
  cfn::elasticache::CfnReplicationGroup* group_ = nullptr;
  cfn::secretsmanager::CfnSecret* auth_token_ = nullptr;
  bool transit_encryption_ = false;
};

}  // namespace rex::stack
