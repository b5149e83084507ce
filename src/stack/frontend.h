#pragma once

#include <optional>
#include <string>

#include "cfn/amplify.gen.h"
#include "config/config.h"
#include "core/construct.h"
#include "core/value.h"

namespace rex::stack {

struct FrontendProps {
  // The stack config; read during construction only (naming, environment, githubRepo,
  // githubBranch, frontendDomain). Required: a null config is a bug (REX_CHECK).
  const config::Config* config = nullptr;
  // Base URL of the API the SPA calls (e.g. a Join over the ALB's DNS name), passed to the
  // build as VITE_API_URL and REACT_APP_API_URL. Default: "" (the variables are empty).
  core::Str api_url = "";
  // Amplify's AccessToken (the GithubToken parameter of AppSecrets). Default: none; Amplify
  // then connects only if its GitHub App is already installed on the repository (a warning).
  std::optional<core::Str> github_token = {};
};

// The React SPA on AWS Amplify Hosting, connected to githubRepo. Only when githubRepo is set;
// otherwise this construct adds nothing, frontend_url() and app_id() are "" and app() is null.
//
//   App     AWS::Amplify::App "<p>-<e>-frontend", platform WEB, the repository and token,
//           the SPA rewrite (every path without a file extension, or with one a static site
//           does not serve, to /index.html with status 200), the API URL as build variables,
//           and the build spec kBuildSpec
//   Branch  AWS::Amplify::Branch githubBranch, auto build on push, stage PRODUCTION in the
//           "prod" environment and DEVELOPMENT elsewhere
//   Domain  AWS::Amplify::Domain when frontendDomain is set: the branch served at the domain
//           itself (empty prefix), certificate managed by Amplify
//
// Warnings (AddWarning on this construct): githubRepo without a token.
class Frontend : public core::Construct {
 public:
  // The build spec of a typical React SPA built with Vite: `npm ci`, `npm run build`, the
  // site in dist/ (Vite's output folder; Create React App writes build/ instead — override
  // BuildSpec through app() for such a project).
  static constexpr const char* kBuildSpec = R"(version: 1
frontend:
  phases:
    preBuild:
      commands:
        - npm ci
    build:
      commands:
        - npm run build
  artifacts:
    baseDirectory: dist
    files:
      - '**/*'
  cache:
    paths:
      - node_modules/**/*
)";
  // Paths that are not static files: rewritten to /index.html so client-side routes load.
  static constexpr const char* kSpaRewriteSource =
      "</^[^.]+$|\\.(?!(css|gif|ico|jpg|js|png|txt|svg|woff|woff2|ttf|map|json|webp)$)([^.]+$)/>";

  Frontend(core::Construct& scope, std::string id, FrontendProps props);

  // Whether githubRepo was set and the Amplify resources exist.
  bool enabled() const { return app_ != nullptr; }
  cfn::amplify::CfnApp* app() { return app_; }
  cfn::amplify::CfnBranch* branch() { return branch_; }
  // "https://<frontendDomain>" when set, else "https://<branch>.<app default domain>" (a Join
  // over GetAtt DefaultDomain; "/" in the branch name becomes "-", as Amplify does). "" when
  // disabled.
  core::Str frontend_url() const;
  // GetAtt AppId; "" when disabled.
  core::Str app_id() const;

 private:
  cfn::amplify::CfnApp* app_ = nullptr;
  cfn::amplify::CfnBranch* branch_ = nullptr;
  std::string branch_name_;
  std::string frontend_domain_;
};

}  // namespace rex::stack
