#include "cli/progress.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "aws/endpoints.h"
#include "aws/env.h"
#include "aws/retry.h"
#include "base/strings.h"
#include "cli/json_output.h"
#include "cli/team.h"
#include "cli/wait_spinner.h"
#include "engine/deploy_run.h"

namespace rex::cli {

namespace {

constexpr int kDefaultHttpTimeoutSeconds = 60;

std::atomic<bool> g_interrupted{false};
struct sigaction g_previous_sigint;
struct sigaction g_previous_sigterm;

// SIGINT (Ctrl-C) and SIGTERM (a cancelled CI job, `kill`) alike.
extern "C" void OnInterrupt(int signal_number) {
  if (g_interrupted.load()) {
    // A second signal: give up on a clean stop.
    std::signal(signal_number, SIG_DFL);
    std::raise(signal_number);
    return;
  }
  g_interrupted.store(true);
}

// Sends every request with the configured total timeout, except requests whose caller chose a
// shorter one than HttpRequest's default (the instance-metadata and container credential
// endpoints' 1-2 s): those keep it.
class TimeoutTransport : public aws::HttpTransport {
 public:
  TimeoutTransport(std::unique_ptr<aws::HttpTransport> inner, std::chrono::milliseconds timeout)
      : inner_(std::move(inner)), timeout_(timeout) {}
  base::Result<aws::HttpResponse> Send(const aws::HttpRequest& request) override {
    aws::HttpRequest copy = request;
    const aws::HttpRequest defaults;
    if (request.timeout >= defaults.timeout) {
      copy.timeout = timeout_;
    } else {
      copy.timeout = std::min(request.timeout, timeout_);
    }
    if (copy.connect_timeout > timeout_) copy.connect_timeout = timeout_;
    return inner_->Send(copy);
  }

 private:
  std::unique_ptr<aws::HttpTransport> inner_;
  std::chrono::milliseconds timeout_;
};

}  // namespace

std::unique_ptr<aws::HttpTransport> NewTimeoutTransport(std::unique_ptr<aws::HttpTransport> inner,
                                                        std::chrono::milliseconds timeout) {
  return std::make_unique<TimeoutTransport>(std::move(inner), timeout);
}

namespace {

aws::EnvLookup EnvOf(const Context& ctx) {
  auto getenv = ctx.io.getenv;
  return [getenv](const std::string& name) -> std::optional<std::string> {
    if (!getenv) return std::nullopt;
    return getenv(name);
  };
}

std::string Env(const Context& ctx, const char* name) {
  if (!ctx.io.getenv) return "";
  return ctx.io.getenv(name).value_or("");
}

std::string StatusColor(const Style& style, const std::string& status) {
  if (base::EndsWith(status, "_FAILED")) return style.Red(status);
  if (status.find("ROLLBACK") != std::string::npos) return style.Yellow(status);
  if (base::EndsWith(status, "_COMPLETE")) return style.Green(status);
  return style.Cyan(status);
}

std::string Pad(const std::string& s, size_t width) {
  size_t w = DisplayWidth(s);
  return w >= width ? s : s + std::string(width - w, ' ');
}

std::string PadLeft(const std::string& s, size_t width) {
  size_t w = DisplayWidth(s);
  return w >= width ? s : std::string(width - w, ' ') + s;
}

}  // namespace

base::Json DataLossJson(const engine::DataLossReport& report) {
  base::Json out = base::Json::array();
  for (const engine::DataLossFinding& f : report.findings) {
    out.push_back({{"logicalId", f.logical_id},
                   {"type", f.type},
                   {"path", f.path},
                   {"cause", engine::DataLossCauseName(f.cause)},
                   {"detail", f.detail},
                   {"source", f.from_change_set ? "change-set" : "plan"}});
  }
  return out;
}

namespace {

base::Json OutputsJson(const std::vector<aws::CfnOutput>& outputs) {
  base::Json out = base::Json::object();
  for (const aws::CfnOutput& o : outputs) out[o.key] = o.value;
  return out;
}

}  // namespace

std::string FormatDuration(std::chrono::milliseconds duration) {
  long long s = std::chrono::duration_cast<std::chrono::seconds>(duration).count();
  char buffer[64];
  if (s < 60) {
    std::snprintf(buffer, sizeof(buffer), "%llds", s);
  } else if (s < 3600) {
    std::snprintf(buffer, sizeof(buffer), "%lldm%02llds", s / 60, s % 60);
  } else {
    std::snprintf(buffer, sizeof(buffer), "%lldh%02lldm", s / 3600, (s % 3600) / 60);
  }
  return buffer;
}

// ---------------------------------------------------------------- ProgressPrinter

ProgressPrinter::ProgressPrinter(Io& io, const Style& style, base::Clock& clock, bool terminal)
    : io_(io), style_(style), clock_(clock), terminal_(terminal) {}

std::string ProgressPrinter::Elapsed() const {
  if (!started_) return "";
  return FormatDuration(
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Monotonic() - *started_));
}

