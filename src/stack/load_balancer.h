#pragma once

#include <optional>
#include <string>

#include "cfn/elasticloadbalancingv2.gen.h"
#include "cfn/route53.gen.h"
#include "cfn/wafv2.gen.h"
#include "config/config.h"
#include "constructs/bucket.h"
#include "core/construct.h"
#include "core/element.h"
#include "core/value.h"

namespace rex::stack {

struct LoadBalancerProps {
  // The stack config (names, certificateArn, domainName, hostedZoneId, enableWaf,
  // wafRateLimit). Required; must outlive the construct.
  const config::Config* config = nullptr;
  // The VPC of the target groups. Required.
  std::optional<core::Str> vpc_id = {};
  // Public subnets, one per availability zone (at least two). Required.
  core::List<core::Str> public_subnet_ids = {};
  // The ALB security group (Security::alb_security_group_id()). Required.
  std::optional<core::Str> security_group_id = {};
};

// The internet-facing Application Load Balancer of ARCHITECTURE.md.
//
//   - ALB "<p>-<e>-alb" in the public subnets with the ALB security group; invalid header
//     fields dropped; deletion protection outside the "dev" environment.
//   - albAccessLogs.enabled: access logs under "alb/" in a constructs::Bucket "AccessLogs"
//     (SSE-S3, the only encryption ELB log delivery supports; TLS-only; retained on stack
//     delete; objects expire after albAccessLogs.retentionDays) whose policy lets Elastic
//     Load Balancing put objects under alb/AWSLogs/<account>/: the region's ELB account
//     (mapping "ElbAccounts", looked up by AWS::Region) where AWS lists one (condition
//     "InElbAccountRegion"), else the service principal logdelivery.elasticloadbalancing.
//     amazonaws.com. The ALB depends on that policy. Off: access_logs.s3.enabled "false".
//   - With certificateArn: HTTPS listener on 443 (SslPolicy ELBSecurityPolicy-TLS13-1-2-2021-06)
//     and an HTTP listener that redirects to it (301). Without: an HTTP listener only. The
//     listener that serves traffic (listener_arn()) answers a fixed 404 by default.
//   - Each service with a `path` has a target group ("<Name>TargetGroup", "<p>-<e>-<name>") and
//     a rule on the serving listener ("<Name>Rule"), made by its constructs::FargateService
//     under this construct (Compute places them here, priorities 10, 20, 30, ... in services
//     order), so their logical ids stay "LoadBalancer...". Target group names are fixed, so a
//     change that replaces one (port, VPC) must rename it.
//   - enableWaf: a REGIONAL WAFv2 web ACL (default allow) with a per-IP rate limit of
//     wafRateLimit requests per 5 minutes (block) and the AWS managed rule groups
//     AmazonIpReputationList, CommonRuleSet and KnownBadInputsRuleSet, associated with the ALB.
//   - domainName + hostedZoneId: a Route 53 A alias record to the ALB.
//
// Errors (reported at synthesis): a missing config, vpc_id or security_group_id, fewer than
// two public subnets, or a load balancer name over AWS's 32-character limit.
class LoadBalancer : public core::Construct {
 public:
  LoadBalancer(core::Construct& scope, std::string id, LoadBalancerProps props);

  // The ALB's DNS name (Fn::GetAtt DNSName).
  core::Str dns_name() const { return alb_->attr_dns_name(); }
  // Base URL of the API: "https://<domainName>" with a domain and a certificate,
  // "http://<domainName>" with a domain only, else "https://<ALB DNS name>" with a
  // certificate and "http://<ALB DNS name>" without.
  core::Str api_url() const;
  core::Str load_balancer_arn() const { return alb_->Ref(); }
  // "app/<name>/<id>", the CloudWatch LoadBalancer dimension.
  core::Str load_balancer_full_name() const { return alb_->attr_load_balancer_full_name(); }
  // The listener that carries the path rules: HTTPS with a certificate, else HTTP (Ref).
  core::Str listener_arn() const { return serving_listener_->Ref(); }
  cfn::elasticloadbalancingv2::CfnListener& serving_listener() { return *serving_listener_; }

  // The L1 resources, as escape hatches; web_acl() is null without enableWaf.
  cfn::elasticloadbalancingv2::CfnLoadBalancer& load_balancer() { return *alb_; }
  cfn::wafv2::CfnWebACL* web_acl() { return web_acl_; }
  // The access log bucket; null without albAccessLogs.enabled.
  constructs::Bucket* access_logs() { return access_logs_; }

 private:
  void AddWaf();
  void AddAccessLogBucket();

  LoadBalancerProps props_;
  std::string prefix_;
  cfn::elasticloadbalancingv2::CfnLoadBalancer* alb_ = nullptr;
  cfn::elasticloadbalancingv2::CfnListener* serving_listener_ = nullptr;
  cfn::wafv2::CfnWebACL* web_acl_ = nullptr;
  constructs::Bucket* access_logs_ = nullptr;
};

}  // namespace rex::stack
