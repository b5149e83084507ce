#pragma once

// `rex logs`: the events of one log group (a service's or a one-off task's), from every
// stream, merged in time order; optionally following new ones.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "aws/logs.h"
#include "base/result.h"
#include "ops/session.h"

namespace rex::ops {

struct LogsRequest {
  std::string log_group;
  // Events at or after this time (epoch ms). Default: all.
  std::optional<int64_t> start_ms = {};
  // CloudWatch Logs filter pattern (a term, "quoted words", or the pattern syntax). Default:
  // every event.
  std::string filter_pattern = {};
  // Keep polling for new events until Session::cancel is set. Default: false.
  bool follow = false;
  // Follow mode re-reads this far back (events can arrive with slightly older timestamps);
  // duplicates are dropped by eventId. Default: 10 s.
  std::chrono::milliseconds lookback = std::chrono::seconds(10);
};

// Receives events in time order (ties in the order CloudWatch answered).
class LogSink {
 public:
  virtual ~LogSink() = default;
  virtual void OnEvent(const aws::LogEvent& event) = 0;
};

// Reads every page of FilterLogEvents, then (follow) polls for new events with the session's
// backoff (Session::poll: from `initial` growing to `max` while nothing new comes, back to
// `initial` after new events), never passing the same eventId twice. Returns the number of
// events passed on; with follow it returns OK when cancelled (Ctrl-C ends cleanly).
// Errors: kNotFound "log group X does not exist" (ResourceNotFoundException), other AWS
// errors; in follow mode transient poll failures are tolerated as in RunOneOffTask.
base::Result<size_t> ReadLogs(Session& session, const LogsRequest& request, LogSink& sink);

// Parses --since: a duration back from `now` ("30s", "10m", "1h", "2d", "1w") or an ISO-8601
// time ("2026-11-27T03:00:00Z", "2026-11-27T03:00:00+01:00"). Returns epoch ms.
// kInvalidArgument naming the value and the accepted forms.
base::Result<int64_t> ParseSince(std::string_view text, std::chrono::system_clock::time_point now);

// "HH:MM:SS.mmm" in UTC for epoch ms.
std::string FormatLogTime(int64_t epoch_ms);

// The task id of an awslogs stream name ("api/api/0123456789abcdef..." → "01234567"): the
// last segment's first 8 characters; the whole last segment when it is shorter.
std::string ShortTaskId(std::string_view stream_name);

}  // namespace rex::ops
