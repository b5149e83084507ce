// The real rex binary against the fake AWS endpoint (tests/support/fake_aws_server.h, a test
// double on 127.0.0.1): create, preview, update, a failed update that rolls back, faults that
// are retried (throttling, 503, a dropped connection), faults that are not (a slow answer past
// the timeout, expired credentials), a stack already in progress, destroy, history and
// rollback, and that no secret ever appears in rex's output or in .rex/.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/json.h"
#include "support/fake_aws_server.h"
#include "support/run_rex.h"

namespace rex::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kStackName = "rex-backend-dev";
constexpr const char* kPassphrase = "integration passphrase 42";
constexpr const char* kDbPassword = "Db-Passw0rd-Never-Shown-9931";

class DeployTest : public ::testing::Test {
 protected:
  // The bootstrap bucket receives every deploy's history record; templates over 51,200 bytes
  // compact (the prod preset's) go through it too, the dev template goes inline.
  void SetUp() override {
    ASSERT_EQ(Rex({"init", "dev"}).exit_code, 0);
    RexRun bootstrap = Rex({"bootstrap"});
    ASSERT_EQ(bootstrap.exit_code, 0) << bootstrap.err;
    bucket_ = bootstrap.out.substr(8, bootstrap.out.find('\n') - 8);
  }

  std::map<std::string, std::string> Env() { return server_.RexEnv(kPassphrase); }

  // Runs rex against the fake endpoint; every output is kept for the secret check.
  RexRun Rex(std::vector<std::string> args, std::map<std::string, std::string> extra_env = {},
             std::string stdin_text = "") {
    args.insert(args.begin(), {"--endpoint-url", server_.url()});
    std::map<std::string, std::string> env = Env();
    for (auto& [k, v] : extra_env) env[k] = v;
    RexRun run = RunRex(args, {.cwd = dir_.path(), .env = env, .stdin_text = stdin_text});
    transcript_ += run.out + run.err;
    return run;
  }

  RexRun Up(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"up", "--yes"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Rex(args);
  }

  // Every file under .rex/, concatenated.
  std::string StateFiles() const {
    std::string all;
    std::filesystem::path root = std::filesystem::path(dir_.path()) / ".rex";
    if (!std::filesystem::exists(root)) return all;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path());
      std::stringstream text;
      text << in.rdbuf();
      all += text.str();
    }
    return all;
  }

  FakeAwsServer server_;
  TempDir dir_;
  std::string transcript_;
  std::string bucket_;
};

TEST_F(DeployTest, CreatePreviewUpdate) {
  RexRun first = Up();
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(server_.aws().StackStatus(kStackName), "CREATE_COMPLETE");
  EXPECT_THAT(first.err, AllOf(HasSubstr("CREATE_COMPLETE"), HasSubstr("change set rex-")));
  // The outputs are printed at the end.
  auto outputs = server_.aws().Outputs(kStackName);
  ASSERT_FALSE(outputs.empty());
  for (const auto& [key, value] : outputs) {
    EXPECT_THAT(first.out, HasSubstr(key));
    EXPECT_THAT(first.out, HasSubstr(value));
  }
  EXPECT_THAT(dir_.Read(".rex/dev/deployed.template.json"), HasSubstr("AWSTemplateFormatVersion"));

  RexRun preview = Rex({"preview"});
  EXPECT_EQ(preview.exit_code, 0) << preview.err;
  EXPECT_THAT(preview.out, HasSubstr("No changes"));

  RexRun again = Up();
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.err, HasSubstr("no changes"));

  ASSERT_EQ(Rex({"config", "set", "logRetentionDays", "14"}).exit_code, 0);
  RexRun update = Up();
  ASSERT_EQ(update.exit_code, 0) << update.err;
  EXPECT_EQ(server_.aws().StackStatus(kStackName), "UPDATE_COMPLETE");
  EXPECT_THAT(update.out, HasSubstr("~"));  // the plan shows the updates first
  EXPECT_THAT(update.err, HasSubstr("UPDATE_COMPLETE"));

  RexRun outputs_json = Rex({"outputs", "--json"});
  ASSERT_EQ(outputs_json.exit_code, 0) << outputs_json.err;
  auto parsed = base::ParseJson(outputs_json.out, "stdout");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ((*parsed)["version"], 1);
  EXPECT_EQ((*parsed)["outputs"].size(), outputs.size());
  const auto& [key, value] = *outputs.begin();
  RexRun one = Rex({"outputs", key});
  EXPECT_EQ(one.out, value + "\n");
  RexRun missing = Rex({"outputs", "NoSuchOutput"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("has no output \"NoSuchOutput\""));
}

