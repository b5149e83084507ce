#include "config/secrets_provider.h"

#include <regex>

#include "base/encoding.h"
#include "base/strings.h"

namespace rex::config {

namespace {

bool Matches(std::string_view s, const char* pattern) {
  return std::regex_match(s.begin(), s.end(), std::regex(pattern));
}

constexpr const char* kRegion = "[a-z]{2}(-[a-z]+)+-[0-9]{1,2}";
constexpr const char* kKeyId =
    "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}";
constexpr const char* kAlias = "alias/[A-Za-z0-9/_-]{1,250}";

// The region of a KMS key or alias ARN, or "" when `key` is not an ARN; nullopt for a
// malformed ARN.
std::optional<std::string> ArnRegion(std::string_view key) {
  static const std::regex arn(std::string("arn:aws(-cn|-us-gov)?:kms:(") + kRegion +
                              "):[0-9]{12}:(key/(" + kKeyId + ")|" + kAlias + ")");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_match(key.begin(), key.end(), m, arn)) return std::nullopt;
  return m[2].str();
}

}  // namespace

std::string SecretsProviderAllowed() {
  return "\"passphrase\" or \"awskms://<KMS key id, key ARN, alias/NAME or alias ARN>\" with an "
         "optional \"?region=<region>\"";
}

base::Result<KmsProvider> ParseKmsKey(std::string_view kms_key) {
  KmsProvider out;
  std::string_view key = kms_key;
  std::string_view query;
  if (size_t q = kms_key.find('?'); q != std::string_view::npos) {
    key = kms_key.substr(0, q);
    query = kms_key.substr(q + 1);
  }
  out.key = std::string(key);
  if (key.empty()) {
    return base::InvalidArgument("awskms:// names no KMS key; use " + SecretsProviderAllowed());
  }
  std::string arn_region;
  if (base::StartsWith(key, "arn:")) {
    auto region = ArnRegion(key);
    if (!region) {
      return base::InvalidArgument("\"" + std::string(key.substr(0, 200)) +
                                   "\" is not a KMS key or alias ARN; use " +
                                   SecretsProviderAllowed());
    }
    arn_region = *region;
  } else if (!Matches(key, kKeyId) && !Matches(key, kAlias)) {
    return base::InvalidArgument("\"" + std::string(key.substr(0, 200)) +
                                 "\" is not a KMS key id, ARN or alias/NAME; use " +
                                 SecretsProviderAllowed());
  }
  out.region = arn_region;
  if (!query.empty() || kms_key.find('?') != std::string_view::npos) {
    if (!base::StartsWith(query, "region=") || !Matches(query.substr(7), kRegion)) {
      return base::InvalidArgument("\"?" + std::string(query.substr(0, 100)) +
                                   "\" is not allowed after the key: the only query is "
                                   "\"?region=<region>\", such as \"?region=us-west-2\"");
    }
    std::string region(query.substr(7));
    if (!arn_region.empty() && region != arn_region) {
      return base::InvalidArgument("?region=" + region + " contradicts the region of the ARN (" +
                                   arn_region + "); drop the query or make them agree");
    }
    out.region = region;
  }
  return out;
}

base::Result<std::optional<KmsProvider>> ParseSecretsProvider(std::string_view text) {
  if (text == kPassphraseProvider) return std::optional<KmsProvider>();
  if (!base::StartsWith(text, kKmsScheme)) {
    size_t scheme = text.find("://");
    std::string what = scheme == std::string_view::npos
                           ? "\"" + std::string(text.substr(0, 100)) + "\" is not a provider"
                           : "the scheme \"" +
                                 std::string(text.substr(0, std::min<size_t>(scheme, 40))) +
                                 "://\" is not supported";
    return base::InvalidArgument(what + "; use " + SecretsProviderAllowed());
  }
  REX_ASSIGN_OR_RETURN(KmsProvider provider, ParseKmsKey(text.substr(kKmsScheme.size())));
  return std::optional<KmsProvider>(std::move(provider));
}

bool IsSecretsProvider(const std::string& text) { return ParseSecretsProvider(text).ok(); }

bool IsEncryptedDataKey(const std::string& text) {
  if (text.size() > 8192) return false;
  auto raw = base::Base64Decode(text);
  return raw.ok() && !raw->empty();
}

std::map<std::string, std::string> KmsEncryptionContext(std::string_view stack) {
  return {{"rex:stack", std::string(stack)}};
}

}  // namespace rex::config
