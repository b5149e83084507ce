// The real rex binary against the fake AWS endpoint (tests/support/fake_aws_server.h, a test
// double on 127.0.0.1): CloudFormation is the baseline of every plan, and no path that deploys
// gets past the data-loss guard (engine/guard.h, cli/guarded_deploy.h).
//   - a fresh folder's `rex up --yes` plans against the stack a teammate deployed, and a change
//     that replaces the Aurora cluster stops with DATA LOSS before any change set exists;
//   - a replacement only CloudFormation's change set reports (Conditional) stops before it is
//     executed;
//   - `rex rollback` shows its plan first and refuses a record that deletes the database;
//   - a crafted NoEcho parameter name does not receive a secret, and a secret an output would
//     show is not sent;
//   - `rex preview` names its baseline: CloudFormation online, the dated .rex copy offline.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "aws/cloudformation.h"
#include "aws/credentials.h"
#include "aws/transport.h"
#include "base/clock.h"
#include "base/json.h"
#include "engine/deploy.h"
#include "support/fake_aws_server.h"
#include "support/recording_observer.h"
#include "support/run_rex.h"

namespace rex::testing {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kStackName = "rex-backend-dev";
constexpr const char* kPassphrase = "guard integration passphrase";
constexpr const char* kDbPassword = "Guarded-Db-Passw0rd-7731";

class GuardTest : public ::testing::Test {
 protected:
  RexRun Rex(const TempDir& dir, std::vector<std::string> args,
             std::map<std::string, std::string> extra_env = {}) {
    args.insert(args.begin(), {"--endpoint-url", server_.url()});
    std::map<std::string, std::string> env = server_.RexEnv(kPassphrase);
    for (auto& [k, v] : extra_env) env[k] = v;
    RexRun run = RunRex(args, {.cwd = dir.path(), .env = env});
    transcript_ += run.out + run.err;
    return run;
  }

  // The dev template as rex synthesizes it.
  base::Json Synth(const TempDir& dir) {
    RexRun synth = Rex(dir, {"synth"});
    EXPECT_EQ(synth.exit_code, 0) << synth.err;
    auto parsed = base::ParseJson(synth.out, "rex synth");
    EXPECT_TRUE(parsed.ok());
    return parsed.ok() ? *parsed : base::Json::object();
  }

  // Deploys `tmpl` as the stack, the way another machine (or an older rex) would have: straight
  // through the engine, leaving nothing in any project folder.
  void DeployElsewhere(const base::Json& tmpl) {
    auto transport = aws::NewCurlTransport();
    aws::StaticCredentialsProvider credentials(aws::Credentials{
        server_.aws().options().access_key_id, server_.aws().options().secret_access_key});
    aws::CloudFormationClient cfn({server_.url(), "us-east-1", "cloudformation"}, &credentials,
                                  *transport, base::SystemClock());
    engine::DeployClients clients{cfn, base::SystemClock(), nullptr};
    engine::DeployRequest request{.stack_name = kStackName,
                                  .template_body = engine::CompactTemplateBody(tmpl)};
    request.poll.initial = std::chrono::milliseconds(10);
    request.poll.max = std::chrono::milliseconds(20);
    request.allow_data_loss = true;
    RecordingObserver observer;
    auto outcome = engine::Deploy(clients, request, observer);
    ASSERT_TRUE(outcome.ok()) << outcome.error().ToString();
    ASSERT_TRUE(std::holds_alternative<engine::Deployed>(*outcome) ||
                std::holds_alternative<engine::NoChanges>(*outcome));
  }

  bool Executed() {
    int n = 0;
    for (const std::string& r : server_.aws().Requests()) {
      if (r == "cloudformation:ExecuteChangeSet") ++n;
    }
    return n > executed_before_;
  }
  void MarkRequests() {
    executed_before_ = 0;
    for (const std::string& r : server_.aws().Requests()) {
      if (r == "cloudformation:ExecuteChangeSet") ++executed_before_;
    }
  }

  void TearDown() override {
    EXPECT_THAT(transcript_, Not(HasSubstr(kDbPassword)));
    EXPECT_THAT(transcript_, Not(HasSubstr(server_.aws().options().secret_access_key)));
  }

