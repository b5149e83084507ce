#pragma once

#include <optional>
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
// "elasticloadbalancing" (also "elbv2"), "rds", "elasticache", "amplify", "kms":
// https://{prefix}.{region}.amazonaws.com
// (amazonaws.com.cn in China regions), ECR at api.ecr with signing name "ecr".
// kInvalidArgument for an unknown service, a missing or malformed region, or an
// endpoint_url that is not an http(s) URL.
base::Result<Endpoint> ResolveEndpoint(std::string_view service, const EndpointOptions& options);

// The warning for an --endpoint-url that sends requests (NoEcho parameter values, signed
// credentials) in clear over the network: plain http:// to a host other than localhost,
// 127.0.0.0/8 or [::1]. nullopt for https, loopback, an empty or unparsable URL.
std::optional<std::string> PlainHttpWarning(std::string_view endpoint_url);

// The region of a command, from what it was given:
//
// Without a stack config region (stack_config_region empty, e.g. `rex bootstrap` with no
// stacks/<name>.yaml), the first non-empty of: the --region flag, AWS_REGION,
// AWS_DEFAULT_REGION, the profile's `region` (the AWS CLI's order), then
// fallback_region (a built-in preset's region). kInvalidArgument naming every place looked at
// if all are empty.
//
// With a stack config region, that region is authoritative (the stack lives there; another
// region would create a second, empty stack):
//   - --region given: it must equal the config's; otherwise kInvalidArgument naming both.
//   - no --region: the region the environment would choose (the first non-empty of
//     AWS_REGION, AWS_DEFAULT_REGION, the profile's region; the ones it shadows are not
//     used by anything and not checked) must be empty or equal the config's; otherwise
//     kInvalidArgument naming both values and where each came from.
// The result is then the config's region.
struct RegionSources {
  std::string flag = {};
  std::string aws_region_env = {};
  std::string aws_default_region_env = {};
  std::string profile_region = {};
  // The profile the region came from ("default", "ci"), for messages. Default: "default".
  std::string profile_name = {};
  // The region of the stack config file, and where it came from for messages
  // ("stacks/prod.yaml"). Empty: no stack config names a region.
  std::string stack_config_region = {};
  std::string stack_config_source = {};
  // Used last when nothing else names a region (a built-in preset's region). Not
  // authoritative.
  std::string fallback_region = {};
};
base::Result<std::string> ResolveRegion(const RegionSources& sources);

}  // namespace rex::aws