std::string ProgressPrinter::RenderRow(const Row& row) const {
  std::string line = style_.Dim("[" + PadLeft(row.elapsed, 6) + "]") + " " + Pad(row.id, 36) + " " +
                     Pad(style_.Dim(row.type), 34) + " " + StatusColor(style_, row.status);
  if (!row.reason.empty()) line += "  " + EscapeControls(row.reason);
  return line;
}

void ProgressPrinter::Redraw() {
  if (drawn_ > 0) io_.err << "\x1b[" << drawn_ << "A";
  for (const Row& row : rows_) io_.err << "\r\x1b[2K" << RenderRow(row) << "\n";
  drawn_ = rows_.size();
  io_.err.flush();
}

void ProgressPrinter::CloseBlock() {
  rows_.clear();
  drawn_ = 0;
}

void ProgressPrinter::OnStep(std::string_view step) {
  CloseBlock();
  io_.err << style_.Dim("• " + std::string(step)) << "\n";
  io_.err.flush();
}

void ProgressPrinter::OnWaitingForStack(std::string_view stack_name, std::string_view status) {
  CloseBlock();
  io_.err << "stack " << stack_name << " is " << status
          << "; waiting for it to finish (Ctrl-C stops waiting)\n";
  io_.err.flush();
}

void ProgressPrinter::OnChangeSetCreated(const engine::ChangeSetInfo& info) {
  io_.err << style_.Dim("• change set " + info.change_set_name + " (" + info.change_set_type +
                        ") created")
          << "\n";
}

void ProgressPrinter::OnPlan(const aws::ChangeSet& change_set) {
  size_t add = 0, modify = 0, remove = 0, replace = 0;
  for (const aws::CfnResourceChange& c : change_set.changes) {
    if (c.action == "Add") ++add;
    if (c.action == "Modify") ++modify;
    if (c.action == "Remove") ++remove;
    if (c.replacement == "True" || c.replacement == "Conditional") ++replace;
  }
  io_.err << style_.Bold("CloudFormation change set:") << " " << add << " to add, " << modify
          << " to modify (" << replace << " replacing), " << remove << " to remove\n";
  for (const aws::CfnResourceChange& c : change_set.changes) {
    if (c.replacement != "True" && c.replacement != "Conditional" && c.action != "Remove") {
      continue;
    }
    std::string what =
        c.action == "Remove"
            ? style_.Red("- remove ")
            : style_.Yellow(c.replacement == "True" ? "-/+ replace " : "~ may replace ");
    io_.err << "  " << what << c.logical_resource_id << " (" << c.resource_type << ")\n";
  }
  io_.err.flush();
}

void ProgressPrinter::OnExecuteStarted(std::string_view stack_name,
                                       std::chrono::steady_clock::time_point started) {
  started_ = started;
  io_.err << style_.Bold(std::string(stack_name)) << "\n";
  io_.err.flush();
}

