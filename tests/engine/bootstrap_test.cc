#include "engine/bootstrap.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "aws/credentials.h"
#include "support/fake_aws_server.h"
#include "support/fake_clock.h"
#include "support/fake_transport.h"
#include "support/recording_observer.h"

namespace rex::engine {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

TEST(BootstrapTemplateTest, TheBucketIsVersionedEncryptedPrivateAndTlsOnly) {
  base::Json t = BootstrapTemplate();
  const base::Json& bucket = t["Resources"]["Bucket"];
  EXPECT_EQ(bucket["Type"], "AWS::S3::Bucket");
  EXPECT_EQ(bucket["DeletionPolicy"], "Retain");
  const base::Json& p = bucket["Properties"];
  EXPECT_EQ(p["VersioningConfiguration"]["Status"], "Enabled");
  EXPECT_EQ(p["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
             ["ServerSideEncryptionByDefault"]["SSEAlgorithm"],
            "AES256");
  for (const char* key :
       {"BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"}) {
    EXPECT_EQ(p["PublicAccessBlockConfiguration"][key], true) << key;
  }
  const base::Json& rule = p["LifecycleConfiguration"]["Rules"][0];
  EXPECT_EQ(rule["NoncurrentVersionExpiration"]["NoncurrentDays"], 90);
  const base::Json& statement =
      t["Resources"]["BucketPolicy"]["Properties"]["PolicyDocument"]["Statement"][0];
  EXPECT_EQ(statement["Effect"], "Deny");
  EXPECT_EQ(statement["Condition"]["Bool"]["aws:SecureTransport"], "false");
  EXPECT_EQ(t["Outputs"]["BucketName"]["Value"], (base::Json{{"Ref", "Bucket"}}));
}

TEST(BootstrapTest, DeploysRexBootstrapAndFindsItsBucket) {
  rex::testing::FakeClock clock;
  rex::testing::FakeAws fake(rex::testing::FakeAwsOptions{.clock = &clock});
  rex::testing::FakeTransport transport;
  transport.SetHandler([&](const aws::HttpRequest& r) { return fake.Handle(r); });
  aws::StaticCredentialsProvider credentials(
      aws::Credentials{"AKIDREXTESTKEY", "rex-test-secret/K7MDENG+bPxRfiCY"});
  aws::CloudFormationClient cfn(
      {"https://cloudformation.us-east-1.amazonaws.com", "us-east-1", "cloudformation"},
      &credentials, transport, clock);
  DeployClients clients{cfn, clock, nullptr};
  rex::testing::RecordingObserver observer;

  auto none = FindBootstrapBucket(cfn);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  auto outcome = DeployBootstrap(clients, DeployRequest{}, observer);
  ASSERT_TRUE(outcome.ok()) << outcome.error().ToString();
  ASSERT_TRUE(std::holds_alternative<Deployed>(*outcome));
  EXPECT_EQ(fake.StackStatus("rex-bootstrap"), "CREATE_COMPLETE");
  auto bucket = FindBootstrapBucket(cfn);
  ASSERT_TRUE(bucket.ok());
  ASSERT_TRUE(bucket->has_value());
  EXPECT_THAT(fake.Buckets(), Contains(**bucket));
  EXPECT_THAT(**bucket, HasSubstr("rex-bootstrap-bucket"));

  // A second bootstrap changes nothing.
  clock.Advance(std::chrono::seconds(60));
  auto again = DeployBootstrap(clients, DeployRequest{}, observer);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(std::holds_alternative<NoChanges>(*again));
}

}  // namespace
}  // namespace rex::engine
