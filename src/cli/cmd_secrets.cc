// `rex secrets rotate KEY [--yes] [--allow-data-loss]`: a new value for an application secret
// of the deployed stack, every service that reads it redeployed, the old value gone. KEY is one
// of ops::RotatableSecrets() (today supertokensApiKey); anything else is exit 2 listing them.
//
// The rotation is sequential (README "Rotating the SuperTokens API key"): SuperTokens reads
// one key (API_KEYS) from the same secret as the api and worker (SUPERTOKENS_API_KEY), so
// between the moment the first reader runs the new value and the moment the last one does,
// calls from a task with the old key to one with the new key are refused (401). That window
// lasts one ECS rolling deployment (about a minute); it is what a stack that keeps one secret
// can do without a template change.
//
// Where the value lives decides the steps:
// - supertokensApiKey set in stacks/<stack>.yaml (a NoEcho parameter feeds the secret): a new
//   value (40 letters and digits from the CSPRNG) is sealed into the config with its secrets
//   provider (the passphrase, or KMS for awskms://), then the stack is deployed exactly as `rex up`
//   does it (checks, plan against CloudFormation, the data-loss guard, confirmation unless --yes,
//   the deploy lease). CloudFormation writes the value into the secret. If the deploy does not go
//   ahead (failed, declined, blocked, stopped before CloudFormation started), the config gets its
//   old value back and nothing else happens.
// - not set (Secrets Manager generated it): after a confirmation (--yes without a terminal),
//   the new value is put into the secret directly (PutSecretValue, AWSCURRENT); CloudFormation
//   keeps a generated value on later updates, so `rex up` leaves it in place.
// Then both: a new deployment of every service whose task definition reads the secret (found
// in the deployed template, ops::ServicesReadingSecret), followed until stable as `rex
// redeploy` does; and once all are stable, the old value's AWSPREVIOUS label is removed, so no
// label points at it and Secrets Manager deletes that version.
//
// Stopped or failed midway (Ctrl-C, a service rolled back, an AWS error), rex says which steps
// are done; the secret then holds the new value (it is never rolled back to a value that may
// have leaked). Running `rex secrets rotate KEY` again rotates once more and finishes every
// step; `rex redeploy all` alone would also put every reader on the current value.
//
// The new value is never printed, logged, written to history or put in an error message.
//
// Exit codes: 0 rotated; 1 the stack does not exist ("run rex up first"), the deploy or a
// redeploy failed, was declined or stopped, AWS failed; 2 unknown KEY, no stack config, bad
// flags.

#include <cctype>
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "aws/endpoints.h"
#include "aws/env.h"
#include "aws/retry.h"
#include "aws/secretsmanager.h"
#include "base/crypto.h"
#include "base/files.h"
#include "base/json.h"
#include "base/strings.h"
#include "cli/command.h"
#include "cli/json_output.h"
#include "cli/ops_session.h"
#include "cli/progress.h"
#include "cli/rollout_progress.h"
#include "cli/secrets_kms.h"
#include "cli/stack_select.h"
#include "config/config.h"
#include "ops/redeploy.h"
#include "ops/secret_rotation.h"
#include "stack/rex_stack.h"

namespace rex::cli {
namespace {

struct RotateFlags {
  std::string key;
  bool yes = false;
  bool allow_data_loss = false;
};

std::string Trimmed(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t start = 0;
  while (start < s.size() && std::isspace(static_cast<unsigned char>(s[start]))) ++start;
  return s.substr(start);
}

base::Result<std::unique_ptr<aws::SecretsManagerClient>> OpenSecretsManager(const Context& ctx,
                                                                            AwsSession& session) {
  auto getenv = ctx.io.getenv;
  aws::EnvLookup env = [getenv](const std::string& name) -> std::optional<std::string> {
    if (!getenv) return std::nullopt;
    return getenv(name);
  };
  REX_ASSIGN_OR_RETURN(aws::RetryOptions retry, aws::RetryOptionsFromEnvironment(env));
  REX_ASSIGN_OR_RETURN(
      aws::Endpoint endpoint,
      aws::ResolveEndpoint("secretsmanager",
                           {.region = session.region, .endpoint_url = ctx.global.endpoint_url}));
  return std::make_unique<aws::SecretsManagerClient>(endpoint, session.credentials.get(),
                                                     *session.transport, *session.clock, retry);
}

// Whether the deployed stack feeds the secret from a stack parameter (the config-held case).
base::Result<bool> DeployedFromParameter(AwsSession& session, const std::string& stack_name) {
  REX_ASSIGN_OR_RETURN(std::vector<aws::Stack> stacks, session.cfn->DescribeStacks(stack_name));
  for (const aws::Stack& s : stacks) {
    for (const aws::CfnParameter& p : s.parameters) {
      if (p.key == "SupertokensApiKey") return true;
    }
  }
  return false;
}

class Rotation {
 public:
  Rotation(Context& ctx, const RotateFlags& flags) : ctx_(ctx), flags_(flags) {}

