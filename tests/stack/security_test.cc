#include "stack/security.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "core/stack.h"
#include "support/template_matcher.h"

namespace rex::stack {
namespace {

using base::Json;
using rex::testing::FindResources;
using rex::testing::HasResourceProperties;
using rex::testing::PropertiesOf;
using rex::testing::ResourceCountIs;
using rex::testing::ResourcesOfType;

const std::vector<core::Str> kSecrets = {
    "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf",
    "arn:aws:secretsmanager:us-east-1:111122223333:secret:st-uri-AbCdEf",
    "arn:aws:secretsmanager:us-east-1:111122223333:secret:st-key-AbCdEf",
};

struct Options {
  config::Config config = {};
  bool add_roles = true;
  TaskRolesProps roles = {
      .repository_arns = {"arn:aws:ecr:us-east-1:111122223333:repository/rex-backend-dev-api",
                          "arn:aws:ecr:us-east-1:111122223333:repository/rex-backend-dev-worker"},
      .secret_arns = kSecrets,
      .log_group_arns =
          {"arn:aws:logs:us-east-1:111122223333:log-group:/ecs/rex-backend-dev-api:*",
           "arn:aws:logs:us-east-1:111122223333:log-group:/ecs/rex-backend-dev-worker:*"},
  };
};

base::Result<core::Template> SynthSecurity(const Options& options) {
  core::App app;
  auto& stack = app.Add<core::Stack>("Rex");
  auto& security = stack.Add<Security>(
      "Security", SecurityProps{.config = &options.config, .vpc_id = core::Str("vpc-0123")});
  if (options.add_roles) security.AddTaskRoles(options.roles);
  return stack.Synthesize();
}

Json Synth(const Options& options = {}) {
  auto result = SynthSecurity(options);
  EXPECT_TRUE(result.has_value()) << result.error().message();
  return result.has_value() ? result->json : Json();
}

Json GroupId(const std::string& logical_id) {
  return Json{{"Fn::GetAtt", Json::array({logical_id, "GroupId"})}};
}

// Every statement of every inline policy of every role in the template.
std::vector<Json> PolicyStatements(const Json& t) {
  std::vector<Json> statements;
  for (const std::string& id : ResourcesOfType(t, "AWS::IAM::Role")) {
    Json props = PropertiesOf(t, id);
    if (!props.contains("Policies")) continue;
    for (const Json& policy : props["Policies"]) {
      for (const Json& s : policy["PolicyDocument"]["Statement"]) statements.push_back(s);
    }
  }
  return statements;
}

std::vector<Json> AsList(const Json& j) {
  if (j.is_array()) return j.get<std::vector<Json>>();
  return {j};
}

TEST(SecurityTest, FourGroupsInTheVpc) {
  Json t = Synth();
  EXPECT_TRUE(ResourceCountIs(t, "AWS::EC2::SecurityGroup", 4));
  for (const char* id : {"SecurityAlbSecurityGroup", "SecurityServicesSecurityGroup",
                         "SecurityDatabaseSecurityGroup", "SecurityCacheSecurityGroup"}) {
    EXPECT_EQ(PropertiesOf(t, id)["VpcId"], "vpc-0123") << id;
    EXPECT_TRUE(PropertiesOf(t, id)["GroupDescription"].is_string()) << id;
  }
}

TEST(SecurityTest, DatabaseAcceptsPostgresOnlyFromServices) {
  Json t = Synth();
  Json db = PropertiesOf(t, "SecurityDatabaseSecurityGroup");
  EXPECT_FALSE(db.contains("SecurityGroupIngress"));
  auto rules = FindResources(t, "AWS::EC2::SecurityGroupIngress",
                             Json{{"GroupId", GroupId("SecurityDatabaseSecurityGroup")}});
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_EQ(PropertiesOf(t, rules[0]),
            (Json{{"Description", "PostgreSQL from ECS tasks"},
                  {"FromPort", 5432},
                  {"ToPort", 5432},
                  {"IpProtocol", "tcp"},
                  {"GroupId", GroupId("SecurityDatabaseSecurityGroup")},
                  {"SourceSecurityGroupId", GroupId("SecurityServicesSecurityGroup")}}));
  // Nothing leaves the database group but the match-nothing placeholder.
  EXPECT_EQ(db["SecurityGroupEgress"], Json::parse(R"([{"CidrIp": "255.255.255.255/32",
      "Description": "Disallow all traffic", "FromPort": 252, "IpProtocol": "icmp",
      "ToPort": 86}])"));
}

TEST(SecurityTest, CacheAcceptsRedisOnlyFromServices) {
  Json t = Synth();
  EXPECT_FALSE(PropertiesOf(t, "SecurityCacheSecurityGroup").contains("SecurityGroupIngress"));
  auto rules = FindResources(t, "AWS::EC2::SecurityGroupIngress",
                             Json{{"GroupId", GroupId("SecurityCacheSecurityGroup")}});
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_TRUE(HasResourceProperties(
      t, "AWS::EC2::SecurityGroupIngress",
      Json{{"GroupId", GroupId("SecurityCacheSecurityGroup")},
           {"FromPort", 6379},
           {"ToPort", 6379},
           {"IpProtocol", "tcp"},
           {"SourceSecurityGroupId", GroupId("SecurityServicesSecurityGroup")}}));
}

TEST(SecurityTest, AlbOpensHttpsOnlyWithACertificate) {
  Json http_only = Synth();
  EXPECT_EQ(PropertiesOf(http_only, "SecurityAlbSecurityGroup")["SecurityGroupIngress"],
            Json::parse(R"([{"CidrIp": "0.0.0.0/0", "Description": "HTTP from anywhere",
                "FromPort": 80, "IpProtocol": "tcp", "ToPort": 80}])"));

