#include "base/files.h"
#include "cli/command.h"
#include "cli/stack_select.h"
#include "stack/rex_stack.h"

namespace rex::cli {

Command SynthCommand() {
  return {"synth", "print the CloudFormation template of a stack (offline)",
          [](CLI::App& app) -> std::function<int(Context&)> {
            auto output = std::make_shared<std::string>();
            auto yaml = std::make_shared<bool>(false);
            app.add_option("-o,--output", *output, "write the template to FILE instead of stdout")
                ->type_name("FILE");
            app.add_flag("--yaml", *yaml, "YAML instead of JSON");
            return [output, yaml](Context& ctx) {
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
              for (const auto& w : synthesized->warnings) ctx.io.err << w.ToString() << "\n";
              std::string text = *yaml ? synthesized->ToYaml() : synthesized->ToJson();
              if (output->empty()) {
                ctx.io.out << text;
                return kExitOk;
              }
              base::Status written = base::WriteFileAtomic(*output, text);
              if (!written.ok()) {
                ctx.PrintError(written);
                return ExitCodeFor(written);
              }
              if (ctx.global.verbose > 0) {
                ctx.PrintNote("wrote " + *output + " (" + std::to_string(text.size()) + " bytes)");
              }
              return kExitOk;
            };
          }};
}

}  // namespace rex::cli
