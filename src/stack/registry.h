#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cfn/ecr.gen.h"
#include "config/config.h"
#include "core/construct.h"
#include "core/value.h"

namespace rex::stack {

struct RegistryProps {
  // The stack config; read during construction only (projectName, environment). Required: a
  // null config is a bug (REX_CHECK).
  const config::Config* config = nullptr;
  // Images each repository keeps; older ones are expired by the lifecycle policy.
  // Default: 10. Allowed: 1 or more.
  int keep_images = 10;
};

// One ECR repository "<p>-<e>-<name>" (construct "<Name>": "Api", "Worker" in the presets)
// per service of config.services whose image is "" (the repository rex creates), each with:
//   - scan on push;
//   - encryption AES256 stated explicitly (ECR's default, so `rex check` and readers see it);
//   - tag mutability MUTABLE: the deploy flow of the original README pushes ":latest" again
//     for every release, which IMMUTABLE would refuse;
//   - a lifecycle policy expiring everything but the newest `keep_images` images;
//   - in the "dev" environment EmptyOnDelete and DeletionPolicy/UpdateReplacePolicy Delete,
//     so `rex destroy` removes repositories that still hold images (it fails otherwise);
//     elsewhere DeletionPolicy and UpdateReplacePolicy Retain (CDK's default for
//     repositories), so released images outlive the stack. A retained repository keeps its
//     name: delete it by hand before creating the stack again.
// Errors (AddError on this construct): keep_images below 1.
class Registry : public core::Construct {
 public:
  Registry(core::Construct& scope, std::string id, RegistryProps props);

  // The repository of the service `name`; null when the service runs an external image.
  cfn::ecr::CfnRepository* repository(std::string_view name) const;
  // "<account>.dkr.ecr.<region>.amazonaws.com/<name>" (GetAtt RepositoryUri); aborts for a
  // service without a repository.
  core::Str repository_uri(std::string_view name) const;
  // GetAtt Arn of every repository, in services order, for IAM policies.
  std::vector<core::Str> repository_arns() const;
  // The services that have a repository, in services order.
  std::vector<std::string> repository_services() const;

  // The lifecycle policy text for `keep_images` (compact JSON, one rule).
  static std::string LifecyclePolicyText(int keep_images);

 private:
  cfn::ecr::CfnRepository& AddRepository(const std::string& id, const std::string& name,
                                         int keep_images, bool is_dev);

  std::vector<std::pair<std::string, cfn::ecr::CfnRepository*>> repositories_;
};

}  // namespace rex::stack
