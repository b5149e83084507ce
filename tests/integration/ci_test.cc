// CI as a first-class user, through the real rex binary against the fake AWS endpoint
// (tests/support/fake_aws_server.h): the stack config's region is authoritative (a different
// AWS_REGION, AWS_DEFAULT_REGION, profile region or --region is exit 2 and nothing reaches
// AWS), `rex preview --format markdown` for a job summary, and `rex ci github` writing a
// workflow that yaml-cpp parses into the jobs, steps and permissions it promises.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "base/json.h"
#include "support/fake_aws_server.h"
#include "support/run_rex.h"

namespace rex::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr const char* kPassphrase = "ci passphrase 7";

class CiTest : public ::testing::Test {
 protected:
  explicit CiTest(FakeAwsOptions options = {}) : server_(std::move(options)) {}

  RexRun Rex(std::vector<std::string> args, std::map<std::string, std::string> extra_env = {}) {
    args.insert(args.begin(), {"--endpoint-url", server_.url()});
    std::map<std::string, std::string> env = server_.RexEnv(kPassphrase);
    for (auto& [k, v] : extra_env) env[k] = v;
    RexRun run = RunRex(args, {.cwd = dir_.path(), .env = env});
    transcript_ += run.out + run.err;
    return run;
  }

  FakeAwsServer server_;
  TempDir dir_;
  std::string transcript_;
};

// ---------------------------------------------------------------- region

TEST_F(CiTest, AnotherRegionInTheEnvironmentIsExit2AndNothingIsSent) {
  ASSERT_EQ(Rex({"init", "dev"}).exit_code, 0);  // stacks/dev.yaml: region us-east-1
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"up", "--yes"}, {"preview"}, {"outputs"}, {"destroy", "--yes"}, {"bootstrap"}}) {
    RexRun run = Rex(args, {{"AWS_REGION", "eu-west-1"}});
    EXPECT_EQ(run.exit_code, 2) << args[0] << ": " << run.err;
    EXPECT_THAT(run.err, HasSubstr("region mismatch: stacks/dev.yaml says region us-east-1 but "
                                   "AWS_REGION says eu-west-1"))
        << args[0];
  }
  EXPECT_TRUE(server_.aws().Requests().empty());
  EXPECT_TRUE(server_.aws().AuthFailures().empty());
  EXPECT_FALSE(server_.aws().HasStack("rex-backend-dev"));
}

TEST_F(CiTest, AProfileRegionOrAnotherRegionFlagIsExit2NamingBoth) {
  ASSERT_EQ(Rex({"init", "dev"}).exit_code, 0);
  dir_.Write(".aws/config", "[profile ci]\nregion = ap-south-1\n");
  RexRun profile = Rex({"up", "--yes"}, {{"AWS_REGION", ""}, {"AWS_PROFILE", "ci"}});
  EXPECT_EQ(profile.exit_code, 2) << profile.err;
  EXPECT_THAT(profile.err, HasSubstr("stacks/dev.yaml says region us-east-1 but the region of AWS "
                                     "profile \"ci\" says ap-south-1"));
  RexRun flag = Rex({"--region", "eu-west-1", "up", "--yes"});
  EXPECT_EQ(flag.exit_code, 2) << flag.err;
  EXPECT_THAT(flag.err, HasSubstr("--region eu-west-1 does not match the region of "
                                  "stacks/dev.yaml (us-east-1)"));
  EXPECT_TRUE(server_.aws().Requests().empty());
}

TEST_F(CiTest, ARegionFlagEqualToTheConfigOverridesTheEnvironment) {
  ASSERT_EQ(Rex({"init", "dev"}).exit_code, 0);
  RexRun up = Rex({"--region", "us-east-1", "up", "--yes"}, {{"AWS_REGION", "eu-west-1"}});
  EXPECT_EQ(up.exit_code, 0) << up.err;
  EXPECT_TRUE(server_.aws().HasStack("rex-backend-dev"));
  EXPECT_TRUE(server_.aws().AuthFailures().empty());
}

class OtherRegionCiTest : public CiTest {
 protected:
  OtherRegionCiTest() : CiTest(FakeAwsOptions{.region = "eu-west-1"}) {}
};