void ProgressPrinter::OnResourceEvent(const engine::StackEvent& event) {
  const aws::StackEvent& e = event.event;
  Row row;
  for (const std::string& parent : event.nested_path) row.id += parent + "/";
  row.id += e.logical_resource_id;
  row.type = e.resource_type;
  row.status = e.resource_status;
  row.reason = e.resource_status_reason;
  row.elapsed = Elapsed();
  if (!terminal_) {
    io_.err << RenderRow(row) << "\n";
    io_.err.flush();
    return;
  }
  auto it = std::find_if(rows_.begin(), rows_.end(), [&](const Row& r) { return r.id == row.id; });
  if (it == rows_.end()) {
    rows_.push_back(row);
  } else {
    *it = row;
  }
  Redraw();
}

void ProgressPrinter::OnStackStatus(std::string_view status, std::string_view reason) {
  if (terminal_) return;  // the stack's own line in the block shows it
  std::string line = "stack " + StatusColor(style_, std::string(status));
  if (!reason.empty()) line += "  " + EscapeControls(reason);
  io_.err << style_.Dim("[" + PadLeft(Elapsed(), 6) + "]") << " " << line << "\n";
  io_.err.flush();
}

void ProgressPrinter::OnNote(std::string_view note) {
  CloseBlock();
  io_.err << style_.Dim("note: ") << note << "\n";
  io_.err.flush();
}

void ProgressPrinter::OnWarning(std::string_view warning) {
  CloseBlock();
  io_.err << style_.Yellow("warning:") << " " << warning << "\n";
  io_.err.flush();
}

// ---------------------------------------------------------------- session and helpers

base::Result<std::unique_ptr<AwsSession>> OpenAwsSession(const Context& ctx,
                                                         const config::Config* config) {
  aws::EnvLookup env = EnvOf(ctx);
  auto session = std::make_unique<AwsSession>();
  session->clock = &base::SystemClock();

  aws::CredentialChainOptions chain;
  chain.profile = ctx.global.profile;
  chain.endpoint_url = ctx.global.endpoint_url;
  chain.env = env;
  chain.home = Env(ctx, "HOME");

  aws::RegionSources regions{.flag = ctx.global.region,
                             .aws_region_env = Env(ctx, "AWS_REGION"),
                             .aws_default_region_env = Env(ctx, "AWS_DEFAULT_REGION"),
                             .profile_name = aws::SelectedProfile(chain)};
  auto files = aws::LoadProfileFiles(env, chain.home);
  if (files.ok()) {
    auto profile = aws::FindProfile(*files, regions.profile_name);
    if (profile && profile->count("region")) regions.profile_region = profile->at("region");
  }
  if (config != nullptr) {
    // A stack config file names the stack's region (its `region`, default us-east-1): it is
    // authoritative. A built-in preset (no stacks/<name>.yaml) only fills a gap.
    std::string relative = "stacks/" + ctx.global.stack + ".yaml";
    std::error_code ec;
    if (!ctx.global.stack.empty() &&
        std::filesystem::is_regular_file(std::filesystem::path(ctx.io.cwd) / relative, ec)) {
      regions.stack_config_region = config->region;
      regions.stack_config_source = relative;
    } else {
      regions.fallback_region = config->region;
    }
  }
  REX_ASSIGN_OR_RETURN(session->region, aws::ResolveRegion(regions));
  chain.region = session->region;

  int timeout_seconds = kDefaultHttpTimeoutSeconds;
  std::string timeout_text = Env(ctx, "REX_HTTP_TIMEOUT");
  if (!timeout_text.empty()) {
    char* end = nullptr;
    long value = std::strtol(timeout_text.c_str(), &end, 10);
    if (end == timeout_text.c_str() || *end != '\0' || value < 1 || value > 3600) {
      return base::InvalidArgument(
          "REX_HTTP_TIMEOUT must be a number of seconds from 1 to 3600; "
          "got \"" +
          timeout_text + "\"");
    }
    timeout_seconds = static_cast<int>(value);
  }
  REX_ASSIGN_OR_RETURN(aws::CurlTransportOptions transport_options,
                       TransportOptionsFromEnvironment(ctx));
  session->transport = std::make_unique<TimeoutTransport>(aws::NewCurlTransport(transport_options),
                                                          std::chrono::seconds(timeout_seconds));
  if (ctx.io.err_is_tty && &ctx.io.err == &std::cerr && !ctx.global.json) {
    // "waiting for CloudFormation DescribeStacks (3 s)" while an answer is slow to come.
    session->transport = NewWaitSpinnerTransport(std::move(session->transport));
  }
  REX_ASSIGN_OR_RETURN(aws::RetryOptions retry, aws::RetryOptionsFromEnvironment(env));
  // Ctrl-C or SIGTERM under a CancelOnInterrupt ends a retry backoff at once.
  retry.cancel = &g_interrupted;
  session->credentials =
      aws::NewDefaultCredentialsChain(chain, *session->transport, *session->clock);

  if (auto warning = aws::PlainHttpWarning(ctx.global.endpoint_url)) ctx.PrintWarning(*warning);
  aws::EndpointOptions endpoints{.region = session->region,
                                 .endpoint_url = ctx.global.endpoint_url};
  REX_ASSIGN_OR_RETURN(aws::Endpoint cfn, aws::ResolveEndpoint("cloudformation", endpoints));
  REX_ASSIGN_OR_RETURN(aws::Endpoint s3, aws::ResolveEndpoint("s3", endpoints));
  REX_ASSIGN_OR_RETURN(aws::Endpoint ecr, aws::ResolveEndpoint("ecr", endpoints));
  session->cfn = std::make_unique<aws::CloudFormationClient>(
      cfn, session->credentials.get(), *session->transport, *session->clock, retry);
  session->s3 = std::make_unique<aws::S3Client>(s3, session->credentials.get(), *session->transport,
                                                *session->clock, retry);
  session->ecr = std::make_unique<aws::EcrClient>(ecr, session->credentials.get(),
                                                  *session->transport, *session->clock, retry);
  return session;
}

