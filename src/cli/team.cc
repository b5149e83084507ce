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

engine::LeaseOptions LeaseOptionsFromEnvironment(const Context& ctx, bool wait,
                                                 const std::atomic<bool>* cancel) {
  engine::LeaseOptions options;
  options.ttl = LeaseTtl(ctx);
  options.wait = wait;
  options.poll = LeasePoll(ctx);
  options.cancel = cancel;
  return options;
}

std::function<std::unique_ptr<aws::S3Client>()> RenewClientFactory(AwsSession& session) {
  return [&session] {
    return std::make_unique<aws::S3Client>(session.s3->client().endpoint(),
                                           session.credentials.get(), *session.transport,
                                           base::SystemClock());
  };
}

// ---------------------------------------------------------------- history

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
