#include <filesystem>

#include "base/files.h"
#include "cli/command.h"
#include "stack/presets.h"

namespace rex::cli {

Command InitCommand() {
  return {"init", "write stacks/<preset>.yaml from the dev, staging or prod preset",
          [](CLI::App& app) -> std::function<int(Context&)> {
            auto preset_name = std::make_shared<std::string>("dev");
            app.add_option("preset", *preset_name, "dev (default), staging or prod")
                ->type_name("PRESET");
            return [preset_name](Context& ctx) {
              auto preset = stack::ParsePreset(*preset_name);
              if (!preset.has_value()) {
                ctx.PrintError(preset.error());
                return kExitBadInput;
              }
              std::string relative = "stacks/" + *preset_name + ".yaml";
              std::string path = (std::filesystem::path(ctx.io.cwd) / relative).string();
              if (base::PathExists(path)) {
                ctx.PrintError(base::AlreadyExists(
                    relative + " already exists; edit it or change keys with \"rex config set\""));
                return kExitBadInput;
              }
              base::Status written = base::WriteFileAtomic(path, stack::PresetYaml(*preset), 0600);
              if (!written.ok()) {
                ctx.PrintError(written);
                return ExitCodeFor(written);
              }
              ctx.io.err << ctx.err.Green("created") << " " << relative << " from the "
                         << *preset_name << " preset\n"
                         << "next: \"rex preview --stack " << *preset_name
                         << "\" shows what would be deployed\n";
              return kExitOk;
            };
          }};
}

}  // namespace rex::cli