base::Result<aws::CurlTransportOptions> TransportOptionsFromEnvironment(const Context& ctx) {
  aws::CurlTransportOptions options{.proxy = aws::ProxySettingsFromEnvironment(EnvOf(ctx))};
  REX_ASSIGN_OR_RETURN(options.timeouts, aws::TimeoutsFromEnvironment(EnvOf(ctx)));
  std::string ca_bundle = Env(ctx, "AWS_CA_BUNDLE");
  if (!ca_bundle.empty()) {
    std::filesystem::path path(ca_bundle);
    if (path.is_relative()) path = std::filesystem::path(ctx.io.cwd) / path;
    REX_RETURN_IF_ERROR(aws::CheckCaBundle(path.string()));
    options.ca_bundle = path.string();
  }
  return options;
}

engine::PollOptions PollOptionsFromEnvironment(const Context& ctx) {
  engine::PollOptions options;
  std::string text = Env(ctx, "REX_POLL_INTERVAL_MS");
  if (!text.empty()) {
    long ms = std::strtol(text.c_str(), nullptr, 10);
    if (ms >= 10 && ms <= 60000) {
      options.initial = std::chrono::milliseconds(ms);
      options.max = std::chrono::milliseconds(ms * 5);
    }
  }
  return options;
}

std::map<std::string, std::string> ConfigSecrets(const config::Config& config) {
  std::map<std::string, std::string> out;
  // A sealed secret has no value here: it is left out, so the parameter is reported missing.
  auto add = [&out](const char* parameter, const config::Secret& secret) {
    if (secret.is_set() && !secret.is_sealed()) out[parameter] = secret.Reveal();
  };
  add("DbMasterPassword", config.db_master_password);
  add("SupertokensApiKey", config.supertokens_api_key);
  add("GithubToken", config.github_token);
  return out;
}

namespace {
int g_interrupt_depth = 0;  // CancelOnInterrupt instances alive (nested ones share the flag)
}  // namespace

