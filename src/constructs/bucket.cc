#include "constructs/bucket.h"

#include <string>
#include <utility>

#include "constructs/iam_policy.h"
#include "core/intrinsics.h"

namespace rex::constructs {

using core::List;
using core::Str;
using core::Value;
using S3Bucket = cfn::s3::CfnBucket;

Bucket::Bucket(core::Construct& scope, std::string id, BucketProps props)
    : core::Construct(scope, std::move(id)), props_(std::move(props)) {
  if (props_.name.empty()) AddError("name is required; it names the grant policies");
  const bool kms = props_.encryption == BucketEncryption::kKms;
  S3Bucket::ServerSideEncryptionRule encryption{
      .server_side_encryption_by_default =
          S3Bucket::ServerSideEncryptionByDefault{.sse_algorithm = kms ? "aws:kms" : "AES256"},
  };
  // A bucket key cuts the KMS requests (and their cost) of SSE-KMS; SSE-S3 has none.
  if (kms) encryption.bucket_key_enabled = true;

  std::optional<S3Bucket::LifecycleConfiguration> lifecycle;
  if (props_.expire_days.has_value()) {
    int days = *props_.expire_days;
    if (days < 1 || days > 3650) {
      AddError("expire_days " + std::to_string(days) + " is outside 1 to 3650");
    }
    lifecycle = S3Bucket::LifecycleConfiguration{
        .rules = List<S3Bucket::Rule>{S3Bucket::Rule{
            .abort_incomplete_multipart_upload =
                S3Bucket::AbortIncompleteMultipartUpload{.days_after_initiation = 7},
            .expiration_in_days = days,
            .id = "expire-after-" + std::to_string(days) + "-days",
            .noncurrent_version_expiration =
                S3Bucket::NoncurrentVersionExpiration{.noncurrent_days = days},
            .status = "Enabled",
        }},
    };
  }

  bucket_ = &Add<S3Bucket>(
      "Resource",
      cfn::s3::CfnBucketProps{
          .bucket_encryption =
              S3Bucket::BucketEncryption{
                  .server_side_encryption_configuration =
                      List<S3Bucket::ServerSideEncryptionRule>{encryption},
              },
          .lifecycle_configuration = lifecycle,
          .ownership_controls =
              S3Bucket::OwnershipControls{
                  .rules = List<S3Bucket::OwnershipControlsRule>{{.object_ownership =
                                                                      "BucketOwnerEnforced"}},
              },
          .public_access_block_configuration =
              S3Bucket::PublicAccessBlockConfiguration{
                  .block_public_acls = true,
                  .block_public_policy = true,
                  .ignore_public_acls = true,
                  .restrict_public_buckets = true,
              },
          .versioning_configuration = S3Bucket::VersioningConfiguration{.status = "Enabled"},
      });
  bucket_->set_deletion_policy(core::DeletionPolicy::kRetain);
  bucket_->set_update_replace_policy(core::DeletionPolicy::kRetain);

  Value deny_plain_http = Value::Object({
      {"Sid", "DenyWithoutTls"},
      {"Effect", "Deny"},
      {"Principal", "*"},
      {"Action", "s3:*"},
      {"Resource", Value::List({bucket_arn().value(), Objects().value()})},
      {"Condition", Value::Object({{"Bool", Value::Object({{"aws:SecureTransport", "false"}})}})},
  });
  statements_.push_back(std::move(deny_plain_http));
  policy_ = &Add<cfn::s3::CfnBucketPolicy>(
      "Policy", cfn::s3::CfnBucketPolicyProps{
                    .bucket = bucket_name(),
                    .policy_document = core::Json(PolicyDocument(statements_)),
                });
}

Str Bucket::Objects() const { return core::Join("", {bucket_arn(), "/*"}); }

Str Bucket::ObjectsArn(std::vector<Str> key_prefix) const {
  // Adjacent literals are joined into one part: the template reads as the ARN it spells.
  std::vector<Str> parts = {bucket_arn()};
  std::string literal = "/";
  for (Str& part : key_prefix) {
    if (part.value().is_string()) {
      literal += part.value().json().get<std::string>();
      continue;
    }
    if (!literal.empty()) parts.emplace_back(std::exchange(literal, std::string()));
    parts.push_back(std::move(part));
  }
  parts.emplace_back(literal + "*");
  return core::Join("", std::move(parts));
}

void Bucket::AddToPolicy(Value statement) {
  statements_.push_back(std::move(statement));
  policy_->props().policy_document = core::Json(PolicyDocument(statements_));
}

cfn::iam::CfnPolicy& Bucket::GrantRead(std::vector<Str> role_names) {
  return AddRolePolicy(
      *this, "ReadPolicy", "bucket-" + props_.name + "-read", std::move(role_names),
      {AllowStatement("ListBucket", {"s3:ListBucket", "s3:ListBucketVersions"}, {bucket_arn()}),
       AllowStatement("GetObjects", {"s3:GetObject", "s3:GetObjectVersion"}, {Objects()})});
}

cfn::iam::CfnPolicy& Bucket::GrantWrite(std::vector<Str> role_names) {
  return AddRolePolicy(
      *this, "WritePolicy", "bucket-" + props_.name + "-write", std::move(role_names),
      {AllowStatement("PutObjects", {"s3:AbortMultipartUpload", "s3:DeleteObject", "s3:PutObject"},
                      {Objects()})});
}

}  // namespace rex::constructs
