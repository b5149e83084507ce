#pragma once

#include <optional>
#include <string>
#include <vector>

#include "aws/client.h"
#include "aws/service_models.h"
#include "aws/typed.h"

// Elastic Load Balancing v2 (query protocol, 2015-12-01): target health for `rex status`.
namespace rex::aws {

struct TargetHealthDescription {
  std::string target_id;
  std::optional<int64_t> port;
  std::string availability_zone;
  std::string health_check_port;
  std::string state;  // initial | healthy | unhealthy | unused | draining | unavailable
  std::string reason;
  std::string description;
};

struct TargetGroup {
  std::string target_group_arn;
  std::string target_group_name;
  std::string protocol;
  std::optional<int64_t> port;
  std::string vpc_id;
  std::string health_check_path;
  std::string target_type;
  std::vector<std::string> load_balancer_arns;
};

class Elbv2Client {
 public:
  static const LoadedModel& Model();

  Elbv2Client(Endpoint endpoint, CredentialsProvider* credentials, HttpTransport& transport,
              base::Clock& clock, RetryOptions retry = {});

  // kNotFound (TargetGroupNotFound) for an unknown ARN.
  base::Result<std::vector<TargetHealthDescription>> DescribeTargetHealth(
      const std::string& target_group_arn);
  // By load balancer, by ARNs or by names (set one); every page.
  base::Result<std::vector<TargetGroup>> DescribeTargetGroups(
      const std::string& load_balancer_arn, const std::vector<std::string>& arns = {},
      const std::vector<std::string>& names = {});

  AwsClient& client() { return client_; }

 private:
  AwsClient client_;
};

}  // namespace rex::aws
