#include "engine/guard.h"

#include <algorithm>
#include <optional>

#include "base/strings.h"

namespace rex::engine {

namespace {

std::string PolicyText(const base::Json& value) {
  return value.is_string() ? value.get<std::string>() : std::string();
}

// True for a policy that keeps data in some form: Retain, RetainExceptOnCreate, Snapshot.
bool KeepsData(std::string_view policy) { return IsRetainPolicy(policy) || policy == "Snapshot"; }

std::string DisplayName(const DataLossFinding& f) {
  size_t slash = f.path.find('/');
  return slash == std::string::npos || slash + 1 >= f.path.size() ? f.logical_id
                                                                  : f.path.substr(slash + 1);
}

const base::Json* ResourceOf(const base::Json* tmpl, const std::string& logical_id) {
  if (tmpl == nullptr || !tmpl->is_object()) return nullptr;
  auto resources = tmpl->find("Resources");
  if (resources == tmpl->end() || !resources->is_object()) return nullptr;
  auto resource = resources->find(logical_id);
  if (resource == resources->end() || !resource->is_object()) return nullptr;
  return &*resource;
}

std::string DeletionPolicyOf(const base::Json* tmpl, const std::string& logical_id) {
  const base::Json* resource = ResourceOf(tmpl, logical_id);
  if (resource == nullptr || !resource->contains("DeletionPolicy")) return "";
  return PolicyText((*resource)["DeletionPolicy"]);
}

std::string PathOf(const base::Json* tmpl, const std::string& logical_id) {
  const base::Json* resource = ResourceOf(tmpl, logical_id);
  if (resource == nullptr || !resource->contains("Metadata")) return "";
  const base::Json& metadata = (*resource)["Metadata"];
  if (!metadata.is_object() || !metadata.contains("rex:path")) return "";
  return PolicyText(metadata["rex:path"]);
}

}  // namespace

std::string_view DataLossCauseName(DataLossCause cause) {
  switch (cause) {
    case DataLossCause::kReplaced:
      return "replaced";
    case DataLossCause::kMayBeReplaced:
      return "may be replaced";
    case DataLossCause::kDeleted:
      return "deleted";
    case DataLossCause::kProtectionDropped:
      return "protection dropped";
  }
  return "replaced";
}

bool IsRetainPolicy(std::string_view policy) {
  return policy == "Retain" || policy == "RetainExceptOnCreate";
}

void DataLossReport::Merge(const DataLossReport& other) {
  for (const DataLossFinding& f : other.findings) {
    bool seen = std::any_of(findings.begin(), findings.end(), [&](const DataLossFinding& x) {
      return x.logical_id == f.logical_id && x.cause == f.cause;
    });
    if (!seen) findings.push_back(f);
  }
}

std::vector<std::string> DataLossReport::Lines() const {
  std::vector<std::string> lines;
  for (const DataLossFinding& f : findings) {
    std::string line =
        DisplayName(f) + " (" + f.type + "): " + std::string(DataLossCauseName(f.cause));
    if (!f.detail.empty()) line += " (" + f.detail + ")";
    lines.push_back(std::move(line));
  }
  return lines;
}

std::string DataLossReport::Names() const {
  std::vector<std::string> names;
  for (const DataLossFinding& f : findings) {
    std::string name = DisplayName(f);
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  return base::Join(names, ", ");
}

DataLossReport GuardPlan(const tmpl::Plan& plan) {
  DataLossReport report;
  for (const tmpl::ResourcePlan& r : plan.resources) {
    if (r.data_loss) {
      DataLossFinding f{.logical_id = r.logical_id, .type = r.type, .path = r.path};
      if (r.action == tmpl::Action::kDelete) {
        f.cause = DataLossCause::kDeleted;
        f.detail = r.removal_policy.empty() ? "no DeletionPolicy: CloudFormation deletes it"
                                            : "DeletionPolicy " + r.removal_policy;
      } else {
        f.cause = DataLossCause::kReplaced;
        f.detail = r.causes.empty() ? "" : base::Join(r.causes, ", ") + " changed";
      }
      report.findings.push_back(std::move(f));
      continue;
    }
    if (!r.stateful || r.action == tmpl::Action::kDelete) continue;
    for (const tmpl::AttributeChange& a : r.attribute_changes) {
      if (a.attribute != "DeletionPolicy" && a.attribute != "UpdateReplacePolicy") continue;
      std::string before = PolicyText(a.before);
      std::string after = PolicyText(a.after);
      if (!KeepsData(before) || KeepsData(after)) continue;
      report.findings.push_back({.logical_id = r.logical_id,
                                 .type = r.type,
                                 .path = r.path,
                                 .cause = DataLossCause::kProtectionDropped,
                                 .detail = a.attribute + " " + before + " → " +
                                           (after.empty() ? "none (Delete)" : after)});
    }
  }
  return report;
}

std::optional<DataLossCause> ChangeLosesData(const aws::CfnResourceChange& change, bool stateful,
                                             std::string_view deletion_policy) {
  if (!stateful) return std::nullopt;
  if (change.action == "Remove") {
    if (IsRetainPolicy(deletion_policy)) return std::nullopt;
    return DataLossCause::kDeleted;
  }
  if (change.action == "Modify" || change.action == "Dynamic") {
    if (change.replacement == "True") return DataLossCause::kReplaced;
    if (change.replacement == "Conditional") return DataLossCause::kMayBeReplaced;
  }
  return std::nullopt;
}

DataLossReport GuardChangeSet(const std::vector<aws::CfnResourceChange>& changes,
                              const base::Json* deployed, const base::Json* after,
                              const tmpl::SchemaLookup& schemas) {
  DataLossReport report;
  for (const aws::CfnResourceChange& c : changes) {
    const core::ResourceSchema* schema = schemas ? schemas(c.resource_type) : nullptr;
    bool stateful = schema != nullptr && schema->stateful;
    std::string policy = DeletionPolicyOf(deployed, c.logical_resource_id);
    std::optional<DataLossCause> cause = ChangeLosesData(c, stateful, policy);
    if (!cause) continue;
    DataLossFinding f{.logical_id = c.logical_resource_id,
                      .type = c.resource_type,
                      .path = PathOf(after, c.logical_resource_id),
                      .cause = *cause,
                      .from_change_set = true};
    if (f.path.empty()) f.path = PathOf(deployed, c.logical_resource_id);
    if (*cause == DataLossCause::kDeleted) {
      f.detail = "CloudFormation removes it; " +
                 (policy.empty() ? std::string("no DeletionPolicy") : "DeletionPolicy " + policy);
    } else {
      f.detail = "CloudFormation: Replacement " + c.replacement;
    }
    DataLossReport one;
    one.findings.push_back(std::move(f));
    report.Merge(one);
  }
  return report;
}

std::string DataLossMessage(const DataLossReport& report, std::string_view what_was_done) {
  std::string message = "this deploy destroys the data of " + report.Names() + "; " +
                        std::string(what_was_done) +
                        ". Rerun with --allow-data-loss if that is intended (a backup first is "
                        "wise)";
  for (const std::string& line : report.Lines()) message += "\n  " + line;
  return message;
}

}  // namespace rex::engine
