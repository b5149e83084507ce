#include "stack/database.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "config/presets.h"
#include "core/stack.h"
#include "support/template_matcher.h"

namespace rex::stack {
namespace {

using base::Json;
using rex::testing::HasResourceProperties;
using rex::testing::PropertiesOf;
using rex::testing::ResourceCountIs;

// A recognizable password: no template may contain it.
constexpr const char* kPassword = "Sup3r-Secret-Pw-7731";

base::Result<core::Template> SynthDatabase(const config::Config& config) {
  core::App app;
  auto& stack = app.Add<core::Stack>("Rex");
  stack.Add<Database>(
      "Database", DatabaseProps{.config = &config,
                                .private_subnet_ids = core::List<core::Str>{"subnet-1", "subnet-2"},
                                .security_group_id = "sg-db"});
  return stack.Synthesize();
}

Json Synth(const config::Config& config) {
  auto result = SynthDatabase(config);
  EXPECT_TRUE(result.has_value()) << result.error().message();
  return result.has_value() ? result->json : Json();
}

config::Config Prod() {
  config::Config config;
  config.environment = "prod";
  return config;
}

TEST(DatabaseTest, AuroraServerlessV2Cluster) {
  Json t = Synth(config::Config{});
  ASSERT_TRUE(ResourceCountIs(t, "AWS::RDS::DBCluster", 1));
  EXPECT_TRUE(HasResourceProperties(t, "AWS::RDS::DBCluster", Json::parse(R"({
      "Engine": "aurora-postgresql", "EngineVersion": "15.17",
      "ServerlessV2ScalingConfiguration": {"MinCapacity": 0.5, "MaxCapacity": 2},
      "DatabaseName": "rex_backend", "StorageEncrypted": true,
      "BackupRetentionPeriod": 7, "CopyTagsToSnapshot": true, "Port": 5432,
      "DBClusterIdentifier": "rex-backend-dev-db",
      "DBSubnetGroupName": {"Ref": "DatabaseSubnetGroup"},
      "VpcSecurityGroupIds": ["sg-db"],
      "EnableCloudwatchLogsExports": ["postgresql"]})")));
  // No auto-pause unless the minimum is 0.
  EXPECT_FALSE(PropertiesOf(t, "DatabaseCluster")["ServerlessV2ScalingConfiguration"].contains(
      "SecondsUntilAutoPause"));
}

TEST(DatabaseTest, SubnetGroupOnPrivateSubnets) {
  Json t = Synth(config::Config{});
  EXPECT_TRUE(HasResourceProperties(t, "AWS::RDS::DBSubnetGroup", Json::parse(R"({
      "SubnetIds": ["subnet-1", "subnet-2"], "DBSubnetGroupName": "rex-backend-dev-db"})")));
}

TEST(DatabaseTest, OneServerlessWriterNotPublic) {
  Json t = Synth(config::Config{});
  ASSERT_TRUE(ResourceCountIs(t, "AWS::RDS::DBInstance", 1));
  EXPECT_TRUE(HasResourceProperties(t, "AWS::RDS::DBInstance", Json::parse(R"({
      "DBInstanceClass": "db.serverless", "Engine": "aurora-postgresql",
      "DBClusterIdentifier": {"Ref": "DatabaseCluster"}, "PubliclyAccessible": false})")));
  EXPECT_EQ(t["Resources"]["DatabaseWriter"]["DeletionPolicy"], "Delete");
}

TEST(DatabaseTest, ScalingAndBackupsFollowConfig) {
  config::Config config;
  config.db_min_capacity = 1;
  config.db_max_capacity = 8.5;
  config.backup_retention_days = 14;
  Json t = Synth(config);
  EXPECT_TRUE(HasResourceProperties(t, "AWS::RDS::DBCluster", Json::parse(R"({
      "ServerlessV2ScalingConfiguration": {"MinCapacity": 1, "MaxCapacity": 8.5},
      "BackupRetentionPeriod": 14})")));
}

TEST(DatabaseTest, PostgresLogGroupCreatedFirstWithRetention) {
  config::Config config;
  config.log_retention_days = 30;
  Json t = Synth(config);
  EXPECT_TRUE(HasResourceProperties(t, "AWS::Logs::LogGroup", Json::parse(R"({
      "LogGroupName": "/aws/rds/cluster/rex-backend-dev-db/postgresql",
      "RetentionInDays": 30})")));
  EXPECT_EQ(t["Resources"]["DatabaseCluster"]["DependsOn"], Json::parse(R"(["DatabaseLogGroup"])"));
}

TEST(DatabaseTest, DevHasNoDeletionProtection) {
  Json t = Synth(config::Config{});
  const Json& cluster = t["Resources"]["DatabaseCluster"];
  EXPECT_EQ(cluster["Properties"]["DeletionProtection"], false);
  EXPECT_EQ(cluster["DeletionPolicy"], "Delete");
  EXPECT_EQ(cluster["UpdateReplacePolicy"], "Delete");
}

TEST(DatabaseTest, ProdIsProtectedAndSnapshotted) {
  Json t = Synth(Prod());
  const Json& cluster = t["Resources"]["DatabaseCluster"];
  EXPECT_EQ(cluster["Properties"]["DeletionProtection"], true);
  EXPECT_EQ(cluster["DeletionPolicy"], "Snapshot");
  EXPECT_EQ(cluster["UpdateReplacePolicy"], "Snapshot");
  EXPECT_EQ(cluster["Properties"]["DBClusterIdentifier"], "rex-backend-prod-db");
}

TEST(DatabaseTest, ProtectionFollowsExplicitConfig) {
  config::Config dev;
  dev.db_deletion_protection = true;
  EXPECT_EQ(Synth(dev)["Resources"]["DatabaseCluster"]["DeletionPolicy"], "Snapshot");
  config::Config prod = Prod();
  prod.db_deletion_protection = false;
  EXPECT_EQ(Synth(prod)["Resources"]["DatabaseCluster"]["DeletionPolicy"], "Delete");
}

TEST(DatabaseTest, GeneratedPasswordReachesTheClusterByDynamicReference) {
  Json t = Synth(config::Config{});
  EXPECT_FALSE(t.contains("Parameters"));
  EXPECT_TRUE(HasResourceProperties(t, "AWS::SecretsManager::Secret", Json::parse(R"({
      "Name": "rex-backend-dev/db/credentials",
      "GenerateSecretString": {
        "SecretStringTemplate": "{\"username\":\"rexadmin\",\"dbname\":\"rex_backend\"}",
        "GenerateStringKey": "password", "PasswordLength": 32,
        "ExcludeCharacters": " %+~`#$&*()|[]{}:;<>?!'/@\"\\^"}})")));
  Json cluster = PropertiesOf(t, "DatabaseCluster");
  EXPECT_EQ(cluster["MasterUsername"], Json::parse(R"({"Fn::Join": ["", [
      "{{resolve:secretsmanager:", {"Ref": "DatabaseCredentialsSecret"},
      ":SecretString:username::}}"]]})"));
  EXPECT_EQ(cluster["MasterUserPassword"], Json::parse(R"({"Fn::Join": ["", [
      "{{resolve:secretsmanager:", {"Ref": "DatabaseCredentialsSecret"},
      ":SecretString:password::}}"]]})"));
}

TEST(DatabaseTest, SecretsAndLogGroupAreDeletedWithTheStack) {
  Json t = Synth(Prod());
  for (const char* id :
       {"DatabaseCredentialsSecret", "DatabaseSupertokensDbConnectionSecret", "DatabaseLogGroup"}) {
    EXPECT_EQ(t["Resources"][id]["DeletionPolicy"], "Delete") << id;
    EXPECT_EQ(t["Resources"][id]["UpdateReplacePolicy"], "Delete") << id;
  }
}

TEST(DatabaseTest, SecretAttachedToTheClusterForHostAndPort) {
  Json t = Synth(config::Config{});
  EXPECT_TRUE(
      HasResourceProperties(t, "AWS::SecretsManager::SecretTargetAttachment", Json::parse(R"({
      "SecretId": {"Ref": "DatabaseCredentialsSecret"},
      "TargetId": {"Ref": "DatabaseCluster"}, "TargetType": "AWS::RDS::DBCluster"})")));
}

TEST(DatabaseTest, ConfiguredPasswordTravelsAsNoEchoParameterOnly) {
  config::Config config;
  config.db_master_password = config::Secret(kPassword);
  auto result = SynthDatabase(config);
  ASSERT_TRUE(result.has_value()) << result.error().message();
  EXPECT_EQ(result->ToJson().find(kPassword), std::string::npos);
  EXPECT_EQ(result->ToYaml().find(kPassword), std::string::npos);
  const Json& t = result->json;
  EXPECT_EQ(t["Parameters"]["DbMasterPassword"], Json::parse(R"json({
      "Type": "String", "NoEcho": true, "MinLength": 8,
      "Description": "master password of the rex-backend-dev-db Aurora cluster (rex passes dbMasterPassword from the config)"})json"));
  Json cluster = PropertiesOf(t, "DatabaseCluster");
  EXPECT_EQ(cluster["MasterUserPassword"], Json::parse(R"({"Ref": "DbMasterPassword"})"));
  EXPECT_EQ(cluster["MasterUsername"], "rexadmin");
  // The same secret exists, its value built from the parameter, never from the password, with
  // host and port written in so a password change keeps them.
  EXPECT_EQ(PropertiesOf(t, "DatabaseCredentialsSecret")["SecretString"], Json::parse(R"({
      "Fn::Join": ["", ["{\"username\":\"rexadmin\",\"password\":\"", {"Ref": "DbMasterPassword"},
                        "\",\"dbname\":\"rex_backend\",\"host\":\"",
                        {"Fn::GetAtt": ["DatabaseCluster", "Endpoint.Address"]},
                        "\",\"port\":", {"Fn::GetAtt": ["DatabaseCluster", "Endpoint.Port"]},
                        "}"]]})"));
  EXPECT_FALSE(PropertiesOf(t, "DatabaseCredentialsSecret").contains("GenerateSecretString"));
}

TEST(DatabaseTest, SupertokensConnectionUriFromDynamicReferences) {
  Json t = Synth(config::Config{});
  EXPECT_TRUE(HasResourceProperties(t, "AWS::SecretsManager::Secret", Json::parse(R"({
      "Name": "rex-backend-dev/supertokens/db-uri",
      "SecretString": {"Fn::Join": ["", [
        "postgresql://",
        {"Fn::Join": ["", ["{{resolve:secretsmanager:", {"Ref": "DatabaseCredentialsSecret"},
                           ":SecretString:username::}}"]]},
        ":",
        {"Fn::Join": ["", ["{{resolve:secretsmanager:", {"Ref": "DatabaseCredentialsSecret"},
                           ":SecretString:password::}}"]]},
        "@", {"Fn::GetAtt": ["DatabaseCluster", "Endpoint.Address"]},
        ":", {"Fn::GetAtt": ["DatabaseCluster", "Endpoint.Port"]},
        "/supertokens"]]}})")));
}

TEST(DatabaseTest, AccessorsAreTokens) {
  config::Config config;
  core::App app;
  auto& stack = app.Add<core::Stack>("Rex");
  auto& db = stack.Add<Database>("Database", DatabaseProps{.config = &config,
                                                           .private_subnet_ids = {"subnet-1"},
                                                           .security_group_id = "sg-db"});
  EXPECT_EQ(db.endpoint_address().value().json(),
            Json::parse(R"({"Fn::GetAtt": ["DatabaseCluster", "Endpoint.Address"]})"));
  EXPECT_EQ(db.endpoint_port().value().json(),
            Json::parse(R"({"Fn::GetAtt": ["DatabaseCluster", "Endpoint.Port"]})"));
  // The attachment's Ref is the secret's ARN, and waits for host and port to be written.
  EXPECT_EQ(db.credentials_secret_arn().value().json(),
            Json::parse(R"({"Ref": "DatabaseCredentialsAttachment"})"));
  EXPECT_EQ(db.supertokens_uri_secret_arn().value().json(),
            Json::parse(R"({"Ref": "DatabaseSupertokensDbConnectionSecret"})"));
  EXPECT_EQ(db.cluster_identifier().value().json(), Json::parse(R"({"Ref": "DatabaseCluster"})"));
  EXPECT_EQ(db.database_name().value().json(), "rex_backend");
  EXPECT_EQ(db.master_password_parameter(), nullptr);
  EXPECT_EQ(db.cluster().logical_id(), "DatabaseCluster");
}

// dbManagedPassword: RDS keeps and rotates the password; the template holds no secret of it.
TEST(DatabaseTest, ManagedPasswordLeavesThePasswordToRds) {
  config::Config config = Prod();
  config.db_managed_password = true;
  Json t = Synth(config);
  Json cluster = PropertiesOf(t, "DatabaseCluster");
  EXPECT_EQ(cluster["ManageMasterUserPassword"], true);
  EXPECT_EQ(cluster["MasterUsername"], "rexadmin");
  EXPECT_FALSE(cluster.contains("MasterUserPassword"));
  // RDS's own secret, with its default key: no MasterUserSecret property to write.
  EXPECT_FALSE(cluster.contains("MasterUserSecret"));
  EXPECT_TRUE(ResourceCountIs(t, "AWS::SecretsManager::Secret", 0));
  EXPECT_TRUE(ResourceCountIs(t, "AWS::SecretsManager::SecretTargetAttachment", 0));
  EXPECT_FALSE(t.contains("Parameters"));
}

TEST(DatabaseTest, ManagedPasswordAccessorsNameRdsSecret) {
  config::Config config = Prod();
  config.db_managed_password = true;
  core::App app;
  auto& stack = app.Add<core::Stack>("Rex");
  auto& db = stack.Add<Database>("Database", DatabaseProps{.config = &config,
                                                           .private_subnet_ids = {"subnet-1"},
                                                           .security_group_id = "sg-db"});
  const Json secret =
      Json::parse(R"({"Fn::GetAtt": ["DatabaseCluster", "MasterUserSecret.SecretArn"]})");
  EXPECT_TRUE(db.managed_password());
  EXPECT_EQ(db.master_user_secret_arn().value().json(), secret);
  EXPECT_EQ(db.credentials_secret_arn().value().json(), secret);
  ASSERT_EQ(db.secret_arn_patterns().size(), 1u);
  EXPECT_EQ(db.secret_arn_patterns()[0].value().json(), secret);
  DatabaseAccess access = db.access();
  EXPECT_TRUE(access.managed);
  EXPECT_EQ(access.host.value().json(),
            Json::parse(R"({"Fn::GetAtt": ["DatabaseCluster", "Endpoint.Address"]})"));
}

// The one rule from app secret names to what a container gets.
TEST(DatabaseTest, ContainerValuesOfTheManagedSecret) {
  const Json arn = Json::parse(R"({"Fn::GetAtt": ["Db", "MasterUserSecret.SecretArn"]})");
  DatabaseAccess managed{.managed = true,
                         .secret_arn = core::Str::Token(core::Value::FromJson(arn)),
                         .host = "db.example",
                         .port = "5432"};
  auto password = ContainerValues(managed, "DB_PASSWORD", "db.password");
  ASSERT_EQ(password.size(), 1u);
  EXPECT_EQ(password[0].first, "DB_PASSWORD");
  EXPECT_TRUE(password[0].second.secret);
  EXPECT_EQ(password[0].second.value.value().json(),
            Json::parse(R"({"Fn::Join": ["", [)" + arn.dump() + R"(, ":password::"]]})"));
  for (const auto& [name, plain] :
       std::vector<std::pair<std::string, std::string>>{{"db.username", "rexadmin"},
                                                        {"db.host", "db.example"},
                                                        {"db.port", "5432"},
                                                        {"db.dbname", "rex_backend"}}) {
    auto values = ContainerValues(managed, "V", name);
    ASSERT_EQ(values.size(), 1u) << name;
    EXPECT_FALSE(values[0].second.secret) << name;
    EXPECT_EQ(values[0].second.value.value().json(), plain) << name;
  }
  // SuperTokens gets its separate variables; only the password is a secret.
  auto supertokens =
      ContainerValues(managed, "POSTGRESQL_CONNECTION_URI", "supertokens.connectionUri");
  std::vector<std::string> names;
  for (const auto& [variable, value] : supertokens) {
    names.push_back(variable);
    EXPECT_EQ(value.secret, variable == "POSTGRESQL_PASSWORD") << variable;
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{"POSTGRESQL_USER", "POSTGRESQL_PASSWORD", "POSTGRESQL_HOST",
                                      "POSTGRESQL_PORT", "POSTGRESQL_DATABASE_NAME"}));
  EXPECT_EQ(supertokens.back().second.value.value().json(), "supertokens");
  EXPECT_TRUE(ContainerValues(managed, "X", "supertokens.apiKey").empty());
  EXPECT_TRUE(ContainerValues(managed, "X", "db.nothing").empty());
}

TEST(DatabaseTest, ContainerValuesOfTheCredentialsSecret) {
  DatabaseAccess unmanaged{.secret_arn = "arn:creds", .supertokens_uri_secret_arn = "arn:uri"};
  auto host = ContainerValues(unmanaged, "DB_HOST", "db.host");
  ASSERT_EQ(host.size(), 1u);
  EXPECT_TRUE(host[0].second.secret);
  EXPECT_EQ(host[0].second.value.value().json(), "arn:creds:host::");
  auto uri = ContainerValues(unmanaged, "POSTGRESQL_CONNECTION_URI", "supertokens.connectionUri");
  ASSERT_EQ(uri.size(), 1u);
  EXPECT_EQ(uri[0].first, "POSTGRESQL_CONNECTION_URI");
  EXPECT_TRUE(uri[0].second.secret);
  EXPECT_EQ(uri[0].second.value.value().json(), "arn:uri");
}

TEST(DatabaseTest, DeprecatedEngineVersionWarns) {
  config::Config config;
  config.db_engine_version = "15.4";
  auto result = SynthDatabase(config);
  ASSERT_TRUE(result.has_value()) << result.error().message();
  ASSERT_EQ(result->warnings.size(), 1u);
  EXPECT_EQ(result->warnings[0].path, "Rex/Database/Cluster");
  EXPECT_EQ(result->warnings[0].message,
            "dbEngineVersion 15.4 is deprecated: AWS no longer creates clusters with it; use "
            "15.17 (latest accepted)");
  EXPECT_EQ(PropertiesOf(result->json, "DatabaseCluster")["EngineVersion"], "15.4");
}

TEST(DatabaseTest, UnknownMinorOfCoveredMajorWarns) {
  config::Config config;
  config.db_engine_version = "15.9";
  auto result = SynthDatabase(config);
  ASSERT_TRUE(result.has_value()) << result.error().message();
  ASSERT_EQ(result->warnings.size(), 1u);
  EXPECT_EQ(result->warnings[0].message,
            "dbEngineVersion 15.9 is not a version AWS is known to accept for new clusters; use "
            "15.17 (latest accepted)");
}

TEST(DatabaseTest, AcceptedVersionHasNoWarning) {
  auto result = SynthDatabase(config::Config{});
  ASSERT_TRUE(result.has_value()) << result.error().message();
  EXPECT_TRUE(result->warnings.empty());
}

TEST(DatabaseTest, AutoPauseWhenMinimumIsZero) {
  config::Config config;
  config.db_min_capacity = 0;
  Json t = Synth(config);
  EXPECT_TRUE(HasResourceProperties(t, "AWS::RDS::DBCluster", Json::parse(R"({
      "ServerlessV2ScalingConfiguration": {"MinCapacity": 0, "MaxCapacity": 2,
                                           "SecondsUntilAutoPause": 300}})")));
}

TEST(DatabaseTest, AutoPauseOnOldVersionIsAnError) {
  config::Config config;
  config.db_min_capacity = 0;
  config.db_engine_version = "15.4";
  auto result = SynthDatabase(config);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().message(),
            "error: Rex/Database: dbMinCapacity is 0 (auto-pause), which aurora-postgresql 15.4 "
            "does not support; use dbMinCapacity 0.5 or more, or dbEngineVersion 13.15+, "
            "14.12+, 15.7+, 16.3+ or 17 and later\n1 error; no template written");
}

TEST(DatabaseTest, BadConfiguredPasswordIsAnErrorWithoutTheValue) {
  for (const char* bad :
       {"short", "has a space in it", "with/slash-long", "quote\"inside1", "at@sign-long",
        "percent%enc-long", "0123456789012345678901234567890123456789xx"}) {
    config::Config config;
    config.db_master_password = config::Secret(bad);
    auto result = SynthDatabase(config);
    ASSERT_FALSE(result.has_value()) << bad;
    EXPECT_EQ(result.error().message().find(bad), std::string::npos) << bad;
    EXPECT_NE(result.error().message().find("error: Rex/Database: dbMasterPassword"),
              std::string::npos)
        << result.error().message();
  }
}

// Loaded without the passphrase, the password is sealed: the cluster takes the same NoEcho
// parameter (its value was checked when it was set).
TEST(DatabaseTest, SealedPasswordSynthesizesLikeTheDecryptedOne) {
  config::Config sealed;
  sealed.db_master_password = config::Secret::Sealed();
  config::Config decrypted;
  decrypted.db_master_password = config::Secret(kPassword);
  EXPECT_EQ(Synth(sealed), Synth(decrypted));
  EXPECT_EQ(Synth(sealed)["Parameters"]["DbMasterPassword"]["NoEcho"], true);
}

TEST(DatabaseTest, MissingInputsAreErrors) {
  config::Config config;
  core::App app;
  auto& stack = app.Add<core::Stack>("Rex");
  stack.Add<Database>("Database", DatabaseProps{.config = &config});
  auto result = stack.Synthesize();
  ASSERT_FALSE(result.has_value());
  const std::string& message = result.error().message();
  EXPECT_NE(message.find("error: Rex/Database: no private subnets for the DB subnet group; pass "
                         "at least 2, in different availability zones"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("error: Rex/Database: no security group for the cluster; pass the "
                         "database security group id"),
            std::string::npos)
      << message;
}

TEST(DatabaseTest, DeterministicBytes) {
  config::Config config;
  config.db_master_password = config::Secret(kPassword);
  auto a = SynthDatabase(config);
  auto b = SynthDatabase(config);
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_EQ(a->ToJson(), b->ToJson());
}

TEST(DatabaseTest, EveryPresetSynthesizesWithoutWarnings) {
  for (config::Preset preset : config::AllPresets()) {
    auto result = SynthDatabase(config::PresetConfig(preset));
    ASSERT_TRUE(result.has_value())
        << config::PresetName(preset) << ": " << result.error().message();
    EXPECT_TRUE(result->warnings.empty()) << config::PresetName(preset);
  }
}

}  // namespace
}  // namespace rex::stack
