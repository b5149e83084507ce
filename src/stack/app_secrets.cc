#include "stack/app_secrets.h"

#include <utility>

#include "base/check.h"
#include "core/stack.h"

namespace rex::stack {

namespace secretsmanager = cfn::secretsmanager;

AppSecrets::AppSecrets(core::Construct& scope, std::string id, AppSecretsProps props)
    : core::Construct(scope, std::move(id)) {
  REX_CHECK(props.config != nullptr);
  REX_CHECK(stack() != nullptr);
  const config::Config& config = *props.config;
  const std::string prefix = config.project_name + "-" + config.environment;

  secretsmanager::CfnSecretProps api_key{
      .description = "SuperTokens API key of " + prefix,
      .name = prefix + "/supertokens/api-key",
  };
  if (config.supertokens_api_key.is_set()) {
    // The config's one rule (a sealed value was checked when it was set); never the value.
    if (!config.supertokens_api_key.is_sealed()) {
      std::string problem =
          config::SecretProblem("supertokensApiKey", config.supertokens_api_key.Reveal());
      if (!problem.empty()) AddError(problem);
    }
    auto& parameter = stack()->Add<core::Parameter>(
        kSupertokensApiKeyParameter,
        core::ParameterProps{
            .description = "SuperTokens API key (rex passes supertokensApiKey from the config)",
            .no_echo = true,
            .min_length = 20,
        });
    api_key.secret_string = parameter.Ref();
  } else {
    api_key.generate_secret_string = secretsmanager::CfnSecret::GenerateSecretString{
        .exclude_punctuation = true,
        .password_length = 32,
    };
  }
  api_key_ = &Add<secretsmanager::CfnSecret>("SupertokensApiKey", std::move(api_key));
  // Explicit Delete: the key is regenerated or re-supplied by a new stack, and a retained
  // secret with this fixed name would block that stack.
  api_key_->set_deletion_policy(core::DeletionPolicy::kDelete);
  api_key_->set_update_replace_policy(core::DeletionPolicy::kDelete);

  if (config.github_token.is_set()) {
    github_token_ = &stack()->Add<core::Parameter>(
        kGithubTokenParameter,
        core::ParameterProps{
            .description = "GitHub token Amplify uses to connect the frontend repository (rex "
                           "passes githubToken from the config)",
            .no_echo = true,
            .min_length = 1,
        });
  }
}

std::optional<core::Str> AppSecrets::github_token() const {
  if (github_token_ == nullptr) return std::nullopt;
  return github_token_->Ref();
}

}  // namespace rex::stack
