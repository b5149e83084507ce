#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "aws/env.h"
#include "aws/sigv4.h"
#include "aws/transport.h"
#include "base/clock.h"
#include "base/result.h"

// Where AWS credentials come from: the AWS CLI's default chain (aws-notes §8) over the
// HttpTransport seam, so every source is testable with FakeTransport.
//
// Secrets (secret access keys, session tokens, web identity tokens, container
// authorization tokens) never appear in an error message or log line produced here.
namespace rex::aws {

// Supplies credentials for signing. Implementations are thread-safe.
class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  // Current credentials, refreshed first when temporary ones expire within the refresh
  // window. kUnauthenticated when none can be obtained; other codes pass through from the
  // source (kUnavailable for a metadata endpoint that does not answer, ...).
  virtual base::Result<Credentials> Get() = 0;
};

// Always returns the same credentials.
class StaticCredentialsProvider : public CredentialsProvider {
 public:
  explicit StaticCredentialsProvider(Credentials credentials)
      : credentials_(std::move(credentials)) {}
  base::Result<Credentials> Get() override { return credentials_; }

 private:
  Credentials credentials_;
};

// Caches what `fetch` returns; fetches again when the cached credentials expire within
// `refresh_window` of clock.Now() (never for credentials without an expiration). If a
// refresh fails while the cached credentials are still valid, they keep being used.
class RefreshingCredentialsProvider : public CredentialsProvider {
 public:
  using Fetch = std::function<base::Result<Credentials>()>;
  // `clock` must outlive the provider. Default window: 5 minutes.
  RefreshingCredentialsProvider(Fetch fetch, base::Clock& clock,
                                std::chrono::seconds refresh_window = std::chrono::minutes(5));
  base::Result<Credentials> Get() override;

 private:
  Fetch fetch_;
  base::Clock& clock_;
  std::chrono::seconds refresh_window_;
  std::mutex mu_;
  std::optional<Credentials> cached_;
};

// "access key AKID…MPLE" (+ ", temporary, expires 2015-08-30T13:36:00Z"): safe to log.
std::string DescribeCredentials(const Credentials& credentials);

// An AWS config or credentials file: section name (as written between brackets, trimmed)
// → key → value. Comments (# and ;), blank lines and indented continuation lines (nested
// sub-sections such as `s3 =`) are handled; keys are lower-cased.
using IniFile = std::map<std::string, std::map<std::string, std::string>>;

// The longest AWS config or credentials file ParseIni reads (1 MiB).
inline constexpr size_t kMaxIniBytes = size_t{1} << 20;

// kInvalidArgument "<file>:<line>: ..." for a line outside any section or without '=', and
// "<file>: ..." for text longer than kMaxIniBytes. The message never quotes the line (it may
// hold a secret).
base::Result<IniFile> ParseIni(std::string_view text, std::string_view file_name);

struct CredentialChainOptions {
  // --profile. Empty: AWS_PROFILE, then AWS_DEFAULT_PROFILE, then "default". An explicit
  // profile skips the environment-variable source, as the AWS CLI does.
  std::string profile = {};
  // Region for STS calls (assume role, web identity). Default: us-east-1.
  std::string region = {};
  // --endpoint-url, used for STS too. Default: none.
  std::string endpoint_url = {};
  // Environment. Default: the process environment.
  EnvLookup env = {};
  // Home directory for ~/.aws/{config,credentials}. Default: $HOME.
  std::string home = {};
  // Refresh temporary credentials this long before they expire. Default: 5 minutes.
  std::chrono::seconds refresh_window = std::chrono::minutes(5);
};

// Profile settings after merging the config file ([profile x] / [default]) and the
// credentials file ([x]); the credentials file wins for keys in both.
struct ProfileFiles {
  IniFile config;
  IniFile credentials;
  std::string config_path;
  std::string credentials_path;
};

// Reads AWS_CONFIG_FILE (default ~/.aws/config) and AWS_SHARED_CREDENTIALS_FILE (default
// ~/.aws/credentials); missing files are empty. kInvalidArgument for malformed files.
base::Result<ProfileFiles> LoadProfileFiles(const EnvLookup& env, const std::string& home);

// The merged keys of profile `name`, or nullopt if neither file has it.
std::optional<std::map<std::string, std::string>> FindProfile(const ProfileFiles& files,
                                                              const std::string& name);

// The profile name the chain uses for `options` (flag, AWS_PROFILE, AWS_DEFAULT_PROFILE,
// "default").
std::string SelectedProfile(const CredentialChainOptions& options);

// The AWS CLI default chain, in order: environment (AWS_ACCESS_KEY_ID, ...), assume role
// from the profile (role_arn with source_profile or credential_source), web identity
// (AWS_WEB_IDENTITY_TOKEN_FILE / profile web_identity_token_file), shared credentials
// file, config file, container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI /
// _FULL_URI), IMDSv2 (unless AWS_EC2_METADATA_DISABLED=true). The first source that is
// configured decides: a configured source that fails returns its error rather than falling
// through. SSO and credential_process profiles are reported as unsupported.
//
// Resolution happens on the first Get(); temporary credentials refresh automatically.
// kUnauthenticated "no AWS credentials found ..." when no source is configured;
// kInvalidArgument when an explicitly named profile does not exist. `transport` and `clock`
// must outlive the provider.
std::unique_ptr<CredentialsProvider> NewDefaultCredentialsChain(CredentialChainOptions options,
                                                                HttpTransport& transport,
                                                                base::Clock& clock);

}  // namespace rex::aws