  FakeAwsServer server_;
  std::string transcript_;
  int executed_before_ = 0;
};

TEST_F(GuardTest, AFreshFolderPlansAgainstCloudFormationAndAClusterReplacementIsBlocked) {
  TempDir teammate;
  ASSERT_EQ(Rex(teammate, {"init", "dev"}).exit_code, 0);
  base::Json deployed = Synth(teammate);
  // Deployed by a teammate under another cluster name: this config would replace it.
  deployed["Resources"]["DatabaseCluster"]["Properties"]["DBClusterIdentifier"] = "rex-backend-old";
  DeployElsewhere(deployed);
  int change_sets = server_.aws().ChangeSetsCreated(kStackName);

  TempDir fresh;  // a fresh clone: stacks/dev.yaml and nothing under .rex/
  ASSERT_EQ(Rex(fresh, {"init", "dev"}).exit_code, 0);
  RexRun up = Rex(fresh, {"up", "--yes"});
  EXPECT_EQ(up.exit_code, 1) << up.out << up.err;
  EXPECT_THAT(up.out, AllOf(HasSubstr("Plan for rex-backend-dev (against the template "
                                      "CloudFormation holds (CREATE_COMPLETE))"),
                            HasSubstr("DATA LOSS"), Not(HasSubstr("to create, 0 unchanged"))));
  EXPECT_THAT(up.err, AllOf(HasSubstr("error: this deploy destroys the data of Database/Cluster, "
                                      "Database/Writer; nothing was deployed. Rerun with "
                                      "--allow-data-loss"),
                            HasSubstr("Database/Cluster (AWS::RDS::DBCluster): replaced "
                                      "(DBClusterIdentifier changed)")));
  // Stopped before any change set existed.
  EXPECT_EQ(server_.aws().ChangeSetsCreated(kStackName), change_sets);
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(fresh.path()) / ".rex/dev/history"));

  // --yes --json: the same stop, as a document.
  RexRun json = Rex(fresh, {"up", "--yes", "--json"});
  EXPECT_EQ(json.exit_code, 1);
  auto doc = base::ParseJson(json.out, "stdout");
  ASSERT_TRUE(doc.ok()) << json.out;
  EXPECT_EQ((*doc)["result"], "blocked");
  EXPECT_EQ((*doc)["dataLoss"][0]["logicalId"], "DatabaseCluster");

  // Allowed on purpose, it deploys.
  RexRun allowed = Rex(fresh, {"up", "--yes", "--allow-data-loss"});
  EXPECT_EQ(allowed.exit_code, 0) << allowed.err;
  EXPECT_THAT(allowed.err, HasSubstr("warning: data loss allowed by --allow-data-loss"));
}

TEST_F(GuardTest, AReplacementOnlyTheChangeSetReportsIsNotExecuted) {
  TempDir teammate;
  ASSERT_EQ(Rex(teammate, {"init", "dev"}).exit_code, 0);
  base::Json deployed = Synth(teammate);
  // A property rex does not set any more: offline its removal only "may replace"; the change
  // set says Replacement Conditional, which the guard stops.
  deployed["Resources"]["CacheReplicationGroup"]["Properties"]["LegacyThing"] = "x";
  DeployElsewhere(deployed);

  TempDir fresh;
  ASSERT_EQ(Rex(fresh, {"init", "dev"}).exit_code, 0);
  MarkRequests();
  RexRun up = Rex(fresh, {"up", "--yes"});
  EXPECT_EQ(up.exit_code, 1) << up.out << up.err;
  EXPECT_THAT(up.out, HasSubstr("may replace"));
  EXPECT_THAT(up.err, AllOf(HasSubstr("error: this deploy destroys the data of "
                                      "Cache/ReplicationGroup"),
                            HasSubstr("may be replaced (CloudFormation: Replacement Conditional)"),
                            HasSubstr("it was deleted and nothing was deployed")));
  EXPECT_FALSE(Executed());
  EXPECT_EQ(server_.aws().StackStatus(kStackName), "CREATE_COMPLETE");
}

TEST_F(GuardTest, RollbackShowsItsPlanAndRefusesARecordThatDeletesTheDatabase) {
  TempDir dir;  // no bootstrap bucket: history is the local copy
  ASSERT_EQ(Rex(dir, {"init", "dev"}).exit_code, 0);
  ASSERT_EQ(Rex(dir, {"up", "--yes"}).exit_code, 0);
  std::string path = ".rex/dev/history/0001.json";
  auto record = base::ParseJson(dir.Read(path), path);
  ASSERT_TRUE(record.ok());
  (*record)["template"]["Resources"].erase("DatabaseCluster");
  (*record)["template"]["Resources"].erase("DatabaseWriter");
  dir.Write(path, base::DumpJson(*record));
  MarkRequests();
  int change_sets = server_.aws().ChangeSetsCreated(kStackName);

  RexRun rollback = Rex(dir, {"rollback", "1", "--yes"});
  EXPECT_EQ(rollback.exit_code, 1) << rollback.out << rollback.err;
  EXPECT_THAT(rollback.out,
              AllOf(HasSubstr("Rollback of rex-backend-dev to the template of "
                              "deploy #1\n(against the template CloudFormation "
                              "holds"),  // the headline wraps at 100 columns
                    HasSubstr("-   AWS::RDS::DBCluster   Database/Cluster  DATA LOSS")));
  EXPECT_THAT(rollback.err, AllOf(HasSubstr("this deploy destroys the data of Database/Cluster"),
                                  HasSubstr("deleted")));
  EXPECT_EQ(server_.aws().ChangeSetsCreated(kStackName), change_sets);
  EXPECT_FALSE(Executed());
}

