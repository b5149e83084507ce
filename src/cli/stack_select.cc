#include "cli/stack_select.h"

#include <algorithm>
#include <filesystem>

#include "base/files.h"
#include "base/strings.h"
#include "stack/presets.h"

namespace rex::cli {

base::Result<SelectedStack> SelectStack(const Context& ctx) {
  const std::string& name = ctx.global.stack;
  std::filesystem::path dir = std::filesystem::path(ctx.io.cwd) / "stacks";
  std::string relative = "stacks/" + name + ".yaml";
  std::filesystem::path path = dir / (name + ".yaml");
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    auto preset = stack::ParsePreset(name);
    if (!preset.has_value()) {
      return base::NotFound("no stack config " + relative + "; create it with \"rex init " + name +
                            "\" (presets: dev, staging, prod)");
    }
    ctx.PrintNote("no stacks/ folder: using the built-in " + name + " preset (\"rex init " + name +
                  "\" writes it to " + relative + ")");
    return SelectedStack{name, "", stack::PresetConfig(*preset)};
  }
  if (!std::filesystem::exists(path, ec)) {
    std::vector<std::string> existing;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      if (entry.path().extension() == ".yaml") existing.push_back(entry.path().stem().string());
    }
    std::sort(existing.begin(), existing.end());
    std::string hint = base::ClosestMatch(name, existing);
    return base::NotFound("no stack config " + relative +
                          (existing.empty() ? std::string("; stacks/ holds none")
                                            : "; stacks: " + base::Join(existing, ", ")) +
                          (hint.empty() ? std::string() : "; did you mean --stack " + hint + "?") +
                          "; create it with \"rex init " + name + "\"");
  }
  stack::Env env;
  if (ctx.io.getenv) {
    auto passphrase = ctx.io.getenv(stack::kPassphraseEnvVar);
    if (passphrase.has_value() && !passphrase->empty()) env.config_passphrase = passphrase;
  }
  env.warn = [&ctx](const std::string& message) { ctx.PrintWarning(message); };
  // Errors name the file as the user knows it (relative to the project).
  auto text = base::ReadFile(path.string());
  if (!text.has_value()) return text.error();
  REX_ASSIGN_OR_RETURN(stack::Config config, stack::LoadConfig(*text, relative, env));
  return SelectedStack{name, relative, std::move(config)};
}

}  // namespace rex::cli
