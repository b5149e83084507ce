// engine/lease.h against the in-process fake S3 (tests/support/fake_aws_server.h), which
// honours If-None-Match: * and If-Match as S3 does.
#include "engine/lease.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "aws/credentials.h"
#include "support/fake_aws_server.h"
#include "support/fake_clock.h"
#include "support/fake_transport.h"

namespace rex::engine {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr const char* kBucket = "rex-bootstrap-bucket";
constexpr const char* kStack = "rex-backend-dev";

class LeaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    transport_.SetHandler([&](const aws::HttpRequest& r) { return fake_.Handle(r); });
    ASSERT_TRUE(s3_.CreateBucket(kBucket).ok());
  }

  LeaseInfo Holder(const std::string& user, const std::string& host, const std::string& command) {
    LeaseInfo info = ThisProcess(kStack, command);
    info.user = user;
    info.host = host;
    info.pid = 4242;
    return info;
  }

  std::string Stored() { return fake_.Object(kBucket, LeaseKey(kStack)).value_or(""); }

  rex::testing::FakeClock clock_;
  rex::testing::FakeAws fake_{rex::testing::FakeAwsOptions{.clock = &clock_}};
  rex::testing::FakeTransport transport_;
  aws::StaticCredentialsProvider credentials_{
      aws::Credentials{"AKIDREXTESTKEY", "rex-test-secret/K7MDENG+bPxRfiCY"}};
  aws::S3Client s3_{
      {"https://s3.us-east-1.amazonaws.com", "us-east-1", "s3"}, &credentials_, transport_, clock_};
};

TEST_F(LeaseTest, AcquireWritesWhoHoldsItAndReleaseDeletesIt) {
  auto lease = DeployLease::Acquire(s3_, clock_, kBucket, Holder("alice", "laptop", "rex up"), {});
  ASSERT_TRUE(lease.ok()) << lease.error().message();
  auto json = base::ParseJson(Stored(), "lease");
  ASSERT_TRUE(json.ok());
  auto info = LeaseFromJson(*json, "lease");
  ASSERT_TRUE(info.ok()) << info.error().message();
  EXPECT_EQ(info->user, "alice");
  EXPECT_EQ(info->host, "laptop");
  EXPECT_EQ(info->pid, 4242);
  EXPECT_EQ(info->command, "rex up");
  EXPECT_EQ(info->stack_name, kStack);
  EXPECT_EQ(info->holder.size(), 16u);
  EXPECT_EQ(info->expires - info->acquired, kDefaultLeaseTtl);
  EXPECT_EQ((*json)["acquired"], "2015-08-30T12:36:00Z");
  // Created with If-None-Match: *.
  bool conditional = false;
  for (const aws::HttpRequest& r : transport_.requests()) {
    if (r.method == "PUT" && rex::testing::HeaderOf(r, "If-None-Match") == "*") conditional = true;
  }
  EXPECT_TRUE(conditional);
  ASSERT_TRUE((*lease)->Release().ok());
  EXPECT_FALSE(fake_.Object(kBucket, LeaseKey(kStack)).has_value());
  EXPECT_TRUE((*lease)->Release().ok()) << "idempotent";
}

TEST_F(LeaseTest, ASecondHolderIsRefusedNamingTheFirst) {
  auto first = DeployLease::Acquire(s3_, clock_, kBucket, Holder("alice", "laptop", "rex up"), {});
  ASSERT_TRUE(first.ok());
  auto second =
      DeployLease::Acquire(s3_, clock_, kBucket, Holder("bob", "ci-runner-7", "rex destroy"), {});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code(), base::Code::kFailedPrecondition);
  EXPECT_THAT(second.error().message(),
              AllOf(HasSubstr("stack rex-backend-dev is locked: alice@laptop (pid 4242) running "
                              "\"rex up\" since 2015-08-30T12:36:00Z"),
                    HasSubstr("lease expires 2015-08-30T12:41:00Z"), HasSubstr("--wait"),
                    HasSubstr("rex unlock")));
  // The first holder's lease is untouched.
  EXPECT_THAT(Stored(), HasSubstr("\"alice\""));
  first->reset();  // releases
  EXPECT_TRUE(
      DeployLease::Acquire(s3_, clock_, kBucket, Holder("bob", "ci-runner-7", "rex up"), {}).ok());
}

