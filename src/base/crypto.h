#pragma once

// Encryption of config secrets (OpenSSL adapter).
//
// Stored text format, version 2 (written by EncryptSecret):
//
//     v2:<base64( salt[16] | nonce[12] | ciphertext[n] | tag[16] )>
//
// - key   = scrypt(passphrase, salt, N = 2^17, r = 8, p = 1) -> 32 bytes (128 MiB of memory,
//           about 0.7 s per derivation on a busy 2-core build machine, once per salt; see
//           CryptoTest.V2DerivationCost);
// - value = AES-256-GCM(key, nonce, plaintext) with the associated data
//           "rex|v2|<stack>|<key>" (SecretBinding), 16-byte tag. A value therefore decrypts
//           only under the stack and key it was written for: swapping two values in a file,
//           or copying one to another stack file, fails authentication.
// - passphrases shorter than kMinPassphraseLength are refused when encrypting.
//
// Version 3 (secretsProvider awskms://, EncryptSecretWithDataKey / DecryptSecretWithDataKey):
//
//     v3:<base64( nonce[12] | ciphertext[n] | tag[16] )>
//
// - key   = a random 32-byte data key (no salt, no scrypt): KMS GenerateDataKey makes it, the
//           file keeps it encrypted by KMS (config encryptedDataKey), KMS Decrypt gives it back;
// - value = AES-256-GCM(key, nonce, plaintext) with the associated data
//           "rex|v3|<stack>|<key>" (DataKeyBinding), 16-byte tag: bound like v2.
// A v3 value is not read with a passphrase (DecryptSecret refuses it) nor v1/v2 with a data key.
//
// Version 1 (read only, DecryptSecret; IsLegacySecret tells it apart):
//
//     v1:<base64( salt[16] | nonce[12] | ciphertext[n] | tag[16] )>
//
// with scrypt N = 2^15 and no associated data (not bound to a stack or key). Callers warn
// when they read one and rewrite it as v2 when they next write the file.
// Base64 is the standard padded alphabet. The version prefix fixes every parameter above.
//
// Thread-safety: every function may be called from any thread. Derived keys are cached per
// (version, passphrase, salt) for the life of the process, so decrypting many values that
// share a salt derives the key once; cached keys are wiped (OPENSSL_cleanse) at exit.

#include <string>
#include <string_view>

#include "base/result.h"

namespace rex::base {

inline constexpr size_t kSecretSaltSize = 16;
inline constexpr size_t kSecretNonceSize = 12;
inline constexpr size_t kSecretTagSize = 16;
// The shortest passphrase EncryptSecret accepts, in bytes.
inline constexpr size_t kMinPassphraseLength = 12;

// The associated data of a v2 value stored under `key` of stack `stack`:
// "rex|v2|<stack>|<key>".
std::string SecretBinding(std::string_view stack, std::string_view key);

// Encrypts `plaintext` under a key derived from `passphrase`, bound to `binding` (see
// SecretBinding), and returns the "v2:..." text.
// `salt` must be empty (a fresh random salt is drawn) or exactly kSecretSaltSize bytes (reuse the
// salt of values already in the same file, so loading it derives the key once; the nonce is
// always fresh, which keeps reuse of the key safe). kInvalidArgument for a passphrase shorter
// than kMinPassphraseLength (the message says how long it must be) or a salt of the wrong size;
// kInternal if OpenSSL fails.
Result<std::string> EncryptSecret(std::string_view plaintext, std::string_view passphrase,
                                  std::string_view binding, std::string_view salt = {});

// Decrypts v2 text made by EncryptSecret with the same `binding`, or v1 text (whose binding is
// ignored: v1 has none).
// - kInvalidArgument "malformed secret: ..." naming what is wrong when `text` is neither
//   (missing or unknown version prefix, bad base64, too short);
// - kUnauthenticated "wrong passphrase or corrupted value" when the tag does not verify: a
//   wrong passphrase, a v2 value read under another binding, or any change to salt, nonce,
//   ciphertext or tag. Never returns garbage.
Result<std::string> DecryptSecret(std::string_view text, std::string_view passphrase,
                                  std::string_view binding);

// The size of a v3 data key, in bytes (AES-256).
inline constexpr size_t kDataKeySize = 32;

// The associated data of a v3 value stored under `key` of stack `stack`:
// "rex|v3|<stack>|<key>".
std::string DataKeyBinding(std::string_view stack, std::string_view key);

// Encrypts `plaintext` under `data_key` (exactly kDataKeySize bytes), bound to `binding` (see
// DataKeyBinding), with a fresh random nonce, and returns the "v3:..." text. kInvalidArgument
// for a data key of another size (the message gives sizes, never bytes); kInternal if OpenSSL
// fails.
Result<std::string> EncryptSecretWithDataKey(std::string_view plaintext, std::string_view data_key,
                                             std::string_view binding);

// Decrypts v3 text made by EncryptSecretWithDataKey with the same data key and binding.
// kInvalidArgument "malformed secret: ..." for text that is not v3 (a v1/v2 value says it is
// sealed with a passphrase) or too short; kUnauthenticated "wrong data key or corrupted value"
// when the tag does not verify. Never returns garbage.
Result<std::string> DecryptSecretWithDataKey(std::string_view text, std::string_view data_key,
                                             std::string_view binding);

// The format version of rex secret text: 1, 2 or 3 by its prefix; 0 for anything else.
int SecretVersion(std::string_view text);

// OK when `text` is well-formed secret text of version 1, 2 or 3 (prefix, base64, length);
// else the kInvalidArgument "malformed secret: ..." the matching decrypt function would give.
// Needs no key: for loading secrets sealed.
Status CheckSecretFormat(std::string_view text);

// AES-256-GCM of `plaintext` under `key` (kDataKeySize bytes) with associated data `aad` and a
// fresh random nonce: nonce[12] | ciphertext | tag[16] as raw bytes. The building block of v3,
// exposed for test doubles that must really encrypt (the fake KMS). kInvalidArgument for a key
// of another size.
Result<std::string> AesGcmSeal(std::string_view key, std::string_view aad,
                               std::string_view plaintext);
// The inverse of AesGcmSeal; kUnauthenticated when the tag does not verify (wrong key, wrong
// aad, any change), kInvalidArgument for a key of another size or input shorter than 28 bytes.
Result<std::string> AesGcmOpen(std::string_view key, std::string_view aad, std::string_view sealed);

// `n` cryptographically random bytes (RAND_bytes); kInternal if OpenSSL fails.
Result<std::string> RandomBytes(size_t n);

// True when `text` is in the v1 format (starts with "v1:").
bool IsLegacySecret(std::string_view text);

// The salt stored in v1 or v2 text (kSecretSaltSize bytes), for EncryptSecret's `salt`. Same
// kInvalidArgument errors as DecryptSecret for malformed text.
Result<std::string> SecretSalt(std::string_view text);

// Writes v1 text (scrypt N = 2^15, no associated data). Only for tests of the v1 reader and of
// the v1 -> v2 migration; rex itself never writes v1.
Result<std::string> EncryptSecretV1ForTesting(std::string_view plaintext,
                                              std::string_view passphrase,
                                              std::string_view salt = {});

// Overwrites the bytes of `s` with zeros (OPENSSL_cleanse, not optimised away) and clears it.
void WipeString(std::string& s);

// Number of scrypt derivations performed by this process so far (cache misses); for tests.
size_t SecretKeyDerivations();

}  // namespace rex::base
