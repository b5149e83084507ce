#include "stack/database.h"

#include <utility>

#include "base/check.h"
#include "core/intrinsics.h"
#include "core/stack.h"
#include "stack/engine_versions.h"

namespace rex::stack {
namespace {

using core::Join;
using core::List;
using core::Str;
namespace rds = cfn::rds;
namespace secretsmanager = cfn::secretsmanager;

constexpr const char* kEngine = "aurora-postgresql";
// Idle time before an auto-pausing cluster (min 0 ACU) pauses; AWS's default, and the
// shortest allowed.
constexpr int kSecondsUntilAutoPause = 300;
// Characters the generated password leaves out: RDS refuses / " @ and space; the others
// would need escaping in the postgresql:// URI (userinfo), in JSON or in a shell. "^" is
// not valid in a URI's userinfo either (Java's URI parser in SuperTokens rejects it).
constexpr const char* kExcludedPasswordCharacters = " %+~`#$&*()|[]{}:;<>?!'/@\"\\^";

}  // namespace

Database::Database(core::Construct& scope, std::string id, DatabaseProps props)
    : core::Construct(scope, std::move(id)) {
  REX_CHECK(props.config != nullptr);
  REX_CHECK(stack() != nullptr);
  const config::Config& config = *props.config;
  const std::string prefix = config.project_name + "-" + config.environment;
  const std::string cluster_name = prefix + "-db";
  const bool protect = config.db_deletion_protection_enabled();

  if (!props.private_subnet_ids.is_token() && props.private_subnet_ids.items().empty()) {
    AddError(
        "no private subnets for the DB subnet group; pass at least 2, in different "
        "availability zones");
  }
  if (props.security_group_id.value().is_string() &&
      props.security_group_id.value().json().get<std::string>().empty()) {
    AddError("no security group for the cluster; pass the database security group id");
  }
  bool auto_pause = config.db_min_capacity == 0;
  if (auto_pause && !SupportsAutoPause(config.db_engine_version)) {
    AddError("dbMinCapacity is 0 (auto-pause), which " + std::string(kEngine) + " " +
             config.db_engine_version +
             " does not support; use dbMinCapacity 0.5 or more, or dbEngineVersion 13.15+, "
             "14.12+, 15.7+, 16.3+ or 17 and later");
  }

  auto& subnet_group = Add<rds::CfnDBSubnetGroup>(
      "SubnetGroup", rds::CfnDBSubnetGroupProps{
                         .db_subnet_group_description = "private subnets of " + cluster_name,
                         .db_subnet_group_name = cluster_name,
                         .subnet_ids = props.private_subnet_ids,
                     });

  // Exported PostgreSQL logs go to this group; creating it first (the cluster depends on it)
  // gives it our retention instead of RDS's never-expire default.
  auto& log_group = Add<cfn::logs::CfnLogGroup>(
      "LogGroup", cfn::logs::CfnLogGroupProps{
                      .log_group_name = "/aws/rds/cluster/" + cluster_name + "/postgresql",
                      .retention_in_days = config.log_retention_days,
                  });

  // The credentials secret holds {"username", "password", "dbname", "host", "port"}; the
  // target attachment adds engine and dbClusterIdentifier (and host and port to a generated
  // secret). With a generated password the cluster reads the secret; with a configured one
  // the cluster takes the parameter (so "rex config set dbMasterPassword" and "rex up"
  // change the password: a dynamic reference's text would not change) and the secret is
  // written after the cluster, with host and port in its string so an update keeps them.
  const std::string secret_description =
      "master credentials of the " + cluster_name + " Aurora cluster";
  const std::string secret_name = prefix + "/db/credentials";
  const std::string supertokens_uri_name = prefix + "/supertokens/db-uri";
  managed_ = config.db_managed_password;
  std::optional<Str> password_for_cluster;
  std::optional<Str> username_for_cluster;
  if (managed_) {
    // RDS generates the password into a secret of its own and rotates it; nothing else holds
    // it. (The config refuses dbMasterPassword with dbManagedPassword.)
    username_for_cluster = Str(kMasterUsername);
  } else if (config.db_master_password.is_set()) {
    // The config's one rule (a sealed value was checked when it was set); never the value.
    if (!config.db_master_password.is_sealed()) {
      std::string problem =
          config::SecretProblem("dbMasterPassword", config.db_master_password.Reveal());
      if (!problem.empty()) AddError(problem);
    }
    // A stack-level parameter so its logical id is the name the deploy passes a value for.
    password_parameter_ = &stack()->Add<core::Parameter>(
        kDbMasterPasswordParameter,
        core::ParameterProps{
            .description = "master password of the " + cluster_name +
                           " Aurora cluster (rex passes dbMasterPassword from the config)",
            .no_echo = true,
            .min_length = 8,
        });
    password_for_cluster = password_parameter_->Ref();
    username_for_cluster = Str(kMasterUsername);
  } else {
    credentials_ = &Add<secretsmanager::CfnSecret>(
        "CredentialsSecret",
        secretsmanager::CfnSecretProps{
            .description = secret_description,
            .generate_secret_string =
                secretsmanager::CfnSecret::GenerateSecretString{
                    .exclude_characters = kExcludedPasswordCharacters,
                    .generate_string_key = "password",
                    .password_length = 32,
                    .secret_string_template = std::string(R"({"username":")") + kMasterUsername +
                                              R"(","dbname":")" + kDatabaseName + R"("})",
                },
            .name = secret_name,
        });
    // Like CDK: the user name also comes from the secret, so the two cannot disagree.
    password_for_cluster = SecretField("password");
    username_for_cluster = SecretField("username");
  }

  rds::CfnDBCluster::ServerlessV2ScalingConfiguration scaling{
      .max_capacity = config.db_max_capacity,
      .min_capacity = config.db_min_capacity,
  };
  if (auto_pause) scaling.seconds_until_auto_pause = kSecondsUntilAutoPause;

  cluster_ = &Add<rds::CfnDBCluster>(
      "Cluster",
      rds::CfnDBClusterProps{
          .backup_retention_period = config.backup_retention_days,
          .copy_tags_to_snapshot = true,
          .db_cluster_identifier = cluster_name,
          .db_subnet_group_name = subnet_group.Ref(),
          .database_name = kDatabaseName,
          .deletion_protection = protect,
          .enable_cloudwatch_logs_exports = List<Str>{"postgresql"},
          // Lets roles connect with IAM tokens (rds-db:connect) beside the password;
          // set on an existing cluster without replacement or interruption.
          .enable_iam_database_authentication = true,
          .engine = kEngine,
          .engine_version = config.db_engine_version,
          .manage_master_user_password = managed_ ? std::optional<core::Bool>(true) : std::nullopt,
          .master_user_password = password_for_cluster,
          .master_username = username_for_cluster,
          .port = kPort,
          .serverless_v2_scaling_configuration = scaling,
          .storage_encrypted = true,
          .vpc_security_group_ids = List<Str>{props.security_group_id},
      });
  cluster_->AddDependsOn(log_group);
  // A final snapshot when the cluster is deleted or replaced, unless this is a throwaway
  // environment. (Without a policy CloudFormation would snapshot anyway: say so explicitly.)
  core::DeletionPolicy policy =
      protect ? core::DeletionPolicy::kSnapshot : core::DeletionPolicy::kDelete;
  cluster_->set_deletion_policy(policy);
  cluster_->set_update_replace_policy(policy);

  const EngineVersions& versions = AuroraPostgresVersions();
  switch (ClassifyEngineVersion(versions, config.db_engine_version)) {
    case EngineVersionStatus::kDeprecated:
      cluster_->AddWarning("dbEngineVersion " + config.db_engine_version +
                           " is deprecated: AWS no longer creates clusters with it; use " +
                           versions.default_version + " (latest accepted)");
      break;
    case EngineVersionStatus::kUnknown:
      cluster_->AddWarning("dbEngineVersion " + config.db_engine_version +
                           " is not a version AWS is known to accept for new clusters; use " +
                           versions.default_version + " (latest accepted)");
      break;
    case EngineVersionStatus::kAccepted:
    case EngineVersionStatus::kNotCovered:
      break;
  }

  if (password_parameter_ != nullptr) {
    credentials_ = &Add<secretsmanager::CfnSecret>(
        "CredentialsSecret",
        secretsmanager::CfnSecretProps{
            .description = secret_description,
            .name = secret_name,
            .secret_string =
                Join("", {std::string(R"({"username":")") + kMasterUsername + R"(","password":")",
                          password_parameter_->Ref(),
                          std::string(R"(","dbname":")") + kDatabaseName + R"(","host":")",
                          endpoint_address(), R"(","port":)", endpoint_port(), "}"}),
        });
  }

  writer_ =
      &Add<rds::CfnDBInstance>("Writer", rds::CfnDBInstanceProps{
                                             .db_cluster_identifier = cluster_->Ref(),
                                             .db_instance_class = "db.serverless",
                                             .db_instance_identifier = cluster_name + "-writer",
                                             .engine = kEngine,
                                             .publicly_accessible = false,
                                         });
  // The instance's data lives in the cluster (whose policy keeps the snapshot); the instance
  // itself cannot be snapshotted, so it is simply deleted, as CDK does.
  writer_->set_deletion_policy(core::DeletionPolicy::kDelete);
  writer_->set_update_replace_policy(core::DeletionPolicy::kDelete);

  // The log group, too: its fixed name would block the next stack of the same name.
  log_group.set_deletion_policy(core::DeletionPolicy::kDelete);
  log_group.set_update_replace_policy(core::DeletionPolicy::kDelete);
  if (managed_) return;
  secret_names_ = {secret_name, supertokens_uri_name};

  attachment_ = &Add<secretsmanager::CfnSecretTargetAttachment>(
      "CredentialsAttachment", secretsmanager::CfnSecretTargetAttachmentProps{
                                   .secret_id = credentials_->Ref(),
                                   .target_id = cluster_->Ref(),
                                   .target_type = "AWS::RDS::DBCluster",
                               });

  // SuperTokens takes one connection URI. Built from dynamic references, so CloudFormation
  // resolves the credentials at deploy time and the template holds none. (Rotating the
  // master password does not update this secret; redeploy after a rotation.)
  supertokens_uri_ = &Add<secretsmanager::CfnSecret>(
      "SupertokensDbConnectionSecret",
      secretsmanager::CfnSecretProps{
          .description =
              "SuperTokens connection URI for the supertokens database on " + cluster_name,
          .name = supertokens_uri_name,
          .secret_string =
              Join("", {"postgresql://", SecretField("username"), ":", SecretField("password"), "@",
                        endpoint_address(), ":", endpoint_port(), "/supertokens"}),
      });

  // The secrets go with the cluster. Explicit Delete: a retained secret with this fixed name
  // would block the next stack of the same name, and a restored snapshot gets a new password
  // with ModifyDBCluster anyway.
  for (secretsmanager::CfnSecret* secret : {credentials_, supertokens_uri_}) {
    secret->set_deletion_policy(core::DeletionPolicy::kDelete);
    secret->set_update_replace_policy(core::DeletionPolicy::kDelete);
  }
}

