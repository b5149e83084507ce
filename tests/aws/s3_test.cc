// S3Client: REST-XML request encoding (paths, headers, XML payloads, Content-MD5) and
// response decoding with canned bodies.
#include "aws/s3.h"

#include <gtest/gtest.h>

#include "aws/hash.h"
#include "base/files.h"
#include "support/fake_aws_server.h"
#include "support/fake_clock.h"
#include "support/fake_transport.h"

namespace rex::aws {
namespace {

using base::Code;
using rex::testing::FakeClock;
using rex::testing::FakeTransport;
using rex::testing::HeaderOf;

class S3Test : public ::testing::Test {
 protected:
  std::unique_ptr<S3Client> Client(const std::string& region) {
    return std::make_unique<S3Client>(
        Endpoint{"https://s3." + region + ".amazonaws.com", region, "s3"}, &credentials_,
        transport_, clock_);
  }
  StaticCredentialsProvider credentials_{Credentials{"AKID", "secret", "", {}}};
  FakeTransport transport_;
  FakeClock clock_;
};

TEST_F(S3Test, CreateBucketOutsideUsEast1SendsLocationConstraint) {
  transport_.Respond(200, "").Respond(200, "");
  ASSERT_TRUE(Client("eu-west-1")->CreateBucket("rex-templates").ok());
  ASSERT_TRUE(Client("us-east-1")->CreateBucket("rex-templates").ok());
  auto sent = transport_.requests();
  EXPECT_EQ(sent[0].method, "PUT");
  EXPECT_EQ(sent[0].url, "https://s3.eu-west-1.amazonaws.com/rex-templates");
  EXPECT_EQ(sent[0].body,
            "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>");
  EXPECT_EQ(sent[1].body, "");
  EXPECT_EQ(HeaderOf(sent[0], "x-amz-content-sha256"), Sha256Hex(sent[0].body));
  EXPECT_NE(HeaderOf(sent[0], "Authorization").find("/eu-west-1/s3/aws4_request"),
            std::string::npos);
}

TEST_F(S3Test, CreateBucketErrorFromSample) {
  auto body =
      base::ReadFile(std::string(REX_FIXTURES_DIR) + "/aws-responses/s3-error-create-bucket.xml");
  ASSERT_TRUE(body.ok());
  transport_.Respond(409, *body);
  base::Status status = Client("us-west-2")->CreateBucket("garnaat-pdx");
  EXPECT_EQ(status.code(), Code::kAlreadyExists);
  EXPECT_EQ(status.aws().request_id, "96380E1CB938DDF7");
  EXPECT_EQ(
      status.message().rfind("create bucket garnaat-pdx: BucketAlreadyOwnedByYou (HTTP 409", 0), 0u)
      << status.message();
}

TEST_F(S3Test, PutObjectEncodesKeyHeadersAndBody) {
  transport_.Respond(200, "", {{"ETag", "\"abc\""}, {"x-amz-version-id", "v1"}});
  PutObjectRequest request{.bucket = "b",
                           .key = "web prod/template+1.json",
                           .body = "{}",
                           .content_type = "application/json",
                           .server_side_encryption = "AES256",
                           .metadata = {{"rex-stack", "web"}}};
  auto result = Client("eu-west-1")->PutObject(request);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(result->etag, "\"abc\"");
  EXPECT_EQ(result->version_id, "v1");
  HttpRequest sent = transport_.requests()[0];
  EXPECT_EQ(sent.url, "https://s3.eu-west-1.amazonaws.com/b/web%20prod/template%2B1.json");
  EXPECT_EQ(sent.body, "{}");
  EXPECT_EQ(HeaderOf(sent, "Content-Type"), "application/json");
  EXPECT_EQ(HeaderOf(sent, "x-amz-server-side-encryption"), "AES256");
  EXPECT_EQ(HeaderOf(sent, "x-amz-meta-rex-stack"), "web");
}

TEST_F(S3Test, GetObjectReturnsBodyAndHeaders) {
  transport_.Respond(200, "{\"Resources\":{}}",
                     {{"Content-Type", "application/json"},
                      {"ETag", "\"e\""},
                      {"Last-Modified", "Wed, 01 May 2024 10:00:00 GMT"},
                      {"Expires", "not a date"},
                      {"x-amz-meta-rex-stack", "web"}});
  auto object = Client("eu-west-1")->GetObject("b", "t.json");
  ASSERT_TRUE(object.ok()) << object.error().ToString();
  EXPECT_EQ(object->body, "{\"Resources\":{}}");
  EXPECT_EQ(object->content_type, "application/json");
  ASSERT_TRUE(object->last_modified.has_value());
  EXPECT_EQ(FormatIso8601(*object->last_modified), "2024-05-01T10:00:00Z");
  EXPECT_EQ(object->metadata["rex-stack"], "web");
}

TEST_F(S3Test, MissingKeyIsNotFound) {
  transport_.Respond(404,
                     "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist."
                     "</Message><Key>t.json</Key><RequestId>R</RequestId></Error>");
  auto object = Client("eu-west-1")->GetObject("b", "t.json");
  ASSERT_FALSE(object.ok());
  EXPECT_EQ(object.error().code(), Code::kNotFound);
  EXPECT_EQ(
      object.error().message(),
      "get s3://b/t.json: NoSuchKey (HTTP 404, request R): The specified key does not exist.");
}

TEST_F(S3Test, ListObjectsV2Pages) {
  transport_.Respond(200,
                     "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                     "<Name>b</Name><Prefix>history/</Prefix><IsTruncated>true</IsTruncated>"
                     "<Contents><Key>history/1.json</Key><LastModified>2024-05-01T10:00:00.000Z"
                     "</LastModified><ETag>\"1\"</ETag><Size>12</Size><StorageClass>STANDARD"
                     "</StorageClass></Contents><Contents><Key>history/2.json</Key><Size>3</Size>"
                     "</Contents><NextContinuationToken>tok/2</NextContinuationToken>"
                     "</ListBucketResult>");
  transport_.Respond(200,
                     "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>"
                     "history/3.json</Key><Size>1</Size></Contents></ListBucketResult>");
  auto all = Client("eu-west-1")->ListAllObjects("b", "history/");
  ASSERT_TRUE(all.ok()) << all.error().ToString();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].key, "history/1.json");
  EXPECT_EQ((*all)[0].size, 12);
  EXPECT_EQ((*all)[0].storage_class, "STANDARD");
  EXPECT_EQ((*all)[2].key, "history/3.json");
  auto sent = transport_.requests();
  EXPECT_EQ(sent[0].url, "https://s3.eu-west-1.amazonaws.com/b?list-type=2&prefix=history%2F");
  EXPECT_EQ(sent[1].url,
            "https://s3.eu-west-1.amazonaws.com/b?list-type=2&prefix=history%2F"
            "&continuation-token=tok%2F2");
}

