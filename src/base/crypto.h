#pragma once

// Encryption of config secrets (OpenSSL adapter).
//
// Stored text format, version 1:
//
//     v1:<base64( salt[16] | nonce[12] | ciphertext[n] | tag[16] )>
//
// - key   = scrypt(passphrase, salt, N = 2^15, r = 8, p = 1) -> 32 bytes (32 MiB of memory,
//           about 90 ms per derivation on a 2-core build machine);
// - value = AES-256-GCM(key, nonce, plaintext), no additional authenticated data, 16-byte tag.
// Base64 is the standard padded alphabet. The "v1" prefix fixes every parameter above; a
// future format with other parameters gets a new prefix, and old values stay readable.
//
// Thread-safety: every function may be called from any thread. Derived keys are cached per
// (passphrase, salt) for the life of the process, so decrypting many values that share a salt
// derives the key once; cached keys are wiped (OPENSSL_cleanse) at exit.

#include <string>
#include <string_view>

#include "base/result.h"

namespace rex::base {

inline constexpr size_t kSecretSaltSize = 16;
inline constexpr size_t kSecretNonceSize = 12;
inline constexpr size_t kSecretTagSize = 16;

// Encrypts `plaintext` under a key derived from `passphrase` and returns the "v1:..." text.
// `salt` must be empty (a fresh random salt is drawn) or exactly kSecretSaltSize bytes (reuse the
// salt of values already in the same file, so loading it derives the key once; the nonce is
// always fresh, which keeps reuse of the key safe). kInvalidArgument for an empty passphrase or
// a salt of the wrong size; kInternal if OpenSSL fails.
Result<std::string> EncryptSecret(std::string_view plaintext, std::string_view passphrase,
                                  std::string_view salt = {});

// Decrypts text made by EncryptSecret.
// - kInvalidArgument "malformed secret: ..." naming what is wrong when `text` is not v1 text
//   (missing or unknown version prefix, bad base64, too short);
// - kUnauthenticated "wrong passphrase or corrupted value" when the tag does not verify: a
//   wrong passphrase or any change to salt, nonce, ciphertext or tag. Never returns garbage.
Result<std::string> DecryptSecret(std::string_view text, std::string_view passphrase);

// The salt stored in v1 text (kSecretSaltSize bytes), for EncryptSecret's `salt`. Same
// kInvalidArgument errors as DecryptSecret for malformed text.
Result<std::string> SecretSalt(std::string_view text);

// Number of scrypt derivations performed by this process so far (cache misses); for tests.
size_t SecretKeyDerivations();

}  // namespace rex::base
