#include "ops/logs.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>
#include <vector>

#include "aws/http.h"
#include "base/check.h"
#include "engine/deploy.h"

namespace rex::ops {
namespace {

bool Transient(const base::Status& s) {
  return s.code() == base::Code::kUnavailable || s.code() == base::Code::kDeadlineExceeded;
}

// Every page of one FilterLogEvents query, sorted by time (stable).
base::Result<std::vector<aws::LogEvent>> FetchAll(aws::LogsClient& logs, const LogsRequest& r,
                                                  std::optional<int64_t> start_ms) {
  std::vector<aws::LogEvent> events;
  aws::FilterLogEventsRequest request{
      .log_group_name = r.log_group, .start_time_ms = start_ms, .filter_pattern = r.filter_pattern};
  // A page may be empty while nextToken is still set; the bound only guards against a
  // service that never stops answering with a token.
  for (int page = 0; page < 100000; ++page) {
    auto answer = logs.FilterLogEvents(request);
    if (!answer.ok()) {
      if (answer.error().code() == base::Code::kNotFound) {
        return base::NotFound("log group " + r.log_group + " does not exist");
      }
      return std::move(answer).error();
    }
    for (aws::LogEvent& e : answer->events) events.push_back(std::move(e));
    if (answer->next_token.empty()) break;
    request.next_token = answer->next_token;
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const aws::LogEvent& a, const aws::LogEvent& b) {
                     return a.timestamp_ms < b.timestamp_ms;
                   });
  return events;
}

}  // namespace

base::Result<size_t> ReadLogs(Session& session, const LogsRequest& request, LogSink& sink) {
  REX_CHECK(session.logs != nullptr && session.clock != nullptr);
  size_t passed = 0;
  // eventId by timestamp, so ids older than the lookback window can be forgotten.
  std::multimap<int64_t, std::string> seen_by_time;
  std::set<std::string> seen;
  int64_t newest = request.start_ms.value_or(0);
  auto emit = [&](const std::vector<aws::LogEvent>& events) {
    size_t fresh = 0;
    for (const aws::LogEvent& e : events) {
      if (!e.event_id.empty()) {
        if (!seen.insert(e.event_id).second) continue;
        seen_by_time.emplace(e.timestamp_ms, e.event_id);
      }
      sink.OnEvent(e);
      newest = std::max(newest, e.timestamp_ms);
      ++fresh;
    }
    // Keep only the ids a later poll can still return.
    const int64_t horizon = newest - request.lookback.count() - 1000;
    while (!seen_by_time.empty() && seen_by_time.begin()->first < horizon) {
      seen.erase(seen_by_time.begin()->second);
      seen_by_time.erase(seen_by_time.begin());
    }
    passed += fresh;
    return fresh;
  };

  REX_ASSIGN_OR_RETURN(std::vector<aws::LogEvent> first,
                       FetchAll(*session.logs, request, request.start_ms));
  emit(first);
  if (!request.follow) return passed;

  engine::Backoff backoff(*session.clock, session.poll, session.cancel);
  int failures_in_a_row = 0;
  while (backoff.Sleep()) {
    std::optional<int64_t> from = request.start_ms;
    if (newest > 0) {
      int64_t back = newest - request.lookback.count();
      from = request.start_ms ? std::max(*request.start_ms, back) : back;
    }
    auto events = FetchAll(*session.logs, request, from);
    if (!events.ok()) {
      if (Transient(events.error()) &&
          ++failures_in_a_row <= session.poll.tolerated_poll_failures) {
        continue;
      }
      return std::move(events).error();
    }
    failures_in_a_row = 0;
    if (emit(*events) > 0) backoff.Reset();
  }
  return passed;
}

base::Result<int64_t> ParseSince(std::string_view text, std::chrono::system_clock::time_point now) {
  auto bad = [&] {
    return base::InvalidArgument("--since \"" + std::string(text) +
                                 "\" is not a duration or a time; use e.g. 30s, 10m, 1h, 2d, 1w "
                                 "or an ISO-8601 time such as 2026-11-27T03:00:00Z");
  };
  const int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  if (text.size() >= 2 && std::isdigit(static_cast<unsigned char>(text[0])) &&
      text.find_first_not_of("0123456789") == text.size() - 1) {
    int64_t unit_ms = 0;
    switch (text.back()) {
      case 's':
        unit_ms = 1000;
        break;
      case 'm':
        unit_ms = 60 * 1000;
        break;
      case 'h':
        unit_ms = 3600 * 1000;
        break;
      case 'd':
        unit_ms = 24 * 3600 * 1000;
        break;
      case 'w':
        unit_ms = 7LL * 24 * 3600 * 1000;
        break;
      default:
        return bad();
    }
    std::string digits(text.substr(0, text.size() - 1));
    if (digits.size() > 9) return bad();
    return now_ms - std::stoll(digits) * unit_ms;
  }
  auto seconds = aws::ParseIso8601(text);
  if (!seconds.ok()) return bad();
  return static_cast<int64_t>(*seconds * 1000);
}

std::string FormatLogTime(int64_t epoch_ms) {
  std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
  int ms = static_cast<int>(epoch_ms % 1000);
  if (ms < 0) {
    ms += 1000;
    --seconds;
  }
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  return buf;
}

std::string ShortTaskId(std::string_view stream_name) {
  size_t slash = stream_name.rfind('/');
  std::string_view last =
      slash == std::string_view::npos ? stream_name : stream_name.substr(slash + 1);
  return std::string(last.substr(0, 8));
}

}  // namespace rex::ops
