// A team through the real rex binary: two project folders (two clones, or two machines) deploy
// one stack against the fake AWS endpoint (tests/support/fake_aws_server.h, a test double on
// 127.0.0.1) that holds one bootstrap bucket.
//
// - history numbers are allocated in the bucket and never collide; both folders list every
//   record; `rex rollback N` from the other folder works; a tampered local record is refused;
// - the deploy lease in the bucket: a second `rex up` while it is held fails naming the holder,
//   `--wait` waits until it is released, an expired lease is taken over with a note, `rex
//   unlock --yes` breaks one;
// - the SuperTokens bootstrap record in the bucket: a second machine's `rex db bootstrap` says
//   it already ran (when, from where) and runs nothing without --force;
// - without a bucket: the lock is local and the history is the folder's own, and rex says so.
//
// The lease is held from this process with engine::DeployLease (an S3 client on a real HTTP
// transport to the fake), as another machine's rex would hold it.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <thread>

#include "aws/credentials.h"
#include "aws/s3.h"
#include "aws/transport.h"
#include "base/clock.h"
#include "base/json.h"
#include "engine/lease.h"
#include "support/fake_aws_server.h"
#include "support/fake_ecs.h"
#include "support/fake_logs.h"
#include "support/rex_process.h"
#include "support/run_rex.h"

namespace rex::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kStackName = "rex-backend-dev";
constexpr const char* kPassphrase = "team passphrase 7";

class TeamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(Rex(a_, {"init", "dev"}).exit_code, 0);
    ASSERT_EQ(Rex(b_, {"init", "dev"}).exit_code, 0);
    RexRun bootstrap = Rex(a_, {"bootstrap"});
    ASSERT_EQ(bootstrap.exit_code, 0) << bootstrap.err;
    bucket_ = bootstrap.out.substr(8, bootstrap.out.find('\n') - 8);
    ASSERT_FALSE(bucket_.empty());
    transport_ = aws::NewCurlTransport();
    s3_ = std::make_unique<aws::S3Client>(aws::Endpoint{server_.url(), "us-east-1", "s3"},
                                          &credentials_, *transport_, base::SystemClock());
  }

  RexOptions Options(const TempDir& dir, std::string stdin_text = "") {
    return {.cwd = dir.path(), .env = server_.RexEnv(kPassphrase), .stdin_text = stdin_text};
  }

  std::vector<std::string> Args(std::vector<std::string> args) {
    args.insert(args.begin(), {"--endpoint-url", server_.url()});
    return args;
  }

  RexRun Rex(const TempDir& dir, const std::vector<std::string>& args,
             std::string stdin_text = "") {
    return RunRex(Args(args), Options(dir, stdin_text));
  }

  // The history records in the bucket, by key.
  std::vector<std::string> BucketHistoryKeys() {
    std::vector<std::string> keys;
    auto objects = s3_->ListAllObjects(bucket_, std::string("history/") + kStackName + "/");
    EXPECT_TRUE(objects.ok());
    if (objects.ok()) {
      for (const aws::S3Object& o : *objects) keys.push_back(o.key);
    }
    return keys;
  }

  std::vector<int> Numbers(const RexRun& history_json) {
    std::vector<int> numbers;
    auto records = base::ParseJson(history_json.out, "stdout");
    EXPECT_TRUE(records.ok()) << history_json.err;
    if (!records.ok()) return numbers;
    for (const base::Json& r : (*records)["records"]) numbers.push_back(r["number"].get<int>());
    return numbers;
  }

  // Another machine's rex holding the lease.
  std::unique_ptr<engine::DeployLease> HoldLease(
      std::chrono::seconds ttl = std::chrono::seconds(300)) {
    engine::LeaseInfo info = engine::ThisProcess(kStackName, "rex up");
    info.user = "alice";
    info.host = "ci-runner-7";
    info.pid = 4242;
    auto lease =
        engine::DeployLease::Acquire(*s3_, base::SystemClock(), bucket_, info, {.ttl = ttl});
    EXPECT_TRUE(lease.ok()) << lease.error().message();
    return lease.ok() ? std::move(*lease) : nullptr;
  }

  bool LeaseExists() {
    return server_.aws().Object(bucket_, engine::LeaseKey(kStackName)).has_value();
  }

  int LeaseReads() {
    int reads = 0;
    for (const std::string& r : server_.aws().Requests()) {
      if (r == "s3:GET /" + bucket_ + "/" + engine::LeaseKey(kStackName)) ++reads;
    }
    return reads;
  }

  FakeAwsServer server_;
  TempDir a_;
  TempDir b_;
  std::string bucket_;
  aws::StaticCredentialsProvider credentials_{aws::Credentials{
      server_.aws().options().access_key_id, server_.aws().options().secret_access_key}};
  std::unique_ptr<aws::HttpTransport> transport_;
  std::unique_ptr<aws::S3Client> s3_;
};

