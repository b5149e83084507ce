#include <termios.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "base/crypto.h"
#include "base/files.h"
#include "base/strings.h"
#include "cli/command.h"
#include "config/config.h"
#include "config/loader.h"

namespace rex::cli {
namespace {

std::string ConfigPath(const Context& ctx) {
  return (std::filesystem::path(ctx.io.cwd) / ("stacks/" + ctx.global.stack + ".yaml")).string();
}

config::Env EnvOf(const Context& ctx) {
  config::Env env;
  if (ctx.io.getenv) {
    auto passphrase = ctx.io.getenv(config::kPassphraseEnvVar);
    if (passphrase.has_value() && !passphrase->empty()) env.config_passphrase = passphrase;
  }
  env.warn = [&ctx](const std::string& message) { ctx.PrintWarning(message); };
  return env;
}

// The decrypted value of a secret key of a loaded config.
const config::Secret* SecretOf(const config::Config& config, std::string_view key) {
  std::string_view bare = key;
  if (base::StartsWith(bare, "rex-backend:"))
    bare.remove_prefix(std::string_view("rex-backend:").size());
  if (bare == "dbMasterPassword") return &config.db_master_password;
  if (bare == "supertokensApiKey") return &config.supertokens_api_key;
  if (bare == "githubToken") return &config.github_token;
  return nullptr;
}

// Turns terminal echo off while a secret is typed.
class EchoOff {
 public:
  EchoOff() {
    if (::tcgetattr(STDIN_FILENO, &saved_) == 0) {
      termios quiet = saved_;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      active_ = ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet) == 0;
    }
  }
  ~EchoOff() {
    if (active_) ::tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  termios saved_{};
  bool active_ = false;
};

int Fail(const Context& ctx, const base::Status& status) {
  ctx.PrintError(status);
  return ExitCodeFor(status);
}

}  // namespace

Command ConfigCommand() {
  return {
      "config", "show, get, set or remove keys of the stack config (secrets encrypted)",
      [](CLI::App& app) -> std::function<int(Context&)> {
        struct Args {
          std::string verb;
          std::string key;
          std::string value;
          bool value_given = false;
          bool secret = false;
          bool show_secrets = false;
        };
        auto args = std::make_shared<Args>();
        app.add_option("verb", args->verb, "get, set or rm; none lists every key")
            ->type_name("VERB");
        app.add_option("key", args->key, "a key such as vpcCidr or services.api.cpu")
            ->type_name("KEY");
        app.add_option("value", args->value,
                       "the new value; not with --secret, which reads it from stdin")
            ->type_name("VALUE");
        app.add_flag("--secret", args->secret,
                     "encrypt the value (AES-256-GCM, key from $REX_CONFIG_PASSPHRASE)");
        app.add_flag("--show-secrets", args->show_secrets, "print secret values in clear");
        return [args](Context& ctx) {
          std::string path = ConfigPath(ctx);
          std::string relative = "stacks/" + ctx.global.stack + ".yaml";
          if (!base::PathExists(path)) {
            return Fail(
                ctx, base::NotFound("no stack config " + relative + "; create it with \"rex init " +
                                    ctx.global.stack + "\""));
          }
          const std::string& verb = args->verb;
          args->value_given = !args->value.empty();
          if (verb.empty()) {
            // The listing shows secrets as [secret]: their values are not read, so it needs no
            // passphrase (only their shape is checked).
            auto text = base::ReadFile(path);
            if (!text.has_value()) return Fail(ctx, text.error());
            auto config = config::LoadText(*text, path, EnvOf(ctx), /*decrypt=*/false);
            if (!config.has_value()) return Fail(ctx, config.error());
            ctx.io.out << config::ToString(*config);
            return kExitOk;
          }
          if (verb != "get" && verb != "set" && verb != "rm") {
            std::string hint = base::ClosestMatch(verb, {"get", "set", "rm"});
            return Fail(ctx,
                        base::InvalidArgument(
                            "unknown config verb \"" + verb + "\"; use get, set or rm" +
                            (hint.empty() ? std::string() : " (did you mean \"" + hint + "\"?)")));
          }
          if (args->key.empty()) {
            return Fail(ctx, base::InvalidArgument("rex config " + verb + " needs a KEY"));
          }
          if (verb == "get") {
            if (args->show_secrets && config::IsSecretKey(args->key)) {
              auto config = config::LoadConfigFile(path, EnvOf(ctx));
              if (!config.has_value()) return Fail(ctx, config.error());
              const config::Secret* secret = SecretOf(*config, args->key);
              if (secret == nullptr || !secret->is_set()) {
                return Fail(ctx, base::NotFound(args->key + " is not set"));
              }
              ctx.io.out << secret->Reveal() << "\n";
              return kExitOk;
            }
            auto value = config::GetConfigFileValue(path, args->key);
            if (!value.has_value()) return Fail(ctx, value.error());
            ctx.io.out << *value << "\n";
            return kExitOk;
          }
          if (verb == "rm") {
            base::Status removed = config::RemoveConfigFileValue(path, args->key);
            if (!removed.ok()) return Fail(ctx, removed);
            ctx.io.err << "removed " << args->key << " from " << relative << "\n";
            return kExitOk;
          }
          // set
          if (args->secret) {
            if (args->value_given) {
              // A secret on the command line ends up in shell history and in ps; never
              // echo it back.
              base::WipeString(args->value);
              return Fail(ctx, base::InvalidArgument(
                                   "rex config set " + args->key +
                                   " --secret takes the value on stdin, not on the command "
                                   "line (shell history, ps); run it without VALUE and type or "
                                   "pipe the value"));
            }
            std::string plaintext;
            if (ctx.io.in == nullptr) {
              return Fail(
                  ctx, base::InvalidArgument("no value for " + args->key + ": give it on stdin"));
            }
            if (ctx.io.in_is_tty) {
              ctx.io.err << "value for " << args->key << " (not shown): " << std::flush;
              EchoOff quiet;
              std::getline(*ctx.io.in, plaintext);
              ctx.io.err << "\n";
            } else {
              std::getline(*ctx.io.in, plaintext);
            }
            if (!plaintext.empty() && plaintext.back() == '\r') plaintext.pop_back();
            if (plaintext.empty()) {
              return Fail(ctx, base::InvalidArgument("the value for " + args->key + " is empty"));
            }
            base::Status set = config::SetConfigFileSecret(path, args->key, plaintext, EnvOf(ctx));
            base::WipeString(plaintext);
            if (!set.ok()) return Fail(ctx, set);
            ctx.io.err << "set " << args->key << " in " << relative << " (encrypted)\n";
            return kExitOk;
          }
          if (!args->value_given) {
            return Fail(ctx,
                        base::InvalidArgument("rex config set " + args->key + " needs a VALUE"));
          }
          base::Status set = config::SetConfigFileValue(path, args->key, args->value);
          if (!set.ok()) return Fail(ctx, set);
          ctx.io.err << "set " << args->key << " in " << relative << "\n";
          return kExitOk;
        };
      }};
}

}  // namespace rex::cli
