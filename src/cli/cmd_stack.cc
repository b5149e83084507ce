// `rex stack ls` and `rex stack rm NAME`: the stack configs of this project.
//
//   rex stack ls          one row per stacks/*.yaml: the stack's name, the CloudFormation stack
//                         it deploys (<projectName>-<environment>), its region and the preset
//                         `rex init` wrote it from ("-" when the header does not say); "*"
//                         marks the selected stack (--stack, $REX_STACK, else dev). Offline; no
//                         passphrase needed. --json: {"version": 1, "stacks": [{"name", "file",
//                         "stackName", "region", "preset", "selected"}]}.
//   rex stack rm NAME [--yes] [--force]
//                         removes stacks/NAME.yaml, as Pulumi's `stack rm` removes a stack:
//                         - when CloudFormation still holds the stack's resources (DescribeStacks
//                           finds <projectName>-<environment>), it refuses (exit 1) and says
//                           "rex --stack NAME destroy" first; --force removes the config anyway
//                           (the AWS stack stays, untouched);
//                         - when AWS cannot be asked (no credentials, no network), it warns that
//                           it could not check and goes on;
//                         - it asks for NAME to be typed (on a terminal; without one --yes is
//                           needed, else exit 2).
//                         rex never deletes cloud resources here, and leaves .rex/NAME/ (local
//                         history and caches) in place.
// Exit codes: 0 listed or removed; 1 refused (resources exist) or declined; 2 bad name, no
// such stack config, --yes missing.

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/files.h"
#include "base/json.h"
#include "base/strings.h"
#include "cli/command.h"
#include "cli/json_output.h"
#include "cli/progress.h"
#include "cli/stack_select.h"
#include "config/config.h"
#include "config/loader.h"
#include "engine/deploy.h"
#include "stack/rex_stack.h"

namespace rex::cli {
namespace {

namespace fs = std::filesystem;

struct StackRow {
  std::string name;
  std::string file;
  std::string stack_name;
  std::string region;
  std::string preset;
};

// The preset named in the header `rex init` writes ("# rex stack config...: dev preset ..."),
// or "" when the file does not start with one.
std::string PresetOfHeader(const std::string& text) {
  std::string first = text.substr(0, text.find('\n'));
  if (!base::StartsWith(first, "# rex stack config")) return "";
  size_t end = first.find(" preset");
  if (end == std::string::npos) return "";
  size_t start = first.rfind(' ', end - 1);
  if (start == std::string::npos) return "";
  return first.substr(start + 1, end - start - 1);
}

int RunStackLs(Context& ctx) {
  fs::path dir = fs::path(ctx.io.cwd) / "stacks";
  std::vector<std::string> names;
  std::error_code ec;
  if (fs::is_directory(dir, ec)) {
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.path().extension() != ".yaml") continue;
      std::string name = entry.path().stem().string();
      if (ValidateStackName(name).ok()) names.push_back(name);
    }
  }
  std::sort(names.begin(), names.end());
  std::vector<StackRow> rows;
  for (const std::string& name : names) {
    StackRow row;
    row.name = name;
    row.file = "stacks/" + name + ".yaml";
    std::string path = (dir / (name + ".yaml")).string();
    auto text = base::ReadFile(path);
    if (text.ok()) row.preset = PresetOfHeader(*text);
    auto project = config::GetConfigFileValue(path, "projectName");
    auto environment = config::GetConfigFileValue(path, "environment");
    auto region = config::GetConfigFileValue(path, "region");
    if (project.ok() && environment.ok()) row.stack_name = *project + "-" + *environment;
    if (region.ok()) row.region = *region;
    if (!project.ok() || !environment.ok() || !region.ok()) {
      const base::Status& bad = !project.ok()
                                    ? project.error()
                                    : (!environment.ok() ? environment.error() : region.error());
      ctx.PrintWarning(row.file + ": " + bad.message());
    }
    rows.push_back(std::move(row));
  }
  if (ctx.global.json) {
    base::Json stacks = base::Json::array();
    for (const StackRow& r : rows) {
      stacks.push_back({{"name", r.name},
                        {"file", r.file},
                        {"stackName", r.stack_name},
                        {"region", r.region},
                        {"preset", r.preset},
                        {"selected", r.name == ctx.global.stack}});
    }
    ctx.io.out << base::DumpJson(base::Json{{"version", kJsonVersion}, {"stacks", stacks}});
    return kExitOk;
  }
  if (rows.empty()) {
    ctx.io.err << "no stack configs in stacks/; create one with \"rex init NAME\"\n";
    return kExitOk;
  }
  Table table({"", "STACK", "CLOUDFORMATION STACK", "REGION", "PRESET", "FILE"});
  for (const StackRow& r : rows) {
    table.AddRow({r.name == ctx.global.stack ? "*" : "", r.name,
                  r.stack_name.empty() ? "?" : r.stack_name, r.region.empty() ? "?" : r.region,
                  r.preset.empty() ? "-" : r.preset, r.file});
  }
  ctx.io.out << table.Render(ctx.out);
  return kExitOk;
}