  int Run() {
    auto secret = ops::FindRotatableSecret(flags_.key);
    if (!secret.ok()) return Fail(secret.error());
    secret_ = *secret;
    json_["secret"] = secret_.key;
    base::Status needs_yes = RequireYesWithoutTerminal(ctx_, flags_.yes, "rex secrets rotate");
    if (!needs_yes.ok()) return Fail(needs_yes);

    // OpenDayTwo's steps, except that a stack that does not exist is exit 1: a state to fix
    // (deploy it first), not bad input.
    auto selected = SelectStack(ctx_, StackUse::kChangesAws);
    if (!selected.ok()) return Fail(selected.error());
    auto ops_session = OpenOpsSession(ctx_, selected->config, interrupt_.flag());
    if (!ops_session.ok()) return Fail(ops_session.error());
    auto info = ops::LoadStackInfo(*(*ops_session)->session.cfn, stack::StackName(selected->config),
                                   (*ops_session)->session.region);
    if (!info.ok()) {
      int code = Fail(info.error());
      return info.error().code() == base::Code::kNotFound ? kExitFailed : code;
    }
    day2_ = DayTwo{std::move(*selected), std::move(*ops_session), std::move(*info)};
    json_["stack"] = day2_->stack.stack_name;
    secret_arn_ = day2_->stack.PhysicalId(secret_.logical_id);
    if (secret_arn_.empty()) {
      return Fail(base::FailedPrecondition(
          "stack " + day2_->stack.stack_name + " has no " + secret_.logical_id +
          " secret; run \"rex up\" with this version of rex first"));
    }
    auto secrets = OpenSecretsManager(ctx_, *day2_->ops->aws);
    if (!secrets.ok()) return Fail(secrets.error());
    secrets_ = std::move(*secrets);
    auto readers = ops::FindSecretReaders(day2_->ops->session, day2_->stack, secret_.logical_id);
    if (!readers.ok()) return Fail(readers.error());
    readers_ = std::move(*readers);
    json_["services"] = base::Json::array();

    const bool in_config = day2_->selected.config.supertokens_api_key.is_set();
    auto from_parameter = DeployedFromParameter(*day2_->ops->aws, day2_->stack.stack_name);
    if (!from_parameter.ok()) return Fail(from_parameter.error());
    if (*from_parameter && !in_config) {
      return Fail(base::FailedPrecondition(
          "stack " + day2_->stack.stack_name + " takes " + secret_.key +
          " from its SupertokensApiKey parameter, but " + day2_->selected.config_path +
          " does not set it (removed since the last deploy?); run \"rex up\" first (Secrets "
          "Manager then generates the key), or set it again with \"rex config set " +
          secret_.key + " --secret\""));
    }
    json_["source"] = in_config ? "config" : "secretsManager";
    ctx_.io.err << "rotating " << secret_.key << " (" << secret_.what << ") of "
                << day2_->stack.stack_name << "; read by "
                << (readers_.empty() ? std::string("no service") : base::Join(readers_, ", "))
                << "\n";
    int step = in_config ? RotateInConfig() : RotateInSecretsManager();
    if (step != kExitOk) return Finish(step);
    return Finish(RedeployAndRetire());
  }

 private:
  int Fail(const base::Status& status) {
    ctx_.PrintError(status);
    PrintCredentialsHint(ctx_, status);
    return ExitCodeFor(status);
  }

  // Prints the --json document (when asked) and returns `code`.
  int Finish(int code) {
    json_["result"] = code == kExitOk ? "rotated" : changed_ ? "incomplete" : "notRotated";
    if (ctx_.global.json) ctx_.io.out << base::DumpJson(json_);
    return code;
  }

