#include "aws/amplify.h"

namespace rex::aws {

namespace {

using base::Json;

}  // namespace

const LoadedModel& AmplifyClient::Model() {
  static const LoadedModel* model = new LoadedModel(LoadModel(AmplifyModelJson()));
  return *model;
}

AmplifyClient::AmplifyClient(Endpoint endpoint, CredentialsProvider* credentials,
                             HttpTransport& transport, base::Clock& clock, RetryOptions retry)
    : client_(Model().service, std::move(endpoint), credentials, transport, clock, retry) {}

AmplifyJob ParseAmplifyJob(const Json& j) {
  return AmplifyJob{JsonString(j, "jobId"),         JsonString(j, "jobType"),
                    JsonString(j, "status"),        JsonString(j, "commitId"),
                    JsonString(j, "commitMessage"), JsonTime(j, "commitTime"),
                    JsonTime(j, "startTime"),       JsonTime(j, "endTime")};
}

base::Result<AmplifyBranch> AmplifyClient::GetBranch(const std::string& app_id,
                                                     const std::string& branch) {
  static const OperationModel op = Model().Operation("GetBranch");
  REX_ASSIGN_OR_RETURN(Json out, client_.Call(op, Json{{"appId", app_id}, {"branchName", branch}},
                                              "get Amplify branch " + app_id + "/" + branch));
  const Json& b = JsonObject(out, "branch");
  return AmplifyBranch{JsonString(b, "branchArn"),
                       JsonString(b, "branchName"),
                       JsonString(b, "stage"),
                       JsonString(b, "displayName"),
                       JsonBool(b, "enableAutoBuild"),
                       JsonString(b, "activeJobId"),
                       JsonString(b, "totalNumberOfJobs"),
                       JsonTime(b, "updateTime")};
}

base::Result<std::vector<AmplifyJob>> AmplifyClient::ListJobs(const std::string& app_id,
                                                              const std::string& branch,
                                                              int max_results) {
  static const OperationModel op = Model().Operation("ListJobs");
  if (max_results < 1 || max_results > 100) {
    return base::InvalidArgument("list Amplify jobs: max_results is " +
                                 std::to_string(max_results) + ", allowed 1..100");
  }
  REX_ASSIGN_OR_RETURN(
      Json out,
      client_.Call(op, Json{{"appId", app_id}, {"branchName", branch}, {"maxResults", max_results}},
                   "list Amplify jobs of " + app_id + "/" + branch));
  std::vector<AmplifyJob> jobs;
  for (const auto& j : JsonArray(out, "jobSummaries")) jobs.push_back(ParseAmplifyJob(j));
  return jobs;
}

}  // namespace rex::aws
