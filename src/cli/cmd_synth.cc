// `rex synth`: the CloudFormation template of the selected stack (offline).
//
//   rex synth [-o FILE] [--yaml]   (+ global --stack, -v)
//   hidden, for benchmarks (bench/scale): --synthetic N (cli/synthesize.h), --unsplit (the
//   logical template, never split)
//
// A stack over CloudFormation's 500 resources per stack is split into nested stacks
// (template/nested.h): the parent template is printed (or written to FILE) and, with -o, each
// child is written next to FILE as <Child>.nested.template.json, the TemplateURL the parent
// names (always JSON). -o follows cli/output_file.h (atomic for files, written through for
// devices, FIFOs and links, "-" for stdout, never a missing folder or stacks/). Without -o,
// with -o - or a device, only the parent is written and a note says so.

#include <filesystem>
#include <future>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/files.h"
#include "base/keep.h"
#include "cfn/registry.gen.h"
#include "cli/command.h"
#include "cli/output_file.h"
#include "cli/stack_select.h"
#include "cli/synthesize.h"
#include "template/nested.h"

namespace rex::cli {

Command SynthCommand() {
  return {
      "synth", "print the CloudFormation template of a stack (offline)",
      [](CLI::App& app) -> std::function<int(Context&)> {
        auto output = std::make_shared<std::string>();
        auto yaml = std::make_shared<bool>(false);
        auto synthetic = std::make_shared<int>(0);
        auto unsplit = std::make_shared<bool>(false);
        app.add_option("-o,--output", *output,
                       "write the template to FILE instead of stdout (and nested stack "
                       "templates next to it); - is stdout")
            ->type_name("FILE");
        app.add_flag("--yaml", *yaml, "YAML instead of JSON");
        AddSyntheticOption(app, *synthetic);
        app.add_flag("--unsplit", *unsplit,
                     "benchmarks, debugging: the logical template, never split into nested "
                     "stacks")
            ->group("");  // hidden from --help
        return [output, yaml, synthetic, unsplit](Context& ctx) {
          std::optional<OutputTarget> target;
          if (!output->empty()) {
            auto resolved = ResolveOutput(ctx, *output);
            if (!resolved.has_value()) {
              ctx.PrintError(resolved.error());
              return ExitCodeFor(resolved.error());
            }
            if (!resolved->to_stdout) target = std::move(resolved).value();
          }
          // Nested templates go next to a file; a device, a FIFO or stdout gets the parent only.
          bool beside_file = target.has_value() && target->regular;
          auto selected = SelectStack(ctx);
          if (!selected.has_value()) {
            ctx.PrintError(selected.error());
            return ExitCodeFor(selected.error());
          }
          auto synthesized = SynthesizeSelected(ctx, *selected, *synthetic);
          if (!synthesized.has_value()) {
            ctx.PrintError(synthesized.error());
            return ExitCodeFor(synthesized.error());
          }
          for (const auto& w : synthesized->warnings) ctx.io.err << w.ToString() << "\n";
          tmpl::NestedOptions options{.schemas = cfn::FindResourceSchema};
          if (*unsplit) options.split_above = std::numeric_limits<size_t>::max();
          size_t resources =
              synthesized->json.contains("Resources") ? synthesized->json["Resources"].size() : 0;
          // The template is handed over: its resources move into the children.
          auto nested = tmpl::SplitIntoNestedStacks(std::move(synthesized->json), options);
          if (!nested.has_value()) {
            ctx.PrintError(nested.error());
            return ExitCodeFor(nested.error());
          }
          synthesized->json = std::move(nested->parent);
          if (nested->split()) {
            ctx.PrintNote(std::to_string(resources) + " resources, over CloudFormation's " +
                          std::to_string(tmpl::kMaxResourcesPerStack) + " per stack: split into " +
                          std::to_string(nested->children.size()) + " nested stacks" +
                          (beside_file ? ""
                                       : "; writing the parent only (-o FILE also "
                                         "writes the nested templates next to FILE)"));
          }
          std::string text = *yaml ? synthesized->ToYaml() : synthesized->ToJson();
          // The trees are left to the operating system at exit (base/keep.h): freeing them
          // piece by piece costs a third of the command at 20,000 resources.
          auto keep = [&] { base::KeepUntilExit(std::move(*synthesized), std::move(*nested)); };
          if (!target.has_value()) {
            ctx.io.out << text;
            keep();
            return kExitOk;
          }
          if (beside_file) {
            std::filesystem::path dir = std::filesystem::path(target->resolved).parent_path();
            std::vector<const std::pair<const std::string, base::Json>*> children;
            for (const auto& entry : nested->children) children.push_back(&entry);
            std::vector<base::Status> written(children.size(), base::Status::Ok());
            auto write_every_other = [&](size_t first) {
              for (size_t i = first; i < children.size(); i += 2) {
                std::string file =
                    (dir / tmpl::NestedTemplateFileName(children[i]->first)).string();
                written[i] = base::WriteFileAtomic(file, base::DumpJson(children[i]->second));
              }
            };
            // Every other child is dumped and written on a second thread: the JSON text and
            // the files' syncs are a fifth of the command at 20,000 resources.
            auto others = std::async(std::launch::async, write_every_other, size_t{1});
            write_every_other(0);
            others.get();
            for (const base::Status& status : written) {
              if (!status.ok()) {
                ctx.PrintError(status);
                return kExitFailed;
              }
            }
          }
          base::Status written = WriteOutput(ctx, *target, text);
          if (!written.ok()) {
            ctx.PrintError(written);
            return ExitCodeFor(written);
          }
          if (ctx.global.verbose > 0) {
            ctx.PrintNote("wrote " + *output + " (" + std::to_string(text.size()) + " bytes)" +
                          (nested->split() && beside_file
                               ? " and " + std::to_string(nested->children.size()) +
                                     " nested templates next to it"
                               : ""));
          }
          keep();
          return kExitOk;
        };
      }};
}

}  // namespace rex::cli
