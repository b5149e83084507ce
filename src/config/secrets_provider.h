#pragma once

// The secretsProvider key: what seals the secrets of a stack config file.
//
//   passphrase                 (default) v2 values under a key derived from
//                              REX_CONFIG_PASSPHRASE (base/crypto.h)
//   awskms://<KEY>[?region=R]  v3 values under a 32-byte data key; the file keeps that data key
//                              encrypted by the KMS key KEY (encryptedDataKey, base64 of KMS's
//                              CiphertextBlob), and KMS Decrypt gives it back to whoever IAM
//                              allows kms:Decrypt on KEY
//
// KEY is a key id ("1234abcd-12ab-34cd-56ef-1234567890ab", "mrk-<32 hex>"), a key ARN
// ("arn:aws:kms:<region>:<account>:key/<id>"), an alias ("alias/NAME") or an alias ARN. Like
// Pulumi's awskms provider, "?region=R" names the region of KMS to call (the key's region);
// without it the region is the one in the ARN, else the stack's. A region query that
// contradicts the ARN's region is refused.
//
// Both KMS calls carry the encryption context {"rex:stack": "<stack>"} (KmsEncryptionContext):
// a data key made for stack "prod" does not decrypt under "dev". The stack is the config file's
// name (config/loader.h StackOfSource); the CLI's Env::decrypt_data_key hook, which gets the
// provider's text after "awskms://" as `kms_key`, binds it from the --stack it serves.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "config/config.h"

namespace rex::config {

inline constexpr std::string_view kPassphraseProvider = "passphrase";
inline constexpr std::string_view kKmsScheme = "awskms://";

struct KmsProvider {
  std::string key;     // id, ARN, alias/NAME or alias ARN, as written
  std::string region;  // ?region=, else the ARN's region, else "" (the stack's)
};

// nullopt for "passphrase", the KMS key for "awskms://...". kInvalidArgument naming what is
// wrong and what is allowed ("secretsProvider: ..." is left to the caller).
base::Result<std::optional<KmsProvider>> ParseSecretsProvider(std::string_view text);

// The provider text after "awskms://" (what Env::decrypt_data_key gets as kms_key) parsed the
// same way.
base::Result<KmsProvider> ParseKmsKey(std::string_view kms_key);

// What the rule of secretsProvider says is allowed, for messages.
std::string SecretsProviderAllowed();

// True when `text` is allowed as secretsProvider / encryptedDataKey (standard base64 of at most
// 4 KiB of bytes, KMS's ciphertext limit is 6 KiB).
bool IsSecretsProvider(const std::string& text);
bool IsEncryptedDataKey(const std::string& text);

// {"rex:stack": stack}: the encryption context of both KMS calls.
std::map<std::string, std::string> KmsEncryptionContext(std::string_view stack);

// --- changing the provider (implemented with the other edits, config/edit.cc)

// A fresh data key: `plaintext` (kDataKeySize raw bytes; the caller wipes it) and `encrypted`,
// the base64 of KMS's CiphertextBlob for encryptedDataKey.
struct NewDataKey {
  std::string plaintext = "";
  std::string encrypted = "";
};
// Makes a data key with the KMS key `kms_key` (the provider's text after "awskms://"), under
// the stack's encryption context: KMS GenerateDataKey, done by the CLI.
using GenerateDataKeyFn = std::function<base::Result<NewDataKey>(std::string_view kms_key)>;

// The text of a config file whose secrets are re-sealed with `provider` ("passphrase" or
// "awskms://KEY"): every secret is decrypted with the file's current provider (env's
// passphrase or decrypt_data_key), sealed again with the new one (env.config_passphrase, at
// least base::kMinPassphraseLength characters; or a data key from `generate`), and
// secretsProvider / encryptedDataKey are written; the rest of the file is kept. The result is
// loaded back with the new key and must give every value unchanged. Errors: kInvalidArgument
// "<source>: secretsProvider: ..." for a provider that is not allowed or a missing passphrase;
// the current provider's load errors; the hook's errors with their codes (a key KMS denies
// stays kPermissionDenied).
base::Result<std::string> ChangeSecretsProvider(std::string_view yaml_text,
                                                std::string_view source_name,
                                                std::string_view provider, const Env& env,
                                                const GenerateDataKeyFn& generate);

// The file version: under the file's edit lock (as the other edits, config/config.h), written
// atomically; nothing is written on any error.
base::Status ChangeConfigFileSecretsProvider(const std::string& path, std::string_view provider,
                                             const Env& env, const GenerateDataKeyFn& generate);

}  // namespace rex::config
