#include "template/checks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/files.h"
#include "base/json.h"

namespace rex::tmpl {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

base::Json LoadFixture(const std::string& name) {
  std::string path = std::string(REX_SOURCE_DIR) + "/tests/fixtures/templates/" + name;
  auto text = base::ReadFile(path);
  EXPECT_TRUE(text.has_value()) << path;
  if (!text.has_value()) return base::Json::object();
  auto json = base::ParseJson(*text, path);
  EXPECT_TRUE(json.has_value());
  return json.has_value() ? *json : base::Json::object();
}

base::Json Resource(const std::string& type, base::Json properties, const std::string& path = "") {
  base::Json r = {{"Type", type}, {"Properties", std::move(properties)}};
  if (!path.empty()) r["Metadata"] = {{"rex:path", path}};
  return r;
}

base::Json Template(base::Json resources) { return {{"Resources", std::move(resources)}}; }

// "rule logical_id" of every finding, suppressed or not.
std::vector<std::string> Ids(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const Finding& f : findings) out.push_back(f.rule + " " + f.logical_id);
  return out;
}

std::vector<std::string> Check(const base::Json& tmpl, const std::string& environment = "dev") {
  CheckOptions options;
  options.environment = environment;
  return Ids(RunChecks(tmpl, options));
}

base::Json Aurora(base::Json overrides) {
  base::Json props = {{"Engine", "aurora-postgresql"}, {"EngineVersion", "15.17"},
                      {"StorageEncrypted", true},      {"BackupRetentionPeriod", 7},
                      {"DeletionProtection", true},    {"EnableIAMDatabaseAuthentication", true}};
  if (overrides.is_object()) props.update(overrides);
  base::Json r = Resource("AWS::RDS::DBCluster", props, "Rex/Database/Cluster");
  r["DeletionPolicy"] = "Snapshot";
  return r;
}

TEST(ChecksTest, DevFixtureHasNoErrorsOnlyTheOpenWarnings) {
  std::vector<Finding> findings = RunChecks(LoadFixture("dev.template.json"), CheckOptions{});
  EXPECT_FALSE(HasUnsuppressedErrors(findings));
  std::vector<std::string> warnings;
  int info = 0;
  for (const Finding& f : findings) {
    if (f.severity == Severity::kWarning) warnings.push_back(f.rule + " " + f.logical_id);
    if (f.severity == Severity::kInfo) {
      EXPECT_EQ(f.rule, "logs-kms");
      ++info;
    }
  }
  EXPECT_EQ(info, 4);  // the four log groups use CloudWatch's own key
  // What the stack does not do yet (issue 13): rotation.
  // The fixture's cluster has a managed password but no rule that follows its rotations.
  EXPECT_THAT(warnings, ElementsAre("secret-rotation DatabaseCluster",
                                    "secret-rotation SecuritySupertokensApiKey"));
  // Redis without AUTH is an error that dev records as accepted (stack/accepted.cc).
  bool redis_auth_accepted = false;
  for (const Finding& f : findings) {
    if (f.rule != "redis-auth") continue;
    EXPECT_EQ(f.severity, Severity::kError);
    EXPECT_TRUE(f.suppressed);
    redis_auth_accepted = f.suppressed && !f.suppression_reason.empty();
  }
  EXPECT_TRUE(redis_auth_accepted);
}

TEST(ChecksTest, EveryRuleHasWhyAndFixAndAUniqueId) {
  std::vector<std::string> ids;
  for (const RuleInfo& rule : Rules()) {
    EXPECT_FALSE(rule.title.empty()) << rule.id;
    EXPECT_FALSE(rule.why.empty()) << rule.id;
    EXPECT_FALSE(rule.fix.empty()) << rule.id;
    EXPECT_EQ(std::count(ids.begin(), ids.end(), rule.id), 0) << rule.id;
    ids.push_back(rule.id);
  }
  EXPECT_EQ(FindRule("ecs-circuit-breaker")->severity, Severity::kError);
  EXPECT_EQ(FindRule("no-such-rule"), nullptr);
}

TEST(ChecksTest, AuroraEncryption) {
  EXPECT_THAT(Check(Template({{"Db", Aurora({{"StorageEncrypted", false}})}})),
              ElementsAre("aurora-encryption Db"));
  EXPECT_THAT(Check(Template({{"Db", Aurora({})}})), IsEmpty());
}

TEST(ChecksTest, RedisEncryption) {
  EXPECT_THAT(
      Check(Template(
          {{"Redis", Resource("AWS::ElastiCache::ReplicationGroup",
                              {{"CacheNodeType", "cache.t4g.micro"}, {"AuthToken", "t"}})}})),
      ElementsAre("redis-encryption Redis"));
  EXPECT_THAT(Check(Template(
                  {{"Redis", Resource("AWS::ElastiCache::ReplicationGroup",
                                      {{"AtRestEncryptionEnabled", true}, {"AuthToken", "t"}})}})),
              IsEmpty());
}

