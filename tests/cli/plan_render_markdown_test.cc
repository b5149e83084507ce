// RenderPlanMarkdown (cli/plan_render.h): the plan as GitHub-flavoured Markdown for a CI job
// summary, checked against the exact text.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli/plan_render.h"

namespace rex::cli {
namespace {

using tmpl::Action;

tmpl::ResourcePlan Resource(std::string logical_id, std::string type, std::string path,
                            Action action) {
  tmpl::ResourcePlan r;
  r.logical_id = std::move(logical_id);
  r.type = std::move(type);
  r.path = std::move(path);
  r.action = action;
  return r;
}

// A plan that creates a NAT EIP, updates a route, replaces the database cluster (data loss)
// and keeps one resource.
tmpl::Plan ReplacingPlan() {
  tmpl::Plan plan;
  auto cluster =
      Resource("DatabaseCluster", "AWS::RDS::DBCluster", "Rex/Database/Cluster", Action::kReplace);
  cluster.stateful = true;
  cluster.data_loss = true;
  cluster.removal_policy = "Snapshot";
  cluster.causes = {"DBClusterIdentifier"};
  cluster.changes = {tmpl::ValueChange{.path = "DBClusterIdentifier",
                                       .before = "rex-dev",
                                       .after = "rex-dev-2",
                                       .replacement = core::Replacement::kYes}};
  auto eip = Resource("NetworkNatEip2", "AWS::EC2::EIP", "Rex/Network/NatEip2", Action::kCreate);
  auto route = Resource("NetworkPrivateRoute2", "AWS::EC2::Route", "Rex/Network/PrivateRoute2",
                        Action::kUpdate);
  route.changes = {tmpl::ValueChange{.path = "NatGatewayId",
                                     .before = base::Json{{"Ref", "NetworkNatGateway1"}},
                                     .after = base::Json{{"Ref", "NetworkNatGateway2"}},
                                     .reference_changed = true}};
  auto vpc = Resource("NetworkVpc", "AWS::EC2::VPC", "Rex/Network/Vpc", Action::kNoChange);
  plan.resources = {cluster, eip, route, vpc};
  plan.summary.create = 1;
  plan.summary.update = 1;
  plan.summary.replace = 1;
  plan.summary.no_change = 1;
  plan.summary.data_loss = 1;
  plan.summary.outputs = 1;
  return plan;
}

TEST(PlanMarkdown, OfflinePlanWithDataLossCostAndChecks) {
  MarkdownPreview preview;
  preview.stack_name = "rex-backend-dev";
  preview.config = "stacks/dev.yaml";
  preview.baseline = ".rex/dev/deployed.template.json";
  preview.offline_note = "";
  preview.cost = MarkdownPreview::Cost{.before = 100, .after = 132.5};
  preview.checks =
      MarkdownPreview::Checks{.errors = 0, .warnings = 2, .suppressed = 1, .rules = 30};
  EXPECT_EQ(RenderPlanMarkdown(ReplacingPlan(), preview),
            "## rex preview: rex-backend-dev\n"
            "\n"
            "`stacks/dev.yaml` against `.rex/dev/deployed.template.json`\n"
            "\n"
            "**Plan:** 1 to create, 1 to update, 1 to replace, 1 unchanged\n"
            "\n"
            "Also changed: 1 outputs\n"
            "\n"
            "> [!CAUTION]\n"
            "> **DATA LOSS:** `Database/Cluster` (AWS::RDS::DBCluster) is replaced. `rex up` "
            "refuses this plan unless `--allow-data-loss` is given.\n"
            "\n"
            "| Action | Resource | Type | Why |\n"
            "| --- | --- | --- | --- |\n"
            "| replace | `Database/Cluster` | `AWS::RDS::DBCluster` | DBClusterIdentifier "
            "changed; **DATA LOSS** (a snapshot is kept) |\n"
            "| create | `Network/NatEip2` | `AWS::EC2::EIP` |  |\n"
            "| update | `Network/PrivateRoute2` | `AWS::EC2::Route` | NatGatewayId changed |\n"
            "\n"
            "**CloudFormation:** not asked (offline plan only)\n"
            "\n"
            "**Cost:** $100.00 → $132.50 a month (+$32.50; us-east-1 list prices)  \n"
            "**Checks:** 30 rules: 0 errors, 2 warnings, 1 suppressed\n");
}

TEST(PlanMarkdown, NothingDeployedAllowedDataLossAndCloudFormationDisagreeing) {
  tmpl::Plan plan = ReplacingPlan();
  engine::ChangeSetView view;
  view.change_set_name = "rex-preview-20261202T120000Z";
  view.deleted = true;
  engine::ResourceVerdict cluster;
  cluster.logical_id = "DatabaseCluster";
  cluster.type = "AWS::RDS::DBCluster";
  cluster.path = "Rex/Database/Cluster";
  cluster.offline = Action::kReplace;
  cluster.cloudformation = Action::kReplace;
  cluster.cfn_action = "Modify";
  cluster.replacement = "True";
  cluster.causes = {engine::ChangeCause{.attribute = "Properties",
                                        .name = "DBClusterIdentifier",
                                        .requires_recreation = "Always",
                                        .change_source = "DirectModification"}};
  engine::ResourceVerdict secret;
  secret.logical_id = "AppSecret";
  secret.type = "AWS::SecretsManager::Secret";
  secret.cloudformation = Action::kUpdate;
  secret.cfn_action = "Modify";
  secret.replacement = "False";
  secret.agreement = engine::Agreement::kOnlyCloudFormation;
  view.resources = {secret, cluster};
  view.summary.confirmed = 1;
  view.summary.only_cloudformation = 1;
  view.summary.replace = 1;

  MarkdownPreview preview;
  preview.stack_name = "rex-backend-prod";
  preview.config = "built-in prod preset";
  preview.view = &view;
  preview.allow_data_loss = true;
  std::string md = RenderPlanMarkdown(plan, preview);
  EXPECT_THAT(md, ::testing::HasSubstr(
                      "`built-in prod preset`: nothing deployed yet, every resource is created\n"));
  EXPECT_THAT(md, ::testing::HasSubstr("is replaced. Allowed by `--allow-data-loss`.\n"));
  EXPECT_THAT(md,
              ::testing::HasSubstr(
                  "**CloudFormation:** the change set differs from the offline plan on 1 of 2 "
                  "resources (1 confirmed). Change set `rex-preview-20261202T120000Z` deleted.\n"
                  "\n"
                  "| Resource | CloudFormation | Offline plan | Details |\n"
                  "| --- | --- | --- | --- |\n"
                  "| `AppSecret` | Replacement: False | not in the offline plan |  |\n"
                  "| `Database/Cluster` | Replacement: True | agrees | DBClusterIdentifier: "
                  "Always (changed directly) |\n"));
  // No cost or check line when the sections said nothing.
  EXPECT_THAT(md, ::testing::Not(::testing::HasSubstr("**Cost:**")));
  EXPECT_THAT(md, ::testing::Not(::testing::HasSubstr("**Checks:**")));
}

TEST(PlanMarkdown, NoChangesAndConfirmingChangeSet) {
  tmpl::Plan plan;
  plan.resources = {Resource("NetworkVpc", "AWS::EC2::VPC", "Rex/Network/Vpc", Action::kNoChange)};
  plan.summary.no_change = 1;
  engine::ChangeSetView view;
  view.no_changes = true;
  view.change_set_name = "rex-preview-x";
  view.deleted = false;
  MarkdownPreview preview;
  preview.stack_name = "rex-backend-dev";
  preview.config = "stacks/dev.yaml";
  preview.baseline = "the template deployed in CloudFormation";
  preview.view = &view;
  preview.checks =
      MarkdownPreview::Checks{.errors = 1, .warnings = 0, .suppressed = 0, .rules = 30};
  EXPECT_EQ(RenderPlanMarkdown(plan, preview),
            "## rex preview: rex-backend-dev\n"
            "\n"
            "`stacks/dev.yaml` against `the template deployed in CloudFormation`\n"
            "\n"
            "No changes: 1 resources unchanged.\n"
            "\n"
            "**CloudFormation:** the change set confirms: no changes. Change set "
            "`rex-preview-x` could not be deleted.\n"
            "\n"
            "**Checks:** 30 rules: 1 errors, 0 warnings (failing)\n");
}

TEST(PlanMarkdown, CellsEscapePipesAndLineBreaks) {
  tmpl::Plan plan;
  auto odd = Resource("Odd", "Custom::Thing", "Rex/A|B/C", Action::kMayReplace);
  odd.causes = {"Name"};
  odd.changes = {tmpl::ValueChange{
      .path = "Name", .before = "a", .after = "b", .replacement = core::Replacement::kMaybe}};
  plan.resources = {odd};
  plan.summary.may_replace = 1;
  MarkdownPreview preview;
  preview.stack_name = "s";
  preview.config = "c";
  preview.offline_note = "no AWS credentials | configured";
  std::string md = RenderPlanMarkdown(plan, preview);
  EXPECT_THAT(
      md, ::testing::HasSubstr(
              "| may-replace | `A\\|B/C` | `Custom::Thing` | may be replaced: Name changed |\n"));
  EXPECT_THAT(md, ::testing::HasSubstr(
                      "**CloudFormation:** not asked (no AWS credentials | configured)\n"));
}

}  // namespace
}  // namespace rex::cli
