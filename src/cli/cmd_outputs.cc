// `rex outputs [NAME] [--json]`: the outputs of the deployed stack (DescribeStacks).
//
// Without NAME: a table (stdout), or a JSON object {key: value} with --json. With NAME: the
// value alone on one line (for scripts), or {"NAME": value} with --json.
// Exit codes: 0 ok; 1 AWS failure; 2 no such stack or output, bad config.

#include <memory>
#include <string>

#include "base/strings.h"
#include "cli/command.h"
#include "cli/json_output.h"
#include "cli/progress.h"
#include "cli/stack_select.h"
#include "engine/deploy.h"
#include "stack/rex_stack.h"

namespace rex::cli {
namespace {

int RunOutputs(Context& ctx, const std::string& name) {
  auto fail = [&ctx](const base::Status& s) {
    ctx.PrintError(s);
    return ExitCodeFor(s);
  };
  auto selected = SelectStack(ctx);
  if (!selected.ok()) return fail(selected.error());
  auto session = OpenAwsSession(ctx, &selected->config);
  if (!session.ok()) return fail(session.error());
  const std::string stack_name = stack::StackName(selected->config);
  auto stack = engine::FindStack(*(*session)->cfn, stack_name);
  if (!stack.ok()) return fail(stack.error().WithContext("outputs of " + stack_name));
  if (!stack->has_value()) {
    return fail(base::NotFound("stack " + stack_name + " does not exist; run \"rex up\" first"));
  }
  const std::vector<aws::CfnOutput>& outputs = (*stack)->outputs;
  if (name.empty()) {
    PrintOutputs(ctx, outputs);
    return kExitOk;
  }
  std::vector<std::string> keys;
  for (const aws::CfnOutput& o : outputs) {
    if (o.key == name) {
      if (ctx.global.json) {
        ctx.io.out << base::DumpJson(
            base::Json{{"version", kJsonVersion}, {"outputs", base::Json{{o.key, o.value}}}});
      } else {
        ctx.io.out << o.value << "\n";
      }
      return kExitOk;
    }
    keys.push_back(o.key);
  }
  std::string hint = base::ClosestMatch(name, keys);
  return fail(base::NotFound("stack " + stack_name + " has no output \"" + name + "\"" +
                             (hint.empty() ? "" : "; did you mean \"" + hint + "\"?") +
                             (keys.empty() ? "" : " (outputs: " + base::Join(keys, ", ") + ")")));
}

}  // namespace

Command OutputsCommand() {
  return {"outputs", "print the deployed stack's outputs (one value with NAME)",
          [](CLI::App& app) -> std::function<int(Context&)> {
            auto name = std::make_shared<std::string>();
            app.add_option("NAME", *name, "print only this output's value");
            return [name](Context& ctx) { return RunOutputs(ctx, *name); };
          }};
}

}  // namespace rex::cli
