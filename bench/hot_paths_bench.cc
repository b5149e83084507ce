// Micro-benchmarks of the hot paths under `rex synth`, `rex preview` and `rex up`: building
// token values (references recorded as they are combined), JSON text of a big template, the
// template diff, SigV4 signing, the nested-stack split, reading a baseline template and the
// cost estimate.

#include <benchmark/benchmark.h>

#include <chrono>
#include <string>
#include <vector>

#include "aws/http.h"
#include "aws/sigv4.h"
#include "base/json.h"
#include "cfn/logs.gen.h"
#include "cfn/registry.gen.h"
#include "core/intrinsics.h"
#include "core/stack.h"
#include "stack/synthetic.h"
#include "template/cost.h"
#include "template/nested.h"
#include "template/plan.h"
#include "template/template_reader.h"

namespace rex {
namespace {

// The synthesized synthetic stack of at least `resources` resources.
base::Json SyntheticTemplate(int resources) {
  core::App app;
  auto& stack = app.Add<stack::SyntheticStack>(
      "Synthetic",
      stack::SyntheticProps{.services = stack::SyntheticStack::ServicesFor(resources)});
  return stack.Synthesize()->json;
}

// Token resolution: a Fn::Join over Refs and GetAtts of `state.range(0)` resources, then a
// Fn::Sub over the join, as the components build ARNs and URLs; the references travel with
// the value (Value::refs, deduplicated).
void BM_TokenJoinOfReferences(benchmark::State& state) {
  core::App app;
  auto& stack = app.Add<core::Stack>("Tokens");
  std::vector<const cfn::logs::CfnLogGroup*> groups;
  for (int i = 0; i < state.range(0); ++i) {
    groups.push_back(&stack.Add<cfn::logs::CfnLogGroup>("Logs" + std::to_string(i),
                                                        cfn::logs::CfnLogGroupProps{}));
  }
  size_t refs = 0;
  for (auto _ : state) {
    std::vector<core::Str> parts;
    parts.reserve(groups.size() * 2);
    for (const auto* g : groups) {
      parts.push_back(g->Ref());
      parts.push_back(g->attr_arn());
    }
    core::Str joined = core::Join(",", std::move(parts));
    core::Str sub = core::Sub("groups: ${All}", {{"All", joined}});
    refs = sub.value().refs().size();
    benchmark::DoNotOptimize(refs);
  }
  state.counters["refs"] = static_cast<double>(refs);
}
BENCHMARK(BM_TokenJoinOfReferences)->Arg(10)->Arg(200)->Unit(benchmark::kMicrosecond);

// JSON text of a synthesized template (DumpJson: sorted keys, 2-space indent).
void BM_DumpJson(benchmark::State& state) {
  base::Json tmpl = SyntheticTemplate(static_cast<int>(state.range(0)));
  size_t bytes = 0;
  for (auto _ : state) {
    std::string text = base::DumpJson(tmpl);
    bytes = text.size();
    benchmark::DoNotOptimize(text);
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes) * state.iterations());
  state.counters["resources"] = static_cast<double>(tmpl["Resources"].size());
}
BENCHMARK(BM_DumpJson)->Arg(2000)->Arg(20000)->Unit(benchmark::kMillisecond);

// The offline plan of a big template against itself with one resource in ten changed (a log
// group retention: an update) and one in a hundred with a replacing property (a log group
// name: a replace that propagates to the task definition referencing it).
void BM_ComputePlan(benchmark::State& state) {
  base::Json before = SyntheticTemplate(static_cast<int>(state.range(0)));
  base::Json after = before;
  int n = 0;
  for (auto& [id, r] : after["Resources"].items()) {
    if (r["Type"] != "AWS::Logs::LogGroup") continue;
    if (n % 10 == 0) r["Properties"]["RetentionInDays"] = 14;
    if (n % 100 == 0) r["Properties"]["LogGroupName"] = "/ecs/renamed-" + id;
    ++n;
  }
  size_t changed = 0;
  for (auto _ : state) {
    tmpl::Plan plan = tmpl::ComputePlan(before, after, cfn::FindResourceSchema);
    changed = plan.summary.update + plan.summary.replace + plan.summary.may_replace;
    benchmark::DoNotOptimize(plan);
  }
  state.counters["resources"] = static_cast<double>(after["Resources"].size());
  state.counters["changed"] = static_cast<double>(changed);
}
BENCHMARK(BM_ComputePlan)->Arg(2000)->Arg(20000)->Unit(benchmark::kMillisecond);

// SigV4 header signing of a CloudFormation Query request (CreateChangeSet-sized body).
void BM_SignRequest(benchmark::State& state) {
  aws::SigningParams params;
  params.credentials = {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session"};
  params.region = "us-east-1";
  params.service = "cloudformation";
  params.time = std::chrono::system_clock::time_point(std::chrono::seconds(1764201600));
  std::string body = "Action=CreateChangeSet&Version=2010-05-15&StackName=rex-backend-dev";
  body += "&TemplateURL=" + std::string(120, 'u') +
          std::string(static_cast<size_t>(state.range(0)), 'x');
  for (auto _ : state) {
    aws::HttpRequest request;
    request.method = "POST";
    request.url = "https://cloudformation.us-east-1.amazonaws.com/";
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
    request.body = body;
    auto signed_request = aws::SignRequest(request, params);
    benchmark::DoNotOptimize(signed_request);
  }
}
BENCHMARK(BM_SignRequest)->Arg(256)->Arg(51200)->Unit(benchmark::kMicrosecond);

// Splitting a big template into nested stacks.
void BM_NestedSplit(benchmark::State& state) {
  base::Json tmpl = SyntheticTemplate(static_cast<int>(state.range(0)));
  tmpl::NestedOptions options{.schemas = cfn::FindResourceSchema};
  size_t children = 0;
  for (auto _ : state) {
    auto split = tmpl::SplitIntoNestedStacks(tmpl, options);
    children = split->children.size();
    benchmark::DoNotOptimize(split);
  }
  state.counters["resources"] = static_cast<double>(tmpl["Resources"].size());
  state.counters["stacks"] = static_cast<double>(children);
}
BENCHMARK(BM_NestedSplit)->Arg(2000)->Arg(20000)->Unit(benchmark::kMillisecond);

// The read-only summary of the same split, as rex preview prints it.
void BM_SummarizeNestedStacks(benchmark::State& state) {
  base::Json tmpl = SyntheticTemplate(static_cast<int>(state.range(0)));
  tmpl::NestedOptions options{.schemas = cfn::FindResourceSchema};
  size_t children = 0;
  for (auto _ : state) {
    auto summary = tmpl::SummarizeNestedStacks(tmpl, options);
    children = summary->size();
    benchmark::DoNotOptimize(summary);
  }
  state.counters["resources"] = static_cast<double>(tmpl["Resources"].size());
  state.counters["stacks"] = static_cast<double>(children);
}
BENCHMARK(BM_SummarizeNestedStacks)->Arg(2000)->Arg(20000)->Unit(benchmark::kMillisecond);

// Adding `state.range(0)` children to one construct (the synthetic stack holds 3,334 at
// 20,000 resources): each id is checked against its siblings' through an index, so the time
// per child stays flat as the count grows.
void BM_AddChildren(benchmark::State& state) {
  std::vector<std::string> ids;
  for (int i = 0; i < state.range(0); ++i) ids.push_back("Service" + std::to_string(i + 1));
  for (auto _ : state) {
    core::App app;
    auto& stack = app.Add<core::Stack>("Stack");
    for (const std::string& id : ids) stack.Add<core::Construct>(id);
    benchmark::DoNotOptimize(stack.children().size());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_AddChildren)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

// Reading a baseline (rex preview --template, the .rex/ copy): parsing the JSON text of the
// synthetic stack and checking its shape.
void BM_ReadTemplate(benchmark::State& state) {
  std::string text = base::DumpJson(SyntheticTemplate(static_cast<int>(state.range(0))));
  for (auto _ : state) {
    auto tmpl = tmpl::ReadTemplate(text, "baseline", tmpl::kMaxLocalTemplateBytes);
    benchmark::DoNotOptimize(tmpl.ok());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ReadTemplate)->Arg(2000)->Arg(20000)->Unit(benchmark::kMillisecond);

// The monthly cost estimate of the synthetic stack (rex preview estimates two templates).
void BM_EstimateCost(benchmark::State& state) {
  base::Json tmpl = SyntheticTemplate(static_cast<int>(state.range(0)));
  tmpl::Assumptions assume;
  double total = 0;
  for (auto _ : state) {
    total = tmpl::EstimateCost(tmpl, assume).total;
    benchmark::DoNotOptimize(total);
  }
  state.counters["usd"] = total;
}
BENCHMARK(BM_EstimateCost)->Arg(2000)->Arg(20000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace rex
