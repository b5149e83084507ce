#include "stack/frontend.h"

#include <utility>

#include "base/check.h"
#include "core/intrinsics.h"

namespace rex::stack {
namespace {

using core::List;
using core::Str;
namespace amplify = cfn::amplify;

// Amplify's branch sub-domain: characters a DNS label cannot hold ("/", "_", ".") become "-".
std::string BranchSubdomain(const std::string& branch) {
  std::string label = branch;
  for (char& c : label) {
    bool keep =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (!keep) c = '-';
  }
  return label;
}

}  // namespace

Frontend::Frontend(core::Construct& scope, std::string id, FrontendProps props)
    : core::Construct(scope, std::move(id)) {
  REX_CHECK(props.config != nullptr);
  const config::Config& config = *props.config;
  if (config.github_repo.empty()) return;
  const std::string prefix = config.project_name + "-" + config.environment;
  branch_name_ = config.github_branch;
  frontend_domain_ = config.frontend_domain;

  if (!props.github_token.has_value()) {
    AddWarning(
        "githubRepo is set without githubToken: Amplify can connect the repository only "
        "if its GitHub App is already installed there; otherwise the deploy fails. Set "
        "one with \"rex config set githubToken --secret\"");
  }

  app_ =
      &Add<amplify::CfnApp>(
          "App", amplify::CfnAppProps{
                     .access_token = props.github_token,
                     .build_spec = kBuildSpec,
                     .custom_rules = List<amplify::CfnApp::CustomRule>{amplify::CfnApp::CustomRule{
                         .source = kSpaRewriteSource,
                         .status = "200",
                         .target = "/index.html",
                     }},
                     .description = "frontend of " + prefix + ", built from " + config.github_repo,
                     .environment_variables =
                         List<amplify::CfnApp::EnvironmentVariable>{
                             amplify::CfnApp::EnvironmentVariable{.name = "VITE_API_URL",
                                                                  .value = props.api_url},
                             amplify::CfnApp::EnvironmentVariable{.name = "REACT_APP_API_URL",
                                                                  .value = props.api_url},
                         },
                     .name = prefix + "-frontend",
                     .platform = "WEB",
                     .repository = config.github_repo,
                 });

  branch_ = &Add<amplify::CfnBranch>(
      "Branch", amplify::CfnBranchProps{
                    .app_id = app_->attr_app_id(),
                    .branch_name = config.github_branch,
                    .description = "deployed on every push to " + config.github_branch,
                    .enable_auto_build = true,
                    .stage = config.environment == "prod" ? "PRODUCTION" : "DEVELOPMENT",
                });

  if (!config.frontend_domain.empty()) {
    Add<amplify::CfnDomain>(
        "Domain",
        amplify::CfnDomainProps{
            .app_id = app_->attr_app_id(),
            .domain_name = config.frontend_domain,
            .sub_domain_settings =
                List<amplify::CfnDomain::SubDomainSetting>{amplify::CfnDomain::SubDomainSetting{
                    .branch_name = branch_->attr_branch_name(),
                    .prefix = "",
                }},
        });
  }
}

core::Str Frontend::frontend_url() const {
  if (app_ == nullptr) return "";
  if (!frontend_domain_.empty()) return "https://" + frontend_domain_;
  return core::Join(
      "", {"https://" + BranchSubdomain(branch_name_) + ".", app_->attr_default_domain()});
}

core::Str Frontend::app_id() const {
  if (app_ == nullptr) return "";
  return app_->attr_app_id();
}

}  // namespace rex::stack
