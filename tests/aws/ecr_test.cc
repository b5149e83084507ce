// EcrClient: api.ecr endpoint with signing name "ecr", token decoding, image listing and
// deletion.
#include "aws/ecr.h"

#include <gtest/gtest.h>

#include "aws/endpoints.h"
#include "aws/hash.h"
#include "support/fake_clock.h"
#include "support/fake_transport.h"

namespace rex::aws {
namespace {

using base::Json;
using rex::testing::FakeClock;
using rex::testing::FakeTransport;
using rex::testing::HeaderOf;

class EcrTest : public ::testing::Test {
 protected:
  EcrTest()
      : ecr_(ResolveEndpoint("ecr", {.region = "eu-west-1"}).value(), &credentials_, transport_,
             clock_) {}
  StaticCredentialsProvider credentials_{Credentials{"AKID", "secret", "", {}}};
  FakeTransport transport_;
  FakeClock clock_;
  EcrClient ecr_;
};

TEST_F(EcrTest, AuthorizationTokenIsDecoded) {
  std::string token = Base64Encode("AWS:docker-password-secret");
  transport_.Respond(200, R"({"authorizationData": [{"authorizationToken": ")" + token +
                              R"(", "expiresAt": 1714600800,
      "proxyEndpoint": "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com"}]})");
  auto auth = ecr_.GetAuthorizationToken();
  ASSERT_TRUE(auth.ok()) << auth.error().ToString();
  EXPECT_EQ(auth->username, "AWS");
  EXPECT_EQ(auth->password, "docker-password-secret");
  EXPECT_EQ(auth->proxy_endpoint, "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com");
  HttpRequest sent = transport_.requests()[0];
  EXPECT_EQ(sent.url, "https://api.ecr.eu-west-1.amazonaws.com/");
  EXPECT_EQ(sent.body, "{}");
  EXPECT_EQ(HeaderOf(sent, "X-Amz-Target"),
            "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken");
  EXPECT_NE(HeaderOf(sent, "Authorization").find("/eu-west-1/ecr/aws4_request"), std::string::npos);
}

TEST_F(EcrTest, MalformedTokenIsNotQuoted) {
  transport_.Respond(200, R"({"authorizationData": [{"authorizationToken": "bm9jb2xvbg=="}]})");
  auto auth = ecr_.GetAuthorizationToken();
  ASSERT_FALSE(auth.ok());
  EXPECT_EQ(auth.error().message().find("bm9jb2xvbg"), std::string::npos);
}

TEST_F(EcrTest, ListAndDeleteImages) {
  transport_.Respond(200, R"({"imageIds": [{"imageDigest": "sha256:a"}, {"imageDigest": "sha256:b",
      "imageTag": "v1"}], "nextToken": "n"})");
  transport_.Respond(200, R"({"imageIds": [{"imageDigest": "sha256:a"}], "failures": [
      {"imageId": {"imageDigest": "sha256:c"}, "failureCode": "ImageNotFound",
       "failureReason": "Requested image not found"}]})");
  auto page = ecr_.ListImages("rex-api", "UNTAGGED");
  ASSERT_TRUE(page.ok()) << page.error().ToString();
  ASSERT_EQ(page->image_ids.size(), 2u);
  EXPECT_EQ(page->image_ids[1].image_tag, "v1");
  EXPECT_EQ(page->next_token, "n");
  EXPECT_EQ(Json::parse(transport_.requests()[0].body),
            Json::parse(R"({"repositoryName": "rex-api", "filter": {"tagStatus": "UNTAGGED"}})"));
  auto deleted = ecr_.BatchDeleteImage(
      "rex-api", {{.image_digest = "sha256:a"}, {.image_digest = "sha256:c"}});
  ASSERT_TRUE(deleted.ok()) << deleted.error().ToString();
  EXPECT_EQ(deleted->deleted.size(), 1u);
  EXPECT_EQ(deleted->failures[0].failure_code, "ImageNotFound");
  EXPECT_EQ(deleted->failures[0].image_id.image_digest, "sha256:c");
}

}  // namespace
}  // namespace rex::aws
