#pragma once

// A TEST DOUBLE of Elastic Load Balancing v2 (query protocol, 2015-12-01) for FakeAws:
// DescribeTargetGroups and DescribeTargetHealth with scripted targets. A target group nobody
// scripted answers two healthy targets, so a deployed stack looks healthy by default.
//
//   FakeElbv2 elb;
//   server.aws().AddService("elasticloadbalancing", &elb);
//   elb.SetTargets(tg_arn, {{.id = "10.0.1.7", .port = 3567, .state = "unhealthy",
//                            .reason = "Target.FailedHealthChecks", .description = "..."}});
//
// Thread-safe.

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "support/fake_aws_server.h"

namespace rex::testing {

struct FakeTarget {
  std::string id = {};
  int port = 80;
  std::string state = "healthy";  // initial | healthy | unhealthy | unused | draining
  std::string reason = {};        // e.g. Target.FailedHealthChecks
  std::string description = {};
};

class FakeElbv2 : public FakeService {
 public:
  FakeAnswer Serve(const FakeCall& call) override;

  // The targets DescribeTargetHealth answers for `target_group_arn` from now on.
  void SetTargets(const std::string& target_group_arn, std::vector<FakeTarget> targets);
  // Makes DescribeTargetHealth of `target_group_arn` answer TargetGroupNotFound.
  void RemoveTargetGroup(const std::string& target_group_arn);
  // The target group ARNs asked for, in order.
  std::vector<std::string> HealthRequests() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::vector<FakeTarget>> targets_;
  std::map<std::string, bool> removed_;
  std::vector<std::string> health_requests_;
};

}  // namespace rex::testing