TEST(ChecksTest, EcrEncryptionAcceptsTheDefaultAndKms) {
  base::Json scan = {{"ScanOnPush", true}};
  EXPECT_THAT(Check(Template(
                  {{"Repo", Resource("AWS::ECR::Repository", {{"ImageScanningConfiguration", scan},
                                                              {"EncryptionConfiguration",
                                                               {{"EncryptionType", "NONE"}}}})}})),
              ElementsAre("ecr-encryption Repo"));
  EXPECT_THAT(
      Check(Template(
          {{"Default", Resource("AWS::ECR::Repository", {{"ImageScanningConfiguration", scan}})},
           {"Kms", Resource("AWS::ECR::Repository",
                            {{"ImageScanningConfiguration", scan},
                             {"EncryptionConfiguration", {{"EncryptionType", "KMS"}}}})}})),
      IsEmpty());
}

TEST(ChecksTest, LogsKmsIsInfoOnly) {
  std::vector<Finding> findings =
      RunChecks(Template({{"Logs", Resource("AWS::Logs::LogGroup", {{"RetentionInDays", 7}})}}),
                CheckOptions{});
  ASSERT_THAT(Ids(findings), ElementsAre("logs-kms Logs"));
  EXPECT_EQ(findings[0].severity, Severity::kInfo);
  EXPECT_FALSE(HasUnsuppressedErrors(findings));
  EXPECT_THAT(Check(Template({{"Logs", Resource("AWS::Logs::LogGroup",
                                                {{"RetentionInDays", 7}, {"KmsKeyId", "k"}})}})),
              IsEmpty());
}

TEST(ChecksTest, LogRetention) {
  EXPECT_THAT(Check(Template({{"Logs", Resource("AWS::Logs::LogGroup", {{"KmsKeyId", "k"}})}})),
              ElementsAre("log-retention Logs"));
  EXPECT_THAT(Check(Template({{"Logs", Resource("AWS::Logs::LogGroup",
                                                {{"RetentionInDays", 14}, {"KmsKeyId", "k"}})}})),
              IsEmpty());
}

base::Json OpenGroup(int from, int to, const std::string& protocol = "tcp",
                     const std::string& cidr_key = "CidrIp",
                     const std::string& cidr = "0.0.0.0/0") {
  return Resource(
      "AWS::EC2::SecurityGroup",
      {{"GroupDescription", "g"},
       {"SecurityGroupIngress",
        {{{cidr_key, cidr}, {"FromPort", from}, {"ToPort", to}, {"IpProtocol", protocol}}}}});
}

base::Json Alb(const std::string& group) {
  return Resource("AWS::ElasticLoadBalancingV2::LoadBalancer",
                  {{"SecurityGroups", {{{"Fn::GetAtt", {group, "GroupId"}}}}}});
}

TEST(ChecksTest, OpenIngressIsAllowedOnlyForTheLoadBalancerOnWebPorts) {
  // The ALB's group on 80 and 443: fine.
  EXPECT_THAT(Check(Template({{"AlbSg", OpenGroup(443, 443)}, {"Alb", Alb("AlbSg")}})), IsEmpty());
  EXPECT_THAT(Check(Template({{"AlbSg", OpenGroup(80, 80)}, {"Alb", Alb("AlbSg")}})), IsEmpty());
  // The ALB's group on 22, or a port range: not fine.
  EXPECT_THAT(Check(Template({{"AlbSg", OpenGroup(22, 22)}, {"Alb", Alb("AlbSg")}})),
              ElementsAre("sg-open-ingress AlbSg"));
  EXPECT_THAT(Check(Template({{"AlbSg", OpenGroup(80, 443)}, {"Alb", Alb("AlbSg")}})),
              ElementsAre("sg-open-ingress AlbSg"));
  // Any other group open to the world, over IPv4 or IPv6, or all traffic.
  EXPECT_THAT(Check(Template({{"DbSg", OpenGroup(5432, 5432)}})),
              ElementsAre("sg-open-ingress DbSg"));
  EXPECT_THAT(Check(Template({{"DbSg", OpenGroup(443, 443, "tcp", "CidrIpv6", "::/0")}})),
              ElementsAre("sg-open-ingress DbSg"));
  std::vector<Finding> all = RunChecks(Template({{"DbSg", OpenGroup(-1, -1, "-1")}}), {});
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].message, "allows all traffic from 0.0.0.0/0");
  // A narrow CIDR is fine.
  EXPECT_THAT(Check(Template({{"DbSg", OpenGroup(5432, 5432, "tcp", "CidrIp", "10.0.0.0/16")}})),
              IsEmpty());
  // A separate ingress resource is checked against its group.
  base::Json ingress = Resource("AWS::EC2::SecurityGroupIngress", {{"GroupId", {{"Ref", "DbSg"}}},
                                                                   {"CidrIp", "0.0.0.0/0"},
                                                                   {"IpProtocol", "tcp"},
                                                                   {"FromPort", 5432},
                                                                   {"ToPort", 5432}});
  EXPECT_THAT(
      Check(Template({{"DbSg", Resource("AWS::EC2::SecurityGroup", {{"GroupDescription", "g"}})},
                      {"Open", ingress}})),
      ElementsAre("sg-open-ingress Open"));
}

