#include "aws/session.h"

namespace rex::aws {

namespace {

std::string EnvValue(const EnvLookup& env, const char* name) {
  auto value = env(name);
  return value ? *value : "";
}

}  // namespace

base::Result<std::unique_ptr<Session>> Session::Create(SessionOptions options,
                                                       HttpTransport& transport,
                                                       base::Clock& clock) {
  if (!options.env) options.env = ProcessEnvironment();
  if (options.home.empty()) options.home = EnvValue(options.env, "HOME");
  std::unique_ptr<Session> session(new Session(transport, clock));

  CredentialChainOptions chain;
  chain.profile = options.profile;
  chain.env = options.env;
  chain.home = options.home;
  session->profile_ = SelectedProfile(chain);

  REX_ASSIGN_OR_RETURN(ProfileFiles files, LoadProfileFiles(options.env, options.home));
  auto profile =
      FindProfile(files, session->profile_).value_or(std::map<std::string, std::string>());
  auto profile_value = [&](const char* key) {
    auto it = profile.find(key);
    return it == profile.end() ? std::string() : it->second;
  };

  RegionSources sources;
  sources.flag = options.region;
  sources.aws_region_env = EnvValue(options.env, "AWS_REGION");
  sources.aws_default_region_env = EnvValue(options.env, "AWS_DEFAULT_REGION");
  sources.profile_region = profile_value("region");
  sources.fallback_region = options.stack_config_region;
  REX_ASSIGN_OR_RETURN(session->endpoint_options_.region, ResolveRegion(sources));

  session->endpoint_options_.endpoint_url = options.endpoint_url.empty()
                                                ? EnvValue(options.env, "AWS_ENDPOINT_URL")
                                                : options.endpoint_url;
  std::string sts_style = EnvValue(options.env, "AWS_STS_REGIONAL_ENDPOINTS");
  if (sts_style.empty()) sts_style = profile_value("sts_regional_endpoints");
  session->endpoint_options_.sts_global = sts_style == "legacy";
  // Validate the region and endpoint once, up front.
  REX_RETURN_IF_ERROR(ResolveEndpoint("sts", session->endpoint_options_).status());

  REX_ASSIGN_OR_RETURN(session->retry_, RetryOptionsFromEnvironment(options.env));

  chain.region = session->endpoint_options_.region;
  chain.endpoint_url = session->endpoint_options_.endpoint_url;
  session->credentials_ = NewDefaultCredentialsChain(chain, transport, clock);
  return session;
}

base::Result<Endpoint> Session::EndpointFor(std::string_view service) const {
  return ResolveEndpoint(service, endpoint_options_);
}

template <typename Client>
base::Result<std::unique_ptr<Client>> Session::Make(std::string_view service) {
  REX_ASSIGN_OR_RETURN(Endpoint endpoint, EndpointFor(service));
  return std::make_unique<Client>(std::move(endpoint), credentials_.get(), transport_, clock_,
                                  retry_);
}

base::Result<std::unique_ptr<CloudFormationClient>> Session::CloudFormation() {
  return Make<CloudFormationClient>("cloudformation");
}
base::Result<std::unique_ptr<S3Client>> Session::S3() { return Make<S3Client>("s3"); }
base::Result<std::unique_ptr<StsClient>> Session::Sts() { return Make<StsClient>("sts"); }
base::Result<std::unique_ptr<EcsClient>> Session::Ecs() { return Make<EcsClient>("ecs"); }
base::Result<std::unique_ptr<LogsClient>> Session::Logs() { return Make<LogsClient>("logs"); }
base::Result<std::unique_ptr<EcrClient>> Session::Ecr() { return Make<EcrClient>("ecr"); }
base::Result<std::unique_ptr<Elbv2Client>> Session::Elbv2() {
  return Make<Elbv2Client>("elasticloadbalancing");
}
base::Result<std::unique_ptr<RdsClient>> Session::Rds() { return Make<RdsClient>("rds"); }
base::Result<std::unique_ptr<ElasticacheClient>> Session::Elasticache() {
  return Make<ElasticacheClient>("elasticache");
}
base::Result<std::unique_ptr<AmplifyClient>> Session::Amplify() {
  return Make<AmplifyClient>("amplify");
}
base::Result<std::unique_ptr<SecretsManagerClient>> Session::SecretsManager() {
  return Make<SecretsManagerClient>("secretsmanager");
}

}  // namespace rex::aws
