#include <sstream>

#include "base/strings.h"
#include "cli/command.h"

namespace rex::cli {
namespace {

constexpr const char* kGlobalFlags =
    "--stack --region --profile --endpoint-url --json --no-color -v --verbose --help";

// Every long and short flag of a command, from its CLI11 setup.
std::string FlagsOf(const Command& command) {
  CLI::App scratch{command.summary, command.name};
  command.setup(scratch);
  std::vector<std::string> flags;
  for (const CLI::Option* opt : scratch.get_options()) {
    for (const std::string& name : opt->get_lnames()) flags.push_back("--" + name);
    for (const std::string& name : opt->get_snames()) flags.push_back("-" + name);
  }
  // Sub-verbs (rex images push, rex db bootstrap) and their flags.
  for (const CLI::App* sub : scratch.get_subcommands({})) {
    flags.push_back(sub->get_name());
    for (const CLI::Option* opt : sub->get_options()) {
      for (const std::string& name : opt->get_lnames()) flags.push_back("--" + name);
      for (const std::string& name : opt->get_snames()) flags.push_back("-" + name);
    }
  }
  return base::Join(flags, " ");
}

std::string BashScript() {
  std::ostringstream out;
  std::vector<std::string> names;
  for (const Command& c : Commands()) names.push_back(c.name);
  out << "# bash completion for rex; load with: source <(rex completion bash)\n"
      << "_rex() {\n"
      << "  local cur prev words cword\n"
      << "  _init_completion 2>/dev/null || {\n"
      << "    cur=\"${COMP_WORDS[COMP_CWORD]}\"; prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
      << "    words=(\"${COMP_WORDS[@]}\"); cword=$COMP_CWORD; }\n"
      << "  case \"$prev\" in\n"
      << "    --stack) COMPREPLY=($(compgen -W \"$(ls stacks 2>/dev/null | sed -n "
         "'s/\\.yaml$//p')\" -- \"$cur\")); return;;\n"
      << "    -o|--output) COMPREPLY=($(compgen -f -- \"$cur\")); return;;\n"
      << "    --region|--profile|--endpoint-url) return;;\n"
      << "  esac\n"
      << "  local cmd=\"\" i\n"
      << "  for ((i=1; i<cword; i++)); do\n"
      << "    case \"${words[i]}\" in -*) ;; *) cmd=\"${words[i]}\"; break;; esac\n"
      << "  done\n"
      << "  local flags=\"" << kGlobalFlags << "\"\n"
      << "  case \"$cmd\" in\n";
  for (const Command& c : Commands()) {
    out << "    " << c.name << ") flags=\"$flags " << FlagsOf(c) << "\";;\n";
  }
  out << "    \"\") COMPREPLY=($(compgen -W \"" << base::Join(names, " ")
      << " $flags\" -- \"$cur\")); return;;\n"
      << "  esac\n"
      << "  COMPREPLY=($(compgen -W \"$flags\" -- \"$cur\"))\n"
      << "}\n"
      << "complete -F _rex rex\n";
  return out.str();
}

std::string ZshScript() {
  std::ostringstream out;
  out << "#compdef rex\n"
      << "# zsh completion for rex; load with: source <(rex completion zsh)\n"
      << "_rex() {\n"
      << "  local -a commands\n"
      << "  commands=(\n";
  for (const Command& c : Commands()) {
    std::string summary = c.summary;
    for (char& ch : summary) {
      if (ch == '\'') ch = ' ';
    }
    out << "    '" << c.name << ":" << summary << "'\n";
  }
  out << "  )\n"
      << "  local -a global_flags\n"
      << "  global_flags=(" << kGlobalFlags << ")\n"
      << "  if (( CURRENT == 2 )); then\n"
      << "    _describe 'command' commands\n"
      << "    compadd -- $global_flags\n"
      << "    return\n"
      << "  fi\n"
      << "  case \"${words[2]}\" in\n";
  for (const Command& c : Commands()) {
    out << "    " << c.name << ") compadd -- $global_flags " << FlagsOf(c) << ";;\n";
  }
  out << "  esac\n"
      << "  _files\n"
      << "}\n"
      << "if [[ \"$funcstack[1]\" == \"_rex\" ]]; then _rex \"$@\"; else compdef _rex rex; fi\n";
  return out.str();
}

}  // namespace

Command CompletionCommand() {
  return {"completion", "print a shell completion script: rex completion bash|zsh",
          [](CLI::App& app) -> std::function<int(Context&)> {
            auto shell = std::make_shared<std::string>();
            app.add_option("shell", *shell, "bash or zsh")->required()->type_name("SHELL");
            return [shell](Context& ctx) {
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
