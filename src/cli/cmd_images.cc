// `rex images push SERVICE TAG [--local-image NAME] [--dry-run]` (SERVICE: a service of the
// deployed stack with an ECR repository of its own: api, worker, notifier, ...): pushes a
// locally built image to that repository (ops/images.h). With a working Docker (`docker info`
// succeeds; the program is $REX_DOCKER, default `docker` on PATH) rex runs, and shows:
//   docker login --username AWS --password-stdin <registry>   (the ECR password on stdin)
//   docker tag <local image> <repository>:<TAG>
//   docker push <repository>:<TAG>
// and then checks with ECR DescribeImages that the tag is there. Without Docker, or with
// --dry-run, it prints those commands to run by hand, the login as
//   aws ecr get-login-password --region R | docker login --username AWS --password-stdin REG
// The local image defaults to "<projectName>-<SERVICE>:<TAG>" (the original README's
// `docker build -t rex-backend-api:...` names). The ECR password never appears in any output.
//
// Exit codes: 0 pushed and verified (or commands printed); 1 a docker step or AWS call
// failed; 2 bad usage (a service the stack does not have or without a repository: the message
// lists those it has; a bad tag), bad config, no such stack.

#include <memory>
#include <string>

#include "cli/command.h"
#include "cli/progress.h"
#include "cli/stack_select.h"
#include "ops/images.h"
#include "ops/process.h"
#include "ops/stack_info.h"
#include "stack/rex_stack.h"

namespace rex::cli {
namespace {

struct PushFlags {
  std::string service;
  std::string tag;
  std::string local_image;
  bool dry_run = false;
};

class PrintingPushObserver : public ops::PushObserver {
 public:
  explicit PrintingPushObserver(Context& ctx) : ctx_(ctx) {}
  void OnStep(std::string_view step) override {
    ctx_.io.err << ctx_.err.Bold("==> ") << step << "\n";
  }
  void OnOutput(std::string_view chunk) override {
    ctx_.io.err << chunk;
    ctx_.io.err.flush();
  }

 private:
  Context& ctx_;
};

void PrintCommands(Context& ctx, const ops::PushTarget& target, const std::string& region) {
  for (const std::string& line : ops::ManualPushCommands(target, region)) {
    ctx.io.out << line << "\n";
  }
}

int RunPush(Context& ctx, const PushFlags& flags) {
  auto fail = [&ctx](const base::Status& s) {
    ctx.PrintError(s);
    PrintCredentialsHint(ctx, s);
    return ExitCodeFor(s);
  };
  auto selected = SelectStack(ctx);
  if (!selected.ok()) return fail(selected.error());
  const config::Config& config = selected->config;
  // A bad TAG is refused before any AWS call; SERVICE needs the deployed stack.
  if (auto valid = ops::ValidateImageTag(flags.tag); !valid.ok()) return fail(valid);
  auto session = OpenAwsSession(ctx, &config);
  if (!session.ok()) return fail(session.error());
  AwsSession& s = **session;
  const std::string stack_name = stack::StackName(config);
  auto info = ops::ReadStackInfo(*s.cfn, stack_name, s.region);
  if (!info.ok()) return fail(info.error());
  auto target = ops::ResolvePushTarget(*info, config.project_name, flags.service, flags.tag,
                                       flags.local_image);
  if (!target.ok()) return fail(target.error());

  if (flags.dry_run) {
    ctx.PrintNote("--dry-run: the commands that push " + target->local_image + " to " +
                  target->remote_image);
    PrintCommands(ctx, *target, s.region);
    return kExitOk;
  }
  auto path = ctx.io.getenv ? ctx.io.getenv("PATH") : std::nullopt;
  auto docker_env = ctx.io.getenv ? ctx.io.getenv("REX_DOCKER") : std::nullopt;
  std::string docker = docker_env && !docker_env->empty() ? *docker_env : "docker";
  std::unique_ptr<ops::ProcessRunner> runner = ops::NewSystemProcessRunner(path.value_or(""));
  ops::DockerCheck check = ops::CheckDocker(*runner, docker);
  if (!check.usable) {
    ctx.PrintNote(check.reason +
                  "; run these commands where Docker works (the login asks the "
                  "AWS CLI for the registry password):");
    PrintCommands(ctx, *target, s.region);
    return kExitOk;
  }
  PrintingPushObserver observer(ctx);
  auto pushed = ops::PushImage(*s.ecr, *runner, check.program, *target, observer);
  if (!pushed.ok()) {
    ctx.PrintError(pushed.error());
    PrintCredentialsHint(ctx, pushed.error());
    return kExitFailed;  // whatever the code: the push itself failed
  }
  std::string digest = pushed->image.image_digest;
  ctx.io.out << "pushed " << target->remote_image << (digest.empty() ? "" : " (" + digest + ")")
             << "\n";
  return kExitOk;
}

}  // namespace

Command ImagesCommand() {
  return {
      "images", "container images: 'rex images push SERVICE TAG' logs in to ECR, tags and pushes",
      [](CLI::App& app) -> std::function<int(Context&)> {
        auto flags = std::make_shared<PushFlags>();
        CLI::App* push = app.add_subcommand(
            "push",
            "push a local image to the service's ECR repository (docker login/tag/push), "
            "or print the commands when Docker is not available");
        push->fallthrough();
        push->add_option("SERVICE", flags->service,
                         "a service of the deployed stack with an ECR repository (api, "
                         "worker, ...)")
            ->required();
        push->add_option("TAG", flags->tag, "the tag to push, e.g. v1.2.0")->required();
        push->add_option("--local-image", flags->local_image,
                         "the local image to push (default: <projectName>-SERVICE:TAG)")
            ->type_name("NAME");
        push->add_flag("--dry-run", flags->dry_run, "print the commands instead of running them");
        app.require_subcommand(1);
        return [flags](Context& ctx) { return RunPush(ctx, *flags); };
      }};
}

}  // namespace rex::cli