TEST_F(S3Test, DeleteObjectsSendsXmlWithContentMd5) {
  transport_.Respond(200,
                     "<DeleteResult><Deleted><Key>a</Key></Deleted><Error><Key>b</Key><Code>"
                     "AccessDenied</Code><Message>Access Denied</Message></Error></DeleteResult>");
  auto result = Client("eu-west-1")->DeleteObjects("bkt", {"a", "b"});
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(result->deleted, std::vector<std::string>{"a"});
  ASSERT_EQ(result->errors.size(), 1u);
  EXPECT_EQ(result->errors[0].code, "AccessDenied");
  HttpRequest sent = transport_.requests()[0];
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.url, "https://s3.eu-west-1.amazonaws.com/bkt?delete");
  EXPECT_EQ(
      sent.body,
      "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Object><Key>a</Key></Object>"
      "<Object><Key>b</Key></Object><Quiet>false</Quiet></Delete>");
  EXPECT_EQ(HeaderOf(sent, "Content-MD5"), Md5Base64(sent.body));
}

TEST_F(S3Test, BucketSettingsAndHead) {
  transport_.Respond(200, "").Respond(200, "").Respond(404, "").Respond(200, "");
  auto s3 = Client("eu-west-1");
  ASSERT_TRUE(s3->PutBucketVersioning("b", true).ok());
  ASSERT_TRUE(s3->PutBucketEncryption("b", "AES256").ok());
  auto missing = s3->BucketExists("b");
  ASSERT_TRUE(missing.ok()) << missing.error().ToString();
  EXPECT_FALSE(*missing);
  ASSERT_TRUE(s3->DeleteObject("b", "k").ok());
  auto sent = transport_.requests();
  EXPECT_EQ(sent[0].url, "https://s3.eu-west-1.amazonaws.com/b?versioning");
  EXPECT_EQ(sent[0].body,
            "<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<Status>Enabled</Status></VersioningConfiguration>");
  EXPECT_FALSE(HeaderOf(sent[0], "Content-MD5").empty());
  EXPECT_EQ(sent[1].body,
            "<ServerSideEncryptionConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm>"
            "</ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>");
  EXPECT_EQ(sent[2].method, "HEAD");
  EXPECT_EQ(sent[3].method, "DELETE");
  EXPECT_EQ(sent[3].url, "https://s3.eu-west-1.amazonaws.com/b/k");
}

