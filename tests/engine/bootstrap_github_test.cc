// The GitHub Actions part of the bootstrap template (engine/bootstrap.h GithubAccess): trust
// limited to one repository and branch or environment, the deploy and preview roles'
// permissions, the OIDC provider created or reused, the template without GitHub unchanged.
// The templates are golden files (tests/golden/bootstrap/) that the cfn_lint_bootstrap_templates
// ctest runs cfn-lint over (0 errors, 0 warnings).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "engine/bootstrap.h"
#include "support/golden.h"

namespace rex::engine {
namespace {

using base::Json;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kHost = "token.actions.githubusercontent.com";

GithubAccess Acme() {
  GithubAccess g;
  g.repo = "acme/backend";
  return g;
}

// The statement with Sid `sid` of a role's inline policy.
Json StatementOf(const Json& role, const std::string& sid) {
  for (const Json& s : role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]) {
    if (s["Sid"] == sid) return s;
  }
  return nullptr;
}

std::set<std::string> ActionsOf(const Json& role, const std::string& effect) {
  std::set<std::string> actions;
  for (const Json& s : role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]) {
    if (s["Effect"] != effect) continue;
    for (const Json& a : s["Action"]) actions.insert(a.get<std::string>());
  }
  return actions;
}

TEST(BootstrapGithubTest, WithoutGithubTheTemplateIsByteIdentical) {
  EXPECT_EQ(base::DumpJson(BootstrapTemplate(std::nullopt)), base::DumpJson(BootstrapTemplate()));
  // And stays what existing bootstrap stacks were created from.
  EXPECT_TRUE(rex::testing::MatchesGolden("bootstrap/plain.template.json",
                                          base::DumpJson(BootstrapTemplate())));
}

TEST(BootstrapGithubTest, TemplatesMatchTheLintedGoldenFiles) {
  EXPECT_TRUE(rex::testing::MatchesGolden("bootstrap/github.template.json",
                                          base::DumpJson(BootstrapTemplate(Acme()))));
  GithubAccess existing = Acme();
  existing.create_oidc_provider = false;
  existing.branch = "release/2026";
  existing.environment = "prod-eu";
  existing.stack_prefix = "shop";
  EXPECT_TRUE(rex::testing::MatchesGolden("bootstrap/github-existing-provider.template.json",
                                          base::DumpJson(BootstrapTemplate(existing))));
}

TEST(BootstrapGithubTest, TheProviderIsGithubsForStsAndTheTrustNamesRepoBranchAndEnvironment) {
  Json t = BootstrapTemplate(Acme());
  const Json& provider = t["Resources"]["GitHubOidcProvider"];
  EXPECT_EQ(provider["Type"], "AWS::IAM::OIDCProvider");
  EXPECT_EQ(provider["Properties"]["Url"], "https://token.actions.githubusercontent.com");
  EXPECT_EQ(provider["Properties"]["ClientIdList"], Json::array({"sts.amazonaws.com"}));

  const Json& deploy = t["Resources"]["GitHubDeployRole"]["Properties"];
  const Json& trust = deploy["AssumeRolePolicyDocument"]["Statement"];
  ASSERT_EQ(trust.size(), 1u);
  EXPECT_EQ(trust[0]["Action"], "sts:AssumeRoleWithWebIdentity");
  EXPECT_EQ(trust[0]["Principal"]["Federated"], (Json{{"Ref", "GitHubOidcProvider"}}));
  const Json& equals = trust[0]["Condition"]["StringEquals"];
  EXPECT_EQ(equals[std::string(kHost) + ":aud"], "sts.amazonaws.com");
  EXPECT_EQ(equals[std::string(kHost) + ":sub"],
            Json::array({"repo:acme/backend:ref:refs/heads/main",
                         "repo:acme/backend:environment:production"}));
  // Exact matches only: no StringLike, no wildcard.
  EXPECT_EQ(trust[0]["Condition"].size(), 1u);
  EXPECT_THAT(base::DumpJson(trust), Not(HasSubstr("*")));

  const Json& preview = t["Resources"]["GitHubPreviewRole"]["Properties"];
  EXPECT_EQ(preview["AssumeRolePolicyDocument"]["Statement"][0]["Condition"]["StringEquals"]
                   [std::string(kHost) + ":sub"],
            Json::array({"repo:acme/backend:pull_request"}));

  EXPECT_EQ(t["Outputs"]["GitHubDeployRoleArn"]["Value"],
            (Json{{"Fn::GetAtt", Json::array({"GitHubDeployRole", "Arn"})}}));
  EXPECT_EQ(t["Outputs"]["GitHubPreviewRoleArn"]["Value"],
            (Json{{"Fn::GetAtt", Json::array({"GitHubPreviewRole", "Arn"})}}));
  // The bucket and its outputs are untouched.
  Json plain = BootstrapTemplate();
  EXPECT_EQ(t["Resources"]["Bucket"], plain["Resources"]["Bucket"]);
  EXPECT_EQ(t["Resources"]["BucketPolicy"], plain["Resources"]["BucketPolicy"]);
  EXPECT_EQ(t["Outputs"]["BucketName"], plain["Outputs"]["BucketName"]);
}

