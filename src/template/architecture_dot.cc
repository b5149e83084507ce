// Drawing an Architecture (architecture.h) as Graphviz DOT: one node per component, the VPC
// and its subnet tiers as frames, links styled by kind, a legend, and the plan's action on
// each component when there is one.

#include <optional>
#include <sstream>

#include "base/escape.h"
#include "template/architecture.h"
#include "template/graph.h"

namespace rex::tmpl {
namespace {

constexpr std::string_view kLegendId = "(legend)";

// Colours: fill, border.
struct Palette {
  const char* fill;
  const char* border;
};

Palette KindPalette(ComponentKind kind) {
  switch (kind) {
    case ComponentKind::kInternet:
      return {"#ffffff", "#555555"};
    case ComponentKind::kFrontend:
      return {"#fde7f3", "#a1487a"};
    case ComponentKind::kLoadBalancer:
      return {"#dbe9f6", "#3b6ea5"};
    case ComponentKind::kService:
      return {"#e3e0f3", "#5e4fa2"};
    case ComponentKind::kJob:
      return {"#eeeeee", "#666666"};
    case ComponentKind::kDatabase:
      return {"#d9ecf2", "#2b7a8c"};
    case ComponentKind::kCache:
      return {"#f7e4d7", "#a65c2e"};
    case ComponentKind::kQueue:
      return {"#f3efd9", "#8a7a2e"};
    case ComponentKind::kBucket:
      return {"#e4f1dc", "#4b7d32"};
  }
  return {"#ffffff", "#555555"};
}

// The preview palette: create green, update and may-replace yellow, replace and delete red.
Palette ActionPalette(Action action) {
  switch (action) {
    case Action::kCreate:
      return {"#d8f5d8", "#2e7d32"};
    case Action::kUpdate:
    case Action::kMayReplace:
      return {"#fff4c2", "#b38600"};
    case Action::kReplace:
    case Action::kDelete:
      return {"#ffd9d6", "#c62828"};
    case Action::kNoChange:
      break;
  }
  return {"#f4f4f4", "#a0a0a0"};
}

// The symbol `rex preview` prints for the action, and its words.
std::string_view ActionSymbol(Action action) {
  switch (action) {
    case Action::kCreate:
      return "+";
    case Action::kUpdate:
    case Action::kMayReplace:
      return "~";
    case Action::kReplace:
      return "-/+";
    case Action::kDelete:
      return "-";
    case Action::kNoChange:
      break;
  }
  return "";
}

std::string_view ActionWords(Action action) {
  switch (action) {
    case Action::kCreate:
      return "create";
    case Action::kUpdate:
      return "update";
    case Action::kMayReplace:
      return "may replace";
    case Action::kReplace:
      return "replace";
    case Action::kDelete:
      return "delete";
    case Action::kNoChange:
      break;
  }
  return "unchanged";
}

std::string_view Shape(ComponentKind kind) {
  switch (kind) {
    case ComponentKind::kInternet:
      return "ellipse";
    case ComponentKind::kFrontend:
      return "component";
    case ComponentKind::kDatabase:
    case ComponentKind::kCache:
      return "cylinder";
    case ComponentKind::kQueue:
      return "box3d";
    case ComponentKind::kBucket:
      return "folder";
    default:
      return "box";
  }
}

struct LinkStyle {
  const char* color;
  const char* attributes;
  const char* legend;
};

LinkStyle StyleOf(LinkKind kind) {
  switch (kind) {
    case LinkKind::kTraffic:
      return {"#3b6ea5", "penwidth=1.6", "━━ traffic (requests)"};
    case LinkKind::kNetwork:
      return {"#555555", "penwidth=1.0", "── network access"};
    case LinkKind::kIam:
      return {"#7b5ea7", "style=dashed, penwidth=1.0", "╌╌ IAM access (task role)"};
  }
  return {"#555555", "", ""};
}

std::optional<Action> ActionOf(const ArchitectureDotOptions& options, const std::string& id) {
  if (options.actions == nullptr) return std::nullopt;
  auto it = options.actions->find(id);
  return it == options.actions->end() ? Action::kNoChange : it->second;
}

}  // namespace

std::string ArchitectureToDot(const Architecture& architecture,
                              const ArchitectureDotOptions& options) {
  std::ostringstream out;
  bool preview = options.actions != nullptr;
  out << "digraph " << DotQuote(options.title) << " {\n"
      << "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=12, nodesep=0.35, ranksep=0.9, "
         "label="
      << DotQuote(options.title + (preview ? ": the plan" : ": architecture")) << ", labelloc=t];\n"
      << "  node [fontname=\"Helvetica\", fontsize=10, penwidth=1.2];\n"
      << "  edge [fontname=\"Helvetica\", fontsize=8, arrowsize=0.7];\n";

  auto write_node = [&](const Component& c, std::string_view indent) {
    std::optional<Action> action = ActionOf(options, c.id);
    if (c.kind == ComponentKind::kInternet) action.reset();
    Palette palette = action ? ActionPalette(*action) : KindPalette(c.kind);
    std::string style = "filled";
    if (c.kind != ComponentKind::kInternet && Shape(c.kind) == "box") style += ",rounded";
    if (action ? *action == Action::kDelete : c.kind == ComponentKind::kJob) style += ",dashed";
    std::string name = base::XmlEscape(c.name);
    if (action && *action != Action::kNoChange) {
      name = base::XmlEscape(std::string(ActionSymbol(*action))) + " " + name;
    }
    std::string label =
        "<<b>" + name + "</b><br/><font point-size=\"8\">" + base::XmlEscape(c.detail) + "</font>";
    if (action)
      label += "<br/><font point-size=\"8\">" + std::string(ActionWords(*action)) + "</font>";
    label += ">";
    out << indent << DotQuote(c.id) << " [shape=" << Shape(c.kind) << ", style=\"" << style
        << "\", fillcolor=\"" << palette.fill << "\", color=\"" << palette.border
        << "\", label=" << label << "];\n";
  };

  for (const VpcFrame& frame : architecture.vpcs) {
    std::optional<Action> action = ActionOf(options, frame.id);
    std::string label = frame.label;
    const char* color = "#7a8ca3";
    if (action) {
      if (*action != Action::kNoChange) {
        label = std::string(ActionSymbol(*action)) + " " + label + " (" +
                std::string(ActionWords(*action)) + ")";
      }
      color = ActionPalette(*action).border;
    }
    out << "  subgraph " << DotQuote("cluster_" + frame.id) << " {\n"
        << "    label=" << DotQuote(label) << ";\n"
        << "    style=\"rounded,dashed\";\n"
        << "    color=\"" << color << "\";\n"
        << "    fontcolor=\"" << color << "\";\n";
    for (const Component& c : architecture.components) {
      if (c.vpc == frame.id && (!options.subnets || c.tier.empty())) write_node(c, "    ");
    }
    if (options.subnets) {
      for (const char* tier : {"public", "private", "isolated"}) {
        bool any = false;
        for (const Component& c : architecture.components) {
          any = any || (c.vpc == frame.id && c.tier == tier);
        }
        if (!any) continue;
        out << "    subgraph " << DotQuote("cluster_" + frame.id + "_" + tier) << " {\n"
            << "      label=" << DotQuote(std::string(tier) + " subnets") << ";\n"
            << "      style=\"rounded,dotted\";\n"
            << "      color=\"#9aa7b8\";\n"
            << "      fontcolor=\"#9aa7b8\";\n";
        for (const Component& c : architecture.components) {
          if (c.vpc == frame.id && c.tier == tier) write_node(c, "      ");
        }
        out << "    }\n";
      }
    }
    out << "  }\n";
  }
  for (const Component& c : architecture.components) {
    bool framed = false;
    for (const VpcFrame& frame : architecture.vpcs) framed = framed || c.vpc == frame.id;
    if (!framed) write_node(c, "  ");
  }
  std::set<LinkKind> kinds_used;
  for (const Link& link : architecture.links) {
    kinds_used.insert(link.kind);
    LinkStyle style = StyleOf(link.kind);
    out << "  " << DotQuote(link.from) << " -> " << DotQuote(link.to) << " [color=\"" << style.color
        << "\", fontcolor=\"" << style.color << "\", " << style.attributes;
    if (!link.label.empty()) out << ", label=" << DotQuote(link.label);
    out << "];\n";
  }

  // The legend: the kinds drawn (or the plan's palette) and the kinds of links.
  std::string rows = "<tr><td><b>legend</b></td></tr>";
  if (preview) {
    for (Action a : {Action::kCreate, Action::kUpdate, Action::kMayReplace, Action::kReplace,
                     Action::kDelete, Action::kNoChange}) {
      Palette p = ActionPalette(a);
      std::string symbol(ActionSymbol(a));
      rows += std::string("<tr><td bgcolor=\"") + p.fill + "\" color=\"" + p.border + "\">" +
              (symbol.empty() ? "" : base::XmlEscape(symbol) + " ") + std::string(ActionWords(a)) +
              "</td></tr>";
    }
  } else {
    std::set<ComponentKind> kinds;
    for (const Component& c : architecture.components) kinds.insert(c.kind);
    for (ComponentKind kind : kinds) {
      Palette p = KindPalette(kind);
      rows += std::string("<tr><td bgcolor=\"") + p.fill + "\" color=\"" + p.border + "\">" +
              std::string(ComponentKindName(kind)) + "</td></tr>";
    }
  }
  for (LinkKind kind : kinds_used) {
    LinkStyle style = StyleOf(kind);
    rows += std::string("<tr><td border=\"0\" align=\"left\"><font color=\"") + style.color +
            "\">" + style.legend + "</font></td></tr>";
  }
  if (!architecture.vpcs.empty()) {
    rows += "<tr><td border=\"0\" align=\"left\"><font color=\"#7a8ca3\">┄ VPC</font></td></tr>";
  }
  out << "  " << DotQuote(kLegendId)
      << " [shape=plaintext, style=\"\", label=<<table border=\"0\" cellborder=\"1\" "
         "cellspacing=\"2\" cellpadding=\"3\">"
      << rows << "</table>>];\n";
  out << "}\n";
  return out.str();
}

}  // namespace rex::tmpl
