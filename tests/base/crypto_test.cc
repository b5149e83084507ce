#include "base/crypto.h"

#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <string>

#include "base/encoding.h"

namespace rex::base {
namespace {

constexpr char kWrongPassphrase[] = "wrong passphrase or corrupted value";
constexpr char kPw[] = "a long enough passphrase";
const std::string kDbKey = SecretBinding("dev", "dbMasterPassword");

// Decodes v1/v2 text, lets `mutate` change the raw bytes, and encodes it again.
template <typename F>
std::string Tamper(const std::string& text, F mutate) {
  std::string raw = Base64Decode(std::string_view(text).substr(3)).value();
  mutate(raw);
  return text.substr(0, 3) + Base64Encode(raw);
}

TEST(CryptoTest, BindingNamesStackAndKey) {
  EXPECT_EQ(SecretBinding("prod", "githubToken"), "rex|v2|prod|githubToken");
}

TEST(CryptoTest, RoundTripsAndUsesTheDocumentedLayout) {
  Result<std::string> text = EncryptSecret("hunter2-is-not-a-password", "correct horse", kDbKey);
  ASSERT_TRUE(text.ok()) << text.error().ToString();
  ASSERT_EQ(text->substr(0, 3), "v2:");
  EXPECT_FALSE(IsLegacySecret(*text));
  std::string raw = Base64Decode(std::string_view(*text).substr(3)).value();
  EXPECT_EQ(raw.size(), kSecretSaltSize + kSecretNonceSize + 25 + kSecretTagSize);
  EXPECT_EQ(text->find("hunter2"), std::string::npos);
  EXPECT_EQ(DecryptSecret(*text, "correct horse", kDbKey).value(), "hunter2-is-not-a-password");
}

TEST(CryptoTest, RoundTripsEmptyAndBinaryPlaintext) {
  std::string binary("\x00\x01\xff\n\"", 5);
  EXPECT_EQ(DecryptSecret(EncryptSecret("", kPw, kDbKey).value(), kPw, kDbKey).value(), "");
  EXPECT_EQ(DecryptSecret(EncryptSecret(binary, kPw, kDbKey).value(), kPw, kDbKey).value(), binary);
}

TEST(CryptoTest, SamePlaintextEncryptsDifferentlyEachTime) {
  std::string a = EncryptSecret("same", kPw, kDbKey).value();
  std::string b = EncryptSecret("same", kPw, kDbKey, SecretSalt(a).value()).value();
  EXPECT_NE(a, b);
}

TEST(CryptoTest, WrongPassphraseIsAClearErrorNotGarbage) {
  std::string text = EncryptSecret("s3cret", "the right passphrase", kDbKey).value();
  Result<std::string> out = DecryptSecret(text, "the wrong passphrase", kDbKey);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code(), Code::kUnauthenticated);
  EXPECT_EQ(out.error().message(), kWrongPassphrase);
  EXPECT_EQ(DecryptSecret(text, "", kDbKey).error().message(), kWrongPassphrase);
}

TEST(CryptoTest, AValueDecryptsOnlyUnderItsOwnStackAndKey) {
  std::string text = EncryptSecret("s3cret", kPw, kDbKey).value();
  std::string salt = SecretSalt(text).value();
  for (const std::string& other :
       {SecretBinding("dev", "githubToken"), SecretBinding("prod", "dbMasterPassword"),
        std::string(), std::string("rex|v2|dev|dbMasterPassword ")}) {
    Result<std::string> out = DecryptSecret(text, kPw, other);
    ASSERT_FALSE(out.ok()) << other;
    EXPECT_EQ(out.error().code(), Code::kUnauthenticated) << other;
  }
  EXPECT_EQ(DecryptSecret(text, kPw, kDbKey).value(), "s3cret");
}

TEST(CryptoTest, AnyTamperingIsDetected) {
  std::string text = EncryptSecret("s3cret value", kPw, kDbKey).value();
  const size_t ct = kSecretSaltSize + kSecretNonceSize;
  // Salt, nonce, ciphertext and tag: flip one bit in each.
  for (size_t offset : {size_t{0}, kSecretSaltSize, ct, ct + 12 + 3}) {
    std::string bad = Tamper(text, [&](std::string& raw) { raw[offset] ^= 0x01; });
    Result<std::string> out = DecryptSecret(bad, kPw, kDbKey);
    ASSERT_FALSE(out.ok()) << offset;
    EXPECT_EQ(out.error().code(), Code::kUnauthenticated) << offset;
    EXPECT_EQ(out.error().message(), kWrongPassphrase) << offset;
  }
  // A truncated tag (a byte missing at the end) also fails authentication.
  std::string truncated = Tamper(text, [](std::string& raw) { raw.pop_back(); });
  EXPECT_EQ(DecryptSecret(truncated, kPw, kDbKey).error().message(), kWrongPassphrase);
  // Relabelling v2 bytes as v1 (to drop the binding) fails too: another key derivation.
  std::string relabelled = "v1:" + text.substr(3);
  EXPECT_EQ(DecryptSecret(relabelled, kPw, kDbKey).error().message(), kWrongPassphrase);
}

TEST(CryptoTest, MalformedTextNamesTheProblem) {
  EXPECT_EQ(DecryptSecret("AAAA", kPw, kDbKey).error().message(),
            "malformed secret: expected text starting with \"v2:\" (or \"v1:\")");
  EXPECT_EQ(DecryptSecret("v3:AAAA", kPw, kDbKey).error().message(),
            "malformed secret: a v3 value is sealed with a data key (secretsProvider "
            "awskms://...), not with a passphrase");
  EXPECT_EQ(DecryptSecret("v4:AAAA", kPw, kDbKey).error().message(),
            "malformed secret: unknown format version \"v4\"; this rex reads v1, v2 and v3");
  EXPECT_EQ(DecryptSecret("v2:not*base64", kPw, kDbKey).error().message(),
            "malformed secret: invalid base64: length 10 is not a multiple of 4");
  EXPECT_EQ(DecryptSecret("v1:AAAA", kPw, kDbKey).error().message(),
            "malformed secret: 3 bytes after base64 decoding, at least 44 expected");
  EXPECT_EQ(DecryptSecret("v2:AAAA", kPw, kDbKey).error().code(), Code::kInvalidArgument);
}

// --- v3: sealed with a data key (secretsProvider awskms://)

const std::string kDataKey(kDataKeySize, '\x5a');
const std::string kV3Db = DataKeyBinding("dev", "dbMasterPassword");

TEST(CryptoTest, V3BindingNamesStackAndKey) {
  EXPECT_EQ(DataKeyBinding("prod", "githubToken"), "rex|v3|prod|githubToken");
}

TEST(CryptoTest, V3RoundTripsWithTheDocumentedLayoutAndNoScrypt) {
  size_t derivations = SecretKeyDerivations();
  Result<std::string> text = EncryptSecretWithDataKey("hunter2-is-not-a-password", kDataKey, kV3Db);
  ASSERT_TRUE(text.ok()) << text.error().ToString();
  ASSERT_EQ(text->substr(0, 3), "v3:");
  EXPECT_EQ(SecretVersion(*text), 3);
  std::string raw = Base64Decode(std::string_view(*text).substr(3)).value();
  EXPECT_EQ(raw.size(), kSecretNonceSize + 25 + kSecretTagSize);  // no salt
  EXPECT_EQ(DecryptSecretWithDataKey(*text, kDataKey, kV3Db).value(), "hunter2-is-not-a-password");
  // The layout is plain AES-256-GCM with the binding as associated data.
  EXPECT_EQ(AesGcmOpen(kDataKey, kV3Db, raw).value(), "hunter2-is-not-a-password");
  EXPECT_TRUE(CheckSecretFormat(*text).ok());
  EXPECT_EQ(SecretKeyDerivations(), derivations);
  EXPECT_NE(EncryptSecretWithDataKey("same", kDataKey, kV3Db).value(),
            EncryptSecretWithDataKey("same", kDataKey, kV3Db).value());
}

TEST(CryptoTest, V3FailsUnderAnotherDataKeyStackKeyOrAnyChange) {
  std::string text = EncryptSecretWithDataKey("value", kDataKey, kV3Db).value();
  std::string other_key(kDataKeySize, '\x5b');
  EXPECT_EQ(DecryptSecretWithDataKey(text, other_key, kV3Db).error().code(),
            Code::kUnauthenticated);
  EXPECT_EQ(DecryptSecretWithDataKey(text, other_key, kV3Db).error().message(),
            "wrong data key or corrupted value");
  EXPECT_EQ(DecryptSecretWithDataKey(text, kDataKey, DataKeyBinding("prod", "dbMasterPassword"))
                .error()
                .code(),
            Code::kUnauthenticated);
  EXPECT_EQ(
      DecryptSecretWithDataKey(text, kDataKey, DataKeyBinding("dev", "githubToken")).error().code(),
      Code::kUnauthenticated);
  // The v2 binding of the same stack and key is not the v3 one.
  EXPECT_EQ(DecryptSecretWithDataKey(text, kDataKey, SecretBinding("dev", "dbMasterPassword"))
                .error()
                .code(),
            Code::kUnauthenticated);
  for (size_t i : {size_t{0}, kSecretNonceSize, kSecretNonceSize + 5}) {
    std::string tampered = Tamper(text, [i](std::string& raw) { raw[i] ^= 1; });
    EXPECT_EQ(DecryptSecretWithDataKey(tampered, kDataKey, kV3Db).error().code(),
              Code::kUnauthenticated)
        << i;
  }
}

TEST(CryptoTest, V3AndPassphraseFormatsAreNotMixedUp) {
  std::string v2 = EncryptSecret("value", kPw, kDbKey).value();
  EXPECT_EQ(DecryptSecretWithDataKey(v2, kDataKey, kV3Db).error().message(),
            "malformed secret: a v2 value is sealed with a passphrase (secretsProvider "
            "passphrase), not with a data key");
  std::string v3 = EncryptSecretWithDataKey("value", kDataKey, kV3Db).value();
  EXPECT_EQ(DecryptSecret(v3, kPw, kDbKey).error().code(), Code::kInvalidArgument);
  EXPECT_EQ(SecretVersion(v2), 2);
  EXPECT_EQ(SecretVersion("v9:AAAA"), 0);
  EXPECT_TRUE(CheckSecretFormat(v2).ok());
  EXPECT_EQ(CheckSecretFormat("v3:AAAA").message(),
            "malformed secret: 3 bytes after base64 decoding, at least 28 expected");
  EXPECT_EQ(CheckSecretFormat("v3:*").code(), Code::kInvalidArgument);
}

TEST(CryptoTest, V3RefusesADataKeyOfTheWrongSize) {
  Result<std::string> text = EncryptSecretWithDataKey("value", std::string(16, 'k'), kV3Db);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.error().message(), "the data key is 16 bytes; a v3 secret needs one of 32");
  std::string good = EncryptSecretWithDataKey("value", kDataKey, kV3Db).value();
  EXPECT_EQ(DecryptSecretWithDataKey(good, "", kV3Db).error().code(), Code::kUnauthenticated);
  EXPECT_EQ(RandomBytes(kDataKeySize).value().size(), kDataKeySize);
  EXPECT_NE(RandomBytes(kDataKeySize).value(), RandomBytes(kDataKeySize).value());
}