  Options with_cert;
  with_cert.config.certificate_arn = "arn:aws:acm:us-east-1:111122223333:certificate/abc";
  Json t = Synth(with_cert);
  Json ingress = PropertiesOf(t, "SecurityAlbSecurityGroup")["SecurityGroupIngress"];
  ASSERT_EQ(ingress.size(), 2u);
  EXPECT_EQ(ingress[1]["FromPort"], 443);
  EXPECT_EQ(ingress[1]["CidrIp"], "0.0.0.0/0");
}

// A service's own rules (ALB to its port, Cloud Map callers) are made by its FargateService
// (tests/stack/compute_test.cc, tests/constructs/fargate_service_test.cc); alone, Security has
// only the data tier's.
TEST(SecurityTest, OnlyTheSharedRulesWithoutServices) {
  Json t = Synth();
  EXPECT_TRUE(ResourceCountIs(t, "AWS::EC2::SecurityGroupIngress", 2));
  EXPECT_TRUE(ResourceCountIs(t, "AWS::EC2::SecurityGroupEgress", 2));
  EXPECT_TRUE(HasResourceProperties(
      t, "AWS::EC2::SecurityGroupIngress",
      Json{{"GroupId", GroupId("SecurityDatabaseSecurityGroup")},
           {"SourceSecurityGroupId", GroupId("SecurityServicesSecurityGroup")},
           {"FromPort", 5432}}));
  EXPECT_TRUE(HasResourceProperties(
      t, "AWS::EC2::SecurityGroupIngress",
      Json{{"GroupId", GroupId("SecurityCacheSecurityGroup")},
           {"SourceSecurityGroupId", GroupId("SecurityServicesSecurityGroup")},
           {"FromPort", 6379}}));
}

TEST(SecurityTest, EgressIsExplicit) {
  Json t = Synth();
  // The ALB sends nothing but the placeholder until services add their rules.
  EXPECT_TRUE(FindResources(t, "AWS::EC2::SecurityGroupEgress",
                            Json{{"GroupId", GroupId("SecurityAlbSecurityGroup")}})
                  .empty());
  EXPECT_EQ(PropertiesOf(t, "SecurityAlbSecurityGroup")["SecurityGroupEgress"][0]["FromPort"], 252);
  // Services: 443 anywhere inline, then the data tier and supertokens by group.
  EXPECT_EQ(PropertiesOf(t, "SecurityServicesSecurityGroup")["SecurityGroupEgress"],
            Json::parse(R"([{"CidrIp": "0.0.0.0/0", "Description":
                "HTTPS to AWS APIs and the internet", "FromPort": 443, "IpProtocol": "tcp",
                "ToPort": 443}])"));
  EXPECT_TRUE(HasResourceProperties(
      t, "AWS::EC2::SecurityGroupEgress",
      Json{{"GroupId", GroupId("SecurityServicesSecurityGroup")},
           {"DestinationSecurityGroupId", GroupId("SecurityDatabaseSecurityGroup")},
           {"FromPort", 5432}}));
  EXPECT_TRUE(HasResourceProperties(
      t, "AWS::EC2::SecurityGroupEgress",
      Json{{"GroupId", GroupId("SecurityServicesSecurityGroup")},
           {"DestinationSecurityGroupId", GroupId("SecurityCacheSecurityGroup")},
           {"FromPort", 6379}}));
}

TEST(SecurityTest, ExecutionRoleReadsExactlyTheListedSecrets) {
  Json t = Synth();
  Json role = PropertiesOf(t, "SecurityExecutionRole");
  ASSERT_FALSE(role.is_null());
  Json read;
  for (const Json& s : role["Policies"][0]["PolicyDocument"]["Statement"]) {
    if (s["Action"] == Json::array({"secretsmanager:GetSecretValue"})) read = s;
  }
  ASSERT_FALSE(read.is_null());
  EXPECT_EQ(read["Resource"], Json::array({kSecrets[0].value().json(), kSecrets[1].value().json(),
                                           kSecrets[2].value().json()}));
  EXPECT_EQ(role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"],
            Json::parse(R"({"Service": "ecs-tasks.amazonaws.com"})"));
}

