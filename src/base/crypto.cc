#include "base/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>
#include <map>
#include <memory>
#include <mutex>

#include "base/encoding.h"

namespace rex::base {
namespace {

constexpr size_t kKeySize = 32;
constexpr uint64_t kScryptR = 8;
constexpr uint64_t kScryptP = 1;

// The parameters a version prefix fixes.
struct Format {
  int version;
  std::string_view prefix;
  uint64_t scrypt_n;
  uint64_t scrypt_maxmem;  // 128 * r * N plus headroom
  bool bound;              // associated data = the binding
};

// v1: N = 2^15 (32 MiB), no associated data. v2: N = 2^17 (128 MiB), bound to stack and key.
constexpr Format kV1{1, "v1:", uint64_t{1} << 15, uint64_t{64} << 20, false};
constexpr Format kV2{2, "v2:", uint64_t{1} << 17, uint64_t{256} << 20, true};

using Key = std::array<unsigned char, kKeySize>;

// Holds derived keys; wipes them when the process ends.
class KeyCache {
 public:
  ~KeyCache() {
    for (auto& [id, key] : keys_) OPENSSL_cleanse(key.data(), key.size());
  }

  // Returns the key for (format, passphrase, salt), deriving it on a miss. The lock is held
  // during derivation so two threads never derive the same key twice.
  bool Get(const Format& format, std::string_view passphrase, std::string_view salt, Key* out) {
    std::array<unsigned char, SHA256_DIGEST_LENGTH> id{};
    // The cache is indexed by a digest, not by the passphrase itself; the version is part of
    // it because v1 and v2 derive different keys from the same salt.
    std::string material;
    material.reserve(1 + salt.size() + passphrase.size());
    material.push_back(static_cast<char>(format.version));
    material.append(salt).append(passphrase);
    SHA256(reinterpret_cast<const unsigned char*>(material.data()), material.size(), id.data());
    OPENSSL_cleanse(material.data(), material.size());

    std::lock_guard<std::mutex> lock(mu_);
    auto it = keys_.find(id);
    if (it != keys_.end()) {
      *out = it->second;
      return true;
    }
    Key key{};
    if (EVP_PBE_scrypt(passphrase.data(), passphrase.size(),
                       reinterpret_cast<const unsigned char*>(salt.data()), salt.size(),
                       format.scrypt_n, kScryptR, kScryptP, format.scrypt_maxmem, key.data(),
                       key.size()) != 1) {
      return false;
    }
    ++derivations_;
    keys_.emplace(id, key);
    *out = key;
    OPENSSL_cleanse(key.data(), key.size());
    return true;
  }

  size_t derivations() {
    std::lock_guard<std::mutex> lock(mu_);
    return derivations_;
  }

 private:
  std::mutex mu_;
  std::map<std::array<unsigned char, SHA256_DIGEST_LENGTH>, Key> keys_;
  size_t derivations_ = 0;
};

KeyCache& Cache() {
  static KeyCache cache;  // destroyed at exit, which wipes the keys
  return cache;
}

// Wipes a key when it goes out of scope.
struct KeyGuard {
  Key key{};
  ~KeyGuard() { OPENSSL_cleanse(key.data(), key.size()); }
};

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

struct Parts {
  const Format* format = nullptr;
  std::string salt;
  std::string sealed;  // nonce, ciphertext and tag: what AesGcmOpen reads
};

// The derived key's bytes, as AesGcmSeal and AesGcmOpen take them.
std::string_view KeyBytes(const Key& key) {
  return {reinterpret_cast<const char*>(key.data()), key.size()};
}

Result<Parts> Parse(std::string_view text) {
  const Format* format = nullptr;
  for (const Format* f : {&kV1, &kV2}) {
    if (text.substr(0, f->prefix.size()) == f->prefix) format = f;
  }
  if (format == nullptr) {
    size_t colon = text.find(':');
    if (colon != std::string_view::npos && colon > 0 && colon <= 4 && text[0] == 'v') {
      if (text.substr(0, colon) == "v3") {
        return InvalidArgument(
            "malformed secret: a v3 value is sealed with a data key (secretsProvider "
            "awskms://...), not with a passphrase");
      }
      return InvalidArgument("malformed secret: unknown format version \"" +
                             std::string(text.substr(0, colon)) +
                             "\"; this rex reads v1, v2 and v3");
    }
    return InvalidArgument("malformed secret: expected text starting with \"v2:\" (or \"v1:\")");
  }
  Result<std::string> raw = Base64Decode(text.substr(format->prefix.size()));
  if (!raw.ok()) return InvalidArgument("malformed secret: " + raw.error().message());
  constexpr size_t kMin = kSecretSaltSize + kSecretNonceSize + kSecretTagSize;
  if (raw->size() < kMin) {
    return InvalidArgument("malformed secret: " + std::to_string(raw->size()) +
                           " bytes after base64 decoding, at least " + std::to_string(kMin) +
                           " expected");
  }
  std::string_view all = *raw;
  Parts parts;
  parts.format = format;
  parts.salt = all.substr(0, kSecretSaltSize);
  parts.sealed = all.substr(kSecretSaltSize);
  return parts;
}

Result<std::string> Encrypt(const Format& format, std::string_view plaintext,
                            std::string_view passphrase, std::string_view binding,
                            std::string_view salt) {
  std::string salt_bytes(salt);
  if (salt_bytes.empty()) {
    salt_bytes.resize(kSecretSaltSize);
    if (RAND_bytes(reinterpret_cast<unsigned char*>(salt_bytes.data()), kSecretSaltSize) != 1) {
      return Internal("RAND_bytes failed to produce a salt");
    }
  } else if (salt_bytes.size() != kSecretSaltSize) {
    return InvalidArgument("salt must be " + std::to_string(kSecretSaltSize) + " bytes, got " +
                           std::to_string(salt_bytes.size()));
  }
  KeyGuard key;
  if (!Cache().Get(format, passphrase, salt_bytes, &key.key))
    return Internal("scrypt key derivation failed");
  // v1 has no associated data; GCM with empty associated data is the same cipher.
  REX_ASSIGN_OR_RETURN(
      std::string sealed,
      AesGcmSeal(KeyBytes(key.key), format.bound ? binding : std::string_view(), plaintext));
  return std::string(format.prefix) + Base64Encode(salt_bytes + sealed);
}

constexpr std::string_view kV3Prefix = "v3:";

}  // namespace

Result<std::string> RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    return Internal("RAND_bytes failed to produce random bytes");
  }
  return out;
}