TEST_F(OtherRegionCiTest, AConfigInTheFakesRegionDeploysThere) {
  ASSERT_EQ(Rex({"init", "dev"}).exit_code, 0);
  ASSERT_EQ(Rex({"config", "set", "region", "eu-west-1"}).exit_code, 0);
  RexRun up = Rex({"up", "--yes"});  // AWS_REGION=eu-west-1 from the fake's environment
  EXPECT_EQ(up.exit_code, 0) << up.err;
  EXPECT_TRUE(server_.aws().HasStack("rex-backend-dev"));
  RexRun wrong = Rex({"preview"}, {{"AWS_REGION", "us-east-1"}});
  EXPECT_EQ(wrong.exit_code, 2) << wrong.err;
  EXPECT_THAT(wrong.err, HasSubstr("stacks/dev.yaml says region eu-west-1 but AWS_REGION says "
                                   "us-east-1"));
}

TEST_F(OtherRegionCiTest, WithoutAStackConfigTheEnvironmentStillChooses) {
  // No stacks/ folder: the built-in dev preset (us-east-1) names no region, AWS_REGION
  // (eu-west-1, the fake's) does.
  RexRun bootstrap = Rex({"bootstrap"});
  EXPECT_EQ(bootstrap.exit_code, 0) << bootstrap.err;
  EXPECT_THAT(bootstrap.out, StartsWith("bucket: "));
  EXPECT_TRUE(server_.aws().AuthFailures().empty());
}

// ---------------------------------------------------------------- preview --format markdown

