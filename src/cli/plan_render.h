#pragma once

// Text rendering of an engine::Plan for people (`rex preview`, and `rex up` before it asks).
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
#include <string>

#include "base/json.h"
#include "cli/terminal.h"
#include "engine/changeset_plan.h"
#include "engine/plan.h"

namespace rex::cli {

struct PlanRenderOptions {
  // List unchanged resources and metadata-only changes, show logical ids and never shorten
  // values. Default: false.
  bool verbose = false;
  // Values longer than this many columns are shortened with "…" (not in verbose mode).
  size_t max_value_width = 160;
};

// The plan's resources and sections, then the summary line. A plan without changes renders
// as "No changes: N resources unchanged." plus, in verbose mode, the unchanged list.
std::string RenderPlan(const engine::Plan& plan, const Style& style,
                       const PlanRenderOptions& options = {});

// "Plan: 3 to create, 1 to update, 1 to replace, 40 unchanged", followed by the counts of
// changed parameters/outputs and, in red, of resources that lose data.
std::string RenderSummary(const engine::Plan& plan, const Style& style);

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

}  // namespace rex::cli