TEST(SecurityTest, ExecutionRolePullsOnlyTheTwoRepositoriesAndWritesOnlyTheLogGroups) {
  Options options;
  Json t = Synth(options);
  for (const Json& s : PolicyStatements(t)) {
    std::vector<Json> actions = AsList(s["Action"]);
    if (actions.front().get<std::string>().rfind("ecr:Batch", 0) == 0) {
      EXPECT_EQ(s["Resource"], Json::array({options.roles.repository_arns[0].value().json(),
                                            options.roles.repository_arns[1].value().json()}));
    }
    if (actions.front().get<std::string>().rfind("logs:", 0) == 0) {
      EXPECT_EQ(s["Resource"].size(), 2u);
      EXPECT_EQ(actions, (std::vector<Json>{"logs:CreateLogStream", "logs:PutLogEvents"}));
    }
  }
}

TEST(SecurityTest, NoWildcardActionAndOnlyEcrLoginOnAnyResource) {
  Json t = Synth();
  std::vector<Json> statements = PolicyStatements(t);
  ASSERT_EQ(statements.size(), 4u);
  int wildcard_resources = 0;
  for (const Json& s : statements) {
    for (const Json& action : AsList(s["Action"])) {
      std::string a = action.get<std::string>();
      EXPECT_EQ(a.find('*'), std::string::npos) << a;
    }
    for (const Json& resource : AsList(s["Resource"])) {
      if (resource == "*") {
        ++wildcard_resources;
        EXPECT_EQ(s["Action"], Json::array({"ecr:GetAuthorizationToken"}));
      }
    }
  }
  EXPECT_EQ(wildcard_resources, 1);
}

TEST(SecurityTest, ExecutionRoleAndAnEmptyMigrationTaskRole) {
  Json t = Synth();
  // The services' task roles are their FargateServices'.
  EXPECT_TRUE(ResourceCountIs(t, "AWS::IAM::Role", 2));
  Json role = PropertiesOf(t, "SecurityMigrationTaskRole");
  ASSERT_FALSE(role.is_null());
  EXPECT_FALSE(role.contains("Policies"));
  EXPECT_FALSE(role.contains("ManagedPolicyArns"));
  EXPECT_EQ(role["Description"],
            "Task role of rex-backend-dev-migration: its own identity, no permissions");
  Json trust = role["AssumeRolePolicyDocument"]["Statement"][0];
  EXPECT_EQ(trust["Principal"]["Service"], "ecs-tasks.amazonaws.com");
  EXPECT_EQ(trust["Condition"]["StringEquals"]["aws:SourceAccount"],
            Json::parse(R"({"Ref": "AWS::AccountId"})"));
  // The execution role is assumed by ECS itself: not pinned to a source.
  EXPECT_FALSE(
      PropertiesOf(t, "SecurityExecutionRole")["AssumeRolePolicyDocument"]["Statement"][0].contains(
          "Condition"));
}

TEST(SecurityTest, ServiceLogGroupsComeFirstInTheExecutionRole) {
  core::App app;
  auto& stack = app.Add<core::Stack>("Rex");
  config::Config config;
  auto& security = stack.Add<Security>(
      "Security", SecurityProps{.config = &config, .vpc_id = core::Str("vpc-0123")});
  Options options;
  security.AddTaskRoles(options.roles);
  security.AllowServiceLogs(core::Str("arn:logs:svc-a"));
  security.AllowServiceLogs(core::Str("arn:logs:svc-b"));
  auto result = stack.Synthesize();
  ASSERT_TRUE(result.has_value()) << result.error().message();
  Json role = PropertiesOf(result->json, "SecurityExecutionRole");
  Json logs;
  for (const Json& statement : role["Policies"][0]["PolicyDocument"]["Statement"]) {
    if (statement["Sid"] == "WriteLogs") logs = statement["Resource"];
  }
  EXPECT_EQ(logs, Json::array({"arn:logs:svc-a", "arn:logs:svc-b",
                               options.roles.log_group_arns[0].value().json(),
                               options.roles.log_group_arns[1].value().json()}));
}

TEST(SecurityTest, WithoutRolesOnlyGroups) {
  Options options;
  options.add_roles = false;
  Json t = Synth(options);
  EXPECT_TRUE(ResourceCountIs(t, "AWS::IAM::Role", 0));
  EXPECT_TRUE(ResourceCountIs(t, "AWS::EC2::SecurityGroup", 4));
}

TEST(SecurityTest, MissingInputsAreErrors) {
  Options options;
  options.roles = {};
  auto result = SynthSecurity(options);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().message(),
            "error: Rex/Security: repository_arns is empty; pass the ARNs of the services' ECR "
            "repositories\n"
            "error: Rex/Security: secret_arns is empty; pass the ARN of every secret the tasks "
            "read\n"
            "error: Rex/Security: log_group_arns is empty; pass the ARNs of the one-off tasks' "
            "log groups\n3 errors; no template written");

  core::App app;
  auto& stack = app.Add<core::Stack>("Rex");
  stack.Add<Security>("Security", SecurityProps{});
  auto missing = stack.Synthesize();
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message().find("config is required"), std::string::npos);
  EXPECT_NE(missing.error().message().find("vpc_id is required"), std::string::npos);
}

}  // namespace
}  // namespace rex::stack
