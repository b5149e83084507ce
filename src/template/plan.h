#pragma once

// The offline plan: what deploying template `after` over the deployed template `before` will
// do, predicted from the templates and the resource schemas alone (no AWS call). A pure data
// structure; rendering it for people is the CLI's job (cli/plan_render.h), rendering it for
// machines is PlanToJson below.
//
// How a plan is made (the model is aws-cdk-cli's cloudformation-diff):
// 1. Every section is compared key by key in sorted order. Values are compared structurally;
//    objects and arrays are descended into so a change is reported at its leaf
//    ("Tags[1].Value"), except intrinsic functions ({"Ref": ..}, {"Fn::GetAtt": ..},
//    {"Fn::Sub": ..}, ...), which are compared and reported whole. Arrays are aligned on their
//    longest common subsequence, so inserting one element reports one addition rather than a
//    change of every later index.
// 2. Each changed resource property gets the replacement behaviour of its schema: the strongest
//    `causesReplacement` along its path (the top-level property and any nested struct fields).
//    kYes makes the resource a replace, kMaybe a may-replace, kNo an update. A property the
//    schema does not know (or a type with no schema) counts as kMaybe.
//    A changed Type is a replace; a changed logical id is a delete plus a create.
// 3. Replacements propagate: a replaced resource gets new physical ids and attributes, so every
//    property of a kept resource that Refs or GetAtts it (also through "${Name}" in Fn::Sub)
//    changes after deploy, with that property's own replacement behaviour, and outputs that
//    reference it change too. A may-replaced resource propagates at most "may replace". This
//    repeats until nothing changes.
// 4. A stateful resource (schema `isStateful`: database, cache, repository, log group, bucket)
//    that is replaced, or deleted without DeletionPolicy Retain, is marked data_loss.
//
// Changes only in DependsOn, DeletionPolicy, UpdateReplacePolicy or Metadata leave the
// resource itself untouched: action kNoChange, listed in `attribute_changes`.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "core/schema.h"

namespace rex::tmpl {

// The schema of a resource type, or nullptr when unknown. Production code passes
// cfn::FindResourceSchema; tests pass small hand-written schemas.
using SchemaLookup = std::function<const core::ResourceSchema*(std::string_view type)>;

// What a deploy does to one resource. Ordered by severity; a resource takes the most severe
// action any of its changes implies.
enum class Action { kNoChange, kUpdate, kMayReplace, kReplace, kCreate, kDelete };

// "no-change", "update", "may-replace", "replace", "create", "delete" (the JSON names).
std::string_view ActionName(Action action);

// How a value differs between the templates.
enum class ChangeKind { kAdd, kRemove, kModify };

// "add", "remove", "modify".
std::string_view ChangeKindName(ChangeKind kind);

// "no", "yes", "maybe".
std::string_view ReplacementName(core::Replacement replacement);

// One changed value inside a resource's Properties or a parameter/output/condition entry.
struct ValueChange {
  // Where, relative to Properties (or to the entry): keys joined with '.', array indexes in
  // brackets, e.g. "Tags[1].Value", "SubnetIds[0]". Keys holding '.' or '[' are quoted:
  // `Policies["a.b"]`. Removed array elements carry their index in `before`, added and
  // modified ones their index in `after`.
  std::string path;
  ChangeKind kind = ChangeKind::kModify;
  base::Json before = nullptr;  // meaningful unless kind == kAdd
  base::Json after = nullptr;   // meaningful unless kind == kRemove
  // For resource properties: the replacement behaviour this change implies (see header).
  core::Replacement replacement = core::Replacement::kNo;
  // Both sides are a Ref or a Fn::GetAtt, naming different resources or attributes.
  bool reference_changed = false;
  // The template text is unchanged but the value is not: it references `caused_by`, which is
  // replaced (or may be), so the value is known only after deploy.
  bool known_after_deploy = false;
  std::string caused_by = {};  // logical id; set iff known_after_deploy
};

// A change of a resource attribute outside Properties (DependsOn, DeletionPolicy,
// UpdateReplacePolicy, Metadata, Condition).
struct AttributeChange {
  std::string attribute;  // e.g. "DependsOn"
  ChangeKind kind = ChangeKind::kModify;
  base::Json before = nullptr;
  base::Json after = nullptr;
};

struct ResourcePlan {
  std::string logical_id;
  std::string type;           // the type in `after` (in `before` for a delete)
  std::string previous_type;  // set iff the type changed (then action is kReplace)
  std::string path;           // construct path from Metadata "rex:path"; "" if none
  std::string component;      // first path component below the stack, e.g. "Network"; or ""
  Action action = Action::kNoChange;
  bool schema_known = false;  // the type's schema was found
  bool stateful = false;      // from the schema
  bool data_loss = false;     // stateful and replaced, or deleted without DeletionPolicy Retain
  // The DeletionPolicy (deletes) or UpdateReplacePolicy (replacements) in force, e.g.
  // "Snapshot"; "" when the template sets none (CloudFormation deletes).
  std::string removal_policy = {};
  // Why a replace or may-replace: the top-level properties whose changes imply it, sorted,
  // e.g. {"DBClusterIdentifier"}; {"Type"} for a type change. Empty otherwise.
  std::vector<std::string> causes = {};
  // Property changes in template order: keys sorted, array indexes ascending; changes known
  // only after deploy (propagated) follow the direct ones.
  std::vector<ValueChange> changes = {};
  std::vector<AttributeChange> attribute_changes = {};  // sorted by attribute
  // For a delete and a create of the same type with equal Properties: the logical id on the
  // other side, a hint that the construct was renamed or moved (still a delete + create).
  std::string renamed = {};

