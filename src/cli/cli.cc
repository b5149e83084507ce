#include "cli/cli.h"

#include <set>
#include <sstream>

#include "base/strings.h"
#include "cli/command.h"
#include "cli/stack_select.h"

namespace rex::cli {
namespace {

constexpr std::string_view kTagline =
    "rex: the Rex Backend's AWS infrastructure in typed C++, deployed through CloudFormation";

std::string TopLevelHelp(const Style& style) {
  std::ostringstream out;
  out << kTagline << "\n\n"
      << style.Bold("Usage:") << " rex [global flags] <command> [flags]\n\n"
      << style.Bold("Commands:") << "\n";
  Table commands;
  for (const Command& c : Commands()) commands.AddRow({c.name, c.summary});
  commands.AddRow({"help", "this help; \"rex help COMMAND\" shows a command's flags"});
  commands.AddRow({"version", "print rex's version (also: --version)"});
  // Summaries wrap within kOutputWidth: 2 of indent, the longest name (completion) and 2.
  commands.Limit(1, kOutputWidth - 2 - 10 - 2, Fit::kWrap);
  out << commands.Render(style, "  ") << "\n" << style.Bold("Global flags:") << "\n";
  Table flags;
  flags.AddRow({"--stack NAME", "stack config stacks/NAME.yaml (default: $REX_STACK, else dev)"});
  flags.AddRow({"--region REGION", "AWS region (default: flag, $AWS_REGION, profile, config)"});
  flags.AddRow({"--profile NAME", "AWS profile of ~/.aws/config and ~/.aws/credentials"});
  flags.AddRow({"--endpoint-url URL", "send AWS calls to a local emulator (moto, LocalStack)"});
  flags.AddRow({"--json", "print data as JSON (docs/json.md)"});
  flags.AddRow({"--no-color", "no colour (also: NO_COLOR=1); colour is only used on a terminal"});
  flags.AddRow({"-v, --verbose", "more detail (repeatable)"});
  flags.AddRow({"-h, --help", "this help; 'rex <command> --help' for a command's flags"});
  out << flags.Render(style, "  ") << "\n"
      << "Exit codes: 0 ok, 1 the operation failed, 2 bad usage or input.\n";
  return out.str();
}

void AddGlobalFlags(CLI::App& app, GlobalOptions& g) {
  app.add_option("--stack", g.stack, "stack config stacks/NAME.yaml")->type_name("NAME");
  app.add_option("--region", g.region, "AWS region")->type_name("REGION");
  app.add_option("--profile", g.profile, "AWS profile")->type_name("NAME");
  app.add_option("--endpoint-url", g.endpoint_url, "AWS endpoint for a local emulator")
      ->type_name("URL");
  app.add_flag("--json", g.json, "print data as JSON");
  app.add_flag("--no-color", g.no_color, "no colour");
  app.add_flag("-v,--verbose", g.verbose, "more detail (repeatable)");
}

// The index of the first argument that is not a global flag or a global flag's value; argc if
// there is none.
int FirstPositionalIndex(int argc, const char* const* argv) {
  static const std::vector<std::string> kWithValue = {"--stack", "--region", "--profile",
                                                      "--endpoint-url"};
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.empty() || arg[0] != '-') return i;
    if (std::find(kWithValue.begin(), kWithValue.end(), arg) != kWithValue.end()) ++i;
  }
  return argc;
}

// The first argument that is not a global flag or a global flag's value.
std::string FirstPositional(int argc, const char* const* argv) {
  int i = FirstPositionalIndex(argc, argv);
  return i < argc ? argv[i] : "";
}

// `rex help [COMMAND]` and `rex version` as the flags they stand for: "rex --help",
// "rex COMMAND --help", "rex --version". The arguments are returned unchanged otherwise.
std::vector<std::string> ExpandAliases(int argc, const char* const* argv) {
  std::vector<std::string> args(argv, argv + argc);
  int i = FirstPositionalIndex(argc, argv);
  if (i >= argc) return args;
  if (args[static_cast<size_t>(i)] == "version") {
    args[static_cast<size_t>(i)] = "--version";
  } else if (args[static_cast<size_t>(i)] == "help") {
    args.erase(args.begin() + i);
    args.push_back("--help");
  }
  return args;
}

}  // namespace

void Context::PrintError(const base::Status& status) const {
  const std::string& message = status.message();
  if (base::StartsWith(message, "error: ")) {
    io.err << message << "\n";  // already one line per problem (synthesis, config)
  } else {
    io.err << err.BoldRed("error:") << " " << message << "\n";
  }
}

void Context::PrintWarning(std::string_view message) const {
  io.err << err.Yellow("warning:") << " " << message << "\n";
}

void Context::PrintNote(std::string_view message) const {
  io.err << err.Dim("note: ") << err.Dim(message) << "\n";
}

int ExitCodeFor(const base::Status& status) {
  switch (status.code()) {
    case base::Code::kOk:
      return kExitOk;
    case base::Code::kInvalidArgument:
    case base::Code::kNotFound:
    case base::Code::kAlreadyExists:
      return kExitBadInput;
    default:
      return kExitFailed;
  }
}

