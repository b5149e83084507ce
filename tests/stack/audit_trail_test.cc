#include "stack/audit_trail.h"

#include <gtest/gtest.h>

#include "config/presets.h"
#include "core/stack.h"
#include "stack/accepted.h"
#include "stack/rex_stack.h"
#include "support/template_matcher.h"

namespace rex::stack {
namespace {

using base::Json;
using rex::testing::PropertiesOf;
using rex::testing::ResourceCountIs;

config::Config Enabled(int days = 365) {
  config::Config c;
  c.environment = "prod";
  c.cloud_trail = {.enabled = true, .retention_days = days};
  return c;
}

Json Synth(const config::Config& config) {
  core::App app;
  auto& stack = app.Add<core::Stack>("Rex");
  stack.Add<AuditTrail>("AuditTrail", AuditTrailProps{.config = &config});
  auto result = stack.Synthesize();
  EXPECT_TRUE(result.has_value()) << result.error().message();
  return result.has_value() ? result->json : Json();
}

// The statement of the bucket policy with this Sid.
Json Statement(const Json& t, const std::string& sid) {
  Json document = PropertiesOf(t, "AuditTrailLogsPolicy")["PolicyDocument"];
  for (const Json& s : document["Statement"]) {
    if (s["Sid"] == sid) return s;
  }
  ADD_FAILURE() << "no statement " << sid << " in " << document.dump();
  return Json();
}

const char* kTrailArn =
    R"({"Fn::Sub": "arn:${AWS::Partition}:cloudtrail:${AWS::Region}:${AWS::AccountId}:trail/rex-backend-prod-trail"})";

TEST(AuditTrailTest, MultiRegionTrailWithValidationAfterItsBucketPolicy) {
  Json t = Synth(Enabled());
  ASSERT_TRUE(ResourceCountIs(t, "AWS::CloudTrail::Trail", 1));
  EXPECT_EQ(PropertiesOf(t, "AuditTrailTrail"), Json::parse(R"({
      "TrailName": "rex-backend-prod-trail", "S3BucketName": {"Ref": "AuditTrailLogs"},
      "IsLogging": true, "IsMultiRegionTrail": true, "IncludeGlobalServiceEvents": true,
      "EnableLogFileValidation": true})"));
  EXPECT_EQ(t["Resources"]["AuditTrailTrail"]["DependsOn"],
            Json::parse(R"(["AuditTrailLogsPolicy"])"));
}

TEST(AuditTrailTest, BucketIsEncryptedPrivateAndExpiresAfterRetentionDays) {
  Json t = Synth(Enabled(400));
  Json bucket = PropertiesOf(t, "AuditTrailLogs");
  EXPECT_EQ(bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
                  ["ServerSideEncryptionByDefault"]["SSEAlgorithm"],
            "AES256");
  EXPECT_EQ(bucket["PublicAccessBlockConfiguration"], Json::parse(R"({
      "BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true,
      "RestrictPublicBuckets": true})"));
  EXPECT_EQ(bucket["LifecycleConfiguration"]["Rules"][0]["ExpirationInDays"], 400);
  EXPECT_EQ(t["Resources"]["AuditTrailLogs"]["DeletionPolicy"], "Retain");
}

TEST(AuditTrailTest, OnlyThisTrailMayWriteAndOnlyOverTls) {
  Json t = Synth(Enabled());
  Json acl = Statement(t, "CloudTrailAclCheck");
  EXPECT_EQ(acl["Principal"], Json::parse(R"({"Service": "cloudtrail.amazonaws.com"})"));
  EXPECT_EQ(acl["Action"], "s3:GetBucketAcl");
  EXPECT_EQ(acl["Resource"], Json::parse(R"({"Fn::GetAtt": ["AuditTrailLogs", "Arn"]})"));
  EXPECT_EQ(acl["Condition"]["StringEquals"]["aws:SourceArn"], Json::parse(kTrailArn));

  Json write = Statement(t, "CloudTrailWrite");
  EXPECT_EQ(write["Action"], "s3:PutObject");
  EXPECT_EQ(write["Resource"], Json::parse(R"({"Fn::Join": ["", [
      {"Fn::GetAtt": ["AuditTrailLogs", "Arn"]}, "/AWSLogs/", {"Ref": "AWS::AccountId"}, "/*"]]})"));
  EXPECT_EQ(write["Condition"]["StringEquals"], Json::parse(std::string(R"({
      "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": )") +
                                                            kTrailArn + "}"));

  Json deny = Statement(t, "DenyWithoutTls");
  EXPECT_EQ(deny["Effect"], "Deny");
  EXPECT_EQ(deny["Condition"]["Bool"]["aws:SecureTransport"], "false");
}

TEST(AuditTrailTest, TheLogBucketsAccessLogFindingIsAcceptedOnTheRecord) {
  Json t = Synth(Enabled());
  RecordAcceptedFindings(t, "prod");
  Json nag = t["Resources"]["AuditTrailLogs"]["Metadata"]["cdk_nag"]["rules_to_suppress"];
  ASSERT_EQ(nag.size(), 1u);
  EXPECT_EQ(nag[0]["id"], "AwsSolutions-S1");
  EXPECT_FALSE(nag[0]["reason"].get<std::string>().empty());
}

TEST(AuditTrailTest, RexStackHasATrailOnlyWhenEnabled) {
  auto staging = SynthesizeRexStack(config::PresetConfig(config::Preset::kStaging));
  ASSERT_TRUE(staging.has_value()) << staging.error().message();
  EXPECT_TRUE(ResourceCountIs(staging->json, "AWS::CloudTrail::Trail", 0));
  auto prod = SynthesizeRexStack(config::PresetConfig(config::Preset::kProd));
  ASSERT_TRUE(prod.has_value()) << prod.error().message();
  EXPECT_TRUE(ResourceCountIs(prod->json, "AWS::CloudTrail::Trail", 1));
  // SynthesizeRexStack records the accepted findings.
  EXPECT_TRUE(prod->json["Resources"]["AuditTrailLogs"]["Metadata"].contains("cdk_nag"));
}

}  // namespace
}  // namespace rex::stack