  // True when the only differences are in attribute_changes.
  bool metadata_only() const { return action == Action::kNoChange && !attribute_changes.empty(); }
};

// A parameter, output, condition, mapping or rule that differs.
struct EntryPlan {
  std::string name;  // its logical id
  ChangeKind kind = ChangeKind::kModify;
  std::vector<ValueChange> changes = {};  // for kModify (and known-after-deploy outputs)
  base::Json before = nullptr;            // the whole entry, unless kind == kAdd
  base::Json after = nullptr;             // the whole entry, unless kind == kRemove
};

struct PlanSummary {
  size_t create = 0;
  size_t update = 0;
  size_t may_replace = 0;
  size_t replace = 0;
  size_t remove = 0;  // deletes
  size_t no_change = 0;
  size_t metadata_only = 0;  // counted in no_change too
  size_t data_loss = 0;
  size_t parameters = 0;  // changed parameters
  size_t outputs = 0;
  size_t conditions = 0;
  size_t other = 0;  // mappings, rules and top-level template keys
};

struct Plan {
  bool nothing_deployed = false;              // `before` was null
  std::vector<ResourcePlan> resources;        // every resource of both templates, by logical id
  std::vector<EntryPlan> parameters;          // changed ones only, by name
  std::vector<EntryPlan> outputs;             // changed ones only, by name
  std::vector<EntryPlan> conditions;          // changed ones only, by name
  std::vector<EntryPlan> mappings;            // changed ones only, by name
  std::vector<EntryPlan> rules;               // changed ones only, by name
  std::vector<ValueChange> template_changes;  // top-level keys (Description, Transform, ...)
  PlanSummary summary;

  // True when deploying would change anything (metadata-only changes count: CloudFormation
  // still updates the stack).
  bool HasChanges() const;
  // True when any resource has data_loss.
  bool HasDataLoss() const { return summary.data_loss > 0; }
};

// Computes the plan of deploying `after` over `before`. `before` is null when nothing is
// deployed (every resource is then a create). Both must have passed ValidateTemplate (the
// synthesizer's output always does); the function does not fail and does not throw.
// `schemas` may be null: then every type counts as unknown.
Plan ComputePlan(const base::Json& before, const base::Json& after, const SchemaLookup& schemas);

// The component of a construct path: "Rex/Network/Vpc" -> "Network"; "Rex/Vpc" -> "Vpc";
// "" for a path with a single component or none.
std::string ComponentOfPath(std::string_view path);

// The plan as JSON, for `rex preview --json`. Schema version 1, stable (fields may be added,
// never renamed or removed without bumping "version"):
//
// {
//   "version": 1,
//   "nothingDeployed": bool,
//   "hasChanges": bool,
//   "dataLoss": bool,
//   "summary": {"create": n, "update": n, "mayReplace": n, "replace": n, "delete": n,
//               "noChange": n, "metadataOnly": n, "dataLoss": n, "parameters": n,
//               "outputs": n, "conditions": n, "other": n},
//   "resources": [                       // every resource, sorted by logicalId
//     {"logicalId": s, "type": s, "previousType": s?, "path": s, "component": s,
//      "action": "create"|"update"|"may-replace"|"replace"|"delete"|"no-change",
//      "stateful": bool, "dataLoss": bool, "schemaKnown": bool,
//      "removalPolicy": s?, "causes": [s]?, "renamed": s?, "metadataOnly": bool,
//      "changes": [change]?, "attributeChanges": [{"attribute": s, "kind": k,
//                                                  "before": v?, "after": v?}]?}
//   ],
//   "parameters"|"outputs"|"conditions"|"mappings"|"rules": [   // changed entries only
//     {"name": s, "kind": "add"|"remove"|"modify", "before": v?, "after": v?,
//      "changes": [change]?}
//   ],
//   "templateChanges": [change]
// }
// change = {"path": s, "kind": "add"|"remove"|"modify", "before": v?, "after": v?,
//           "replacement": "no"|"yes"|"maybe", "referenceChanged": bool,
//           "knownAfterDeploy": bool, "causedBy": s?}
// Keys marked ? are omitted when empty or not applicable ("before" for an add, "after" for
// a remove). Values are the template JSON as is (intrinsics in their long form).
base::Json PlanToJson(const Plan& plan);

}  // namespace rex::tmpl
