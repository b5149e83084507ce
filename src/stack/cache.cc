#include "stack/cache.h"

#include <utility>

#include "base/check.h"
#include "core/intrinsics.h"

namespace rex::stack {
namespace {

using core::List;
using core::Str;
namespace elasticache = cfn::elasticache;
namespace secretsmanager = cfn::secretsmanager;

// Characters of the generated AUTH token (ElastiCache allows 16 to 128).
constexpr int kAuthTokenLength = 64;

}  // namespace

Cache::Cache(core::Construct& scope, std::string id, CacheProps props)
    : core::Construct(scope, std::move(id)) {
  REX_CHECK(props.config != nullptr);
  const config::Config& config = *props.config;
  const std::string name = config.project_name + "-" + config.environment + "-redis";
  transit_encryption_ = config.redis_transit_encryption;

  if (!props.private_subnet_ids.is_token() && props.private_subnet_ids.items().empty()) {
    AddError("no private subnets for the cache subnet group; pass the private subnet ids");
  }
  if (props.security_group_id.value().is_string() &&
      props.security_group_id.value().json().get<std::string>().empty()) {
    AddError("no security group for the replication group; pass the cache security group id");
  }
  int replicas = config.redis_num_replicas;
  if (replicas < 0 || replicas > 5) {
    AddError("redisNumReplicas is " + std::to_string(replicas) +
             "; a Redis replication group has 0 to 5 replicas");
  }
  const bool has_replica = replicas >= 1;
  const bool protect = config.db_deletion_protection_enabled();
  if (config.redis_auth && !transit_encryption_) {
    AddError(
        "redisAuth needs redisTransitEncryption: ElastiCache accepts an AUTH token only "
        "over TLS");
  }

  auto& subnet_group = Add<elasticache::CfnSubnetGroup>(
      "SubnetGroup", elasticache::CfnSubnetGroupProps{
                         .cache_subnet_group_name = name,
                         .description = "private subnets of " + name,
                         .subnet_ids = props.private_subnet_ids,
                     });

  std::optional<Str> auth_token;
  if (config.redis_auth) {
    // Letters and digits only: ElastiCache allows few punctuation characters in a token, and
    // clients put it in URLs and AUTH commands unescaped.
    auth_token_ = &Add<secretsmanager::CfnSecret>(
        "AuthToken",
        secretsmanager::CfnSecretProps{
            .description = "Redis AUTH token of " + name,
            .generate_secret_string =
                secretsmanager::CfnSecret::GenerateSecretString{
                    .exclude_punctuation = true,
                    .password_length = kAuthTokenLength,
                },
            .name = config.project_name + "-" + config.environment + "/redis/auth-token",
        });
    auth_token_->set_deletion_policy(core::DeletionPolicy::kDelete);
    auth_token_->set_update_replace_policy(core::DeletionPolicy::kDelete);
    auth_token =
        core::Join("", {"{{resolve:secretsmanager:", auth_token_->Ref(), ":SecretString:::}}"});
  }

  group_ = &Add<elasticache::CfnReplicationGroup>(
      "ReplicationGroup",
      elasticache::CfnReplicationGroupProps{
          .at_rest_encryption_enabled = true,
          .auth_token = auth_token,
          .automatic_failover_enabled = has_replica,
          .cache_node_type = config.redis_node_type,
          .cache_parameter_group_name = "default.redis7",
          .cache_subnet_group_name = subnet_group.Ref(),
          .engine = "redis",
          .engine_version = kEngineVersion,
          .multi_az_enabled = has_replica,
          .num_cache_clusters = 1 + replicas,
          .port = kPort,
          .replication_group_description =
              "Redis cache and job queues of " + config.project_name + "-" + config.environment,
          .replication_group_id = name,
          .security_group_ids = List<Str>{props.security_group_id},
          .snapshot_retention_limit = config.redis_snapshot_retention_days,
          .transit_encryption_enabled = transit_encryption_,
      });
  core::DeletionPolicy policy =
      protect ? core::DeletionPolicy::kSnapshot : core::DeletionPolicy::kDelete;
  group_->set_deletion_policy(policy);
  group_->set_update_replace_policy(policy);
}

core::Str Cache::primary_endpoint_address() const {
  return group_->attr_primary_end_point_address();
}
core::Str Cache::primary_endpoint_port() const { return group_->attr_primary_end_point_port(); }
core::Str Cache::replication_group_id() const { return group_->Ref(); }

std::optional<core::Str> Cache::auth_token_secret_arn() const {
  if (auth_token_ == nullptr) return std::nullopt;
  return auth_token_->Ref();
}

core::Str Cache::redis_url() const {
  return core::Join("", {transit_encryption_ ? "rediss://" : "redis://", primary_endpoint_address(),
                         ":", primary_endpoint_port()});
}

}  // namespace rex::stack