TEST(CryptoTest, V1IsStillReadAndIgnoresTheBinding) {
  std::string v1 = EncryptSecretV1ForTesting("legacy value", "short").value();
  EXPECT_TRUE(IsLegacySecret(v1));
  EXPECT_EQ(v1.substr(0, 3), "v1:");
  EXPECT_EQ(DecryptSecret(v1, "short", kDbKey).value(), "legacy value");
  EXPECT_EQ(DecryptSecret(v1, "short", "").value(), "legacy value");
  EXPECT_EQ(DecryptSecret(v1, "shorT", kDbKey).error().code(), Code::kUnauthenticated);
}

// Values sealed elsewhere decrypt: v1 and v2 computed independently (Python's hashlib.scrypt
// and the cryptography package's AESGCM, salt 00..0f, nonce 64..6f), and a v2 value written
// by `rex config set dbMasterPassword --secret` of bab8ce1 (before AES-GCM moved into
// AesGcmSeal/AesGcmOpen). So the stored format is unchanged.
TEST(CryptoTest, DecryptsValuesSealedByOtherImplementationsAndOlderRex) {
  EXPECT_EQ(
      DecryptSecret("v1:AAECAwQFBgcICQoLDA0OD2RlZmdoaWprbG1ubyzvddWrWt+MnmxHxy0q8EmLDV4oka5h3qVYpY2"
                    "jjh5vDYk=",
                    "legacy passphrase", kDbKey)
          .value(),
      "value sealed by v1");
  EXPECT_EQ(
      DecryptSecret("v2:AAECAwQFBgcICQoLDA0OD2RlZmdoaWprbG1ub2xTyLftDJWRB+8HJ+ulsrEXj77qjHd1q0uoU"
                    "Vg1lXtqk54=",
                    "a team passphrase", kDbKey)
          .value(),
      "value sealed by v2");
  EXPECT_EQ(
      DecryptSecret("v2:wc4oeqBG3T3FYK1jmuXivBPrhzbgarp1tt4IVsjJ2+HLYCD/kgNwr+Zzsn4/vPxsqFV8kfUcJ"
                    "Y9/KJsXkOqAGw==",
                    "compat test passphrase", kDbKey)
          .value(),
      "Old-Secret-Value-123");
}

