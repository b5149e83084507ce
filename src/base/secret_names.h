#pragma once

// Whether a variable name reads like a secret's: the one list of secret words, shared by
// `rex check` (template/checks.h, rule ecs-plaintext-secret) and the stack's record of the
// scanner findings it accepts (stack/accepted.h: a task definition's environment is accepted
// as non-secret only when no name reads like a secret's). Pure.

#include <string_view>

namespace rex::base {

// True if one of the words of `name` (split at "_", "-", "." and camelCase humps) is a secret
// word (PASSWORD, PASSWD, PWD, SECRET, SECRETS, TOKEN, APIKEY, CREDENTIAL, CREDENTIALS,
// PRIVATEKEY), or two adjacent words make one (API_KEY, PRIVATE_KEY, SECRET_KEY, ACCESS_KEY).
// Case-insensitive.
bool LooksLikeSecretName(std::string_view name);

}  // namespace rex::base
