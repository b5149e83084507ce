#include "engine/lease.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <random>

#include "aws/http.h"
#include "engine/record_fields.h"

namespace rex::engine {

namespace {

std::string RandomId() {
  std::random_device device;
  std::mt19937_64 gen(device());
  char buffer[40];
  std::snprintf(buffer, sizeof(buffer), "%016llx", static_cast<unsigned long long>(gen()));
  return buffer;
}

std::string Where(const std::string& bucket, const std::string& stack_name) {
  return "s3://" + bucket + "/" + LeaseKey(stack_name);
}

std::string Body(const LeaseInfo& info) { return base::DumpJson(LeaseToJson(info)); }

// Sleeps `total` in slices so that `cancel` is noticed within 100 ms. False when cancelled.
bool SleepUnlessCancelled(base::Clock& clock, std::chrono::milliseconds total,
                          const std::atomic<bool>* cancel) {
  const std::chrono::milliseconds slice(100);
  while (total.count() > 0) {
    if (cancel != nullptr && cancel->load()) return false;
    std::chrono::milliseconds step = std::min(total, slice);
    clock.SleepFor(step);
    total -= step;
  }
  return cancel == nullptr || !cancel->load();
}

}  // namespace

base::Json LeaseToJson(const LeaseInfo& info) {
  return {{"version", 1},
          {"stackName", info.stack_name},
          {"holder", info.holder},
          {"host", info.host},
          {"user", info.user},
          {"pid", info.pid},
          {"command", info.command},
          {"acquired", IsoTime(info.acquired)},
          {"expires", IsoTime(info.expires)}};
}

base::Result<LeaseInfo> LeaseFromJson(const base::Json& j, std::string_view what) {
  auto bad = [&](std::string_view why) {
    return base::InvalidArgument(std::string(what) + ": " + std::string(why));
  };
  if (!j.is_object()) return bad("not a deploy lease (expected a JSON object)");
  LeaseInfo info;
  info.stack_name = StringField(j, "stackName");
  info.holder = StringField(j, "holder");
  info.host = StringField(j, "host");
  info.user = StringField(j, "user");
  auto pid = j.find("pid");
  if (pid != j.end() && pid->is_number_integer()) info.pid = pid->get<int>();
  info.command = StringField(j, "command");
  auto acquired = TimeField(j, "acquired");
  auto expires = TimeField(j, "expires");
  if (info.holder.empty() || !expires) return bad("holder and expires are required");
  info.acquired = acquired.value_or(std::chrono::system_clock::time_point{});
  info.expires = *expires;
  return info;
}

std::string LeaseKey(const std::string& stack_name) { return "locks/" + stack_name + ".json"; }

std::string DescribeLease(const LeaseInfo& info, std::chrono::system_clock::time_point now) {
  std::string who = (info.user.empty() ? "someone" : info.user) + "@" +
                    (info.host.empty() ? "unknown host" : info.host);
  std::string out = who + " (pid " + std::to_string(info.pid) + ") running \"" +
                    (info.command.empty() ? "rex" : info.command) + "\" since " +
                    IsoTime(info.acquired) + ", lease " +
                    (info.expires <= now ? "expired at " : "expires ") + IsoTime(info.expires);
  return out;
}

LeaseInfo ThisProcess(const std::string& stack_name, const std::string& command) {
  LeaseInfo info;
  info.stack_name = stack_name;
  info.holder = RandomId();
  char host[256] = {};
  if (::gethostname(host, sizeof(host) - 1) == 0) info.host = host;
  if (const char* user = std::getenv("USER"); user != nullptr && *user != '\0') {
    info.user = user;
  } else if (const struct passwd* pw = ::getpwuid(::getuid()); pw != nullptr) {
    info.user = pw->pw_name;
  }
  info.pid = static_cast<int>(::getpid());
  info.command = command;
  return info;
}

base::Result<std::optional<StoredLease>> ReadLease(aws::S3Client& s3, const std::string& bucket,
                                                   const std::string& stack_name) {
  auto object = s3.GetObject(bucket, LeaseKey(stack_name));
  if (!object.ok()) {
    if (object.error().code() == base::Code::kNotFound) return std::optional<StoredLease>();
    return std::move(object).error().WithContext("read the deploy lease");
  }
  StoredLease stored;
  stored.etag = object->etag;
  auto json = base::ParseJson(object->body, Where(bucket, stack_name));
  auto info = json.ok() ? LeaseFromJson(*json, Where(bucket, stack_name))
                        : base::Result<LeaseInfo>(json.error());
  if (info.ok()) {
    stored.info = std::move(*info);
  } else {
    stored.valid = false;
  }
  return std::optional<StoredLease>(std::move(stored));
}

base::Status BreakLease(aws::S3Client& s3, const std::string& bucket, const std::string& stack_name,
                        const std::string& etag) {
  base::Status deleted = s3.DeleteObject(bucket, LeaseKey(stack_name), "", etag);
  if (deleted.ok() || deleted.code() == base::Code::kNotFound) return base::Status::Ok();
  if (aws::IsPreconditionFailed(deleted)) {
    return base::FailedPrecondition("the lease of " + stack_name +
                                    " changed while you looked at it (its holder renewed it or "
                                    "another rex took it); nothing was removed: run rex unlock "
                                    "again to see the current holder");
  }
  return deleted.WithContext("remove " + Where(bucket, stack_name));
}

// ---------------------------------------------------------------- DeployLease

DeployLease::DeployLease(aws::S3Client& s3, base::Clock& clock, std::string bucket, LeaseInfo info,
                         std::string etag, std::chrono::seconds ttl)
    : s3_(s3),
      clock_(clock),
      bucket_(std::move(bucket)),
      ttl_(ttl),
      info_(std::move(info)),
      etag_(std::move(etag)) {}

base::Result<std::unique_ptr<DeployLease>> DeployLease::Acquire(aws::S3Client& s3,
                                                                base::Clock& clock,
                                                                const std::string& bucket,
                                                                LeaseInfo self,
                                                                const LeaseOptions& options) {
  const std::string key = LeaseKey(self.stack_name);
  const std::string where = Where(bucket, self.stack_name);
  bool said_waiting = false;
  // Races lost to other writers without waiting (each one a 412 or a vanished object).
  int races = 0;
  constexpr int kMaxRaces = 10;
  while (true) {
    if (options.cancel != nullptr && options.cancel->load()) {
      return base::Cancelled("stopped waiting for the deploy lease of " + self.stack_name);
    }
    self.acquired = clock.Now();
    self.expires = self.acquired + options.ttl;
    auto created = s3.PutObject({.bucket = bucket,
                                 .key = key,
                                 .body = Body(self),
                                 .content_type = "application/json",
                                 .if_none_match = "*"});
    if (created.ok()) {
      return std::unique_ptr<DeployLease>(
          new DeployLease(s3, clock, bucket, std::move(self), created->etag, options.ttl));
    }
    if (!aws::IsPreconditionFailed(created.error())) {
      return std::move(created).error().WithContext("take the deploy lease " + where);
    }
    // Someone holds it: who, and is it still valid?
    REX_ASSIGN_OR_RETURN(std::optional<StoredLease> current,
                         ReadLease(s3, bucket, self.stack_name));
    if (!current) {
      if (++races > kMaxRaces) break;
      continue;  // released in between: try again
    }
    auto now = clock.Now();
    if (!current->valid) {
      return base::FailedPrecondition("stack " + self.stack_name + " is locked by " + where +
                                      ", which is not a rex deploy lease; look at it, then "
                                      "\"rex unlock\" removes it");
    }
    if (current->info.expires <= now) {
      self.acquired = now;
      self.expires = now + options.ttl;
      auto taken = s3.PutObject({.bucket = bucket,
                                 .key = key,
                                 .body = Body(self),
                                 .content_type = "application/json",
                                 .if_match = current->etag});
      if (taken.ok()) {
        if (options.note) {
          options.note("took over the expired deploy lease of " + self.stack_name + " held by " +
                       DescribeLease(current->info, now) +
                       " (that rex stopped without releasing it)");
        }
        return std::unique_ptr<DeployLease>(
            new DeployLease(s3, clock, bucket, std::move(self), taken->etag, options.ttl));
      }
      if (!aws::IsPreconditionFailed(taken.error()) &&
          taken.error().code() != base::Code::kNotFound) {
        return std::move(taken).error().WithContext("take over the deploy lease " + where);
      }
      if (++races > kMaxRaces) break;
      continue;  // another rex renewed or took it first
    }
    if (!options.wait) {
      return base::FailedPrecondition(
          "stack " + self.stack_name + " is locked: " + DescribeLease(current->info, now) +
          ". Wait for it to finish (rex up --wait waits), or, if that rex is gone, run \"rex "
          "unlock\" (the lease also expires by itself)");
    }
    if (!said_waiting && options.note) {
      options.note("waiting for the deploy lease of " + self.stack_name + ", held by " +
                   DescribeLease(current->info, now) + " (Ctrl-C stops waiting)");
      said_waiting = true;
    }
    if (!SleepUnlessCancelled(clock, options.poll, options.cancel)) {
      return base::Cancelled("stopped waiting for the deploy lease of " + self.stack_name);
    }
  }
  return base::Aborted("could not take the deploy lease " + where + ": other rex kept taking it");
}

DeployLease::~DeployLease() {
  StopRenewer();
  (void)Release();
}

base::Status DeployLease::RenewWith(aws::S3Client& s3) {
  // Held across the call: a Release waits for a renewal in flight.
  std::lock_guard<std::mutex> lock(mu_);
  if (lost_ || released_) return base::Status::Ok();
  LeaseInfo next = info_;
  next.expires = clock_.Now() + ttl_;
  auto put = s3.PutObject({.bucket = bucket_,
                           .key = LeaseKey(info_.stack_name),
                           .body = Body(next),
                           .content_type = "application/json",
                           .if_match = etag_});
  if (put.ok()) {
    info_ = std::move(next);
    etag_ = put->etag;
    return base::Status::Ok();
  }
  if (aws::IsPreconditionFailed(put.error()) || put.error().code() == base::Code::kNotFound) {
    lost_ = true;
    return base::FailedPrecondition("the deploy lease of " + info_.stack_name +
                                    " was broken (rex unlock) or taken over by another rex");
  }
  return std::move(put).error().WithContext("renew the deploy lease " +
                                            Where(bucket_, info_.stack_name));
}

base::Status DeployLease::Renew() { return RenewWith(s3_); }

base::Status DeployLease::Release() {
  std::lock_guard<std::mutex> lock(mu_);
  if (lost_ || released_) return base::Status::Ok();
  released_ = true;
  base::Status deleted = s3_.DeleteObject(bucket_, LeaseKey(info_.stack_name), "", etag_);
  if (deleted.ok() || deleted.code() == base::Code::kNotFound) return base::Status::Ok();
  if (aws::IsPreconditionFailed(deleted)) {
    lost_ = true;
    return base::FailedPrecondition("the deploy lease of " + info_.stack_name +
                                    " was taken over by another rex; left it in place");
  }
  return deleted.WithContext("release the deploy lease " + Where(bucket_, info_.stack_name));
}

void DeployLease::StartRenewing(aws::S3Client& s3) {
  if (renewer_.joinable()) return;
  const auto period = std::chrono::duration_cast<std::chrono::milliseconds>(ttl_) / 3;
  renewer_ = std::thread([this, &s3, period] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_) {
      if (stop_cv_.wait_for(lock, period, [this] { return stop_; })) break;
      lock.unlock();
      (void)RenewWith(s3);  // a lost lease is reported by lost(); errors retry next period
      lock.lock();
    }
  });
}

void DeployLease::StopRenewer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  stop_cv_.notify_all();
  if (renewer_.joinable()) renewer_.join();
}

bool DeployLease::lost() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lost_;
}

LeaseInfo DeployLease::info() const {
  std::lock_guard<std::mutex> lock(mu_);
  return info_;
}

std::string DeployLease::etag() const {
  std::lock_guard<std::mutex> lock(mu_);
  return etag_;
}

}  // namespace rex::engine