struct RmFlags {
  std::string name;
  bool yes = false;
  bool force = false;
};

int RunStackRm(Context& ctx, const RmFlags& flags) {
  auto fail = [&ctx](const base::Status& s) {
    ctx.PrintError(s);
    return ExitCodeFor(s);
  };
  base::Status valid = ValidateStackName(flags.name);
  if (!valid.ok()) return fail(valid);
  std::string relative = "stacks/" + flags.name + ".yaml";
  fs::path path = fs::path(ctx.io.cwd) / relative;
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(path, ec))) {
    return fail(base::NotFound("no stack config " + relative + " (\"rex stack ls\" lists them)"));
  }
  base::Status needs_yes = RequireYesWithoutTerminal(ctx, flags.yes, "rex stack rm");
  if (!needs_yes.ok()) return fail(needs_yes);

  // Does CloudFormation still hold the stack's resources?
  GlobalOptions global = ctx.global;
  global.stack = flags.name;
  global.stack_given = true;
  Context named{ctx.io, global, ctx.out, ctx.err};
  std::string stack_name;
  auto selected = SelectStack(named, StackUse::kChangesAws);
  std::string unchecked;
  if (!selected.ok()) {
    unchecked = selected.error().message();
  } else {
    stack_name = stack::StackName(selected->config);
    auto session = OpenAwsSession(named, &selected->config);
    if (!session.ok()) {
      unchecked = session.error().message();
    } else {
      auto found = engine::FindStack(*(*session)->cfn, stack_name);
      if (!found.ok()) {
        unchecked = found.error().message();
      } else if (found->has_value()) {
        std::string where =
            stack_name + " (" + (**found).stack_status + ") in " + (*session)->region;
        if (!flags.force) {
          return fail(base::FailedPrecondition(
              "CloudFormation still holds stack " + where + "; delete it with \"rex --stack " +
              flags.name +
              " destroy\" first, or remove only the config with --force (the AWS "
              "stack stays)"));
        }
        ctx.PrintWarning("--force: removing " + relative + " while CloudFormation still holds " +
                         where + "; rex no longer knows how to change or delete it");
      }
    }
  }
  if (!unchecked.empty()) {
    ctx.PrintWarning("could not check whether CloudFormation holds this stack (" + unchecked +
                     "); if it does, its resources stay in AWS");
  }
  if (!flags.yes) {
    auto answer = Ask(
        ctx, "This removes " + relative + " (AWS is not touched). Type the stack name to go on: ");
    if (!answer || *answer != flags.name) {
      ctx.io.err << "not removed: the name did not match\n";
      return kExitFailed;
    }
  }
  if (base::Status removed = config::RemoveConfigFile(path); !removed.ok()) {
    return fail(removed);
  }
  ctx.io.err << ctx.err.Green("removed") << " " << relative
             << (fs::exists(fs::path(ctx.io.cwd) / ".rex" / flags.name, ec)
                     ? " (.rex/" + flags.name + "/, its local history and caches, stays)"
                     : "")
             << "\n";
  return kExitOk;
}

}  // namespace

Command StackCommand() {
  return {"stack", "list the stack configs (stack ls) or remove one (stack rm NAME)",
          [](CLI::App& app) -> std::function<int(Context&)> {
            app.require_subcommand(1);
            auto chosen = std::make_shared<std::string>();
            CLI::App* ls = app.add_subcommand("ls",
                                              "list stacks/*.yaml: name, CloudFormation "
                                              "stack, region, preset");
            ls->fallthrough();
            ls->callback([chosen] { *chosen = "ls"; });
            auto rm_flags = std::make_shared<RmFlags>();
            CLI::App* rm = app.add_subcommand(
                "rm", "remove stacks/NAME.yaml (refused while CloudFormation holds the stack)");
            rm->fallthrough();
            rm->add_option("NAME", rm_flags->name, "the stack to remove")->required();
            rm->add_flag("-y,--yes", rm_flags->yes,
                         "remove without asking (required when stdin is not a terminal)");
            rm->add_flag("--force", rm_flags->force,
                         "remove the config even though the CloudFormation stack exists (it "
                         "stays in AWS)");
            rm->callback([chosen] { *chosen = "rm"; });
            return [chosen, rm_flags](Context& ctx) {
              if (*chosen == "rm") return RunStackRm(ctx, *rm_flags);
              return RunStackLs(ctx);
            };
          }};
}

}  // namespace rex::cli
