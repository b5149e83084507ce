#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "aws/amplify.h"
#include "aws/cloudformation.h"
#include "aws/credentials.h"
#include "aws/ecr.h"
#include "aws/ecs.h"
#include "aws/elasticache.h"
#include "aws/elbv2.h"
#include "aws/endpoints.h"
#include "aws/env.h"
#include "aws/logs.h"
#include "aws/rds.h"
#include "aws/retry.h"
#include "aws/s3.h"
#include "aws/secretsmanager.h"
#include "aws/sts.h"
#include "aws/transport.h"
#include "base/clock.h"

// One place that turns the global flags (--profile, --region, --endpoint-url) and the
// environment into ready service clients sharing one credential chain, transport and clock.
namespace rex::aws {

struct SessionOptions {
  std::string profile = {};              // --profile. Default: AWS_PROFILE / "default".
  std::string region = {};               // --region. Default: see Session::Create.
  std::string endpoint_url = {};         // --endpoint-url. Default: AWS_ENDPOINT_URL, else none.
  std::string stack_config_region = {};  // the stack config's region, the last fallback
  EnvLookup env = {};                    // Default: the process environment.
  std::string home = {};                 // Default: $HOME.
};

class Session {
 public:
  // Resolves the region (--region > AWS_REGION > AWS_DEFAULT_REGION > the profile's
  // `region` > the stack config's), the retry options (AWS_MAX_ATTEMPTS), the STS endpoint
  // style (AWS_STS_REGIONAL_ENDPOINTS / profile sts_regional_endpoints = legacy → global)
  // and sets up the credential chain, which resolves on the first signed call.
  // kInvalidArgument when no region is found, a config file is malformed or
  // AWS_MAX_ATTEMPTS is not a positive integer. `transport` and `clock` must outlive the
  // session and every client it makes.
  static base::Result<std::unique_ptr<Session>> Create(SessionOptions options,
                                                       HttpTransport& transport,
                                                       base::Clock& clock);

  const std::string& region() const { return endpoint_options_.region; }
  const std::string& profile() const { return profile_; }
  CredentialsProvider& credentials() { return *credentials_; }
  const RetryOptions& retry() const { return retry_; }

  // The endpoint of `service` (see ResolveEndpoint) under this session's options.
  base::Result<Endpoint> EndpointFor(std::string_view service) const;

  // Clients; each is independent (own retry quota) and borrows the session's credentials,
  // transport and clock, so the session must outlive it.
  base::Result<std::unique_ptr<CloudFormationClient>> CloudFormation();
  base::Result<std::unique_ptr<S3Client>> S3();
  base::Result<std::unique_ptr<StsClient>> Sts();
  base::Result<std::unique_ptr<EcsClient>> Ecs();
  base::Result<std::unique_ptr<LogsClient>> Logs();
  base::Result<std::unique_ptr<EcrClient>> Ecr();
  base::Result<std::unique_ptr<Elbv2Client>> Elbv2();
  base::Result<std::unique_ptr<RdsClient>> Rds();
  base::Result<std::unique_ptr<ElasticacheClient>> Elasticache();
  base::Result<std::unique_ptr<AmplifyClient>> Amplify();
  base::Result<std::unique_ptr<SecretsManagerClient>> SecretsManager();

 private:
  Session(HttpTransport& transport, base::Clock& clock) : transport_(transport), clock_(clock) {}

  template <typename Client>
  base::Result<std::unique_ptr<Client>> Make(std::string_view service);

  HttpTransport& transport_;
  base::Clock& clock_;
  std::string profile_;
  EndpointOptions endpoint_options_;
  RetryOptions retry_;
  std::unique_ptr<CredentialsProvider> credentials_;
};

}  // namespace rex::aws
