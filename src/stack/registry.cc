#include "stack/registry.h"

#include <utility>

#include "base/check.h"
#include "base/json.h"

namespace rex::stack {

namespace ecr = cfn::ecr;

std::string Registry::LifecyclePolicyText(int keep_images) {
  base::Json rule = {
      {"rulePriority", 1},
      {"description", "keep the last " + std::to_string(keep_images) + " images"},
      {"selection",
       {{"tagStatus", "any"}, {"countType", "imageCountMoreThan"}, {"countNumber", keep_images}}},
      {"action", {{"type", "expire"}}},
  };
  return base::Json{{"rules", base::Json::array({rule})}}.dump();
}

Registry::Registry(core::Construct& scope, std::string id, RegistryProps props)
    : core::Construct(scope, std::move(id)) {
  REX_CHECK(props.config != nullptr);
  const config::Config& config = *props.config;
  if (props.keep_images < 1) {
    AddError("keep_images is " + std::to_string(props.keep_images) +
             "; a repository must keep at least 1 image");
  }
  const std::string prefix = config.project_name + "-" + config.environment;
  const bool is_dev = config.environment == "dev";
  for (const auto& [name, service] : config.services.entries) {
    if (!service.image.empty()) continue;  // an external image
    repositories_.emplace_back(name,
                               &AddRepository(config::ServiceConstructId(name), prefix + "-" + name,
                                              props.keep_images, is_dev));
  }
}

ecr::CfnRepository& Registry::AddRepository(const std::string& id, const std::string& name,
                                            int keep_images, bool is_dev) {
  ecr::CfnRepositoryProps repository_props{
      .encryption_configuration =
          ecr::CfnRepository::EncryptionConfiguration{.encryption_type = "AES256"},
      .image_scanning_configuration =
          ecr::CfnRepository::ImageScanningConfiguration{.scan_on_push = true},
      .image_tag_mutability = "MUTABLE",
      .lifecycle_policy = ecr::CfnRepository::LifecyclePolicy{.lifecycle_policy_text =
                                                                  LifecyclePolicyText(keep_images)},
      .repository_name = name,
  };
  if (is_dev) repository_props.empty_on_delete = true;
  auto& repository = Add<ecr::CfnRepository>(id, std::move(repository_props));
  core::DeletionPolicy policy =
      is_dev ? core::DeletionPolicy::kDelete : core::DeletionPolicy::kRetain;
  repository.set_deletion_policy(policy);
  repository.set_update_replace_policy(policy);
  return repository;
}

ecr::CfnRepository* Registry::repository(std::string_view name) const {
  for (const auto& [entry, repository] : repositories_) {
    if (entry == name) return repository;
  }
  return nullptr;
}

core::Str Registry::repository_uri(std::string_view name) const {
  ecr::CfnRepository* found = repository(name);
  REX_CHECK(found != nullptr);  // a service that runs an external image has no repository
  return found->attr_repository_uri();
}

std::vector<core::Str> Registry::repository_arns() const {
  std::vector<core::Str> arns;
  for (const auto& [name, repository] : repositories_) arns.push_back(repository->attr_arn());
  return arns;
}

std::vector<std::string> Registry::repository_services() const {
  std::vector<std::string> names;
  for (const auto& [name, repository] : repositories_) names.push_back(name);
  return names;
}

}  // namespace rex::stack