// ---------------------------------------------------------------- conditional writes

constexpr const char* kPreconditionFailedXml =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>PreconditionFailed</Code>"
    "<Message>At least one of the pre-conditions you specified did not hold</Message>"
    "<Condition>If-None-Match</Condition><RequestId>REQ412</RequestId></Error>";
constexpr const char* kConflictXml =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>ConditionalRequestConflict</Code>"
    "<Message>A conflicting conditional operation is currently in progress against this "
    "resource.</Message><RequestId>REQ409</RequestId></Error>";

TEST_F(S3Test, PutObjectSendsIfNoneMatchAndIfMatch) {
  transport_.Respond(200, "", {{"ETag", "\"e1\""}}).Respond(200, "", {{"ETag", "\"e2\""}});
  auto s3 = Client("us-east-1");
  auto created =
      s3->PutObject({.bucket = "b", .key = "locks/dev.json", .body = "{}", .if_none_match = "*"});
  ASSERT_TRUE(created.ok()) << created.error().message();
  EXPECT_EQ(created->etag, "\"e1\"");
  auto replaced =
      s3->PutObject({.bucket = "b", .key = "locks/dev.json", .body = "{}", .if_match = "\"e1\""});
  ASSERT_TRUE(replaced.ok()) << replaced.error().message();
  auto sent = transport_.requests();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(HeaderOf(sent[0], "If-None-Match"), "*");
  EXPECT_EQ(HeaderOf(sent[0], "If-Match"), "");
  EXPECT_EQ(HeaderOf(sent[1], "If-Match"), "\"e1\"");
  EXPECT_EQ(HeaderOf(sent[1], "If-None-Match"), "");
}

TEST_F(S3Test, PutObjectWithoutConditionsSendsNone) {
  transport_.Respond(200, "");
  ASSERT_TRUE(Client("us-east-1")->PutObject({.bucket = "b", .key = "k", .body = "x"}).ok());
  EXPECT_EQ(HeaderOf(transport_.requests()[0], "If-None-Match"), "");
  EXPECT_EQ(HeaderOf(transport_.requests()[0], "If-Match"), "");
}

TEST_F(S3Test, PreconditionFailedIsFailedPreconditionAndNotRetried) {
  transport_.Respond(412, kPreconditionFailedXml);
  auto put =
      Client("us-east-1")
          ->PutObject(
              {.bucket = "b", .key = "history/s/0001.json", .body = "{}", .if_none_match = "*"});
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code(), Code::kFailedPrecondition);
  EXPECT_EQ(put.error().aws().service_code, "PreconditionFailed");
  EXPECT_EQ(put.error().aws().http_status, 412);
  EXPECT_TRUE(IsPreconditionFailed(put.error()));
  EXPECT_EQ(put.error().message().rfind("put s3://b/history/s/0001.json: PreconditionFailed", 0),
            0u)
      << put.error().message();
  EXPECT_EQ(transport_.request_count(), 1u);
  // A 412 without a body (as a HEAD would get) is recognized too.
  transport_.Respond(412, "");
  auto bare =
      Client("us-east-1")->PutObject({.bucket = "b", .key = "k", .body = "", .if_match = "\"x\""});
  ASSERT_FALSE(bare.ok());
  EXPECT_TRUE(IsPreconditionFailed(bare.error()));
  EXPECT_FALSE(IsPreconditionFailed(base::FailedPrecondition("not from S3")));
}