TEST(BootstrapGithubTest, AnExistingProviderIsReferredToByItsArn) {
  GithubAccess g = Acme();
  g.create_oidc_provider = false;
  Json t = BootstrapTemplate(g);
  EXPECT_FALSE(t["Resources"].contains("GitHubOidcProvider"));
  EXPECT_EQ(t["Resources"]["GitHubDeployRole"]["Properties"]["AssumeRolePolicyDocument"]
             ["Statement"][0]["Principal"]["Federated"],
            (Json{{"Fn::Sub",
                   "arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/"
                   "token.actions.githubusercontent.com"}}));
  EXPECT_EQ(t["Outputs"]["GitHubOidcProvider"]["Value"], "existing");
}

TEST(BootstrapGithubTest, TheDeployRoleDeploysTheProjectsStacksButNeverTheBootstrapStack) {
  Json t = BootstrapTemplate(Acme());
  const Json& deploy = t["Resources"]["GitHubDeployRole"];
  Json stacks = StatementOf(deploy, "RexStacks");
  ASSERT_TRUE(stacks.is_object());
  EXPECT_EQ(stacks["Resource"],
            Json::array({Json{{"Fn::Sub",
                               "arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::"
                               "AccountId}:stack/rex-backend-*/*"}}}));
  std::set<std::string> allowed = ActionsOf(deploy, "Allow");
  for (const char* action :
       {"cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet",
        "cloudformation:DescribeStacks", "cloudformation:GetTemplate", "s3:PutObject",
        "s3:GetObject", "s3:DeleteObject", "s3:ListBucket", "ecs:*", "logs:*", "ecr:*",
        "iam:PassRole", "iam:CreateServiceLinkedRole"}) {
    EXPECT_THAT(allowed, Contains(action));
  }
  Json deny = StatementOf(deploy, "NeverChangeTheBootstrapStack");
  ASSERT_TRUE(deny.is_object());
  EXPECT_EQ(deny["Effect"], "Deny");
  EXPECT_THAT(deny["Action"], Contains("cloudformation:ExecuteChangeSet"));
  EXPECT_THAT(deny["Action"], Contains("cloudformation:UpdateStack"));
  // IAM only on the stacks' own roles.
  Json roles = StatementOf(deploy, "StackRoles");
  EXPECT_EQ(roles["Resource"],
            Json::array({Json{{"Fn::Sub",
                               "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/"
                               "rex-backend-*"}}}));
  EXPECT_THAT(allowed, Not(Contains("iam:*")));
  EXPECT_THAT(allowed, Not(Contains("*")));
  // The bucket's objects, by the bucket's ARN.
  EXPECT_EQ(StatementOf(deploy, "BootstrapBucketObjects")["Resource"],
            Json::array({Json{{"Fn::Sub", "${Bucket.Arn}/*"}}}));
}