const std::vector<Command>& Commands() {
  static const std::vector<Command> commands = {
      InitCommand(),    StackCommand(),    ConfigCommand(),     SynthCommand(),
      PreviewCommand(), UpCommand(),       OutputsCommand(),    DestroyCommand(),
      HistoryCommand(), RollbackCommand(), UnlockCommand(),     CostCommand(),
      CheckCommand(),   GraphCommand(),    BootstrapCommand(),  MigrateCommand(),
      DbCommand(),      LogsCommand(),     RedeployCommand(),   StatusCommand(),
      ImagesCommand(),  CiCommand(),       CompletionCommand(), RunCommand(),
      SecretsCommand()};
  return commands;
}

int Run(int argc_given, const char* const* argv_given, Io& io) {
  std::vector<std::string> expanded = ExpandAliases(argc_given, argv_given);
  std::vector<const char*> pointers;
  for (const std::string& a : expanded) pointers.push_back(a.c_str());
  int argc = static_cast<int>(pointers.size());
  const char* const* argv = pointers.data();
  GlobalOptions global;
  CLI::App app{std::string(kTagline), "rex"};
  app.set_help_flag();  // top-level help is ours, below
  bool want_help = false;
  app.add_flag("-h,--help", want_help, "print help");
  app.set_version_flag("--version", "rex 0.1.0");
  AddGlobalFlags(app, global);
  app.fallthrough();

  std::function<int(Context&)> handler;
  std::string chosen;
  for (const Command& command : Commands()) {
    CLI::App* sub = app.add_subcommand(command.name, command.summary);
    sub->set_help_flag("-h,--help", "print this command's flags");
    sub->fallthrough();
    auto run = command.setup(*sub);
    sub->callback([&handler, &chosen, run, name = command.name] {
      handler = run;
      chosen = name;
    });
  }

  bool err_color = ColorEnabled(io, io.err_is_tty, false);
  auto fail_usage = [&](const std::string& message, const std::string& help_target) {
    Style style(err_color);
    io.err << style.BoldRed("error:") << " " << message << "\n"
           << "run 'rex " << (help_target.empty() ? "" : help_target + " ")
           << "--help' for usage\n";
    return kExitBadInput;
  };
  std::vector<std::string> names;
  for (const Command& c : Commands()) names.push_back(c.name);
  // `rex help NAME` for a NAME that is no command.
  if (int i = FirstPositionalIndex(argc_given, argv_given);
      i + 1 < argc_given && std::string_view(argv_given[i]) == "help" &&
      argv_given[i + 1][0] != '-' &&
      std::find(names.begin(), names.end(), argv_given[i + 1]) == names.end()) {
    std::string hint = base::ClosestMatch(argv_given[i + 1], names);
    return fail_usage(std::string("unknown command \"") + argv_given[i + 1] + "\"" +
                          (hint.empty() ? "" : "; did you mean \"" + hint + "\"?"),
                      "");
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    CLI::App* sub = nullptr;
    for (CLI::App* s : app.get_subcommands()) sub = s;
    if (sub != nullptr) {
      io.out << app.help();  // with a subcommand selected, CLI11 prints its help as "rex <name>"
    } else {
      io.out << TopLevelHelp(Style(ColorEnabled(io, io.out_is_tty, global.no_color)));
    }
    return kExitOk;
  } catch (const CLI::CallForVersion& e) {
    io.out << e.what() << "\n";
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    std::string first = FirstPositional(argc, argv);
    if (app.get_subcommands().empty() && !first.empty() &&
        std::find(names.begin(), names.end(), first) == names.end()) {
      std::string hint = base::ClosestMatch(first, names);
      return fail_usage("unknown command \"" + first + "\"" +
                            (hint.empty() ? "" : "; did you mean \"" + hint + "\"?"),
                        "");
    }
    std::string target = app.get_subcommands().empty() ? "" : app.get_subcommands()[0]->get_name();
    std::string message = e.what();
    if (!message.empty() && std::isupper(static_cast<unsigned char>(message[0]))) {
      message[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[0])));
    }
    return fail_usage(message, target);
  }

  if (want_help || !handler) {
    if (!handler && !want_help) {
      io.err << TopLevelHelp(Style(err_color));
      return kExitBadInput;
    }
    io.out << TopLevelHelp(Style(ColorEnabled(io, io.out_is_tty, global.no_color)));
    return kExitOk;
  }
  global.stack_given = !global.stack.empty();
  bool from_env = false;
  if (global.stack.empty()) {
    auto env_stack = io.getenv ? io.getenv("REX_STACK") : std::nullopt;
    from_env = env_stack.has_value() && !env_stack->empty();
    global.stack_given = from_env;
    global.stack = from_env ? *env_stack : "dev";
  }
  // One stack-name rule for every command (stack_select.h): "--stack ../x" never names a path.
  if (base::Status name = ValidateStackName(global.stack); !name.ok()) {
    return fail_usage(name.message() + (from_env ? " (from $REX_STACK)" : ""), "");
  }
  // Commands whose output is a format of its own (a template, DOT/SVG, a shell script) or a
  // message have no --json document (cli/json_output.h): refused, never text under --json.
  static const std::set<std::string> kWithoutJson = {"init",   "synth",  "graph",
                                                     "unlock", "images", "completion"};
  if (global.json && kWithoutJson.count(chosen) > 0) {
    return fail_usage(
        "rex " + chosen + " has no --json output (docs/json.md lists the commands that have one)",
        chosen);
  }
  Context ctx{io, global, Style(ColorEnabled(io, io.out_is_tty, global.no_color)),
              Style(ColorEnabled(io, io.err_is_tty, global.no_color))};
  return handler(ctx);
}

}  // namespace rex::cli
