// Bucket: encrypted, versioned, private, TLS-only and retained; lifecycle expiry; grants.

#include "constructs/bucket.h"

#include <gtest/gtest.h>

#include <string>

#include "constructs/iam_policy.h"
#include "core/intrinsics.h"
#include "core/stack.h"

namespace rex::constructs {
namespace {

using base::Json;

core::Str RoleName(core::Stack& stack, const std::string& id) {
  auto& role = stack.Add<cfn::iam::CfnRole>(
      id, cfn::iam::CfnRoleProps{.assume_role_policy_document =
                                     core::Json(ServiceTrustPolicy("ecs-tasks.amazonaws.com"))});
  return RoleNameFromArn(role.attr_arn()).value();
}

TEST(BucketTest, PrivateEncryptedVersionedTlsOnlyAndRetained) {
  core::App app;
  auto& stack = app.Add<core::Stack>("Shop");
  auto& buckets = stack.Add<core::Construct>("Buckets");
  buckets.Add<Bucket>("Uploads", BucketProps{.name = "uploads"});
  auto t = stack.Synthesize();
  ASSERT_TRUE(t.has_value()) << t.error().message();
  const Json& r = t->json["Resources"];
  const Json& bucket = r["BucketsUploads"];
  EXPECT_EQ(bucket["DeletionPolicy"], "Retain");
  EXPECT_EQ(bucket["UpdateReplacePolicy"], "Retain");
  const Json& p = bucket["Properties"];
  EXPECT_FALSE(p.contains("BucketName"));  // S3 names are global: CloudFormation picks one
  EXPECT_EQ(p["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
             ["ServerSideEncryptionByDefault"]["SSEAlgorithm"],
            "AES256");
  EXPECT_EQ(p["VersioningConfiguration"]["Status"], "Enabled");
  EXPECT_EQ(p["PublicAccessBlockConfiguration"],
            Json::parse(R"({"BlockPublicAcls":true,"BlockPublicPolicy":true,
                            "IgnorePublicAcls":true,"RestrictPublicBuckets":true})"));
  EXPECT_EQ(p["OwnershipControls"]["Rules"][0]["ObjectOwnership"], "BucketOwnerEnforced");
  EXPECT_FALSE(p.contains("LifecycleConfiguration"));

  const Json& policy = r["BucketsUploadsPolicy"]["Properties"];
  EXPECT_EQ(policy["Bucket"], Json::parse(R"({"Ref":"BucketsUploads"})"));
  const Json& deny = policy["PolicyDocument"]["Statement"][0];
  EXPECT_EQ(deny["Effect"], "Deny");
  EXPECT_EQ(deny["Principal"], "*");
  EXPECT_EQ(deny["Condition"]["Bool"]["aws:SecureTransport"], "false");
  EXPECT_EQ(deny["Resource"][0], Json::parse(R"({"Fn::GetAtt":["BucketsUploads","Arn"]})"));
  EXPECT_EQ(deny["Resource"][1],
            Json::parse(R"({"Fn::Join":["",[{"Fn::GetAtt":["BucketsUploads","Arn"]},"/*"]]})"));
}

TEST(BucketTest, KmsExpiryAndGrants) {
  core::App app;
  auto& stack = app.Add<core::Stack>("Shop");
  core::Str api = RoleName(stack, "ApiRole");
  core::Str worker = RoleName(stack, "WorkerRole");
  auto& bucket = stack.Add<Bucket>(
      "Archive",
      BucketProps{.encryption = BucketEncryption::kKms, .expire_days = 30, .name = "archive"});
  bucket.GrantRead({api, worker});
  bucket.GrantWrite({api});
  auto t = stack.Synthesize();
  ASSERT_TRUE(t.has_value()) << t.error().message();
  const Json& r = t->json["Resources"];
  const Json& p = r["Archive"]["Properties"];
  const Json& rule = p["BucketEncryption"]["ServerSideEncryptionConfiguration"][0];
  EXPECT_EQ(rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"], "aws:kms");
  EXPECT_EQ(rule["BucketKeyEnabled"], true);
  const Json& lifecycle = p["LifecycleConfiguration"]["Rules"][0];
  EXPECT_EQ(lifecycle["ExpirationInDays"], 30);
  EXPECT_EQ(lifecycle["NoncurrentVersionExpiration"]["NoncurrentDays"], 30);
  EXPECT_EQ(lifecycle["Status"], "Enabled");

  const Json& read = r["ArchiveReadPolicy"]["Properties"];
  EXPECT_EQ(read["PolicyName"], "bucket-archive-read");
  EXPECT_EQ(read["Roles"], Json::parse(R"([{"Ref":"ApiRole"},{"Ref":"WorkerRole"}])"));
  EXPECT_EQ(read["PolicyDocument"]["Statement"][1]["Action"],
            Json::parse(R"(["s3:GetObject","s3:GetObjectVersion"])"));
  const Json& write = r["ArchiveWritePolicy"]["Properties"];
  EXPECT_EQ(write["Roles"], Json::parse(R"([{"Ref":"ApiRole"}])"));
  EXPECT_EQ(write["PolicyDocument"]["Statement"][0]["Action"],
            Json::parse(R"(["s3:AbortMultipartUpload","s3:DeleteObject","s3:PutObject"])"));
}

TEST(BucketTest, ExpiryOutsideItsRangeIsAnError) {
  core::App app;
  auto& stack = app.Add<core::Stack>("Shop");
  stack.Add<Bucket>("Archive", BucketProps{.expire_days = 0, .name = "archive"});
  auto t = stack.Synthesize();
  ASSERT_FALSE(t.has_value());
  EXPECT_NE(t.error().message().find("expire_days 0 is outside 1 to 3650"), std::string::npos)
      << t.error().message();
}

TEST(BucketTest, AddToPolicyAppendsAfterTheTlsDenyAndObjectsArnSpellsAPrefix) {
  core::App app;
  auto& stack = app.Add<core::Stack>("Shop");
  auto& logs = stack.Add<Bucket>("Logs", BucketProps{.expire_days = 30, .name = "logs"});
  logs.AddToPolicy(core::Value::Object({
      {"Sid", "ServiceWrite"},
      {"Effect", "Allow"},
      {"Principal", core::Value::Object({{"Service", "logs.example.amazonaws.com"}})},
      {"Action", "s3:PutObject"},
      {"Resource", logs.ObjectsArn({"AWSLogs/", core::aws::AccountId(), "/"}).value()},
  }));
  logs.AddToPolicy(core::Value::Object({{"Sid", "Second"},
                                        {"Effect", "Allow"},
                                        {"Principal", "*"},
                                        {"Action", "s3:GetObject"},
                                        {"Resource", logs.ObjectsArn({}).value()}}));
  auto t = stack.Synthesize();
  ASSERT_TRUE(t.has_value()) << t.error().message();
  const Json& statements =
      t->json["Resources"]["LogsPolicy"]["Properties"]["PolicyDocument"]["Statement"];
  ASSERT_EQ(statements.size(), 3u);
  EXPECT_EQ(statements[0]["Sid"], "DenyWithoutTls");
  EXPECT_EQ(statements[1]["Sid"], "ServiceWrite");
  EXPECT_EQ(statements[1]["Resource"],
            Json::parse(R"({"Fn::Join":["",[{"Fn::GetAtt":["Logs","Arn"]},"/AWSLogs/",
                            {"Ref":"AWS::AccountId"},"/*"]]})"));
  EXPECT_EQ(statements[2]["Sid"], "Second");
  EXPECT_EQ(statements[2]["Resource"],
            Json::parse(R"({"Fn::Join":["",[{"Fn::GetAtt":["Logs","Arn"]},"/*"]]})"));
  EXPECT_EQ(t->json["Resources"]["Logs"]["Properties"]["LifecycleConfiguration"]["Rules"][0]
                   ["ExpirationInDays"],
            30);
}

}  // namespace
}  // namespace rex::constructs