base::Json RoleWith(base::Json statement) {
  return Resource(
      "AWS::IAM::Role",
      {{"AssumeRolePolicyDocument",
        {{"Statement",
          {{{"Effect", "Allow"},
            {"Principal", {{"Service", "ecs-tasks.amazonaws.com"}}},
            {"Action", "sts:AssumeRole"}}}}}},
       {"Policies",
        {{{"PolicyName", "p"},
          {"PolicyDocument", {{"Version", "2012-10-17"}, {"Statement", {statement}}}}}}}});
}

TEST(ChecksTest, IamWildcardAction) {
  EXPECT_THAT(Check(Template({{"Role", RoleWith({{"Effect", "Allow"},
                                                 {"Action", "s3:*"},
                                                 {"Resource", "arn:aws:s3:::b/*"}})}})),
              ElementsAre("iam-wildcard-action Role"));
  std::vector<Finding> star = RunChecks(
      Template({{"Pol",
                 Resource("AWS::IAM::Policy",
                          {{"PolicyName", "admin"},
                           {"PolicyDocument",
                            {{"Statement",
                              {{"Effect", "Allow"}, {"Action", "*"}, {"Resource", "arn:x"}}}}}})}}),
      {});
  ASSERT_THAT(Ids(star), ElementsAre("iam-wildcard-action Pol"));
  EXPECT_EQ(star[0].message, "policy admin: allows action \"*\"");
  // Deny statements and named actions are fine.
  EXPECT_THAT(Check(Template(
                  {{"Role", RoleWith({{"Effect", "Deny"}, {"Action", "*"}, {"Resource", "*"}})}})),
              IsEmpty());
  EXPECT_THAT(Check(Template({{"Role", RoleWith({{"Effect", "Allow"},
                                                 {"Action", {"s3:GetObject"}},
                                                 {"Resource", "arn:aws:s3:::b/*"}})}})),
              IsEmpty());
}

TEST(ChecksTest, IamWildcardResourceAllowsStarOnlyActions) {
  std::vector<Finding> broad = RunChecks(
      Template({{"Role", RoleWith({{"Effect", "Allow"},
                                   {"Action",
                                    {"ecr:GetAuthorizationToken", "secretsmanager:GetSecretValue"}},
                                   {"Resource", "*"}})}}),
      {});
  ASSERT_THAT(Ids(broad), ElementsAre("iam-wildcard-resource Role"));
  EXPECT_EQ(broad[0].message, "policy p: allows secretsmanager:GetSecretValue on Resource \"*\"");
  // logs:CreateLogGroup takes a log group ARN, so it is not on the allow list.
  EXPECT_THAT(Check(Template({{"Role", RoleWith({{"Effect", "Allow"},
                                                 {"Action", "logs:CreateLogGroup"},
                                                 {"Resource", "*"}})}})),
              ElementsAre("iam-wildcard-resource Role"));
  EXPECT_THAT(
      Check(Template(
          {{"Role", RoleWith({{"Effect", "Allow"},
                              {"Action",
                               {"ecr:GetAuthorizationToken", "ec2:DescribeNetworkInterfaces",
                                "ssmmessages:CreateControlChannel"}},
                              {"Resource", "*"}})}})),
      IsEmpty());
}

TEST(ChecksTest, AuroraBackupRetention) {
  EXPECT_THAT(Check(Template({{"Db", Aurora({{"BackupRetentionPeriod", 3}})}})),
              ElementsAre("aurora-backup-retention Db"));
  base::Json unset = Aurora({});
  unset["Properties"].erase("BackupRetentionPeriod");
  std::vector<Finding> findings = RunChecks(Template({{"Db", unset}}), {});
  ASSERT_THAT(Ids(findings), ElementsAre("aurora-backup-retention Db"));
  EXPECT_EQ(findings[0].message, "BackupRetentionPeriod is not set (AWS keeps 1 day)");
  EXPECT_THAT(Check(Template({{"Db", Aurora({{"BackupRetentionPeriod", 14}})}})), IsEmpty());
}

TEST(ChecksTest, DeletionProtectionAndFinalSnapshotApplyOutsideDev) {
  base::Json unprotected = Aurora({{"DeletionProtection", false}});
  unprotected["DeletionPolicy"] = "Delete";
  EXPECT_THAT(Check(Template({{"Db", unprotected}}), "dev"), IsEmpty());
  EXPECT_THAT(
      Check(Template({{"Db", unprotected}}), "prod"),
      ElementsAre("aurora-deletion-protection Db", "aurora-final-snapshot Db", "backup-plan Db"));
  EXPECT_THAT(Check(Template({{"Db", Aurora({})}}), "staging"), ElementsAre("backup-plan Db"));
}

TEST(ChecksTest, EcrScanOnPush) {
  EXPECT_THAT(Check(Template({{"Repo", Resource("AWS::ECR::Repository", base::Json::object())}})),
              ElementsAre("ecr-scan-on-push Repo"));
  EXPECT_THAT(
      Check(Template({{"Repo", Resource("AWS::ECR::Repository", {{"ImageScanningConfiguration",
                                                                  {{"ScanOnPush", false}}}})}})),
      ElementsAre("ecr-scan-on-push Repo"));
}

