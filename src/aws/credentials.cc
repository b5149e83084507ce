#include "aws/credentials.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <set>
#include <vector>

#include "aws/endpoints.h"
#include "aws/sts.h"
#include "base/files.h"
#include "base/json.h"
#include "base/strings.h"

namespace rex::aws {

namespace {

using base::Result;
using Profile = std::map<std::string, std::string>;

std::string Trim(std::string_view text) {
  size_t b = text.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return "";
  size_t e = text.find_last_not_of(" \t\r");
  return std::string(text.substr(b, e - b + 1));
}

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string Get(const Profile& profile, const std::string& key) {
  auto it = profile.find(key);
  return it == profile.end() ? "" : it->second;
}

std::string EnvOr(const EnvLookup& env, const std::string& name) {
  auto value = env(name);
  return value ? *value : "";
}

// The outcome of one source of the chain: not configured (try the next), or a provider.
struct SourceResult {
  bool configured = false;
  std::unique_ptr<CredentialsProvider> provider;
};

Result<std::optional<std::chrono::system_clock::time_point>> ParseExpiration(
    const std::string& text, const std::string& where) {
  if (text.empty()) return std::optional<std::chrono::system_clock::time_point>();
  auto seconds = ParseIso8601(text);
  if (!seconds.ok()) {
    return base::InvalidArgument(where + ": expiration is not an ISO-8601 time");
  }
  return std::optional<std::chrono::system_clock::time_point>(
      std::chrono::system_clock::time_point(std::chrono::seconds(static_cast<int64_t>(*seconds))));
}

// Static keys from a profile section, or nullopt if it has none.
Result<std::optional<Credentials>> StaticFromProfile(const Profile& profile,
                                                     const std::string& where) {
  std::string id = Get(profile, "aws_access_key_id");
  std::string secret = Get(profile, "aws_secret_access_key");
  if (id.empty() && secret.empty()) return std::optional<Credentials>();
  if (id.empty() || secret.empty()) {
    return base::Unauthenticated(where + " has " +
                                 (id.empty() ? "aws_secret_access_key but no aws_access_key_id"
                                             : "aws_access_key_id but no aws_secret_access_key"));
  }
  Credentials c{id, secret, Get(profile, "aws_session_token"), std::nullopt};
  if (c.session_token.empty()) c.session_token = Get(profile, "aws_security_token");
  return std::optional<Credentials>(c);
}

class Chain;

// Resolves credentials from the sources of aws-notes §8.
class ChainResolver {
 public:
  ChainResolver(const CredentialChainOptions& options, HttpTransport& transport, base::Clock& clock)
      : options_(options), transport_(transport), clock_(clock) {}

  Result<std::unique_ptr<CredentialsProvider>> Resolve() {
    REX_ASSIGN_OR_RETURN(files_, LoadProfileFiles(options_.env, options_.home));
    std::string name = SelectedProfile(options_);
    std::optional<Profile> profile = FindProfile(files_, name);
    bool explicit_profile = !options_.profile.empty() ||
                            !EnvOr(options_.env, "AWS_PROFILE").empty() ||
                            !EnvOr(options_.env, "AWS_DEFAULT_PROFILE").empty();
    if (!profile && explicit_profile && name != "default") {
      return base::InvalidArgument("AWS profile \"" + name + "\" not found in " +
                                   files_.config_path + " or " + files_.credentials_path);
    }
    Profile p = profile.value_or(Profile());

    if (options_.profile.empty()) {
      REX_ASSIGN_OR_RETURN(SourceResult env, FromEnvironment());
      if (env.configured) return std::move(env.provider);
    }
    if (!Get(p, "role_arn").empty() &&
        (!Get(p, "source_profile").empty() || !Get(p, "credential_source").empty())) {
      std::set<std::string> visited;
      return AssumeRoleProvider(name, p, visited);
    }
    REX_ASSIGN_OR_RETURN(SourceResult web, FromWebIdentity(p));
    if (web.configured) return std::move(web.provider);
    REX_ASSIGN_OR_RETURN(auto keys, StaticFromProfile(p, "AWS profile \"" + name + "\""));
    if (keys) return std::unique_ptr<CredentialsProvider>(new StaticCredentialsProvider(*keys));
    if (!Get(p, "sso_start_url").empty() || !Get(p, "sso_session").empty()) {
      return base::Unauthenticated("AWS profile \"" + name +
                                   "\" uses SSO, which rex does not support; export "
                                   "credentials with `aws configure export-credentials`");
    }
    if (!Get(p, "credential_process").empty()) {
      return base::Unauthenticated("AWS profile \"" + name +
                                   "\" uses credential_process, which rex does not support");
    }
    REX_ASSIGN_OR_RETURN(SourceResult container, FromContainer());
    if (container.configured) return std::move(container.provider);
    REX_ASSIGN_OR_RETURN(SourceResult imds, FromImds(NoCredentials(name)));
    if (imds.configured) return std::move(imds.provider);
    return NoCredentials(name);
  }