Result<std::string> AesGcmSeal(std::string_view key, std::string_view aad,
                               std::string_view plaintext) {
  if (key.size() != kDataKeySize) {
    return InvalidArgument("an AES-256 key must be " + std::to_string(kDataKeySize) +
                           " bytes, got " + std::to_string(key.size()));
  }
  REX_ASSIGN_OR_RETURN(std::string nonce, RandomBytes(kSecretNonceSize));
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return Internal("EVP_CIPHER_CTX_new failed");
  std::string ciphertext(plaintext.size(), '\0');
  std::string tag(kSecretTagSize, '\0');
  int len = 0;
  int aad_len = 0;
  int final_len = 0;
  if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kSecretNonceSize, nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, Bytes(key), Bytes(nonce)) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &aad_len, Bytes(aad), static_cast<int>(aad.size())) !=
          1 ||
      EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(ciphertext.data()), &len,
                        Bytes(plaintext), static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(ciphertext.data()) + len,
                          &final_len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kSecretTagSize, tag.data()) != 1) {
    WipeString(ciphertext);
    return Internal("AES-256-GCM encryption failed");
  }
  return nonce + ciphertext + tag;
}

Result<std::string> AesGcmOpen(std::string_view key, std::string_view aad,
                               std::string_view sealed) {
  if (key.size() != kDataKeySize) {
    return InvalidArgument("an AES-256 key must be " + std::to_string(kDataKeySize) +
                           " bytes, got " + std::to_string(key.size()));
  }
  constexpr size_t kMin = kSecretNonceSize + kSecretTagSize;
  if (sealed.size() < kMin) {
    return InvalidArgument(std::to_string(sealed.size()) + " bytes of sealed data, at least " +
                           std::to_string(kMin) + " expected");
  }
  std::string_view nonce = sealed.substr(0, kSecretNonceSize);
  std::string_view ciphertext = sealed.substr(kSecretNonceSize, sealed.size() - kMin);
  std::string tag(sealed.substr(sealed.size() - kSecretTagSize));
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return Internal("EVP_CIPHER_CTX_new failed");
  std::string plaintext(ciphertext.size(), '\0');
  int len = 0;
  int aad_len = 0;
  int final_len = 0;
  if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kSecretNonceSize, nullptr) != 1 ||
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, Bytes(key), Bytes(nonce)) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &aad_len, Bytes(aad), static_cast<int>(aad.size())) !=
          1 ||
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plaintext.data()), &len,
                        Bytes(ciphertext), static_cast<int>(ciphertext.size())) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kSecretTagSize, tag.data()) != 1) {
    WipeString(plaintext);
    return Internal("AES-256-GCM decryption failed to start");
  }
  if (EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plaintext.data()) + len,
                          &final_len) != 1) {
    WipeString(plaintext);
    return Unauthenticated("wrong key or corrupted value");
  }
  return plaintext;
}

std::string DataKeyBinding(std::string_view stack, std::string_view key) {
  return "rex|v3|" + std::string(stack) + "|" + std::string(key);
}

