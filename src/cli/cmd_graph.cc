// rex graph: the selected stack's resources and their references, grouped by component.
// DOT text comes from template/graph.h; SVG is rendered in-process with Graphviz's library
// (libgvc, "dot" layout), so no `dot` executable is needed.

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <memory>
#include <optional>

#include "base/files.h"
#include "base/strings.h"
#include "cli/cli.h"
#include "cli/command.h"
#include "cli/output_file.h"
#include "cli/stack_select.h"
#include "stack/rex_stack.h"
#include "template/graph.h"

namespace rex::cli {
namespace {

// Lays out `dot` with the "dot" engine and renders it as SVG. kInternal if Graphviz cannot
// read the text (our DOT writer's bug) or lacks the layout or SVG plugin (a broken install:
// the message names the package).
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

}  // namespace

Command GraphCommand() {
  return {
      "graph", "draw the stack's resources and references (DOT, or SVG with -o FILE.svg)",
      [](CLI::App& app) -> std::function<int(Context&)> {
        auto output = std::make_shared<std::string>();
        app.add_option("-o,--output", *output,
                       "write to FILE: .svg renders the graph, .dot writes DOT text; - is stdout")
            ->type_name("FILE");
        return [output](Context& ctx) {
          // -o by cli/output_file.h; "-o -" is stdout (DOT, as without -o).
          std::optional<OutputTarget> target;
          if (!output->empty()) {
            auto resolved = ResolveOutput(ctx, *output);
            if (!resolved.has_value()) {
              ctx.PrintError(resolved.error());
              return ExitCodeFor(resolved.error());
            }
            if (!resolved->to_stdout) target = std::move(resolved).value();
          }
          bool svg = target.has_value() && base::EndsWith(*output, ".svg");
          // A device or FIFO without either ending (/dev/stdout, a pipe) gets DOT text.
          if (target.has_value() && target->regular && !svg && !base::EndsWith(*output, ".dot")) {
            base::Status bad =
                base::InvalidArgument("cannot tell the format of \"" + *output +
                                      "\": the output file must end in .svg or .dot");
            ctx.PrintError(bad);
            return ExitCodeFor(bad);
          }
          auto selected = SelectStack(ctx);
          if (!selected.has_value()) {
            ctx.PrintError(selected.error());
            return ExitCodeFor(selected.error());
          }
          auto synthesized = stack::SynthesizeRexStack(selected->config);
          if (!synthesized.has_value()) {
            ctx.PrintError(synthesized.error());
            return ExitCodeFor(synthesized.error());
          }
          tmpl::ResourceGraph graph = tmpl::BuildGraph(synthesized->json);
          std::string dot = tmpl::ToDot(graph, stack::StackName(selected->config));
          if (!target.has_value()) {
            ctx.io.out << dot;
            return kExitOk;
          }
          std::string text = dot;
          if (svg) {
            auto rendered = RenderSvg(dot);
            if (!rendered.has_value()) {
              ctx.PrintError(rendered.error());
              return ExitCodeFor(rendered.error());
            }
            text = std::move(rendered).value();
          }
          base::Status written = WriteOutput(ctx, *target, text);
          if (!written.ok()) {
            ctx.PrintError(written);
            return ExitCodeFor(written);
          }
          if (ctx.global.verbose > 0) {
            ctx.PrintNote("wrote " + *output + ": " + std::to_string(graph.nodes.size()) +
                          " resources, " + std::to_string(graph.edges.size()) + " references");
          }
          return kExitOk;
        };
      }};
}

}  // namespace rex::cli
