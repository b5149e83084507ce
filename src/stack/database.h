#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cfn/logs.gen.h"
#include "cfn/rds.gen.h"
#include "cfn/secretsmanager.gen.h"
#include "config/config.h"
#include "core/construct.h"
#include "core/element.h"
#include "core/value.h"

namespace rex::stack {

struct DatabaseProps {
  // The stack config; read during construction only (naming, engine version, capacity,
  // backups, deletion protection, dbMasterPassword, logRetentionDays). Required: a null
  // config is a bug (REX_CHECK).
  const config::Config* config = nullptr;
  // Private subnets of the DB subnet group, at least 2 in different availability zones.
  // Default: none (an error: Aurora needs a subnet group).
  core::List<core::Str> private_subnet_ids = {};
  // The database security group (5432 from the services). Default: "" (an error).
  core::Str security_group_id = "";
};

// Aurora Serverless v2 (aurora-postgresql) for the Rex Backend, as ARCHITECTURE.md describes:
//
//   SubnetGroup     AWS::RDS::DBSubnetGroup over the private subnets
//   LogGroup        AWS::Logs::LogGroup /aws/rds/cluster/<cluster>/postgresql, created before
//                   the cluster so the exported PostgreSQL log gets logRetentionDays
//   Cluster         AWS::RDS::DBCluster: dbEngineVersion, ACU dbMinCapacity..dbMaxCapacity
//                   (SecondsUntilAutoPause 300 when the minimum is 0), database rex_backend,
//                   master user rexadmin, storage encrypted, backupRetentionDays, port 5432,
//                   PostgreSQL log exported to CloudWatch; deletion protection and
//                   DeletionPolicy/UpdateReplacePolicy Snapshot when
//                   config.db_deletion_protection_enabled(), Delete otherwise
//   Writer          AWS::RDS::DBInstance db.serverless, not publicly accessible
//   CredentialsSecret, CredentialsAttachment
//                   AWS::SecretsManager::Secret "<p>-<e>/db/credentials" with JSON keys
//                   username, password, dbname, host, port, and (from the AWS::
//                   SecretsManager::SecretTargetAttachment) engine, dbClusterIdentifier
//   SupertokensDbConnectionSecret
//                   AWS::SecretsManager::Secret "<p>-<e>/supertokens/db-uri" holding
//                   postgresql://<user>:<password>@<endpoint>:<port>/supertokens
//   The secrets, the log group and the writer instance have explicit Delete policies: the
//   data is the cluster's, and a retained resource with a fixed name would block the next
//   stack of the same name.
//
// The password never appears in the template. Without dbMasterPassword, Secrets Manager
// generates it (32 characters, none that break a URI, JSON or a shell) and the cluster reads
// it through dynamic references ({{resolve:secretsmanager:...}}). With dbMasterPassword, the
// stack gets a NoEcho parameter with logical id "DbMasterPassword" (kDbMasterPasswordParameter;
// the deploy passes the config value for it) whose Ref feeds the cluster and the secret. The
// cluster takes the Ref, not a dynamic reference to the secret (cfn-lint W1011 prefers the
// latter), because only a changed parameter value makes CloudFormation update the cluster's
// password: the text of a dynamic reference stays the same when the secret changes.
// The parameter is added to the enclosing stack, so this construct must be inside one.
//
// With dbManagedPassword (config.db_managed_password) the cluster has ManageMasterUserPassword:
// RDS creates the master user secret (JSON keys username and password, encrypted with the
// Secrets Manager default key, named by RDS "rds!cluster-<id>") and rotates it every 7 days;
// MasterUsername is "rexadmin", there is no MasterUserPassword, and CredentialsSecret,
// CredentialsAttachment and SupertokensDbConnectionSecret are not created (RDS's secret is
// the only copy of the password). Readers use ContainerValues below.
//
// Errors (AddError on this construct): no private subnets; no security group; dbMinCapacity 0
// on an engine version without auto-pause; a dbMasterPassword that RDS, the JSON secret or the
// connection URI cannot take (length 8 to 41, printable ASCII without space, / " @ \ % ? #).
// Warnings (AddWarning on the cluster): a dbEngineVersion AWS lists as deprecated, or a version
// of the covered major that AWS is not known to accept.
// One value a container reads from the database's credentials: a Secrets Manager reference
// (an ECS `secrets` valueFrom, "<arn>:<key>::" or a whole secret's ARN) or a plain value (an
// ECS `environment` value).
struct ContainerValue {
  core::Str value = "";
  bool secret = false;
};

// Where the credentials are: what ContainerValues needs. Database::access() gives it.
struct DatabaseAccess {
  // True with dbManagedPassword: secret_arn is RDS's master user secret (keys username and
  // password only). Else the credentials secret (username, password, host, port, dbname).
  bool managed = false;
  core::Str secret_arn = "";
  // Unmanaged: the SuperTokens connection URI secret. Managed: unused.
  core::Str supertokens_uri_secret_arn = "";
  // Managed: the writer endpoint's address and port (Fn::GetAtt). Unmanaged: unused.
  core::Str host = "";
  core::Str port = "";
};

// The one rule mapping an app secret name a service or job names in `secrets` to what its
// container gets, as (variable, value) pairs:
//   unmanaged  db.<key> -> variable = secret "<credentials arn>:<key>::";
//              supertokens.connectionUri -> variable = secret (the URI secret's ARN)
//   managed    db.password -> variable = secret "<master user secret arn>:password::";
//              db.username, db.host, db.port, db.dbname -> variable = plain "rexadmin", the
//              endpoint address, the endpoint port, "rex_backend" (they are not secret and
//              do not change on rotation);
//              supertokens.connectionUri -> SuperTokens' separate variables instead of
//              `variable`: POSTGRESQL_USER, POSTGRESQL_PASSWORD (secret), POSTGRESQL_HOST,
//              POSTGRESQL_PORT, POSTGRESQL_DATABASE_NAME "supertokens" (a URI would have to
//              hold the password, which only RDS's secret may)
// An unknown name gives no pairs (the config validation refuses it first).
std::vector<std::pair<std::string, ContainerValue>> ContainerValues(const DatabaseAccess& access,
                                                                    const std::string& variable,
                                                                    const std::string& app_secret);

class Database : public core::Construct {
 public:
  static constexpr const char* kDatabaseName = "rex_backend";
  static constexpr const char* kMasterUsername = "rexadmin";
  static constexpr int kPort = 5432;
  static constexpr const char* kDbMasterPasswordParameter = "DbMasterPassword";