core::Str Database::SecretField(const char* key) const {
  return Join("", {"{{resolve:secretsmanager:", credentials_->Ref(),
                   std::string(":SecretString:") + key + "::}}"});
}

core::Str Database::endpoint_address() const { return cluster_->attr_endpoint_address(); }
core::Str Database::endpoint_port() const { return cluster_->attr_endpoint_port(); }
// The attachment's Ref is the secret's ARN; referencing it (not the secret) makes every task
// definition wait until host and port are in the secret.
core::Str Database::credentials_secret_arn() const {
  return managed_ ? master_user_secret_arn() : attachment_->Ref();
}
core::Str Database::supertokens_uri_secret_arn() const {
  return managed_ ? Str("") : supertokens_uri_->Ref();
}
core::Str Database::master_user_secret_arn() const {
  return cluster_->attr_master_user_secret_secret_arn();
}

DatabaseAccess Database::access() const {
  if (!managed_) {
    return DatabaseAccess{.secret_arn = credentials_secret_arn(),
                          .supertokens_uri_secret_arn = supertokens_uri_secret_arn()};
  }
  return DatabaseAccess{.managed = true,
                        .secret_arn = master_user_secret_arn(),
                        .host = endpoint_address(),
                        .port = endpoint_port()};
}

// ECS reads one JSON key of a Secrets Manager secret with "<arn>:<key>:<version stage>:<version
// id>"; empty stage and id mean the current version.
std::vector<std::pair<std::string, ContainerValue>> ContainerValues(const DatabaseAccess& access,
                                                                    const std::string& variable,
                                                                    const std::string& app_secret) {
  auto secret_key = [&](const std::string& key) {
    return ContainerValue{.value = Join("", {access.secret_arn, ":" + key + "::"}), .secret = true};
  };
  auto plain = [](Str value) { return ContainerValue{.value = std::move(value)}; };
  const std::string db_prefix = "db.";
  const bool db_key = app_secret.rfind(db_prefix, 0) == 0;
  const std::string key = db_key ? app_secret.substr(db_prefix.size()) : "";
  if (!access.managed) {
    if (db_key) return {{variable, secret_key(key)}};
    if (app_secret == "supertokens.connectionUri") {
      return {
          {variable, ContainerValue{.value = access.supertokens_uri_secret_arn, .secret = true}}};
    }
    return {};
  }
  // The managed secret holds only username and password; the rest is not secret.
  auto managed_value = [&](const std::string& name) -> std::optional<ContainerValue> {
    if (name == "password") return secret_key("password");
    if (name == "username") return plain(Str(Database::kMasterUsername));
    if (name == "host") return plain(access.host);
    if (name == "port") return plain(access.port);
    if (name == "dbname") return plain(Str(Database::kDatabaseName));
    return std::nullopt;
  };
  if (db_key) {
    std::optional<ContainerValue> value = managed_value(key);
    if (!value.has_value()) return {};
    return {{variable, *value}};
  }
  if (app_secret == "supertokens.connectionUri") {
    return {{"POSTGRESQL_USER", *managed_value("username")},
            {"POSTGRESQL_PASSWORD", *managed_value("password")},
            {"POSTGRESQL_HOST", *managed_value("host")},
            {"POSTGRESQL_PORT", *managed_value("port")},
            {"POSTGRESQL_DATABASE_NAME", plain(Str("supertokens"))}};
  }
  return {};
}
core::Str Database::cluster_identifier() const { return cluster_->Ref(); }

std::vector<core::Str> Database::secret_arn_patterns() const {
  if (managed_) return {master_user_secret_arn()};
  std::vector<core::Str> patterns;
  for (const std::string& name : secret_names_) {
    patterns.push_back(core::Sub(
        "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:" + name +
        "-??????"));
  }
  return patterns;
}

}  // namespace rex::stack
