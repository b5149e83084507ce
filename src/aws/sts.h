#pragma once

#include <optional>
#include <string>

#include "aws/client.h"

// AWS STS (query protocol, 2011-06-15): caller identity and the two assume-role calls the
// credential chain needs.
namespace rex::aws {

struct CallerIdentity {
  std::string account;
  std::string arn;
  std::string user_id;
};

struct AssumeRoleRequest {
  std::string role_arn;
  std::string role_session_name;
  std::optional<int> duration_seconds = {};  // Default: the role's (1 hour).
  std::string external_id = {};              // Default: none.
};

struct AssumeRoleWithWebIdentityRequest {
  std::string role_arn;
  std::string role_session_name;
  std::string web_identity_token;            // a secret: never logged
  std::optional<int> duration_seconds = {};  // Default: the role's (1 hour).
};

struct AssumedRole {
  Credentials credentials;  // with expiration
  std::string assumed_role_arn;
  std::string assumed_role_id;
};

class StsClient {
 public:
  // The STS service model (shared by every StsClient).
  static const ServiceModel& Model();

  // `credentials` may be null if only AssumeRoleWithWebIdentity is called.
  StsClient(Endpoint endpoint, CredentialsProvider* credentials, HttpTransport& transport,
            base::Clock& clock, RetryOptions retry = {});

  // Who the credentials belong to. Errors as AwsClient::Call ("get caller identity").
  base::Result<CallerIdentity> GetCallerIdentity();
  // Signed with the client's credentials. kInvalidArgument if the response lacks
  // credentials.
  base::Result<AssumedRole> AssumeRole(const AssumeRoleRequest& request);
  // Sent unsigned; the token authenticates.
  base::Result<AssumedRole> AssumeRoleWithWebIdentity(
      const AssumeRoleWithWebIdentityRequest& request);

  AwsClient& client() { return client_; }

 private:
  AwsClient client_;
};

}  // namespace rex::aws
