#pragma once

#include <optional>
#include <string>
#include <vector>

#include "aws/client.h"
#include "aws/service_models.h"
#include "aws/typed.h"

// CloudWatch Logs (JSON 1.1, 2014-03-28) for `rex logs`. Times are epoch milliseconds, as
// the API has them.
namespace rex::aws {

struct LogEvent {
  std::string log_stream_name;  // FilterLogEvents only
  int64_t timestamp_ms = 0;
  std::string message;
  int64_t ingestion_time_ms = 0;
  std::string event_id;  // FilterLogEvents only
};

struct FilterLogEventsRequest {
  std::string log_group_name;
  std::vector<std::string> log_stream_names = {};
  std::string log_stream_name_prefix = {};
  std::optional<int64_t> start_time_ms = {};
  std::optional<int64_t> end_time_ms = {};
  std::string filter_pattern = {};
  std::string next_token = {};
  std::optional<int> limit = {};  // 1..10000. Default: the service's (10,000 or 1 MB).
};

struct FilterLogEventsPage {
  // May be empty while next_token is still set: keep paging.
  std::vector<LogEvent> events;
  std::string next_token;
};

struct GetLogEventsRequest {
  std::string log_group_name;
  std::string log_stream_name;
  std::optional<int64_t> start_time_ms = {};
  std::optional<int64_t> end_time_ms = {};
  std::string next_token = {};
  std::optional<int> limit = {};
  bool start_from_head = true;  // must be true when following next_forward_token
};

struct GetLogEventsPage {
  std::vector<LogEvent> events;
  // At the end of the stream the service returns the token it was given.
  std::string next_forward_token;
  std::string next_backward_token;
};

class LogsClient {
 public:
  static const LoadedModel& Model();

  LogsClient(Endpoint endpoint, CredentialsProvider* credentials, HttpTransport& transport,
             base::Clock& clock, RetryOptions retry = {});

  // kNotFound (ResourceNotFoundException) when the log group does not exist.
  base::Result<FilterLogEventsPage> FilterLogEvents(const FilterLogEventsRequest& request);
  base::Result<GetLogEventsPage> GetLogEvents(const GetLogEventsRequest& request);

  AwsClient& client() { return client_; }

 private:
  AwsClient client_;
};

}  // namespace rex::aws
