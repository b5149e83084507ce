#pragma once

// The awskms:// secrets provider's AWS side for the commands (config/secrets_provider.h says
// what it is): KMS Decrypt of a stack config's encryptedDataKey (config::Env::decrypt_data_key)
// and KMS GenerateDataKey for `rex config change-secrets-provider`, both under the encryption
// context {"rex:stack": "<--stack>"}.
//
// KMS is reached with the session every AWS command uses (cli/progress.h OpenAwsSession:
// region, credentials, --profile, --endpoint-url, retries, timeouts), opened on the first call
// only: a file with the passphrase provider, or without secrets, makes no AWS call. The KMS
// region is the provider's ("?region=", or the key ARN's), else the stack's. The data key is
// asked once per process and wiped at exit; it never appears in a message.
//
// Offline commands (synth, cost, check, graph, offline preview) do not install the hook: they
// read secrets sealed and never call KMS.

#include <string>
#include <string_view>

#include "cli/command.h"
#include "config/config.h"
#include "config/secrets_provider.h"

namespace rex::cli {

// Installs env.decrypt_data_key for the stack config text `yaml_text` of ctx.global.stack. The
// text is read again (without decrypting) only when KMS is first called, for the stack's
// region; the hook costs nothing for a file that never asks it.
void UseKmsForSecrets(const Context& ctx, std::string_view yaml_text, std::string_view source,
                      config::Env& env);

// The loader's environment for the stack config file `path` (read now for its provider): the
// passphrase from REX_CONFIG_PASSPHRASE, warnings through ctx, and KMS (UseKmsForSecrets) for a
// file whose secretsProvider is awskms:// (asked only when a secret is decrypted or sealed).
config::Env SecretsEnvFor(const Context& ctx, const std::string& path);

// GenerateDataKey for ChangeSecretsProvider, for the same stack config.
config::GenerateDataKeyFn KmsDataKeyMaker(const Context& ctx, std::string_view yaml_text,
                                          std::string_view source);

}  // namespace rex::cli
