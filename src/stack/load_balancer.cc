#include "stack/load_balancer.h"

#include <utility>

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
  alb_ = &Add<elbv2::CfnLoadBalancer>(
      "Alb",
      elbv2::CfnLoadBalancerProps{
          .ip_address_type = "ipv4",
          .load_balancer_attributes =
              List<elbv2::CfnLoadBalancer::LoadBalancerAttribute>{
                  {.key = "deletion_protection.enabled",
                   .value = config.environment == "dev" ? "false" : "true"},
                  {.key = "routing.http.drop_invalid_header_fields.enabled", .value = "true"},
              },
          .name = alb_name,
          .scheme = "internet-facing",
          .security_groups = List<Str>{props_.security_group_id.value_or(Str(""))},
          .subnets = props_.public_subnet_ids,
          .tags = List<Tag>{Tag{"Name", alb_name}},
          .type = "application",
      });

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
