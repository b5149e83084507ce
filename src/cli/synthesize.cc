#include "cli/synthesize.h"

#include <memory>
#include <string>

#include "base/keep.h"
#include "stack/rex_stack.h"
#include "stack/synthetic.h"

namespace rex::cli {

namespace {
constexpr int kMaxSyntheticResources = 1000000;
}  // namespace

void AddSyntheticOption(CLI::App& app, int& resources) {
  app.add_option("--synthetic", resources,
                 "benchmarks: synthesize a synthetic stack of at least N resources instead")
      ->type_name("N")
      ->group("");  // hidden from --help
}

base::Result<core::Template> SynthesizeSelected(const Context& ctx, const SelectedStack& selected,
                                                int synthetic_resources) {
  if (synthetic_resources <= 0) return stack::SynthesizeRexStack(selected.config);
  if (synthetic_resources > kMaxSyntheticResources) {
    return base::InvalidArgument("--synthetic " + std::to_string(synthetic_resources) +
                                 ": at most " + std::to_string(kMaxSyntheticResources) +
                                 " resources");
  }
  int services = stack::SyntheticStack::ServicesFor(synthetic_resources);
  ctx.PrintNote("synthetic stack of " +
                std::to_string(stack::SyntheticStack::ResourceCount(services)) +
                " resources (--synthetic), not the " + selected.name + " config");
  auto app = std::make_unique<core::App>();
  auto& synthetic =
      app->Add<stack::SyntheticStack>("Synthetic", stack::SyntheticProps{.services = services});
  base::Result<core::Template> synthesized = synthetic.Synthesize();
  // The construct tree is left to the operating system at exit (base/keep.h).
  base::KeepUntilExit(std::move(app));
  return synthesized;
}

}  // namespace rex::cli
