#include "support/fake_logs.h"

#include <algorithm>
#include <cstdio>

namespace rex::testing {
namespace {

using base::Json;

std::string Str(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<int64_t> Int(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  return it->get<int64_t>();
}

// Offsets as page tokens; a bad token is the service's InvalidParameterException.
std::optional<size_t> Offset(const std::string& token, const char* prefix) {
  if (token.empty()) return 0;
  std::string p = prefix;
  if (token.rfind(p, 0) != 0) return std::nullopt;
  try {
    return static_cast<size_t>(std::stoull(token.substr(p.size())));
  } catch (...) {
    return std::nullopt;
  }
}

// A filter pattern as a plain term: "ERROR" or "\"connection refused\"" (quotes dropped).
std::string Term(std::string pattern) {
  if (pattern.size() >= 2 && pattern.front() == '"' && pattern.back() == '"') {
    pattern = pattern.substr(1, pattern.size() - 2);
  }
  return pattern;
}

}  // namespace

FakeLogs::FakeLogs(size_t page_size) : page_size_(page_size == 0 ? 1 : page_size) {}

void FakeLogs::SeedFromStack(const std::map<std::string, FakeAws::ResourceInfo>& resources) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [id, r] : resources) {
    if (r.type == "AWS::Logs::LogGroup") groups_[r.physical_id];
  }
}

void FakeLogs::Follow(FakeAws& aws, const std::string& stack) {
  aws.OnStackApplied([this, stack](const std::string& name,
                                   const std::map<std::string, FakeAws::ResourceInfo>& resources,
                                   const Json&) {
    if (name == stack) SeedFromStack(resources);
  });
}

void FakeLogs::AddGroup(const std::string& group) {
  std::lock_guard<std::mutex> lock(mu_);
  groups_[group];
}

std::string FakeLogs::AddEvent(const std::string& group, const std::string& stream,
                               int64_t timestamp_ms, const std::string& message) {
  std::lock_guard<std::mutex> lock(mu_);
  Group& g = groups_[group];
  g.streams.emplace(stream, timestamp_ms);
  Event e;
  e.stream = stream;
  e.timestamp = timestamp_ms;
  e.ingestion = timestamp_ms + 5;
  e.message = message;
  e.seq = ++seq_;
  // Real event ids are long decimal strings; uniqueness is what matters.
  char id[64];
  std::snprintf(id, sizeof(id), "3%017lld%020llu", static_cast<long long>(timestamp_ms),
                static_cast<unsigned long long>(e.seq));
  e.id = id;
  g.events.push_back(e);
  return e.id;
}

std::vector<std::string> FakeLogs::Messages(const std::string& group) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  auto it = groups_.find(group);
  if (it == groups_.end()) return out;
  for (const Event& e : it->second.events) out.push_back(e.message);
  return out;
}

std::vector<std::string> FakeLogs::Calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return calls_;
}

FakeAnswer FakeLogs::Serve(const FakeCall& call) {
  std::lock_guard<std::mutex> lock(mu_);
  calls_.push_back(call.action);
  const Json in = call.json.is_object() ? call.json : Json::object();
  if (call.action == "FilterLogEvents") return FilterLogEvents(in);
  if (call.action == "DescribeLogStreams") return DescribeLogStreams(in);
  if (call.action == "GetLogEvents") return GetLogEvents(in);
  return FakeJsonError(400, "UnknownOperationException",
                       "the fake CloudWatch Logs does not know " + call.action);
}

FakeLogs::Group* FakeLogs::FindGroup(const Json& in) {
  std::string name = Str(in, "logGroupName");
  if (name.empty()) name = Str(in, "logGroupIdentifier");
  auto it = groups_.find(name);
  return it == groups_.end() ? nullptr : &it->second;
}

FakeAnswer FakeLogs::FilterLogEvents(const Json& in) {
  Group* group = FindGroup(in);
  if (group == nullptr) {
    return FakeJsonError(400, "ResourceNotFoundException",
                         "The specified log group does not exist.");
  }
  std::vector<std::string> names;
  if (auto it = in.find("logStreamNames"); it != in.end() && it->is_array()) {
    for (const auto& n : *it) names.push_back(n.get<std::string>());
  }
  std::string prefix = Str(in, "logStreamNamePrefix");
  if (!names.empty() && !prefix.empty()) {
    return FakeJsonError(400, "InvalidParameterException",
                         "logStreamNames and logStreamNamePrefix are mutually exclusive");
  }
  std::optional<int64_t> start = Int(in, "startTime");
  std::optional<int64_t> end = Int(in, "endTime");
  std::string term = Term(Str(in, "filterPattern"));
  auto offset = Offset(Str(in, "nextToken"), "f-");
  if (!offset) return FakeJsonError(400, "InvalidParameterException", "invalid nextToken");
  size_t limit = page_size_;
  if (auto l = Int(in, "limit"); l && *l > 0) limit = std::min(limit, static_cast<size_t>(*l));

  std::vector<const Event*> matching;
  for (const Event& e : group->events) {
    if (!names.empty() && std::find(names.begin(), names.end(), e.stream) == names.end()) continue;
    if (!prefix.empty() && e.stream.rfind(prefix, 0) != 0) continue;
    if (start && e.timestamp < *start) continue;
    if (end && e.timestamp > *end) continue;
    if (!term.empty() && e.message.find(term) == std::string::npos) continue;
    matching.push_back(&e);
  }
  std::stable_sort(matching.begin(), matching.end(), [](const Event* a, const Event* b) {
    return a->timestamp != b->timestamp ? a->timestamp < b->timestamp : a->seq < b->seq;
  });
  Json events = Json::array();
  Json searched = Json::array();
  std::map<std::string, bool> streams;
  for (size_t i = *offset; i < matching.size() && i < *offset + limit; ++i) {
    const Event& e = *matching[i];
    events.push_back({{"logStreamName", e.stream},
                      {"timestamp", e.timestamp},
                      {"message", e.message},
                      {"ingestionTime", e.ingestion},
                      {"eventId", e.id}});
    streams[e.stream] = true;
  }
  for (const auto& [name, complete] : streams) {
    searched.push_back({{"logStreamName", name}, {"searchedCompletely", complete}});
  }
  Json out = {{"events", events}, {"searchedLogStreams", searched}};
  if (*offset + limit < matching.size()) out["nextToken"] = "f-" + std::to_string(*offset + limit);
  return FakeJsonAnswer(out);
}

