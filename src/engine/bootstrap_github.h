#pragma once

// The GitHub Actions part of the bootstrap stack (engine/bootstrap.h, GithubAccess), as typed
// resources: used by AddBootstrapStack, nothing else.

#include "engine/bootstrap.h"

namespace rex::cfn::s3 {
class CfnBucket;
}  // namespace rex::cfn::s3

namespace rex::engine {

// Adds to `stack` the IAM OIDC provider "GitHubOidcProvider" (only if
// github.create_oidc_provider), the roles "GitHubDeployRole" and "GitHubPreviewRole" (granted
// `bucket`, the bootstrap bucket), and under `outputs` the outputs GithubAccess lists.
// `github` should pass ValidateGithubAccess; what the schemas refuse is reported at synthesis.
void AddGithubAccess(core::Stack& stack, core::Construct& outputs, const cfn::s3::CfnBucket& bucket,
                     const GithubAccess& github);

}  // namespace rex::engine
