#include "engine/deploy_run.h"

#include <utility>
#include <variant>

#include "engine/bootstrap.h"
#include "engine/lock.h"
#include "engine/state.h"

namespace rex::engine {
namespace {

std::string OutcomeName(const DeployOutcome& outcome) {
  struct Visitor {
    std::string operator()(const Deployed&) const { return "deployed"; }
    std::string operator()(const NoChanges&) const { return "no-changes"; }
    std::string operator()(const Failed&) const { return "failed"; }
    std::string operator()(const Cancelled&) const { return "cancelled"; }
    std::string operator()(const Declined&) const { return "declined"; }
    std::string operator()(const Blocked&) const { return "blocked"; }
  };
  return std::visit(Visitor{}, outcome);
}

// What the outcome adds to the history record.
void Describe(const DeployOutcome& outcome, HistoryRecord& record) {
  record.result = OutcomeName(outcome);
  if (const auto* deployed = std::get_if<Deployed>(&outcome)) {
    record.change_set_id = deployed->change_set_id;
    record.final_status = deployed->final_status;
  } else if (const auto* failed = std::get_if<Failed>(&outcome)) {
    record.change_set_id = failed->change_set_id;
    record.final_status = failed->final_status;
    record.failure_reason = failed->first_failure_reason;
    record.failed_resource = failed->failed_resource;
  } else if (const auto* cancelled = std::get_if<Cancelled>(&outcome)) {
    record.change_set_id = cancelled->change_set_id;
    record.final_status = cancelled->stack_status;
  } else if (const auto* blocked = std::get_if<Blocked>(&outcome)) {
    record.failure_reason = "data loss: " + blocked->report.Names();
  }
}

}  // namespace

// ---------------------------------------------------------------- lease

LeaseHold::LeaseHold(std::unique_ptr<aws::S3Client> renew_client,
                     std::unique_ptr<DeployLease> lease, std::function<void(std::string_view)> warn)
    : renew_client_(std::move(renew_client)), lease_(std::move(lease)), warn_(std::move(warn)) {
  if (lease_ && renew_client_) lease_->StartRenewing(*renew_client_);
}

LeaseHold::~LeaseHold() {
  if (!lease_) return;
  base::Status released = lease_->Release();
  if (warn_ && lease_->lost()) {
    warn_("the deploy lease of " + lease_->info().stack_name +
          " was broken (rex unlock) or taken over by another rex while this one ran");
  } else if (warn_ && !released.ok()) {
    warn_("the deploy lease was not released (" + released.message() + "); it expires by itself");
  }
  lease_.reset();  // stops the renewer before its client goes
  renew_client_.reset();
}

base::Result<std::unique_ptr<LeaseHold>> TakeDeployLease(
    aws::S3Client* s3, base::Clock& clock, const std::string& bucket, const std::string& stack_name,
    const std::string& command, LeaseOptions options,
    const std::function<std::unique_ptr<aws::S3Client>()>& renew_client, DeployObserver& observer) {
  auto warn = [&observer](std::string_view text) { observer.OnWarning(text); };
  if (bucket.empty() || s3 == nullptr) {
    observer.OnNote(
        "the deploy lock is local to this folder (no bootstrap bucket): a rex on another "
        "machine is stopped only by CloudFormation refusing a stack that is busy; \"rex "
        "bootstrap\" creates the bucket that holds a lock for the whole team");
    return std::make_unique<LeaseHold>(nullptr, nullptr, warn);
  }
  options.note = [&observer](std::string_view note) { observer.OnNote(note); };
  REX_ASSIGN_OR_RETURN(
      std::unique_ptr<DeployLease> lease,
      DeployLease::Acquire(*s3, clock, bucket, ThisProcess(stack_name, command), options));
  return std::make_unique<LeaseHold>(renew_client ? renew_client() : nullptr, std::move(lease),
                                     warn);
}

// ---------------------------------------------------------------- history

void RecordHistory(const std::string& cwd, aws::S3Client* s3, const std::string& bucket,
                   const std::string& config_name, HistoryRecord& record,
                   DeployObserver& observer) {
  HistoryStore local(cwd, config_name);
  if (record.host.empty() && record.user.empty()) {
    LeaseInfo self = ThisProcess(record.stack_name, "");
    record.host = self.host;
    record.user = self.user;
  }
  if (s3 != nullptr && !bucket.empty()) {
    BucketHistory shared(*s3, bucket, record.stack_name);
    auto number = shared.Append(record);
    if (number.ok()) {
      base::Status cached = local.WriteCache(record);
      if (!cached.ok()) {
        observer.OnWarning("local copy of the history not written: " + cached.message());
      }
      return;
    }
    observer.OnWarning("deploy history not recorded in the bucket (" + number.error().message() +
                       "); recording it in " + local.RelativeDir() + " only");
  }
  auto number = local.Append(record);
  if (!number.ok()) observer.OnWarning("deploy history not recorded: " + number.error().message());
}

// ---------------------------------------------------------------- the use case

base::Result<DeployRunResult> RunDeploy(DeployClients& clients, DeployRun run,
                                        DeployObserver& observer) {
  REX_ASSIGN_OR_RETURN(StackLock lock,
                       StackLock::Acquire(run.cwd, run.stack));  // held until return
  const std::string stack_name = run.request.stack_name;
  base::Result<std::optional<std::string>> bucket = FindBootstrapBucket(clients.cfn);
  if (!bucket.ok()) return bucket.error().WithContext("deploy " + stack_name);
  if (bucket->has_value()) run.request.template_bucket = **bucket;

  std::string lease_command = "rex " + run.operation;
  if (run.rollback_of) lease_command += " " + std::to_string(*run.rollback_of);
  REX_ASSIGN_OR_RETURN(
      std::unique_ptr<LeaseHold> lease,
      TakeDeployLease(clients.s3, clients.clock, run.request.template_bucket, stack_name,
                      lease_command, run.lease, run.renew_client, observer));

  DeployRunResult result;
  HistoryRecord& record = result.record;
  record.stack_name = stack_name;
  record.operation = run.operation;
  record.rollback_of = run.rollback_of;
  record.template_json = run.template_json;
  record.parameters = RedactedParameters(run.request.parameters);
  record.start_time = clients.clock.Now();

  const std::string bucket_name = run.request.template_bucket;
  base::Result<DeployOutcome> outcome = Deploy(clients, run.request, observer);
  record.end_time = clients.clock.Now();
  if (!outcome.ok()) {
    record.result = "error";
    record.failure_reason = outcome.error().message();
    RecordHistory(run.cwd, clients.s3, bucket_name, run.stack, record, observer);
    return outcome.error();
  }
  Describe(*outcome, record);
  if (std::holds_alternative<Deployed>(*outcome) || std::holds_alternative<NoChanges>(*outcome)) {
    base::Status s = StateStore(run.cwd).WriteDeployedTemplate(run.stack, run.template_json);
    if (!s.ok()) observer.OnWarning("deployed template not recorded: " + s.message());
  }
  RecordHistory(run.cwd, clients.s3, bucket_name, run.stack, record, observer);
  result.outcome = std::move(*outcome);
  return result;
}

}  // namespace rex::engine