TEST_F(LeaseTest, AnExpiredLeaseIsTakenOverWithANote) {
  auto stale = DeployLease::Acquire(s3_, clock_, kBucket, Holder("alice", "laptop", "rex up"),
                                    {.ttl = std::chrono::seconds(60)});
  ASSERT_TRUE(stale.ok());
  clock_.Advance(std::chrono::seconds(61));
  std::vector<std::string> notes;
  LeaseOptions options;
  options.note = [&](std::string_view n) { notes.emplace_back(n); };
  auto taken =
      DeployLease::Acquire(s3_, clock_, kBucket, Holder("bob", "ci-runner-7", "rex up"), options);
  ASSERT_TRUE(taken.ok()) << taken.error().message();
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_THAT(notes[0], AllOf(HasSubstr("took over the expired deploy lease of rex-backend-dev"),
                              HasSubstr("alice@laptop"), HasSubstr("expired at")));
  EXPECT_THAT(Stored(), HasSubstr("\"bob\""));
  // The old holder learns it lost the lease and does not delete the new one.
  base::Status renewed = (*stale)->Renew();
  EXPECT_EQ(renewed.code(), base::Code::kFailedPrecondition);
  EXPECT_TRUE((*stale)->lost());
  EXPECT_TRUE((*stale)->Release().ok());
  EXPECT_THAT(Stored(), HasSubstr("\"bob\""));
}

TEST_F(LeaseTest, RenewMovesTheExpiryWithIfMatch) {
  auto lease = DeployLease::Acquire(s3_, clock_, kBucket, Holder("alice", "laptop", "rex up"),
                                    {.ttl = std::chrono::seconds(90)});
  ASSERT_TRUE(lease.ok());
  std::string etag = (*lease)->etag();
  clock_.Advance(std::chrono::seconds(30));
  ASSERT_TRUE((*lease)->Renew().ok());
  EXPECT_NE((*lease)->etag(), etag);
  EXPECT_THAT(Stored(), HasSubstr("\"expires\": \"2015-08-30T12:38:00Z\""));
  EXPECT_EQ(rex::testing::HeaderOf(transport_.requests().back(), "If-Match"), etag);
  // Still held: nobody else gets it.
  EXPECT_FALSE(DeployLease::Acquire(s3_, clock_, kBucket, Holder("bob", "ci", "rex up"), {}).ok());
}

TEST_F(LeaseTest, TheRenewerThreadRenewsAndStopsBeforeTheRelease) {
  auto lease = DeployLease::Acquire(s3_, clock_, kBucket, Holder("alice", "laptop", "rex up"),
                                    {.ttl = std::chrono::seconds(1)});
  ASSERT_TRUE(lease.ok());
  clock_.Advance(std::chrono::seconds(10));
  // The renewer gets a client of its own (on the thread-safe fake transport).
  aws::S3Client renew_client({"https://s3.us-east-1.amazonaws.com", "us-east-1", "s3"},
                             &credentials_, transport_, clock_);
  (*lease)->StartRenewing(renew_client);
  // Every ttl/3: the stored expiry moves to the (advanced) clock + ttl.
  while (Stored().find("\"expires\": \"2015-08-30T12:36:11Z\"") == std::string::npos) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_FALSE((*lease)->lost());
  lease->reset();  // stops the renewer, then releases
  EXPECT_FALSE(fake_.Object(kBucket, LeaseKey(kStack)).has_value());
}

