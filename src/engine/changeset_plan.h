#pragma once

// The online preview: CloudFormation's own view of a deploy, from a change set that is
// created, described and always deleted again, merged into the offline plan (template/plan.h).
//
// The offline plan predicts from the templates and the resource schemas; CloudFormation knows
// the deployed stack, the parameter values (NoEcho secrets included) and its own replacement
// rules. The merge puts the two side by side per resource:
//   - confirmed: both see the same action (a metadata-only offline change matches a Modify
//     without replacement, or no change at all: CloudFormation does not report DependsOn);
//   - resolved: the offline plan said "may replace" and CloudFormation decided (Replacement
//     True: replace; False: update in place);
//   - differs: both see a change but not the same one;
//   - only-cloudformation: CloudFormation reports a change the offline plan did not predict
//     (e.g. a NoEcho parameter changed: the template text is the same);
//   - only-offline: the offline plan predicts a change CloudFormation does not report.
// A stateful resource that CloudFormation replaces (True or Conditional) or removes (without
// DeletionPolicy Retain) while the offline plan did not mark it data loss gets data_loss_added
// (the rule of engine/guard.h, ChangeLosesData): the preview blocks on it as on offline data
// loss, and engine::Deploy refuses to execute such a change set.

#include <atomic>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/cloudformation.h"
#include "base/json.h"
#include "base/result.h"
#include "engine/deploy.h"
#include "engine/observer.h"
#include "template/plan.h"

namespace rex::engine {

// One Details entry of a CloudFormation resource change.
struct ChangeCause {
  std::string attribute = {};            // Target.Attribute: Properties | Metadata | Tags | ...
  std::string name = {};                 // Target.Name: a top-level property; "" for others
  std::string requires_recreation = {};  // Never | Conditionally | Always
  std::string evaluation = {};           // Static | Dynamic
  // DirectModification | ParameterReference | ResourceReference | ResourceAttribute |
  // Automatic.
  std::string change_source = {};
  std::string causing_entity = {};  // a parameter, "LogicalId" or "LogicalId.Attribute"
};

enum class Agreement { kConfirmed, kResolved, kDiffers, kOnlyCloudFormation, kOnlyOffline };

// "confirmed", "resolved", "differs", "only-cloudformation", "only-offline".
std::string_view AgreementName(Agreement agreement);

// One resource that the offline plan or CloudFormation (or both) changes.
struct ResourceVerdict {
  std::string logical_id = {};
  std::string type = {};
  std::string path = {};  // construct path from the offline plan; "" if unknown
  tmpl::Action offline = tmpl::Action::kNoChange;
  bool offline_metadata_only = false;
  // CloudFormation's action in the plan's terms: Add → kCreate, Remove → kDelete, Modify with
  // Replacement True → kReplace, Conditional → kMayReplace, False → kUpdate; kNoChange when
  // CloudFormation does not list the resource.
  tmpl::Action cloudformation = tmpl::Action::kNoChange;
  std::string cfn_action = {};   // Add | Modify | Remove | Import | Dynamic; "" when not listed
  std::string replacement = {};  // True | False | Conditional; "" when not a Modify
  std::vector<ChangeCause> causes = {};  // Details, duplicates removed, in CloudFormation's order
  Agreement agreement = Agreement::kConfirmed;
  bool stateful = false;         // from the offline plan (the schema)
  bool data_loss_added = false;  // see the header comment
};

struct ChangeSetViewSummary {
  size_t confirmed = 0;
  size_t resolved = 0;
  size_t differs = 0;
  size_t only_cloudformation = 0;
  size_t only_offline = 0;
  size_t replace = 0;      // Replacement True
  size_t conditional = 0;  // Replacement Conditional
  size_t data_loss_added = 0;
};

struct ChangeSetView {
  std::string change_set_name = {};
  std::string change_set_id = {};
  bool no_changes = false;  // CloudFormation: "didn't contain changes"
  bool deleted = false;     // the change set was deleted afterwards
  // Every resource that either side changes (and metadata-only offline ones), by logical id.
  std::vector<ResourceVerdict> resources = {};
  ChangeSetViewSummary summary = {};

  // True when nothing differs (confirmed and resolved only).
  bool Agrees() const {
    return summary.differs + summary.only_cloudformation + summary.only_offline == 0;
  }
  bool HasDataLoss() const { return summary.data_loss_added > 0; }
};

// Merges CloudFormation's changes (`changes`: a described change set, every page; empty when
// CloudFormation found nothing to change) with `plan`. `schemas` tells whether a resource the
// offline plan does not know is stateful; may be null. Pure; never fails. The name, id,
// no_changes and deleted fields are left for the caller.
ChangeSetView MergeChangeSet(const tmpl::Plan& plan,
                             const std::vector<aws::CfnResourceChange>& changes,
                             const tmpl::SchemaLookup& schemas = nullptr);

// The view as JSON, the "cloudformation" key of `rex preview --json` (documented in
// cli/cmd_preview.cc):
// {"source": "change-set", "changeSetName": s, "changeSetId": s, "deleted": bool,
//  "noChanges": bool, "agrees": bool,
//  "summary": {"confirmed": n, "resolved": n, "differs": n, "onlyCloudFormation": n,
//              "onlyOffline": n, "replace": n, "conditional": n, "dataLossAdded": n},
//  "resources": [{"logicalId": s, "type": s, "path": s?, "offline": action,
//                 "cloudformation": action, "action": s?, "replacement": s?,
//                 "agreement": s, "dataLossAdded": bool,
//                 "details": [{"attribute": s, "name": s?, "requiresRecreation": s?,
//                              "evaluation": s?, "changeSource": s?, "causingEntity": s?}]}]}
// Actions use ActionName; keys marked ? are omitted when empty.
base::Json ChangeSetViewToJson(const ChangeSetView& view);

// What asking CloudFormation gave.
struct OnlinePreview {
  enum class State {
    kStackMissing,   // the stack does not exist: no change set is made (a CREATE change set
                     // would leave an empty REVIEW_IN_PROGRESS stack behind)
    kStackNotReady,  // the stack is busy or in a state that cannot be updated (stack_status)
    kNoChanges,      // the change set found nothing to change (deleted)
    kReady,          // `change_set` holds CloudFormation's changes (deleted unless !deleted)
    kCancelled,      // stopped by `cancel` (the change set, if made, was deleted)
  };
  State state = State::kStackMissing;
  std::string stack_status = {};
  std::string change_set_name = {};
  std::string change_set_id = {};
  aws::ChangeSet change_set = {};
  bool deleted = false;  // the change set is gone again (true unless the delete failed)
};

// DescribeStacks, then, for a stack that can be updated, CreateChangeSetAndWait (an UPDATE
// change set named `request.change_set_name`, default "rex-preview-<time>") and, whatever
// happens after it was created (success, error, cancel), DeleteChangeSet. Never executes
// anything. Errors: as CreateChangeSetAndWait and FindStack, with context "preview <stack>".
base::Result<OnlinePreview> PreviewThroughChangeSet(DeployClients& clients,
                                                    ChangeSetRequest request,
                                                    DeployObserver& observer);

}  // namespace rex::engine