base::Json Service(base::Json breaker, const std::string& public_ip = "DISABLED") {
  base::Json props = {
      {"NetworkConfiguration", {{"AwsvpcConfiguration", {{"AssignPublicIp", public_ip}}}}}};
  if (!breaker.is_null()) {
    props["DeploymentConfiguration"] = {{"DeploymentCircuitBreaker", breaker}};
  }
  return Resource("AWS::ECS::Service", props);
}

TEST(ChecksTest, EcsCircuitBreakerWithRollback) {
  base::Json good = {{"Enable", true}, {"Rollback", true}};
  EXPECT_THAT(Check(Template({{"Svc", Service(nullptr)}})), ElementsAre("ecs-circuit-breaker Svc"));
  std::vector<Finding> no_rollback =
      RunChecks(Template({{"Svc", Service({{"Enable", true}, {"Rollback", false}})}}), {});
  ASSERT_THAT(Ids(no_rollback), ElementsAre("ecs-circuit-breaker Svc"));
  EXPECT_EQ(no_rollback[0].message, "DeploymentCircuitBreaker.Rollback is not true");
  EXPECT_THAT(Check(Template({{"Svc", Service(good)}})), IsEmpty());
}

TEST(ChecksTest, EcsPublicIp) {
  base::Json good = {{"Enable", true}, {"Rollback", true}};
  EXPECT_THAT(Check(Template({{"Svc", Service(good, "ENABLED")}})),
              ElementsAre("ecs-public-ip Svc"));
  EXPECT_THAT(Check(Template({{"Svc", Service(good, "DISABLED")}})), IsEmpty());
}

base::Json Listener(const std::string& protocol, base::Json actions, bool certificate = false) {
  base::Json props = {{"LoadBalancerArn", {{"Ref", "Alb"}}},
                      {"Protocol", protocol},
                      {"Port", protocol == "HTTPS" ? 443 : 80},
                      {"DefaultActions", std::move(actions)}};
  if (certificate)
    props["Certificates"] = {{{"CertificateArn", "arn:aws:acm:us-east-1:1:certificate/x"}}};
  return Resource("AWS::ElasticLoadBalancingV2::Listener", props);
}

TEST(ChecksTest, HttpListenerMustRedirectWhenACertificateExists) {
  base::Json forward = {{{"Type", "forward"}, {"TargetGroupArn", {{"Ref", "Tg"}}}}};
  base::Json redirect = {
      {{"Type", "redirect"},
       {"RedirectConfig", {{"Protocol", "HTTPS"}, {"Port", "443"}, {"StatusCode", "HTTP_301"}}}}};
  base::Json alb = Resource("AWS::ElasticLoadBalancingV2::LoadBalancer", base::Json::object());
  // No certificate: plain HTTP is all there is, nothing to report.
  EXPECT_THAT(Check(Template({{"Alb", alb}, {"Http", Listener("HTTP", forward)}})), IsEmpty());
  // A certificate and a forwarding HTTP listener (and a rule on it): both reported.
  base::Json rule = Resource("AWS::ElasticLoadBalancingV2::ListenerRule",
                             {{"ListenerArn", {{"Ref", "Http"}}}, {"Actions", forward}});
  EXPECT_THAT(Check(Template({{"Alb", alb},
                              {"Http", Listener("HTTP", forward)},
                              {"HttpRule", rule},
                              {"Https", Listener("HTTPS", forward, true)}})),
              ElementsAre("alb-http-listener Http", "alb-http-listener HttpRule"));
  EXPECT_THAT(Check(Template({{"Alb", alb},
                              {"Http", Listener("HTTP", redirect)},
                              {"Https", Listener("HTTPS", forward, true)}})),
              IsEmpty());
}

base::Json TaskWithEnv(base::Json env) {
  return Resource("AWS::ECS::TaskDefinition",
                  {{"ContainerDefinitions", {{{"Name", "api"}, {"Environment", std::move(env)}}}}});
}

TEST(ChecksTest, PlaintextSecretsInContainerEnvironment) {
  std::vector<Finding> literal = RunChecks(
      Template({{"Td", TaskWithEnv({{{"Name", "DB_PASSWORD"}, {"Value", "hunter2"}}})}}), {});
  ASSERT_THAT(Ids(literal), ElementsAre("ecs-plaintext-secret Td"));
  EXPECT_EQ(literal[0].message,
            "container api: environment variable DB_PASSWORD has a plaintext value");
  EXPECT_THAT(Check(Template({{"Td", TaskWithEnv({{{"Name", "STRIPE_API_KEY"}, {"Value", "sk"}},
                                                  {{"Name", "githubToken"}, {"Value", "ghp"}}})}})),
              ElementsAre("ecs-plaintext-secret Td", "ecs-plaintext-secret Td"));
  // A Ref to a parameter without NoEcho is as plain as a literal; with NoEcho it is accepted.
  base::Json with_params =
      Template({{"Td", TaskWithEnv({{{"Name", "API_KEY"}, {"Value", {{"Ref", "Key"}}}}})}});
  with_params["Parameters"] = {{"Key", {{"Type", "String"}}}};
  EXPECT_THAT(Check(with_params), ElementsAre("ecs-plaintext-secret Td"));
  with_params["Parameters"]["Key"]["NoEcho"] = true;
  EXPECT_THAT(Check(with_params), IsEmpty());
  // A secret word inside another word ("SUPERTOKENS") does not make a secret name, and a
  // computed value (Fn::Sub, Fn::GetAtt) is not a literal.
  EXPECT_THAT(Check(Template({{"Td", TaskWithEnv({{{"Name", "SUPERTOKENS_CONNECTION_URI"},
                                                   {"Value", "http://supertokens:3567"}},
                                                  {{"Name", "SESSION_TOKEN"},
                                                   {"Value", {{"Fn::Sub", "${Ttl}"}}}}})}})),
              IsEmpty());
}