  // The config-held value: seal a new one, deploy as rex up; the old one back if the deploy
  // does not go ahead.
  int RotateInConfig() {
    const config::Config& config = day2_->selected.config;
    base::Status unsealed = config::RequireUnsealedSecrets(config);
    if (!unsealed.ok()) return Fail(unsealed);
    const std::string path =
        (std::filesystem::path(ctx_.io.cwd) / day2_->selected.config_path).string();
    std::string old_value = config.supertokens_api_key.Reveal();
    auto fresh = ops::NewSecretValue();
    if (!fresh.ok()) return Fail(fresh.error());
    base::Status sealed =
        config::SetConfigFileSecret(path, secret_.key, *fresh, SecretsEnvFor(ctx_, path));
    base::WipeString(*fresh);
    if (!sealed.ok()) {
      base::WipeString(old_value);
      return Fail(sealed.WithContext("write the new " + secret_.key));
    }
    ctx_.io.err << "new " << secret_.key << " sealed into " << day2_->selected.config_path
                << "; deploying it as rex up does:\n";
    auto before = day2_->ops->aws->cfn->DescribeStacks(day2_->stack.stack_name);
    // rex up's own document goes into ours ("deploy") so stdout stays one document.
    std::ostringstream captured;
    Io io = ctx_.io;
    Io quiet{captured,  ctx_.io.err, false, ctx_.io.err_is_tty,
             io.getenv, io.cwd,      io.in, io.in_is_tty};
    Context sub{ctx_.global.json ? quiet : ctx_.io, ctx_.global, ctx_.out, ctx_.err};
    int code = RunUp(sub, UpFlags{.yes = flags_.yes, .allow_data_loss = flags_.allow_data_loss});
    if (ctx_.global.json) {
      auto deploy = base::ParseJson(captured.str(), "rex up's document");
      if (deploy.ok()) json_["deploy"] = std::move(*deploy);
    }
    if (code == kExitOk) {
      base::WipeString(old_value);
      changed_ = true;
      json_["deployed"] = true;
      // The deploy may have changed which services read the secret.
      auto readers = ops::FindSecretReaders(day2_->ops->session, day2_->stack, secret_.logical_id);
      if (!readers.ok()) {
        Fail(readers.error());
        return Incomplete("the services reading it could not be read");
      }
      readers_ = std::move(*readers);
      return kExitOk;
    }
    json_["deployed"] = false;
    if (interrupt_.flag()->load() && before.ok() && !before->empty() &&
        UpdateWentAhead(before->front())) {
      base::WipeString(old_value);
      changed_ = true;
      ctx_.io.err << "CloudFormation carries on with the update, so " << day2_->selected.config_path
                  << " keeps the new " << secret_.key
                  << "; the services still run the old one: run \"rex secrets rotate "
                  << secret_.key << "\" again to finish (it rotates once more)\n";
      return code;
    }
    base::Status restored =
        config::SetConfigFileSecret(path, secret_.key, old_value, SecretsEnvFor(ctx_, path));
    base::WipeString(old_value);
    if (!restored.ok()) {
      ctx_.PrintWarning("could not put the old " + secret_.key + " back into " +
                        day2_->selected.config_path + ": " + restored.message() +
                        "; the stack still runs the old value: run \"rex secrets rotate " +
                        secret_.key + "\" again");
    } else {
      ctx_.io.err << secret_.key << " in " << day2_->selected.config_path
                  << " is back to the deployed value (the deploy did not go ahead); nothing "
                     "was rotated\n";
    }
    return code;
  }

  // Whether the update started by rex up went on in CloudFormation (see cmd_redeploy.cc).
  bool UpdateWentAhead(const aws::Stack& before) {
    auto now = day2_->ops->aws->cfn->DescribeStacks(day2_->stack.stack_name);
    if (!now.ok() || now->empty()) return false;
    const aws::Stack& s = now->front();
    if (s.last_updated_time == before.last_updated_time) return false;
    return s.stack_status.find("ROLLBACK") == std::string::npos &&
           s.stack_status.find("FAILED") == std::string::npos;
  }

  // The generated value: confirm, then PutSecretValue.
  int RotateInSecretsManager() {
    if (!flags_.yes) {
      auto answer =
          Ask(ctx_, "Put a new " + secret_.key + " into " + secret_arn_ + " and redeploy " +
                        (readers_.empty() ? std::string("nothing") : base::Join(readers_, ", ")) +
                        "? Calls between services fail for about a minute. Type yes: ");
      if (!answer.has_value() || Trimmed(*answer) != "yes") {
        ctx_.io.err << "not rotated (nothing was changed)\n";
        return kExitFailed;
      }
    }
    if (interrupt_.flag()->load()) {
      ctx_.io.err << "stopped before anything was changed\n";
      return kExitFailed;
    }
    auto fresh = ops::NewSecretValue();
    if (!fresh.ok()) return Fail(fresh.error());
    auto token = ops::NewRequestToken();
    if (!token.ok()) return Fail(token.error());
    auto version = ops::PutNewValue(*secrets_, secret_arn_, *fresh, *token);
    base::WipeString(*fresh);
    if (!version.ok()) return Fail(version.error());
    changed_ = true;
    json_["versionId"] = *version;
    ctx_.io.err << "new value in place in Secrets Manager (AWSCURRENT, version " << *version
                << ")\n";
    return kExitOk;
  }

