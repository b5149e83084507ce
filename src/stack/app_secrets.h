#pragma once

#include <optional>
#include <string>

#include "cfn/secretsmanager.gen.h"
#include "config/config.h"
#include "core/construct.h"
#include "core/element.h"
#include "core/value.h"

namespace rex::stack {

struct AppSecretsProps {
  // The stack config; read during construction only (naming, supertokensApiKey,
  // githubToken). Required: a null config is a bug (REX_CHECK).
  const config::Config* config = nullptr;
};

// The application secrets that are not database credentials:
//
//   SupertokensApiKey  AWS::SecretsManager::Secret "<p>-<e>/supertokens/api-key", a plain
//                      string. Without supertokensApiKey, Secrets Manager generates it (32
//                      letters and digits: SuperTokens accepts only those, "=" and "-").
//                      With supertokensApiKey, the secret's SecretString is the Ref of a
//                      NoEcho stack parameter "SupertokensApiKey" (MinLength 20, what
//                      SuperTokens requires) that the deploy fills from the config.
//   GithubToken        when githubToken is set: a NoEcho stack parameter "GithubToken" for
//                      Amplify's AccessToken (Amplify uses the token once, to install its
//                      GitHub App, and does not store it; no Secrets Manager copy is kept).
//
// Values never appear in the template. The secret's DeletionPolicy and UpdateReplacePolicy
// are Delete. Parameters are added to the enclosing stack (so their
// logical ids are exactly the names above); this construct must be inside a stack.
// Errors (AddError on this construct): a configured supertokensApiKey that SuperTokens would
// refuse (fewer than 20 characters, or characters other than letters, digits, "=" and "-").
class AppSecrets : public core::Construct {
 public:
  static constexpr const char* kSupertokensApiKeyParameter = "SupertokensApiKey";
  static constexpr const char* kGithubTokenParameter = "GithubToken";

  AppSecrets(core::Construct& scope, std::string id, AppSecretsProps props);

  // ARN (Ref) of the SuperTokens API key secret (a plain string, for the API_KEYS variable of
  // SuperTokens and the api's SuperTokens client).
  core::Str supertokens_api_key_secret_arn() const { return api_key_->Ref(); }
  cfn::secretsmanager::CfnSecret& supertokens_api_key_secret() { return *api_key_; }
  // Ref of the GithubToken parameter when githubToken is set; nullopt otherwise.
  std::optional<core::Str> github_token() const;

 private:
  cfn::secretsmanager::CfnSecret* api_key_ = nullptr;
  core::Parameter* github_token_ = nullptr;
};

}  // namespace rex::stack