TEST(ChecksTest, DeprecatedAndUnknownEngineVersions) {
  std::vector<Finding> old = RunChecks(Template({{"Db", Aurora({{"EngineVersion", "15.4"}})}}), {});
  ASSERT_THAT(Ids(old), ElementsAre("aurora-engine-deprecated Db"));
  EXPECT_EQ(old[0].severity, Severity::kWarning);
  EXPECT_EQ(old[0].message,
            "aurora-postgresql 15.4 is deprecated: AWS refuses it for new clusters; use 15.17");
  EXPECT_FALSE(HasUnsuppressedErrors(old));
  EXPECT_THAT(Check(Template({{"Db", Aurora({{"EngineVersion", "15.99"}})}})),
              ElementsAre("aurora-engine-deprecated Db"));
  EXPECT_THAT(Check(Template({{"Db", Aurora({{"EngineVersion", "15.8"}})}})), IsEmpty());
  // Another major version: the list says nothing about it.
  EXPECT_THAT(Check(Template({{"Db", Aurora({{"EngineVersion", "16.4"}})}})), IsEmpty());
  // A version list given in the options replaces the built-in one.
  CheckOptions options;
  options.engine_versions = base::Json{{"engine", "aurora-postgresql"},
                                       {"major", "15"},
                                       {"accepted", {"15.4"}},
                                       {"deprecated", base::Json::array()},
                                       {"default", "15.4"}};
  EXPECT_THAT(Ids(RunChecks(Template({{"Db", Aurora({{"EngineVersion", "15.4"}})}}), options)),
              IsEmpty());
}

TEST(ChecksTest, BuiltInEngineVersionsMatchTheSpecFile) {
  auto spec = base::ReadFile(std::string(REX_SOURCE_DIR) + "/spec/rds-engine-versions.json");
  ASSERT_TRUE(spec.has_value());
  auto from_spec = base::ParseJson(*spec, "spec/rds-engine-versions.json");
  auto built_in = base::ParseJson(BuiltInEngineVersionsJson(), "built-in");
  ASSERT_TRUE(from_spec.has_value());
  ASSERT_TRUE(built_in.has_value());
  EXPECT_EQ(*built_in, *from_spec)
      << "refresh kEngineVersionsJson in src/template/checks.cc from spec/rds-engine-versions.json";
}

TEST(ChecksTest, SuppressionsNeedAReasonAndMatchByPathOrId) {
  base::Json tmpl = Template({{"DatabaseCluster", Aurora({{"BackupRetentionPeriod", 1}})},
                              {"Other", Aurora({{"BackupRetentionPeriod", 1}})}});
  tmpl["Resources"]["Other"]["Metadata"]["rex:path"] = "Rex/Database/Other";
  CheckOptions options;
  options.suppressions = {{.rule = "aurora-backup-retention",
                           .resource = "Rex/Database/Cluster",
                           .reason = "scratch db"}};
  std::vector<Finding> findings = RunChecks(tmpl, options);
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_TRUE(findings[0].suppressed);
  EXPECT_EQ(findings[0].suppression_reason, "scratch db");
  EXPECT_FALSE(findings[1].suppressed);
  EXPECT_TRUE(HasUnsuppressedErrors(findings));

  // The path below the stack, a prefix ending at "/", the logical id, or every resource.
  for (const char* resource : {"Database/Cluster", "Database", "DatabaseCluster"}) {
    options.suppressions = {
        {.rule = "aurora-backup-retention", .resource = resource, .reason = "r"}};
    findings = RunChecks(tmpl, options);
    EXPECT_TRUE(findings[0].suppressed) << resource;
  }
  options.suppressions = {{.rule = "aurora-backup-retention", .resource = "", .reason = "r"}};
  EXPECT_FALSE(HasUnsuppressedErrors(RunChecks(tmpl, options)));

  // "Data" is not a path prefix of "Database/Cluster".
  options.suppressions = {{.rule = "aurora-backup-retention", .resource = "Data", .reason = "r"}};
  EXPECT_FALSE(RunChecks(tmpl, options)[0].suppressed);

  // No reason: nothing is suppressed, and the suppression is reported.
  options.suppressions = {{.rule = "aurora-backup-retention", .resource = "", .reason = ""}};
  findings = RunChecks(tmpl, options);
  EXPECT_FALSE(findings[0].suppressed);
  EXPECT_THAT(UnusedSuppressions(findings, options),
              ElementsAre("checks.suppress[0]: has no reason, so it suppresses nothing"));
}

