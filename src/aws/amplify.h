#pragma once

#include <optional>
#include <string>
#include <vector>

#include "aws/client.h"
#include "aws/service_models.h"
#include "aws/typed.h"

// AWS Amplify (REST-JSON, 2017-07-25): the frontend branch and its builds for `rex status`.
namespace rex::aws {

struct AmplifyBranch {
  std::string branch_arn = {};
  std::string branch_name = {};
  std::string stage = {};  // PRODUCTION | BETA | DEVELOPMENT | EXPERIMENTAL | PULL_REQUEST
  std::string display_name = {};
  bool enable_auto_build = false;
  std::string active_job_id = {};
  std::string total_number_of_jobs = {};  // a string in the API
  std::optional<TimePoint> update_time = {};
};

struct AmplifyJob {
  std::string job_id = {};
  std::string job_type = {};  // RELEASE | RETRY | MANUAL | WEB_HOOK
  // PENDING | PROVISIONING | RUNNING | FAILED | SUCCEED | CANCELLING | CANCELLED
  std::string status = {};
  std::string commit_id = {};
  std::string commit_message = {};
  std::optional<TimePoint> commit_time = {};
  std::optional<TimePoint> start_time = {};
  std::optional<TimePoint> end_time = {};
};

class AmplifyClient {
 public:
  static const LoadedModel& Model();

  AmplifyClient(Endpoint endpoint, CredentialsProvider* credentials, HttpTransport& transport,
                base::Clock& clock, RetryOptions retry = {});

  // kNotFound (NotFoundException) for an unknown app or branch.
  base::Result<AmplifyBranch> GetBranch(const std::string& app_id, const std::string& branch);
  // The branch's most recent jobs, newest first, at most `max_results` (1..100).
  base::Result<std::vector<AmplifyJob>> ListJobs(const std::string& app_id,
                                                 const std::string& branch, int max_results = 1);

  AwsClient& client() { return client_; }

 private:
  AwsClient client_;
};

// Decoder, exposed for tests on sample bodies.
AmplifyJob ParseAmplifyJob(const base::Json& job);

}  // namespace rex::aws
