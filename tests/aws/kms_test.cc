// KmsClient: GenerateDataKey / Decrypt request shapes, blob decoding and the error mapping.
#include "aws/kms.h"

#include <gtest/gtest.h>

#include "base/encoding.h"
#include "support/fake_clock.h"
#include "support/fake_transport.h"

namespace rex::aws {
namespace {

using base::Json;
using rex::testing::FakeClock;
using rex::testing::FakeTransport;
using rex::testing::HeaderOf;

const std::string kDataKey(32, '\x07');
const std::string kBlob = "\x01\x02\x03sealed-by-kms";

class KmsTest : public ::testing::Test {
 protected:
  StaticCredentialsProvider credentials_{Credentials{"AKID", "secret", "", {}}};
  FakeTransport transport_;
  FakeClock clock_;
  KmsClient kms_{Endpoint{"https://kms.eu-west-1.amazonaws.com", "eu-west-1", "kms"}, &credentials_,
                 transport_, clock_};
};

TEST_F(KmsTest, GenerateDataKeyAsksForAnAes256KeyUnderTheContext) {
  transport_.Respond(200, Json{{"KeyId", "arn:aws:kms:eu-west-1:111122223333:key/k1"},
                               {"Plaintext", base::Base64Encode(kDataKey)},
                               {"CiphertextBlob", base::Base64Encode(kBlob)}}
                              .dump());
  auto key = kms_.GenerateDataKey("alias/rex", {{"rex:stack", "prod"}});
  ASSERT_TRUE(key.ok()) << key.error().ToString();
  EXPECT_EQ(key->plaintext, kDataKey);
  EXPECT_EQ(key->ciphertext, kBlob);
  EXPECT_EQ(key->key_id, "arn:aws:kms:eu-west-1:111122223333:key/k1");
  HttpRequest sent = transport_.requests()[0];
  EXPECT_EQ(HeaderOf(sent, "X-Amz-Target"), "TrentService.GenerateDataKey");
  EXPECT_EQ(HeaderOf(sent, "Content-Type"), "application/x-amz-json-1.1");
  EXPECT_NE(HeaderOf(sent, "Authorization").find("/eu-west-1/kms/aws4_request"), std::string::npos);
  EXPECT_EQ(Json::parse(sent.body), Json::parse(R"({"KeyId": "alias/rex", "KeySpec": "AES_256",
      "EncryptionContext": {"rex:stack": "prod"}})"));
}

TEST_F(KmsTest, DecryptSendsTheBlobKeyAndContext) {
  transport_.Respond(200, Json{{"KeyId", "arn:aws:kms:eu-west-1:111122223333:key/k1"},
                               {"Plaintext", base::Base64Encode(kDataKey)}}
                              .dump());
  auto plain = kms_.Decrypt("alias/rex", kBlob, {{"rex:stack", "prod"}});
  ASSERT_TRUE(plain.ok()) << plain.error().ToString();
  EXPECT_EQ(*plain, kDataKey);
  HttpRequest sent = transport_.requests()[0];
  EXPECT_EQ(HeaderOf(sent, "X-Amz-Target"), "TrentService.Decrypt");
  EXPECT_EQ(Json::parse(sent.body), (Json{{"CiphertextBlob", base::Base64Encode(kBlob)},
                                          {"KeyId", "alias/rex"},
                                          {"EncryptionContext", {{"rex:stack", "prod"}}}}));
}

TEST_F(KmsTest, ErrorsNameTheKeyAndWhatToDo) {
  struct Case {
    const char* type;
    base::Code code;
    const char* says;
  };
  for (const Case& c : {
           Case{"AccessDeniedException", base::Code::kPermissionDenied,
                "not allowed kms:Decrypt on KMS key alias/rex"},
           Case{"NotFoundException", base::Code::kNotFound,
                "KMS key alias/rex does not exist in this account and region"},
           Case{"InvalidCiphertextException", base::Code::kInvalidArgument,
                "encryptedDataKey was not made by KMS key alias/rex for this stack"},
           Case{"IncorrectKeyException", base::Code::kInvalidArgument,
                "encryptedDataKey was not made by KMS key alias/rex"},
           Case{"DisabledException", base::Code::kFailedPrecondition,
                "KMS key alias/rex is disabled or pending deletion"},
       }) {
    transport_.Respond(400, Json{{"__type", c.type}, {"message", "no"}}.dump());
    auto plain = kms_.Decrypt("alias/rex", kBlob, {{"rex:stack", "prod"}});
    ASSERT_FALSE(plain.ok()) << c.type;
    EXPECT_EQ(plain.error().code(), c.code) << c.type;
    EXPECT_NE(plain.error().message().find(c.says), std::string::npos) << plain.error().message();
    EXPECT_EQ(plain.error().aws().service_code, c.type);
  }
  transport_.Respond(400, R"({"__type": "AccessDeniedException", "message": "no"})");
  auto made = kms_.GenerateDataKey("alias/rex", {});
  ASSERT_FALSE(made.ok());
  EXPECT_NE(made.error().message().find("not allowed kms:GenerateDataKey on KMS key alias/rex"),
            std::string::npos)
      << made.error().message();
}

TEST_F(KmsTest, ADataKeyOfTheWrongSizeIsRefused) {
  transport_.Respond(200, Json{{"KeyId", "k"},
                               {"Plaintext", base::Base64Encode("short")},
                               {"CiphertextBlob", base::Base64Encode(kBlob)}}
                              .dump());
  auto key = kms_.GenerateDataKey("alias/rex", {});
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().code(), base::Code::kUnavailable);
  EXPECT_EQ(key.error().message().find("short"), std::string::npos);
}

}  // namespace
}  // namespace rex::aws