TEST(ChecksTest, UnusedSuppressionsAreReported) {
  CheckOptions options;
  options.suppressions = {{.rule = "aurora-encrypton", .resource = "", .reason = "r"},
                          {.rule = "log-retention", .resource = "Rex/Monitoring/X", .reason = "r"}};
  std::vector<Finding> findings = RunChecks(Template({{"Db", Aurora({})}}), options);
  EXPECT_THAT(UnusedSuppressions(findings, options),
              ElementsAre("checks.suppress[0]: unknown rule \"aurora-encrypton\"; did you mean "
                          "\"aurora-encryption\"?",
                          "checks.suppress[1]: no finding of rule log-retention on "
                          "Rex/Monitoring/X; remove it"));
}

TEST(ChecksTest, FindingsCarryPathTypeWhyAndFixAndJsonCountsThem) {
  CheckOptions options;
  options.suppressions = {{.rule = "ecr-scan-on-push", .resource = "", .reason = "scanned in CI"}};
  std::vector<Finding> findings =
      RunChecks(Template({{"Db", Aurora({{"StorageEncrypted", false}})},
                          {"Repo", Resource("AWS::ECR::Repository", base::Json::object())}}),
                options);
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].path, "Rex/Database/Cluster");
  EXPECT_EQ(findings[0].type, "AWS::RDS::DBCluster");
  EXPECT_EQ(findings[0].why, FindRule("aurora-encryption")->why);
  EXPECT_EQ(findings[0].fix, FindRule("aurora-encryption")->fix);
  base::Json json = FindingsToJson(findings);
  EXPECT_EQ(json["summary"]["errors"], 1);
  EXPECT_EQ(json["summary"]["suppressed"], 1);
  EXPECT_EQ(json["passed"], false);
  EXPECT_EQ(json["findings"][1]["reason"], "scanned in CI");
  EXPECT_EQ(json["findings"][0]["severity"], "error");
}

TEST(ChecksTest, MalformedTemplatesGiveNoFindings) {
  EXPECT_THAT(RunChecks(base::Json::array(), {}), IsEmpty());
  EXPECT_THAT(RunChecks(base::Json{{"Resources", "x"}}, {}), IsEmpty());
  EXPECT_THAT(Check(Template({{"Weird", 5}, {"NoProps", {{"Type", "AWS::RDS::DBCluster"}}}})),
              IsEmpty());
}

TEST(ChecksTest, AuroraIamAuthentication) {
  EXPECT_THAT(Check(Template({{"Db", Aurora({{"EnableIAMDatabaseAuthentication", false}})}})),
              ElementsAre("aurora-iam-auth Db"));
  EXPECT_THAT(Check(Template({{"Db", Aurora({{"EnableIAMDatabaseAuthentication", "true"}})}})),
              IsEmpty());
}

base::Json TopicPolicy(const std::string& topic, base::Json statement) {
  return Resource("AWS::SNS::TopicPolicy",
                  {{"Topics", base::Json::array({{{"Ref", topic}}})},
                   {"PolicyDocument", {{"Statement", base::Json::array({statement})}}}});
}

base::Json DenyPlainPublish() {
  return {{"Effect", "Deny"},
          {"Principal", "*"},
          {"Action", base::Json::array({"sns:Publish", "sns:Subscribe"})},
          {"Resource", "*"},
          {"Condition", {{"Bool", {{"aws:SecureTransport", "false"}}}}}};
}

TEST(ChecksTest, SnsTopicsAcceptTlsOnly) {
  base::Json topic = Resource("AWS::SNS::Topic", {{"TopicName", "alarms"}});
  EXPECT_THAT(Check(Template({{"Topic", topic}})), ElementsAre("sns-tls Topic"));
  EXPECT_THAT(
      Check(Template({{"Topic", topic}, {"Policy", TopicPolicy("Topic", DenyPlainPublish())}})),
      IsEmpty());
  // A KMS-encrypted topic passes as cdk-nag's SNS3 has it.
  EXPECT_THAT(Check(Template({{"Topic", Resource("AWS::SNS::Topic", {{"KmsMasterKeyId", "k"}})}})),
              IsEmpty());
  // The deny must cover sns:Publish, every principal, and plain HTTP; and name this topic.
  base::Json allow = DenyPlainPublish();
  allow["Effect"] = "Allow";
  base::Json one_account = DenyPlainPublish();
  one_account["Principal"] = {{"AWS", "arn:aws:iam::123456789012:root"}};
  base::Json subscribe_only = DenyPlainPublish();
  subscribe_only["Action"] = "sns:Subscribe";
  for (const base::Json& statement : {allow, one_account, subscribe_only}) {
    EXPECT_THAT(Check(Template({{"Topic", topic}, {"Policy", TopicPolicy("Topic", statement)}})),
                ElementsAre("sns-tls Topic"))
        << statement.dump();
  }
  EXPECT_THAT(
      Check(Template({{"Topic", topic}, {"Policy", TopicPolicy("Other", DenyPlainPublish())}})),
      ElementsAre("sns-tls Topic"));
}

