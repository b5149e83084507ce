#pragma once

#include <optional>
#include <string>
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
// Errors (AddError on this construct): no private subnets; no security group; dbMinCapacity 0
// on an engine version without auto-pause; a dbMasterPassword that RDS, the JSON secret or the
// connection URI cannot take (length 8 to 41, printable ASCII without space, / " @ \ % ? #).
// Warnings (AddWarning on the cluster): a dbEngineVersion AWS lists as deprecated, or a version
// of the covered major that AWS is not known to accept.
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
  // ARN (Ref) of the secret with JSON keys username, password, host, port, dbname.
  core::Str credentials_secret_arn() const;
  // ARN (Ref) of the secret holding the SuperTokens connection URI (a plain string).
  core::Str supertokens_uri_secret_arn() const;
  // The ARNs of both secrets above as IAM patterns built from their fixed names
  // (arn:…:secret:<name>-??????, Secrets Manager's 6-character suffix). Unlike the Refs,
  // they do not wait for the cluster, so a policy granting them (the task execution role)
  // is created alongside the database instead of after it.
  std::vector<core::Str> secret_arn_patterns() const;
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

  cfn::rds::CfnDBCluster* cluster_ = nullptr;
  cfn::rds::CfnDBInstance* writer_ = nullptr;
  cfn::secretsmanager::CfnSecret* credentials_ = nullptr;
  cfn::secretsmanager::CfnSecretTargetAttachment* attachment_ = nullptr;
  cfn::secretsmanager::CfnSecret* supertokens_uri_ = nullptr;
  core::Parameter* password_parameter_ = nullptr;
};

}  // namespace rex::stack
