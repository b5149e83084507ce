#include "base/crypto.h"

#include <gtest/gtest.h>

#include <string>

#include "base/encoding.h"

namespace rex::base {
namespace {

constexpr char kWrongPassphrase[] = "wrong passphrase or corrupted value";

// Decodes v1 text, lets `mutate` change the raw bytes, and encodes it again.
template <typename F>
std::string Tamper(const std::string& text, F mutate) {
  std::string raw = Base64Decode(std::string_view(text).substr(3)).value();
  mutate(raw);
  return "v1:" + Base64Encode(raw);
}

TEST(CryptoTest, RoundTripsAndUsesTheDocumentedLayout) {
  Result<std::string> text = EncryptSecret("hunter2-is-not-a-password", "correct horse");
  ASSERT_TRUE(text.ok()) << text.error().ToString();
  ASSERT_EQ(text->substr(0, 3), "v1:");
  std::string raw = Base64Decode(std::string_view(*text).substr(3)).value();
  EXPECT_EQ(raw.size(), kSecretSaltSize + kSecretNonceSize + 25 + kSecretTagSize);
  EXPECT_EQ(text->find("hunter2"), std::string::npos);
  EXPECT_EQ(DecryptSecret(*text, "correct horse").value(), "hunter2-is-not-a-password");
}

TEST(CryptoTest, RoundTripsEmptyAndBinaryPlaintext) {
  std::string binary("\x00\x01\xff\n\"", 5);
  EXPECT_EQ(DecryptSecret(EncryptSecret("", "p").value(), "p").value(), "");
  EXPECT_EQ(DecryptSecret(EncryptSecret(binary, "p").value(), "p").value(), binary);
}

TEST(CryptoTest, SamePlaintextEncryptsDifferentlyEachTime) {
  std::string a = EncryptSecret("same", "p").value();
  std::string b = EncryptSecret("same", "p").value();
  EXPECT_NE(a, b);
}

TEST(CryptoTest, WrongPassphraseIsAClearErrorNotGarbage) {
  std::string text = EncryptSecret("s3cret", "right").value();
  Result<std::string> out = DecryptSecret(text, "wrong");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code(), Code::kUnauthenticated);
  EXPECT_EQ(out.error().message(), kWrongPassphrase);
  EXPECT_EQ(DecryptSecret(text, "").error().message(), kWrongPassphrase);
}

TEST(CryptoTest, AnyTamperingIsDetected) {
  std::string text = EncryptSecret("s3cret value", "pw").value();
  const size_t ct = kSecretSaltSize + kSecretNonceSize;
  // Salt, nonce, ciphertext and tag: flip one bit in each.
  for (size_t offset : {size_t{0}, kSecretSaltSize, ct, ct + 12 + 3}) {
    std::string bad = Tamper(text, [&](std::string& raw) { raw[offset] ^= 0x01; });
    Result<std::string> out = DecryptSecret(bad, "pw");
    ASSERT_FALSE(out.ok()) << offset;
    EXPECT_EQ(out.error().code(), Code::kUnauthenticated) << offset;
    EXPECT_EQ(out.error().message(), kWrongPassphrase) << offset;
  }
  // A truncated tag (a byte missing at the end) also fails authentication.
  std::string truncated = Tamper(text, [](std::string& raw) { raw.pop_back(); });
  EXPECT_EQ(DecryptSecret(truncated, "pw").error().message(), kWrongPassphrase);
}

TEST(CryptoTest, MalformedTextNamesTheProblem) {
  EXPECT_EQ(DecryptSecret("AAAA", "pw").error().message(),
            "malformed secret: expected text starting with \"v1:\"");
  EXPECT_EQ(DecryptSecret("v2:AAAA", "pw").error().message(),
            "malformed secret: unknown format version \"v2\"; this rex reads v1");
  EXPECT_EQ(DecryptSecret("v1:not*base64", "pw").error().message(),
            "malformed secret: invalid base64: length 10 is not a multiple of 4");
  EXPECT_EQ(DecryptSecret("v1:AAAA", "pw").error().message(),
            "malformed secret: 3 bytes after base64 decoding, at least 44 expected");
  EXPECT_EQ(DecryptSecret("v1:AAAA", "pw").error().code(), Code::kInvalidArgument);
}

TEST(CryptoTest, ReusingASaltDerivesTheKeyOnce) {
  std::string first = EncryptSecret("one", "cache-test-passphrase").value();
  std::string salt = SecretSalt(first).value();
  ASSERT_EQ(salt.size(), kSecretSaltSize);
  size_t before = SecretKeyDerivations();
  std::string second = EncryptSecret("two", "cache-test-passphrase", salt).value();
  EXPECT_EQ(DecryptSecret(first, "cache-test-passphrase").value(), "one");
  EXPECT_EQ(DecryptSecret(second, "cache-test-passphrase").value(), "two");
  EXPECT_EQ(SecretKeyDerivations(), before);
  EXPECT_EQ(SecretSalt(second).value(), salt);
  // Another passphrase with the same salt is a different key.
  EXPECT_FALSE(DecryptSecret(second, "other-passphrase").ok());
  EXPECT_EQ(SecretKeyDerivations(), before + 1);
}

TEST(CryptoTest, RejectsBadArguments) {
  EXPECT_EQ(EncryptSecret("x", "").error().message(), "the passphrase is empty");
  EXPECT_EQ(EncryptSecret("x", "pw", "short").error().message(), "salt must be 16 bytes, got 5");
}

}  // namespace
}  // namespace rex::base