 private:
  // The one-line answer when no source has credentials, listing the sources tried.
  base::Status NoCredentials(const std::string& profile_name) const {
    std::string tried;
    if (options_.profile.empty()) tried += "environment (AWS_ACCESS_KEY_ID), ";
    tried += "profile \"" + profile_name + "\" in " + files_.config_path + " and " +
             files_.credentials_path + ", web identity, SSO, container, instance metadata";
    if (Lower(EnvOr(options_.env, "AWS_EC2_METADATA_DISABLED")) == "true") {
      tried += " (off: AWS_EC2_METADATA_DISABLED)";
    }
    return base::Unauthenticated(
        "no AWS credentials found (tried: " + tried +
        "); set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run `aws "
        "configure`");
  }

  Result<SourceResult> FromEnvironment() {
    std::string id = EnvOr(options_.env, "AWS_ACCESS_KEY_ID");
    std::string secret = EnvOr(options_.env, "AWS_SECRET_ACCESS_KEY");
    if (id.empty() && secret.empty()) return SourceResult{};
    if (id.empty() || secret.empty()) {
      return base::Unauthenticated(
          id.empty() ? "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not"
                     : "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
    }
    Credentials c{id, secret, EnvOr(options_.env, "AWS_SESSION_TOKEN"), std::nullopt};
    if (c.session_token.empty()) c.session_token = EnvOr(options_.env, "AWS_SECURITY_TOKEN");
    REX_ASSIGN_OR_RETURN(c.expiration,
                         ParseExpiration(EnvOr(options_.env, "AWS_CREDENTIAL_EXPIRATION"),
                                         "AWS_CREDENTIAL_EXPIRATION"));
    return SourceResult{true, std::make_unique<StaticCredentialsProvider>(c)};
  }

  Endpoint StsEndpoint() {
    EndpointOptions eo;
    eo.region = options_.region.empty() ? "us-east-1" : options_.region;
    eo.endpoint_url = options_.endpoint_url;
    auto endpoint = ResolveEndpoint("sts", eo);
    if (endpoint.ok()) return *endpoint;
    return Endpoint{"https://sts.amazonaws.com", "us-east-1", "sts"};
  }

  std::string SessionName(const Profile& p) {
    std::string name = Get(p, "role_session_name");
    if (!name.empty()) return name;
    return "rex-" + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                       clock_.Now().time_since_epoch())
                                       .count());
  }