TEST_F(DeployTest, AFailedUpdateRollsBackAndShowsTheReasonFirst) {
  ASSERT_EQ(Up().exit_code, 0);
  ASSERT_EQ(Rex({"config", "set", "logRetentionDays", "30"}).exit_code, 0);
  server_.aws().FailResource("*", "Resource handler returned message: \"quota exceeded\"");
  RexRun failed = Up();
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_EQ(server_.aws().StackStatus(kStackName), "UPDATE_ROLLBACK_COMPLETE");
  size_t error = failed.err.find("error: deploy of rex-backend-dev failed: ");
  ASSERT_NE(error, std::string::npos) << failed.err;
  std::string summary = failed.err.substr(error);
  EXPECT_THAT(summary.substr(0, summary.find('\n')), HasSubstr("quota exceeded"));
  EXPECT_THAT(summary, HasSubstr("the stack ended in UPDATE_ROLLBACK_COMPLETE: rolled back"));
  // The rollback was followed to its end.
  EXPECT_THAT(failed.err, HasSubstr("UPDATE_ROLLBACK_IN_PROGRESS"));

  RexRun history = Rex({"history", "--json"});
  auto history_json = base::ParseJson(history.out, "stdout");
  ASSERT_TRUE(history_json.ok()) << history.err;
  const base::Json& records = (*history_json)["records"];
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1]["result"], "failed");
  EXPECT_THAT(records[1]["failureReason"].get<std::string>(), HasSubstr("quota exceeded"));
}

TEST_F(DeployTest, ThrottlingAnd503AreRetried) {
  server_.aws().InjectFault(
      {.kind = FaultKind::kThrottle, .action = "CreateChangeSet", .count = 2});
  server_.aws().InjectFault(
      {.kind = FaultKind::kServiceUnavailable, .action = "DescribeChangeSet", .count = 1});
  RexRun run = Up();
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(server_.aws().faults_served(), 3);
  EXPECT_EQ(server_.aws().ChangeSetsCreated(kStackName), 1);
}

TEST_F(DeployTest, ADroppedConnectionIsRetried) {
  server_.aws().InjectFault({.kind = FaultKind::kDropConnection, .action = "ExecuteChangeSet"});
  RexRun run = Up();
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(server_.aws().faults_served(), 1);
  EXPECT_EQ(server_.aws().StackStatus(kStackName), "CREATE_COMPLETE");
}

TEST_F(DeployTest, ASlowAnswerPastTheTimeoutIsAClearError) {
  server_.aws().InjectFault({.kind = FaultKind::kSlow,
                             .action = "DescribeStacks",
                             .count = 3,
                             .delay = std::chrono::milliseconds(2500)});
  // With REX_HTTP_TIMEOUT=1 each of the 3 tries gives up after a second.
  RexRun slow = Rex({"up", "--yes"}, {{"REX_HTTP_TIMEOUT", "1"}});
  EXPECT_EQ(slow.exit_code, 1);
  EXPECT_THAT(slow.err, AllOf(HasSubstr("timed out"), HasSubstr("gave up after 3 tries")));
}

TEST_F(DeployTest, ExpiredCredentialsAreAClearMessageWithoutTheSecret) {
  server_.aws().InjectFault({.kind = FaultKind::kExpiredToken, .action = "DescribeStacks"});
  RexRun run = Up();
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err,
              AllOf(HasSubstr("ExpiredToken (HTTP 403"),
                    HasSubstr("The security token included in the request is expired"),
                    HasSubstr("AWS refused the credentials (ExpiredToken); refresh them")));
  EXPECT_THAT(run.out + run.err, Not(HasSubstr(server_.aws().options().secret_access_key)));
  EXPECT_FALSE(server_.aws().HasStack(kStackName));
}

