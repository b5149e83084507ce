#include "aws/endpoints.h"

#include <cctype>

#include "aws/http.h"

namespace rex::aws {

namespace {

bool ValidRegion(std::string_view region) {
  if (region.empty()) return false;
  for (char c : region) {
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '-')) {
      return false;
    }
  }
  return true;
}

}  // namespace

base::Result<Endpoint> ResolveEndpoint(std::string_view service, const EndpointOptions& options) {
  std::string prefix;
  std::string signing_name;
  if (service == "cloudformation" || service == "s3" || service == "sts" || service == "ecs" ||
      service == "logs" || service == "rds" || service == "elasticache" || service == "amplify" ||
      service == "secretsmanager" || service == "kms") {
    prefix = signing_name = std::string(service);
  } else if (service == "ecr") {
    prefix = "api.ecr";
    signing_name = "ecr";
  } else if (service == "elasticloadbalancing" || service == "elbv2") {
    prefix = signing_name = "elasticloadbalancing";
  } else {
    return base::InvalidArgument("unknown AWS service \"" + std::string(service) + "\"");
  }
  if (!ValidRegion(options.region)) {
    return base::InvalidArgument(options.region.empty()
                                     ? "no AWS region: pass --region or set AWS_REGION"
                                     : "invalid AWS region \"" + options.region +
                                           "\" (expected e.g. eu-west-1)");
  }
  Endpoint endpoint;
  endpoint.signing_name = signing_name;
  endpoint.signing_region = options.region;
  if (!options.endpoint_url.empty()) {
    auto url = ParseUrl(options.endpoint_url);
    if (!url.ok() || (url->scheme != "http" && url->scheme != "https")) {
      return base::InvalidArgument("--endpoint-url \"" + options.endpoint_url +
                                   "\" is not an http(s) URL");
    }
    endpoint.url = options.endpoint_url;
    while (!endpoint.url.empty() && endpoint.url.back() == '/') endpoint.url.pop_back();
    return endpoint;
  }
  if (service == "sts" && options.sts_global) {
    endpoint.url = "https://sts.amazonaws.com";
    endpoint.signing_region = "us-east-1";
    return endpoint;
  }
  std::string domain = options.region.rfind("cn-", 0) == 0 ? "amazonaws.com.cn" : "amazonaws.com";
  endpoint.url = "https://" + prefix + "." + options.region + "." + domain;
  return endpoint;
}

base::Result<std::string> ResolveRegion(const RegionSources& sources) {
  if (!sources.stack_config_region.empty()) {
    const std::string& want = sources.stack_config_region;
    std::string config = sources.stack_config_source.empty() ? std::string("the stack config")
                                                             : sources.stack_config_source;
    if (!sources.flag.empty()) {
      if (sources.flag == want) return want;
      return base::InvalidArgument("--region " + sources.flag + " does not match the region of " +
                                   config + " (" + want + "); the stack lives in " + want +
                                   ": pass --region " + want + " or leave --region out");
    }
    std::string other;
    std::string where;
    if (!sources.aws_region_env.empty()) {
      other = sources.aws_region_env;
      where = "AWS_REGION";
    } else if (!sources.aws_default_region_env.empty()) {
      other = sources.aws_default_region_env;
      where = "AWS_DEFAULT_REGION";
    } else if (!sources.profile_region.empty()) {
      other = sources.profile_region;
      where = "the region of AWS profile \"" +
              (sources.profile_name.empty() ? std::string("default") : sources.profile_name) + "\"";
    }
    if (other.empty() || other == want) return want;
    return base::InvalidArgument(
        "region mismatch: " + config + " says region " + want + " but " + where + " says " + other +
        "; the stack lives in its config's region, so rex refuses to guess: pass " + "--region " +
        want + " (or unset " + where + ") to use " + want + ", or change `region` in " + config +
        " to move the stack");
  }
  for (const std::string* candidate :
       {&sources.flag, &sources.aws_region_env, &sources.aws_default_region_env,
        &sources.profile_region, &sources.fallback_region}) {
    if (!candidate->empty()) return *candidate;
  }
  return base::InvalidArgument(
      "no AWS region: pass --region, set AWS_REGION or AWS_DEFAULT_REGION, add `region` to "
      "the AWS profile, or set the stack config's region");
}

std::optional<std::string> PlainHttpWarning(std::string_view endpoint_url) {
  if (endpoint_url.empty()) return std::nullopt;
  auto url = ParseUrl(endpoint_url);
  if (!url.ok() || url->scheme != "http") return std::nullopt;
  const std::string& host = url->host;
  bool loopback = host == "localhost" || host == "[::1]" || host.rfind("127.", 0) == 0;
  if (loopback) return std::nullopt;
  return "--endpoint-url " + url->Origin() +
         " is plain http to a host that is not this machine: requests, NoEcho parameter values "
         "included, cross the network unencrypted; use https";
}

}  // namespace rex::aws
