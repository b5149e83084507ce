#include "cli/secrets_kms.h"

#include <map>
#include <memory>
#include <mutex>

#include "aws/endpoints.h"
#include "aws/env.h"
#include "aws/kms.h"
#include "aws/retry.h"
#include "base/crypto.h"
#include "base/encoding.h"
#include "base/files.h"
#include "cli/progress.h"
#include "config/loader.h"

namespace rex::cli {
namespace {

// One KMS client for a command, opened on first use.
class KmsAccess {
 public:
  // `yaml_text` of `source`: its region decides the session's, read on the first KMS call only.
  KmsAccess(const Context& ctx, std::string_view yaml_text, std::string_view source)
      : ctx_(ctx), text_(yaml_text), source_(source) {}
  ~KmsAccess() {
    for (auto& [id, key] : data_keys_) base::WipeString(key);
  }
  KmsAccess(const KmsAccess&) = delete;
  KmsAccess& operator=(const KmsAccess&) = delete;

  base::Result<std::string> Decrypt(std::string_view kms_key, std::string_view encrypted) {
    std::lock_guard<std::mutex> lock(mu_);
    std::string id = std::string(kms_key) + "\n" + std::string(encrypted);
    if (auto it = data_keys_.find(id); it != data_keys_.end()) return it->second;
    REX_ASSIGN_OR_RETURN(config::KmsProvider provider, config::ParseKmsKey(kms_key));
    auto blob = base::Base64Decode(encrypted);
    if (!blob.ok()) {
      return base::InvalidArgument("encryptedDataKey is not base64: " + blob.error().message());
    }
    REX_ASSIGN_OR_RETURN(aws::KmsClient * kms, Client(provider));
    REX_ASSIGN_OR_RETURN(
        std::string plain,
        kms->Decrypt(provider.key, *blob, config::KmsEncryptionContext(ctx_.global.stack)));
    if (plain.size() != base::kDataKeySize) {
      base::WipeString(plain);
      return base::InvalidArgument("encryptedDataKey decrypts to " + std::to_string(plain.size()) +
                                   " bytes, not a " + std::to_string(base::kDataKeySize) +
                                   "-byte data key; it was not written by rex");
    }
    data_keys_.emplace(id, plain);
    return plain;
  }

  base::Result<config::NewDataKey> Generate(std::string_view kms_key) {
    std::lock_guard<std::mutex> lock(mu_);
    REX_ASSIGN_OR_RETURN(config::KmsProvider provider, config::ParseKmsKey(kms_key));
    REX_ASSIGN_OR_RETURN(aws::KmsClient * kms, Client(provider));
    REX_ASSIGN_OR_RETURN(
        aws::KmsDataKey made,
        kms->GenerateDataKey(provider.key, config::KmsEncryptionContext(ctx_.global.stack)));
    return config::NewDataKey{std::move(made.plaintext), base::Base64Encode(made.ciphertext)};
  }

 private:
  base::Result<aws::KmsClient*> Client(const config::KmsProvider& provider) {
    if (!session_) {
      auto config = config::LoadText(text_, source_, config::Env{}, /*decrypt=*/false);
      config::Config stack = config.ok() ? std::move(config).value() : config::Config{};
      REX_ASSIGN_OR_RETURN(session_, OpenAwsSession(ctx_, &stack));
    }
    std::string region = provider.region.empty() ? session_->region : provider.region;
    auto& client = clients_[region];
    if (!client) {
      auto getenv = ctx_.io.getenv;
      aws::EnvLookup env = [getenv](const std::string& name) -> std::optional<std::string> {
        if (!getenv) return std::nullopt;
        return getenv(name);
      };
      REX_ASSIGN_OR_RETURN(aws::RetryOptions retry, aws::RetryOptionsFromEnvironment(env));
      REX_ASSIGN_OR_RETURN(aws::Endpoint endpoint,
                           aws::ResolveEndpoint("kms", {.region = region,
                                                        .endpoint_url = ctx_.global.endpoint_url}));
      client = std::make_unique<aws::KmsClient>(std::move(endpoint), session_->credentials.get(),
                                                *session_->transport, *session_->clock, retry);
    }
    return client.get();
  }

  const Context& ctx_;
  const std::string text_;
  const std::string source_;
  std::mutex mu_;
  std::unique_ptr<AwsSession> session_;
  std::map<std::string, std::unique_ptr<aws::KmsClient>> clients_;
  std::map<std::string, std::string> data_keys_;
};

std::shared_ptr<KmsAccess> AccessFor(const Context& ctx, std::string_view yaml_text,
                                     std::string_view source) {
  return std::make_shared<KmsAccess>(ctx, yaml_text, source);
}

}  // namespace

void UseKmsForSecrets(const Context& ctx, std::string_view yaml_text, std::string_view source,
                      config::Env& env) {
  auto access = AccessFor(ctx, yaml_text, source);
  env.decrypt_data_key = [access](std::string_view kms_key, std::string_view encrypted) {
    return access->Decrypt(kms_key, encrypted);
  };
}

config::Env SecretsEnvFor(const Context& ctx, const std::string& path) {
  config::Env env;
  if (ctx.io.getenv) {
    auto passphrase = ctx.io.getenv(config::kPassphraseEnvVar);
    if (passphrase.has_value() && !passphrase->empty()) env.config_passphrase = passphrase;
  }
  env.warn = [&ctx](const std::string& message) { ctx.PrintWarning(message); };
  auto text = base::ReadFile(path);
  if (text.ok()) UseKmsForSecrets(ctx, *text, path, env);
  return env;
}

config::GenerateDataKeyFn KmsDataKeyMaker(const Context& ctx, std::string_view yaml_text,
                                          std::string_view source) {
  auto access = AccessFor(ctx, yaml_text, source);
  return [access](std::string_view kms_key) { return access->Generate(kms_key); };
}

}  // namespace rex::cli