TEST_F(DeployTest, RequestsSignedForAnotherRegionAreRefused) {
  // The config's region is authoritative (a --region that differs from it is exit 2 before
  // anything is sent, tests/integration/ci_test.cc): move the config to eu-west-1, which the
  // fake endpoint (us-east-1) refuses.
  ASSERT_EQ(Rex({"config", "set", "region", "eu-west-1"}).exit_code, 0);
  RexRun run = Rex({"up", "--yes", "--region", "eu-west-1"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr("Credential should be scoped to a valid region"));
  EXPECT_FALSE(server_.aws().AuthFailures().empty());
  EXPECT_FALSE(server_.aws().HasStack(kStackName));
}

TEST_F(DeployTest, AStackInProgressIsAClearMessageAndWaitWaits) {
  ASSERT_EQ(Up().exit_code, 0);
  ASSERT_EQ(Rex({"config", "set", "logRetentionDays", "14"}).exit_code, 0);
  server_.aws().SetBusy(kStackName, "UPDATE_IN_PROGRESS", 1000);
  RexRun busy = Up();
  EXPECT_EQ(busy.exit_code, 1);
  EXPECT_THAT(busy.err, HasSubstr("stack rex-backend-dev is UPDATE_IN_PROGRESS; wait for it or "
                                  "run with --wait"));
  server_.aws().SetBusy(kStackName, "UPDATE_IN_PROGRESS", 5);
  RexRun waited = Up({"--wait"});
  EXPECT_EQ(waited.exit_code, 0) << waited.err;
  EXPECT_THAT(waited.err, HasSubstr("waiting for it to finish"));
  EXPECT_EQ(server_.aws().StackStatus(kStackName), "UPDATE_COMPLETE");
}

TEST_F(DeployTest, UpAndDestroyNeedYesWithoutATerminal) {
  size_t requests = server_.aws().Requests().size();
  RexRun up = Rex({"up"});
  EXPECT_EQ(up.exit_code, 2);
  EXPECT_THAT(up.err, HasSubstr("rex up needs --yes when stdin is not a terminal"));
  EXPECT_EQ(server_.aws().Requests().size(), requests);
  RexRun destroy = Rex({"destroy"});
  EXPECT_EQ(destroy.exit_code, 2);
}

TEST_F(DeployTest, DestroyListsWhatHoldsDataAndDeletesTheStack) {
  ASSERT_EQ(Up().exit_code, 0);
  RexRun destroy = Rex({"destroy", "--yes"});
  EXPECT_EQ(destroy.exit_code, 0) << destroy.err;
  EXPECT_THAT(destroy.err, AllOf(HasSubstr("Resources holding data in rex-backend-dev"),
                                 HasSubstr("AWS::RDS::DBCluster"), HasSubstr("deleted in")));
  EXPECT_FALSE(server_.aws().HasStack(kStackName));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/.rex/dev/deployed.template.json"));
  RexRun again = Rex({"destroy", "--yes"});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_THAT(again.err, HasSubstr("nothing to destroy"));
}

TEST_F(DeployTest, HistoryAndRollback) {
  ASSERT_EQ(Up().exit_code, 0);
  std::string first_template = dir_.Read(".rex/dev/deployed.template.json");
  ASSERT_EQ(Rex({"config", "set", "logRetentionDays", "14"}).exit_code, 0);
  ASSERT_EQ(Up().exit_code, 0);
  RexRun history = Rex({"history"});
  EXPECT_EQ(history.exit_code, 0);
  EXPECT_THAT(history.out, AllOf(HasSubstr("deployed"), HasSubstr("CREATE_COMPLETE"),
                                 HasSubstr("UPDATE_COMPLETE")));
  // Fits 100 columns (bytes here; the table is ASCII).
  std::istringstream lines(history.out);
  for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), 100u) << line;
  RexRun rollback = Rex({"rollback", "1", "--yes"});
  EXPECT_EQ(rollback.exit_code, 0) << rollback.err;
  EXPECT_EQ(dir_.Read(".rex/dev/deployed.template.json"), first_template);
  RexRun json = Rex({"history", "--json"});
  auto history_json = base::ParseJson(json.out, "stdout");
  ASSERT_TRUE(history_json.ok());
  const base::Json& records = (*history_json)["records"];
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[2]["operation"], "rollback");
  EXPECT_EQ(records[2]["rollbackOf"], 1);
  RexRun bad = Rex({"rollback", "9", "--yes"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("no deploy #9"));
}