TEST_F(S3Test, ConditionalRequestConflictIsRetried) {
  transport_.Respond(409, kConflictXml)
      .Respond(409, kConflictXml)
      .Respond(200, "", {{"ETag", "\"ok\""}});
  auto put =
      Client("us-east-1")
          ->PutObject({.bucket = "b", .key = "locks/dev.json", .body = "{}", .if_none_match = "*"});
  ASSERT_TRUE(put.ok()) << put.error().message();
  EXPECT_EQ(put->etag, "\"ok\"");
  EXPECT_EQ(transport_.request_count(), 3u);
  EXPECT_EQ(clock_.sleeps(), (std::vector<std::chrono::milliseconds>{
                                 std::chrono::milliseconds(50), std::chrono::milliseconds(100)}));
}

TEST_F(S3Test, ConditionalRequestConflictThatPersistsIsReturned) {
  for (int i = 0; i < kConditionalConflictAttempts; ++i) transport_.Respond(409, kConflictXml);
  base::Status deleted = Client("us-east-1")->DeleteObject("b", "locks/dev.json", "", "\"e1\"");
  ASSERT_FALSE(deleted.ok());
  EXPECT_EQ(deleted.code(), Code::kFailedPrecondition);
  EXPECT_EQ(deleted.aws().service_code, "ConditionalRequestConflict");
  EXPECT_FALSE(IsPreconditionFailed(deleted));
  EXPECT_EQ(transport_.request_count(), static_cast<size_t>(kConditionalConflictAttempts));
  EXPECT_EQ(HeaderOf(transport_.requests()[0], "If-Match"), "\"e1\"");
}

// The fake S3 of the integration tests honours the conditions as S3 does.
TEST(FakeS3ConditionsTest, IfNoneMatchAndIfMatchOnPutAndDelete) {
  FakeClock clock;
  rex::testing::FakeAws fake(rex::testing::FakeAwsOptions{.clock = &clock});
  FakeTransport transport;
  transport.SetHandler([&](const HttpRequest& r) { return fake.Handle(r); });
  StaticCredentialsProvider credentials(
      Credentials{"AKIDREXTESTKEY", "rex-test-secret/K7MDENG+bPxRfiCY", "", {}});
  S3Client s3({"https://s3.us-east-1.amazonaws.com", "us-east-1", "s3"}, &credentials, transport,
              clock);
  ASSERT_TRUE(s3.CreateBucket("b").ok());
  auto first = s3.PutObject({.bucket = "b", .key = "k", .body = "one", .if_none_match = "*"});
  ASSERT_TRUE(first.ok()) << first.error().message();
  auto again = s3.PutObject({.bucket = "b", .key = "k", .body = "two", .if_none_match = "*"});
  ASSERT_FALSE(again.ok());
  EXPECT_TRUE(IsPreconditionFailed(again.error()));
  EXPECT_EQ(fake.Object("b", "k"), "one");
  auto wrong = s3.PutObject({.bucket = "b", .key = "k", .body = "two", .if_match = "\"nope\""});
  ASSERT_FALSE(wrong.ok());
  EXPECT_TRUE(IsPreconditionFailed(wrong.error()));
  auto missing = s3.PutObject({.bucket = "b", .key = "none", .body = "x", .if_match = first->etag});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), Code::kNotFound);
  auto right = s3.PutObject({.bucket = "b", .key = "k", .body = "two", .if_match = first->etag});
  ASSERT_TRUE(right.ok()) << right.error().message();
  EXPECT_EQ(fake.Object("b", "k"), "two");
  base::Status stale = s3.DeleteObject("b", "k", "", first->etag);
  EXPECT_TRUE(IsPreconditionFailed(stale)) << stale.message();
  EXPECT_TRUE(fake.Object("b", "k").has_value());
  EXPECT_TRUE(s3.DeleteObject("b", "k", "", right->etag).ok());
  EXPECT_FALSE(fake.Object("b", "k").has_value());
  EXPECT_TRUE(s3.DeleteObject("b", "k").ok()) << "an unconditional delete of a missing key is ok";
}

}  // namespace
}  // namespace rex::aws
