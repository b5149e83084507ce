#pragma once

// What the deploy commands (`rex up`, `rex rollback`, `rex bootstrap`, `rex destroy`,
// `rex outputs`) share: the live progress renderer (an engine::DeployObserver: the engine
// reports, only the CLI prints), the AWS session built from the global flags, Ctrl-C handling,
// the mapping of config secrets to NoEcho parameters, and the run-a-deploy-and-report step.
//
// Progress goes to stderr (io.err); data (the plan, outputs, --json documents) to stdout.

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "aws/cloudformation.h"
#include "aws/credentials.h"
#include "aws/ecr.h"
#include "aws/s3.h"
#include "aws/transport.h"
#include "base/clock.h"
#include "cli/command.h"
#include "config/config.h"
#include "engine/deploy.h"
#include "engine/history.h"
#include "engine/observer.h"

namespace rex::cli {

// Renders deploy progress. On a terminal (io.err_is_tty) every resource has one line that is
// rewritten in place (ANSI cursor movement) as its status changes, with the elapsed time; else
// each event is one plain line "[  12s] Logical  Type  STATUS  reason". Steps and notes are
// plain lines either way. Never prints a secret: nothing it receives holds one.
class ProgressPrinter : public engine::DeployObserver {
 public:
  ProgressPrinter(Io& io, const Style& style, base::Clock& clock, bool terminal);

  void OnStep(std::string_view step) override;
  void OnWaitingForStack(std::string_view stack_name, std::string_view status) override;
  void OnChangeSetCreated(const engine::ChangeSetInfo& info) override;
  void OnPlan(const aws::ChangeSet& change_set) override;
  void OnExecuteStarted(std::string_view stack_name,
                        std::chrono::steady_clock::time_point started) override;
  void OnResourceEvent(const engine::StackEvent& event) override;
  void OnStackStatus(std::string_view status, std::string_view reason) override;
  void OnNote(std::string_view note) override;
  void OnWarning(std::string_view warning) override;

 private:
  struct Row {
    std::string id;  // nested path + logical id
    std::string type;
    std::string status;
    std::string reason;
    std::string elapsed;
  };
  std::string Elapsed() const;
  std::string RenderRow(const Row& row) const;
  void Redraw();
  // Ends the in-place block so the next plain line does not overwrite it.
  void CloseBlock();

  Io& io_;
  Style style_;
  base::Clock& clock_;
  bool terminal_;
  std::optional<std::chrono::steady_clock::time_point> started_;
  std::vector<Row> rows_;
  size_t drawn_ = 0;  // lines of the block currently on screen
};

// "12s", "1m05s", "2h03m".
std::string FormatDuration(std::chrono::milliseconds duration);

// The AWS clients of one command, built from the global flags and the environment.
struct AwsSession {
  std::string region;
  std::unique_ptr<aws::HttpTransport> transport;
  std::unique_ptr<aws::CredentialsProvider> credentials;
  std::unique_ptr<aws::CloudFormationClient> cfn;
  std::unique_ptr<aws::S3Client> s3;
  std::unique_ptr<aws::EcrClient> ecr;
  base::Clock* clock = nullptr;