  int RedeployAndRetire() {
    ops::Session& session = day2_->ops->session;
    if (!readers_.empty()) {
      ctx_.io.err << "forcing a new deployment of " << base::Join(readers_, ", ")
                  << " (their tasks read the secret when they start)\n";
      auto forced = ops::ForceNewDeployments(session, day2_->stack, readers_);
      if (!forced.ok()) {
        Fail(forced.error());
        return Incomplete("the services were not redeployed");
      }
      RolloutPrinter printer(ctx_);
      auto outcome = ops::FollowServices(session, day2_->stack, readers_, *forced, printer);
      if (!outcome.ok()) {
        Fail(outcome.error());
        return Incomplete("the services were not followed to the end");
      }
      for (const ops::ServiceOutcome& s : outcome->services) {
        std::string result = s.stable ? "stable" : s.rolled_back ? "rolled back" : "not stable";
        json_["services"].push_back({{"service", s.name},
                                     {"result", result},
                                     {"running", s.last.running},
                                     {"desired", s.last.desired},
                                     {"reason", s.reason}});
        if (s.rolled_back || (!s.stable && !outcome->cancelled)) {
          ctx_.io.err << ctx_.err.BoldRed("error:") << " " << s.name << " was "
                      << (s.rolled_back ? "rolled back by the deployment circuit breaker: "
                                        : "not stable: ")
                      << s.reason << "\n";
        }
        if (!ctx_.global.json) {
          ctx_.io.out << s.name << "  "
                      << (s.stable ? ctx_.out.Green(result) : ctx_.out.Red(result)) << "  running "
                      << s.last.running << "/" << s.last.desired << "\n";
        }
      }
      if (outcome->cancelled) return Incomplete("stopped while following the services");
      if (!outcome->ok()) return Incomplete("a service did not become stable");
    }
    auto retired = ops::RetirePreviousValue(*secrets_, secret_arn_);
    if (!retired.ok()) {
      Fail(retired.error());
      return Incomplete("the old value still carries AWSPREVIOUS");
    }
    json_["previousRetired"] = true;
    if (!ctx_.global.json) {
      ctx_.io.out << secret_.key << " rotated in " << day2_->stack.stack_name << ": "
                  << (readers_.empty() ? std::string("no service reads it")
                                       : base::Join(readers_, ", ") + " run the new value")
                  << "; the old value carries no staging label (Secrets Manager deletes it)\n";
    }
    return kExitOk;
  }

  int Incomplete(const std::string& why) {
    ctx_.io.err << "the rotation is incomplete (" << why << "): the secret holds the new "
                << secret_.key << " and services that did not restart still use the old one; "
                << "run \"rex secrets rotate " << secret_.key
                << "\" again to finish (it rotates once more and redeploys every reader)\n";
    return kExitFailed;
  }

  Context& ctx_;
  const RotateFlags& flags_;
  CancelOnInterrupt interrupt_;
  std::optional<DayTwo> day2_;
  ops::RotatableSecret secret_;
  std::string secret_arn_;
  std::unique_ptr<aws::SecretsManagerClient> secrets_;
  std::vector<std::string> readers_;
  bool changed_ = false;  // the secret got (or is getting) the new value
  base::Json json_ = {{"version", kJsonVersion}};
};

}  // namespace

Command SecretsCommand() {
  return {"secrets", "rotate an application secret of the deployed stack (secrets rotate KEY)",
          [](CLI::App& app) -> std::function<int(Context&)> {
            app.require_subcommand(1);
            auto flags = std::make_shared<RotateFlags>();
            CLI::App* rotate = app.add_subcommand(
                "rotate",
                "a new value for KEY (supertokensApiKey), deployed, every service reading it "
                "redeployed, the old value retired");
            rotate->fallthrough();
            rotate->add_option("KEY", flags->key, "the secret to rotate: supertokensApiKey")
                ->required();
            rotate->add_flag("-y,--yes", flags->yes,
                             "rotate without asking (required when stdin is not a terminal)");
            rotate->add_flag("--allow-data-loss", flags->allow_data_loss,
                             "when the key is in the config: deploy even if a stateful resource "
                             "is replaced or deleted (see rex up)");
            return [flags](Context& ctx) { return Rotation(ctx, *flags).Run(); };
          }};
}

}  // namespace rex::cli
