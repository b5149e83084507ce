#include "engine/changeset_plan.h"

#include <algorithm>
#include <map>
#include <set>

#include "base/strings.h"
#include "engine/events.h"
#include "engine/guard.h"

namespace rex::engine {

namespace {

tmpl::Action CloudFormationAction(const aws::CfnResourceChange& change) {
  if (change.action == "Add" || change.action == "Import") return tmpl::Action::kCreate;
  if (change.action == "Remove") return tmpl::Action::kDelete;
  if (change.replacement == "True") return tmpl::Action::kReplace;
  if (change.replacement == "Conditional") return tmpl::Action::kMayReplace;
  return tmpl::Action::kUpdate;
}

Agreement Compare(const tmpl::ResourcePlan* offline, tmpl::Action cfn, bool cfn_listed) {
  tmpl::Action predicted = offline ? offline->action : tmpl::Action::kNoChange;
  bool metadata_only = offline && offline->metadata_only();
  if (!cfn_listed) {
    return predicted == tmpl::Action::kNoChange ? Agreement::kConfirmed : Agreement::kOnlyOffline;
  }
  if (predicted == tmpl::Action::kNoChange) {
    if (!metadata_only) return Agreement::kOnlyCloudFormation;
    return cfn == tmpl::Action::kUpdate ? Agreement::kConfirmed : Agreement::kDiffers;
  }
  if (predicted == cfn) return Agreement::kConfirmed;
  if (predicted == tmpl::Action::kMayReplace &&
      (cfn == tmpl::Action::kReplace || cfn == tmpl::Action::kUpdate)) {
    return Agreement::kResolved;
  }
  return Agreement::kDiffers;
}

bool SameCause(const ChangeCause& a, const ChangeCause& b) {
  return a.attribute == b.attribute && a.name == b.name &&
         a.requires_recreation == b.requires_recreation && a.evaluation == b.evaluation &&
         a.change_source == b.change_source && a.causing_entity == b.causing_entity;
}

void PutIfSet(base::Json& j, const char* key, const std::string& value) {
  if (!value.empty()) j[key] = value;
}

}  // namespace

std::string_view AgreementName(Agreement agreement) {
  switch (agreement) {
    case Agreement::kConfirmed:
      return "confirmed";
    case Agreement::kResolved:
      return "resolved";
    case Agreement::kDiffers:
      return "differs";
    case Agreement::kOnlyCloudFormation:
      return "only-cloudformation";
    case Agreement::kOnlyOffline:
      return "only-offline";
  }
  return "confirmed";
}

ChangeSetView MergeChangeSet(const tmpl::Plan& plan,
                             const std::vector<aws::CfnResourceChange>& changes,
                             const tmpl::SchemaLookup& schemas) {
  std::map<std::string, const tmpl::ResourcePlan*> offline;
  std::set<std::string> ids;
  for (const tmpl::ResourcePlan& r : plan.resources) {
    offline[r.logical_id] = &r;
    if (r.action != tmpl::Action::kNoChange || r.metadata_only()) ids.insert(r.logical_id);
  }
  std::map<std::string, const aws::CfnResourceChange*> cfn;
  for (const aws::CfnResourceChange& c : changes) {
    // Nested stack changes (IncludeNestedStacks) repeat logical ids; the first one wins.
    if (cfn.emplace(c.logical_resource_id, &c).second) ids.insert(c.logical_resource_id);
  }

  ChangeSetView view;
  for (const std::string& id : ids) {
    ResourceVerdict v;
    v.logical_id = id;
    auto o = offline.find(id);
    const tmpl::ResourcePlan* predicted = o == offline.end() ? nullptr : o->second;
    auto c = cfn.find(id);
    const aws::CfnResourceChange* reported = c == cfn.end() ? nullptr : c->second;
    if (predicted) {
      v.type = predicted->type;
      v.path = predicted->path;
      v.offline = predicted->action;
      v.offline_metadata_only = predicted->metadata_only();
      v.stateful = predicted->stateful;
    }
    if (reported) {
      if (v.type.empty()) v.type = reported->resource_type;
      if (!predicted && schemas) {
        const core::ResourceSchema* schema = schemas(reported->resource_type);
        v.stateful = schema != nullptr && schema->stateful;
      }
      v.cloudformation = CloudFormationAction(*reported);
      v.cfn_action = reported->action;
      v.replacement = reported->replacement;
      for (const aws::CfnResourceChangeDetail& d : reported->details) {
        ChangeCause cause{.attribute = d.target.attribute,
                          .name = d.target.name,
                          .requires_recreation = d.target.requires_recreation,
                          .evaluation = d.evaluation,
                          .change_source = d.change_source,
                          .causing_entity = d.causing_entity};
        bool seen = std::any_of(v.causes.begin(), v.causes.end(),
                                [&](const ChangeCause& x) { return SameCause(x, cause); });
        if (!seen) v.causes.push_back(std::move(cause));
      }
    }
    v.agreement = Compare(predicted, v.cloudformation, reported != nullptr);
    if (reported != nullptr && !(predicted && predicted->data_loss)) {
      // The one change-set rule of the data-loss guard (engine/guard.h).
      v.data_loss_added =
          ChangeLosesData(*reported, v.stateful, predicted ? predicted->removal_policy : "")
              .has_value();
    }

    ChangeSetViewSummary& s = view.summary;
    switch (v.agreement) {
      case Agreement::kConfirmed:
        ++s.confirmed;
        break;
      case Agreement::kResolved:
        ++s.resolved;
        break;
      case Agreement::kDiffers:
        ++s.differs;
        break;
      case Agreement::kOnlyCloudFormation:
        ++s.only_cloudformation;
        break;
      case Agreement::kOnlyOffline:
        ++s.only_offline;
        break;
    }
    if (v.cloudformation == tmpl::Action::kReplace) ++s.replace;
    if (v.cloudformation == tmpl::Action::kMayReplace) ++s.conditional;
    if (v.data_loss_added) ++s.data_loss_added;
    view.resources.push_back(std::move(v));
  }
  return view;
}

base::Json ChangeSetViewToJson(const ChangeSetView& view) {
  const ChangeSetViewSummary& s = view.summary;
  base::Json out = {{"source", "change-set"},
                    {"changeSetName", view.change_set_name},
                    {"changeSetId", view.change_set_id},
                    {"deleted", view.deleted},
                    {"noChanges", view.no_changes},
                    {"agrees", view.Agrees()},
                    {"summary",
                     {{"confirmed", s.confirmed},
                      {"resolved", s.resolved},
                      {"differs", s.differs},
                      {"onlyCloudFormation", s.only_cloudformation},
                      {"onlyOffline", s.only_offline},
                      {"replace", s.replace},
                      {"conditional", s.conditional},
                      {"dataLossAdded", s.data_loss_added}}}};
  base::Json resources = base::Json::array();
  for (const ResourceVerdict& v : view.resources) {
    base::Json r = {{"logicalId", v.logical_id},
                    {"type", v.type},
                    {"offline", tmpl::ActionName(v.offline)},
                    {"cloudformation", tmpl::ActionName(v.cloudformation)},
                    {"agreement", AgreementName(v.agreement)},
                    {"dataLossAdded", v.data_loss_added}};
    PutIfSet(r, "path", v.path);
    PutIfSet(r, "action", v.cfn_action);
    PutIfSet(r, "replacement", v.replacement);
    base::Json details = base::Json::array();
    for (const ChangeCause& c : v.causes) {
      base::Json d = {{"attribute", c.attribute}};
      PutIfSet(d, "name", c.name);
      PutIfSet(d, "requiresRecreation", c.requires_recreation);
      PutIfSet(d, "evaluation", c.evaluation);
      PutIfSet(d, "changeSource", c.change_source);
      PutIfSet(d, "causingEntity", c.causing_entity);
      details.push_back(std::move(d));
    }
    r["details"] = std::move(details);
    resources.push_back(std::move(r));
  }
  out["resources"] = std::move(resources);
  return out;
}

base::Result<OnlinePreview> PreviewThroughChangeSet(DeployClients& clients,
                                                    ChangeSetRequest request,
                                                    DeployObserver& observer) {
  const std::string name = request.stack_name;
  auto run = [&]() -> base::Result<OnlinePreview> {
    OnlinePreview out;
    observer.OnStep("checking stack " + name);
    REX_ASSIGN_OR_RETURN(std::optional<aws::Stack> stack, FindStack(clients.cfn, name));
    // REVIEW_IN_PROGRESS: a CREATE change set never executed; the stack holds nothing yet.
    if (!stack || stack->stack_status == "REVIEW_IN_PROGRESS") return out;
    out.stack_status = stack->stack_status;
    const std::string& status = stack->stack_status;
    if (IsInProgressStackStatus(status) || base::EndsWith(status, "_FAILED") ||
        status == "ROLLBACK_COMPLETE") {
      out.state = OnlinePreview::State::kStackNotReady;
      return out;
    }
    if (request.change_set_name.empty()) {
      request.change_set_name = "rex-preview-" + ChangeSetNameFor(clients.clock.Now()).substr(4);
    }
    request.change_set_type = "UPDATE";
    REX_ASSIGN_OR_RETURN(ComputedChangeSet computed,
                         CreateChangeSetAndWait(clients, request, observer));
    out.change_set_name = computed.info.change_set_name;
    out.change_set_id = computed.info.change_set_id;
    out.deleted = true;
    switch (computed.state) {
      case ComputedChangeSet::State::kNoChanges:
        out.state = OnlinePreview::State::kNoChanges;
        return out;
      case ComputedChangeSet::State::kCancelled:
        out.state = OnlinePreview::State::kCancelled;
        return out;
      case ComputedChangeSet::State::kReady:
        break;
    }
    // A preview never executes: the change set goes right away.
    out.deleted = DeleteChangeSetQuietly(clients, out.change_set_id, name, observer);
    out.state = OnlinePreview::State::kReady;
    out.change_set = std::move(computed.change_set);
    return out;
  };
  auto result = run();
  if (!result.ok()) return std::move(result).error().WithContext("preview " + name);
  return result;
}

}  // namespace rex::engine