FakeAnswer FakeLogs::DescribeLogStreams(const Json& in) {
  Group* group = FindGroup(in);
  if (group == nullptr) {
    return FakeJsonError(400, "ResourceNotFoundException",
                         "The specified log group does not exist.");
  }
  std::string prefix = Str(in, "logStreamNamePrefix");
  std::string order = Str(in, "orderBy");
  if (order.empty()) order = "LogStreamName";
  if (order != "LogStreamName" && order != "LastEventTime") {
    return FakeJsonError(400, "InvalidParameterException",
                         "orderBy must be LogStreamName or LastEventTime");
  }
  if (order == "LastEventTime" && !prefix.empty()) {
    return FakeJsonError(400, "InvalidParameterException",
                         "Cannot order by LastEventTime with a logStreamNamePrefix.");
  }
  bool descending = in.value("descending", false);
  auto offset = Offset(Str(in, "nextToken"), "s-");
  if (!offset) return FakeJsonError(400, "InvalidParameterException", "invalid nextToken");
  struct Row {
    std::string name;
    int64_t created = 0;
    int64_t first = 0;
    int64_t last = 0;
  };
  std::vector<Row> rows;
  for (const auto& [name, created] : group->streams) {
    if (!prefix.empty() && name.rfind(prefix, 0) != 0) continue;
    Row row{name, created, 0, 0};
    for (const Event& e : group->events) {
      if (e.stream != name) continue;
      if (row.first == 0 || e.timestamp < row.first) row.first = e.timestamp;
      row.last = std::max(row.last, e.timestamp);
    }
    rows.push_back(row);
  }
  std::stable_sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
    return order == "LastEventTime" ? a.last < b.last : a.name < b.name;
  });
  if (descending) std::reverse(rows.begin(), rows.end());
  size_t limit = 50;
  if (auto l = Int(in, "limit"); l && *l > 0) limit = static_cast<size_t>(*l);
  Json streams = Json::array();
  for (size_t i = *offset; i < rows.size() && i < *offset + limit; ++i) {
    const Row& r = rows[i];
    Json s = {{"logStreamName", r.name},
              {"creationTime", r.created},
              {"arn", "arn:aws:logs:us-east-1:123456789012:log-group:x:log-stream:" + r.name},
              {"storedBytes", 0}};
    if (r.first != 0) {
      s["firstEventTimestamp"] = r.first;
      s["lastEventTimestamp"] = r.last;
      s["lastIngestionTime"] = r.last + 5;
    }
    streams.push_back(s);
  }
  Json out = {{"logStreams", streams}};
  if (*offset + limit < rows.size()) out["nextToken"] = "s-" + std::to_string(*offset + limit);
  return FakeJsonAnswer(out);
}

FakeAnswer FakeLogs::GetLogEvents(const Json& in) {
  Group* group = FindGroup(in);
  if (group == nullptr) {
    return FakeJsonError(400, "ResourceNotFoundException",
                         "The specified log group does not exist.");
  }
  std::string stream = Str(in, "logStreamName");
  if (group->streams.count(stream) == 0) {
    return FakeJsonError(400, "ResourceNotFoundException",
                         "The specified log stream does not exist.");
  }
  std::optional<int64_t> start = Int(in, "startTime");
  std::optional<int64_t> end = Int(in, "endTime");
  std::vector<const Event*> matching;
  for (const Event& e : group->events) {
    if (e.stream != stream) continue;
    if (start && e.timestamp < *start) continue;
    if (end && e.timestamp >= *end) continue;
    matching.push_back(&e);
  }
  std::stable_sort(matching.begin(), matching.end(), [](const Event* a, const Event* b) {
    return a->timestamp != b->timestamp ? a->timestamp < b->timestamp : a->seq < b->seq;
  });
  // Forward tokens only ("f/<offset>"); at the end the same token comes back.
  std::string token = Str(in, "nextToken");
  size_t offset = 0;
  if (!token.empty()) {
    auto o = Offset(token, "f/");
    if (!o) return FakeJsonError(400, "InvalidParameterException", "invalid nextToken");
    offset = *o;
  }
  size_t limit = page_size_;
  if (auto l = Int(in, "limit"); l && *l > 0) limit = std::min(limit, static_cast<size_t>(*l));
  Json events = Json::array();
  size_t next = offset;
  for (size_t i = offset; i < matching.size() && i < offset + limit; ++i, ++next) {
    const Event& e = *matching[i];
    events.push_back(
        {{"timestamp", e.timestamp}, {"message", e.message}, {"ingestionTime", e.ingestion}});
  }
  return FakeJsonAnswer({{"events", events},
                         {"nextForwardToken", "f/" + std::to_string(next)},
                         {"nextBackwardToken", "b/" + std::to_string(offset)}});
}

}  // namespace rex::testing
