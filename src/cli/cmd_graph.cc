// rex graph: the selected stack drawn from its synthesized template.
//
//   rex graph [--level architecture|resources] [--subnets] [-o FILE.svg|FILE.dot|-]
//
// --level architecture (the default): the architecture a person would sketch, one node per
// load balancer, workload, data store, queue, bucket and front end inside the VPC frame, with
// the traffic and access links and a legend (template/architecture.h); --subnets adds the
// subnet tiers (public, private, isolated) as frames inside the VPC. --level resources: every
// resource and its references, grouped by component (template/graph.h). DOT text on stdout
// (or -o FILE.dot); -o FILE.svg renders it in-process (cli/graph_output.h).

#include <memory>

#include "cli/cli.h"
#include "cli/command.h"
#include "cli/graph_output.h"
#include "cli/stack_select.h"
#include "stack/rex_stack.h"
#include "template/architecture.h"
#include "template/graph.h"

namespace rex::cli {

Command GraphCommand() {
  return {
      "graph",
      "draw the stack's architecture, or with --level resources every resource (DOT, or SVG "
      "with -o FILE.svg)",
      [](CLI::App& app) -> std::function<int(Context&)> {
        auto output = std::make_shared<std::string>();
        auto level = std::make_shared<std::string>("architecture");
        auto subnets = std::make_shared<bool>(false);
        app.add_option("-o,--output", *output,
                       "write to FILE: .svg renders the graph, .dot writes DOT text; - is stdout")
            ->type_name("FILE");
        app.add_option("--level", *level,
                       "architecture (default): components, traffic and access; resources: every "
                       "resource and its references")
            ->type_name("LEVEL")
            ->check(CLI::IsMember({"architecture", "resources"}));
        app.add_flag("--subnets", *subnets,
                     "draw the subnet tiers (public, private, isolated) inside the VPC");
        return [output, level, subnets](Context& ctx) {
          if (*subnets && *level == "resources") {
            base::Status bad = base::InvalidArgument(
                "--subnets frames the architecture's components; it does not apply to --level "
                "resources");
            ctx.PrintError(bad);
            return ExitCodeFor(bad);
          }
          // -o by cli/graph_output.h: .svg, .dot, "-" (stdout, as without -o).
          GraphOutput where{
              .target =
                  OutputTarget{.shown = "-", .resolved = "", .to_stdout = true, .regular = false},
              .svg = false};
          if (!output->empty()) {
            auto resolved = ResolveGraphOutput(ctx, *output);
            if (!resolved.has_value()) {
              ctx.PrintError(resolved.error());
              return ExitCodeFor(resolved.error());
            }
            where = std::move(resolved).value();
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
          std::string title = stack::StackName(selected->config);
          std::string dot;
          std::string summary;
          if (*level == "resources") {
            tmpl::ResourceGraph graph = tmpl::BuildGraph(synthesized->json);
            dot = tmpl::ToDot(graph, title);
            summary = std::to_string(graph.nodes.size()) + " resources, " +
                      std::to_string(graph.edges.size()) + " references";
          } else {
            tmpl::Architecture architecture = tmpl::BuildArchitecture(synthesized->json, title);
            dot = tmpl::ArchitectureToDot(architecture, {.title = title, .subnets = *subnets});
            summary = std::to_string(architecture.components.size()) + " components, " +
                      std::to_string(architecture.links.size()) + " links";
          }
          base::Status written = WriteGraph(ctx, where, dot);
          if (!written.ok()) {
            ctx.PrintError(written);
            return ExitCodeFor(written);
          }
          if (ctx.global.verbose > 0 && !where.target.to_stdout)
            ctx.PrintNote("wrote " + *output + ": " + summary);
          return kExitOk;
        };
      }};
}

}  // namespace rex::cli
