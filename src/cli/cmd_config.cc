#include <termios.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "base/crypto.h"
#include "base/files.h"
#include "base/json.h"
#include "base/strings.h"
#include "cli/command.h"
#include "cli/secrets_kms.h"
#include "config/config.h"
#include "config/config_json.h"
#include "config/loader.h"

namespace rex::cli {
namespace {

std::string ConfigPath(const Context& ctx) {
  return (std::filesystem::path(ctx.io.cwd) / ("stacks/" + ctx.global.stack + ".yaml")).string();
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

// Writes a JSON document with its "version".
int PrintJson(Context& ctx, base::Json doc) {
  doc["version"] = config::kConfigJsonVersion;
  ctx.io.out << base::DumpJson(doc);
  return kExitOk;
}

// The value of a secret from stdin. On a terminal: one line, typed without echo. Otherwise the
// whole input (at most config::kMaxSecretBytes), with one trailing newline ("\n" or "\r\n")
// stripped: a value with a line break inside is kept whole and judged by the key's rule.
base::Result<std::string> ReadSecret(Context& ctx, const std::string& key) {
  if (ctx.io.in == nullptr) {
    return base::InvalidArgument("no value for " + key + ": give it on stdin");
  }
  std::string value;
  if (ctx.io.in_is_tty) {
    ctx.io.err << "value for " << key << " (not shown): " << std::flush;
    EchoOff quiet;
    std::getline(*ctx.io.in, value);
    ctx.io.err << "\n";
  } else {
    // One byte more than allowed (plus a newline) tells a value that is too long.
    const size_t limit = config::kMaxSecretBytes + 3;
    value.resize(limit);
    ctx.io.in->read(value.data(), static_cast<std::streamsize>(limit));
    value.resize(static_cast<size_t>(ctx.io.in->gcount()));
    if (!value.empty() && value.back() == '\n') value.pop_back();
  }
  if (!value.empty() && value.back() == '\r') value.pop_back();
  if (value.size() > config::kMaxSecretBytes) {
    base::WipeString(value);
    return base::InvalidArgument("the value for " + key + " on stdin has more than " +
                                 std::to_string(config::kMaxSecretBytes) +
                                 " bytes; a secret may have at most " +
                                 std::to_string(config::kMaxSecretBytes));
  }
  if (value.empty()) return base::InvalidArgument("the value for " + key + " is empty");
  return value;
}

// The (key, value) pairs of `rex config set`: KEY VALUE, KEY=VALUE ..., or KEY VALUE KEY VALUE.
base::Result<std::vector<std::pair<std::string, std::string>>> SetPairs(
    const std::vector<std::string>& words) {
  std::vector<std::pair<std::string, std::string>> pairs;
  const std::string usage =
      "; use \"rex config set KEY VALUE\" or \"rex config set KEY=VALUE [KEY=VALUE ...]\"";
  if (words.empty()) return base::InvalidArgument("rex config set needs a KEY" + usage);
  if (words[0].find('=') != std::string::npos) {
    for (const std::string& word : words) {
      size_t eq = word.find('=');
      if (eq == std::string::npos || eq == 0) {
        return base::InvalidArgument("rex config set: \"" + word.substr(0, 80) +
                                     "\" is not KEY=VALUE" + usage);
      }
      pairs.emplace_back(word.substr(0, eq), word.substr(eq + 1));
    }
    return pairs;
  }
  if (words.size() % 2 != 0) {
    return base::InvalidArgument("rex config set " + words.back().substr(0, 80) + " needs a VALUE" +
                                 usage);
  }
  for (size_t i = 0; i < words.size(); i += 2) pairs.emplace_back(words[i], words[i + 1]);
  return pairs;
}

// `rex config change-secrets-provider PROVIDER`: every secret re-sealed with PROVIDER.
int ChangeProvider(Context& ctx, const std::string& path, const std::string& relative,
                   const std::string& provider) {
  auto text = base::ReadFile(path);
  if (!text.ok()) return Fail(ctx, text.error());
  base::Status changed = config::ChangeConfigFileSecretsProvider(
      path, provider, SecretsEnvFor(ctx, path), KmsDataKeyMaker(ctx, *text, path));
  if (!changed.ok()) return Fail(ctx, changed);
  if (ctx.global.json) {
    return PrintJson(
        ctx, {{"stack", ctx.global.stack}, {"file", relative}, {"secretsProvider", provider}});
  }
  ctx.io.err << "secretsProvider of " << relative << " is now " << provider
             << "; every secret re-encrypted"
             << (provider == config::kPassphraseProvider
                     ? std::string(" with $") + std::string(config::kPassphraseEnvVar)
                     : std::string(" with a new data key from KMS (encryptedDataKey)"))
             << "\n";
  return kExitOk;
}

}  // namespace

Command ConfigCommand() {
  return {
      "config", "show, get, set or remove keys of the stack config (secrets encrypted)",
      [](CLI::App& app) -> std::function<int(Context&)> {
        struct Args {
          // verb, then its KEY / VALUE / KEY=VALUE words. The first three are single strings
          // so that CLI11 keeps a JSON array VALUE ('["sh","-c","a && b"]') whole (it splits
          // "[a,b]" given to a list option); more pairs follow in `rest`.
          std::vector<std::string> words;
          std::string verb, key, value;
          std::vector<std::string> rest;
          CLI::Option* key_option = nullptr;
          CLI::Option* value_option = nullptr;
          bool secret = false;
          bool show_secrets = false;
        };
        auto args = std::make_shared<Args>();
        app.add_option("verb", args->verb,
                       "get, set, rm or change-secrets-provider; none lists every key")
            ->type_name("VERB");
        args->key_option =
            app.add_option("key", args->key, "a key such as vpcCidr, or KEY=VALUE with set")
                ->type_name("KEY");
        args->value_option =
            app.add_option("value", args->value,
                           "the new value (a list key takes a JSON array); not with --secret, "
                           "which reads it from stdin")
                ->type_name("VALUE");
        app.add_option("more", args->rest,
                       "more KEY VALUE or KEY=VALUE words: keys set together are validated "
                       "together (give a JSON array as KEY=[...] here)")
            ->type_name("KEY VALUE ...");
        app.add_flag("--secret", args->secret,
                     "encrypt the value (AES-256-GCM, key from $REX_CONFIG_PASSPHRASE, or the "
                     "KMS data key with secretsProvider awskms://); read from stdin");
        app.add_flag("--show-secrets", args->show_secrets,
                     "print secret values in clear (needs $REX_CONFIG_PASSPHRASE, or kms:Decrypt "
                     "with secretsProvider awskms://)");
        return [args](Context& ctx) {
          std::string path = ConfigPath(ctx);
          std::string relative = "stacks/" + ctx.global.stack + ".yaml";
          if (!base::PathExists(path)) {
            return Fail(
                ctx, base::NotFound("no stack config " + relative + "; create it with \"rex init " +
                                    ctx.global.stack + "\""));
          }
          std::vector<std::string>& words = args->words;
          words.clear();
          if (!args->verb.empty()) words.push_back(args->verb);
          if (args->key_option->count() > 0) words.push_back(args->key);
          if (args->value_option->count() > 0) words.push_back(args->value);
          words.insert(words.end(), args->rest.begin(), args->rest.end());
          const std::string verb = words.empty() ? "" : words[0];
          // Secrets are read sealed (shown as [secret], no passphrase needed) unless
          // --show-secrets asks for their values.
          auto load = [&]() -> base::Result<config::Config> {
            if (args->show_secrets) return config::LoadConfigFile(path, SecretsEnvFor(ctx, path));
            REX_ASSIGN_OR_RETURN(std::string text, base::ReadFile(path));
            return config::LoadText(text, path, SecretsEnvFor(ctx, path), /*decrypt=*/false);
          };
          if (verb.empty()) {
            auto config = load();
            if (!config.has_value()) return Fail(ctx, config.error());
            if (ctx.global.json) {
              return PrintJson(ctx, {{"stack", ctx.global.stack},
                                     {"file", relative},
                                     {"config", config::ConfigJson(*config, args->show_secrets)}});
            }
            std::string listing = config::ToString(*config);
            if (args->show_secrets) {
              for (const std::string& key : config::ConfigKeys()) {
                if (!config::IsSecretKey(key)) continue;
                const config::Secret* secret = SecretOf(*config, key);
                if (secret == nullptr || !secret->is_set()) continue;
                std::string shown = key + ": [secret]\n";
                size_t at = listing.find(shown);
                if (at != std::string::npos) {
                  listing.replace(at, shown.size(), key + ": " + secret->Reveal() + "\n");
                }
              }
            }
            ctx.io.out << listing;
            base::WipeString(listing);
            return kExitOk;
          }
          if (verb == "change-secrets-provider") {
            if (words.size() != 2) {
              return Fail(ctx, base::InvalidArgument(
                                   "rex config change-secrets-provider takes one PROVIDER: "
                                   "\"passphrase\" or \"awskms://KEY\" (key id, ARN or "
                                   "alias/NAME, optionally ?region=R)"));
            }
            return ChangeProvider(ctx, path, relative, words[1]);
          }
          if (verb != "get" && verb != "set" && verb != "rm") {
            std::string hint =
                base::ClosestMatch(verb, {"get", "set", "rm", "change-secrets-provider"});
            return Fail(ctx,
                        base::InvalidArgument(
                            "unknown config verb \"" + verb.substr(0, 80) +
                            "\"; use get, set, rm or change-secrets-provider" +
                            (hint.empty() ? std::string() : " (did you mean \"" + hint + "\"?)")));
          }
          if (words.size() < 2) {
            return Fail(ctx, base::InvalidArgument("rex config " + verb + " needs a KEY"));
          }
          const std::string& key = words[1];
          if (verb != "set" && words.size() > 2) {
            return Fail(ctx, base::InvalidArgument("rex config " + verb + " takes one KEY; got " +
                                                   std::to_string(words.size() - 1) + " words"));
          }
          if (verb == "get") {
            if (ctx.global.json) {
              auto config = load();
              if (!config.has_value()) return Fail(ctx, config.error());
              auto value = config::KeyJson(*config, key, args->show_secrets);
              if (!value.has_value()) return Fail(ctx, value.error());
              if (value->is_null() && config::IsSecretKey(key)) {
                return Fail(ctx, base::NotFound(relative + ": " + key + ": is not set"));
              }
              return PrintJson(
                  ctx, {{"stack", ctx.global.stack}, {"key", key}, {"value", std::move(*value)}});
            }
            if (args->show_secrets && config::IsSecretKey(key)) {
              auto config = config::LoadConfigFile(path, SecretsEnvFor(ctx, path));
              if (!config.has_value()) return Fail(ctx, config.error());
              const config::Secret* secret = SecretOf(*config, key);
              if (secret == nullptr || !secret->is_set()) {
                return Fail(ctx, base::NotFound(key + " is not set"));
              }
              ctx.io.out << secret->Reveal() << "\n";
              return kExitOk;
            }
            auto value = config::GetConfigFileValue(path, key);
            if (!value.has_value()) return Fail(ctx, value.error());
            ctx.io.out << *value << "\n";
            return kExitOk;
          }
          if (verb == "rm") {
            base::Status removed = config::RemoveConfigFileValue(path, key);
            if (!removed.ok()) return Fail(ctx, removed);
            ctx.io.err << "removed " << key << " from " << relative << "\n";
            return kExitOk;
          }
          // set
          if (args->secret) {
            if (words.size() > 2) {
              // A secret on the command line ends up in shell history and in ps; never
              // echo it back.
              for (size_t i = 2; i < words.size(); ++i) base::WipeString(words[i]);
              base::WipeString(args->value);
              for (std::string& word : args->rest) base::WipeString(word);
              return Fail(ctx, base::InvalidArgument(
                                   "rex config set " + key +
                                   " --secret takes the value on stdin, not on the command "
                                   "line (shell history, ps); run it without VALUE and type or "
                                   "pipe the value"));
            }
            if (key.find('=') != std::string::npos) {
              return Fail(ctx, base::InvalidArgument(
                                   "rex config set KEY --secret takes one KEY and reads the "
                                   "value from stdin; KEY=VALUE would put it in shell history"));
            }
            auto plaintext = ReadSecret(ctx, key);
            if (!plaintext.has_value()) return Fail(ctx, plaintext.error());
            base::Status set =
                config::SetConfigFileSecret(path, key, *plaintext, SecretsEnvFor(ctx, path));
            base::WipeString(*plaintext);
            if (!set.ok()) return Fail(ctx, set);
            ctx.io.err << "set " << key << " in " << relative << " (encrypted)\n";
            return kExitOk;
          }
          auto pairs = SetPairs({words.begin() + 1, words.end()});
          if (!pairs.has_value()) return Fail(ctx, pairs.error());
          base::Status set = config::SetConfigFileValues(path, *pairs);
          if (!set.ok()) return Fail(ctx, set);
          for (const auto& [name, value] : *pairs) {
            ctx.io.err << "set " << name << " in " << relative << "\n";
          }
          return kExitOk;
        };
      }};
}

}  // namespace rex::cli
