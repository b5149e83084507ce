#pragma once

#include <map>
#include <string>
#include <vector>

#include "aws/client.h"
#include "aws/service_models.h"

// AWS Secrets Manager (JSON 1.1, 2017-10-17): the calls `rex secrets rotate` needs to put a
// new value in place and to move the staging labels that say which value is read.
//
// A secret's versions carry staging labels: ECS and the SDKs read the version labelled
// AWSCURRENT; Secrets Manager moves AWSPREVIOUS to the version AWSCURRENT leaves; a version
// without labels is deprecated and deleted by Secrets Manager later. No call here returns or
// logs a secret value: PutSecretValue takes one and answers with ids only.
namespace rex::aws {

inline constexpr const char* kAwsCurrent = "AWSCURRENT";
inline constexpr const char* kAwsPrevious = "AWSPREVIOUS";

struct SecretDescription {
  std::string arn;
  std::string name;
  // Version id -> its staging labels (DescribeSecret's VersionIdsToStages). Only versions
  // with at least one label are listed by Secrets Manager.
  std::map<std::string, std::vector<std::string>> version_stages;

  // The id of the version carrying `stage`; "" when none does.
  std::string VersionWithStage(const std::string& stage) const;
};

struct PutSecretValueRequest {
  std::string secret_id;                         // name or ARN
  std::string secret_string;                     // the value; never logged, never in an error
  std::string client_request_token;              // the new version's id (idempotency); required
  std::vector<std::string> version_stages = {};  // Default: AWSCURRENT.
};

struct UpdateSecretVersionStageRequest {
  std::string secret_id;
  std::string version_stage;
  std::string move_to_version_id = {};      // Default: only remove.
  std::string remove_from_version_id = {};  // required when the label is attached elsewhere
};

class SecretsManagerClient {
 public:
  static const LoadedModel& Model();

  SecretsManagerClient(Endpoint endpoint, CredentialsProvider* credentials,
                       HttpTransport& transport, base::Clock& clock, RetryOptions retry = {});

  // kNotFound (ResourceNotFoundException) when the secret does not exist.
  base::Result<SecretDescription> DescribeSecret(const std::string& secret_id);
  // Returns the new version's id. Retrying with the same client_request_token and value is
  // a no-op on AWS's side (idempotent), so a retried call never makes a second version.
  base::Result<std::string> PutSecretValue(const PutSecretValueRequest& request);
  base::Status UpdateSecretVersionStage(const UpdateSecretVersionStageRequest& request);

  AwsClient& client() { return client_; }

 private:
  AwsClient client_;
};

}  // namespace rex::aws
