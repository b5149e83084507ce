// The bootstrap stack built from the typed resources (cfn::s3) and synthesized by core, like
// every rex stack; the GitHub Actions part is in bootstrap_github.cc.

#include "engine/bootstrap.h"

#include <cstdio>

#include "base/check.h"
#include "cfn/s3.gen.h"
#include "core/construct.h"
#include "core/element.h"
#include "core/intrinsics.h"
#include "core/stack.h"
#include "engine/bootstrap_github.h"

namespace rex::engine {
namespace {

using core::Value;
using S3Bucket = cfn::s3::CfnBucket;

// Denies every request on the bucket and its objects that does not use TLS.
Value TlsOnlyPolicy(const S3Bucket& bucket) {
  Value deny = Value::Object({
      {"Sid", "DenyInsecureTransport"},
      {"Effect", "Deny"},
      {"Principal", "*"},
      {"Action", "s3:*"},
      {"Resource",
       Value::List({bucket.attr_arn().value(), core::Join("", {bucket.attr_arn(), "/*"}).value()})},
      {"Condition", Value::Object({{"Bool", Value::Object({{"aws:SecureTransport", "false"}})}})},
  });
  return Value::Object({{"Version", "2012-10-17"}, {"Statement", Value::List({deny})}});
}

}  // namespace

core::Stack& AddBootstrapStack(core::Construct& scope, const std::optional<GithubAccess>& github) {
  auto& stack = scope.Add<core::Stack>(
      std::string(kBootstrapStackName),
      core::StackProps{
          .description =
              "rex bootstrap: S3 bucket for large templates and deploy history (managed by rex)"});
  auto& bucket =
      stack.Add<S3Bucket>(
          "Bucket",
          cfn::s3::CfnBucketProps{
              .bucket_encryption =
                  S3Bucket::BucketEncryption{.server_side_encryption_configuration =
                                                 core::List<S3Bucket::ServerSideEncryptionRule>{
                                                     {.server_side_encryption_by_default =
                                                          S3Bucket::ServerSideEncryptionByDefault{
                                                              .sse_algorithm = "AES256"}}}},
              .lifecycle_configuration =
                  S3Bucket::LifecycleConfiguration{
                      .rules = core::List<S3Bucket::Rule>{S3Bucket::Rule{
                          .abort_incomplete_multipart_upload =
                              S3Bucket::AbortIncompleteMultipartUpload{.days_after_initiation = 7},
                          .id = "ExpireOldVersions",
                          .noncurrent_version_expiration =
                              S3Bucket::NoncurrentVersionExpiration{.noncurrent_days =
                                                                        kBootstrapNoncurrentDays},
                          .status = "Enabled"}}},
              .ownership_controls =
                  S3Bucket::OwnershipControls{.rules =
                                                  core::List<S3Bucket::OwnershipControlsRule>{
                                                      {.object_ownership = "BucketOwnerEnforced"}}},
              .public_access_block_configuration =
                  S3Bucket::PublicAccessBlockConfiguration{.block_public_acls = true,
                                                           .block_public_policy = true,
                                                           .ignore_public_acls = true,
                                                           .restrict_public_buckets = true},
              .tags = core::List<core::Tag>{{"project", "rex"}},
              .versioning_configuration = S3Bucket::VersioningConfiguration{.status = "Enabled"}});
  // It holds the deploy history: kept when the stack is deleted or the bucket replaced.
  bucket.set_deletion_policy(core::DeletionPolicy::kRetain);
  bucket.set_update_replace_policy(core::DeletionPolicy::kRetain);
  stack.Add<cfn::s3::CfnBucketPolicy>(
      "BucketPolicy", cfn::s3::CfnBucketPolicyProps{.bucket = bucket.Ref(),
                                                    .policy_document = TlsOnlyPolicy(bucket)});
  // Outputs keep their construct id as logical id; a construct of their own keeps the output
  // GitHubOidcProvider apart from the resource of that name.
  auto& outputs = stack.Add<core::Construct>("Outputs");
  outputs.Add<core::Output>(
      std::string(kBootstrapBucketOutput),
      core::OutputProps{.value = bucket.Ref().value(),
                        .description = "bucket for rex templates and history"});
  if (github) AddGithubAccess(stack, outputs, bucket, *github);
  return stack;
}

base::Result<base::Json> SynthesizeBootstrapStack(const core::Stack& stack) {
  REX_ASSIGN_OR_RETURN(core::Template synthesized, stack.Synthesize());
  base::Json tmpl = std::move(synthesized.json);
  // core marks every resource with its construct path (Metadata rex:path) for plans and graphs
  // of the app stacks. The bootstrap stacks in accounts were created without it and their
  // template stays byte for byte what it was (tests/golden/bootstrap/): dropped here.
  for (auto& [logical_id, resource] : tmpl["Resources"].items()) resource.erase("Metadata");
  return tmpl;
}

base::Result<base::Json> SynthesizeBootstrapTemplate(const std::optional<GithubAccess>& github) {
  core::App app;
  return SynthesizeBootstrapStack(AddBootstrapStack(app, github));
}

base::Json BootstrapTemplate(const std::optional<GithubAccess>& github) {
  base::Result<base::Json> tmpl = SynthesizeBootstrapTemplate(github);
  // The resources are fixed and `github` validated: a synthesis error is a bug of this file.
  if (!tmpl.ok()) std::fprintf(stderr, "rex: %s\n", tmpl.error().ToString().c_str());
  REX_CHECK(tmpl.ok());
  return *std::move(tmpl);
}

base::Json BootstrapTemplate() { return BootstrapTemplate(std::nullopt); }

base::Result<std::optional<std::string>> FindBootstrapBucket(aws::CloudFormationClient& cfn) {
  REX_ASSIGN_OR_RETURN(std::optional<aws::Stack> stack,
                       FindStack(cfn, std::string(kBootstrapStackName)));
  if (!stack) return std::optional<std::string>();
  for (const aws::CfnOutput& o : stack->outputs) {
    if (o.key == kBootstrapBucketOutput && !o.value.empty()) {
      return std::optional<std::string>(o.value);
    }
  }
  // A complete stack without the output (moto, for one, does not keep the outputs of stacks
  // made through change sets): a bucket's physical id is its name.
  if (!IsSuccessStatus(stack->stack_status) && stack->stack_status != "UPDATE_ROLLBACK_COMPLETE") {
    return std::optional<std::string>();
  }
  REX_ASSIGN_OR_RETURN(std::vector<aws::StackResourceSummary> resources,
                       cfn.ListStackResources(std::string(kBootstrapStackName)));
  for (const aws::StackResourceSummary& r : resources) {
    if (r.logical_resource_id == "Bucket" && r.resource_type == "AWS::S3::Bucket" &&
        !r.physical_resource_id.empty()) {
      return std::optional<std::string>(r.physical_resource_id);
    }
  }
  return std::optional<std::string>();
}

base::Result<DeployOutcome> DeployBootstrap(DeployClients& clients, DeployRequest request,
                                            DeployObserver& observer,
                                            const std::optional<GithubAccess>& github) {
  request.stack_name = std::string(kBootstrapStackName);
  REX_ASSIGN_OR_RETURN(base::Json tmpl, SynthesizeBootstrapTemplate(github));
  request.template_body = base::DumpJson(tmpl);
  request.parameters.clear();
  request.template_bucket.clear();
  request.tags = {{"project", "rex"}};
  request.description = "rex bootstrap";
  return Deploy(clients, request, observer);
}

}  // namespace rex::engine
