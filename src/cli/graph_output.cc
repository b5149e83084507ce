#include "cli/graph_output.h"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <map>

#include "base/strings.h"
#include "template/architecture.h"

namespace rex::cli {

base::Result<GraphOutput> ResolveGraphOutput(const Context& ctx, const std::string& path) {
  REX_ASSIGN_OR_RETURN(OutputTarget target, ResolveOutput(ctx, path));
  GraphOutput output{.target = std::move(target), .svg = false};
  if (output.target.to_stdout) return output;
  output.svg = base::EndsWith(path, ".svg");
  if (output.target.regular && !output.svg && !base::EndsWith(path, ".dot")) {
    return base::InvalidArgument("cannot tell the format of \"" + path +
                                 "\": the output file must end in .svg or .dot");
  }
  return output;
}

base::Status WriteGraph(Context& ctx, const GraphOutput& output, const std::string& dot) {
  if (output.target.to_stdout) {
    ctx.io.out << dot;
    return base::Status::Ok();
  }
  if (!output.svg) return WriteOutput(ctx, output.target, dot);
  REX_ASSIGN_OR_RETURN(std::string svg, RenderSvg(dot));
  return WriteOutput(ctx, output.target, svg);
}

std::string PlanGraphDot(const base::Json* before, const base::Json& after, const tmpl::Plan& plan,
                         const std::string& title) {
  static const base::Json kNothing(nullptr);  // a reference to the baseline, never a copy of it
  base::Json drawn = tmpl::TemplateForPlan(before != nullptr ? *before : kNothing, after);
  tmpl::Architecture architecture = tmpl::BuildArchitecture(drawn, title);
  std::map<std::string, tmpl::Action> actions = tmpl::ComponentActions(architecture, plan);
  return tmpl::ArchitectureToDot(architecture, {.title = title, .actions = &actions});
}

base::Result<std::string> RenderSvg(const std::string& dot) {
  GVC_t* gvc = gvContext();
  if (gvc == nullptr) return base::Internal("graphviz: cannot create a context");
  Agraph_t* graph = agmemread(dot.c_str());
  if (graph == nullptr) {
    gvFreeContext(gvc);
    return base::Internal("graphviz: cannot read the DOT text of the graph");
  }
  base::Result<std::string> result = base::Internal("");
  if (gvLayout(gvc, graph, "dot") != 0) {
    result = base::Internal(
        "graphviz: the \"dot\" layout is not available; install the libgvc6 package (it ships "
        "the layout plugins)");
  } else {
    char* data = nullptr;
    unsigned int length = 0;
    if (gvRenderData(gvc, graph, "svg", &data, &length) != 0 || data == nullptr) {
      result = base::Internal("graphviz: cannot render SVG; install the libgvc6 package");
    } else {
      result = std::string(data, length);
    }
    if (data != nullptr) gvFreeRenderData(data);
    gvFreeLayout(gvc, graph);
  }
  agclose(graph);
  gvFreeContext(gvc);
  return result;
}

}  // namespace rex::cli