TEST_F(CiTest, PreviewAsMarkdownOfflineAndOnline) {
  ASSERT_EQ(Rex({"init", "dev"}).exit_code, 0);
  RexRun offline = Rex({"preview", "--offline", "--format", "markdown"});
  ASSERT_EQ(offline.exit_code, 0) << offline.err;
  EXPECT_THAT(offline.out,
              AllOf(StartsWith("## rex preview: rex-backend-dev\n\n`stacks/dev.yaml`: nothing "
                               "deployed yet, every resource is created\n\n**Plan:** "),
                    HasSubstr("| Action | Resource | Type | Why |\n| --- | --- | --- | --- |\n"),
                    HasSubstr("| create | `Network/Vpc` | `AWS::EC2::VPC` |  |\n"),
                    HasSubstr("**CloudFormation:** not asked (offline plan only)\n"),
                    HasSubstr("**Cost:** $0.00 → $"), HasSubstr("**Checks:** ")));
  EXPECT_THAT(offline.out, Not(HasSubstr("\x1b[")));

  ASSERT_EQ(Rex({"up", "--yes"}).exit_code, 0);
  ASSERT_EQ(Rex({"config", "set", "logRetentionDays", "14"}).exit_code, 0);
  RexRun online = Rex({"preview", "--format", "markdown"});
  ASSERT_EQ(online.exit_code, 0) << online.err;
  EXPECT_THAT(online.out, AllOf(HasSubstr("`stacks/dev.yaml` against "), HasSubstr("| update | "),
                                HasSubstr("**CloudFormation:** the change set confirms the plan")));

  RexRun both = Rex({"--json", "preview", "--format", "markdown"});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_THAT(both.err, HasSubstr("--format markdown and --json exclude each other"));
  RexRun bad = Rex({"preview", "--format", "html"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(transcript_, Not(HasSubstr(server_.aws().options().secret_access_key)));
}

// ---------------------------------------------------------------- rex ci github

// The steps of a job, by what they use or run.
std::vector<std::string> StepUses(const YAML::Node& job) {
  std::vector<std::string> uses;
  for (const YAML::Node& step : job["steps"]) {
    if (step["uses"]) uses.push_back(step["uses"].as<std::string>());
  }
  return uses;
}

YAML::Node StepUsing(const YAML::Node& job, const std::string& prefix) {
  for (const YAML::Node& step : job["steps"]) {
    if (step["uses"] && step["uses"].as<std::string>().rfind(prefix, 0) == 0) return step;
  }
  return YAML::Node();
}

std::string RunScripts(const YAML::Node& job) {
  std::string all;
  for (const YAML::Node& step : job["steps"]) {
    if (step["run"]) all += step["run"].as<std::string>() + "\n";
  }
  return all;
}

TEST_F(CiTest, CiGithubWritesAWorkflowThatPreviewsEveryStackAndDeploysOne) {
  ASSERT_EQ(Rex({"init", "dev"}).exit_code, 0);
  ASSERT_EQ(Rex({"init", "prod"}).exit_code, 0);
  ASSERT_EQ(Rex({"--stack", "prod", "config", "set", "region", "eu-west-1"}).exit_code, 0);
  RexRun run = Rex({"--stack", "prod", "ci", "github"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, ".github/workflows/rex.yml\n");
  EXPECT_THAT(run.err, AllOf(HasSubstr("REX_DEPLOY_ROLE_ARN"),
                             HasSubstr("rex bootstrap --github-repo OWNER/REPO")));
  std::string text = dir_.Read(".github/workflows/rex.yml");
  ASSERT_FALSE(text.empty());
  YAML::Node wf = YAML::Load(text);

  // Triggers and OIDC permissions.
  ASSERT_TRUE(wf["on"]["pull_request"]);
  EXPECT_EQ(wf["on"]["push"]["branches"][0].as<std::string>(), "main");
  EXPECT_EQ(wf["permissions"]["id-token"].as<std::string>(), "write");
  EXPECT_EQ(wf["permissions"]["contents"].as<std::string>(), "read");
  EXPECT_EQ(wf["permissions"].size(), 2u);

  // Pull requests: every stack config previewed, in its own region, into the job summary.
  YAML::Node preview = wf["jobs"]["preview"];
  ASSERT_TRUE(preview.IsMap());
  EXPECT_EQ(preview["if"].as<std::string>(), "github.event_name == 'pull_request'");
  EXPECT_EQ(preview["runs-on"].as<std::string>(), "ubuntu-latest");
  YAML::Node matrix = preview["strategy"]["matrix"]["include"];
  ASSERT_EQ(matrix.size(), 2u);
  EXPECT_EQ(matrix[0]["stack"].as<std::string>(), "dev");
  EXPECT_EQ(matrix[0]["region"].as<std::string>(), "us-east-1");
  EXPECT_EQ(matrix[1]["stack"].as<std::string>(), "prod");
  EXPECT_EQ(matrix[1]["region"].as<std::string>(), "eu-west-1");
  EXPECT_EQ(preview["env"]["REX_STACK"].as<std::string>(), "${{ matrix.stack }}");
  YAML::Node preview_creds = StepUsing(preview, "aws-actions/configure-aws-credentials@");
  ASSERT_TRUE(preview_creds.IsMap());
  EXPECT_EQ(preview_creds["with"]["role-to-assume"].as<std::string>(),
            "${{ vars.REX_PREVIEW_ROLE_ARN }}");
  EXPECT_EQ(preview_creds["with"]["aws-region"].as<std::string>(), "${{ matrix.region }}");
  EXPECT_THAT(RunScripts(preview),
              AllOf(HasSubstr("cmake --build build-release"),
                    HasSubstr("rex preview --format markdown >> \"$GITHUB_STEP_SUMMARY\"")));

  // Pushes to main: rex up of the selected stack, behind the environment, one at a time.
  YAML::Node deploy = wf["jobs"]["deploy"];
  ASSERT_TRUE(deploy.IsMap());
  EXPECT_EQ(deploy["if"].as<std::string>(),
            "github.event_name == 'push' && github.ref == 'refs/heads/main'");
  EXPECT_EQ(deploy["environment"].as<std::string>(), "production");
  EXPECT_EQ(deploy["env"]["REX_STACK"].as<std::string>(), "prod");
  EXPECT_EQ(deploy["concurrency"]["group"].as<std::string>(), "rex-deploy-prod");
  YAML::Node deploy_creds = StepUsing(deploy, "aws-actions/configure-aws-credentials@");
  ASSERT_TRUE(deploy_creds.IsMap());
  EXPECT_EQ(deploy_creds["with"]["role-to-assume"].as<std::string>(),
            "${{ vars.REX_DEPLOY_ROLE_ARN }}");
  EXPECT_EQ(deploy_creds["with"]["aws-region"].as<std::string>(), "eu-west-1");
  EXPECT_THAT(RunScripts(deploy), HasSubstr("rex up --yes\n"));

  // Only the actions GitHub and AWS maintain; never stored keys.
  for (const YAML::Node* job : {&preview, &deploy}) {
    for (const std::string& uses : StepUses(*job)) {
      EXPECT_TRUE(uses.rfind("actions/checkout@", 0) == 0 ||
                  uses.rfind("aws-actions/configure-aws-credentials@", 0) == 0)
          << uses;
    }
    EXPECT_EQ(StepUses(*job).size(), 2u);
    EXPECT_EQ(StepUses(*job)[0].rfind("actions/checkout@", 0), 0u);
  }
  EXPECT_THAT(text,
              AllOf(Not(HasSubstr("aws-access-key-id")), Not(HasSubstr("aws-secret-access-key")),
                    Not(HasSubstr("AWS_SECRET_ACCESS_KEY")), Not(HasSubstr("AWS_ACCESS_KEY_ID"))));
  EXPECT_TRUE(server_.aws().Requests().empty());  // writing a workflow needs no AWS
}

TEST_F(CiTest, CiGithubRefusesToOverwriteWithoutForce) {
  ASSERT_EQ(Rex({"init", "dev"}).exit_code, 0);
  dir_.Write(".github/workflows/rex.yml", "# mine\n");
  RexRun refused = Rex({"ci", "github"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_THAT(refused.err, HasSubstr(".github/workflows/rex.yml exists; rerun with --force"));
  EXPECT_EQ(dir_.Read(".github/workflows/rex.yml"), "# mine\n");

  RexRun forced =
      Rex({"ci", "github", "--force", "--environment", "staging-env", "--branch", "release"});
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  YAML::Node wf = YAML::Load(dir_.Read(".github/workflows/rex.yml"));
  EXPECT_EQ(wf["jobs"]["deploy"]["environment"].as<std::string>(), "staging-env");
  EXPECT_EQ(wf["on"]["push"]["branches"][0].as<std::string>(), "release");
  EXPECT_EQ(wf["jobs"]["deploy"]["env"]["REX_STACK"].as<std::string>(), "dev");
  // No leftover temporary files next to it.
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(dir_.path()) /
                                                               ".github/workflows")) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 1u);

  EXPECT_EQ(Rex({"ci", "github", "--force", "--environment", "bad name"}).exit_code, 2);
  EXPECT_EQ(Rex({"--stack", "nope", "ci", "github", "--force"}).exit_code, 2);
}

TEST_F(CiTest, CiGithubReadsEachConfigsRegionWithoutDecryptingIt) {
  ASSERT_EQ(Rex({"init", "dev"}).exit_code, 0);
  // A pasted Pulumi file: keys under config:, the region as aws:region.
  dir_.Write("stacks/eu.yaml",
             "config:\n  aws:region: eu-central-1\n  rex-backend:environment: eu\n");
  RexRun run = Rex({"ci", "github"}, {{"REX_CONFIG_PASSPHRASE", ""}});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  YAML::Node matrix = YAML::Load(
      dir_.Read(".github/workflows/rex.yml"))["jobs"]["preview"]["strategy"]["matrix"]["include"];
  ASSERT_EQ(matrix.size(), 2u);
  EXPECT_EQ(matrix[1]["stack"].as<std::string>(), "eu");
  EXPECT_EQ(matrix[1]["region"].as<std::string>(), "eu-central-1");

  dir_.Write("stacks/bad.yaml", "region: Mars-1\n");
  RexRun bad = Rex({"ci", "github", "--force"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("stacks/bad.yaml: region \"Mars-1\" is not an AWS region name"));
}

// ---------------------------------------------------------------- rex bootstrap --github-repo

TEST_F(CiTest, BootstrapWithAGithubRepoAddsTheProviderAndRolesAndPrintsTheNextStep) {
  ASSERT_EQ(Rex({"init", "dev"}).exit_code, 0);
  base::Json applied;
  server_.aws().OnStackApplied([&](const std::string& stack, const auto&, const base::Json& t) {
    if (stack == "rex-bootstrap") applied = t;
  });
  RexRun run = Rex({"bootstrap", "--github-repo", "acme/backend", "--github-environment", "live"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto resources = server_.aws().StackResources("rex-bootstrap");
  ASSERT_EQ(resources.count("GitHubOidcProvider"), 1u);
  EXPECT_EQ(resources["GitHubOidcProvider"].type, "AWS::IAM::OIDCProvider");
  ASSERT_EQ(resources.count("GitHubDeployRole"), 1u);
  ASSERT_EQ(resources.count("GitHubPreviewRole"), 1u);
  auto outputs = server_.aws().Outputs("rex-bootstrap");
  std::string deploy_role = outputs["GitHubDeployRoleArn"];
  std::string preview_role = outputs["GitHubPreviewRoleArn"];
  ASSERT_FALSE(deploy_role.empty());
  ASSERT_FALSE(preview_role.empty());
  EXPECT_THAT(run.out,
              AllOf(StartsWith("bucket: "), HasSubstr("\ndeployRole: " + deploy_role + "\n"),
                    HasSubstr("\npreviewRole: " + preview_role + "\n")));
  EXPECT_THAT(run.err, AllOf(HasSubstr("gh variable set REX_DEPLOY_ROLE_ARN --repo acme/backend "
                                       "--body " +
                                       deploy_role),
                             HasSubstr("gh variable set REX_PREVIEW_ROLE_ARN --repo acme/backend "
                                       "--body " +
                                       preview_role)));
  // The trust CloudFormation was given: this repository's main branch and environment only.
  const base::Json& trust = applied["Resources"]["GitHubDeployRole"]["Properties"]
                                   ["AssumeRolePolicyDocument"]["Statement"][0];
  EXPECT_EQ(trust["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"],
            base::Json::array(
                {"repo:acme/backend:ref:refs/heads/main", "repo:acme/backend:environment:live"}));

  // A plain bootstrap later keeps the access (it is read back from the outputs).
  RexRun again = Rex({"bootstrap"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.err, HasSubstr("keeping the GitHub Actions access of acme/backend"));
  EXPECT_THAT(again.out, HasSubstr("deployRole: " + deploy_role));
  EXPECT_EQ(server_.aws().StackResources("rex-bootstrap").count("GitHubDeployRole"), 1u);

  // --json.
  RexRun json = Rex({"--json", "bootstrap"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  base::Json parsed = base::Json::parse(json.out);
  EXPECT_EQ(parsed["github"]["repository"], "acme/backend");
  EXPECT_EQ(parsed["github"]["environment"], "live");
  EXPECT_EQ(parsed["github"]["deployRoleArn"], deploy_role);
}

TEST_F(CiTest, BootstrapCanReuseTheAccountsOidcProvider) {
  ASSERT_EQ(Rex({"init", "dev"}).exit_code, 0);
  RexRun run =
      Rex({"bootstrap", "--github-repo", "acme/backend", "--github-oidc-provider", "existing"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto resources = server_.aws().StackResources("rex-bootstrap");
  EXPECT_EQ(resources.count("GitHubOidcProvider"), 0u);
  EXPECT_EQ(resources.count("GitHubDeployRole"), 1u);
  EXPECT_EQ(server_.aws().Outputs("rex-bootstrap")["GitHubOidcProvider"], "existing");
}

TEST_F(CiTest, BootstrapGithubFlagsAreCheckedBeforeAnyRequest) {
  ASSERT_EQ(Rex({"init", "dev"}).exit_code, 0);
  RexRun no_repo = Rex({"bootstrap", "--github-branch", "trunk"});
  EXPECT_EQ(no_repo.exit_code, 2);
  EXPECT_THAT(no_repo.err, HasSubstr("need --github-repo OWNER/REPO"));
  RexRun bad_repo = Rex({"bootstrap", "--github-repo", "acme"});
  EXPECT_EQ(bad_repo.exit_code, 2);
  EXPECT_THAT(bad_repo.err, HasSubstr("--github-repo \"acme\": use OWNER/REPO"));
  RexRun wildcard = Rex({"bootstrap", "--github-repo", "acme/backend", "--github-branch", "*"});
  EXPECT_EQ(wildcard.exit_code, 2);
  RexRun provider =
      Rex({"bootstrap", "--github-repo", "acme/backend", "--github-oidc-provider", "maybe"});
  EXPECT_EQ(provider.exit_code, 2);
  EXPECT_TRUE(server_.aws().Requests().empty());
}

TEST_F(CiTest, BootstrapWithoutGithubLeavesTheTemplateAsBefore) {
  base::Json applied;
  server_.aws().OnStackApplied([&](const std::string& stack, const auto&, const base::Json& t) {
    if (stack == "rex-bootstrap") applied = t;
  });
  ASSERT_EQ(Rex({"bootstrap"}).exit_code, 0);
  ASSERT_TRUE(applied.is_object());
  EXPECT_EQ(applied["Resources"].size(), 2u);  // Bucket, BucketPolicy
  EXPECT_FALSE(applied["Outputs"].contains("GitHubDeployRoleArn"));
}

}  // namespace
}  // namespace rex::testing