Result<std::string> EncryptSecretWithDataKey(std::string_view plaintext, std::string_view data_key,
                                             std::string_view binding) {
  if (data_key.size() != kDataKeySize) {
    return InvalidArgument("the data key is " + std::to_string(data_key.size()) +
                           " bytes; a v3 secret needs one of " + std::to_string(kDataKeySize));
  }
  REX_ASSIGN_OR_RETURN(std::string sealed, AesGcmSeal(data_key, binding, plaintext));
  return std::string(kV3Prefix) + Base64Encode(sealed);
}

namespace {

// The raw bytes of v3 text, or the "malformed secret" error.
Result<std::string> ParseV3(std::string_view text) {
  if (text.substr(0, kV3Prefix.size()) != kV3Prefix) {
    if (text.substr(0, 3) == "v1:" || text.substr(0, 3) == "v2:") {
      return InvalidArgument("malformed secret: a " + std::string(text.substr(0, 2)) +
                             " value is sealed with a passphrase (secretsProvider passphrase), "
                             "not with a data key");
    }
    return InvalidArgument("malformed secret: expected text starting with \"v3:\"");
  }
  Result<std::string> raw = Base64Decode(text.substr(kV3Prefix.size()));
  if (!raw.ok()) return InvalidArgument("malformed secret: " + raw.error().message());
  constexpr size_t kMin = kSecretNonceSize + kSecretTagSize;
  if (raw->size() < kMin) {
    return InvalidArgument("malformed secret: " + std::to_string(raw->size()) +
                           " bytes after base64 decoding, at least " + std::to_string(kMin) +
                           " expected");
  }
  return raw;
}

}  // namespace

Result<std::string> DecryptSecretWithDataKey(std::string_view text, std::string_view data_key,
                                             std::string_view binding) {
  REX_ASSIGN_OR_RETURN(std::string raw, ParseV3(text));
  if (data_key.size() != kDataKeySize) {
    return Unauthenticated("wrong data key or corrupted value");
  }
  Result<std::string> plain = AesGcmOpen(data_key, binding, raw);
  if (!plain.ok() && plain.error().code() == Code::kUnauthenticated) {
    return Unauthenticated("wrong data key or corrupted value");
  }
  return plain;
}

int SecretVersion(std::string_view text) {
  if (text.substr(0, 3) == "v1:") return 1;
  if (text.substr(0, 3) == "v2:") return 2;
  if (text.substr(0, 3) == "v3:") return 3;
  return 0;
}

Status CheckSecretFormat(std::string_view text) {
  if (SecretVersion(text) == 3) return ParseV3(text).status();
  return Parse(text).status();
}

std::string SecretBinding(std::string_view stack, std::string_view key) {
  return "rex|v2|" + std::string(stack) + "|" + std::string(key);
}

Result<std::string> EncryptSecret(std::string_view plaintext, std::string_view passphrase,
                                  std::string_view binding, std::string_view salt) {
  if (passphrase.size() < kMinPassphraseLength) {
    return InvalidArgument("the passphrase is " + std::to_string(passphrase.size()) +
                           " characters long; secrets need one of at least " +
                           std::to_string(kMinPassphraseLength) + " characters");
  }
  return Encrypt(kV2, plaintext, passphrase, binding, salt);
}

Result<std::string> EncryptSecretV1ForTesting(std::string_view plaintext,
                                              std::string_view passphrase, std::string_view salt) {
  if (passphrase.empty()) return InvalidArgument("the passphrase is empty");
  return Encrypt(kV1, plaintext, passphrase, {}, salt);
}

Result<std::string> DecryptSecret(std::string_view text, std::string_view passphrase,
                                  std::string_view binding) {
  REX_ASSIGN_OR_RETURN(Parts parts, Parse(text));
  if (passphrase.empty()) return Unauthenticated("wrong passphrase or corrupted value");
  const Format& format = *parts.format;
  KeyGuard key;
  if (!Cache().Get(format, passphrase, parts.salt, &key.key))
    return Internal("scrypt key derivation failed");
  Result<std::string> plain =
      AesGcmOpen(KeyBytes(key.key), format.bound ? binding : std::string_view(), parts.sealed);
  // The tag is checked there; on a mismatch nothing decrypted is returned.
  if (!plain.ok() && plain.error().code() == Code::kUnauthenticated) {
    return Unauthenticated("wrong passphrase or corrupted value");
  }
  return plain;
}

bool IsLegacySecret(std::string_view text) {
  return text.substr(0, kV1.prefix.size()) == kV1.prefix;
}

Result<std::string> SecretSalt(std::string_view text) {
  REX_ASSIGN_OR_RETURN(Parts parts, Parse(text));
  return parts.salt;
}

void WipeString(std::string& s) {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
  s.clear();
}

size_t SecretKeyDerivations() { return Cache().derivations(); }

}  // namespace rex::base
