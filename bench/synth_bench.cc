// Synthesis benchmarks: the networking component, the Rex dev stack, and synthetic stacks of
// a given resource count (tree construction + validation + JSON emission).

#include <benchmark/benchmark.h>

#include "config/presets.h"
#include "core/stack.h"
#include "stack/networking.h"
#include "stack/rex_stack.h"
#include "stack/synthetic.h"

namespace rex::stack {
namespace {

void BM_SynthNetworking(benchmark::State& state) {
  for (auto _ : state) {
    core::App app;
    auto& stack = app.Add<core::Stack>("Rex");
    stack.Add<Networking>("Network", NetworkingProps{});
    auto result = stack.Synthesize();
    std::string text = result->ToJson();
    benchmark::DoNotOptimize(text);
  }
}
BENCHMARK(BM_SynthNetworking)->Unit(benchmark::kMicrosecond);

void BM_SynthDevStack(benchmark::State& state) {
  config::Config config = config::PresetConfig(config::Preset::kDev);
  size_t resources = 0;
  for (auto _ : state) {
    auto result = SynthesizeRexStack(config);
    std::string text = result->ToJson();
    resources = result->json["Resources"].size();
    benchmark::DoNotOptimize(text);
  }
  state.counters["resources"] = static_cast<double>(resources);
}
BENCHMARK(BM_SynthDevStack)->Unit(benchmark::kMicrosecond);

// Argument: the resource count wanted.
void BM_SynthSynthetic(benchmark::State& state) {
  int services = SyntheticStack::ServicesFor(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    core::App app;
    auto& stack = app.Add<SyntheticStack>("Synthetic", SyntheticProps{.services = services});
    auto result = stack.Synthesize();
    std::string text = result->ToJson();
    benchmark::DoNotOptimize(text);
  }
  state.counters["resources"] = SyntheticStack::ResourceCount(services);
  state.counters["resources/s"] = benchmark::Counter(SyntheticStack::ResourceCount(services),
                                                     benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_SynthSynthetic)->Arg(2000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace rex::stack
