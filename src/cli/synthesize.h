#pragma once

// The template the offline commands (`rex synth`, `rex preview`) work on, and the hidden
// bench-only flag that swaps it for a synthetic stack of a given size.

#include <CLI/CLI.hpp>

#include "base/result.h"
#include "cli/command.h"
#include "cli/stack_select.h"
#include "core/stack.h"

namespace rex::cli {

// Adds the hidden option `--synthetic N` to `app`: instead of the selected stack, synthesize
// stack::SyntheticStack with at least N resources (N copies of a six-resource service on a
// VPC, cluster and load balancer). For scale measurements (bench/scale); not in --help.
void AddSyntheticOption(CLI::App& app, int& resources);

// Synthesizes the RexStack of `selected`, or, when synthetic_resources > 0, the synthetic stack
// of that size (with a note on stderr saying so). kInvalidArgument listing synthesis errors;
// for a synthetic size over 1,000,000.
base::Result<core::Template> SynthesizeSelected(const Context& ctx, const SelectedStack& selected,
                                                int synthetic_resources);

}  // namespace rex::cli
