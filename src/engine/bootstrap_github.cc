// The GitHub Actions part of the bootstrap stack (engine/bootstrap.h, GithubAccess): the
// OIDC provider, the deploy role and the preview role, as typed resources (cfn::iam).

#include "engine/bootstrap_github.h"

#include <map>
#include <regex>
#include <string>
#include <vector>

#include "cfn/iam.gen.h"
#include "cfn/s3.gen.h"
#include "core/construct.h"
#include "core/element.h"
#include "core/intrinsics.h"
#include "core/stack.h"

namespace rex::engine {
namespace {

using core::Value;

constexpr const char* kGithubTokenHost = "token.actions.githubusercontent.com";

// {"Fn::Sub": text}; the names in it are checked at synthesis.
Value Sub(const std::string& text) { return core::Sub(text).value(); }

Value Strings(const std::vector<std::string>& items) {
  std::vector<Value> values(items.begin(), items.end());
  return Value::List(std::move(values));
}

Value StackArns(const GithubAccess& github) {
  return Value::List(
      {Sub("arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/" +
           github.stack_prefix + "-*/*")});
}

Value BootstrapStackArn() {
  return Sub("arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/" +
             std::string(kBootstrapStackName) + "/*");
}

// The trust policy: a GitHub OIDC token for sts.amazonaws.com whose sub is one of `subjects`,
// issued by `provider` (the provider's Ref, or the ARN of the account's existing one).
Value Trust(const Value& provider, const std::vector<std::string>& subjects) {
  std::string host(kGithubTokenHost);
  return Value::Object(
      {{"Version", "2012-10-17"},
       {"Statement",
        Value::List({Value::Object(
            {{"Effect", "Allow"},
             {"Principal", Value::Object({{"Federated", provider}})},
             {"Action", "sts:AssumeRoleWithWebIdentity"},
             {"Condition",
              Value::Object(
                  {{"StringEquals", Value::Object({{host + ":aud", "sts.amazonaws.com"},
                                                   {host + ":sub", Strings(subjects)}})}})}})})}});
}

Value Statement(const std::string& sid, const std::vector<std::string>& actions, Value resources,
                const std::string& effect = "Allow") {
  return Value::Object({{"Sid", sid},
                        {"Effect", effect},
                        {"Action", Strings(actions)},
                        {"Resource", std::move(resources)}});
}

Value PolicyDocument(std::vector<Value> statements) {
  return Value::Object(
      {{"Version", "2012-10-17"}, {"Statement", Value::List(std::move(statements))}});
}

// What `rex preview`, `rex up`, `rex rollback`, `rex destroy` and the day-2 commands call.
Value DeployPolicy(const GithubAccess& github, const cfn::s3::CfnBucket& bucket) {
  const std::string bucket_arn = "${" + bucket.logical_id() + ".Arn}";
  std::vector<Value> statements;
  statements.push_back(
      Statement("ReadStacks",
                {"cloudformation:DescribeStacks", "cloudformation:ListStacks",
                 "cloudformation:GetTemplateSummary", "cloudformation:ValidateTemplate"},
                "*"));
  statements.push_back(
      Statement("RexStacks",
                {"cloudformation:CreateStack", "cloudformation:UpdateStack",
                 "cloudformation:DeleteStack", "cloudformation:CreateChangeSet",
                 "cloudformation:DescribeChangeSet", "cloudformation:ExecuteChangeSet",
                 "cloudformation:DeleteChangeSet", "cloudformation:ListChangeSets",
                 "cloudformation:DescribeStackEvents", "cloudformation:DescribeStackResource",
                 "cloudformation:DescribeStackResources", "cloudformation:ListStackResources",
                 "cloudformation:GetTemplate", "cloudformation:CancelUpdateStack",
                 "cloudformation:ContinueUpdateRollback", "cloudformation:RollbackStack",
                 "cloudformation:TagResource", "cloudformation:UntagResource"},
                StackArns(github)));
  statements.push_back(
      Statement("ReadBootstrapStack",
                {"cloudformation:DescribeStackEvents", "cloudformation:GetTemplate",
                 "cloudformation:ListStackResources"},
                Value::List({BootstrapStackArn()})));
  statements.push_back(Statement(
      "NeverChangeTheBootstrapStack",
      {"cloudformation:CreateStack", "cloudformation:UpdateStack", "cloudformation:DeleteStack",
       "cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"},
      Value::List({BootstrapStackArn()}), "Deny"));
  statements.push_back(
      Statement("BootstrapBucketObjects",
                {"s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject"},
                Value::List({Sub(bucket_arn + "/*")})));
  statements.push_back(Statement("BootstrapBucket",
                                 {"s3:ListBucket", "s3:ListBucketVersions", "s3:GetBucketLocation"},
                                 Value::List({bucket.attr_arn().value()})));
  // The services the rex stacks are made of (their resource types), ECS/Logs/ECR for the
  // day-2 commands (migrate, logs, redeploy, status, images push).
  statements.push_back(Statement("StackResources",
                                 {"ec2:*",
                                  "ecs:*",
                                  "ecr:*",
                                  "rds:*",
                                  "elasticache:*",
                                  "elasticloadbalancing:*",
                                  "logs:*",
                                  "cloudwatch:*",
                                  "secretsmanager:*",
                                  "servicediscovery:*",
                                  "route53:*",
                                  "sns:*",
                                  "wafv2:*",
                                  "amplify:*",
                                  "application-autoscaling:*",
                                  "backup:*",
                                  "backup-storage:MountCapsule",
                                  "cloudtrail:*",
                                  "acm:DescribeCertificate",
                                  "acm:ListCertificates",
                                  "kms:DescribeKey",
                                  "kms:CreateGrant",
                                  "kms:ListAliases"},
                                 "*"));
  // A backup vault encrypted with AWS Backup's default key: AWS Backup uses the key on the
  // caller's behalf when CloudFormation creates the vault (kms:ViaService names it).
  statements.push_back(Value::Object({
      {"Sid", "BackupVaultKey"},
      {"Effect", "Allow"},
      {"Action", Strings({"kms:Decrypt", "kms:GenerateDataKey", "kms:RetireGrant"})},
      {"Resource", "*"},
      {"Condition", Value::Object({{"StringLike", Value::Object({{"kms:ViaService",
                                                                  "backup.*.amazonaws.com"}})}})},
  }));
  // The stack's own buckets (a CloudTrail trail's log bucket): CloudFormation names them
  // "<stack name>-<logical id>-<suffix>", so they start with the stack prefix.
  statements.push_back(
      Statement("StackBuckets",
                {"s3:CreateBucket", "s3:DeleteBucket", "s3:ListBucket", "s3:GetBucketLocation",
                 "s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy",
                 "s3:GetEncryptionConfiguration", "s3:PutEncryptionConfiguration",
                 "s3:GetBucketVersioning", "s3:PutBucketVersioning", "s3:GetLifecycleConfiguration",
                 "s3:PutLifecycleConfiguration", "s3:GetBucketPublicAccessBlock",
                 "s3:PutBucketPublicAccessBlock", "s3:GetBucketOwnershipControls",
                 "s3:PutBucketOwnershipControls", "s3:GetBucketTagging", "s3:PutBucketTagging"},
                Value::List({Sub("arn:${AWS::Partition}:s3:::" + github.stack_prefix + "-*")})));
  statements.push_back(Statement(
      "StackRoles",
      {"iam:CreateRole", "iam:DeleteRole", "iam:GetRole", "iam:UpdateRole",
       "iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy",
       "iam:GetRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:ListRolePolicies",
       "iam:ListAttachedRolePolicies", "iam:TagRole", "iam:UntagRole", "iam:PassRole"},
      Value::List({Sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/" + github.stack_prefix +
                       "-*")})));
  statements.push_back(Statement(
      "ServiceLinkedRoles", {"iam:CreateServiceLinkedRole", "iam:GetRole"},
      Value::List({Sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/*")})));
  return PolicyDocument(std::move(statements));
}

// What `rex preview` (online) calls: no ExecuteChangeSet, no resource permissions.
Value PreviewPolicy(const GithubAccess& github, const cfn::s3::CfnBucket& bucket) {
  const std::string bucket_arn = "${" + bucket.logical_id() + ".Arn}";
  std::vector<Value> statements;
  statements.push_back(
      Statement("ReadStacks",
                {"cloudformation:DescribeStacks", "cloudformation:ListStacks",
                 "cloudformation:GetTemplateSummary", "cloudformation:ValidateTemplate"},
                "*"));
  statements.push_back(
      Statement("PreviewChangeSets",
                {"cloudformation:CreateChangeSet", "cloudformation:DescribeChangeSet",
                 "cloudformation:DeleteChangeSet", "cloudformation:ListChangeSets",
                 "cloudformation:DescribeStackEvents", "cloudformation:GetTemplate",
                 "cloudformation:ListStackResources"},
                StackArns(github)));
  statements.push_back(Statement("PreviewTemplates", {"s3:GetObject", "s3:PutObject"},
                                 Value::List({Sub(bucket_arn + "/templates/*")})));
  statements.push_back(Statement("BootstrapBucket", {"s3:GetBucketLocation"},
                                 Value::List({bucket.attr_arn().value()})));
  return PolicyDocument(std::move(statements));
}

cfn::iam::CfnRole& AddRole(core::Stack& stack, const std::string& id,
                           const std::string& description, Value trust,
                           const std::string& policy_name, Value policy) {
  return stack.Add<cfn::iam::CfnRole>(
      id, cfn::iam::CfnRoleProps{
              .assume_role_policy_document = core::Json(std::move(trust)),
              .description = description,
              .max_session_duration = 3600,
              .policies = core::List<cfn::iam::CfnRole::Policy>{cfn::iam::CfnRole::Policy{
                  .policy_document = core::Json(std::move(policy)), .policy_name = policy_name}},
              .tags = core::List<core::Tag>{{"project", "rex"}}});
}

void AddOutput(core::Construct& outputs, std::string_view id, const std::string& description,
               Value value) {
  outputs.Add<core::Output>(
      std::string(id), core::OutputProps{.value = std::move(value), .description = description});
}

}  // namespace

base::Status ValidateGithubAccess(const GithubAccess& github) {
  static const std::regex kRepo("[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}");
  if (!std::regex_match(github.repo, kRepo)) {
    return base::InvalidArgument("--github-repo \"" + github.repo +
                                 "\": use OWNER/REPO (letters, digits, '.', '_', '-')");
  }
  static const std::regex kBranch("[A-Za-z0-9._][A-Za-z0-9._/-]{0,199}");
  if (!std::regex_match(github.branch, kBranch) || github.branch.find("..") != std::string::npos) {
    return base::InvalidArgument("--github-branch \"" + github.branch +
                                 "\": use a branch name such as main (letters, digits, '.', '_', "
                                 "'-', '/'; no wildcards)");
  }
  static const std::regex kEnvironment("[A-Za-z0-9._-]{1,100}");
  if (!std::regex_match(github.environment, kEnvironment)) {
    return base::InvalidArgument("--github-environment \"" + github.environment +
                                 "\": use letters, digits, '.', '_' and '-' (at most 100)");
  }
  static const std::regex kPrefix("[a-z][a-z0-9-]{0,19}");
  if (!std::regex_match(github.stack_prefix, kPrefix) ||
      std::string(kBootstrapStackName).rfind(github.stack_prefix + "-", 0) == 0) {
    return base::InvalidArgument("stack prefix \"" + github.stack_prefix +
                                 "\": use the stacks' projectName (1-20 lowercase letters, "
                                 "digits, '-'), one that does not cover rex-bootstrap");
  }
  return base::Status::Ok();
}

void AddGithubAccess(core::Stack& stack, core::Construct& outputs, const cfn::s3::CfnBucket& bucket,
                     const GithubAccess& github) {
  const GithubAccess& g = github;
  std::string repo = "repo:" + g.repo + ":";
  Value provider = Sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/" +
                       std::string(kGithubTokenHost));
  if (g.create_oidc_provider) {
    auto& created = stack.Add<cfn::iam::CfnOIDCProvider>(
        "GitHubOidcProvider",
        cfn::iam::CfnOIDCProviderProps{.client_id_list = core::List<core::Str>{"sts.amazonaws.com"},
                                       .tags = core::List<core::Tag>{{"project", "rex"}},
                                       .url = "https://" + std::string(kGithubTokenHost)});
    provider = created.Ref().value();
  }
  auto& deploy = AddRole(
      stack, "GitHubDeployRole",
      "rex deploys from GitHub Actions: " + g.repo + ", branch " + g.branch + " or environment " +
          g.environment,
      Trust(provider, {repo + "ref:refs/heads/" + g.branch, repo + "environment:" + g.environment}),
      "rex-deploy", DeployPolicy(g, bucket));
  auto& preview =
      AddRole(stack, "GitHubPreviewRole",
              "rex previews pull requests of " + g.repo + " (change sets, never executed)",
              Trust(provider, {repo + "pull_request"}), "rex-preview", PreviewPolicy(g, bucket));
  AddOutput(outputs, kBootstrapDeployRoleOutput,
            "role for rex up in GitHub Actions (repository variable REX_DEPLOY_ROLE_ARN)",
            deploy.attr_arn().value());
  AddOutput(outputs, kBootstrapPreviewRoleOutput,
            "role for rex preview on pull requests (repository variable REX_PREVIEW_ROLE_ARN)",
            preview.attr_arn().value());
  AddOutput(outputs, "GitHubRepository", "the repository the roles trust", g.repo);
  AddOutput(outputs, "GitHubBranch", "the branch whose pushes may deploy", g.branch);
  AddOutput(outputs, "GitHubEnvironment", "the GitHub environment that may deploy", g.environment);
  AddOutput(outputs, "GitHubOidcProvider", "whether this stack created the GitHub OIDC provider",
            g.create_oidc_provider ? "created" : "existing");
  AddOutput(outputs, "GitHubStackPrefix", "the roles act on the stacks <prefix>-*", g.stack_prefix);
}

std::optional<GithubAccess> GithubAccessFromOutputs(const std::vector<aws::CfnOutput>& outputs) {
  std::map<std::string, std::string> by_key;
  for (const aws::CfnOutput& o : outputs) by_key[o.key] = o.value;
  if (by_key["GitHubRepository"].empty()) return std::nullopt;
  GithubAccess github;
  github.repo = by_key["GitHubRepository"];
  if (!by_key["GitHubBranch"].empty()) github.branch = by_key["GitHubBranch"];
  if (!by_key["GitHubEnvironment"].empty()) github.environment = by_key["GitHubEnvironment"];
  github.create_oidc_provider = by_key["GitHubOidcProvider"] != "existing";
  if (!by_key["GitHubStackPrefix"].empty()) github.stack_prefix = by_key["GitHubStackPrefix"];
  return github;
}

}  // namespace rex::engine