TEST(CryptoTest, ReusingASaltDerivesTheKeyOnce) {
  std::string first = EncryptSecret("one", "cache-test-passphrase", kDbKey).value();
  std::string salt = SecretSalt(first).value();
  ASSERT_EQ(salt.size(), kSecretSaltSize);
  size_t before = SecretKeyDerivations();
  std::string second = EncryptSecret("two", "cache-test-passphrase", kDbKey, salt).value();
  EXPECT_EQ(DecryptSecret(first, "cache-test-passphrase", kDbKey).value(), "one");
  EXPECT_EQ(DecryptSecret(second, "cache-test-passphrase", kDbKey).value(), "two");
  EXPECT_EQ(SecretKeyDerivations(), before);
  EXPECT_EQ(SecretSalt(second).value(), salt);
  // Another passphrase with the same salt is a different key.
  EXPECT_FALSE(DecryptSecret(second, "other-passphrase", kDbKey).ok());
  EXPECT_EQ(SecretKeyDerivations(), before + 1);
  // v1 with the same salt and passphrase is another key too (N differs): not taken from the cache.
  std::string v1 = EncryptSecretV1ForTesting("three", "cache-test-passphrase", salt).value();
  EXPECT_EQ(SecretKeyDerivations(), before + 2);
  EXPECT_EQ(DecryptSecret(v1, "cache-test-passphrase", kDbKey).value(), "three");
}

