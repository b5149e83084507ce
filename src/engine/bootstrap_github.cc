// The GitHub Actions part of the bootstrap template (engine/bootstrap.h, GithubAccess): the
// OIDC provider, the deploy role and the preview role.

#include <map>
#include <regex>
#include <string>

#include "engine/bootstrap.h"

namespace rex::engine {
namespace {

using base::Json;

constexpr const char* kGithubTokenHost = "token.actions.githubusercontent.com";

// {"Fn::Sub": text}
Json Sub(const std::string& text) { return Json{{"Fn::Sub", text}}; }

Json StackArns(const GithubAccess& github) {
  return Json::array(
      {Sub("arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/" +
           github.stack_prefix + "-*/*")});
}

Json BootstrapStackArn() {
  return Sub("arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/" +
             std::string(kBootstrapStackName) + "/*");
}

// The trust policy: a GitHub OIDC token for sts.amazonaws.com whose sub is one of `subjects`.
Json Trust(const GithubAccess& github, const Json& subjects) {
  Json provider = github.create_oidc_provider
                      ? Json{{"Ref", "GitHubOidcProvider"}}
                      : Sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/" +
                            std::string(kGithubTokenHost));
  std::string host(kGithubTokenHost);
  return Json{
      {"Version", "2012-10-17"},
      {"Statement",
       Json::array({{{"Effect", "Allow"},
                     {"Principal", {{"Federated", provider}}},
                     {"Action", "sts:AssumeRoleWithWebIdentity"},
                     {"Condition",
                      {{"StringEquals",
                        {{host + ":aud", "sts.amazonaws.com"}, {host + ":sub", subjects}}}}}}})}};
}

Json Statement(const std::string& sid, const Json& actions, const Json& resources,
               const std::string& effect = "Allow") {
  return Json{{"Sid", sid}, {"Effect", effect}, {"Action", actions}, {"Resource", resources}};
}

// What `rex preview`, `rex up`, `rex rollback`, `rex destroy` and the day-2 commands call.
Json DeployPolicy(const GithubAccess& github) {
  Json statements = Json::array();
  statements.push_back(Statement(
      "ReadStacks",
      Json::array({"cloudformation:DescribeStacks", "cloudformation:ListStacks",
                   "cloudformation:GetTemplateSummary", "cloudformation:ValidateTemplate"}),
      "*"));
  statements.push_back(Statement(
      "RexStacks",
      Json::array({"cloudformation:CreateStack", "cloudformation:UpdateStack",
                   "cloudformation:DeleteStack", "cloudformation:CreateChangeSet",
                   "cloudformation:DescribeChangeSet", "cloudformation:ExecuteChangeSet",
                   "cloudformation:DeleteChangeSet", "cloudformation:ListChangeSets",
                   "cloudformation:DescribeStackEvents", "cloudformation:DescribeStackResource",
                   "cloudformation:DescribeStackResources", "cloudformation:ListStackResources",
                   "cloudformation:GetTemplate", "cloudformation:CancelUpdateStack",
                   "cloudformation:ContinueUpdateRollback", "cloudformation:RollbackStack",
                   "cloudformation:TagResource", "cloudformation:UntagResource"}),
      StackArns(github)));
  statements.push_back(
      Statement("ReadBootstrapStack",
                Json::array({"cloudformation:DescribeStackEvents", "cloudformation:GetTemplate",
                             "cloudformation:ListStackResources"}),
                Json::array({BootstrapStackArn()})));
  statements.push_back(
      Statement("NeverChangeTheBootstrapStack",
                Json::array({"cloudformation:CreateStack", "cloudformation:UpdateStack",
                             "cloudformation:DeleteStack", "cloudformation:CreateChangeSet",
                             "cloudformation:ExecuteChangeSet"}),
                Json::array({BootstrapStackArn()}), "Deny"));
  statements.push_back(Statement(
      "BootstrapBucketObjects",
      Json::array({"s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject"}),
      Json::array({Sub("${Bucket.Arn}/*")})));
  statements.push_back(
      Statement("BootstrapBucket",
                Json::array({"s3:ListBucket", "s3:ListBucketVersions", "s3:GetBucketLocation"}),
                Json::array({Json{{"Fn::GetAtt", Json::array({"Bucket", "Arn"})}}})));
  // The services the rex stacks are made of (their resource types), ECS/Logs/ECR for the
  // day-2 commands (migrate, logs, redeploy, status, images push).
  statements.push_back(Statement("StackResources",
                                 Json::array({"ec2:*",
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
                                              "acm:DescribeCertificate",
                                              "acm:ListCertificates",
                                              "kms:DescribeKey",
                                              "kms:CreateGrant",
                                              "kms:ListAliases"}),
                                 "*"));
  statements.push_back(Statement(
      "StackRoles",
      Json::array({"iam:CreateRole", "iam:DeleteRole", "iam:GetRole", "iam:UpdateRole",
                   "iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy",
                   "iam:GetRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy",
                   "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:TagRole",
                   "iam:UntagRole", "iam:PassRole"}),
      Json::array({Sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/" + github.stack_prefix +
                       "-*")})));
  statements.push_back(Statement(
      "ServiceLinkedRoles", Json::array({"iam:CreateServiceLinkedRole", "iam:GetRole"}),
      Json::array({Sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/*")})));
  return Json{{"Version", "2012-10-17"}, {"Statement", statements}};
}

// What `rex preview` (online) calls: no ExecuteChangeSet, no resource permissions.
Json PreviewPolicy(const GithubAccess& github) {
  Json statements = Json::array();
  statements.push_back(Statement(
      "ReadStacks",
      Json::array({"cloudformation:DescribeStacks", "cloudformation:ListStacks",
                   "cloudformation:GetTemplateSummary", "cloudformation:ValidateTemplate"}),
      "*"));
  statements.push_back(
      Statement("PreviewChangeSets",
                Json::array({"cloudformation:CreateChangeSet", "cloudformation:DescribeChangeSet",
                             "cloudformation:DeleteChangeSet", "cloudformation:ListChangeSets",
                             "cloudformation:DescribeStackEvents", "cloudformation:GetTemplate",
                             "cloudformation:ListStackResources"}),
                StackArns(github)));
  statements.push_back(Statement("PreviewTemplates", Json::array({"s3:GetObject", "s3:PutObject"}),
                                 Json::array({Sub("${Bucket.Arn}/templates/*")})));
  statements.push_back(
      Statement("BootstrapBucket", Json::array({"s3:GetBucketLocation"}),
                Json::array({Json{{"Fn::GetAtt", Json::array({"Bucket", "Arn"})}}})));
  return Json{{"Version", "2012-10-17"}, {"Statement", statements}};
}

Json Role(const std::string& description, Json trust, const std::string& policy_name, Json policy) {
  return Json{
      {"Type", "AWS::IAM::Role"},
      {"Properties",
       {{"Description", description},
        {"AssumeRolePolicyDocument", std::move(trust)},
        {"MaxSessionDuration", 3600},
        {"Policies",
         Json::array({{{"PolicyName", policy_name}, {"PolicyDocument", std::move(policy)}}})},
        {"Tags", Json::array({{{"Key", "project"}, {"Value", "rex"}}})}}}};
}

Json Output(const std::string& description, Json value) {
  return Json{{"Description", description}, {"Value", std::move(value)}};
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

base::Json BootstrapTemplate(const std::optional<GithubAccess>& github) {
  Json tmpl = BootstrapTemplate();
  if (!github) return tmpl;
  const GithubAccess& g = *github;
  std::string repo = "repo:" + g.repo + ":";
  Json& resources = tmpl["Resources"];
  if (g.create_oidc_provider) {
    resources["GitHubOidcProvider"] = {
        {"Type", "AWS::IAM::OIDCProvider"},
        {"Properties",
         {{"Url", "https://" + std::string(kGithubTokenHost)},
          {"ClientIdList", Json::array({"sts.amazonaws.com"})},
          {"Tags", Json::array({{{"Key", "project"}, {"Value", "rex"}}})}}}};
  }
  resources["GitHubDeployRole"] =
      Role("rex deploys from GitHub Actions: " + g.repo + ", branch " + g.branch +
               " or environment " + g.environment,
           Trust(g, Json::array({repo + "ref:refs/heads/" + g.branch,
                                 repo + "environment:" + g.environment})),
           "rex-deploy", DeployPolicy(g));
  resources["GitHubPreviewRole"] =
      Role("rex previews pull requests of " + g.repo + " (change sets, never executed)",
           Trust(g, Json::array({repo + "pull_request"})), "rex-preview", PreviewPolicy(g));
  Json& outputs = tmpl["Outputs"];
  outputs[std::string(kBootstrapDeployRoleOutput)] =
      Output("role for rex up in GitHub Actions (repository variable REX_DEPLOY_ROLE_ARN)",
             Json{{"Fn::GetAtt", Json::array({"GitHubDeployRole", "Arn"})}});
  outputs[std::string(kBootstrapPreviewRoleOutput)] =
      Output("role for rex preview on pull requests (repository variable REX_PREVIEW_ROLE_ARN)",
             Json{{"Fn::GetAtt", Json::array({"GitHubPreviewRole", "Arn"})}});
  outputs["GitHubRepository"] = Output("the repository the roles trust", g.repo);
  outputs["GitHubBranch"] = Output("the branch whose pushes may deploy", g.branch);
  outputs["GitHubEnvironment"] = Output("the GitHub environment that may deploy", g.environment);
  outputs["GitHubOidcProvider"] = Output("whether this stack created the GitHub OIDC provider",
                                         g.create_oidc_provider ? "created" : "existing");
  outputs["GitHubStackPrefix"] = Output("the roles act on the stacks <prefix>-*", g.stack_prefix);
  return tmpl;
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
