#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

// Where each AWS service lives and how requests to it are signed.
namespace rex::aws {

struct Endpoint {
  std::string url;             // "https://cloudformation.eu-west-1.amazonaws.com"
  std::string signing_region;  // region in the credential scope
  std::string signing_name;    // service in the credential scope ("ecr" for api.ecr)
};

struct EndpointOptions {
  std::string region;
  // --endpoint-url: used for every service (moto, LocalStack). Default: none.
  std::string endpoint_url = {};
  // STS: use the global endpoint https://sts.amazonaws.com (signed as us-east-1) instead
  // of the regional one. Default: false (regional, the AWS CLI v2 default).
  bool sts_global = false;
};

// The endpoint of `service`, one of "cloudformation", "s3", "sts", "ecs", "logs", "ecr",
// "elasticloadbalancing" (also "elbv2"), "rds", "elasticache", "amplify":
// https://{prefix}.{region}.amazonaws.com
// (amazonaws.com.cn in China regions), ECR at api.ecr with signing name "ecr".
// kInvalidArgument for an unknown service, a missing or malformed region, or an
// endpoint_url that is not an http(s) URL.
base::Result<Endpoint> ResolveEndpoint(std::string_view service, const EndpointOptions& options);

// The first non-empty of: the --region flag, AWS_REGION, AWS_DEFAULT_REGION, the profile's
// `region`, the stack config's region. kInvalidArgument naming every place looked at if
// all are empty.
struct RegionSources {
  std::string flag = {};
  std::string aws_region_env = {};
  std::string aws_default_region_env = {};
  std::string profile_region = {};
  std::string stack_config_region = {};
};
base::Result<std::string> ResolveRegion(const RegionSources& sources);

}  // namespace rex::aws