  // role_arn + source_profile / credential_source, following source_profile chains.
  Result<std::unique_ptr<CredentialsProvider>> AssumeRoleProvider(const std::string& name,
                                                                  const Profile& p,
                                                                  std::set<std::string>& visited) {
    if (!visited.insert(name).second) {
      return base::InvalidArgument("AWS profile \"" + name + "\" has a source_profile cycle");
    }
    if (!Get(p, "mfa_serial").empty()) {
      return base::Unauthenticated(
          "AWS profile \"" + name +
          "\" needs an MFA code (mfa_serial), which rex cannot prompt for");
    }
    std::unique_ptr<CredentialsProvider> source;
    std::string source_profile = Get(p, "source_profile");
    std::string credential_source = Get(p, "credential_source");
    if (!source_profile.empty()) {
      auto sp = FindProfile(files_, source_profile);
      if (!sp) {
        return base::InvalidArgument("AWS profile \"" + name + "\": source_profile \"" +
                                     source_profile + "\" not found");
      }
      if (!Get(*sp, "role_arn").empty() && source_profile != name) {
        REX_ASSIGN_OR_RETURN(source, AssumeRoleProvider(source_profile, *sp, visited));
      } else {
        REX_ASSIGN_OR_RETURN(auto keys,
                             StaticFromProfile(*sp, "AWS profile \"" + source_profile + "\""));
        if (!keys) {
          return base::Unauthenticated("AWS profile \"" + source_profile +
                                       "\" (source_profile of \"" + name + "\") has no keys");
        }
        source = std::make_unique<StaticCredentialsProvider>(*keys);
      }
    } else if (credential_source == "Environment") {
      REX_ASSIGN_OR_RETURN(SourceResult env, FromEnvironment());
      if (!env.configured) {
        return base::Unauthenticated(
            "AWS profile \"" + name +
            "\": credential_source Environment but AWS_ACCESS_KEY_ID is unset");
      }
      source = std::move(env.provider);
    } else if (credential_source == "EcsContainer") {
      REX_ASSIGN_OR_RETURN(SourceResult c, FromContainer());
      if (!c.configured) {
        return base::Unauthenticated(
            "AWS profile \"" + name +
            "\": credential_source EcsContainer but no container credentials");
      }
      source = std::move(c.provider);
    } else if (credential_source == "Ec2InstanceMetadata") {
      REX_ASSIGN_OR_RETURN(
          SourceResult m,
          FromImds(base::Unauthenticated("AWS profile \"" + name +
                                         "\": credential_source Ec2InstanceMetadata, but no "
                                         "instance metadata service answers with a role")));
      if (!m.configured) {
        return base::Unauthenticated(
            "AWS profile \"" + name +
            "\": credential_source Ec2InstanceMetadata but metadata is disabled");
      }
      source = std::move(m.provider);
    } else {
      return base::InvalidArgument("AWS profile \"" + name + "\": unknown credential_source \"" +
                                   credential_source + "\"");
    }

    AssumeRoleRequest request;
    request.role_arn = Get(p, "role_arn");
    request.role_session_name = SessionName(p);
    request.external_id = Get(p, "external_id");
    if (std::string d = Get(p, "duration_seconds"); !d.empty()) {
      int seconds = std::atoi(d.c_str());
      if (seconds <= 0) {
        return base::InvalidArgument("AWS profile \"" + name +
                                     "\": duration_seconds must be a positive integer");
      }
      request.duration_seconds = seconds;
    }
    auto sts = std::make_shared<StsClient>(StsEndpoint(), source.get(), transport_, clock_);
    std::shared_ptr<CredentialsProvider> owned_source(std::move(source));
    auto fetch = [sts, owned_source, request]() -> Result<Credentials> {
      REX_ASSIGN_OR_RETURN(AssumedRole role, sts->AssumeRole(request));
      return role.credentials;
    };
    return std::unique_ptr<CredentialsProvider>(
        new RefreshingCredentialsProvider(fetch, clock_, options_.refresh_window));
  }

