// `rex destroy [--yes]`: delete the selected stack.
//
// Lists the resources that hold data first (schema `stateful`, with what their DeletionPolicy
// keeps), then asks for the stack name to be typed (on a terminal; without one --yes is
// required, else exit 2), empties the ECR repositories, deletes the stack and follows it to
// DELETE_COMPLETE. Holds the local lock and the deploy lease in the bootstrap bucket while it
// deletes (cli/team.h; another holder's lease is exit 1 naming it). Records history (in the
// bucket when there is one, engine/deploy_run.h RecordHistory) and removes
// .rex/<stack>/deployed.template.json.
// Exit codes: 0 deleted or nothing to delete; 1 the deletion failed or was cancelled;
// 2 bad config or flags.
//
// `rex destroy --preview` changes nothing: it prints the plan of the deletion (every resource
// of the template CloudFormation holds as "- delete", those that lose data flagged; --json:
// the plan document of template/plan.h PlanToJson with "stack" and "stackName"), takes no lock
// or lease and needs no --yes. Exit 0, or 1 when AWS cannot be read.

#include <filesystem>
#include <memory>
#include <string>

#include "base/strings.h"
#include "cfn/registry.gen.h"
#include "cli/command.h"
#include "cli/json_output.h"
#include "cli/plan_render.h"
#include "cli/progress.h"
#include "cli/stack_select.h"
#include "cli/team.h"
#include "engine/bootstrap.h"
#include "engine/destroy.h"
#include "engine/history.h"
#include "engine/lock.h"
#include "engine/state.h"
#include "stack/rex_stack.h"
#include "template/plan.h"