  Database(core::Construct& scope, std::string id, DatabaseProps props);

  // The L1 cluster, as an escape hatch (AddPropertyOverride, policies).
  cfn::rds::CfnDBCluster& cluster() { return *cluster_; }
  cfn::rds::CfnDBInstance& writer() { return *writer_; }
  // Tokens of the cluster's writer endpoint (GetAtt Endpoint.Address / Endpoint.Port).
  core::Str endpoint_address() const;
  core::Str endpoint_port() const;
  // ARN (Ref) of the secret with JSON keys username, password, host, port, dbname; with
  // dbManagedPassword, RDS's master user secret (keys username and password only).
  core::Str credentials_secret_arn() const;
  // ARN (Ref) of the secret holding the SuperTokens connection URI (a plain string); "" with
  // dbManagedPassword (there is none).
  core::Str supertokens_uri_secret_arn() const;
  // The ARNs the task execution role may read. Unmanaged: both secrets above as IAM patterns
  // built from their fixed names (arn:…:secret:<name>-??????, Secrets Manager's
  // 6-character suffix); unlike the Refs, they do not wait for the cluster, so the role is
  // created alongside the database instead of after it. Managed: the master user secret's
  // ARN (Fn::GetAtt Cluster.MasterUserSecret.SecretArn; RDS names it, so no pattern).
  std::vector<core::Str> secret_arn_patterns() const;
  // True with dbManagedPassword.
  bool managed_password() const { return managed_; }
  // Fn::GetAtt Cluster.MasterUserSecret.SecretArn (meaningful with dbManagedPassword only).
  core::Str master_user_secret_arn() const;
  // What ContainerValues needs to read this database's credentials.
  DatabaseAccess access() const;
  // The cluster identifier (Ref of the cluster), e.g. for alarms and `rex` day-2 commands.
  core::Str cluster_identifier() const;
  // "rex_backend".
  core::Str database_name() const { return kDatabaseName; }
  // The NoEcho password parameter when dbMasterPassword is set, else null.
  const core::Parameter* master_password_parameter() const { return password_parameter_; }

 private:
  // `{{resolve:secretsmanager:<credentials secret>:SecretString:<key>::}}` as a Join.
  core::Str SecretField(const char* key) const;

  std::vector<std::string> secret_names_;
  bool managed_ = false;

  cfn::rds::CfnDBCluster* cluster_ = nullptr;
  cfn::rds::CfnDBInstance* writer_ = nullptr;
  cfn::secretsmanager::CfnSecret* credentials_ = nullptr;
  cfn::secretsmanager::CfnSecretTargetAttachment* attachment_ = nullptr;
  cfn::secretsmanager::CfnSecret* supertokens_uri_ = nullptr;
  core::Parameter* password_parameter_ = nullptr;
};

}  // namespace rex::stack