TEST_F(LeaseTest, BreakLeaseDeletesOnlyTheLeaseThatWasShown) {
  auto lease = DeployLease::Acquire(s3_, clock_, kBucket, Holder("alice", "laptop", "rex up"), {});
  ASSERT_TRUE(lease.ok());
  auto shown = ReadLease(s3_, kBucket, kStack);
  ASSERT_TRUE(shown.ok());
  ASSERT_TRUE(shown->has_value());
  EXPECT_TRUE((*shown)->valid);
  EXPECT_EQ((*shown)->info.user, "alice");
  // The holder renews between `rex unlock` showing the lease and breaking it.
  clock_.Advance(std::chrono::seconds(100));
  ASSERT_TRUE((*lease)->Renew().ok());
  base::Status refused = BreakLease(s3_, kBucket, kStack, (*shown)->etag);
  EXPECT_EQ(refused.code(), base::Code::kFailedPrecondition);
  EXPECT_THAT(refused.message(), HasSubstr("changed while you looked at it"));
  auto now = ReadLease(s3_, kBucket, kStack);
  ASSERT_TRUE(now.ok() && now->has_value());
  ASSERT_TRUE(BreakLease(s3_, kBucket, kStack, (*now)->etag).ok());
  EXPECT_FALSE(fake_.Object(kBucket, LeaseKey(kStack)).has_value());
  EXPECT_EQ((*lease)->Renew().code(), base::Code::kFailedPrecondition) << "the holder notices";
  EXPECT_TRUE((*lease)->lost());
  auto none = ReadLease(s3_, kBucket, kStack);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST_F(LeaseTest, WaitPollsUntilTheHolderReleasesAndCancelStopsIt) {
  auto holder = DeployLease::Acquire(s3_, clock_, kBucket, Holder("alice", "laptop", "rex up"), {});
  ASSERT_TRUE(holder.ok());
  std::vector<std::string> notes;
  LeaseOptions options;
  options.wait = true;
  options.poll = std::chrono::milliseconds(1000);
  options.note = [&](std::string_view n) { notes.emplace_back(n); };
  // The fake clock's sleeps drive the wait; the holder releases just before bob's second look
  // at the lease.
  int lease_reads = 0;
  transport_.SetHandler([&](const aws::HttpRequest& r) {
    if (r.method == "GET" && r.url.find("/locks/") != std::string::npos && ++lease_reads == 2) {
      holder->reset();  // releases (its DELETE goes through this handler too)
    }
    return fake_.Handle(r);
  });
  auto waited =
      DeployLease::Acquire(s3_, clock_, kBucket, Holder("bob", "ci-runner-7", "rex up"), options);
  ASSERT_TRUE(waited.ok()) << waited.error().message();
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_THAT(notes[0], AllOf(HasSubstr("waiting for the deploy lease of rex-backend-dev"),
                              HasSubstr("alice@laptop"), HasSubstr("Ctrl-C")));
  EXPECT_FALSE(clock_.sleeps().empty());
  EXPECT_THAT(Stored(), HasSubstr("\"bob\""));

  std::atomic<bool> cancel{true};
  options.cancel = &cancel;
  auto cancelled =
      DeployLease::Acquire(s3_, clock_, kBucket, Holder("carol", "desk", "rex up"), options);
  ASSERT_FALSE(cancelled.ok());
  EXPECT_EQ(cancelled.error().code(), base::Code::kCancelled);
}

TEST_F(LeaseTest, AnObjectThatIsNotALeaseIsNamedNotOverwritten) {
  ASSERT_TRUE(s3_.PutObject({.bucket = kBucket, .key = LeaseKey(kStack), .body = "garbage"}).ok());
  auto lease = DeployLease::Acquire(s3_, clock_, kBucket, Holder("bob", "ci", "rex up"), {});
  ASSERT_FALSE(lease.ok());
  EXPECT_EQ(lease.error().code(), base::Code::kFailedPrecondition);
  EXPECT_THAT(lease.error().message(),
              AllOf(HasSubstr("not a rex deploy lease"), HasSubstr("rex unlock")));
  EXPECT_EQ(Stored(), "garbage");
}

TEST(LeaseJsonTest, RoundTripAndRequiredFields) {
  LeaseInfo info = ThisProcess("s", "rex up");
  EXPECT_FALSE(info.host.empty());
  EXPECT_GT(info.pid, 0);
  EXPECT_NE(ThisProcess("s", "rex up").holder, info.holder);
  info.acquired = std::chrono::system_clock::time_point(std::chrono::seconds(1795000000));
  info.expires = info.acquired + std::chrono::seconds(300);
  auto back = LeaseFromJson(LeaseToJson(info), "x");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(LeaseToJson(*back), LeaseToJson(info));
  auto bad = LeaseFromJson(base::Json{{"holder", 5}}, "s3://b/locks/s.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message(), "s3://b/locks/s.json: holder and expires are required");
}

}  // namespace
}  // namespace rex::engine
