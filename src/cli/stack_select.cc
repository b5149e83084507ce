#include "cli/stack_select.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "base/files.h"
#include "base/strings.h"
#include "cli/secrets_kms.h"
#include "cli/terminal.h"
#include "config/presets.h"

namespace rex::cli {

base::Status ValidateStackName(std::string_view name) {
  bool ok = !name.empty() && name.size() <= 64 && std::isalpha(static_cast<unsigned char>(name[0]));
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') ok = false;
  }
  if (ok) return base::Status::Ok();
  std::string shown(name.substr(0, 80));
  return base::InvalidArgument(
      "stack name \"" + EscapeControls(shown) + "\"" + (name.size() > 80 ? "..." : "") +
      " is not allowed: use 1 to 64 letters, digits and hyphens, starting with a letter "
      "(the config is stacks/<name>.yaml)");
}

base::Result<SelectedStack> SelectStack(const Context& ctx, StackUse use) {
  const std::string& name = ctx.global.stack;
  REX_RETURN_IF_ERROR(ValidateStackName(name));
  std::filesystem::path dir = std::filesystem::path(ctx.io.cwd) / "stacks";
  std::string relative = "stacks/" + name + ".yaml";
  std::filesystem::path path = dir / (name + ".yaml");
  std::error_code ec;
  if (use == StackUse::kChangesAws && !std::filesystem::exists(path, ec)) {
    return base::NotFound("no stack config " + relative +
                          ": commands that change AWS need one (the built-in presets serve only "
                          "preview, synth, cost, check and graph); create it with \"rex init " +
                          name + "\"");
  }
  if (!std::filesystem::is_directory(dir, ec)) {
    auto preset = config::ParsePreset(name);
    if (!preset.has_value()) {
      return base::NotFound("no stack config " + relative + "; create it with \"rex init " + name +
                            "\" (presets: dev, staging, prod)");
    }
    ctx.PrintNote("no stacks/ folder: using the built-in " + name + " preset (\"rex init " + name +
                  "\" writes it to " + relative + ")");
    return SelectedStack{name, "", config::PresetConfig(*preset)};
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
  config::Env env;
  if (ctx.io.getenv) {
    auto passphrase = ctx.io.getenv(config::kPassphraseEnvVar);
    if (passphrase.has_value() && !passphrase->empty()) env.config_passphrase = passphrase;
  }
  env.warn = [&ctx](const std::string& message) { ctx.PrintWarning(message); };
  // Without a passphrase, offline commands read secrets sealed (set, value unknown): a synth
  // needs only that they are set, and their values were checked by "rex config set".
  env.allow_sealed = use == StackUse::kOffline;
  // Errors name the file as the user knows it (relative to the project).
  auto text = base::ReadFile(path.string());
  if (!text.has_value()) return text.error();
  // With secretsProvider awskms://, commands that may hand secrets to AWS get the data key from
  // KMS; offline ones read the secrets sealed and make no KMS call.
  if (use != StackUse::kOffline) UseKmsForSecrets(ctx, *text, relative, env);
  REX_ASSIGN_OR_RETURN(config::Config config, config::LoadConfig(*text, relative, env));
  return SelectedStack{name, relative, std::move(config)};
}

}  // namespace rex::cli
