#include "stack/accepted.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "base/json.h"

namespace rex::stack {
namespace {

using base::Json;

Json Template(Json resources) { return {{"Resources", std::move(resources)}}; }

Json Alb(const std::string& group) {
  return {{"Type", "AWS::ElasticLoadBalancingV2::LoadBalancer"},
          {"Properties",
           {{"SecurityGroups", Json::array({{{"Fn::GetAtt", Json::array({group, "GroupId"})}}})}}}};
}

Json Group(Json ingress) {
  return {
      {"Type", "AWS::EC2::SecurityGroup"},
      {"Metadata", {{"rex:path", "Rex/Security/AlbSecurityGroup"}}},
      {"Properties", {{"GroupDescription", "g"}, {"SecurityGroupIngress", std::move(ingress)}}}};
}

Json Open(int port, const std::string& protocol = "tcp") {
  return {{"CidrIp", "0.0.0.0/0"}, {"IpProtocol", protocol}, {"FromPort", port}, {"ToPort", port}};
}

Json Recorded(const Json& tmpl, const std::string& id) {
  return tmpl["Resources"][id].value("Metadata", Json::object());
}

TEST(AcceptedTest, ALoadBalancersGroupOpenOnlyOnWebPortsIsRecordedForEveryScanner) {
  Json t = Template({{"Alb", Alb("Sg")}, {"Sg", Group(Json::array({Open(80), Open(443)}))}});
  RecordAcceptedFindings(t, "dev");
  Json m = Recorded(t, "Sg");
  EXPECT_EQ(m["rex:path"], "Rex/Security/AlbSecurityGroup");  // kept
  ASSERT_EQ(m["cdk_nag"]["rules_to_suppress"].size(), 1u);
  EXPECT_EQ(m["cdk_nag"]["rules_to_suppress"][0]["id"], "AwsSolutions-EC23");
  std::string reason = m["cdk_nag"]["rules_to_suppress"][0]["reason"];
  EXPECT_THAT(reason, ::testing::HasSubstr("internet-facing load balancer"));
  EXPECT_EQ(m["cfn_nag"]["rules_to_suppress"],
            Json::parse(R"([{"id": "W2", "reason": ")" + reason + R"("},
                            {"id": "W9", "reason": ")" +
                        reason + R"("}])"));
  EXPECT_EQ(m["checkov"]["skip"],
            Json::parse(R"([{"id": "CKV_AWS_260", "comment": ")" + reason + R"("}])"));

  // Idempotent.
  Json again = t;
  RecordAcceptedFindings(again, "dev");
  EXPECT_EQ(again, t);
}

TEST(AcceptedTest, NothingIsRecordedForOtherOpenPortsOrGroupsNoLoadBalancerUses) {
  Json ssh = Template({{"Alb", Alb("Sg")}, {"Sg", Group(Json::array({Open(443), Open(22)}))}});
  RecordAcceptedFindings(ssh, "prod");
  EXPECT_FALSE(Recorded(ssh, "Sg").contains("cdk_nag"));
  Json all = Template({{"Alb", Alb("Sg")}, {"Sg", Group(Json::array({Open(80, "-1")}))}});
  RecordAcceptedFindings(all, "prod");
  EXPECT_FALSE(Recorded(all, "Sg").contains("cdk_nag"));
  Json unused = Template({{"Sg", Group(Json::array({Open(443)}))}});
  RecordAcceptedFindings(unused, "prod");
  EXPECT_FALSE(Recorded(unused, "Sg").contains("cdk_nag"));
}

Json Task(const std::string& variable) {
  return {
      {"Type", "AWS::ECS::TaskDefinition"},
      {"Properties",
       {{"ContainerDefinitions",
         Json::array({{{"Name", "api"},
                       {"Environment", Json::array({{{"Name", "NODE_ENV"}, {"Value", "production"}},
                                                    {{"Name", variable}, {"Value", "x"}}})}}})}}}};
}

TEST(AcceptedTest, EnvironmentVariablesAreAcceptedOnlyWhenNoNameReadsLikeASecret) {
  Json t = Template({{"Plain", Task("LOG_LEVEL")},
                     {"Password", Task("DB_PASSWORD")},
                     {"ApiKey", Task("stripeApiKey")}});
  RecordAcceptedFindings(t, "dev");
  EXPECT_EQ(Recorded(t, "Plain")["cdk_nag"]["rules_to_suppress"][0]["id"], "AwsSolutions-ECS2");
  EXPECT_FALSE(Recorded(t, "Plain").contains("cfn_nag"));  // no cfn_nag or checkov rule for it
  EXPECT_FALSE(Recorded(t, "Password").contains("cdk_nag"));
  EXPECT_FALSE(Recorded(t, "ApiKey").contains("cdk_nag"));
}

Json Role(Json statements) {
  return {{"Type", "AWS::IAM::Role"},
          {"Properties",
           {{"Policies",
             Json::array({{{"PolicyName", "p"},
                           {"PolicyDocument", {{"Statement", std::move(statements)}}}}})}}}};
}

TEST(AcceptedTest, ResourceStarIsAcceptedOnlyForTheEcrLogin) {
  Json login = {{"Effect", "Allow"},
                {"Action", Json::array({"ecr:GetAuthorizationToken"})},
                {"Resource", "*"}};
  Json logs = {{"Effect", "Allow"},
               {"Action", "logs:PutLogEvents"},
               {"Resource", Json::array({{{"Fn::GetAtt", Json::array({"Logs", "Arn"})}}})}};
  Json broad = {{"Effect", "Allow"}, {"Action", "s3:GetObject"}, {"Resource", "*"}};
  Json t = Template({{"Scoped", Role(Json::array({login, logs}))},
                     {"Broad", Role(Json::array({login, broad}))},
                     {"NoStar", Role(Json::array({logs}))}});
  RecordAcceptedFindings(t, "dev");
  Json record = Recorded(t, "Scoped")["cdk_nag"]["rules_to_suppress"][0];
  EXPECT_EQ(record["id"], "AwsSolutions-IAM5");
  EXPECT_EQ(record["applies_to"], Json::parse(R"(["Resource::*"])"));
  EXPECT_EQ(Recorded(t, "Scoped")["cfn_nag"]["rules_to_suppress"][0]["id"], "W11");
  EXPECT_FALSE(Recorded(t, "Broad").contains("cdk_nag"));
  EXPECT_FALSE(Recorded(t, "NoStar").contains("cdk_nag"));
}

// Redis without AUTH is accepted in dev only; the secret an AuthToken reads is accepted
// without a rotation schedule (SMG4), any other secret is not.
TEST(AcceptedTest, RedisAuthFollowsTheEnvironmentAndTheTokenSecret) {
  Json open = {{"Type", "AWS::ElastiCache::ReplicationGroup"}, {"Properties", {{"Port", 6380}}}};
  Json token = {{"Type", "AWS::SecretsManager::Secret"}, {"Properties", {{"Name", "x/redis"}}}};
  Json other = {{"Type", "AWS::SecretsManager::Secret"}, {"Properties", {{"Name", "x/other"}}}};
  Json authed = {{"Type", "AWS::ElastiCache::ReplicationGroup"},
                 {"Properties",
                  {{"Port", 6380},
                   {"AuthToken",
                    {{"Fn::Join", Json::array({"", Json::array({"{{resolve:secretsmanager:",
                                                                {{"Ref", "Token"}},
                                                                ":SecretString:::}}"})})}}}}}};
  Json dev = Template({{"Open", open}});
  RecordAcceptedFindings(dev, "dev");
  EXPECT_EQ(Recorded(dev, "Open")["cdk_nag"]["rules_to_suppress"][0]["id"], "AwsSolutions-AEC6");
  EXPECT_EQ(Recorded(dev, "Open")["checkov"]["skip"][0]["id"], "CKV_AWS_31");
  Json staging = Template({{"Open", open}});
  RecordAcceptedFindings(staging, "staging");
  EXPECT_FALSE(Recorded(staging, "Open").contains("cdk_nag"));

  Json prod = Template({{"Authed", authed}, {"Token", token}, {"Other", other}});
  RecordAcceptedFindings(prod, "prod");
  EXPECT_FALSE(Recorded(prod, "Authed").contains("cdk_nag"));
  EXPECT_EQ(Recorded(prod, "Token")["cdk_nag"]["rules_to_suppress"][0]["id"], "AwsSolutions-SMG4");
  EXPECT_FALSE(Recorded(prod, "Other").contains("cdk_nag"));
}

TEST(AcceptedTest, RedisPortSingleNodeAndDeletionProtectionFollowTheResource) {
  Json single = {
      {"Type", "AWS::ElastiCache::ReplicationGroup"},
      {"Properties",
       {{"Port", 6379}, {"NumCacheClusters", 1}, {"MultiAZEnabled", false}, {"AuthToken", "t"}}}};
  Json pair = {{"Type", "AWS::ElastiCache::ReplicationGroup"},
               {"Properties",
                {{"Port", 6380},
                 {"NumCacheClusters", 2},
                 {"MultiAZEnabled", true},
                 {"UserGroupIds", Json::array({"g"})}}}};
  Json open_db = {{"Type", "AWS::RDS::DBCluster"}, {"Properties", {{"DeletionProtection", false}}}};
  Json kept_db = {{"Type", "AWS::RDS::DBCluster"}, {"Properties", {{"DeletionProtection", true}}}};
  Json t = Template({{"Single", single}, {"Pair", pair}, {"OpenDb", open_db}, {"KeptDb", kept_db}});
  RecordAcceptedFindings(t, "dev");
  std::vector<std::string> ids;
  Json single_records = Recorded(t, "Single")["cdk_nag"]["rules_to_suppress"];
  for (const auto& r : single_records) ids.push_back(r["id"]);
  EXPECT_THAT(ids, ::testing::ElementsAre("AwsSolutions-AEC5", "AwsSolutions-AEC4"));
  EXPECT_FALSE(Recorded(t, "Pair").contains("cdk_nag"));
  EXPECT_EQ(Recorded(t, "OpenDb")["cdk_nag"]["rules_to_suppress"][0]["id"], "AwsSolutions-RDS10");
  EXPECT_FALSE(Recorded(t, "KeptDb").contains("cdk_nag"));
  // Outside dev a cluster without deletion protection is not accepted: rex check refuses it
  // unless the config's checks.suppress accepts it.
  Json staging = Template({{"OpenDb", open_db}});
  RecordAcceptedFindings(staging, "staging");
  EXPECT_FALSE(Recorded(staging, "OpenDb").contains("cdk_nag"));
}

}  // namespace
}  // namespace rex::stack