TEST(BootstrapGithubTest, ThePreviewRoleCannotExecuteOrTouchResources) {
  Json t = BootstrapTemplate(Acme());
  std::set<std::string> allowed = ActionsOf(t["Resources"]["GitHubPreviewRole"], "Allow");
  EXPECT_THAT(allowed, Contains("cloudformation:CreateChangeSet"));
  EXPECT_THAT(allowed, Contains("cloudformation:DeleteChangeSet"));
  for (const std::string& a : allowed) {
    EXPECT_TRUE(a.rfind("cloudformation:", 0) == 0 || a.rfind("s3:", 0) == 0) << a;
    EXPECT_THAT(a, Not(HasSubstr("*"))) << a;
  }
  for (const char* forbidden :
       {"cloudformation:ExecuteChangeSet", "cloudformation:UpdateStack",
        "cloudformation:CreateStack", "cloudformation:DeleteStack", "s3:DeleteObject"}) {
    EXPECT_THAT(allowed, Not(Contains(forbidden)));
  }
  EXPECT_EQ(StatementOf(t["Resources"]["GitHubPreviewRole"], "PreviewTemplates")["Resource"],
            Json::array({Json{{"Fn::Sub", "${Bucket.Arn}/templates/*"}}}));
}

TEST(BootstrapGithubTest, OutputsReadBackIntoTheSameAccess) {
  GithubAccess g = Acme();
  g.branch = "trunk";
  g.environment = "live";
  g.create_oidc_provider = false;
  g.stack_prefix = "shop";
  Json t = BootstrapTemplate(g);
  std::vector<aws::CfnOutput> outputs;
  for (const auto& [key, output] : t["Outputs"].items()) {
    aws::CfnOutput o;
    o.key = key;
    o.value = output["Value"].is_string() ? output["Value"].get<std::string>() : "arn:x";
    outputs.push_back(o);
  }
  std::optional<GithubAccess> back = GithubAccessFromOutputs(outputs);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->repo, "acme/backend");
  EXPECT_EQ(back->branch, "trunk");
  EXPECT_EQ(back->environment, "live");
  EXPECT_FALSE(back->create_oidc_provider);
  EXPECT_EQ(back->stack_prefix, "shop");
  aws::CfnOutput bucket_only;
  bucket_only.key = "BucketName";
  bucket_only.value = "b";
  EXPECT_FALSE(GithubAccessFromOutputs({bucket_only}));
}

TEST(BootstrapGithubTest, ValidationNamesTheFlagAndWhatIsAllowed) {
  EXPECT_TRUE(ValidateGithubAccess(Acme()).ok());
  GithubAccess g = Acme();
  g.repo = "acme";
  base::Status repo = ValidateGithubAccess(g);
  EXPECT_EQ(repo.code(), base::Code::kInvalidArgument);
  EXPECT_THAT(repo.message(), HasSubstr("--github-repo \"acme\": use OWNER/REPO"));
  g = Acme();
  g.repo = "acme/*";
  EXPECT_FALSE(ValidateGithubAccess(g).ok());
  g = Acme();
  g.branch = "feature/*";
  EXPECT_THAT(ValidateGithubAccess(g).message(), HasSubstr("--github-branch \"feature/*\""));
  g = Acme();
  g.environment = "prod env";
  EXPECT_THAT(ValidateGithubAccess(g).message(), HasSubstr("--github-environment"));
  g = Acme();
  g.stack_prefix = "rex";  // "rex-*" would cover rex-bootstrap
  EXPECT_THAT(ValidateGithubAccess(g).message(), HasSubstr("does not cover rex-bootstrap"));
}

}  // namespace
}  // namespace rex::engine
