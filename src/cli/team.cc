#include "cli/team.h"

#include <cstdlib>

#include "base/clock.h"
#include "cli/stack_select.h"
#include "engine/bootstrap.h"
#include "stack/rex_stack.h"

namespace rex::cli {

namespace {

std::string Env(const Context& ctx, const char* name) {
  if (!ctx.io.getenv) return "";
  return ctx.io.getenv(name).value_or("");
}

std::chrono::seconds LeaseTtl(const Context& ctx) {
  std::string text = Env(ctx, "REX_LEASE_TTL_SECONDS");
  if (!text.empty()) {
    char* end = nullptr;
    long value = std::strtol(text.c_str(), &end, 10);
    if (end != text.c_str() && *end == '\0' && value >= 10 && value <= 3600) {
      return std::chrono::seconds(value);
    }
  }
  return engine::kDefaultLeaseTtl;
}

std::chrono::milliseconds LeasePoll(const Context& ctx) {
  if (!Env(ctx, "REX_POLL_INTERVAL_MS").empty()) return PollOptionsFromEnvironment(ctx).max;
  return std::chrono::milliseconds(5000);
}

// A record's JSON without "stack" (the config name of the folder that wrote it, which may
// differ between folders for one stack name).
std::optional<base::Json> Comparable(const std::string& text, const std::string& what) {
  auto json = base::ParseJson(text, what);
  if (!json.ok() || !json->is_object()) return std::nullopt;
  json->erase("stack");
  return std::move(*json);
}

}  // namespace

// ---------------------------------------------------------------- lease

LeaseHold::LeaseHold(Context& ctx, std::unique_ptr<aws::S3Client> renew_client,
                     std::unique_ptr<engine::DeployLease> lease)
    : ctx_(ctx), renew_client_(std::move(renew_client)), lease_(std::move(lease)) {
  if (lease_ && renew_client_) lease_->StartRenewing(*renew_client_);
}

LeaseHold::~LeaseHold() {
  if (!lease_) return;
  base::Status released = lease_->Release();
  if (lease_->lost()) {
    ctx_.PrintWarning("the deploy lease of " + lease_->info().stack_name +
                      " was broken (rex unlock) or taken over by another rex while this one ran");
  } else if (!released.ok()) {
    ctx_.PrintWarning("the deploy lease was not released (" + released.message() +
                      "); it expires by itself");
  }
  lease_.reset();  // stops the renewer before its client goes
  renew_client_.reset();
}

base::Result<std::unique_ptr<LeaseHold>> TakeDeployLease(Context& ctx, AwsSession& session,
                                                         const std::string& bucket,
                                                         const std::string& stack_name,
                                                         const std::string& command, bool wait,
                                                         const std::atomic<bool>* cancel) {
  if (bucket.empty()) {
    ctx.PrintNote(
        "the deploy lock is local to this folder (no bootstrap bucket): a rex on another "
        "machine is stopped only by CloudFormation refusing a stack that is busy; \"rex "
        "bootstrap\" creates the bucket that holds a lock for the whole team");
    return std::make_unique<LeaseHold>(ctx, nullptr, nullptr);
  }
  engine::LeaseOptions options;
  options.ttl = LeaseTtl(ctx);
  options.wait = wait;
  options.poll = LeasePoll(ctx);
  options.cancel = cancel;
  options.note = [&ctx](std::string_view note) { ctx.PrintNote(note); };
  REX_ASSIGN_OR_RETURN(
      std::unique_ptr<engine::DeployLease> lease,
      engine::DeployLease::Acquire(*session.s3, *session.clock, bucket,
                                   engine::ThisProcess(stack_name, command), options));
  // The renewer's own client: AwsClient is thread-safe given a thread-safe transport and
  // credentials provider (the session's are, aws/transport.h and aws/credentials.h) and the
  // real clock.
  auto renew_client =
      std::make_unique<aws::S3Client>(session.s3->client().endpoint(), session.credentials.get(),
                                      *session.transport, base::SystemClock());
  return std::make_unique<LeaseHold>(ctx, std::move(renew_client), std::move(lease));
}

// ---------------------------------------------------------------- history

void RecordHistory(Context& ctx, aws::S3Client* s3, const std::string& bucket,
                   const std::string& config_name, engine::HistoryRecord& record) {
  engine::HistoryStore local(ctx.io.cwd, config_name);
  if (record.host.empty() && record.user.empty()) {
    engine::LeaseInfo self = engine::ThisProcess(record.stack_name, "");
    record.host = self.host;
    record.user = self.user;
  }
  if (s3 != nullptr && !bucket.empty()) {
    engine::BucketHistory shared(*s3, bucket, record.stack_name);
    auto number = shared.Append(record);
    if (number.ok()) {
      base::Status cached = local.WriteCache(record);
      if (!cached.ok())
        ctx.PrintWarning("local copy of the history not written: " + cached.message());
      return;
    }
    ctx.PrintWarning("deploy history not recorded in the bucket (" + number.error().message() +
                     "); recording it in " + local.RelativeDir() + " only");
  }
  auto number = local.Append(record);
  if (!number.ok()) ctx.PrintWarning("deploy history not recorded: " + number.error().message());
}

base::Result<HistoryListing> ListHistory(Context& ctx) {
  engine::HistoryStore local(ctx.io.cwd, ctx.global.stack);
  HistoryListing listing;
  listing.source = local.RelativeDir();
  auto local_only = [&](std::string why) -> base::Result<HistoryListing> {
    listing.local_only_reason = std::move(why);
    REX_ASSIGN_OR_RETURN(listing.records, local.List());
    return listing;
  };
  auto selected = SelectStack(ctx);
  if (!selected.ok()) {
    return local_only("the stack config could not be read (" + selected.error().message() + ")");
  }
  local = engine::HistoryStore(ctx.io.cwd, selected->name);
  listing.source = local.RelativeDir();
  auto session = OpenAwsSession(ctx, &selected->config);
  if (!session.ok()) return local_only("no AWS session (" + session.error().message() + ")");
  auto bucket = engine::FindBootstrapBucket(*(*session)->cfn);
  if (!bucket.ok()) {
    return local_only("could not look for the bootstrap bucket (" + bucket.error().message() + ")");
  }
  if (!bucket->has_value()) {
    return local_only(
        "no bootstrap bucket (\"rex bootstrap\" creates one; then every machine "
        "shares one history)");
  }
  const std::string stack_name = stack::StackName(selected->config);
  engine::BucketHistory shared(*(*session)->s3, **bucket, stack_name);
  listing.source = shared.Where();
  auto records = shared.List();
  if (!records.ok()) {
    if (records.error().code() == base::Code::kInvalidArgument) return records.error();
    return local_only("could not list " + shared.Where() + " (" + records.error().message() + ")");
  }
  listing.records = std::move(*records);
  for (const engine::HistoryRecord& r : listing.records) {
    auto cached = local.ReadText(r.number);
    if (cached.ok() && !cached->has_value()) (void)local.WriteCache(r);
  }
  return listing;
}

base::Result<engine::HistoryRecord> LoadRecordForRollback(Context& ctx, AwsSession& session,
                                                          const std::string& config_name,
                                                          const std::string& stack_name,
                                                          int number) {
  engine::HistoryStore local(ctx.io.cwd, config_name);
  auto bucket = engine::FindBootstrapBucket(*session.cfn);
  if (!bucket.ok()) return bucket.error().WithContext("look for the bootstrap bucket");
  if (!bucket->has_value()) {
    REX_ASSIGN_OR_RETURN(engine::HistoryRecord record, local.Load(number));
    ctx.PrintNote("deploy #" + std::to_string(number) + " comes from " + local.RelativeDir() +
                  " (no bootstrap bucket, so it was not checked against a shared history)");
    return record;
  }
  engine::BucketHistory shared(*session.s3, **bucket, stack_name);
  REX_ASSIGN_OR_RETURN(std::string text, shared.LoadText(number));
  const std::string key_where = "s3://" + **bucket + "/" + shared.Key(number);
  REX_ASSIGN_OR_RETURN(base::Json json, base::ParseJson(text, key_where));
  REX_ASSIGN_OR_RETURN(engine::HistoryRecord record,
                       engine::HistoryRecordFromJson(json, key_where));
  record.number = number;
  REX_ASSIGN_OR_RETURN(std::optional<std::string> cached, local.ReadText(number));
  const std::string local_path = local.RelativeDir() + "/" + engine::HistoryFileName(number);
  if (cached.has_value()) {
    auto mine = Comparable(*cached, local_path);
    auto theirs = Comparable(text, key_where);
    if (!mine || !theirs || *mine != *theirs) {
      return base::FailedPrecondition(
          "the local copy " + local_path + " differs from deploy #" + std::to_string(number) +
          " in " + key_where +
          "; the bucket is the shared history, so nothing was deployed. The local file was "
          "edited (or recorded before this folder used the bucket): remove it to roll back to "
          "the bucket's record");
    }
  } else {
    base::Status cached_now = local.WriteCache(record);
    if (!cached_now.ok()) ctx.PrintWarning("local copy not written: " + cached_now.message());
  }
  return record;
}

}  // namespace rex::cli