TEST_F(GuardTest, ACraftedParameterNameDoesNotReceiveTheSecret) {
  TempDir dir;
  ASSERT_EQ(Rex(dir, {"init", "dev"}).exit_code, 0);
  RexRun set = RunRex({"config", "set", "dbMasterPassword", "--secret"},
                      {.cwd = dir.path(),
                       .env = server_.RexEnv(kPassphrase),
                       .stdin_text = std::string(kDbPassword) + "\n"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  ASSERT_EQ(Rex(dir, {"up", "--yes"}).exit_code, 0);
  ASSERT_EQ(server_.aws().LastParameters(kStackName).at("DbMasterPassword"), kDbPassword);

  std::string path = ".rex/dev/history/0001.json";
  auto original = base::ParseJson(dir.Read(path), path);
  ASSERT_TRUE(original.ok());
  {
    // A parameter named like the secret, passed on to a resource a reader controls.
    base::Json record = *original;
    record["template"]["Parameters"]["XDbMasterPassword"] = {{"Type", "String"}, {"NoEcho", true}};
    dir.Write(path, base::DumpJson(record));
    RexRun rollback = Rex(dir, {"rollback", "1", "--yes", "--allow-data-loss"});
    EXPECT_EQ(rollback.exit_code, 2) << rollback.err;
    EXPECT_THAT(rollback.err,
                HasSubstr("without a value or a default: XDbMasterPassword (NoEcho)"));
  }
  {
    // An output that would show the real secret.
    base::Json record = *original;
    record["template"]["Outputs"]["Leak"] = {{"Value", {{"Ref", "DbMasterPassword"}}}};
    dir.Write(path, base::DumpJson(record));
    RexRun rollback = Rex(dir, {"rollback", "1", "--yes", "--allow-data-loss"});
    EXPECT_EQ(rollback.exit_code, 2) << rollback.err;
    EXPECT_THAT(rollback.err, HasSubstr("is shown by output Leak; rex does not send a secret"));
  }
  EXPECT_EQ(server_.aws().ChangeSetsCreated(kStackName), 1);
}

TEST_F(GuardTest, PreviewNamesItsBaseline) {
  TempDir teammate;
  ASSERT_EQ(Rex(teammate, {"init", "dev"}).exit_code, 0);
  ASSERT_EQ(Rex(teammate, {"up", "--yes"}).exit_code, 0);

  TempDir fresh;
  ASSERT_EQ(Rex(fresh, {"init", "dev"}).exit_code, 0);
  RexRun online = Rex(fresh, {"preview"});
  EXPECT_EQ(online.exit_code, 0) << online.err;
  EXPECT_THAT(online.out, AllOf(HasSubstr("against the template CloudFormation holds "
                                          "(CREATE_COMPLETE)"),
                                HasSubstr("No changes")));

  RexRun offline = Rex(teammate, {"preview", "--offline"});
  EXPECT_EQ(offline.exit_code, 0) << offline.err;
  EXPECT_THAT(offline.out, AllOf(HasSubstr("against the copy of "),
                                 HasSubstr(" UTC in .rex/dev/deployed.template.json, not checked "
                                           "with AWS")));
  RexRun nothing = Rex(fresh, {"preview", "--offline"});
  std::string nothing_text = nothing.out;  // joined: the description wraps at 100 columns
  for (char& c : nothing_text) c = c == '\n' ? ' ' : c;
  EXPECT_THAT(nothing_text, HasSubstr("nothing deployed as far as this folder knows (no "
                                      ".rex/dev/deployed.template.json; not checked with AWS), "
                                      "every resource is created"));
  RexRun json = Rex(fresh, {"preview", "--json"});
  auto doc = base::ParseJson(json.out, "stdout");
  ASSERT_TRUE(doc.ok()) << json.out;
  EXPECT_EQ((*doc)["baselineSource"], "cloudformation");
}

}  // namespace
}  // namespace rex::testing
