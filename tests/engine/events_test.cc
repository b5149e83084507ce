#include "engine/events.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "aws/credentials.h"
#include "support/fake_clock.h"
#include "support/fake_transport.h"

namespace rex::engine {
namespace {

using ::testing::ElementsAre;

struct Ev {
  std::string id;
  std::string logical;
  std::string status;
  int second;  // timestamp: 2015-08-30T12:36:<second>Z
  std::string type = "AWS::SQS::Queue";
  std::string physical = "";
  std::string stack = "demo";
};

std::string Page(const std::vector<Ev>& newest_first, const std::string& next = "") {
  std::string xml =
      "<DescribeStackEventsResponse xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\">"
      "<DescribeStackEventsResult><StackEvents>";
  for (const Ev& e : newest_first) {
    char ts[64];
    std::snprintf(ts, sizeof(ts), "2015-08-30T12:36:%02d.000Z", e.second);
    xml +=
        "<member><StackId>arn:aws:cloudformation:us-east-1:1:stack/" + e.stack +
        "/1</StackId><EventId>" + e.id + "</EventId><StackName>" + e.stack +
        "</StackName><LogicalResourceId>" + e.logical + "</LogicalResourceId>" +
        (e.physical.empty() ? "" : "<PhysicalResourceId>" + e.physical + "</PhysicalResourceId>") +
        "<ResourceType>" + e.type + "</ResourceType><Timestamp>" + ts +
        "</Timestamp><ResourceStatus>" + e.status + "</ResourceStatus></member>";
  }
  xml += "</StackEvents>";
  if (!next.empty()) xml += "<NextToken>" + next + "</NextToken>";
  return xml +
         "</DescribeStackEventsResult><ResponseMetadata><RequestId>r</RequestId>"
         "</ResponseMetadata></DescribeStackEventsResponse>";
}

struct Harness {
  rex::testing::FakeClock clock;
  rex::testing::FakeTransport transport;
  aws::StaticCredentialsProvider credentials{aws::Credentials{"AKID", "secret"}};
  aws::CloudFormationClient cfn{
      {"https://cloudformation.us-east-1.amazonaws.com", "us-east-1", "cloudformation"},
      &credentials,
      transport,
      clock};
};

std::vector<std::string> Ids(const std::vector<StackEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.event.event_id);
  return out;
}

const Ev kStart{"e1", "demo", "UPDATE_IN_PROGRESS", 1, "AWS::CloudFormation::Stack"};
const Ev kQueueStart{"e2", "Queue", "UPDATE_IN_PROGRESS", 2};
const Ev kQueueDone{"e3", "Queue", "UPDATE_COMPLETE", 3};
const Ev kDone{"e4", "demo", "UPDATE_COMPLETE", 4, "AWS::CloudFormation::Stack"};

TEST(StackEventPollerTest, ReturnsNewEventsOldestFirstAndDropsDuplicates) {
  Harness h;
  h.transport.Respond(200, Page({kQueueStart, kStart}));
  h.transport.Respond(200, Page({kDone, kQueueDone, kQueueStart, kStart}));
  h.transport.Respond(200, Page({kDone, kQueueDone, kQueueStart, kStart}));
  StackEventPoller poller(h.cfn, "demo");
  auto first = poller.Poll();
  ASSERT_TRUE(first.ok());
  EXPECT_THAT(Ids(*first), ElementsAre("e1", "e2"));
  auto second = poller.Poll();
  ASSERT_TRUE(second.ok());
  EXPECT_THAT(Ids(*second), ElementsAre("e3", "e4"));
  auto third = poller.Poll();
  ASSERT_TRUE(third.ok());
  EXPECT_TRUE(third->empty());
}

TEST(StackEventPollerTest, StopsPagingAtTheOperationStart) {
  Harness h;
  const Ev old{"e0", "demo", "CREATE_COMPLETE", 0, "AWS::CloudFormation::Stack"};
  // Page 1 ends before the start event; page 2 holds it and an older operation's event.
  h.transport.Respond(200, Page({kDone, kQueueDone}, "page2"));
  h.transport.Respond(200, Page({kQueueStart, kStart, old}, "page3"));
  StackEventPoller poller(h.cfn, "demo");
  auto events = poller.Poll();
  ASSERT_TRUE(events.ok());
  EXPECT_THAT(Ids(*events), ElementsAre("e1", "e2", "e3", "e4"));
  EXPECT_EQ(h.transport.request_count(), 2u);  // page3 never read
  EXPECT_NE(h.transport.requests()[1].body.find("NextToken=page2"), std::string::npos);
}

TEST(StackEventPollerTest, IgnoresEventsOlderThanTheOperationStart) {
  Harness h;
  const Ev stale{"e0", "Queue", "UPDATE_FAILED", 0};
  h.transport.Respond(200, Page({kQueueStart, stale}));
  EventPollerOptions options;
  options.since = std::chrono::system_clock::time_point(std::chrono::seconds(1440938161));
  StackEventPoller poller(h.cfn, "demo", options);
  auto events = poller.Poll();
  ASSERT_TRUE(events.ok());
  EXPECT_THAT(Ids(*events), ElementsAre("e2"));
}

TEST(StackEventPollerTest, APluggableStopRuleEndsPaging) {
  Harness h;
  h.transport.Respond(200, Page({kDone, kQueueDone}, "page2"));
  EventPollerOptions options;
  options.stop_rule = [](const aws::StackEvent& e) { return e.event_id == "e3"; };
  StackEventPoller poller(h.cfn, "demo", options);
  auto events = poller.Poll();
  ASSERT_TRUE(events.ok());
  EXPECT_THAT(Ids(*events), ElementsAre("e3", "e4"));
  EXPECT_EQ(h.transport.request_count(), 1u);
}

TEST(StackEventPollerTest, SkipExistingReportsOnlyLaterEvents) {
  Harness h;
  h.transport.Respond(200, Page({kQueueDone, kQueueStart, kStart}));
  h.transport.Respond(200, Page({kDone, kQueueDone, kQueueStart, kStart}));
  StackEventPoller poller(h.cfn, "demo");
  ASSERT_TRUE(poller.SkipExisting().ok());
  auto events = poller.Poll();
  ASSERT_TRUE(events.ok());
  EXPECT_THAT(Ids(*events), ElementsAre("e4"));
}

TEST(StackEventPollerTest, FollowsNestedStacks) {
  Harness h;
  const std::string child_arn = "arn:aws:cloudformation:us-east-1:1:stack/demo-Net-X/2";
  Ev nested{"e2", "Net", "CREATE_IN_PROGRESS", 2, "AWS::CloudFormation::Stack", child_arn};
  Ev child_start{"c1", "demo-Net-X", "CREATE_IN_PROGRESS", 2, "AWS::CloudFormation::Stack",
                 "",   "demo-Net-X"};
  Ev child_vpc{"c2", "Vpc", "CREATE_FAILED", 3, "AWS::EC2::VPC", "", "demo-Net-X"};
  h.transport.SetHandler([&](const aws::HttpRequest& r) -> base::Result<aws::HttpResponse> {
    bool child = r.body.find("StackName=arn") != std::string::npos;
    aws::HttpResponse response;
    response.status = 200;
    response.body = child ? Page({child_vpc, child_start}) : Page({nested, kStart});
    return response;
  });
  StackEventPoller poller(h.cfn, "demo");
  auto events = poller.Poll();
  ASSERT_TRUE(events.ok()) << events.error().ToString();
  EXPECT_THAT(Ids(*events), ElementsAre("e1", "e2", "c1", "c2"));
  EXPECT_THAT((*events)[3].nested_path, ElementsAre("Net"));
  EXPECT_TRUE((*events)[3].event.resource_status == "CREATE_FAILED");
  EXPECT_FALSE((*events)[3].IsStackStatus());
}

TEST(StackStatusTest, TerminalAndInProgress) {
  EXPECT_TRUE(IsTerminalStackStatus("UPDATE_COMPLETE"));
  EXPECT_TRUE(IsTerminalStackStatus("UPDATE_ROLLBACK_COMPLETE"));
  EXPECT_TRUE(IsTerminalStackStatus("ROLLBACK_FAILED"));
  EXPECT_TRUE(IsTerminalStackStatus("REVIEW_IN_PROGRESS"));
  EXPECT_FALSE(IsTerminalStackStatus("UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS"));
  EXPECT_FALSE(IsTerminalStackStatus("UPDATE_IN_PROGRESS"));
  EXPECT_FALSE(IsTerminalStackStatus(""));
  EXPECT_TRUE(IsInProgressStackStatus("DELETE_IN_PROGRESS"));
  EXPECT_FALSE(IsInProgressStackStatus("REVIEW_IN_PROGRESS"));
}

}  // namespace
}  // namespace rex::engine
