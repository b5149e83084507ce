// `rex completion bash|zsh`: a completion script for the shell, generated from the command
// table (every visible flag of every command and sub-verb; hidden flags stay hidden) and from
// what each word of a command is:
//   --stack, `rex stack rm`        the stacks of stacks/
//   --preset, `rex init`           the presets
//   -o/--output, --template        files
//   `rex config get|set|rm`        the config keys
//   `rex logs|redeploy|images push` the services of the stack, `rex logs|run` its jobs
// The lists that depend on the project come from `rex completion list WHAT` (stacks, presets,
// keys, services, jobs), which reads the selected stack config without the passphrase (the
// shape of secrets only) and prints one name per line, or nothing.

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>
#include <sstream>

#include "base/files.h"
#include "base/strings.h"
#include "cli/command.h"
#include "cli/stack_select.h"
#include "config/config.h"
#include "config/loader.h"
#include "config/presets.h"

namespace rex::cli {
namespace {

constexpr const char* kGlobalFlags =
    "--stack --region --profile --endpoint-url --json --no-color -v --verbose --help";
constexpr const char* kGlobalValueFlags = "--stack|--region|--profile|--endpoint-url";

// What the positional words of a command are, by command and sub-verb.
struct Positional {
  const char* command;
  const char* verb;  // "" for the command itself
  const char* list;  // an argument of `rex completion list`, or words in quotes: "'a b'"
};
constexpr Positional kPositionals[] = {
    {"config", "", "'get set rm change-secrets-provider'"},
    {"config", "change-secrets-provider", "'passphrase awskms://'"},
    {"config", "get", "keys"},
    {"config", "set", "keys"},
    {"config", "rm", "keys"},
    {"init", "", "presets"},
    {"logs", "", "workloads"},
    {"redeploy", "", "services"},
    {"run", "", "jobs"},
    {"images", "push", "services"},
    {"stack", "rm", "stacks"},
    {"completion", "", "'bash zsh'"},
    {"secrets", "rotate", "'supertokensApiKey'"},
};

bool Visible(const CLI::Option* opt) { return !opt->get_group().empty() && opt->nonpositional(); }

std::vector<std::string> FlagNames(const CLI::App& app, bool with_values_only) {
  std::vector<std::string> flags;
  for (const CLI::Option* opt : app.get_options()) {
    if (!Visible(opt)) continue;
    if (with_values_only && opt->get_type_size_max() == 0) continue;
    for (const std::string& name : opt->get_lnames()) flags.push_back("--" + name);
    for (const std::string& name : opt->get_snames()) flags.push_back("-" + name);
  }
  return flags;
}

// The command's CLI11 setup, for its flags and sub-verbs.
struct Shape {
  std::vector<std::string> flags;        // visible flags of the command
  std::vector<std::string> value_flags;  // those that take a value
  std::vector<std::pair<std::string, std::vector<std::string>>> verbs;  // sub-verb -> its flags
};

Shape ShapeOf(const Command& command) {
  CLI::App scratch{command.summary, command.name};
  command.setup(scratch);
  Shape shape;
  shape.flags = FlagNames(scratch, false);
  shape.value_flags = FlagNames(scratch, true);
  for (const CLI::App* sub : scratch.get_subcommands({})) {
    shape.verbs.emplace_back(sub->get_name(), FlagNames(*sub, false));
    for (const std::string& f : FlagNames(*sub, true)) shape.value_flags.push_back(f);
  }
  return shape;
}

// A word list for the shells: "'a b'" as is, else the output of `rex completion list`.
std::string BashWords(const char* list) {
  if (list[0] == '\'') return std::string(list + 1, std::strlen(list) - 2);
  return std::string("$(__rex_list ") + list + ")";
}

std::string BashScript() {
  std::ostringstream out;
  std::vector<std::string> names;
  for (const Command& c : Commands()) names.push_back(c.name);
  std::vector<std::string> value_flags;
  std::ostringstream per_command;
  for (const Command& c : Commands()) {
    Shape shape = ShapeOf(c);
    value_flags.insert(value_flags.end(), shape.value_flags.begin(), shape.value_flags.end());
    std::vector<std::string> verbs;
    for (const auto& [verb, flags] : shape.verbs) verbs.push_back(verb);
    per_command << "    " << c.name << ")\n"
                << "      flags=\"$flags " << base::Join(shape.flags, " ") << "\"\n";
    for (const auto& [verb, flags] : shape.verbs) {
      per_command << "      [[ \"$verb\" == " << verb << " ]] && flags=\"$flags "
                  << base::Join(flags, " ") << "\"\n";
    }
    if (!verbs.empty()) {
      per_command << "      [[ -z \"$verb\" ]] && words_=\"" << base::Join(verbs, " ") << "\"\n";
    }
    for (const Positional& p : kPositionals) {
      if (c.name != p.command) continue;
      if (p.verb[0] == '\0') {
        per_command << "      (( nargs == 0 )) && words_=\"" << BashWords(p.list) << "\"\n";
      } else {
        per_command << "      [[ \"$verb\" == " << p.verb << " ]] && (( nargs == 1 )) && words_=\""
                    << BashWords(p.list) << "\"\n";
      }
    }
    per_command << "      ;;\n";
  }
  std::sort(value_flags.begin(), value_flags.end());
  value_flags.erase(std::unique(value_flags.begin(), value_flags.end()), value_flags.end());
  value_flags.erase(std::remove_if(value_flags.begin(), value_flags.end(),
                                   [](const std::string& f) {
                                     return f == "-o" || f == "--output" || f == "--template" ||
                                            f == "--preset";
                                   }),
                    value_flags.end());

  out << "# bash completion for rex; load with: source <(rex completion bash)\n"
      << "__rex_list() { rex completion list \"$1\" ${__rex_stack:+--stack \"$__rex_stack\"} "
         "2>/dev/null; }\n"
      << "_rex() {\n"
      << "  local cur prev words cword\n"
      << "  _init_completion 2>/dev/null || {\n"
      << "    cur=\"${COMP_WORDS[COMP_CWORD]}\"; prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
      << "    words=(\"${COMP_WORDS[@]}\"); cword=$COMP_CWORD; }\n"
      << "  local __rex_stack=\"\" cmd=\"\" verb=\"\" nargs=0 i skip=0\n"
      << "  for ((i=1; i<cword; i++)); do\n"
      << "    if (( skip )); then skip=0; continue; fi\n"
      << "    case \"${words[i]}\" in\n"
      << "      --stack) __rex_stack=\"${words[i+1]}\"; skip=1;;\n"
      << "      " << kGlobalValueFlags << "|-o|--output|--template|--preset"
      << (value_flags.empty() ? "" : "|" + base::Join(value_flags, "|")) << ") skip=1;;\n"
      << "      -*) ;;\n"
      << "      *) if [[ -z \"$cmd\" ]]; then cmd=\"${words[i]}\";\n"
      << "         elif [[ -z \"$verb\" ]]; then verb=\"${words[i]}\"; nargs=1;\n"
      << "         else nargs=$((nargs+1)); fi;;\n"
      << "    esac\n"
      << "  done\n"
      << "  case \"$prev\" in\n"
      << "    --stack) COMPREPLY=($(compgen -W \"$(__rex_list stacks)\" -- \"$cur\")); return;;\n"
      << "    --preset) COMPREPLY=($(compgen -W \"$(__rex_list presets)\" -- \"$cur\")); "
         "return;;\n"
      << "    -o|--output|--template) COMPREPLY=($(compgen -f -- \"$cur\")); return;;\n"
      << "    " << kGlobalValueFlags
      << (value_flags.empty() ? "" : "|" + base::Join(value_flags, "|")) << ") return;;\n"
      << "  esac\n"
      << "  if [[ -z \"$cmd\" ]]; then\n"
      << "    COMPREPLY=($(compgen -W \"" << base::Join(names, " ") << " " << kGlobalFlags
      << "\" -- \"$cur\")); return\n"
      << "  fi\n"
      << "  # nargs counts the words after the command: the first is the sub-verb or argument.\n"
      << "  local flags=\"" << kGlobalFlags << "\" words_=\"\"\n"
      << "  [[ -n \"$verb\" ]] || nargs=0\n"
      << "  case \"$cmd\" in\n"
      << per_command.str() << "  esac\n"
      << "  if [[ \"$cur\" == -* || -z \"$words_\" ]]; then\n"
      << "    COMPREPLY=($(compgen -W \"$flags\" -- \"$cur\"))\n"
      << "  else\n"
      << "    COMPREPLY=($(compgen -W \"$words_\" -- \"$cur\"))\n"
      << "  fi\n"
      << "}\n"
      << "complete -F _rex rex\n";
  return out.str();
}

// `text` inside single quotes for zsh: ' becomes '\''.
std::string ZshQuote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string ZshWords(const char* list) {
  if (list[0] == '\'') return "(" + std::string(list + 1, std::strlen(list) - 2) + ")";
  return std::string("(${(f)\"$(rex completion list ") + list +
         " ${stack:+--stack $stack} 2>/dev/null)\"})";
}

std::string ZshScript() {
  std::ostringstream out;
  out << "#compdef rex\n"
      << "# zsh completion for rex; load with: source <(rex completion zsh)\n"
      << "_rex() {\n"
      << "  local -a commands global_flags words_\n"
      << "  commands=(\n";
  for (const Command& c : Commands()) {
    // ':' separates the name from its description in _describe.
    out << "    " << ZshQuote(c.name + ":" + c.summary) << "\n";
  }
  out << "  )\n"
      << "  global_flags=(" << kGlobalFlags << ")\n"
      << "  local stack=\"\" i\n"
      << "  for ((i=2; i<CURRENT; i++)); do\n"
      << "    [[ ${words[i]} == --stack ]] && stack=${words[i+1]}\n"
      << "  done\n"
      << "  case ${words[CURRENT-1]} in\n"
      << "    --stack) words_=" << ZshWords("stacks") << "; compadd -a words_; return;;\n"
      << "    --preset) words_=" << ZshWords("presets") << "; compadd -a words_; return;;\n"
      << "    -o|--output|--template) _files; return;;\n"
      << "    " << kGlobalValueFlags << ") return;;\n"
      << "  esac\n"
      << "  if (( CURRENT == 2 )); then\n"
      << "    _describe 'command' commands\n"
      << "    compadd -- $global_flags\n"
      << "    return\n"
      << "  fi\n"
      << "  local cmd=${words[2]} verb=${words[3]}\n"
      << "  if [[ ${words[CURRENT]} == -* ]]; then\n"
      << "    case $cmd in\n";
  for (const Command& c : Commands()) {
    Shape shape = ShapeOf(c);
    std::vector<std::string> all = shape.flags;
    for (const auto& [verb, flags] : shape.verbs) all.insert(all.end(), flags.begin(), flags.end());
    out << "      " << c.name << ") compadd -- $global_flags " << base::Join(all, " ") << ";;\n";
  }
  out << "    esac\n"
      << "    return\n"
      << "  fi\n"
      << "  case \"$cmd:$((CURRENT - 2))\" in\n";
  // One branch per command and position (zsh runs the first matching pattern only).
  std::map<std::string, std::vector<std::string>> branches;
  std::vector<std::string> order;
  auto add = [&](const std::string& key, std::string line) {
    if (branches.find(key) == branches.end()) order.push_back(key);
    branches[key].push_back(std::move(line));
  };
  for (const Command& c : Commands()) {
    Shape shape = ShapeOf(c);
    if (shape.verbs.empty()) continue;
    std::vector<std::string> verbs;
    for (const auto& [verb, flags] : shape.verbs) verbs.push_back(verb);
    add(c.name + ":1", "compadd -- " + base::Join(verbs, " "));
  }
  for (const Positional& p : kPositionals) {
    if (p.verb[0] == '\0') {
      add(std::string(p.command) + ":1", "words_=" + ZshWords(p.list) + "; compadd -a words_");
    } else {
      add(std::string(p.command) + ":2", "[[ $verb == " + std::string(p.verb) + " ]] && { words_=" +
                                             ZshWords(p.list) + "; compadd -a words_; }");
    }
  }
  for (const std::string& key : order) {
    out << "    " << key << ") " << base::Join(branches[key], "; ") << ";;\n";
  }
  out << "    *) _files;;\n"
      << "  esac\n"
      << "}\n"
      << "if [[ \"$funcstack[1]\" == \"_rex\" ]]; then _rex \"$@\"; else compdef _rex rex; fi\n";
  return out.str();
}

// `rex completion list WHAT`: one name per line. Lists that need the stack config read it
// without the passphrase; an unreadable config lists nothing (completion never prints errors).
int List(Context& ctx, const std::string& what) {
  std::vector<std::string> names;
  if (what == "stacks") {
    std::error_code ec;
    for (const auto& entry :
         std::filesystem::directory_iterator(std::filesystem::path(ctx.io.cwd) / "stacks", ec)) {
      std::string file = entry.path().filename().string();
      if (base::EndsWith(file, ".yaml")) {
        std::string name = file.substr(0, file.size() - 5);
        if (ValidateStackName(name).ok()) names.push_back(name);
      }
    }
    std::sort(names.begin(), names.end());
  } else if (what == "presets") {
    for (config::Preset p : config::AllPresets()) names.emplace_back(config::PresetName(p));
  } else if (what == "keys") {
    names = config::ConfigKeys();
  } else if (what == "services" || what == "jobs" || what == "workloads") {
    std::string stack = ctx.global.stack.empty() ? "dev" : ctx.global.stack;
    config::Config config;
    bool found = false;
    if (ValidateStackName(stack).ok()) {
      std::string relative = "stacks/" + stack + ".yaml";
      auto text = base::ReadFile((std::filesystem::path(ctx.io.cwd) / relative).string());
      if (text.ok()) {
        auto loaded = config::LoadText(*text, relative, config::Env{}, /*decrypt=*/false);
        if (loaded.ok()) {
          config = std::move(*loaded);
          found = true;
        }
      } else if (auto preset = config::ParsePreset(stack); preset.ok()) {
        config = config::PresetConfig(*preset);
        found = true;
      }
    }
    if (found && what != "jobs") {
      for (const auto& [name, service] : config.services.entries) names.push_back(name);
    }
    if (found && what != "services") {
      names.push_back("migration");
      names.push_back("bootstrap");
      for (const auto& [name, job] : config.jobs) names.push_back(name);
    }
  } else {
    ctx.PrintError(
        base::InvalidArgument("rex completion list: unknown list \"" + what +
                              "\"; use stacks, presets, keys, services, jobs or workloads"));
    return kExitBadInput;
  }
  for (const std::string& name : names) ctx.io.out << name << "\n";
  return kExitOk;
}

}  // namespace

Command CompletionCommand() {
  return {"completion", "print a shell completion script: rex completion bash|zsh",
          [](CLI::App& app) -> std::function<int(Context&)> {
            auto shell = std::make_shared<std::string>();
            auto what = std::make_shared<std::string>();
            app.add_option("shell", *shell, "bash or zsh")->required()->type_name("SHELL");
            // `rex completion list WHAT`, what the scripts call; not for people.
            app.add_option("what", *what, "")->group("");
            return [shell, what](Context& ctx) {
              if (*shell == "list") return List(ctx, *what);
              if (!what->empty()) {
                ctx.PrintError(
                    base::InvalidArgument("rex completion " + *shell + " takes no other argument"));
                return kExitBadInput;
              }
              if (*shell == "bash") {
                ctx.io.out << BashScript();
              } else if (*shell == "zsh") {
                ctx.io.out << ZshScript();
              } else {
                ctx.PrintError(base::InvalidArgument("no completion for shell \"" + *shell +
                                                     "\"; use bash or zsh"));
                return kExitBadInput;
              }
              return kExitOk;
            };
          }};
}

}  // namespace rex::cli
