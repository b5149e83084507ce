#pragma once

// Text rendering of an tmpl::Plan for people (`rex preview`, and `rex up` before it asks),
// and Markdown for CI job summaries (`rex preview --format markdown`, RenderPlanMarkdown).
// Pure: returns text, prints nothing; colour only through the Style it is given.
//
// Layout (one block per component, components sorted, resources by logical id):
//
//   Database
//     -/+ AWS::RDS::DBCluster    Database/Cluster  REPLACE (DBClusterIdentifier changed)  DATA LOSS
//           ~ DBClusterIdentifier: "rex-dev" → "rex-dev-2"  (replaces)
//   Network
//     +   AWS::EC2::EIP          Network/NatEip2
//     ~   AWS::EC2::Route        Network/PrivateRoute2
//           ~ NatGatewayId: !Ref NetworkNatGateway1 → !Ref NetworkNatGateway2  (reference changed)
//
//   Outputs
//     ~ vpcId
//           ~ Value: !Ref NetworkVpc  (known after deploy: NetworkVpc is replaced)
//
//   Plan: 2 to create, 1 to update, 1 to replace, 40 unchanged
//
// Symbols: "+" create, "~" update, "~" with MAY REPLACE, "-/+" replace, "-" delete; with
// verbose, "=" metadata-only and " " unchanged resources are listed too.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "base/json.h"
#include "cli/terminal.h"
#include "engine/changeset_plan.h"
#include "template/plan.h"

namespace rex::cli {

struct PlanRenderOptions {
  // List unchanged resources and metadata-only changes, show logical ids and never shorten
  // values. Default: false.
  bool verbose = false;
  // Values longer than this many columns are shortened with "…" (not in verbose mode).
  size_t max_value_width = 160;
  // Lines fit this many columns (kOutputWidth): long names are elided in the middle, values
  // shortened so a change line fits, an annotation that does not fit goes on its own line.
  // 0 = no limit (`--wide`); verbose mode never shortens values but still fits names.
  size_t width = kOutputWidth;
};

// A plan's headline: the bold `title` and `against` (what the plan is computed against) on
// one line when they fit `width` columns (0 = no limit), else `against` wrapped on the lines
// below the title; then a blank line. rex preview and rex up print the same.
std::string RenderPlanHeadline(const Style& style, std::string_view title, std::string_view against,
                               size_t width);

// The plan's resources and sections, then the summary line. A plan without changes renders
// as "No changes: N resources unchanged." plus, in verbose mode, the unchanged list.
std::string RenderPlan(const tmpl::Plan& plan, const Style& style,
                       const PlanRenderOptions& options = {});

// "Plan: 3 to create, 1 to update, 1 to replace, 40 unchanged", followed by the counts of
// changed parameters/outputs and, in red, of resources that lose data.
std::string RenderSummary(const tmpl::Plan& plan, const Style& style);

// CloudFormation's view after the offline plan (`rex preview` online), e.g.
//
//   CloudFormation change set confirms the plan: 2 resources change, 1 replaced, 1 may be
//   replaced
//     -/+ Database/Cluster        Replacement: True
//           DBClusterIdentifier: Always (changed directly)
//     ~   Network/PrivateSubnet1  Replacement: Conditional
//           AvailabilityZone: Conditionally (changed directly)
//     change set rex-preview-20261127T031500Z deleted
//
// or "CloudFormation change set differs from the offline plan on 1 of 3 resources (2
// confirmed):" followed by every resource that differs, is resolved, or only one side
// changes, each with what the other side says. Replacements (True, Conditional) are always
// listed; confirmed changes without replacement only with `verbose`.
std::string RenderChangeSetView(const engine::ChangeSetView& view, const Style& style,
                                bool verbose = false);

// One Details entry on one line: "DBClusterIdentifier: Always (changed directly)",
// "MasterUserPassword: Never (parameter DbMasterPassword)", "SubnetId: Conditionally (Ref
// NetworkSubnet1, dynamic)".
std::string FormatChangeCause(const engine::ChangeCause& cause);

// A template value on one line: strings quoted as JSON, intrinsics in YAML short form
// (`!Ref X`, `!GetAtt X.Y`, `!Sub "..."`, `!Join [...]`), other values as compact JSON.
// Shortened to `max_width` columns with "…" when longer (0 = no limit).
std::string FormatValue(const base::Json& value, size_t max_width = 0);

// ---------------------------------------------------------------- Markdown (`--format markdown`)

// What `rex preview --format markdown` shows besides the plan; the renderer only formats it.
struct MarkdownPreview {
  std::string stack_name;  // "rex-backend-dev"
  std::string config;      // "stacks/dev.yaml", "built-in dev preset"
  // What the plan compares against (".rex/dev/deployed.template.json", "the template deployed
  // in CloudFormation"); "" when nothing is deployed.
  std::string baseline;
  // CloudFormation's view; null when the preview is offline, then `offline_note` says why
  // ("" renders as "offline plan only").
  const engine::ChangeSetView* view = nullptr;
  std::string offline_note;
  // The monthly cost delta (USD) and the `rex check` verdict, when known.
  struct Cost {
    double before = 0;
    double after = 0;
  };
  std::optional<Cost> cost;
  struct Checks {
    int errors = 0;
    int warnings = 0;
    int suppressed = 0;
    size_t rules = 0;
  };
  std::optional<Checks> checks;
  // The plan loses data and --allow-data-loss was (not) given.
  bool allow_data_loss = false;
};

// The plan as GitHub-flavoured Markdown for a job summary ($GITHUB_STEP_SUMMARY):
//
//   ## rex preview: rex-backend-dev
//
//   `stacks/dev.yaml` against `.rex/dev/deployed.template.json`
//
//   **Plan:** 1 to create, 1 to replace, 40 unchanged
//
//   > [!CAUTION]
//   > **DATA LOSS:** `Database/Cluster` (AWS::RDS::DBCluster) is replaced. `rex up` refuses
//   > this plan unless `--allow-data-loss` is given.
//
//   | Action | Resource | Type | Why |
//   | --- | --- | --- | --- |
//   | replace | `Database/Cluster` | `AWS::RDS::DBCluster` | DBClusterIdentifier changed; **DATA
//   LOSS** |
//
//   **CloudFormation:** the change set confirms the plan: 2 resources change, 1 replaced
//   (followed by a table of CloudFormation's replacements and disagreements, if any), or
//   **CloudFormation:** not asked (<offline_note>)
//
//   **Cost:** $10.00 → $12.50 a month (+$2.50)
//   **Checks:** 30 rules: 0 errors, 1 warnings
//
// One table row per changed resource (create, update, may-replace, replace, delete;
// unchanged and metadata-only ones are counted in the headline only), in logical id order.
// Text in cells has `|` escaped and newlines flattened. Without changes: "No changes: N
// resources unchanged." instead of the headline and table. Pure: no colour, no I/O.
std::string RenderPlanMarkdown(const tmpl::Plan& plan, const MarkdownPreview& preview);

}  // namespace rex::cli