TEST_F(DeployTest, BootstrapIsIdempotentAndItsBucketHoldsTemplatesAndHistory) {
  RexRun again = Rex({"bootstrap"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, "bucket: " + bucket_ + "\n");
  EXPECT_THAT(again.err, HasSubstr("rex-bootstrap is up to date"));
  ASSERT_EQ(Up().exit_code, 0);
  auto uploaded = [&](const std::string& stack) {
    for (const std::string& r : server_.aws().Requests()) {
      if (r.rfind("s3:PUT /" + bucket_ + "/templates/" + stack + "/", 0) == 0) return true;
    }
    return false;
  };
  // The dev template is 76 kB pretty-printed but 41 kB as sent (compact): inline.
  EXPECT_FALSE(uploaded("rex-backend-dev"));
  auto record = server_.aws().Object(bucket_, "history/rex-backend-dev/0001.json");
  ASSERT_TRUE(record.has_value());
  EXPECT_THAT(*record, HasSubstr("\"result\": \"deployed\""));

  // The prod template is still over 51,200 bytes compact: it goes through the bucket, and
  // so does its rollback.
  ASSERT_EQ(Rex({"init", "prod"}).exit_code, 0);
  RexRun prod = Rex({"up", "--yes", "--stack", "prod"});
  ASSERT_EQ(prod.exit_code, 0) << prod.err;
  EXPECT_TRUE(uploaded("rex-backend-prod")) << "the 54 kB compact prod template goes through S3";
  EXPECT_THAT(prod.err, HasSubstr("uploading the template"));
  EXPECT_EQ(server_.aws().StackStatus("rex-backend-prod"), "CREATE_COMPLETE");
  ASSERT_EQ(Rex({"config", "set", "--stack", "prod", "logRetentionDays", "60"}).exit_code, 0);
  ASSERT_EQ(Rex({"up", "--yes", "--stack", "prod"}).exit_code, 0);
  RexRun rollback = Rex({"rollback", "1", "--yes", "--stack", "prod"});
  EXPECT_EQ(rollback.exit_code, 0) << rollback.err;
  EXPECT_EQ(server_.aws().StackStatus("rex-backend-prod"), "UPDATE_COMPLETE");
}

TEST_F(DeployTest, SecretsNeverAppearInOutputOrState) {
  RexRun set =
      Rex({"config", "set", "dbMasterPassword", "--secret"}, {}, std::string(kDbPassword) + "\n");
  ASSERT_EQ(set.exit_code, 0) << set.err;
  ASSERT_EQ(Up().exit_code, 0);
  auto parameters = server_.aws().LastParameters(kStackName);
  ASSERT_EQ(parameters["DbMasterPassword"], kDbPassword) << "the secret reaches CloudFormation";
  server_.aws().FailResource("*", "failing on purpose");
  ASSERT_EQ(Rex({"config", "set", "logRetentionDays", "30"}).exit_code, 0);
  EXPECT_EQ(Up().exit_code, 1);
  server_.aws().ClearFailures();
  Rex({"history", "--json"});
  Rex({"outputs"});
  Rex({"rollback", "1", "--yes"});
  Rex({"destroy", "--yes"});
  EXPECT_THAT(transcript_, Not(HasSubstr(kDbPassword)));
  std::string state = StateFiles();
  EXPECT_FALSE(state.empty());
  EXPECT_THAT(state, Not(HasSubstr(kDbPassword)));
  EXPECT_THAT(state, HasSubstr("\"DbMasterPassword\": \"****\""));
  EXPECT_THAT(dir_.Read("stacks/dev.yaml"), Not(HasSubstr(kDbPassword)));
}

}  // namespace
}  // namespace rex::testing