  Result<SourceResult> FromWebIdentity(const Profile& p) {
    std::string token_file = EnvOr(options_.env, "AWS_WEB_IDENTITY_TOKEN_FILE");
    std::string role_arn = EnvOr(options_.env, "AWS_ROLE_ARN");
    std::string session = EnvOr(options_.env, "AWS_ROLE_SESSION_NAME");
    if (token_file.empty()) {
      token_file = Get(p, "web_identity_token_file");
      role_arn = Get(p, "role_arn");
      session = Get(p, "role_session_name");
    }
    if (token_file.empty()) return SourceResult{};
    if (role_arn.empty()) {
      return base::Unauthenticated(
          "a web identity token file is configured but no role ARN "
          "(AWS_ROLE_ARN or the profile's role_arn)");
    }
    if (session.empty()) session = SessionName(Profile());
    auto sts = std::make_shared<StsClient>(StsEndpoint(), nullptr, transport_, clock_);
    auto fetch = [sts, token_file, role_arn, session]() -> Result<Credentials> {
      auto token = base::ReadFile(token_file);
      if (!token.ok()) {
        return base::Unauthenticated("cannot read web identity token file " + token_file + ": " +
                                     std::string(CodeName(token.error().code())));
      }
      AssumeRoleWithWebIdentityRequest request;
      request.role_arn = role_arn;
      request.role_session_name = session;
      request.web_identity_token = Trim(*token);
      REX_ASSIGN_OR_RETURN(AssumedRole role, sts->AssumeRoleWithWebIdentity(request));
      return role.credentials;
    };
    return SourceResult{true, std::make_unique<RefreshingCredentialsProvider>(
                                  fetch, clock_, options_.refresh_window)};
  }

  // {AccessKeyId, SecretAccessKey, Token, Expiration} as served by ECS and IMDS.
  static Result<Credentials> ParseCredentialDocument(const std::string& body,
                                                     const std::string& where) {
    base::Json doc = base::Json::parse(body, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
      return base::Unavailable(where + " returned a response that is not JSON");
    }
    Credentials c;
    auto str = [&](const char* key) {
      return doc.contains(key) && doc[key].is_string() ? doc[key].get<std::string>() : "";
    };
    c.access_key_id = str("AccessKeyId");
    c.secret_access_key = str("SecretAccessKey");
    c.session_token = str("Token");
    if (c.access_key_id.empty() || c.secret_access_key.empty()) {
      return base::Unauthenticated(where + " returned no credentials" +
                                   (str("Code").empty() ? "" : " (" + str("Code") + ")"));
    }
    REX_ASSIGN_OR_RETURN(c.expiration, ParseExpiration(str("Expiration"), where));
    return c;
  }

