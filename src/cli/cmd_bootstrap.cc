// `rex bootstrap`: create or update rex's own stack `rex-bootstrap` (engine/bootstrap.h): one
// S3 bucket, versioned, encrypted, private and TLS-only, for templates over CloudFormation's
// 51,200-byte inline limit and for the copy of the deploy history. Needs no stack config (the
// region comes from --region, the environment or the profile; the region of a stack config
// file stacks/<stack>.yaml is authoritative when one exists, see aws/endpoints.h). Prints the
// bucket name (stdout; {"bucket": name} with --json).
//
// GitHub Actions (engine/bootstrap.h GithubAccess):
//   rex bootstrap --github-repo OWNER/REPO [--github-branch BRANCH (main)]
//                 [--github-environment ENV (production)] [--github-oidc-provider
//                 create|existing (create)]
// adds the GitHub OIDC provider (or refers to the account's existing one with "existing"),
// a deploy role trusted by repo:OWNER/REPO:ref:refs/heads/BRANCH and
// repo:OWNER/REPO:environment:ENV, and a preview role trusted by pull requests of the
// repository. The roles act on the stacks "<projectName>-*" of the selected stack config
// (default projectName rex-backend). Prints "deployRole: ARN" and "previewRole: ARN" after the
// bucket ({"github": {...}} with --json) and, on stderr, the next step: the repository
// variables REX_DEPLOY_ROLE_ARN and REX_PREVIEW_ROLE_ARN that `rex ci github`'s workflow
// reads. Without --github-repo, a bootstrap stack that already has GitHub access keeps it
// (read back from its outputs), so a plain `rex bootstrap` never removes the roles.
// Exit codes: 0 created, updated or up to date; 1 the deploy failed; 2 bad flags.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "cli/command.h"
#include "cli/json_output.h"
#include "cli/progress.h"
#include "cli/stack_select.h"
#include "engine/bootstrap.h"
#include "engine/lock.h"

