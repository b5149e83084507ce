#include "aws/logs.h"

namespace rex::aws {

namespace {

using base::Json;

LogEvent ParseEvent(const Json& e) {
  return LogEvent{JsonString(e, "logStreamName"), JsonInt(e, "timestamp"), JsonString(e, "message"),
                  JsonInt(e, "ingestionTime"), JsonString(e, "eventId")};
}

}  // namespace

const LoadedModel& LogsClient::Model() {
  static const LoadedModel* model = new LoadedModel(LoadModel(LogsModelJson()));
  return *model;
}

LogsClient::LogsClient(Endpoint endpoint, CredentialsProvider* credentials,
                       HttpTransport& transport, base::Clock& clock, RetryOptions retry)
    : client_(Model().service, std::move(endpoint), credentials, transport, clock, retry) {}

base::Result<FilterLogEventsPage> LogsClient::FilterLogEvents(const FilterLogEventsRequest& r) {
  static const OperationModel op = Model().Operation("FilterLogEvents");
  Json p = {{"logGroupName", r.log_group_name}};
  if (!r.log_stream_names.empty()) p["logStreamNames"] = r.log_stream_names;
  if (!r.log_stream_name_prefix.empty()) p["logStreamNamePrefix"] = r.log_stream_name_prefix;
  if (r.start_time_ms) p["startTime"] = *r.start_time_ms;
  if (r.end_time_ms) p["endTime"] = *r.end_time_ms;
  if (!r.filter_pattern.empty()) p["filterPattern"] = r.filter_pattern;
  if (!r.next_token.empty()) p["nextToken"] = r.next_token;
  if (r.limit) p["limit"] = *r.limit;
  REX_ASSIGN_OR_RETURN(Json out, client_.Call(op, p, "filter log events in " + r.log_group_name));
  FilterLogEventsPage page;
  for (const auto& e : JsonArray(out, "events")) page.events.push_back(ParseEvent(e));
  page.next_token = JsonString(out, "nextToken");
  return page;
}

base::Result<GetLogEventsPage> LogsClient::GetLogEvents(const GetLogEventsRequest& r) {
  static const OperationModel op = Model().Operation("GetLogEvents");
  Json p = {{"logGroupName", r.log_group_name},
            {"logStreamName", r.log_stream_name},
            {"startFromHead", r.start_from_head}};
  if (r.start_time_ms) p["startTime"] = *r.start_time_ms;
  if (r.end_time_ms) p["endTime"] = *r.end_time_ms;
  if (!r.next_token.empty()) p["nextToken"] = r.next_token;
  if (r.limit) p["limit"] = *r.limit;
  REX_ASSIGN_OR_RETURN(Json out, client_.Call(op, p, "get log events from " + r.log_stream_name));
  GetLogEventsPage page;
  for (const auto& e : JsonArray(out, "events")) page.events.push_back(ParseEvent(e));
  page.next_forward_token = JsonString(out, "nextForwardToken");
  page.next_backward_token = JsonString(out, "nextBackwardToken");
  return page;
}

}  // namespace rex::aws