TEST_F(TeamTest, HistoryNumbersNeverCollideAndBothFoldersListAndRollBackEveryRecord) {
  RexRun first = Rex(a_, {"up", "--yes"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_EQ(Rex(b_, {"config", "set", "logRetentionDays", "14"}).exit_code, 0);
  RexRun second = Rex(b_, {"up", "--yes"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  ASSERT_EQ(Rex(a_, {"config", "set", "logRetentionDays", "30"}).exit_code, 0);
  RexRun third = Rex(a_, {"up", "--yes"});
  ASSERT_EQ(third.exit_code, 0) << third.err;

  // One sequence in the bucket, whoever deployed.
  EXPECT_EQ(BucketHistoryKeys(), (std::vector<std::string>{"history/rex-backend-dev/0001.json",
                                                           "history/rex-backend-dev/0002.json",
                                                           "history/rex-backend-dev/0003.json"}));
  // Each folder's cache holds its own deploys under the bucket's numbers.
  EXPECT_FALSE(a_.Read(".rex/dev/history/0001.json").empty());
  EXPECT_TRUE(a_.Read(".rex/dev/history/0002.json").empty());
  EXPECT_FALSE(a_.Read(".rex/dev/history/0003.json").empty());
  EXPECT_FALSE(b_.Read(".rex/dev/history/0002.json").empty());

  RexRun history_a = Rex(a_, {"history", "--json"});
  RexRun history_b = Rex(b_, {"history", "--json"});
  EXPECT_EQ(Numbers(history_a), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(Numbers(history_b), (std::vector<int>{1, 2, 3}));
  EXPECT_THAT(history_a.err + history_b.err, Not(HasSubstr("local copy only")));
  // Each record names where it was made.
  auto records = base::ParseJson(history_a.out, "stdout");
  ASSERT_TRUE(records.ok());
  for (const base::Json& r : (*records)["records"]) {
    EXPECT_FALSE(r.value("host", "").empty()) << r.dump();
  }
  RexRun table = Rex(b_, {"history"});
  EXPECT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, AllOf(HasSubstr("CREATE_COMPLETE"), HasSubstr("UPDATE_COMPLETE"),
                               HasSubstr("By"), HasSubstr("@")));

  // B rolls back to A's first deploy, which B never made.
  RexRun rollback = Rex(b_, {"rollback", "1", "--yes"});
  ASSERT_EQ(rollback.exit_code, 0) << rollback.err;
  EXPECT_EQ(server_.aws().StackStatus(kStackName), "UPDATE_COMPLETE");
  auto record = base::ParseJson(b_.Read(".rex/dev/history/0004.json"), "0004.json");
  ASSERT_TRUE(record.ok());
  EXPECT_EQ((*record)["operation"], "rollback");
  EXPECT_EQ((*record)["rollbackOf"], 1);
  EXPECT_EQ(Numbers(Rex(a_, {"history", "--json"})), (std::vector<int>{1, 2, 3, 4}));
  // And A rolls back to B's deploy.
  RexRun back = Rex(a_, {"rollback", "2", "--yes"});
  EXPECT_EQ(back.exit_code, 0) << back.err;
  EXPECT_EQ(BucketHistoryKeys().size(), 5u);
  EXPECT_FALSE(LeaseExists()) << "every command released its lease";
}

TEST_F(TeamTest, ATamperedLocalRecordIsRefused) {
  ASSERT_EQ(Rex(a_, {"up", "--yes"}).exit_code, 0);
  ASSERT_EQ(Rex(a_, {"config", "set", "logRetentionDays", "14"}).exit_code, 0);
  ASSERT_EQ(Rex(a_, {"up", "--yes"}).exit_code, 0);
  std::string cached = a_.Read(".rex/dev/history/0001.json");
  auto edited = base::ParseJson(cached, "0001.json");
  ASSERT_TRUE(edited.ok());
  // Someone edits the local copy of deploy #1: its template now says something else.
  (*edited)["template"]["Description"] = "edited by hand";
  a_.Write(".rex/dev/history/0001.json", base::DumpJson(*edited));
  int change_sets = server_.aws().ChangeSetsCreated(kStackName);
  RexRun refused = Rex(a_, {"rollback", "1", "--yes"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err,
              AllOf(HasSubstr(".rex/dev/history/0001.json differs from deploy #1 in s3://" +
                              bucket_ + "/history/rex-backend-dev/0001.json"),
                    HasSubstr("nothing was deployed")));
  EXPECT_EQ(server_.aws().ChangeSetsCreated(kStackName), change_sets);
  EXPECT_FALSE(LeaseExists());
  // The other folder, without a local copy, rolls back to the bucket's record and caches it.
  RexRun fine = Rex(b_, {"rollback", "1", "--yes"});
  EXPECT_EQ(fine.exit_code, 0) << fine.err;
  EXPECT_FALSE(b_.Read(".rex/dev/history/0001.json").empty());
  // Removing the tampered file lets A use the bucket's record too.
  std::filesystem::remove(a_.path() + "/.rex/dev/history/0001.json");
  RexRun again = Rex(a_, {"rollback", "1", "--yes"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
}

TEST_F(TeamTest, ASecondUpWhileTheLeaseIsHeldFailsNamingTheHolderAndWaitWaits) {
  ASSERT_EQ(Rex(a_, {"up", "--yes"}).exit_code, 0);
  ASSERT_EQ(Rex(b_, {"config", "set", "logRetentionDays", "14"}).exit_code, 0);
  auto held = HoldLease();
  ASSERT_NE(held, nullptr);
  int change_sets = server_.aws().ChangeSetsCreated(kStackName);
  RexRun refused = Rex(b_, {"up", "--yes"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err,
              AllOf(HasSubstr("stack rex-backend-dev is locked: alice@ci-runner-7 (pid 4242) "
                              "running \"rex up\" since "),
                    HasSubstr("lease expires "), HasSubstr("--wait"), HasSubstr("rex unlock")));
  EXPECT_EQ(server_.aws().ChangeSetsCreated(kStackName), change_sets);
  EXPECT_TRUE(LeaseExists()) << "the holder's lease is untouched";

  // --wait: polls until the holder releases, then deploys.
  int reads_before = LeaseReads();
  RexProcess waiting(Args({"up", "--yes", "--wait"}), Options(b_));
  while (LeaseReads() < reads_before + 2)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(server_.aws().ChangeSetsCreated(kStackName), change_sets) << "still waiting";
  held.reset();  // released
  RexRun waited = waiting.Wait();
  EXPECT_EQ(waited.exit_code, 0) << waited.err;
  EXPECT_THAT(waited.err, AllOf(HasSubstr("waiting for the deploy lease of rex-backend-dev, held "
                                          "by alice@ci-runner-7"),
                                HasSubstr("UPDATE_COMPLETE")));
  EXPECT_GT(server_.aws().ChangeSetsCreated(kStackName), change_sets);
  EXPECT_FALSE(LeaseExists());
}

TEST_F(TeamTest, WaitingForTheLeaseStopsOnCtrlC) {
  ASSERT_EQ(Rex(a_, {"up", "--yes"}).exit_code, 0);
  auto held = HoldLease();
  ASSERT_NE(held, nullptr);
  int reads_before = LeaseReads();
  RexProcess waiting(Args({"up", "--yes", "--wait"}), Options(b_));
  while (LeaseReads() < reads_before + 1)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  waiting.Interrupt();
  RexRun stopped = waiting.Wait();
  EXPECT_EQ(stopped.exit_code, 1);
  EXPECT_THAT(stopped.err, HasSubstr("stopped waiting for the deploy lease of rex-backend-dev"));
  EXPECT_TRUE(LeaseExists()) << "alice's lease stays";
}

TEST_F(TeamTest, AnExpiredLeaseIsTakenOverWithANote) {
  ASSERT_EQ(Rex(a_, {"up", "--yes"}).exit_code, 0);
  // A rex that died an hour ago without releasing its lease.
  engine::LeaseInfo dead = engine::ThisProcess(kStackName, "rex rollback 1");
  dead.user = "bob";
  dead.host = "old-laptop";
  dead.pid = 777;
  dead.acquired = std::chrono::system_clock::now() - std::chrono::hours(1);
  dead.expires = dead.acquired + std::chrono::minutes(5);
  ASSERT_TRUE(s3_->PutObject({.bucket = bucket_,
                              .key = engine::LeaseKey(kStackName),
                              .body = base::DumpJson(engine::LeaseToJson(dead))})
                  .ok());
  ASSERT_EQ(Rex(b_, {"config", "set", "logRetentionDays", "14"}).exit_code, 0);
  RexRun up = Rex(b_, {"up", "--yes"});
  EXPECT_EQ(up.exit_code, 0) << up.err;
  EXPECT_THAT(up.err, AllOf(HasSubstr("took over the expired deploy lease of rex-backend-dev held "
                                      "by bob@old-laptop (pid 777) running \"rex rollback 1\""),
                            HasSubstr("expired at")));
  EXPECT_FALSE(LeaseExists()) << "released at the end";
}

TEST_F(TeamTest, UnlockShowsTheLeaseAndBreaksIt) {
  RexRun nothing = Rex(b_, {"unlock", "--yes"});
  EXPECT_EQ(nothing.exit_code, 0) << nothing.err;
  EXPECT_THAT(nothing.err, HasSubstr("stack rex-backend-dev is not locked"));

  auto held = HoldLease();
  ASSERT_NE(held, nullptr);
  RexRun no_terminal = Rex(b_, {"unlock"});
  EXPECT_EQ(no_terminal.exit_code, 2);
  EXPECT_THAT(no_terminal.err, HasSubstr("rex unlock needs --yes"));
  EXPECT_TRUE(LeaseExists());

  RexRun broken = Rex(b_, {"unlock", "--yes"});
  EXPECT_EQ(broken.exit_code, 0) << broken.err;
  EXPECT_THAT(broken.out, AllOf(HasSubstr("stack rex-backend-dev is locked by alice@ci-runner-7 "
                                          "(pid 4242) running \"rex up\" since"),
                                HasSubstr("holder " + held->info().holder)));
  EXPECT_THAT(broken.err, HasSubstr("broke the deploy lease of rex-backend-dev"));
  EXPECT_FALSE(LeaseExists());
  // The holder notices at its next renewal.
  EXPECT_EQ(held->Renew().code(), base::Code::kFailedPrecondition);
  // And the stack can be deployed again.
  RexRun up = Rex(b_, {"up", "--yes"});
  EXPECT_EQ(up.exit_code, 0) << up.err;
}

TEST_F(TeamTest, NoSecretReachesTheBucketOrTheOutput) {
  constexpr const char* kDbPassword = "Team-Db-Passw0rd-Never-Shown-5521";
  ASSERT_EQ(
      Rex(a_, {"config", "set", "dbMasterPassword", "--secret"}, std::string(kDbPassword) + "\n")
          .exit_code,
      0);
  std::string transcript;
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"up", "--yes"}, {"history", "--json"}, {"history"}}) {
    RexRun run = Rex(a_, args);
    transcript += run.out + run.err;
  }
  ASSERT_EQ(server_.aws().LastParameters(kStackName)["DbMasterPassword"], kDbPassword)
      << "the secret reaches CloudFormation";
  auto held = HoldLease();
  RexRun refused = Rex(a_, {"up", "--yes"});
  RexRun unlock = Rex(a_, {"unlock", "--yes"});
  RexRun rollback = Rex(b_, {"rollback", "1", "--yes"});
  transcript += refused.out + refused.err + unlock.out + unlock.err + rollback.out + rollback.err;
  EXPECT_THAT(transcript, Not(HasSubstr(kDbPassword)));
  auto objects = s3_->ListAllObjects(bucket_);
  ASSERT_TRUE(objects.ok());
  ASSERT_FALSE(objects->empty());
  for (const aws::S3Object& o : *objects) {
    auto object = s3_->GetObject(bucket_, o.key);
    ASSERT_TRUE(object.ok()) << o.key;
    EXPECT_THAT(object->body, Not(HasSubstr(kDbPassword))) << o.key;
  }
}

// The SuperTokens bootstrap record in the bucket: a second machine does not run the bootstrap
// task again.
class TeamBootstrapTest : public TeamTest {
 protected:
  void SetUp() override {
    server_.aws().AddService("ecs", &ecs_);
    server_.aws().AddService("logs", &logs_);
    ecs_.Follow(server_.aws(), kStackName);
    logs_.Follow(server_.aws(), kStackName);
    TeamTest::SetUp();
  }

  std::optional<base::Json> BucketRecord() {
    auto text = server_.aws().Object(bucket_, "records/rex-backend-dev/bootstrap.json");
    if (!text) return std::nullopt;
    auto json = base::ParseJson(*text, "bootstrap.json");
    if (!json.ok()) return std::nullopt;
    return *json;
  }

  FakeLogs logs_{3};
  FakeEcs ecs_{&logs_};
};

TEST_F(TeamBootstrapTest, ASecondMachineDoesNotRunTheBootstrapAgain) {
  ecs_.ScriptTask("ComputeBootstrapTaskDefinition",
                  {.log_lines = {"database supertokens created"}});
  RexRun up = Rex(a_, {"up", "--yes"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  EXPECT_EQ(ecs_.TasksStarted(), 1);
  EXPECT_THAT(up.err, HasSubstr("and s3://" + bucket_ + "/records/rex-backend-dev/bootstrap.json"));
  auto record = BucketRecord();
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ((*record)["trigger"], "rex up");
  EXPECT_EQ((*record)["exitCode"], 0);
  std::string stack_id = (*record)["stackId"].get<std::string>();
  EXPECT_FALSE(stack_id.empty());
  EXPECT_FALSE((*record)["host"].get<std::string>().empty());

  // B, another machine: it already ran, when and from where; no task.
  RexRun again = Rex(b_, {"db", "bootstrap"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.err, AllOf(HasSubstr("the supertokens database bootstrap already ran for "
                                         "rex-backend-dev at "),
                               HasSubstr("@" + (*record)["host"].get<std::string>()),
                               HasSubstr("(rex up, exit 0"),
                               HasSubstr("\"rex db bootstrap --force\" runs it again")));
  EXPECT_EQ(ecs_.TasksStarted(), 1);
  EXPECT_FALSE(b_.Read(".rex/dev/bootstrap.json").empty()) << "B keeps a copy";

  // --force runs it, and the bucket's record says so.
  ecs_.ScriptTask("ComputeBootstrapTaskDefinition",
                  {.log_lines = {"database supertokens already exists"}});
  RexRun forced = Rex(b_, {"db", "bootstrap", "--force"});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_EQ(ecs_.TasksStarted(), 2);
  record = BucketRecord();
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ((*record)["trigger"], "rex db bootstrap");

  // A stack destroyed and created again has a new database: its first rex up bootstraps it.
  ASSERT_EQ(Rex(a_, {"destroy", "--yes"}).exit_code, 0);
  ecs_.ScriptTask("ComputeBootstrapTaskDefinition",
                  {.log_lines = {"database supertokens created"}});
  RexRun recreated = Rex(a_, {"up", "--yes"});
  ASSERT_EQ(recreated.exit_code, 0) << recreated.err;
  EXPECT_EQ(ecs_.TasksStarted(), 3);
  record = BucketRecord();
  ASSERT_TRUE(record.has_value());
  EXPECT_NE((*record)["stackId"], stack_id);
}

TEST(TeamWithoutBucketTest, TheLockIsLocalAndTheHistoryIsTheFoldersOwn) {
  FakeAwsServer server;
  TempDir dir;
  auto rex = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--endpoint-url", server.url()});
    return RunRex(args, {.cwd = dir.path(), .env = server.RexEnv(kPassphrase)});
  };
  ASSERT_EQ(rex({"init", "dev"}).exit_code, 0);
  RexRun up = rex({"up", "--yes"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  EXPECT_THAT(up.err, HasSubstr("the deploy lock is local to this folder (no bootstrap bucket)"));
  RexRun history = rex({"history"});
  EXPECT_EQ(history.exit_code, 0) << history.err;
  EXPECT_THAT(history.err, HasSubstr("local copy only: no bootstrap bucket"));
  EXPECT_THAT(history.out, HasSubstr("CREATE_COMPLETE"));
  RexRun rollback = rex({"rollback", "1", "--yes"});
  EXPECT_EQ(rollback.exit_code, 0) << rollback.err;
  EXPECT_THAT(rollback.err,
              HasSubstr("deploy #1 comes from .rex/dev/history (no bootstrap bucket"));
  RexRun unlock = rex({"unlock", "--yes"});
  EXPECT_EQ(unlock.exit_code, 0);
  EXPECT_THAT(unlock.err, HasSubstr("no bootstrap bucket, so no deploy lease"));
}

TEST(TeamWithoutCredentialsTest, HistoryListsTheLocalCopyAndSaysSo) {
  TempDir dir;
  RexOptions options{.cwd = dir.path(),
                     .env = {{"REX_CONFIG_PASSPHRASE", kPassphrase},
                             {"AWS_EC2_METADATA_DISABLED", "true"},
                             {"AWS_REGION", "us-east-1"},
                             {"AWS_MAX_ATTEMPTS", "1"}}};
  ASSERT_EQ(RunRex({"init", "dev"}, options).exit_code, 0);
  // Nothing listens there: whatever rex tries stays on this machine.
  const std::vector<std::string> endpoint = {"--endpoint-url", "http://127.0.0.1:9"};
  // A record written while offline (no bucket).
  dir.Write(".rex/dev/history/0001.json",
            "{\"version\": 1, \"number\": 1, \"stack\": \"dev\", \"stackName\": "
            "\"rex-backend-dev\", \"operation\": \"up\", \"result\": \"deployed\", "
            "\"finalStatus\": \"CREATE_COMPLETE\", \"template\": null, \"startTime\": "
            "\"2026-12-01T10:00:00Z\", \"endTime\": \"2026-12-01T10:05:00Z\"}");
  RexRun history = RunRex({endpoint[0], endpoint[1], "history"}, options);
  EXPECT_EQ(history.exit_code, 0) << history.err;
  EXPECT_THAT(history.err, HasSubstr("local copy only: "));
  EXPECT_THAT(history.out, HasSubstr("CREATE_COMPLETE"));
}

}  // namespace
}  // namespace rex::testing
