#include "cli/plan_render.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include "base/strings.h"
#include "template/cost.h"

namespace rex::cli {
namespace {

using base::Json;
using tmpl::Action;
using tmpl::ChangeKind;
using tmpl::ResourcePlan;
using tmpl::ValueChange;

constexpr std::string_view kArrow = " → ";
constexpr std::string_view kPropertyIndent = "        ";

std::string Compact(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string Shorten(std::string text, size_t max_width) {
  if (max_width == 0 || DisplayWidth(text) <= max_width) return text;
  // Cut at a UTF-8 boundary below the limit.
  size_t cut = std::min(text.size(), max_width > 1 ? max_width - 1 : 0);
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text.resize(cut);
  return text + "…";
}

std::string Padded(const std::string& s, size_t width) {
  size_t w = DisplayWidth(s);
  return w >= width ? s : s + std::string(width - w, ' ');
}

// The symbol of an action, padded to three columns.
std::string Symbol(const ResourcePlan& r, const Style& style) {
  switch (r.action) {
    case Action::kCreate:
      return style.Green("+  ");
    case Action::kUpdate:
      return style.Yellow("~  ");
    case Action::kMayReplace:
      return style.Yellow("~  ");
    case Action::kReplace:
      return style.Red("-/+");
    case Action::kDelete:
      return style.Red("-  ");
    case Action::kNoChange:
      return r.metadata_only() ? style.Dim("=  ") : "   ";
  }
  return "   ";
}

// The label rex cost shows too (tmpl::ResourceLabel).
std::string Name(const ResourcePlan& r, bool verbose) {
  std::string name = tmpl::ResourceLabel(r.path, r.logical_id);
  if (verbose && name != r.logical_id) name += " (" + r.logical_id + ")";
  return name;
}

// "DBClusterIdentifier changed", "SubnetId follows NetworkPublicSubnet1", "type changed from X".
std::string Causes(const ResourcePlan& r) {
  if (!r.previous_type.empty()) return "type changed from " + r.previous_type;
  std::vector<std::string> changed;
  std::vector<std::string> follows;
  for (const std::string& cause : r.causes) {
    std::string by;
    bool only_propagated = cause != "Condition";
    for (const ValueChange& c : r.changes) {
      bool under =
          c.path == cause || c.path.rfind(cause + ".", 0) == 0 || c.path.rfind(cause + "[", 0) == 0;
      if (!under) continue;
      if (c.known_after_deploy) {
        by = c.caused_by;
      } else {
        only_propagated = false;
      }
    }
    if (only_propagated && !by.empty()) {
      follows.push_back(cause + " follows replaced " + by);
    } else {
      changed.push_back(cause);
    }
  }
  std::string out;
  if (!changed.empty()) out = base::Join(changed, ", ") + " changed";
  if (!follows.empty()) out += (out.empty() ? "" : "; ") + base::Join(follows, ", ");
  return out;
}

std::string Annotation(const ResourcePlan& r, const Style& style) {
  std::vector<std::string> parts;
  switch (r.action) {
    case Action::kReplace:
      parts.push_back(style.Red("REPLACE (" + Causes(r) + ")"));
      break;
    case Action::kMayReplace:
      parts.push_back(style.Yellow("MAY REPLACE (" + Causes(r) + ")"));
      if (r.stateful) parts.push_back(style.Yellow("may lose data"));
      break;
    case Action::kCreate:
      if (!r.renamed.empty()) {
        parts.push_back(style.Dim("(same as deleted " + r.renamed + ": renamed or moved?)"));
      }
      break;
    case Action::kDelete:
      if (!r.renamed.empty()) {
        parts.push_back(style.Dim("(same as created " + r.renamed + ": renamed or moved?)"));
      }
      if (r.stateful && !r.data_loss) {
        parts.push_back(style.Yellow("retained (DeletionPolicy " + r.removal_policy + ")"));
      }
      break;
    case Action::kNoChange:
      if (r.metadata_only()) {
        std::vector<std::string> attrs;
        for (const auto& a : r.attribute_changes) attrs.push_back(a.attribute);
        parts.push_back(style.Dim("metadata only: " + base::Join(attrs, ", ")));
      }
      break;
    case Action::kUpdate:
      break;
  }
  if (r.data_loss) {
    std::string loss = "DATA LOSS";
    if (r.removal_policy == "Snapshot") loss += " (a snapshot is kept)";
    if (r.action == Action::kReplace &&
        (r.removal_policy == "Retain" || r.removal_policy == "RetainExceptOnCreate")) {
      loss += " (the old resource is retained, the new one starts empty)";
    }
    parts.push_back(style.BoldRed(loss));
  }
  return base::Join(parts, "  ");
}

// `suffix_width`: columns that follow the line (a replacement note). With `width` set, each
// value is shortened so the line fits it (never below 16 columns a value).
std::string ChangeLine(const ValueChange& c, const Style& style, size_t max_width, size_t width = 0,
                       size_t suffix_width = 0) {
  std::string path = c.path.empty() ? "(value)" : c.path;
  std::vector<std::string> notes;
  if (c.known_after_deploy) {
    notes.push_back(style.Yellow("(known after deploy: " + c.caused_by + " is replaced)"));
  }
  if (c.reference_changed) notes.push_back(style.Cyan("(reference changed)"));
  if (width > 0) {
    size_t fixed = kPropertyIndent.size() + 2 + DisplayWidth(path) + 2 + suffix_width;
    for (const std::string& n : notes) fixed += 2 + DisplayWidth(n);
    bool two = c.kind == ChangeKind::kModify && !c.known_after_deploy;
    if (two) fixed += DisplayWidth(kArrow);
    size_t room = width > fixed ? (width - fixed) / (two ? 2 : 1) : 0;
    room = std::max<size_t>(room, 16);
    max_width = max_width == 0 ? room : std::min(max_width, room);
  }
  std::string line;
  switch (c.kind) {
    case ChangeKind::kAdd:
      line = style.Green("+ ") + path + ": " + FormatValue(c.after, max_width);
      break;
    case ChangeKind::kRemove:
      line = style.Red("- ") + path + ": " + FormatValue(c.before, max_width);
      break;
    case ChangeKind::kModify:
      if (c.known_after_deploy) {
        line = style.Yellow("~ ") + path + ": " + FormatValue(c.after, max_width);
      } else {
        line = style.Yellow("~ ") + path + ": " + FormatValue(c.before, max_width) +
               std::string(kArrow) + FormatValue(c.after, max_width);
      }
      break;
  }
  return line + (notes.empty() ? "" : "  " + base::Join(notes, "  "));
}

std::string ReplacementNote(const ValueChange& c, const Style& style) {
  switch (c.replacement) {
    case core::Replacement::kYes:
      return "  " + style.Red("(replaces)");
    case core::Replacement::kMaybe:
      return "  " + style.Yellow("(may replace)");
    case core::Replacement::kNo:
      break;
  }
  return "";
}

bool Listed(const ResourcePlan& r, bool verbose) {
  return r.action != Action::kNoChange || verbose;
}

void RenderResources(const tmpl::Plan& plan, const Style& style, const PlanRenderOptions& options,
                     std::ostringstream& out) {
  size_t max_width = options.verbose ? 0 : options.max_value_width;
  size_t value_fit = options.verbose ? 0 : options.width;
  // Components sorted by name; resources without one last.
  std::map<std::string, std::vector<const ResourcePlan*>> groups;
  std::vector<const ResourcePlan*> ungrouped;
  size_t type_width = 0;
  size_t name_width = 0;
  for (const ResourcePlan& r : plan.resources) {
    if (!Listed(r, options.verbose)) continue;
    (r.component.empty() ? ungrouped : groups[r.component]).push_back(&r);
    type_width = std::max(type_width, DisplayWidth(r.type));
    name_width = std::max(name_width, DisplayWidth(Name(r, options.verbose)));
  }
  // "  +   " + type + "  " + name: the name gets what the width leaves (at least 24).
  constexpr size_t kLead = 6;
  size_t name_limit = 0;
  if (options.width > 0) {
    size_t used = kLead + type_width + 2;
    name_limit = std::max<size_t>(options.width > used ? options.width - used : 0, 24);
    name_width = std::min(name_width, name_limit);
  }
  auto render_group = [&](const std::string& title, const std::vector<const ResourcePlan*>& rs) {
    out << style.Bold(title) << "\n";
    for (const ResourcePlan* r : rs) {
      std::string annotation = Annotation(*r, style);
      std::string type = r->action == Action::kNoChange && !r->metadata_only()
                             ? style.Dim(Padded(r->type, type_width))
                             : Padded(r->type, type_width);
      std::string name = ElideMiddle(Name(*r, options.verbose), name_limit);
      std::string head = "  " + Symbol(*r, style) + " " + type + "  ";
      if (annotation.empty()) {
        out << head << name << "\n";
      } else if (options.width == 0 ||
                 DisplayWidth(head) + name_width + 2 + DisplayWidth(annotation) <= options.width) {
        out << head << Padded(name, name_width) << "  " << annotation << "\n";
      } else {
        // Too long for one line: the annotation goes under the name.
        out << head << name << "\n" << kPropertyIndent << annotation << "\n";
      }
      if (r->action == Action::kUpdate || r->action == Action::kMayReplace ||
          r->action == Action::kReplace) {
        for (const ValueChange& c : r->changes) {
          std::string note = ReplacementNote(c, style);
          out << kPropertyIndent << ChangeLine(c, style, max_width, value_fit, DisplayWidth(note))
              << note << "\n";
        }
      }
      if (!r->attribute_changes.empty() && (options.verbose || r->action != Action::kNoChange)) {
        for (const auto& a : r->attribute_changes) {
          ValueChange as_value{
              .path = a.attribute, .kind = a.kind, .before = a.before, .after = a.after};
          out << kPropertyIndent << ChangeLine(as_value, style, max_width, value_fit) << "\n";
        }
      }
    }
  };
  for (const auto& [component, rs] : groups) render_group(component, rs);
  if (!ungrouped.empty()) render_group(groups.empty() ? "Resources" : "Other resources", ungrouped);
}

void RenderEntries(std::string_view title, const std::vector<tmpl::EntryPlan>& entries,
                   const Style& style, size_t max_width, size_t fit, std::ostringstream& out) {
  if (entries.empty()) return;
  out << "\n" << style.Bold(title) << "\n";
  for (const tmpl::EntryPlan& e : entries) {
    switch (e.kind) {
      case ChangeKind::kAdd:
        out << "  " << style.Green("+") << " " << e.name << "\n";
        break;
      case ChangeKind::kRemove:
        out << "  " << style.Red("-") << " " << e.name << "\n";
        break;
      case ChangeKind::kModify:
        out << "  " << style.Yellow("~") << " " << e.name << "\n";
        for (const ValueChange& c : e.changes) {
          out << kPropertyIndent << ChangeLine(c, style, max_width, fit) << "\n";
        }
        break;
    }
  }
}

}  // namespace

std::string FormatValue(const base::Json& value, size_t max_width) {
  std::string text;
  if (value.is_object() && value.size() == 1) {
    const std::string& key = value.begin().key();
    const Json& arg = value.begin().value();
    if (key == "Ref" && arg.is_string()) {
      text = "!Ref " + arg.get<std::string>();
    } else if (key == "Fn::GetAtt" && arg.is_array() && arg.size() == 2 && arg[0].is_string() &&
               arg[1].is_string()) {
      text = "!GetAtt " + arg[0].get<std::string>() + "." + arg[1].get<std::string>();
    } else if (key == "Fn::GetAtt" && arg.is_string()) {
      text = "!GetAtt " + arg.get<std::string>();
    } else if (key.rfind("Fn::", 0) == 0) {
      text = "!" + key.substr(4) + " " + Compact(arg);
    }
  }
  if (text.empty()) text = Compact(value);
  return Shorten(std::move(text), max_width);
}

std::string RenderSummary(const tmpl::Plan& plan, const Style& style) {
  const tmpl::PlanSummary& s = plan.summary;
  std::vector<std::string> parts;
  auto add = [&](size_t n, std::string_view what, auto colour) {
    if (n > 0) parts.push_back(colour(std::to_string(n) + " " + std::string(what)));
  };
  add(s.create, "to create", [&](std::string_view t) { return style.Green(t); });
  add(s.update, "to update", [&](std::string_view t) { return style.Yellow(t); });
  add(s.may_replace, "may replace", [&](std::string_view t) { return style.Yellow(t); });
  add(s.replace, "to replace", [&](std::string_view t) { return style.Red(t); });
  add(s.remove, "to delete", [&](std::string_view t) { return style.Red(t); });
  std::string unchanged = std::to_string(s.no_change) + " unchanged";
  if (s.metadata_only > 0) {
    unchanged += " (" + std::to_string(s.metadata_only) + " with metadata-only changes)";
  }
  parts.push_back(unchanged);
  std::string out = style.Bold("Plan:") + " " + base::Join(parts, ", ") + "\n";
  std::vector<std::string> others;
  if (s.parameters > 0) others.push_back(std::to_string(s.parameters) + " parameters");
  if (s.outputs > 0) others.push_back(std::to_string(s.outputs) + " outputs");
  if (s.conditions > 0) others.push_back(std::to_string(s.conditions) + " conditions");
  if (s.other > 0) others.push_back(std::to_string(s.other) + " other template entries");
  if (!others.empty()) out += "Also changed: " + base::Join(others, ", ") + "\n";
  if (s.data_loss > 0) {
    out += style.BoldRed("DATA LOSS: " + std::to_string(s.data_loss) +
                         (s.data_loss == 1 ? " stateful resource is" : " stateful resources are") +
                         " replaced or deleted") +
           "\n";
  }
  return out;
}

std::string RenderPlanHeadline(const Style& style, std::string_view title, std::string_view against,
                               size_t width) {
  if (width == 0 || DisplayWidth(title) + 1 + DisplayWidth(against) <= width) {
    return style.Bold(title) + " " + std::string(against) + "\n\n";
  }
  return style.Bold(title) + "\n" + WrapText(against, width) + "\n\n";
}

std::string RenderPlan(const tmpl::Plan& plan, const Style& style,
                       const PlanRenderOptions& options) {
  std::ostringstream out;
  size_t max_width = options.verbose ? 0 : options.max_value_width;
  size_t fit = options.verbose ? 0 : options.width;
  if (!plan.HasChanges()) {
    if (options.verbose) RenderResources(plan, style, options, out);
    out << "No changes: " << plan.summary.no_change << " resources unchanged.\n";
    return out.str();
  }
  RenderResources(plan, style, options, out);
  RenderEntries("Parameters", plan.parameters, style, max_width, fit, out);
  RenderEntries("Outputs", plan.outputs, style, max_width, fit, out);
  RenderEntries("Conditions", plan.conditions, style, max_width, fit, out);
  RenderEntries("Mappings", plan.mappings, style, max_width, fit, out);
  RenderEntries("Rules", plan.rules, style, max_width, fit, out);
  if (!plan.template_changes.empty()) {
    out << "\n" << style.Bold("Template") << "\n";
    for (const ValueChange& c : plan.template_changes) {
      out << kPropertyIndent << ChangeLine(c, style, max_width, fit) << "\n";
    }
  }
  out << "\n" << RenderSummary(plan, style);
  return out.str();
}

std::string FormatChangeCause(const engine::ChangeCause& cause) {
  std::string what = cause.name.empty() ? cause.attribute : cause.name;
  std::string source;
  const std::string& entity = cause.causing_entity;
  if (cause.change_source == "DirectModification") {
    source = "changed directly";
  } else if (cause.change_source == "ParameterReference") {
    source = "parameter " + entity;
  } else if (cause.change_source == "ResourceReference") {
    source = "Ref " + entity;
  } else if (cause.change_source == "ResourceAttribute") {
    source = "GetAtt " + entity;
  } else if (cause.change_source == "Automatic") {
    source = "automatic";
  } else {
    source = cause.change_source;
    if (!entity.empty()) source += source.empty() ? entity : " " + entity;
  }
  if (cause.evaluation == "Dynamic") source += source.empty() ? "dynamic" : ", dynamic";
  std::string out = what;
  if (!cause.requires_recreation.empty()) out += ": " + cause.requires_recreation;
  if (!source.empty()) out += " (" + source + ")";
  return out;
}

namespace {

std::string CfnSymbol(const engine::ResourceVerdict& v, const Style& style) {
  switch (v.cloudformation) {
    case Action::kCreate:
      return style.Green("+  ");
    case Action::kUpdate:
    case Action::kMayReplace:
      return style.Yellow("~  ");
    case Action::kReplace:
      return style.Red("-/+");
    case Action::kDelete:
      return style.Red("-  ");
    case Action::kNoChange:
      return "   ";
  }
  return "   ";
}

// What CloudFormation does to the resource, in its own words.
std::string CfnWords(const engine::ResourceVerdict& v) {
  if (v.cfn_action.empty()) return "no change";
  if (v.cfn_action == "Add") return "Add";
  if (v.cfn_action == "Remove") return "Remove";
  if (v.replacement.empty()) return v.cfn_action;
  return "Replacement: " + v.replacement;
}

// How the offline plan compares, "" when it agrees.
std::string AgreementWords(const engine::ResourceVerdict& v) {
  std::string offline(tmpl::ActionName(v.offline));
  switch (v.agreement) {
    case engine::Agreement::kConfirmed:
      return "";
    case engine::Agreement::kResolved:
      return "offline plan: may-replace; CloudFormation decided";
    case engine::Agreement::kDiffers:
      return "offline plan: " + (v.offline_metadata_only ? std::string("metadata only") : offline);
    case engine::Agreement::kOnlyCloudFormation:
      return "not in the offline plan";
    case engine::Agreement::kOnlyOffline:
      return "offline plan: " + offline + "; CloudFormation reports no change";
  }
  return "";
}

std::string VerdictName(const engine::ResourceVerdict& v) {
  size_t slash = v.path.find('/');
  return slash == std::string::npos ? v.logical_id : v.path.substr(slash + 1);
}

}  // namespace

std::string RenderChangeSetView(const engine::ChangeSetView& view, const Style& style,
                                bool verbose) {
  std::ostringstream out;
  const engine::ChangeSetViewSummary& s = view.summary;
  size_t cfn_changes = 0;
  for (const engine::ResourceVerdict& v : view.resources) {
    if (!v.cfn_action.empty()) ++cfn_changes;
  }
  size_t total = view.resources.size();
  std::string head = style.Bold("CloudFormation change set");
  if (view.Agrees()) {
    if (cfn_changes == 0) {
      out << head << " confirms: no changes.\n";
    } else {
      out << head << " confirms the plan: " << cfn_changes
          << (cfn_changes == 1 ? " resource changes" : " resources change");
      if (s.replace > 0) out << ", " << s.replace << " replaced";
      if (s.conditional > 0) out << ", " << s.conditional << " may be replaced";
      if (s.resolved > 0) out << " (" << s.resolved << " may-replace decided)";
      out << "\n";
    }
  } else {
    size_t differing = s.differs + s.only_cloudformation + s.only_offline;
    out << head << " differs from the offline plan on " << differing << " of " << total
        << (total == 1 ? " resource" : " resources") << " (" << s.confirmed + s.resolved
        << " confirmed):\n";
  }
  std::vector<std::pair<std::string, const engine::ResourceVerdict*>> listed;
  for (const engine::ResourceVerdict& v : view.resources) {
    bool replaces = v.cloudformation == Action::kReplace || v.cloudformation == Action::kMayReplace;
    bool show =
        verbose || replaces || v.data_loss_added || v.agreement != engine::Agreement::kConfirmed;
    if (show) listed.emplace_back(VerdictName(v), &v);
  }
  size_t width = 0;
  for (const auto& [name, v] : listed) width = std::max(width, DisplayWidth(name));
  for (const auto& [name, v] : listed) {
    std::string line =
        "  " + CfnSymbol(*v, style) + " " + Padded(name, width) + "  " +
        (v->cloudformation == Action::kReplace ? style.Red(CfnWords(*v)) : CfnWords(*v));
    std::string agreement = AgreementWords(*v);
    if (!agreement.empty()) line += "  " + style.Yellow("(" + agreement + ")");
    if (v->data_loss_added) line += "  " + style.BoldRed("DATA LOSS");
    out << line << "\n";
    for (const engine::ChangeCause& c : v->causes) {
      out << kPropertyIndent << FormatChangeCause(c) << "\n";
    }
  }
  if (!view.change_set_name.empty()) {
    if (view.deleted) {
      out << "  " << style.Dim("change set " + view.change_set_name + " deleted") << "\n";
    } else {
      out << "  " << style.Yellow("change set " + view.change_set_name + " could not be deleted")
          << "\n";
    }
  }
  return out.str();
}

// ---------------------------------------------------------------- Markdown

namespace {

// A table cell: `|` escaped, line breaks flattened.
std::string Cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

// Inline code; a backtick inside is replaced so the span cannot end early.
std::string Code(std::string_view text) {
  std::string inner(text);
  std::replace(inner.begin(), inner.end(), '`', '\'');
  return "`" + inner + "`";
}

std::string MarkdownHeadline(const tmpl::Plan& plan) {
  const tmpl::PlanSummary& s = plan.summary;
  std::vector<std::string> parts;
  auto add = [&](size_t n, std::string_view what) {
    if (n > 0) parts.push_back(std::to_string(n) + " " + std::string(what));
  };
  add(s.create, "to create");
  add(s.update, "to update");
  add(s.may_replace, "may replace");
  add(s.replace, "to replace");
  add(s.remove, "to delete");
  std::string unchanged = std::to_string(s.no_change) + " unchanged";
  if (s.metadata_only > 0) {
    unchanged += " (" + std::to_string(s.metadata_only) + " with metadata-only changes)";
  }
  parts.push_back(unchanged);
  std::string out = "**Plan:** " + base::Join(parts, ", ") + "\n";
  std::vector<std::string> others;
  if (s.parameters > 0) others.push_back(std::to_string(s.parameters) + " parameters");
  if (s.outputs > 0) others.push_back(std::to_string(s.outputs) + " outputs");
  if (s.conditions > 0) others.push_back(std::to_string(s.conditions) + " conditions");
  if (s.other > 0) others.push_back(std::to_string(s.other) + " other template entries");
  if (!others.empty()) out += "\nAlso changed: " + base::Join(others, ", ") + "\n";
  return out;
}

// The Why cell of a changed resource.
std::string MarkdownWhy(const ResourcePlan& r) {
  std::vector<std::string> parts;
  switch (r.action) {
    case Action::kReplace:
      parts.push_back(Causes(r));
      break;
    case Action::kMayReplace:
      parts.push_back("may be replaced: " + Causes(r));
      if (r.stateful) parts.push_back("may lose data");
      break;
    case Action::kCreate:
      if (!r.renamed.empty())
        parts.push_back("same as deleted " + r.renamed + ": renamed or moved?");
      break;
    case Action::kDelete:
      if (!r.renamed.empty())
        parts.push_back("same as created " + r.renamed + ": renamed or moved?");
      if (r.stateful && !r.data_loss)
        parts.push_back("retained (DeletionPolicy " + r.removal_policy + ")");
      break;
    case Action::kUpdate: {
      std::vector<std::string> changed;
      for (const ValueChange& c : r.changes) {
        std::string top = c.path.substr(0, c.path.find_first_of(".["));
        if (!top.empty() && (changed.empty() || changed.back() != top)) changed.push_back(top);
      }
      if (!changed.empty()) parts.push_back(base::Join(changed, ", ") + " changed");
      break;
    }
    case Action::kNoChange:
      break;
  }
  if (r.data_loss) {
    std::string loss = "**DATA LOSS**";
    if (r.removal_policy == "Snapshot") loss += " (a snapshot is kept)";
    if (r.action == Action::kReplace &&
        (r.removal_policy == "Retain" || r.removal_policy == "RetainExceptOnCreate")) {
      loss += " (the old resource is retained, the new one starts empty)";
    }
    parts.push_back(loss);
  }
  std::vector<std::string> kept;
  for (std::string& p : parts) {
    if (!p.empty()) kept.push_back(Cell(p));
  }
  return base::Join(kept, "; ");
}

void MarkdownCloudFormation(const engine::ChangeSetView& view, std::ostringstream& out) {
  const engine::ChangeSetViewSummary& s = view.summary;
  size_t cfn_changes = 0;
  for (const engine::ResourceVerdict& v : view.resources) {
    if (!v.cfn_action.empty()) ++cfn_changes;
  }
  size_t total = view.resources.size();
  out << "**CloudFormation:** ";
  if (view.Agrees()) {
    if (cfn_changes == 0) {
      out << "the change set confirms: no changes.";
    } else {
      out << "the change set confirms the plan: " << cfn_changes
          << (cfn_changes == 1 ? " resource changes" : " resources change");
      if (s.replace > 0) out << ", " << s.replace << " replaced";
      if (s.conditional > 0) out << ", " << s.conditional << " may be replaced";
      if (s.resolved > 0) out << " (" << s.resolved << " may-replace decided)";
      out << ".";
    }
  } else {
    size_t differing = s.differs + s.only_cloudformation + s.only_offline;
    out << "the change set differs from the offline plan on " << differing << " of " << total
        << (total == 1 ? " resource" : " resources") << " (" << s.confirmed + s.resolved
        << " confirmed).";
  }
  if (!view.change_set_name.empty()) {
    out << " Change set " << Code(view.change_set_name)
        << (view.deleted ? " deleted." : " could not be deleted.");
  }
  out << "\n";
  std::vector<const engine::ResourceVerdict*> listed;
  for (const engine::ResourceVerdict& v : view.resources) {
    bool replaces = v.cloudformation == Action::kReplace || v.cloudformation == Action::kMayReplace;
    if (replaces || v.data_loss_added || v.agreement != engine::Agreement::kConfirmed) {
      listed.push_back(&v);
    }
  }
  if (listed.empty()) return;
  out << "\n| Resource | CloudFormation | Offline plan | Details |\n| --- | --- | --- | --- |\n";
  for (const engine::ResourceVerdict* v : listed) {
    std::string cfn = CfnWords(*v);
    if (v->data_loss_added) cfn += "; **DATA LOSS**";
    std::string agreement = AgreementWords(*v);
    std::vector<std::string> details;
    for (const engine::ChangeCause& c : v->causes) details.push_back(FormatChangeCause(c));
    out << "| " << Code(Cell(VerdictName(*v))) << " | " << Cell(cfn) << " | "
        << Cell(agreement.empty() ? "agrees" : agreement) << " | "
        << Cell(base::Join(details, "; ")) << " |\n";
  }
}

}  // namespace

std::string RenderPlanMarkdown(const tmpl::Plan& plan, const MarkdownPreview& preview) {
  std::ostringstream out;
  out << "## rex preview: " << preview.stack_name << "\n\n";
  out << Code(preview.config);
  if (preview.baseline.empty()) {
    out << ": nothing deployed yet, every resource is created\n\n";
  } else {
    out << " against " << Code(preview.baseline) << "\n\n";
  }
  if (!plan.HasChanges()) {
    out << "No changes: " << plan.summary.no_change << " resources unchanged.\n\n";
  } else {
    out << MarkdownHeadline(plan) << "\n";
    std::vector<const ResourcePlan*> lost;
    for (const ResourcePlan& r : plan.resources) {
      if (r.data_loss) lost.push_back(&r);
    }
    if (!lost.empty()) {
      std::vector<std::string> names;
      for (const ResourcePlan* r : lost) {
        names.push_back(Code(Name(*r, false)) + " (" + r->type + ") is " +
                        (r->action == Action::kDelete ? "deleted" : "replaced"));
      }
      out << "> [!CAUTION]\n> **DATA LOSS:** " << base::Join(names, ", ") << ". "
          << (preview.allow_data_loss
                  ? "Allowed by `--allow-data-loss`."
                  : "`rex up` refuses this plan unless `--allow-data-loss` is given.")
          << "\n\n";
    }
    out << "| Action | Resource | Type | Why |\n| --- | --- | --- | --- |\n";
    for (const ResourcePlan& r : plan.resources) {
      if (r.action == Action::kNoChange) continue;
      out << "| " << tmpl::ActionName(r.action) << " | " << Code(Cell(Name(r, false))) << " | "
          << Code(Cell(r.type)) << " | " << MarkdownWhy(r) << " |\n";
    }
    out << "\n";
  }
  if (preview.view != nullptr) {
    std::ostringstream cfn;
    MarkdownCloudFormation(*preview.view, cfn);
    out << cfn.str() << "\n";
  } else {
    out << "**CloudFormation:** not asked ("
        << (preview.offline_note.empty() ? std::string("offline plan only") : preview.offline_note)
        << ")\n\n";
  }
  if (preview.cost) {
    double delta = preview.cost->after - preview.cost->before;
    std::string sign = delta > 0.005 ? "+" : (delta < -0.005 ? "-" : "±");
    out << "**Cost:** " << tmpl::FormatUsd(preview.cost->before) << " → "
        << tmpl::FormatUsd(preview.cost->after) << " a month (" << sign
        << tmpl::FormatUsd(delta < 0 ? -delta : delta) << "; us-east-1 list prices)  \n";
  }
  if (preview.checks) {
    const MarkdownPreview::Checks& c = *preview.checks;
    out << "**Checks:** " << c.rules << " rules: " << c.errors << " errors, " << c.warnings
        << " warnings";
    if (c.suppressed > 0) out << ", " << c.suppressed << " suppressed";
    out << (c.errors > 0 ? " (failing)" : "") << "\n";
  }
  return out.str();
}

}  // namespace rex::cli
