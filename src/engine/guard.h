#pragma once

// The data-loss guard: the one rule that decides whether a deploy destroys data, applied to the
// offline plan (template/plan.h) and to CloudFormation's change set, by every path that deploys
// (`rex up`, `rex rollback`, `rex redeploy --image-tag`, `rex bootstrap`: all go through
// engine::Deploy, which applies GuardChangeSet before executing anything) and by `rex preview`.
//
// A stateful resource (schema `isStateful`: database, cache, repository, log group, bucket)
// loses its data when
//   - it is replaced: the offline plan says kReplace, or the change set says Modify with
//     Replacement True or Conditional (CloudFormation's "Conditional" is its final word before
//     execution: the replacement depends on a value only known then, so it is guarded as one);
//   - it is deleted (plan kDelete, change set Remove) while its DeletionPolicy in the deployed
//     template is not Retain / RetainExceptOnCreate;
//   - its protection is dropped: DeletionPolicy or UpdateReplacePolicy goes from Retain,
//     RetainExceptOnCreate or Snapshot to Delete (or to nothing, which means Delete). Nothing is
//     lost by this deploy, but the next replacement or deletion would be, so it is guarded too.
// The offline plan's "may replace" (kMayReplace) is not a finding: it is the plan's own
// uncertainty, which the change set resolves before anything is executed.
//
// The guard never decides alone: callers stop on a non-empty report unless the user passed
// --allow-data-loss, and `--yes` never bypasses it.

#include <string>
#include <string_view>
#include <vector>

#include "aws/cloudformation.h"
#include "base/json.h"
#include "template/plan.h"

namespace rex::engine {

enum class DataLossCause {
  kReplaced,           // replaced (plan), or Replacement True (change set)
  kMayBeReplaced,      // change set Replacement Conditional
  kDeleted,            // deleted without DeletionPolicy Retain
  kProtectionDropped,  // DeletionPolicy / UpdateReplacePolicy no longer keeps the data
};

// "replaced", "may be replaced", "deleted", "protection dropped".
std::string_view DataLossCauseName(DataLossCause cause);

struct DataLossFinding {
  std::string logical_id = {};
  std::string type = {};
  std::string path = {};  // construct path ("Rex/Database/Cluster"); "" when unknown
  DataLossCause cause = DataLossCause::kReplaced;
  // Why, in words: "DBClusterIdentifier changed", "CloudFormation: Replacement Conditional",
  // "DeletionPolicy Snapshot → Delete", "DeletionPolicy Delete".
  std::string detail = {};
  bool from_change_set = false;  // found in CloudFormation's change set (else the offline plan)
};

struct DataLossReport {
  std::vector<DataLossFinding> findings = {};

  bool empty() const { return findings.empty(); }
  // Adds `other`'s findings, skipping a resource already reported with the same cause.
  void Merge(const DataLossReport& other);
  // One line per finding: "Database/Cluster (AWS::RDS::DBCluster): replaced (DBClusterIdentifier
  // changed)". The name is the construct path without its root, else the logical id.
  std::vector<std::string> Lines() const;
  // The resources' names, comma-separated, for one-line messages.
  std::string Names() const;
};

// True when `policy` keeps the data of a deleted or replaced resource: Retain,
// RetainExceptOnCreate (and, for DropsProtection only, Snapshot).
bool IsRetainPolicy(std::string_view policy);

// The findings of the offline plan: every resource with data_loss (replaced, or deleted without
// Retain) and every stateful resource whose DeletionPolicy or UpdateReplacePolicy stops
// keeping its data (attribute_changes).
DataLossReport GuardPlan(const tmpl::Plan& plan);

// The rule for one change of a change set. `stateful` from the schema of its type;
// `deletion_policy` the resource's DeletionPolicy in the deployed template ("" when none).
// Returns the cause, or nullopt when the change keeps the data.
std::optional<DataLossCause> ChangeLosesData(const aws::CfnResourceChange& change, bool stateful,
                                             std::string_view deletion_policy);

// The findings of a change set (every page). `deployed` is the template CloudFormation holds
// (for the DeletionPolicy of removed resources; null when the stack is new or unknown: a
// removal then counts as without Retain). `after` is the template being deployed (may be null);
// with `deployed` it names each finding by its construct path (Metadata "rex:path"). `schemas`
// tells which types are stateful.
DataLossReport GuardChangeSet(const std::vector<aws::CfnResourceChange>& changes,
                              const base::Json* deployed, const base::Json* after,
                              const tmpl::SchemaLookup& schemas);

// The message callers print when they stop: "this deploy destroys the data of A, B; nothing was
// deployed. Rerun with --allow-data-loss if that is intended (a backup first is wise)", followed
// by the report's lines, indented.
std::string DataLossMessage(const DataLossReport& report, std::string_view what_was_done);

}  // namespace rex::engine