TEST(ChecksTest, SqsQueuesAcceptTlsOnly) {
  base::Json queue = Resource("AWS::SQS::Queue", {{"SqsManagedSseEnabled", true}});
  EXPECT_THAT(Check(Template({{"Queue", queue}})), ElementsAre("sqs-tls Queue"));
  base::Json deny = DenyPlainPublish();
  deny["Action"] = "sqs:*";
  base::Json policy = Resource("AWS::SQS::QueuePolicy",
                               {{"Queues", base::Json::array({{{"Ref", "Queue"}}})},
                                {"PolicyDocument", {{"Statement", base::Json::array({deny})}}}});
  EXPECT_THAT(Check(Template({{"Queue", queue}, {"Policy", policy}})), IsEmpty());
  // Denying only sqs:SendMessage leaves the others open.
  policy["Properties"]["PolicyDocument"]["Statement"][0]["Action"] = "sqs:SendMessage";
  EXPECT_THAT(Check(Template({{"Queue", queue}, {"Policy", policy}})),
              ElementsAre("sqs-tls Queue"));
}

TEST(ChecksTest, AlbAccessLogsOutsideDevAreAnError) {
  base::Json alb = Resource(
      "AWS::ElasticLoadBalancingV2::LoadBalancer",
      {{"Type", "application"},
       {"LoadBalancerAttributes",
        base::Json::array({{{"Key", "deletion_protection.enabled"}, {"Value", "true"}}})}});
  EXPECT_THAT(Check(Template({{"Alb", alb}}), "dev"), IsEmpty());
  std::vector<Finding> findings = RunChecks(Template({{"Alb", alb}}), {.environment = "prod"});
  ASSERT_THAT(Ids(findings), ElementsAre("alb-access-logs Alb"));
  EXPECT_EQ(findings[0].severity, Severity::kError);
  alb["Properties"]["LoadBalancerAttributes"].push_back(
      {{"Key", "access_logs.s3.enabled"}, {"Value", "true"}});
  // Enabled without a bucket is no log at all.
  findings = RunChecks(Template({{"Alb", alb}}), {.environment = "prod"});
  ASSERT_THAT(Ids(findings), ElementsAre("alb-access-logs Alb"));
  EXPECT_EQ(findings[0].message, "access_logs.s3.enabled is true but no access_logs.s3.bucket");
  alb["Properties"]["LoadBalancerAttributes"].push_back(
      {{"Key", "access_logs.s3.bucket"}, {"Value", {{"Ref", "Logs"}}}});
  EXPECT_THAT(Check(Template({{"Alb", alb}}), "prod"), IsEmpty());
}

TEST(ChecksTest, SecretRotationIsAWarningAndRedisAuthAnError) {
  base::Json secret = Resource("AWS::SecretsManager::Secret", {{"Name", "s"}});
  std::vector<Finding> findings = RunChecks(Template({{"Secret", secret}}), {});
  ASSERT_THAT(Ids(findings), ElementsAre("secret-rotation Secret"));
  EXPECT_EQ(findings[0].severity, Severity::kWarning);
  EXPECT_THAT(Check(Template({{"Secret", secret},
                              {"Rotation", Resource("AWS::SecretsManager::RotationSchedule",
                                                    {{"SecretId", {{"Ref", "Secret"}}}})}})),
              IsEmpty());
  findings = RunChecks(Template({{"Redis", Resource("AWS::ElastiCache::ReplicationGroup",
                                                    {{"AtRestEncryptionEnabled", true}})}}),
                       {});
  ASSERT_THAT(Ids(findings), ElementsAre("redis-auth Redis"));
  EXPECT_EQ(findings[0].severity, Severity::kError);
  EXPECT_NE(findings[0].message.find("TransitEncryptionEnabled"), std::string::npos)
      << "AUTH needs TLS, and the message says so when TLS is off";
  findings = RunChecks(Template({{"Redis", Resource("AWS::ElastiCache::ReplicationGroup",
                                                    {{"AtRestEncryptionEnabled", true},
                                                     {"TransitEncryptionEnabled", true}})}}),
                       {.environment = "staging"});
  ASSERT_THAT(Ids(findings), ElementsAre("redis-auth Redis"));
  EXPECT_EQ(findings[0].message, "neither AuthToken nor UserGroupIds is set");
  EXPECT_TRUE(HasUnsuppressedErrors(findings));
  EXPECT_THAT(
      Check(Template({{"Redis", Resource("AWS::ElastiCache::ReplicationGroup",
                                         {{"AtRestEncryptionEnabled", true},
                                          {"TransitEncryptionEnabled", true},
                                          {"AuthToken", "{{resolve:secretsmanager:t}}"}})}}),
            "prod"),
      IsEmpty());
  EXPECT_THAT(Check(Template({{"Redis", Resource("AWS::ElastiCache::ReplicationGroup",
                                                 {{"AtRestEncryptionEnabled", true},
                                                  {"UserGroupIds", base::Json::array({"g"})}})}})),
              IsEmpty());
}

base::Json WithNagRecord(base::Json resource, base::Json record) {
  resource["Metadata"]["cdk_nag"]["rules_to_suppress"] = base::Json::array({std::move(record)});
  return resource;
}

