#pragma once

// Where `rex graph -o FILE` and `rex preview --graph FILE` write a drawing, and in which
// format: FILE.svg is rendered in-process with Graphviz's library (libgvc, "dot" layout; no
// `dot` executable needed), FILE.dot gets the DOT text, "-" is stdout (DOT), and a device or
// FIFO without either ending (/dev/stdout, a pipe) gets DOT. Paths follow cli/output_file.h.

#include <string>
#include <string_view>

#include "base/result.h"
#include "base/status.h"
#include "cli/command.h"
#include "cli/output_file.h"
#include "template/plan.h"

namespace rex::cli {

struct GraphOutput {
  OutputTarget target;
  bool svg = false;
};

// Checks PATH by cli/output_file.h and its ending, before any work. kInvalidArgument (exit 2)
// "cannot tell the format of "x.png": the output file must end in .svg or .dot" for a regular
// file with another ending, or output_file.h's errors.
base::Result<GraphOutput> ResolveGraphOutput(const Context& ctx, const std::string& path);

// Writes `dot` (rendered as SVG when output.svg) to the output; "-" writes DOT to ctx.io.out.
base::Status WriteGraph(Context& ctx, const GraphOutput& output, const std::string& dot);

// The DOT text of `rex preview --graph`: the architecture (template/architecture.h) of `after`
// plus the resources only `before` has, each component and VPC frame coloured by what `plan`
// does to it. `before` is null when nothing is deployed.
std::string PlanGraphDot(const base::Json* before, const base::Json& after, const tmpl::Plan& plan,
                         const std::string& title);

// Lays out `dot` with the "dot" engine and renders it as SVG. kInternal if Graphviz cannot
// read the text (a bug of our DOT writers) or lacks the layout or SVG plugin (a broken install:
// the message names the package).
base::Result<std::string> RenderSvg(const std::string& dot);

}  // namespace rex::cli