CancelOnInterrupt::CancelOnInterrupt() {
  if (g_interrupt_depth++ > 0) return;  // an outer instance already listens
  g_interrupted.store(false);
  struct sigaction action = {};
  action.sa_handler = &OnInterrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &g_previous_sigint);
  sigaction(SIGTERM, &action, &g_previous_sigterm);
}

CancelOnInterrupt::~CancelOnInterrupt() {
  if (--g_interrupt_depth > 0) return;
  sigaction(SIGINT, &g_previous_sigint, nullptr);
  sigaction(SIGTERM, &g_previous_sigterm, nullptr);
}

const std::atomic<bool>* CancelOnInterrupt::flag() const { return &g_interrupted; }

std::optional<std::string> Ask(Context& ctx, const std::string& prompt) {
  ctx.io.err << prompt;
  ctx.io.err.flush();
  if (ctx.io.in == nullptr) return std::nullopt;
  if (ctx.io.in == &std::cin && std::cin.rdbuf()->in_avail() <= 0) {
    // Wait for the answer in slices, so that Ctrl-C or SIGTERM under a CancelOnInterrupt
    // ends the question (no answer: the caller declines) instead of a blocked read.
    while (true) {
      pollfd fd{STDIN_FILENO, POLLIN, 0};
      int ready = ::poll(&fd, 1, 200);
      if (g_interrupted.load()) {
        ctx.io.err << "\n";
        return std::nullopt;
      }
      if (ready > 0) break;
      if (ready < 0 && errno != EINTR) break;
    }
  }
  std::string line;
  if (!std::getline(*ctx.io.in, line)) return std::nullopt;
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

base::Status RequireYesWithoutTerminal(const Context& ctx, bool yes, std::string_view command) {
  if (yes || ctx.io.in_is_tty) return base::Status::Ok();
  return base::InvalidArgument(std::string(command) +
                               " needs --yes when stdin is not a terminal (nothing was changed)");
}

void PrintOutputs(Context& ctx, const std::vector<aws::CfnOutput>& outputs) {
  if (ctx.global.json) {
    ctx.io.out << base::DumpJson(
        base::Json{{"version", kJsonVersion}, {"outputs", OutputsJson(outputs)}});
    return;
  }
  if (outputs.empty()) {
    ctx.io.out << "(no outputs)\n";
    return;
  }
  Table table({"Output", "Value"});
  for (const aws::CfnOutput& o : outputs) table.AddRow({o.key, o.value});
  ctx.io.out << table.Render(ctx.out);
}

// ---------------------------------------------------------------- RunDeploy

void PrintCredentialsHint(const Context& ctx, const base::Status& status) {
  // Only for an answer of AWS: no credentials found, or a profile rex cannot use, never reached
  // AWS, and their message already says what to do.
  if (status.code() != base::Code::kUnauthenticated || status.aws().service_code.empty()) return;
  const std::string& code = status.aws().service_code;
  ctx.PrintNote("AWS refused the credentials (" + code +
                "); refresh them (a new session, or check AWS_PROFILE / --profile) and run the "
                "command again");
}

int RunDeploy(Context& ctx, AwsSession& session, DeployRun run) {
  const std::string stack_name = run.request.stack_name;
  CancelOnInterrupt interrupt;
  run.request.cancel = interrupt.flag();
  run.request.poll = PollOptionsFromEnvironment(ctx);
  if (!run.yes) {
    run.request.confirm = [&ctx, stack_name](const aws::ChangeSet&) {
      auto answer = Ask(ctx, "Deploy these changes to " + stack_name + "? Type yes to go on: ");
      return answer && *answer == "yes";
    };
  }
  ProgressPrinter progress(ctx.io, ctx.err, *session.clock, ctx.io.err_is_tty);
  engine::DeployClients clients = session.Clients();
  engine::DeployRun use_case{
      .cwd = ctx.io.cwd,
      .stack = run.stack,
      .request = std::move(run.request),
      .template_json = std::move(run.template_json),
      .operation = run.operation,
      .rollback_of = run.rollback_of,
      .lease = LeaseOptionsFromEnvironment(ctx, /*wait=*/false, interrupt.flag()),
      .renew_client = RenewClientFactory(session),
  };
  use_case.lease.wait = use_case.request.wait_if_busy;
  auto ran = engine::RunDeploy(clients, std::move(use_case), progress);
  if (!ran.ok()) {
    ctx.PrintError(ran.error());
    PrintCredentialsHint(ctx, ran.error());
    return ExitCodeFor(ran.error());
  }
  const engine::DeployOutcome* outcome = &ran->outcome;
  const engine::HistoryRecord& record = ran->record;
  base::Json json = {{"version", kJsonVersion},
                     {"stack", run.stack},
                     {"stackName", stack_name},
                     {"result", record.result}};
  int code = kExitOk;

  if (auto* deployed = std::get_if<engine::Deployed>(outcome)) {
    if (run.final_status != nullptr) *run.final_status = deployed->final_status;
    ctx.io.err << ctx.err.Green("✓") << " " << stack_name << " " << deployed->final_status << " in "
               << FormatDuration(deployed->duration) << "\n";
    if (ctx.global.json) {
      json["finalStatus"] = deployed->final_status;
      json["outputs"] = OutputsJson(deployed->outputs);
    } else {
      PrintOutputs(ctx, deployed->outputs);
    }
  } else if (auto* none = std::get_if<engine::NoChanges>(outcome)) {
    ctx.io.err << "no changes: " << stack_name << " is up to date\n";
    if (ctx.global.json) {
      json["outputs"] = OutputsJson(none->outputs);
    } else {
      PrintOutputs(ctx, none->outputs);
    }
  } else if (auto* failed = std::get_if<engine::Failed>(outcome)) {
    std::string where = failed->failed_resource.empty()
                            ? ""
                            : failed->failed_resource + " (" + failed->failed_resource_type + "): ";
    ctx.io.err << ctx.err.BoldRed("error:") << " deploy of " << stack_name << " failed: " << where
               << EscapeControls(failed->first_failure_reason) << "\n"
               << "  the stack ended in " << failed->final_status;
    if (failed->final_status == "UPDATE_ROLLBACK_COMPLETE") {
      ctx.io.err << ": rolled back, the previous deployment is in place";
    } else if (failed->final_status == "ROLLBACK_COMPLETE") {
      ctx.io.err << ": nothing was created; the next rex up starts over";
    }
    ctx.io.err << "\n";
    json["finalStatus"] = failed->final_status;
    json["failureReason"] = failed->first_failure_reason;
    json["failedResource"] = failed->failed_resource;
    code = kExitFailed;
  } else if (auto* cancelled = std::get_if<engine::Cancelled>(outcome)) {
    if (cancelled->executed) {
      ctx.io.err << "stopped following " << stack_name
                 << "; CloudFormation carries on with the deploy (last status "
                 << cancelled->stack_status << ").\nrun \"" << cancelled->resume
                 << "\" to follow it to the end, or \"rex status\" to look\n";
    } else {
      ctx.io.err << "stopped before anything was deployed; run \"" << cancelled->resume
                 << "\" to start again\n";
    }
    json["resume"] = cancelled->resume;
    code = kExitFailed;
  } else if (std::holds_alternative<engine::Declined>(*outcome)) {
    ctx.io.err << "not deployed: the change set was deleted and nothing changed\n";
    code = kExitFailed;
  } else if (auto* blocked = std::get_if<engine::Blocked>(outcome)) {
    ctx.PrintError(base::FailedPrecondition(engine::DataLossMessage(
        blocked->report, "CloudFormation's change set " + blocked->change_set_name +
                             " says so; it was deleted and nothing was deployed")));
    json["dataLoss"] = DataLossJson(blocked->report);
    code = kExitFailed;
  }
  if (ctx.global.json) ctx.io.out << base::DumpJson(json);
  return code;
}

}  // namespace rex::cli
