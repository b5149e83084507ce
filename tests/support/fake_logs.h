#pragma once

// A TEST DOUBLE of CloudWatch Logs (JSON 1.1, Logs_20140328) for FakeAws: log groups and
// streams in memory, FilterLogEvents (every stream or logStreamNames / logStreamNamePrefix,
// startTime / endTime, filterPattern as a plain substring, pages of `page_size` events with
// nextToken), DescribeLogStreams and GetLogEvents, in the shapes of botocore's model
// (timestamps in epoch milliseconds). Tests append events; FakeEcs appends a one-off task's
// lines while it "runs".
//
//   FakeLogs logs;
//   server.aws().AddService("logs", &logs);
//   logs.SeedFromStack(server.aws().StackResources("rex-backend-dev"));
//   logs.AddEvent("/ecs/rex-backend-dev-api", "api/api/0123abcd...", 1700000000000, "hello");
//
// Thread-safe (its own mutex; Serve runs under FakeAws's lock, tests call from their thread).

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "support/fake_aws_server.h"

namespace rex::testing {

class FakeLogs : public FakeService {
 public:
  // `page_size`: events per FilterLogEvents / GetLogEvents page (small, so paging is
  // exercised). Default: 3.
  explicit FakeLogs(size_t page_size = 3);

  FakeAnswer Serve(const FakeCall& call) override;

  // Creates the log group of every AWS::Logs::LogGroup of a deployed stack.
  void SeedFromStack(const std::map<std::string, FakeAws::ResourceInfo>& resources);
  // Seeds from `stack` whenever an operation on it is applied (FakeAws::OnStackApplied).
  void Follow(FakeAws& aws, const std::string& stack);
  void AddGroup(const std::string& group);
  // Appends an event (creating group and stream as needed); returns its eventId.
  std::string AddEvent(const std::string& group, const std::string& stream, int64_t timestamp_ms,
                       const std::string& message);

  // Every event of a group, in insertion order (for assertions).
  std::vector<std::string> Messages(const std::string& group) const;
  // The operations served ("FilterLogEvents", ...), in order.
  std::vector<std::string> Calls() const;

 private:
  struct Event {
    std::string stream;
    int64_t timestamp = 0;
    int64_t ingestion = 0;
    std::string message;
    std::string id;
    uint64_t seq = 0;
  };
  struct Group {
    std::map<std::string, int64_t> streams;  // name -> creation time (ms)
    std::vector<Event> events;               // insertion order
  };

  FakeAnswer FilterLogEvents(const base::Json& in);
  FakeAnswer DescribeLogStreams(const base::Json& in);
  FakeAnswer GetLogEvents(const base::Json& in);
  Group* FindGroup(const base::Json& in);

  size_t page_size_;
  mutable std::mutex mu_;
  std::map<std::string, Group> groups_;
  std::vector<std::string> calls_;
  uint64_t seq_ = 0;
};

}  // namespace rex::testing