  Result<SourceResult> FromContainer() {
    std::string relative = EnvOr(options_.env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    std::string full = EnvOr(options_.env, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
    std::string url;
    if (!relative.empty()) {
      url = "http://169.254.170.2" + relative;
    } else if (!full.empty()) {
      auto parsed = ParseUrl(full);
      static const std::set<std::string> kAllowed = {
          "169.254.170.2", "169.254.170.23", "localhost", "127.0.0.1", "[::1]", "[fd00:ec2::23]"};
      if (!parsed.ok() || (parsed->scheme != "https" && kAllowed.count(parsed->host) == 0)) {
        return base::Unauthenticated(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https or name 169.254.170.2, "
            "169.254.170.23, fd00:ec2::23 or a loopback host");
      }
      url = full;
    } else {
      return SourceResult{};
    }
    std::string token = EnvOr(options_.env, "AWS_CONTAINER_AUTHORIZATION_TOKEN");
    std::string token_file = EnvOr(options_.env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    HttpTransport* transport = &transport_;
    auto fetch = [transport, url, token, token_file]() -> Result<Credentials> {
      HttpRequest request;
      request.method = "GET";
      request.url = url;
      request.connect_timeout = std::chrono::seconds(2);
      request.timeout = std::chrono::seconds(2);
      std::string authorization = token;
      if (!token_file.empty()) {
        auto text = base::ReadFile(token_file);
        if (!text.ok()) {
          return base::Unauthenticated("cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " +
                                       token_file);
        }
        authorization = Trim(*text);
      }
      if (!authorization.empty()) request.headers.emplace_back("Authorization", authorization);
      base::Status last;
      for (int attempt = 0; attempt < 3; ++attempt) {
        auto response = transport->Send(request);
        if (!response.ok()) {
          last = response.error();
          continue;
        }
        if (response->status != 200) {
          last = base::Unavailable("container credentials endpoint answered HTTP " +
                                   std::to_string(response->status));
          if (response->status < 500) break;
          continue;
        }
        return ParseCredentialDocument(response->body, "container credentials endpoint");
      }
      return std::move(last).WithContext("container credentials");
    };
    return SourceResult{true, std::make_unique<RefreshingCredentialsProvider>(
                                  fetch, clock_, options_.refresh_window)};
  }

  // Instance metadata. `absent` is the answer when no metadata service answers (not on EC2:
  // the address does not answer or times out, or it refuses the token and has no IAM role to
  // list): once seen, later calls give it at once instead of asking again.
  Result<SourceResult> FromImds(base::Status absent) {
    if (Lower(EnvOr(options_.env, "AWS_EC2_METADATA_DISABLED")) == "true") return SourceResult{};
    std::string endpoint = EnvOr(options_.env, "AWS_EC2_METADATA_SERVICE_ENDPOINT");
    if (endpoint.empty()) {
      endpoint = Lower(EnvOr(options_.env, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE")) == "ipv6"
                     ? "http://[fd00:ec2::254]"
                     : "http://169.254.169.254";
    }
    while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
    auto timeout = std::chrono::seconds(1);
    if (std::string t = EnvOr(options_.env, "AWS_METADATA_SERVICE_TIMEOUT"); !t.empty()) {
      timeout = std::chrono::seconds(std::max(1, std::atoi(t.c_str())));
    }
    int attempts = 1;
    if (std::string n = EnvOr(options_.env, "AWS_METADATA_SERVICE_NUM_ATTEMPTS"); !n.empty()) {
      attempts = std::max(1, std::atoi(n.c_str()));
    }
    bool v1_disabled = Lower(EnvOr(options_.env, "AWS_EC2_METADATA_V1_DISABLED")) == "true";
    HttpTransport* transport = &transport_;

    auto send = [transport, timeout, attempts](HttpRequest request) -> Result<HttpResponse> {
      request.connect_timeout = timeout;
      request.timeout = timeout;
      request.read_timeout = timeout;
      request.label = "instance metadata";
      base::Status last;
      for (int i = 0; i < attempts; ++i) {
        auto response = transport->Send(request);
        if (response.ok() && response->status < 500) return response;
        last = response.ok() ? base::Unavailable("instance metadata answered HTTP " +
                                                 std::to_string(response->status))
                             : response.error();
      }
      return last;
    };
    // Shared by the copies of the fetch: set once the metadata service proved absent.
    auto known_absent = std::make_shared<std::atomic<bool>>(false);
    auto fetch = [send, endpoint, v1_disabled, absent, known_absent]() -> Result<Credentials> {
      if (known_absent->load()) return absent;
      auto not_here = [&]() -> Result<Credentials> {
        known_absent->store(true);
        return absent;
      };
      std::string token;
      auto token_response =
          send(HttpRequest{.method = "PUT",
                           .url = endpoint + "/latest/api/token",
                           .headers = {{"x-aws-ec2-metadata-token-ttl-seconds", "21600"}}});
      if (!token_response.ok()) {
        // Nothing answers at the metadata address (not on EC2, or a metadata hop limit):
        // as the AWS SDKs do, no credentials from here, without trying IMDSv1 as well.
        return not_here();
      }
      if (token_response->status == 200) {
        token = token_response->body;
      } else if (v1_disabled) {
        return base::Unauthenticated(
            "instance metadata: no IMDSv2 token and "
            "AWS_EC2_METADATA_V1_DISABLED is set");
      } else if (token_response->status != 403 && token_response->status != 404 &&
                 token_response->status != 405) {
        return base::Unavailable("instance metadata token request answered HTTP " +
                                 std::to_string(token_response->status));
      }
      Headers headers;
      if (!token.empty()) headers.emplace_back("x-aws-ec2-metadata-token", token);
      std::string base = endpoint + "/latest/meta-data/iam/security-credentials/";
      auto role = send(HttpRequest{.method = "GET", .url = base, .headers = headers});
      if (!role.ok()) return not_here();
      if (role->status != 200) {
        // 403/404 without a token: something answers the address but it is no instance with
        // a role (a proxy, a sandbox, an instance without a profile).
        if (token.empty() || role->status == 404) return not_here();
        return base::Unauthenticated("instance metadata: no IAM role attached (HTTP " +
                                     std::to_string(role->status) + ")");
      }
      std::string role_name = Trim(role->body.substr(0, role->body.find('\n')));
      if (role_name.empty()) return not_here();
      REX_ASSIGN_OR_RETURN(
          HttpResponse creds,
          send(HttpRequest{.method = "GET", .url = base + role_name, .headers = headers}));
      if (creds.status != 200) {
        return base::Unauthenticated("instance metadata: credentials for role " + role_name +
                                     " answered HTTP " + std::to_string(creds.status));
      }
      return ParseCredentialDocument(creds.body, "instance metadata");
    };
    return SourceResult{true, std::make_unique<RefreshingCredentialsProvider>(
                                  fetch, clock_, options_.refresh_window)};
  }

  const CredentialChainOptions& options_;
  HttpTransport& transport_;
  base::Clock& clock_;
  ProfileFiles files_;
};

class Chain : public CredentialsProvider {
 public:
  Chain(CredentialChainOptions options, HttpTransport& transport, base::Clock& clock)
      : options_(std::move(options)), transport_(transport), clock_(clock) {}

  Result<Credentials> Get() override {
    CredentialsProvider* provider = nullptr;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!resolved_) {
        ChainResolver resolver(options_, transport_, clock_);
        auto resolved = resolver.Resolve();
        if (!resolved.ok()) return std::move(resolved).error();
        resolved_ = std::move(resolved).value();
      }
      provider = resolved_.get();
    }
    return provider->Get();
  }

 private:
  CredentialChainOptions options_;
  HttpTransport& transport_;
  base::Clock& clock_;
  std::mutex mu_;
  std::unique_ptr<CredentialsProvider> resolved_;
};

}  // namespace

RefreshingCredentialsProvider::RefreshingCredentialsProvider(Fetch fetch, base::Clock& clock,
                                                             std::chrono::seconds refresh_window)
    : fetch_(std::move(fetch)), clock_(clock), refresh_window_(refresh_window) {}

base::Result<Credentials> RefreshingCredentialsProvider::Get() {
  std::lock_guard<std::mutex> lock(mu_);
  auto now = clock_.Now();
  if (cached_ && (!cached_->expiration || now + refresh_window_ < *cached_->expiration)) {
    return *cached_;
  }
  auto fresh = fetch_();
  if (!fresh.ok()) {
    // A failed early refresh keeps credentials that still work.
    if (cached_ && cached_->expiration && now < *cached_->expiration) return *cached_;
    return std::move(fresh).error();
  }
  cached_ = *fresh;
  return *cached_;
}

std::string DescribeCredentials(const Credentials& credentials) {
  const std::string& id = credentials.access_key_id;
  std::string shown = id.size() > 8 ? id.substr(0, 4) + "…" + id.substr(id.size() - 4) : id;
  std::string out = "access key " + shown;
  if (!credentials.session_token.empty()) out += ", temporary";
  if (credentials.expiration) out += ", expires " + FormatIso8601(*credentials.expiration);
  return out;
}

base::Result<IniFile> ParseIni(std::string_view text, std::string_view file_name) {
  if (text.size() > kMaxIniBytes) {
    return base::InvalidArgument(std::string(file_name) + ": is " + std::to_string(text.size()) +
                                 " bytes; an AWS config or credentials file may have at most " +
                                 std::to_string(kMaxIniBytes));
  }
  IniFile out;
  std::string section;
  bool in_section = false;
  std::string last_key;
  int line_number = 0;
  for (const std::string& raw : base::Split(text, '\n')) {
    ++line_number;
    std::string line = raw;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::string trimmed = Trim(line);
    if (trimmed.empty() || trimmed[0] == '#' || trimmed[0] == ';') continue;
    auto where = [&] { return std::string(file_name) + ":" + std::to_string(line_number); };
    if (trimmed.front() == '[') {
      if (trimmed.back() != ']')
        return base::InvalidArgument(where() + ": unterminated section header");
      section = Trim(trimmed.substr(1, trimmed.size() - 2));
      in_section = true;
      out[section];
      last_key.clear();
      continue;
    }
    if (!in_section) return base::InvalidArgument(where() + ": setting outside any [section]");
    if (line[0] == ' ' || line[0] == '\t') {
      // Continuation of a nested block (e.g. "s3 =\n  max_concurrent_requests = 10"): kept
      // under "<key>.<subkey>".
      size_t eq = trimmed.find('=');
      if (!last_key.empty() && eq != std::string::npos) {
        out[section][last_key + "." + Lower(Trim(trimmed.substr(0, eq)))] =
            Trim(trimmed.substr(eq + 1));
      }
      continue;
    }
    size_t eq = trimmed.find('=');
    if (eq == std::string::npos) return base::InvalidArgument(where() + ": expected key = value");
    last_key = Lower(Trim(trimmed.substr(0, eq)));
    out[section][last_key] = Trim(trimmed.substr(eq + 1));
  }
  return out;
}

base::Result<ProfileFiles> LoadProfileFiles(const EnvLookup& env, const std::string& home) {
  ProfileFiles files;
  files.config_path = EnvOr(env, "AWS_CONFIG_FILE");
  if (files.config_path.empty()) files.config_path = home + "/.aws/config";
  files.credentials_path = EnvOr(env, "AWS_SHARED_CREDENTIALS_FILE");
  if (files.credentials_path.empty()) files.credentials_path = home + "/.aws/credentials";
  for (auto [path, ini] : {std::pair{&files.config_path, &files.config},
                           std::pair{&files.credentials_path, &files.credentials}}) {
    auto text = base::ReadFile(*path);
    if (!text.ok()) {
      if (text.error().code() == base::Code::kNotFound) continue;
      return std::move(text).error();
    }
    REX_ASSIGN_OR_RETURN(*ini, ParseIni(*text, *path));
  }
  return files;
}

std::optional<std::map<std::string, std::string>> FindProfile(const ProfileFiles& files,
                                                              const std::string& name) {
  std::optional<Profile> out;
  auto merge = [&](const IniFile& ini, const std::string& section) {
    auto it = ini.find(section);
    if (it == ini.end()) return;
    if (!out) out.emplace();
    for (const auto& [k, v] : it->second) (*out)[k] = v;
  };
  if (name == "default") merge(files.config, "default");
  merge(files.config, "profile " + name);
  merge(files.credentials, name);
  return out;
}

std::string SelectedProfile(const CredentialChainOptions& options) {
  if (!options.profile.empty()) return options.profile;
  EnvLookup env = options.env ? options.env : ProcessEnvironment();
  for (const char* name : {"AWS_PROFILE", "AWS_DEFAULT_PROFILE"}) {
    if (auto value = env(name); value && !value->empty()) return *value;
  }
  return "default";
}

std::unique_ptr<CredentialsProvider> NewDefaultCredentialsChain(CredentialChainOptions options,
                                                                HttpTransport& transport,
                                                                base::Clock& clock) {
  if (!options.env) options.env = ProcessEnvironment();
  if (options.home.empty()) options.home = EnvOr(options.env, "HOME");
  return std::make_unique<Chain>(std::move(options), transport, clock);
}

}  // namespace rex::aws
