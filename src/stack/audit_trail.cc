#include "stack/audit_trail.h"

#include <utility>

#include "core/intrinsics.h"

namespace rex::stack {
namespace {

using core::Str;
using core::Value;

const config::Config& ConfigOrDefault(const config::Config* config) {
  static const config::Config kDefault;
  return config != nullptr ? *config : kDefault;
}

// {"StringEquals": {...}} of `pairs`.
Value StringEquals(std::vector<std::pair<std::string, Value>> pairs) {
  return Value::Object({{"StringEquals", Value::Object(std::move(pairs))}});
}

Value CloudTrailPrincipal() { return Value::Object({{"Service", "cloudtrail.amazonaws.com"}}); }

}  // namespace

std::string AuditTrail::TrailName(const config::Config& config) {
  return config.project_name + "-" + config.environment + kTrailSuffix;
}

AuditTrail::AuditTrail(core::Construct& scope, std::string id, AuditTrailProps props)
    : core::Construct(scope, std::move(id)) {
  if (props.config == nullptr) AddError("config is required; pass the stack's Config");
  const config::Config& config = ConfigOrDefault(props.config);
  const std::string trail_name = TrailName(config);

  bucket_ = &Add<constructs::Bucket>("Logs", constructs::BucketProps{
                                                 .encryption = constructs::BucketEncryption::kS3,
                                                 .expire_days = config.cloud_trail.retention_days,
                                                 .name = trail_name,
                                             });

  // The trail's ARN, spelled out: the bucket policy must exist before the trail (CloudTrail
  // checks it on create), so it cannot reference the trail.
  Str trail_arn = core::Sub(
      "arn:${AWS::Partition}:cloudtrail:${AWS::Region}:${AWS::AccountId}:trail/" + trail_name);
  // After the bucket's TLS-only Deny: CloudTrail may check the bucket ACL and write this
  // account's log files, for this trail only.
  bucket_->AddToPolicy(Value::Object({
      {"Sid", "CloudTrailAclCheck"},
      {"Effect", "Allow"},
      {"Principal", CloudTrailPrincipal()},
      {"Action", "s3:GetBucketAcl"},
      {"Resource", bucket_->bucket_arn().value()},
      {"Condition", StringEquals({{"aws:SourceArn", trail_arn.value()}})},
  }));
  bucket_->AddToPolicy(Value::Object({
      {"Sid", "CloudTrailWrite"},
      {"Effect", "Allow"},
      {"Principal", CloudTrailPrincipal()},
      {"Action", "s3:PutObject"},
      {"Resource", bucket_->ObjectsArn({"AWSLogs/", core::aws::AccountId(), "/"}).value()},
      {"Condition", StringEquals({{"aws:SourceArn", trail_arn.value()},
                                  {"s3:x-amz-acl", "bucket-owner-full-control"}})},
  }));

  trail_ = &Add<cfn::cloudtrail::CfnTrail>("Trail", cfn::cloudtrail::CfnTrailProps{
                                                        .enable_log_file_validation = true,
                                                        .include_global_service_events = true,
                                                        .is_logging = true,
                                                        .is_multi_region_trail = true,
                                                        .s3_bucket_name = bucket_->bucket_name(),
                                                        .trail_name = trail_name,
                                                    });
  trail_->AddDependsOn(bucket_->policy());
}

}  // namespace rex::stack
