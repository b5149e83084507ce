// `rex init [NAME] [--preset dev|staging|prod]`: writes stacks/NAME.yaml from a preset.
//
// NAME follows the one stack-name rule (cli/stack_select.h ValidateStackName); without it the
// stack is the one --stack or $REX_STACK names, else the preset's name, else dev. The preset is
// --preset, else NAME when NAME is a preset's name, else dev: `rex init prod` and `rex init qa`
// both work. A stack that is not named after its preset gets environment = NAME (so its
// CloudFormation stack, <projectName>-<environment>, is its own) when NAME fits environment's
// rule; otherwise the preset's environment stays and a warning says how to change it.
// Never overwrites (exit 2); the file is written atomically with mode 0600.

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "base/files.h"
#include "cli/command.h"
#include "cli/stack_select.h"
#include "config/presets.h"

namespace rex::cli {
namespace {

struct InitFlags {
  std::string name;
  std::string preset;
};

int RunInit(Context& ctx, const InitFlags& flags) {
  auto fail = [&ctx](const base::Status& s) {
    ctx.PrintError(s);
    return ExitCodeFor(s);
  };
  std::string name = flags.name;
  if (name.empty()) name = ctx.global.stack_given ? ctx.global.stack : flags.preset;
  if (name.empty()) name = "dev";
  base::Status valid = ValidateStackName(name);
  if (!valid.ok()) return fail(valid);
  std::string preset_name = flags.preset;
  if (preset_name.empty()) preset_name = config::ParsePreset(name).ok() ? name : "dev";
  auto preset = config::ParsePreset(preset_name);
  if (!preset.has_value()) return fail(preset.error());

  std::string relative = "stacks/" + name + ".yaml";
  std::string path = (std::filesystem::path(ctx.io.cwd) / relative).string();
  std::error_code ec;
  if (std::filesystem::exists(std::filesystem::symlink_status(path, ec))) {
    return fail(base::AlreadyExists(relative +
                                    " already exists; edit it or change keys with \"rex --stack " +
                                    name + " config set\""));
  }
  std::string text;
  if (name == preset_name) {
    text = config::PresetYaml(*preset);
  } else {
    config::Config config = config::PresetConfig(*preset);
    std::string environment = name;
    std::transform(environment.begin(), environment.end(), environment.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    config::Config named = config;
    named.environment = environment;
    if (config::ValidateConfig(named, relative).ok()) {
      config = named;
    } else {
      ctx.PrintWarning("environment stays \"" + config.environment + "\" (\"" + environment +
                       "\" does not fit its rule: 1 to 10 lowercase letters, digits and hyphens, "
                       "with projectName-environment at most 20 characters), so this stack "
                       "deploys as " +
                       config.project_name + "-" + config.environment +
                       "; change it with \"rex --stack " + name +
                       " config set environment NAME\" before \"rex up\"");
    }
    text = "# rex stack config " + name + ": " + preset_name + " preset (written by \"rex init " +
           name + " --preset " + preset_name +
           "\").\n"
           "# Edit values here or with \"rex --stack " +
           name +
           " config set KEY VALUE\"; secrets only with\n"
           "# \"rex config set KEY --secret\" (encrypted with REX_CONFIG_PASSPHRASE).\n"
           "# Keys may also be written with the Pulumi prefix, e.g. rex-backend:vpcCidr.\n\n" +
           config::ConfigToYaml(config);
  }
  base::Status written = base::WriteFileAtomic(path, text, 0600);
  if (!written.ok()) return fail(written);
  ctx.io.err << ctx.err.Green("created") << " " << relative << " from the " << preset_name
             << " preset\n"
             << "next: \"rex preview --stack " << name << "\" shows what would be deployed\n";
  return kExitOk;
}

}  // namespace

Command InitCommand() {
  return {"init", "write stacks/NAME.yaml from the dev, staging or prod preset",
          [](CLI::App& app) -> std::function<int(Context&)> {
            auto flags = std::make_shared<InitFlags>();
            app.add_option("NAME", flags->name,
                           "the stack's name (letters, digits, hyphens; default: --stack, else "
                           "the preset's name)")
                ->type_name("NAME");
            app.add_option("--preset", flags->preset,
                           "dev, staging or prod (default: NAME when it names a preset, else dev)")
                ->type_name("PRESET");
            return [flags](Context& ctx) { return RunInit(ctx, *flags); };
          }};
}

}  // namespace rex::cli
