#include "stack/load_balancer.h"

#include <gtest/gtest.h>

#include <string>

#include "core/stack.h"
#include "support/template_matcher.h"

namespace rex::stack {
namespace {

using base::Json;
using rex::testing::HasResourceProperties;
using rex::testing::PropertiesOf;
using rex::testing::ResourceCountIs;

constexpr const char* kCertificate = "arn:aws:acm:us-east-1:111122223333:certificate/abc-123";

struct Built {
  base::Result<core::Template> result;
  Json api_url;
  Json dns_name;
  Json listener_arn;
};

Built Build(const config::Config& config) {
  core::App app;
  auto& stack = app.Add<core::Stack>("Rex");
  auto& lb = stack.Add<LoadBalancer>(
      "LoadBalancer", LoadBalancerProps{
                          .config = &config,
                          .vpc_id = core::Str("vpc-0123"),
                          .public_subnet_ids = core::List<core::Str>{"subnet-a", "subnet-b"},
                          .security_group_id = core::Str("sg-alb"),
                      });
  Built built{.result = stack.Synthesize(),
              .api_url = lb.api_url().value().json(),
              .dns_name = lb.dns_name().value().json(),
              .listener_arn = lb.listener_arn().value().json()};
  return built;
}

Json Synth(const config::Config& config = {}) {
  Built built = Build(config);
  EXPECT_TRUE(built.result.has_value()) << built.result.error().message();
  return built.result.has_value() ? built.result->json : Json();
}

Json Ref(const std::string& id) { return Json{{"Ref", id}}; }

TEST(LoadBalancerTest, InternetFacingAlbInPublicSubnets) {
  Json t = Synth();
  EXPECT_TRUE(HasResourceProperties(t, "AWS::ElasticLoadBalancingV2::LoadBalancer",
                                    Json::parse(R"({"Name": "rex-backend-dev-alb",
      "Scheme": "internet-facing", "Type": "application", "Subnets": ["subnet-a", "subnet-b"],
      "SecurityGroups": ["sg-alb"], "LoadBalancerAttributes": [
        {"Key": "deletion_protection.enabled", "Value": "false"},
        {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"},
        {"Key": "access_logs.s3.enabled", "Value": "false"}]})")));
  // No access logs by default: no bucket, no mapping, no condition.
  EXPECT_TRUE(ResourceCountIs(t, "AWS::S3::Bucket", 0));
  EXPECT_FALSE(t.contains("Mappings"));
  EXPECT_FALSE(t.contains("Conditions"));
}

TEST(LoadBalancerTest, AccessLogsGoToARetainedTlsOnlyBucketTheRegionsElbMayWrite) {
  config::Config config;
  config.alb_access_logs = {.enabled = true, .retention_days = 45};
  Json t = Synth(config);
  const Json attributes = PropertiesOf(t, "LoadBalancerAlb")["LoadBalancerAttributes"];
  EXPECT_EQ(attributes[2], Json::parse(R"({"Key": "access_logs.s3.enabled", "Value": "true"})"));
  EXPECT_EQ(attributes[3],
            Json::parse(
                R"({"Key": "access_logs.s3.bucket", "Value": {"Ref": "LoadBalancerAccessLogs"}})"));
  EXPECT_EQ(attributes[4], Json::parse(R"({"Key": "access_logs.s3.prefix", "Value": "alb"})"));
  EXPECT_EQ(t["Resources"]["LoadBalancerAlb"]["DependsOn"],
            Json::array({"LoadBalancerAccessLogsPolicy"}));

  const Json& bucket = t["Resources"]["LoadBalancerAccessLogs"];
  EXPECT_EQ(bucket["DeletionPolicy"], "Retain");
  EXPECT_EQ(bucket["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
                  ["ServerSideEncryptionByDefault"]["SSEAlgorithm"],
            "AES256");
  EXPECT_EQ(bucket["Properties"]["LifecycleConfiguration"]["Rules"][0]["ExpirationInDays"], 45);

  // Every region AWS lists with an ELB account (23), each in the mapping and the condition.
  const Json& accounts = t["Mappings"]["LoadBalancerElbAccounts"];
  EXPECT_EQ(accounts.size(), 23u);
  EXPECT_EQ(accounts["us-east-1"]["AccountId"], "127311923021");
  EXPECT_EQ(accounts["us-gov-west-1"]["AccountId"], "048591011584");
  std::string condition = t["Conditions"]["LoadBalancerInElbAccountRegion"].dump();
  for (const auto& [region, entry] : accounts.items()) {
    EXPECT_NE(condition.find("\"" + region + "\""), std::string::npos) << region;
  }
  // Fn::Or takes at most 10 conditions: 23 nest as 10 + 10 + 3.
  const Json& any = t["Conditions"]["LoadBalancerInElbAccountRegion"]["Fn::Or"];
  ASSERT_EQ(any.size(), 3u);
  EXPECT_EQ(any[0]["Fn::Or"].size(), 10u);
  EXPECT_EQ(any[2]["Fn::Or"].size(), 3u);

  const Json statements =
      PropertiesOf(t, "LoadBalancerAccessLogsPolicy")["PolicyDocument"]["Statement"];
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_EQ(statements[0]["Sid"], "DenyWithoutTls");
  EXPECT_EQ(statements[1], Json::parse(R"({"Sid": "ElbAccessLogsWrite", "Effect": "Allow",
      "Principal": {"Fn::If": ["LoadBalancerInElbAccountRegion",
        {"AWS": {"Fn::Sub": ["arn:${AWS::Partition}:iam::${ElbAccount}:root", {"ElbAccount":
          {"Fn::FindInMap": ["LoadBalancerElbAccounts", {"Ref": "AWS::Region"}, "AccountId"]}}]}},
        {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"}]},
      "Action": "s3:PutObject",
      "Resource": {"Fn::Join": ["", [{"Fn::GetAtt": ["LoadBalancerAccessLogs", "Arn"]},
        "/alb/AWSLogs/", {"Ref": "AWS::AccountId"}, "/*"]]}})"));
}

TEST(LoadBalancerTest, AccessLogRetentionOutsideItsRangeIsAnError) {
  config::Config config;
  config.alb_access_logs = {.enabled = true, .retention_days = 0};
  Built built = Build(config);
  ASSERT_FALSE(built.result.has_value());
  EXPECT_NE(built.result.error().message().find("expire_days 0 is outside 1 to 3650"),
            std::string::npos)
      << built.result.error().message();
}

TEST(LoadBalancerTest, DeletionProtectionOutsideDev) {
  config::Config prod;
  prod.environment = "prod";
  Json t = Synth(prod);
  EXPECT_EQ(PropertiesOf(t, "LoadBalancerAlb")["LoadBalancerAttributes"][0],
            Json::parse(R"({"Key": "deletion_protection.enabled", "Value": "true"})"));
}

// The services' target groups and path rules are made by their FargateServices
// (tests/stack/compute_test.cc, tests/constructs/fargate_service_test.cc).
TEST(LoadBalancerTest, HttpOnlyServesWithFixed404AndNoTargetsOfItsOwn) {
  Json t = Synth();
  EXPECT_TRUE(ResourceCountIs(t, "AWS::ElasticLoadBalancingV2::Listener", 1));
  EXPECT_TRUE(HasResourceProperties(t, "AWS::ElasticLoadBalancingV2::Listener",
                                    Json::parse(R"({"Port": 80, "Protocol": "HTTP",
      "DefaultActions": [{"Type": "fixed-response", "FixedResponseConfig": {
        "StatusCode": "404", "ContentType": "text/plain", "MessageBody": "not found"}}]})")));
  EXPECT_TRUE(ResourceCountIs(t, "AWS::ElasticLoadBalancingV2::TargetGroup", 0));
  EXPECT_TRUE(ResourceCountIs(t, "AWS::ElasticLoadBalancingV2::ListenerRule", 0));
}

TEST(LoadBalancerTest, CertificateAddsHttpsAndHttpRedirects) {
  config::Config config;
  config.certificate_arn = kCertificate;
  Json t = Synth(config);
  EXPECT_TRUE(ResourceCountIs(t, "AWS::ElasticLoadBalancingV2::Listener", 2));
  EXPECT_TRUE(HasResourceProperties(t, "AWS::ElasticLoadBalancingV2::Listener",
                                    Json::parse(R"({"Port": 80, "Protocol": "HTTP",
      "DefaultActions": [{"Type": "redirect", "RedirectConfig": {
        "Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}]})")));
  EXPECT_TRUE(HasResourceProperties(
      t, "AWS::ElasticLoadBalancingV2::Listener",
      Json{{"Port", 443},
           {"Protocol", "HTTPS"},
           {"SslPolicy", "ELBSecurityPolicy-TLS13-1-2-2021-06"},
           {"Certificates", Json::array({Json{{"CertificateArn", kCertificate}}})},
           {"DefaultActions", Json::parse(R"([{"Type": "fixed-response", "FixedResponseConfig": {
              "StatusCode": "404", "ContentType": "text/plain", "MessageBody": "not found"}}])")}}));
}

TEST(LoadBalancerTest, WafWithManagedRulesAndRateLimit) {
  EXPECT_TRUE(ResourceCountIs(Synth(), "AWS::WAFv2::WebACL", 0));
  config::Config config;
  config.enable_waf = true;
  config.waf_rate_limit = 500;
  Json t = Synth(config);
  EXPECT_TRUE(HasResourceProperties(t, "AWS::WAFv2::WebACL", Json::parse(R"({"Scope": "REGIONAL",
      "DefaultAction": {"Allow": {}},
      "VisibilityConfig": {"CloudWatchMetricsEnabled": true, "MetricName": "rex-backend-dev-waf",
                           "SampledRequestsEnabled": true}})")));
  Json rules = PropertiesOf(t, "LoadBalancerWebAcl")["Rules"];
  ASSERT_EQ(rules.size(), 4u);
  EXPECT_EQ(rules[0]["Statement"],
            Json::parse(R"({"RateBasedStatement": {"AggregateKeyType": "IP", "Limit": 500}})"));
  EXPECT_EQ(rules[0]["Action"], Json::parse(R"({"Block": {}})"));
  std::vector<std::string> groups;
  for (size_t i = 1; i < rules.size(); ++i) {
    EXPECT_EQ(rules[i]["OverrideAction"], Json::parse(R"({"None": {}})"));
    EXPECT_EQ(rules[i]["Statement"]["ManagedRuleGroupStatement"]["VendorName"], "AWS");
    groups.push_back(rules[i]["Statement"]["ManagedRuleGroupStatement"]["Name"]);
  }
  EXPECT_EQ(groups, (std::vector<std::string>{"AWSManagedRulesAmazonIpReputationList",
                                              "AWSManagedRulesCommonRuleSet",
                                              "AWSManagedRulesKnownBadInputsRuleSet"}));
  EXPECT_TRUE(HasResourceProperties(
      t, "AWS::WAFv2::WebACLAssociation",
      Json{{"ResourceArn", Ref("LoadBalancerAlb")},
           {"WebACLArn", Json::parse(R"({"Fn::GetAtt": ["LoadBalancerWebAcl", "Arn"]})")}}));
}

TEST(LoadBalancerTest, Route53AliasNeedsDomainAndZone) {
  config::Config domain_only;
  domain_only.domain_name = "api.example.com";
  EXPECT_TRUE(ResourceCountIs(Synth(domain_only), "AWS::Route53::RecordSet", 0));

  config::Config config = domain_only;
  config.hosted_zone_id = "Z0123456789ABC";
  Json t = Synth(config);
  EXPECT_TRUE(HasResourceProperties(t, "AWS::Route53::RecordSet", Json::parse(R"({
      "Name": "api.example.com", "Type": "A", "HostedZoneId": "Z0123456789ABC",
      "AliasTarget": {"DNSName": {"Fn::GetAtt": ["LoadBalancerAlb", "DNSName"]},
                      "HostedZoneId": {"Fn::GetAtt": ["LoadBalancerAlb", "CanonicalHostedZoneID"]},
                      "EvaluateTargetHealth": true}})")));
}

TEST(LoadBalancerTest, ApiUrl) {
  Json dns = Json::parse(R"({"Fn::GetAtt": ["LoadBalancerAlb", "DNSName"]})");
  EXPECT_EQ(Build({}).api_url,
            (Json{{"Fn::Join", Json::array({"", Json::array({"http://", dns})})}}));
  EXPECT_EQ(Build({}).dns_name, dns);

  config::Config cert;
  cert.certificate_arn = kCertificate;
  EXPECT_EQ(Build(cert).api_url,
            (Json{{"Fn::Join", Json::array({"", Json::array({"https://", dns})})}}));

  config::Config domain = cert;
  domain.domain_name = "api.example.com";
  EXPECT_EQ(Build(domain).api_url, "https://api.example.com");
  domain.certificate_arn = "";
  EXPECT_EQ(Build(domain).api_url, "http://api.example.com");
}

TEST(LoadBalancerTest, ListenerArnIsTheServingListener) {
  EXPECT_EQ(Build({}).listener_arn, Ref("LoadBalancerHttpListener"));
  config::Config config;
  config.certificate_arn = kCertificate;
  EXPECT_EQ(Build(config).listener_arn, Ref("LoadBalancerHttpsListener"));
}

TEST(LoadBalancerTest, TooLongNamesAreErrors) {
  config::Config config;
  config.project_name = "a-very-long-project-name";
  config.environment = "production";
  Built built = Build(config);
  ASSERT_FALSE(built.result.has_value());
  EXPECT_NE(built.result.error().message().find(
                "error: Rex/LoadBalancer: load balancer name \"a-very-long-project-name-production-"
                "alb\" has 39 characters; AWS allows at most 32 (shorten projectName or "
                "environment)"),
            std::string::npos)
      << built.result.error().message();
}

TEST(LoadBalancerTest, MissingInputsAreErrors) {
  core::App app;
  auto& stack = app.Add<core::Stack>("Rex");
  stack.Add<LoadBalancer>("LoadBalancer", LoadBalancerProps{});
  auto result = stack.Synthesize();
  ASSERT_FALSE(result.has_value());
  const std::string& message = result.error().message();
  EXPECT_NE(message.find("config is required"), std::string::npos);
  EXPECT_NE(message.find("vpc_id is required"), std::string::npos);
  EXPECT_NE(message.find("security_group_id is required"), std::string::npos);
  EXPECT_NE(message.find("public_subnet_ids has 0 subnets; an ALB needs public subnets in at "
                         "least two availability zones"),
            std::string::npos);
}

}  // namespace
}  // namespace rex::stack