TEST(ChecksTest, ATemplateRecordOfTheMatchingCdkNagRuleSuppressesWithItsReason) {
  base::Json topic = WithNagRecord(Resource("AWS::SNS::Topic", {{"TopicName", "alarms"}}),
                                   {{"id", "AwsSolutions-SNS3"}, {"reason", "delivered over TLS"}});
  std::vector<Finding> findings = RunChecks(Template({{"Topic", topic}}), {});
  ASSERT_THAT(Ids(findings), ElementsAre("sns-tls Topic"));
  EXPECT_TRUE(findings[0].suppressed);
  EXPECT_EQ(findings[0].suppression_reason, "(recorded in the template) delivered over TLS");
  EXPECT_FALSE(HasUnsuppressedErrors(findings));

  // A record without a reason, or of another rule, suppresses nothing.
  for (const base::Json& record :
       {base::Json{{"id", "AwsSolutions-SNS3"}, {"reason", ""}},
        base::Json{{"id", "AwsSolutions-SNS2"}, {"reason", "not this rule"}}}) {
    findings = RunChecks(
        Template(
            {{"Topic", WithNagRecord(Resource("AWS::SNS::Topic", {{"TopicName", "a"}}), record)}}),
        {});
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_FALSE(findings[0].suppressed) << record.dump();
  }

  // A config suppression comes first and keeps its own reason.
  CheckOptions options;
  options.suppressions = {{.rule = "sns-tls", .resource = "Topic", .reason = "from the config"}};
  findings = RunChecks(Template({{"Topic", topic}}), options);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].suppression_reason, "from the config");
}

TEST(ChecksTest, AnIam5RecordDoesNotHideWildcardActionsAndEcs2DoesNotHidePlainSecrets) {
  base::Json role = Resource(
      "AWS::IAM::Role",
      {{"Policies",
        base::Json::array(
            {{{"PolicyName", "p"},
              {"PolicyDocument",
               {{"Statement", base::Json::array({{{"Effect", "Allow"},
                                                  {"Action", "s3:*"},
                                                  {"Resource", "arn:aws:s3:::b"}}})}}}}})}});
  role = WithNagRecord(role, {{"id", "AwsSolutions-IAM5"},
                              {"reason", "ecr login only"},
                              {"applies_to", base::Json::array({"Resource::*"})}});
  std::vector<Finding> findings = RunChecks(Template({{"Role", role}}), {});
  ASSERT_THAT(Ids(findings), ElementsAre("iam-wildcard-action Role"));
  EXPECT_FALSE(findings[0].suppressed);

  base::Json task = Resource(
      "AWS::ECS::TaskDefinition",
      {{"ContainerDefinitions",
        base::Json::array({{{"Name", "api"},
                            {"Environment", base::Json::array({{{"Name", "DB_PASSWORD"},
                                                                {"Value", "hunter2"}}})}}})}});
  task = WithNagRecord(task, {{"id", "AwsSolutions-ECS2"}, {"reason", "non-secret values"}});
  findings = RunChecks(Template({{"Task", task}}), {});
  ASSERT_THAT(Ids(findings), ElementsAre("ecs-plaintext-secret Task"));
  EXPECT_FALSE(findings[0].suppressed);
}

TEST(ChecksTest, RulesNameTheCdkNagRulesTheyMatch) {
  EXPECT_THAT(FindRule("sns-tls")->cdk_nag, ElementsAre("AwsSolutions-SNS3"));
  EXPECT_THAT(FindRule("aurora-iam-auth")->cdk_nag, ElementsAre("AwsSolutions-RDS6"));
  EXPECT_THAT(FindRule("alb-access-logs")->cdk_nag, ElementsAre("AwsSolutions-ELB2"));
  EXPECT_THAT(FindRule("secret-rotation")->cdk_nag, ElementsAre("AwsSolutions-SMG4"));
  EXPECT_THAT(FindRule("redis-auth")->cdk_nag, ElementsAre("AwsSolutions-AEC6"));
  EXPECT_THAT(FindRule("sqs-tls")->cdk_nag, ElementsAre("AwsSolutions-SQS4"));
  EXPECT_THAT(FindRule("ecs-plaintext-secret")->cdk_nag, IsEmpty());
}

// A cluster whose master password RDS manages and rotates (ManageMasterUserPassword) passes
// secret-rotation only when an EventBridge rule follows its secret's rotations.
TEST(ChecksTest, ManagedMasterPasswordNeedsARuleThatFollowsItsRotation) {
  base::Json managed = Aurora({{"ManageMasterUserPassword", true}, {"MasterUsername", "rexadmin"}});
  EXPECT_THAT(Check(Template({{"Db", managed}})), ElementsAre("secret-rotation Db"));
  base::Json pattern = base::Json::parse(R"({
      "source": ["aws.secretsmanager"],
      "detail": {"eventName": ["RotationSucceeded"],
                 "additionalEventData": {"SecretId": [
                   {"Fn::GetAtt": ["Db", "MasterUserSecret.SecretArn"]}]}}})");
  base::Json rule = Resource("AWS::Events::Rule", {{"EventPattern", pattern}});
  EXPECT_THAT(Check(Template({{"Db", managed}, {"Rotated", rule}})), IsEmpty());
  // A password the stack sets (no ManageMasterUserPassword) is judged by its secret instead.
  EXPECT_THAT(Check(Template({{"Db", Aurora({{"MasterUsername", "rexadmin"}})}})), IsEmpty());
}

}  // namespace
}  // namespace rex::tmpl