  engine::DeployClients Clients() { return engine::DeployClients{*cfn, *clock, s3.get()}; }
};

// Region (aws::ResolveRegion: the region of the stack config file stacks/<stack>.yaml is
// authoritative, and --region, AWS_REGION, AWS_DEFAULT_REGION or a profile region that
// differs from it is kInvalidArgument naming both; without a config file, or for a built-in
// preset, --region, AWS_REGION, AWS_DEFAULT_REGION, the profile's region, then the preset's
// region), credentials (the AWS CLI default chain with --profile), --endpoint-url, retries
// (AWS_MAX_ATTEMPTS) and the HTTP timeouts: REX_CONNECT_TIMEOUT (default 10 s) to connect,
// REX_READ_TIMEOUT (default 30 s) without a byte of the answer, REX_HTTP_TIMEOUT seconds for a
// whole exchange (default 60). On a terminal (stderr, not --json) a slow answer shows what rex
// waits for (cli/wait_spinner.h). `config` may be null (rex bootstrap without a
// stack config). kInvalidArgument for bad flags or settings. Warns (aws::PlainHttpWarning) for
// a plain-http --endpoint-url to another machine. Ctrl-C / SIGTERM under a CancelOnInterrupt
// end a retry backoff at once.
base::Result<std::unique_ptr<AwsSession>> OpenAwsSession(const Context& ctx,
                                                         const config::Config* config);

// The transport OpenAwsSession wraps around curl: every request gets `timeout` as its total
// timeout (and at most that to connect), except a request whose caller set a timeout shorter
// than aws::HttpRequest's default (instance metadata, container credentials: 1-2 s), which
// keeps its own, so REX_HTTP_TIMEOUT never stretches them.
std::unique_ptr<aws::HttpTransport> NewTimeoutTransport(std::unique_ptr<aws::HttpTransport> inner,
                                                        std::chrono::milliseconds timeout);

// How rex reaches the network, as the AWS CLI does: HTTPS_PROXY, HTTP_PROXY, NO_PROXY (upper
// or lower case) and AWS_CA_BUNDLE (a PEM file trusted in addition to the system store;
// relative to the working folder); the connect and read timeouts (aws::TimeoutsFromEnvironment:
// REX_CONNECT_TIMEOUT, REX_READ_TIMEOUT). kInvalidArgument naming AWS_CA_BUNDLE or the timeout
// variable when it cannot be used.
base::Result<aws::CurlTransportOptions> TransportOptionsFromEnvironment(const Context& ctx);

// Poll intervals: the engine defaults, or REX_POLL_INTERVAL_MS (the first interval and the cap
// at 5 × that) for emulators and tests.
engine::PollOptions PollOptionsFromEnvironment(const Context& ctx);

// The config secrets by the name of the NoEcho parameter they feed (what
// engine::ParametersForTemplate matches against the template's parameter ids):
//   "DbMasterPassword"   ← dbMasterPassword   (stack::Database::kDbMasterPasswordParameter)
//   "SupertokensApiKey"  ← supertokensApiKey  (stack::AppSecrets::kSupertokensApiKeyParameter)
//   "GithubToken"        ← githubToken        (stack::AppSecrets::kGithubTokenParameter)
// Only secrets that are set are included. The values are secrets: never print the map.
std::map<std::string, std::string> ConfigSecrets(const config::Config& config);

// Ctrl-C (SIGINT) or SIGTERM while an instance lives sets cancelled() instead of killing rex (a
// second signal does), so the engine stops following, deletes a change set it has not executed,
// releases the deploy lease, and the command can say how to resume. The previous SIGINT and
// SIGTERM dispositions are restored by the destructor. Instances nest: an inner one (rex up run
// by rex redeploy --image-tag) shares the outer one's flag, so a signal that came before it
// still counts, and only the outermost restores the dispositions. One thread at a time.
class CancelOnInterrupt {
 public:
  CancelOnInterrupt();
  ~CancelOnInterrupt();
  CancelOnInterrupt(const CancelOnInterrupt&) = delete;
  CancelOnInterrupt& operator=(const CancelOnInterrupt&) = delete;
  const std::atomic<bool>* flag() const;
};

// Reads one line from io.in after printing `prompt` to io.err; nullopt at end of input, and
// (reading the process's stdin) when Ctrl-C or SIGTERM arrives under a CancelOnInterrupt while
// it waits.
std::optional<std::string> Ask(Context& ctx, const std::string& prompt);

// kInvalidArgument "<command> needs --yes when stdin is not a terminal (nothing was changed)"
// unless `yes` or stdin is a terminal.
base::Status RequireYesWithoutTerminal(const Context& ctx, bool yes, std::string_view command);

// For kUnauthenticated from AWS (an answer with an error code, e.g. ExpiredToken): a note saying
// the credentials were refused and should be refreshed. Nothing for a credential chain error
// ("no AWS credentials found (tried: ...)"): no AWS answer refused anything.
void PrintCredentialsHint(const Context& ctx, const base::Status& status);

// A deploy as `rex up` and `rex rollback` run it.
struct DeployRun {
  std::string stack;  // config name ("dev"), for .rex/
  engine::DeployRequest request;
  base::Json template_json;  // what request.template_body holds
  bool yes = false;
  std::string operation = "up";  // for history
  std::optional<int> rollback_of = {};
  // When set, receives the stack's final status of a deploy that ran (CREATE_COMPLETE tells a
  // creation, which `rex up` follows with the database bootstrap). Default: not reported.
  std::string* final_status = nullptr;
};

// Runs the deploy use case (engine/deploy_run.h: stack lock, bootstrap bucket, the team's
// deploy lease, engine::Deploy, history and the deployed-template cache) with live progress,
// Ctrl-C handling, the lease settings of the environment (cli/team.h) and (unless run.yes) a
// typed confirmation, then reports: outputs on success (stdout; --json: one document), the
// first failure reason first on failure, how to resume on Ctrl-C. A lease held by another rex
// is exit 1 naming its holder. Returns the exit code.
int RunDeploy(Context& ctx, AwsSession& session, DeployRun run);

// The findings of the data-loss guard for --json documents: [{"logicalId", "type", "path",
// "cause", "detail", "source": "plan"|"change-set"}].
base::Json DataLossJson(const engine::DataLossReport& report);

// Prints outputs to stdout: a two-column table (key, value), or a JSON object {key: value}
// with --json.
void PrintOutputs(Context& ctx, const std::vector<aws::CfnOutput>& outputs);

}  // namespace rex::cli
