#pragma once

// A TEST DOUBLE of AWS Amplify (REST-JSON, 2017-07-25) for FakeAws, routed by path
// (/apps/...): GetApp, GetBranch and ListJobs of any app and branch, with the branch's last
// build job scripted by the test. Default: one job "1", SUCCEED.
//
//   FakeAmplify amplify;
//   server.aws().AddService("amplify", &amplify);
//   amplify.SetLastJob({.id = "7", .status = "FAILED", .commit_id = "abc1234"});
//
// Thread-safe.

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "support/fake_aws_server.h"

namespace rex::testing {

struct FakeAmplifyJob {
  std::string id = "1";
  std::string status = "SUCCEED";  // PENDING | RUNNING | FAILED | SUCCEED | CANCELLED
  std::string commit_id = "0f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6";
  std::string commit_message = "Initial commit";
};

class FakeAmplify : public FakeService {
 public:
  FakeAnswer Serve(const FakeCall& call) override;

  // The branch's last job from now on; nullopt: the branch was never built.
  void SetLastJob(std::optional<FakeAmplifyJob> job);
  // "GET /apps/<id>/branches/<name>/jobs", ... for every request, in order.
  std::vector<std::string> Requests() const;

 private:
  mutable std::mutex mu_;
  std::optional<FakeAmplifyJob> job_ = FakeAmplifyJob{};
  std::vector<std::string> requests_;
};

}  // namespace rex::testing
