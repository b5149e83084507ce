#pragma once

// rex's own stack, `rex-bootstrap`: one S3 bucket for templates over CloudFormation's inline
// limit (51,200 bytes) and for the copy of the deploy history. The bucket is versioned,
// encrypted by default (SSE-S3, AES256), blocks every form of public access, denies any request
// that does not use TLS (aws:SecureTransport false) and expires non-current versions after
// 90 days. It is retained when the stack is deleted, since it holds history. Its name, chosen
// by CloudFormation, is the stack output "BucketName".
//
// The template is built like every rex stack: typed resources (cfn::s3, cfn::iam) in a
// core::Stack, synthesized and validated by core (required properties, schema ranges and
// patterns, references). The one difference: its resources carry no Metadata rex:path, so the
// template stays byte for byte what existing bootstrap stacks were created from.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "engine/deploy.h"

namespace rex::core {
class Construct;
class Stack;
}  // namespace rex::core

namespace rex::engine {

inline constexpr std::string_view kBootstrapStackName = "rex-bootstrap";
inline constexpr std::string_view kBootstrapBucketOutput = "BucketName";
// Days a non-current object version is kept. Default of the bootstrap template.
inline constexpr int kBootstrapNoncurrentDays = 90;

// The bootstrap template (deterministic JSON), without GitHub access. Its resources are fixed,
// so a synthesis error is a bug: it aborts.
base::Json BootstrapTemplate();

// GitHub Actions access (`rex bootstrap --github-repo OWNER/REPO`, bootstrap_github.cc): the
// bootstrap stack then also holds
//   - GitHubOidcProvider: the IAM OIDC provider of token.actions.githubusercontent.com
//     (audience sts.amazonaws.com), unless create_oidc_provider is false: an account has at
//     most one provider per URL, so a second one fails with "already exists"; the existing
//     one is then referred to by its fixed ARN
//     arn:<partition>:iam::<account>:oidc-provider/token.actions.githubusercontent.com;
//   - GitHubDeployRole: assumable with a GitHub OIDC token (sts:AssumeRoleWithWebIdentity,
//     aud sts.amazonaws.com) only when its sub is repo:<repo>:ref:refs/heads/<branch> or
//     repo:<repo>:environment:<environment> (StringEquals, no wildcards). Its permissions are
//     what `rex up` and the day-2 commands need when CloudFormation acts with the caller's
//     credentials (rex sets no RoleARN on its change sets): CloudFormation on the stacks
//     <stack_prefix>-* (never on rex-bootstrap itself: an explicit Deny keeps the role from
//     changing its own trust or permissions), the bootstrap bucket's objects, the services the
//     rex stacks are made of, IAM roles named <stack_prefix>-* (create, change, pass) and
//     service-linked roles;
//   - GitHubPreviewRole: sub repo:<repo>:pull_request only; reads stacks and templates and
//     creates, describes and deletes change sets on <stack_prefix>-* (never executes one),
//     reads and writes templates/* in the bucket. A pull request can change the workflow, so
//     what it can assume must not deploy.
// Outputs (besides BucketName): GitHubDeployRoleArn, GitHubPreviewRoleArn, GitHubRepository,
// GitHubBranch, GitHubEnvironment, GitHubOidcProvider ("created" | "existing"),
// GitHubStackPrefix; `rex bootstrap` without --github-repo reads them back so that updating
// the bootstrap stack keeps the GitHub access.
struct GithubAccess {
  std::string repo;                        // "OWNER/REPO"
  std::string branch = "main";             // whose pushes may deploy
  std::string environment = "production";  // the GitHub environment of the deploy job
  bool create_oidc_provider = true;
  std::string stack_prefix = "rex-backend";  // the projectName of the stacks it may deploy
};
inline constexpr std::string_view kBootstrapDeployRoleOutput = "GitHubDeployRoleArn";
inline constexpr std::string_view kBootstrapPreviewRoleOutput = "GitHubPreviewRoleArn";

// kInvalidArgument naming the field and what is allowed: repo OWNER/REPO (letters, digits,
// '.', '_', '-'), branch (letters, digits, '.', '_', '-', '/'; no "..", no wildcards),
// environment (letters, digits, '.', '_', '-'; at most 100), stack_prefix (a projectName:
// lowercase letters, digits, '-', starting with a letter, at most 20, not "rex-bootstrap").
base::Status ValidateGithubAccess(const GithubAccess& github);

// BootstrapTemplate() plus, with `github`, the resources and outputs above. Without it the
// result is exactly BootstrapTemplate() (existing bootstrap stacks stay unchanged). `github`
// must pass ValidateGithubAccess (a synthesis error aborts); SynthesizeBootstrapTemplate
// returns the error instead.
base::Json BootstrapTemplate(const std::optional<GithubAccess>& github);

// Adds the bootstrap stack (id kBootstrapStackName) under `scope`: the S3 bucket "Bucket"
// (cfn::s3::CfnBucket, retained on delete and replace), its TLS-only "BucketPolicy", the
// output BucketName and, with `github`, the resources and outputs of GithubAccess (cfn::iam).
// Outputs live under the stack's child construct "Outputs". The stack is owned by `scope`.
core::Stack& AddBootstrapStack(core::Construct& scope, const std::optional<GithubAccess>& github);

// Synthesizes `stack` (one made by AddBootstrapStack) through core::Stack::Synthesize and drops
// the resources' Metadata. kInvalidArgument listing every error ("error: rex-bootstrap/...:
// Property: ..."), as synthesis reports them.
base::Result<base::Json> SynthesizeBootstrapStack(const core::Stack& stack);

// AddBootstrapStack in an App of its own, synthesized: the bootstrap template, or the errors.
base::Result<base::Json> SynthesizeBootstrapTemplate(const std::optional<GithubAccess>& github);

// The GitHub access a deployed bootstrap stack holds, read back from its outputs; nullopt when
// it has none.
std::optional<GithubAccess> GithubAccessFromOutputs(const std::vector<aws::CfnOutput>& outputs);

// The bootstrap bucket's name: the stack output BucketName, or, when a complete stack
// (CREATE/UPDATE/IMPORT_COMPLETE, UPDATE_ROLLBACK_COMPLETE) lacks that output, the physical id
// of its AWS::S3::Bucket "Bucket" from ListStackResources. nullopt when the bootstrap stack does
// not exist, has not completed, or has no such bucket. AWS errors as DescribeStacks and
// ListStackResources report them.
base::Result<std::optional<std::string>> FindBootstrapBucket(aws::CloudFormationClient& cfn);

// Deploys BootstrapTemplate() as kBootstrapStackName through Deploy() (tagged
// project=rex); `request` supplies confirm/cancel/poll settings, its stack name, template and
// parameters are overwritten.
// With `github`, the template is BootstrapTemplate(github) (its roles need CAPABILITY_IAM,
// which Deploy always sends). A synthesis error (SynthesizeBootstrapTemplate) is returned
// before any AWS call.
base::Result<DeployOutcome> DeployBootstrap(DeployClients& clients, DeployRequest request,
                                            DeployObserver& observer,
                                            const std::optional<GithubAccess>& github = {});

}  // namespace rex::engine
