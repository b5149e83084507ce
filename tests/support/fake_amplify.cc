#include "support/fake_amplify.h"

#include "aws/http.h"
#include "base/strings.h"

namespace rex::testing {

namespace {

using base::Json;

FakeAnswer NotFound(const std::string& message) {
  FakeAnswer a;
  a.response.status = 404;
  a.response.headers = {{"Content-Type", "application/json"},
                        {"x-amzn-ErrorType", "NotFoundException"},
                        {"x-amzn-RequestId", FakeRequestId()}};
  a.response.body = Json{{"message", message}}.dump();
  return a;
}

FakeAnswer RestJson(const Json& body) {
  FakeAnswer a = FakeJsonAnswer(body);
  aws::SetHeader(a.response.headers, "Content-Type", "application/json");
  return a;
}

}  // namespace

FakeAnswer FakeAmplify::Serve(const FakeCall& call) {
  std::lock_guard<std::mutex> lock(mu_);
  requests_.push_back(call.action);
  // /apps/{appId}[/branches/{branch}[/jobs]]
  std::vector<std::string> parts = base::Split(call.url.path, '/');
  std::vector<std::string> segments;
  for (const std::string& p : parts) {
    if (!p.empty()) segments.push_back(aws::UriDecode(p));
  }
  if (call.request->method != "GET" || segments.size() < 2 || segments[0] != "apps") {
    return NotFound("the fake Amplify does not serve " + call.action);
  }
  const std::string& app = segments[1];
  const double now = 1795000000;
  if (segments.size() == 2) {
    return RestJson({{"app",
                      {{"appId", app},
                       {"appArn", "arn:aws:amplify:us-east-1:123456789012:apps/" + app},
                       {"name", app},
                       {"defaultDomain", app + ".amplifyapp.com"},
                       {"createTime", now},
                       {"updateTime", now}}}});
  }
  if (segments.size() < 4 || segments[2] != "branches") return NotFound("no such resource");
  const std::string& branch = segments[3];
  if (segments.size() == 4) {
    return RestJson({{"branch",
                      {{"branchName", branch},
                       {"stage", "PRODUCTION"},
                       {"enableAutoBuild", true},
                       {"activeJobId", job_ ? job_->id : ""},
                       {"totalNumberOfJobs", job_ ? job_->id : "0"},
                       {"updateTime", now}}}});
  }
  if (segments.size() == 5 && segments[4] == "jobs") {
    Json summaries = Json::array();
    if (job_) {
      summaries.push_back({{"jobArn", "arn:aws:amplify:us-east-1:123456789012:apps/" + app +
                                          "/branches/" + branch + "/jobs/" + job_->id},
                           {"jobId", job_->id},
                           {"commitId", job_->commit_id},
                           {"commitMessage", job_->commit_message},
                           {"commitTime", now - 120},
                           {"startTime", now - 100},
                           {"endTime", now},
                           {"status", job_->status},
                           {"jobType", "WEB_HOOK"}});
    }
    return RestJson({{"jobSummaries", summaries}});
  }
  return NotFound("no such resource");
}

void FakeAmplify::SetLastJob(std::optional<FakeAmplifyJob> job) {
  std::lock_guard<std::mutex> lock(mu_);
  job_ = std::move(job);
}

std::vector<std::string> FakeAmplify::Requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

}  // namespace rex::testing