namespace rex::cli {
namespace {

struct BootstrapFlags {
  std::string github_repo;
  std::string github_branch;
  std::string github_environment;
  std::string github_oidc_provider;  // create | existing
};

// The GitHub access the flags ask for; nullopt without --github-repo.
base::Result<std::optional<engine::GithubAccess>> GithubFromFlags(const BootstrapFlags& flags,
                                                                  const config::Config* config) {
  if (flags.github_repo.empty()) {
    if (!flags.github_branch.empty() || !flags.github_environment.empty() ||
        !flags.github_oidc_provider.empty()) {
      return base::InvalidArgument(
          "--github-branch, --github-environment and --github-oidc-provider need "
          "--github-repo OWNER/REPO");
    }
    return std::optional<engine::GithubAccess>();
  }
  engine::GithubAccess github;
  github.repo = flags.github_repo;
  if (!flags.github_branch.empty()) github.branch = flags.github_branch;
  if (!flags.github_environment.empty()) github.environment = flags.github_environment;
  github.create_oidc_provider = flags.github_oidc_provider != "existing";
  github.stack_prefix = config != nullptr ? config->project_name : config::Config{}.project_name;
  REX_RETURN_IF_ERROR(engine::ValidateGithubAccess(github));
  return std::optional<engine::GithubAccess>(std::move(github));
}

std::string OutputOf(const std::vector<aws::CfnOutput>& outputs, std::string_view key) {
  for (const aws::CfnOutput& o : outputs) {
    if (o.key == key) return o.value;
  }
  return "";
}

int RunBootstrap(Context& ctx, const BootstrapFlags& flags) {
  auto fail = [&ctx](const base::Status& s) {
    ctx.PrintError(s);
    return ExitCodeFor(s);
  };
  auto selected = SelectStack(ctx);
  const config::Config* config = selected.ok() ? &selected->config : nullptr;
  auto github = GithubFromFlags(flags, config);
  if (!github.ok()) return fail(github.error());
  auto session = OpenAwsSession(ctx, config);
  if (!session.ok()) return fail(session.error());
  AwsSession& aws = **session;
  if (!github->has_value()) {
    // Keep the GitHub access a previous `rex bootstrap --github-repo` added.
    auto existing = engine::FindStack(*aws.cfn, std::string(engine::kBootstrapStackName));
    if (!existing.ok()) return fail(existing.error());
    if (existing->has_value()) {
      *github = engine::GithubAccessFromOutputs((*existing)->outputs);
      if (github->has_value()) {
        ctx.PrintNote("keeping the GitHub Actions access of " + (*github)->repo +
                      " (from the outputs of " + std::string(engine::kBootstrapStackName) + ")");
      }
    }
  }
  auto lock = engine::StackLock::Acquire(ctx.io.cwd, std::string(engine::kBootstrapStackName));
  if (!lock.ok()) return fail(lock.error());

  CancelOnInterrupt interrupt;
  ProgressPrinter progress(ctx.io, ctx.err, *aws.clock, ctx.io.err_is_tty);
  engine::DeployClients clients = aws.Clients();
  engine::DeployRequest request;
  request.cancel = interrupt.flag();
  request.poll = PollOptionsFromEnvironment(ctx);
  auto outcome = engine::DeployBootstrap(clients, request, progress, *github);
  if (!outcome.ok()) return fail(outcome.error());
  if (auto* failed = std::get_if<engine::Failed>(&*outcome)) {
    ctx.io.err << ctx.err.BoldRed("error:") << " bootstrap failed: "
               << (failed->failed_resource.empty() ? "" : failed->failed_resource + ": ")
               << failed->first_failure_reason << "\n  the stack ended in " << failed->final_status
               << "\n";
    if (failed->failed_resource == "GitHubOidcProvider") {
      ctx.io.err << "  if the account has a GitHub OIDC provider already, rerun with "
                    "--github-oidc-provider existing\n";
    }
    return kExitFailed;
  }
  if (auto* cancelled = std::get_if<engine::Cancelled>(&*outcome)) {
    ctx.io.err << "stopped following " << engine::kBootstrapStackName
               << "; run \"rex bootstrap\" again to finish (last status " << cancelled->stack_status
               << ")\n";
    return kExitFailed;
  }
  auto bucket = engine::FindBootstrapBucket(*aws.cfn);
  if (!bucket.ok()) return fail(bucket.error());
  if (!bucket->has_value()) {
    return fail(base::Internal("rex-bootstrap has no BucketName output"));
  }
  if (std::holds_alternative<engine::NoChanges>(*outcome)) {
    ctx.io.err << engine::kBootstrapStackName << " is up to date\n";
  } else {
    ctx.io.err << ctx.err.Green("✓") << " " << engine::kBootstrapStackName << " ready\n";
  }
  std::string deploy_role;
  std::string preview_role;
  if (github->has_value()) {
    auto stack = engine::FindStack(*aws.cfn, std::string(engine::kBootstrapStackName));
    if (!stack.ok()) return fail(stack.error());
    if (stack->has_value()) {
      deploy_role = OutputOf((*stack)->outputs, engine::kBootstrapDeployRoleOutput);
      preview_role = OutputOf((*stack)->outputs, engine::kBootstrapPreviewRoleOutput);
    }
    if (deploy_role.empty() || preview_role.empty()) {
      return fail(
          base::Internal("rex-bootstrap has no GitHubDeployRoleArn/GitHubPreviewRoleArn "
                         "output"));
    }
  }
  if (ctx.global.json) {
    base::Json out{{"version", kJsonVersion}, {"bucket", **bucket}};
    if (github->has_value()) {
      out["github"] = {{"repository", (*github)->repo},
                       {"branch", (*github)->branch},
                       {"environment", (*github)->environment},
                       {"deployRoleArn", deploy_role},
                       {"previewRoleArn", preview_role}};
    }
    ctx.io.out << base::DumpJson(out);
  } else {
    ctx.io.out << "bucket: " << **bucket << "\n";
    if (github->has_value()) {
      ctx.io.out << "deployRole: " << deploy_role << "\npreviewRole: " << preview_role << "\n";
    }
  }
  if (github->has_value()) {
    const engine::GithubAccess& g = **github;
    ctx.io.err << "GitHub Actions of " << g.repo << " may deploy from branch " << g.branch
               << " or environment " << g.environment
               << " and preview pull requests. Next: set the repository variables\n"
               << "  gh variable set REX_DEPLOY_ROLE_ARN --repo " << g.repo << " --body "
               << deploy_role << "\n"
               << "  gh variable set REX_PREVIEW_ROLE_ARN --repo " << g.repo << " --body "
               << preview_role << "\n"
               << "(or Settings → Secrets and variables → Actions → Variables), then \"rex ci "
                  "github\" writes the workflow that uses them\n";
  }
  return kExitOk;
}

}  // namespace

Command BootstrapCommand() {
  return {"bootstrap",
          "create rex's S3 bucket (stack rex-bootstrap) for large templates and history",
          [](CLI::App& app) -> std::function<int(Context&)> {
            auto flags = std::make_shared<BootstrapFlags>();
            app.add_option("--github-repo", flags->github_repo,
                           "also let GitHub Actions of OWNER/REPO deploy (OIDC provider, deploy "
                           "and preview roles)")
                ->type_name("OWNER/REPO");
            app.add_option("--github-branch", flags->github_branch,
                           "branch whose pushes may deploy (default: main)")
                ->type_name("BRANCH");
            app.add_option("--github-environment", flags->github_environment,
                           "GitHub environment that may deploy (default: production)")
                ->type_name("ENV");
            app.add_option("--github-oidc-provider", flags->github_oidc_provider,
                           "create (default) the GitHub OIDC provider, or use the account's "
                           "existing one")
                ->type_name("create|existing")
                ->check(CLI::IsMember({"create", "existing"}));
            return [flags](Context& ctx) { return RunBootstrap(ctx, *flags); };
          }};
}

}  // namespace rex::cli
