#pragma once

// The parts of `rex secrets rotate` that talk to AWS without deploying (the CLI composes them
// with `rex up` for a config-held value, cli/cmd_secrets.cc):
//
//   1. what can be rotated (RotatableSecrets) and where its value lives in the deployed stack
//      (the secret's physical id, an ARN, found by the logical id the stack layer gives it);
//   2. a new value (NewSecretValue: letters and digits from the system's CSPRNG);
//   3. which services read the secret (ServicesReadingSecret: the services of the deployed
//      template whose task definition names the secret in a container's Secrets), so that
//      their tasks, which read secrets only when they start, are replaced (ops/redeploy.h);
//   4. Secrets Manager: the new value as AWSCURRENT (PutNewValue) and, once every reader
//      runs it, the old value's AWSPREVIOUS label removed (RetirePreviousValue): a version
//      without labels is no longer read by anything and Secrets Manager deletes it.
//
// No function here prints, logs or returns a secret value, and no error message holds one.

#include <string>
#include <string_view>
#include <vector>

#include "aws/secretsmanager.h"
#include "base/json.h"
#include "base/result.h"
#include "ops/session.h"
#include "ops/stack_info.h"

namespace rex::ops {

struct RotatableSecret {
  std::string key;         // the config key: "supertokensApiKey"
  std::string logical_id;  // its AWS::SecretsManager::Secret: "SecretsSupertokensApiKey"
  std::string what;        // for messages: "the SuperTokens API key"
};

// Every secret `rex secrets rotate` knows, in the order its help lists them.
const std::vector<RotatableSecret>& RotatableSecrets();

// The entry for `key` (the "rex-backend:" prefix is accepted); kInvalidArgument naming `key`
// and listing what can be rotated otherwise.
base::Result<RotatableSecret> FindRotatableSecret(std::string_view key);

// `length` characters of [A-Za-z0-9], uniformly (rejection sampling over RandomBytes).
// kInternal if the CSPRNG fails.
base::Result<std::string> NewSecretValue(size_t length = 40);

// A fresh ClientRequestToken for PutSecretValue (36 characters, hex in UUID form).
base::Result<std::string> NewRequestToken();

// The names (StackInfo::services keys) of the services of `tmpl` (the deployed template)
// whose task definition reads the secret `secret_logical_id`: a Ref, Fn::GetAtt or Fn::Sub of
// it anywhere in a container definition's Secrets. Sorted. Pure.
std::vector<std::string> ServicesReadingSecret(const base::Json& tmpl, const StackInfo& stack,
                                               std::string_view secret_logical_id);

// GetTemplate of the stack, then ServicesReadingSecret. AWS errors with context "read the
// template of stack <name>".
base::Result<std::vector<std::string>> FindSecretReaders(Session& session, const StackInfo& stack,
                                                         std::string_view secret_logical_id);

// PutSecretValue of `value` as AWSCURRENT under `token` (the old value's version gets
// AWSPREVIOUS). Returns the new version's id.
base::Result<std::string> PutNewValue(aws::SecretsManagerClient& secrets,
                                      const std::string& secret_arn, const std::string& value,
                                      const std::string& token);

// Removes AWSPREVIOUS from the version that carries it, if any; returns whether one did.
base::Result<bool> RetirePreviousValue(aws::SecretsManagerClient& secrets,
                                       const std::string& secret_arn);

}  // namespace rex::ops
