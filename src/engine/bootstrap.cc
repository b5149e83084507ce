#include "engine/bootstrap.h"

namespace rex::engine {

base::Json BootstrapTemplate() {
  using base::Json;
  Json bucket = {
      {"Type", "AWS::S3::Bucket"},
      {"DeletionPolicy", "Retain"},
      {"UpdateReplacePolicy", "Retain"},
      {"Properties",
       {{"VersioningConfiguration", {{"Status", "Enabled"}}},
        {"BucketEncryption",
         {{"ServerSideEncryptionConfiguration",
           Json::array({{{"ServerSideEncryptionByDefault", {{"SSEAlgorithm", "AES256"}}}}})}}},
        {"PublicAccessBlockConfiguration",
         {{"BlockPublicAcls", true},
          {"BlockPublicPolicy", true},
          {"IgnorePublicAcls", true},
          {"RestrictPublicBuckets", true}}},
        {"OwnershipControls",
         {{"Rules", Json::array({{{"ObjectOwnership", "BucketOwnerEnforced"}}})}}},
        {"LifecycleConfiguration",
         {{"Rules",
           Json::array(
               {{{"Id", "ExpireOldVersions"},
                 {"Status", "Enabled"},
                 {"NoncurrentVersionExpiration", {{"NoncurrentDays", kBootstrapNoncurrentDays}}},
                 {"AbortIncompleteMultipartUpload", {{"DaysAfterInitiation", 7}}}}})}}},
        {"Tags", Json::array({{{"Key", "project"}, {"Value", "rex"}}})}}}};
  Json policy = {
      {"Type", "AWS::S3::BucketPolicy"},
      {"Properties",
       {{"Bucket", {{"Ref", "Bucket"}}},
        {"PolicyDocument",
         {{"Version", "2012-10-17"},
          {"Statement",
           Json::array(
               {{{"Sid", "DenyInsecureTransport"},
                 {"Effect", "Deny"},
                 {"Principal", "*"},
                 {"Action", "s3:*"},
                 {"Resource",
                  Json::array({{{"Fn::GetAtt", Json::array({"Bucket", "Arn"})}},
                               {{"Fn::Join",
                                 Json::array({"", Json::array({{{"Fn::GetAtt",
                                                                 Json::array({"Bucket", "Arn"})}},
                                                               "/*"})})}}})},
                 {"Condition", {{"Bool", {{"aws:SecureTransport", "false"}}}}}}})}}}}}};
  return Json{{"AWSTemplateFormatVersion", "2010-09-09"},
              {"Description",
               "rex bootstrap: S3 bucket for large templates and deploy history (managed by rex)"},
              {"Resources", {{"Bucket", bucket}, {"BucketPolicy", policy}}},
              {"Outputs",
               {{std::string(kBootstrapBucketOutput),
                 {{"Description", "bucket for rex templates and history"},
                  {"Value", {{"Ref", "Bucket"}}}}}}}};
}

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
  request.template_body = base::DumpJson(BootstrapTemplate(github));
  request.parameters.clear();
  request.template_bucket.clear();
  request.tags = {{"project", "rex"}};
  request.description = "rex bootstrap";
  return Deploy(clients, request, observer);
}

}  // namespace rex::engine