TEST(CryptoTest, RejectsBadArguments) {
  EXPECT_EQ(EncryptSecret("x", "", kDbKey).error().message(),
            "the passphrase is 0 characters long; secrets need one of at least 12 characters");
  EXPECT_EQ(EncryptSecret("x", "eleven char", kDbKey).error().message(),
            "the passphrase is 11 characters long; secrets need one of at least 12 characters");
  EXPECT_TRUE(EncryptSecret("x", "twelve chars", kDbKey).ok());
  EXPECT_EQ(EncryptSecret("x", kPw, kDbKey, "short").error().message(),
            "salt must be 16 bytes, got 5");
}

TEST(CryptoTest, WipeStringZeroesAndClears) {
  std::string s = "plaintext";
  WipeString(s);
  EXPECT_TRUE(s.empty());
}

// Reports the cost of one v2 derivation (N = 2^17) on this machine; no timed assert.
TEST(CryptoTest, V2DerivationCost) {
  size_t before = SecretKeyDerivations();
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(EncryptSecret("x", "derivation cost passphrase", kDbKey).ok());
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  start)
                .count();
  EXPECT_EQ(SecretKeyDerivations(), before + 1);
  std::cout << "one v2 key derivation (scrypt N=2^17, r=8, p=1): " << ms << " ms\n";
}

}  // namespace
}  // namespace rex::base
