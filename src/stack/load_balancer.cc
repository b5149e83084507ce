#include "stack/load_balancer.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "constructs/bucket.h"
#include "core/intrinsics.h"
#include "stack/security.h"

namespace rex::stack {
namespace {

namespace elbv2 = cfn::elasticloadbalancingv2;
using core::List;
using core::Str;
using core::Tag;
using WebAcl = cfn::wafv2::CfnWebACL;

// AWS caps load balancer and target group names at 32 characters.
constexpr size_t kMaxElbNameLength = 32;

// The key prefix of the access logs in their bucket (ELB adds "/AWSLogs/<account>/...").
constexpr const char* kAccessLogPrefix = "alb";

// The Elastic Load Balancing account that writes access logs in each region that has one:
// the list of AWS's "Enable access logs for your Application Load Balancer" (Attach a policy
// to your S3 bucket), the regions available before August 2022. Every other region (newer
// ones, such as me-central-1) grants the log delivery service principal instead.
constexpr std::pair<const char*, const char*> kElbAccounts[] = {
    {"us-east-1", "127311923021"},      {"us-east-2", "033677994240"},
    {"us-west-1", "027434742980"},      {"us-west-2", "797873946194"},
    {"af-south-1", "098369216593"},     {"ca-central-1", "985666609251"},
    {"eu-central-1", "054676820928"},   {"eu-west-1", "156460612806"},
    {"eu-west-2", "652711504416"},      {"eu-south-1", "635631232127"},
    {"eu-west-3", "009996457667"},      {"eu-north-1", "897822967062"},
    {"ap-east-1", "754344448648"},      {"ap-northeast-1", "582318560864"},
    {"ap-northeast-2", "600734575887"}, {"ap-northeast-3", "383597477331"},
    {"ap-southeast-1", "114774131450"}, {"ap-southeast-2", "783225319266"},
    {"ap-south-1", "718504428378"},     {"me-south-1", "076674570225"},
    {"sa-east-1", "507241528517"},      {"us-gov-west-1", "048591011584"},
    {"us-gov-east-1", "190560391635"},
};

// Fn::Or over any number of conditions (Fn::Or takes 2 to 10: larger lists nest).
core::Value AnyOf(std::vector<core::Value> conditions) {
  constexpr size_t kMaxOr = 10;
  if (conditions.size() == 1) return std::move(conditions.front());
  if (conditions.size() <= kMaxOr) return core::Or(std::move(conditions));
  std::vector<core::Value> groups;
  for (size_t i = 0; i < conditions.size(); i += kMaxOr) {
    std::vector<core::Value> group;
    for (size_t j = i; j < std::min(conditions.size(), i + kMaxOr); ++j) {
      group.push_back(std::move(conditions[j]));
    }
    groups.push_back(AnyOf(std::move(group)));
  }
  return AnyOf(std::move(groups));
}

const config::Config& ConfigOrDefault(const config::Config* config) {
  static const config::Config kDefault;
  return config != nullptr ? *config : kDefault;
}

elbv2::CfnListener::Action FixedNotFound() {
  return elbv2::CfnListener::Action{
      .fixed_response_config =
          elbv2::CfnListener::FixedResponseConfig{
              .content_type = "text/plain",
              .message_body = "not found",
              .status_code = "404",
          },
      .type = "fixed-response",
  };
}

WebAcl::VisibilityConfig Visibility(const std::string& metric) {
  return WebAcl::VisibilityConfig{
      .cloud_watch_metrics_enabled = true,
      .metric_name = metric,
      .sampled_requests_enabled = true,
  };
}

WebAcl::Rule ManagedRuleGroup(const std::string& name, int priority) {
  return WebAcl::Rule{
      .name = name,
      .override_action = WebAcl::OverrideAction{.none = core::Json(base::Json::object())},
      .priority = priority,
      .statement =
          WebAcl::Statement{
              .managed_rule_group_statement =
                  WebAcl::ManagedRuleGroupStatement{.name = name, .vendor_name = "AWS"},
          },
      .visibility_config = Visibility(name),
  };
}

}  // namespace

LoadBalancer::LoadBalancer(core::Construct& scope, std::string id, LoadBalancerProps props)
    : core::Construct(scope, std::move(id)), props_(std::move(props)) {
  if (props_.config == nullptr) AddError("config is required; pass the stack's Config");
  if (!props_.vpc_id.has_value()) AddError("vpc_id is required; pass Networking::vpc_id()");
  if (!props_.security_group_id.has_value()) {
    AddError("security_group_id is required; pass Security::alb_security_group_id()");
  }
  if (!props_.public_subnet_ids.is_token() && props_.public_subnet_ids.items().size() < 2) {
    AddError("public_subnet_ids has " + std::to_string(props_.public_subnet_ids.items().size()) +
             " subnets; an ALB needs public subnets in at least two availability zones");
  }
  const config::Config& config = ConfigOrDefault(props_.config);
  prefix_ = config.project_name + "-" + config.environment;
  const bool https = !config.certificate_arn.empty();

  std::string alb_name = prefix_ + "-alb";
  if (alb_name.size() > kMaxElbNameLength) {
    AddError("load balancer name \"" + alb_name + "\" has " + std::to_string(alb_name.size()) +
             " characters; AWS allows at most 32 (shorten projectName or environment)");
  }
  List<elbv2::CfnLoadBalancer::LoadBalancerAttribute> attributes = {
      {.key = "deletion_protection.enabled",
       .value = config.environment == "dev" ? "false" : "true"},
      {.key = "routing.http.drop_invalid_header_fields.enabled", .value = "true"},
  };
  // Written "false" when off, so that turning the key off stops the logs (an attribute that
  // leaves the template keeps its last value on the load balancer).
  attributes.push_back({.key = "access_logs.s3.enabled",
                        .value = config.alb_access_logs.enabled ? "true" : "false"});
  if (config.alb_access_logs.enabled) {
    AddAccessLogBucket();
    attributes.push_back({.key = "access_logs.s3.bucket", .value = access_logs_->bucket_name()});
    attributes.push_back({.key = "access_logs.s3.prefix", .value = kAccessLogPrefix});
  }
  alb_ = &Add<elbv2::CfnLoadBalancer>(
      "Alb", elbv2::CfnLoadBalancerProps{
                 .ip_address_type = "ipv4",
                 .load_balancer_attributes = std::move(attributes),
                 .name = alb_name,
                 .scheme = "internet-facing",
                 .security_groups = List<Str>{props_.security_group_id.value_or(Str(""))},
                 .subnets = props_.public_subnet_ids,
                 .tags = List<Tag>{Tag{"Name", alb_name}},
                 .type = "application",
             });
  // ELB writes a test file when access logs are turned on: the grant must exist first.
  if (access_logs_ != nullptr) alb_->AddDependsOn(access_logs_->policy());

  if (https) {
    serving_listener_ = &Add<elbv2::CfnListener>(
        "HttpsListener",
        elbv2::CfnListenerProps{
            .certificates =
                List<elbv2::CfnListener::Certificate>{{.certificate_arn = config.certificate_arn}},
            .default_actions = List<elbv2::CfnListener::Action>{FixedNotFound()},
            .load_balancer_arn = alb_->Ref(),
            .port = 443,
            .protocol = "HTTPS",
            .ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06",
        });
    Add<elbv2::CfnListener>(
        "HttpListener",
        elbv2::CfnListenerProps{
            .default_actions = List<elbv2::CfnListener::Action>{elbv2::CfnListener::Action{
                .redirect_config =
                    elbv2::CfnListener::RedirectConfig{
                        .port = "443",
                        .protocol = "HTTPS",
                        .status_code = "HTTP_301",
                    },
                .type = "redirect",
            }},
            .load_balancer_arn = alb_->Ref(),
            .port = 80,
            .protocol = "HTTP",
        });
  } else {
    serving_listener_ = &Add<elbv2::CfnListener>(
        "HttpListener", elbv2::CfnListenerProps{
                            .default_actions = List<elbv2::CfnListener::Action>{FixedNotFound()},
                            .load_balancer_arn = alb_->Ref(),
                            .port = 80,
                            .protocol = "HTTP",
                        });
  }

  if (config.enable_waf) AddWaf();

  if (!config.domain_name.empty() && !config.hosted_zone_id.empty()) {
    Add<cfn::route53::CfnRecordSet>(
        "AliasRecord", cfn::route53::CfnRecordSetProps{
                           .alias_target =
                               cfn::route53::CfnRecordSet::AliasTarget{
                                   .dns_name = alb_->attr_dns_name(),
                                   .evaluate_target_health = true,
                                   .hosted_zone_id = alb_->attr_canonical_hosted_zone_id(),
                               },
                           .hosted_zone_id = config.hosted_zone_id,
                           .name = config.domain_name,
                           .type = "A",
                       });
  }
}

void LoadBalancer::AddAccessLogBucket() {
  const config::Config& config = ConfigOrDefault(props_.config);
  access_logs_ = &Add<constructs::Bucket>("AccessLogs",
                                          constructs::BucketProps{
                                              // The only encryption ELB log delivery supports.
                                              .encryption = constructs::BucketEncryption::kS3,
                                              .expire_days = config.alb_access_logs.retention_days,
                                              .name = prefix_ + "-alb-logs",
                                          });
  core::MappingTable accounts;
  std::vector<core::Value> in_account_region;
  for (const auto& [region, account] : kElbAccounts) {
    accounts[region]["AccountId"] = account;
    in_account_region.push_back(core::Equals(core::aws::Region().value(), region));
  }
  // Region-neutral on purpose: the template stays right wherever it is deployed.
  auto& mapping = Add<core::Mapping>("ElbAccounts", std::move(accounts));
  auto& has_account =
      Add<core::Condition>("InElbAccountRegion", AnyOf(std::move(in_account_region)));
  core::Value principal = core::IfValue(
      has_account,
      core::Value::Object(
          {{"AWS",
            core::Sub("arn:${AWS::Partition}:iam::${ElbAccount}:root",
                      {{"ElbAccount", core::FindInMap(mapping, core::aws::Region(), "AccountId")}})
                .value()}}),
      core::Value::Object({{"Service", "logdelivery.elasticloadbalancing.amazonaws.com"}}));
  access_logs_->AddToPolicy(core::Value::Object({
      {"Sid", "ElbAccessLogsWrite"},
      {"Effect", "Allow"},
      {"Principal", std::move(principal)},
      {"Action", "s3:PutObject"},
      {"Resource",
       access_logs_
           ->ObjectsArn({std::string(kAccessLogPrefix) + "/AWSLogs/", core::aws::AccountId(), "/"})
           .value()},
  }));
}

void LoadBalancer::AddWaf() {
  const config::Config& config = ConfigOrDefault(props_.config);
  const std::string name = prefix_ + "-waf";
  web_acl_ = &Add<WebAcl>(
      "WebAcl",
      cfn::wafv2::CfnWebACLProps{
          .default_action = WebAcl::DefaultAction{.allow = WebAcl::AllowAction{}},
          .description = "Rate limit and AWS managed rules in front of the " + prefix_ + " ALB",
          .name = name,
          // The rate limit runs first: it is the cheapest rule and stops floods before the
          // managed groups inspect them.
          .rules =
              List<WebAcl::Rule>{
                  WebAcl::Rule{
                      .action = WebAcl::RuleAction{.block = WebAcl::BlockAction{}},
                      .name = "RateLimitPerIp",
                      .priority = 0,
                      .statement =
                          WebAcl::Statement{
                              .rate_based_statement =
                                  WebAcl::RateBasedStatement{
                                      .aggregate_key_type = "IP",
                                      .limit = config.waf_rate_limit,
                                  },
                          },
                      .visibility_config = Visibility("RateLimitPerIp"),
                  },
                  ManagedRuleGroup("AWSManagedRulesAmazonIpReputationList", 1),
                  ManagedRuleGroup("AWSManagedRulesCommonRuleSet", 2),
                  ManagedRuleGroup("AWSManagedRulesKnownBadInputsRuleSet", 3),
              },
          .scope = "REGIONAL",
          .visibility_config = Visibility(name),
      });
  Add<cfn::wafv2::CfnWebACLAssociation>("WebAclAssociation",
                                        cfn::wafv2::CfnWebACLAssociationProps{
                                            .resource_arn = alb_->Ref(),
                                            .web_acl_arn = web_acl_->attr_arn(),
                                        });
}

core::Str LoadBalancer::api_url() const {
  const config::Config& config = ConfigOrDefault(props_.config);
  const std::string scheme = config.certificate_arn.empty() ? "http://" : "https://";
  if (!config.domain_name.empty()) return Str(scheme + config.domain_name);
  return core::Join("", {scheme, alb_->attr_dns_name()});
}

}  // namespace rex::stack