namespace rex::cli {
namespace {

// `rex destroy --preview`: the deletion as a plan against the deployed template.
int PreviewDestroy(Context& ctx, const SelectedStack& selected) {
  auto fail = [&ctx](const base::Status& s) {
    ctx.PrintError(s);
    PrintCredentialsHint(ctx, s);
    return ExitCodeFor(s);
  };
  const std::string stack_name = stack::StackName(selected.config);
  auto session = OpenAwsSession(ctx, &selected.config);
  if (!session.ok()) return fail(session.error());
  AwsSession& aws = **session;
  auto stack = engine::FindStack(*aws.cfn, stack_name);
  if (!stack.ok()) return fail(stack.error().WithContext("destroy --preview " + stack_name));
  base::Json deployed = base::Json::object();
  if (stack->has_value()) {
    auto read = engine::DeployedTemplate(*aws.cfn, stack_name);
    if (!read.ok()) return fail(read.error().WithContext("destroy --preview " + stack_name));
    deployed = std::move(*read);
  }
  base::Json nothing = {{"Resources", base::Json::object()}};
  tmpl::Plan plan = tmpl::ComputePlan(stack->has_value() ? deployed : base::Json(), nothing,
                                      cfn::FindResourceSchema);
  if (ctx.global.json) {
    base::Json json = tmpl::PlanToJson(plan);
    json["version"] = kJsonVersion;
    json["stack"] = selected.name;
    json["stackName"] = stack_name;
    json["exists"] = stack->has_value();
    ctx.io.out << base::DumpJson(json);
    return kExitOk;
  }
  if (!stack->has_value()) {
    ctx.io.out << "stack " << stack_name << " does not exist in " << aws.region
               << "; rex destroy would delete nothing\n";
    return kExitOk;
  }
  ctx.io.out << ctx.out.Bold("rex destroy would delete " + stack_name + " (" + aws.region +
                             "); nothing was changed")
             << "\n\n"
             << RenderPlan(plan, ctx.out, {.verbose = ctx.global.verbose > 0});
  return kExitOk;
}

int RunDestroy(Context& ctx, bool yes, bool preview) {
  auto fail = [&ctx](const base::Status& s) {
    ctx.PrintError(s);
    return ExitCodeFor(s);
  };
  if (preview) {
    auto selected = SelectStack(ctx, StackUse::kChangesAws);
    if (!selected.ok()) return fail(selected.error());
    return PreviewDestroy(ctx, *selected);
  }
  base::Status needs_yes = RequireYesWithoutTerminal(ctx, yes, "rex destroy");
  if (!needs_yes.ok()) return fail(needs_yes);
  auto selected = SelectStack(ctx, StackUse::kChangesAws);
  if (!selected.ok()) return fail(selected.error());
  const std::string stack_name = stack::StackName(selected->config);
  auto lock = engine::StackLock::Acquire(ctx.io.cwd, selected->name);
  if (!lock.ok()) return fail(lock.error());
  auto session = OpenAwsSession(ctx, &selected->config);
  if (!session.ok()) return fail(session.error());
  AwsSession& aws = **session;

  auto stack = engine::FindStack(*aws.cfn, stack_name);
  if (!stack.ok()) return fail(stack.error().WithContext("destroy " + stack_name));
  if (!stack->has_value()) {
    ctx.io.err << "stack " << stack_name << " does not exist; nothing to destroy\n";
    return kExitOk;
  }
  base::Json tmpl = base::Json::object();
  auto deployed = engine::DeployedTemplate(*aws.cfn, stack_name);
  if (deployed.ok()) {
    tmpl = std::move(*deployed);
  } else {
    ctx.PrintWarning("could not read the template of " + stack_name + ": " +
                     deployed.error().message());
  }
  auto stateful = engine::StatefulResources(tmpl, cfn::FindResourceSchema);
  if (!stateful.empty()) {
    ctx.io.err << ctx.err.Bold("Resources holding data in " + stack_name + ":") << "\n";
    for (const engine::StatefulResource& r : stateful) {
      ctx.io.err << "  " << (r.data_lost() ? ctx.err.Red("DELETED ") : ctx.err.Green("KEPT    "))
                 << r.logical_id << " (" << r.type << ")"
                 << (r.deletion_policy.empty() ? "" : "  DeletionPolicy " + r.deletion_policy)
                 << "\n";
    }
  }
  if (!yes) {
    auto answer = Ask(ctx, "This deletes stack " + stack_name +
                               " and its resources. Type the stack name to go on: ");
    if (!answer || *answer != stack_name) {
      ctx.io.err << "not destroyed: the name did not match\n";
      return kExitFailed;
    }
  }

  CancelOnInterrupt interrupt;
  // The deploy lease in the bootstrap bucket (cli/team.h), held until the command returns.
  auto bucket = engine::FindBootstrapBucket(*aws.cfn);
  if (!bucket.ok()) return fail(bucket.error().WithContext("destroy " + stack_name));
  const std::string bucket_name = bucket->value_or("");
  ProgressPrinter progress(ctx.io, ctx.err, *aws.clock, ctx.io.err_is_tty);
  auto lease =
      engine::TakeDeployLease(aws.s3.get(), *aws.clock, bucket_name, stack_name, "rex destroy",
                              LeaseOptionsFromEnvironment(ctx, /*wait=*/false, interrupt.flag()),
                              RenewClientFactory(aws), progress);
  if (!lease.ok()) return fail(lease.error());
  engine::DeployClients clients = aws.Clients();
  engine::HistoryRecord record;
  record.stack_name = stack_name;
  record.operation = "destroy";
  record.start_time = aws.clock->Now();
  auto outcome = engine::Destroy(clients, aws.ecr.get(),
                                 engine::DestroyRequest{.stack_name = stack_name,
                                                        .deployed_template = tmpl,
                                                        .cancel = interrupt.flag(),
                                                        .poll = PollOptionsFromEnvironment(ctx)},
                                 progress);
  record.end_time = aws.clock->Now();
  auto write_history = [&] {
    engine::RecordHistory(ctx.io.cwd, aws.s3.get(), bucket_name, selected->name, record, progress);
  };
  if (!outcome.ok()) {
    record.result = "error";
    record.failure_reason = outcome.error().message();
    write_history();
    return fail(outcome.error());
  }
  if (auto* done = std::get_if<engine::Destroyed>(&*outcome)) {
    record.result = "destroyed";
    record.final_status = "DELETE_COMPLETE";
    write_history();
    std::error_code ec;
    std::filesystem::remove(engine::StateStore(ctx.io.cwd).DeployedTemplatePath(selected->name),
                            ec);
    ctx.io.err << ctx.err.Green("✓") << " " << stack_name << " deleted in "
               << FormatDuration(done->duration) << "\n";
    if (!done->retained.empty()) {
      ctx.io.err << "kept by their DeletionPolicy: " << base::Join(done->retained, ", ") << "\n";
    }
    return kExitOk;
  }
  if (std::holds_alternative<engine::NothingToDestroy>(*outcome)) {
    ctx.io.err << "stack " << stack_name << " does not exist; nothing to destroy\n";
    return kExitOk;
  }
  if (auto* failed = std::get_if<engine::Failed>(&*outcome)) {
    record.result = "failed";
    record.final_status = failed->final_status;
    record.failure_reason = failed->first_failure_reason;
    record.failed_resource = failed->failed_resource;
    write_history();
    ctx.io.err << ctx.err.BoldRed("error:") << " deleting " << stack_name << " failed: "
               << (failed->failed_resource.empty() ? "" : failed->failed_resource + ": ")
               << failed->first_failure_reason << "\n  the stack is " << failed->final_status
               << "; fix the resource and run \"rex destroy\" again\n";
    return kExitFailed;
  }
  const auto& cancelled = std::get<engine::Cancelled>(*outcome);
  record.result = "cancelled";
  record.final_status = cancelled.stack_status;
  write_history();
  ctx.io.err << "stopped following; CloudFormation carries on deleting " << stack_name << ". Run \""
             << cancelled.resume << "\" to look\n";
  return kExitFailed;
}

}  // namespace

Command DestroyCommand() {
  return {"destroy", "delete the stack and its resources (asks for the stack name)",
          [](CLI::App& app) -> std::function<int(Context&)> {
            auto yes = std::make_shared<bool>(false);
            auto preview = std::make_shared<bool>(false);
            app.add_flag("-y,--yes", *yes,
                         "delete without asking (required when stdin is not a terminal)");
            app.add_flag("--preview", *preview,
                         "show what destroy would delete (the plan against the deployed "
                         "template) and change nothing");
            return [yes, preview](Context& ctx) { return RunDestroy(ctx, *yes, *preview); };
          }};
}

}  // namespace rex::cli
