#include "stack/frontend.h"

#include <gtest/gtest.h>

#include <string>

#include "core/intrinsics.h"
#include "core/stack.h"
#include "support/template_matcher.h"

namespace rex::stack {
namespace {

using base::Json;
using rex::testing::HasResourceProperties;
using rex::testing::PropertiesOf;
using rex::testing::ResourceCountIs;

config::Config WithRepo() {
  config::Config config;
  config.github_repo = "https://github.com/rex/rex-frontend";
  return config;
}

// The component under a stack, with a literal API URL and optionally a token parameter.
struct Fixture {
  core::App app;
  core::Stack* stack = nullptr;
  Frontend* frontend = nullptr;

  explicit Fixture(const config::Config& config, bool with_token = true) {
    stack = &app.Add<core::Stack>("Rex");
    std::optional<core::Str> token;
    if (with_token) {
      token =
          stack->Add<core::Parameter>("GithubToken", core::ParameterProps{.no_echo = true}).Ref();
    }
    frontend = &stack->Add<Frontend>("Frontend", FrontendProps{.config = &config,
                                                               .api_url = "http://alb.example.com",
                                                               .github_token = token});
  }
  Json Synth() {
    auto result = stack->Synthesize();
    EXPECT_TRUE(result.has_value()) << result.error().message();
    return result.has_value() ? result->json : Json();
  }
};

TEST(FrontendTest, NothingWithoutRepository) {
  config::Config config;
  Fixture f(config, /*with_token=*/false);
  Json t = f.Synth();
  EXPECT_TRUE(ResourceCountIs(t, "AWS::Amplify::App", 0));
  EXPECT_TRUE(ResourceCountIs(t, "AWS::Amplify::Branch", 0));
  EXPECT_FALSE(f.frontend->enabled());
  EXPECT_EQ(f.frontend->frontend_url().value().json(), "");
  EXPECT_EQ(f.frontend->app_id().value().json(), "");
}

TEST(FrontendTest, AmplifyAppFromRepositoryWithToken) {
  config::Config config = WithRepo();
  Fixture f(config);
  Json t = f.Synth();
  ASSERT_TRUE(ResourceCountIs(t, "AWS::Amplify::App", 1));
  EXPECT_TRUE(HasResourceProperties(t, "AWS::Amplify::App", Json::parse(R"({
      "Name": "rex-backend-dev-frontend", "Platform": "WEB",
      "Repository": "https://github.com/rex/rex-frontend",
      "AccessToken": {"Ref": "GithubToken"}})")));
}

TEST(FrontendTest, SpaRewriteRule) {
  config::Config config = WithRepo();
  Fixture f(config);
  Json t = f.Synth();
  EXPECT_EQ(PropertiesOf(t, "FrontendApp")["CustomRules"], Json::parse(R"([{
      "Source": "</^[^.]+$|\\.(?!(css|gif|ico|jpg|js|png|txt|svg|woff|woff2|ttf|map|json|webp)$)([^.]+$)/>",
      "Target": "/index.html", "Status": "200"}])"));
}

TEST(FrontendTest, ApiUrlIsABuildVariable) {
  config::Config config = WithRepo();
  core::App app;
  auto& stack = app.Add<core::Stack>("Rex");
  auto& param = stack.Add<core::Parameter>("AlbDns", core::ParameterProps{});
  stack.Add<Frontend>("Frontend", FrontendProps{.config = &config,
                                                .api_url = core::Join("", {"http://", param.Ref()}),
                                                .github_token = std::nullopt});
  auto result = stack.Synthesize();
  ASSERT_TRUE(result.has_value()) << result.error().message();
  Json url = Json::parse(R"({"Fn::Join": ["", ["http://", {"Ref": "AlbDns"}]]})");
  Json vars = PropertiesOf(result->json, "FrontendApp")["EnvironmentVariables"];
  EXPECT_EQ(vars, Json::array({Json{{"Name", "VITE_API_URL"}, {"Value", url}},
                               Json{{"Name", "REACT_APP_API_URL"}, {"Value", url}}}));
}

TEST(FrontendTest, BuildSpecBuildsWithNpmIntoDist) {
  config::Config config = WithRepo();
  Fixture f(config);
  std::string spec = PropertiesOf(f.Synth(), "FrontendApp")["BuildSpec"];
  EXPECT_NE(spec.find("- npm ci"), std::string::npos);
  EXPECT_NE(spec.find("- npm run build"), std::string::npos);
  EXPECT_NE(spec.find("baseDirectory: dist"), std::string::npos);
}

TEST(FrontendTest, BranchAutoBuildsWithStageByEnvironment) {
  config::Config config = WithRepo();
  config.github_branch = "develop";
  Fixture dev(config);
  EXPECT_TRUE(HasResourceProperties(dev.Synth(), "AWS::Amplify::Branch", Json::parse(R"({
      "AppId": {"Fn::GetAtt": ["FrontendApp", "AppId"]}, "BranchName": "develop",
      "EnableAutoBuild": true, "Stage": "DEVELOPMENT"})")));
  config.environment = "prod";
  Fixture prod(config);
  EXPECT_TRUE(HasResourceProperties(prod.Synth(), "AWS::Amplify::Branch",
                                    Json::parse(R"({"Stage": "PRODUCTION"})")));
}

TEST(FrontendTest, UrlIsTheBranchSubdomainOfTheApp) {
  config::Config config = WithRepo();
  config.github_branch = "release/2024";
  Fixture f(config);
  EXPECT_EQ(f.frontend->frontend_url().value().json(), Json::parse(R"({"Fn::Join": ["", [
      "https://release-2024.", {"Fn::GetAtt": ["FrontendApp", "DefaultDomain"]}]]})"));
  EXPECT_EQ(f.frontend->app_id().value().json(),
            Json::parse(R"({"Fn::GetAtt": ["FrontendApp", "AppId"]})"));
  EXPECT_TRUE(ResourceCountIs(f.Synth(), "AWS::Amplify::Domain", 0));
}

TEST(FrontendTest, CustomDomainServesTheBranch) {
  config::Config config = WithRepo();
  config.frontend_domain = "app.example.com";
  Fixture f(config);
  Json t = f.Synth();
  EXPECT_TRUE(HasResourceProperties(t, "AWS::Amplify::Domain", Json::parse(R"({
      "AppId": {"Fn::GetAtt": ["FrontendApp", "AppId"]}, "DomainName": "app.example.com",
      "SubDomainSettings": [{"BranchName": {"Fn::GetAtt": ["FrontendBranch", "BranchName"]},
                             "Prefix": ""}]})")));
  EXPECT_EQ(f.frontend->frontend_url().value().json(), "https://app.example.com");
}

TEST(FrontendTest, RepositoryWithoutTokenWarns) {
  config::Config config = WithRepo();
  Fixture f(config, /*with_token=*/false);
  auto result = f.stack->Synthesize();
  ASSERT_TRUE(result.has_value()) << result.error().message();
  EXPECT_FALSE(PropertiesOf(result->json, "FrontendApp").contains("AccessToken"));
  ASSERT_EQ(result->warnings.size(), 1u);
  EXPECT_EQ(result->warnings[0].path, "Rex/Frontend");
  EXPECT_NE(result->warnings[0].message.find("githubRepo is set without githubToken"),
            std::string::npos);
}

}  // namespace
}  // namespace rex::stack
