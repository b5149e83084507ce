// The real rex binary's online `rex preview` against the fake AWS endpoint
// (tests/support/fake_aws_server.h, a test double on 127.0.0.1): CloudFormation's view from a
// change set (Replacement True and Conditional, per-property causes), merged into the offline
// plan; the change set deleted afterwards, also when describing it fails; no changes; a
// parameter change only CloudFormation sees; missing credentials and --offline staying
// offline; no secret in any output.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "aws/cloudformation.h"
#include "aws/credentials.h"
#include "base/clock.h"
#include "base/json.h"
#include "engine/deploy.h"
#include "support/fake_aws_server.h"
#include "support/fake_transport.h"
#include "support/run_rex.h"

namespace rex::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kStackName = "rex-backend-dev";
constexpr const char* kPassphrase = "integration passphrase 42";
constexpr const char* kFirstPassword = "First-Db-Passw0rd-Never-Shown-1";
constexpr const char* kSecondPassword = "Second-Db-Passw0rd-Never-Shown-2";

class OnlinePreviewTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(Rex({"init", "dev"}).exit_code, 0); }

  std::map<std::string, std::string> Env() { return server_.RexEnv(kPassphrase); }

  // Runs rex against the fake endpoint; every output is kept for the secret check.
  RexRun Rex(std::vector<std::string> args, std::map<std::string, std::string> env = {},
             std::string stdin_text = "") {
    args.insert(args.begin(), {"--endpoint-url", server_.url()});
    std::map<std::string, std::string> all = Env();
    for (auto& [k, v] : env) all[k] = v;
    RexRun run = RunRex(args, {.cwd = dir_.path(), .env = all, .stdin_text = stdin_text});
    transcript_ += run.out + run.err;
    return run;
  }

  // What the fake was asked, from request number `from` on.
  std::vector<std::string> RequestsSince(size_t from) {
    std::vector<std::string> all = server_.aws().Requests();
    return std::vector<std::string>(all.begin() + static_cast<long>(std::min(from, all.size())),
                                    all.end());
  }

  static bool Has(const std::vector<std::string>& requests, const std::string& action) {
    return std::find(requests.begin(), requests.end(), "cloudformation:" + action) !=
           requests.end();
  }

  // CloudFormation's answer to DescribeChangeSet for `id`, asked in process.
  base::Status DescribeChangeSet(const std::string& id) {
    FakeTransport transport;
    transport.SetHandler([this](const aws::HttpRequest& r) { return server_.aws().Handle(r); });
    aws::StaticCredentialsProvider credentials(aws::Credentials{
        server_.aws().options().access_key_id, server_.aws().options().secret_access_key});
    aws::CloudFormationClient cfn({server_.url(), "us-east-1", "cloudformation"}, &credentials,
                                  transport, base::SystemClock());
    return cfn.DescribeChangeSet(id, kStackName).status();
  }

  // Deploys `tmpl` as stack rex-backend-dev in process, bypassing rex's own records (as if
  // someone deployed it from another checkout).
  void DeployElsewhere(const base::Json& tmpl) {
    FakeTransport transport;
    transport.SetHandler([this](const aws::HttpRequest& r) { return server_.aws().Handle(r); });
    aws::StaticCredentialsProvider credentials(aws::Credentials{
        server_.aws().options().access_key_id, server_.aws().options().secret_access_key});
    aws::CloudFormationClient cfn({server_.url(), "us-east-1", "cloudformation"}, &credentials,
                                  transport, base::SystemClock());
    engine::DeployClients clients{cfn, base::SystemClock(), nullptr};
    engine::DeployRequest request;
    request.stack_name = kStackName;
    request.template_body = engine::CompactTemplateBody(tmpl);
    request.poll.initial = std::chrono::milliseconds(1);
    request.poll.max = std::chrono::milliseconds(5);
    engine::NullDeployObserver observer;
    auto outcome = engine::Deploy(clients, request, observer);
    ASSERT_TRUE(outcome.ok()) << outcome.error().ToString();
    ASSERT_TRUE(std::holds_alternative<engine::Deployed>(*outcome));
  }

  base::Json ParseOrFail(const std::string& text) {
    auto parsed = base::ParseJson(text, "stdout");
    EXPECT_TRUE(parsed.ok()) << text;
    return parsed.ok() ? *parsed : base::Json(nullptr);
  }

  FakeAwsServer server_;
  TempDir dir_;
  std::string transcript_;
};

TEST_F(OnlinePreviewTest, ConfirmsAReplacementWithItsCauseAndDeletesTheChangeSet) {
  RexRun up = Rex({"up", "--yes"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  ASSERT_EQ(Rex({"config", "set", "vpcCidr", "10.20.0.0/16"}).exit_code, 0);

  size_t before = server_.aws().Requests().size();
  RexRun preview = Rex({"preview"});
  EXPECT_EQ(preview.exit_code, 0) << preview.err;
  EXPECT_THAT(preview.out,
              AllOf(HasSubstr("CloudFormation change set confirms the plan: 47 resources change, "
                              "37 replaced"),
                    HasSubstr("Network/Vpc"), HasSubstr("Replacement: True"),
                    HasSubstr("CidrBlock: Always (changed directly)"),
                    HasSubstr("RouteTableId: Always (Ref NetworkPrivateSubnet1RouteTable)"),
                    HasSubstr("deleted")))
      << preview.out;
  std::vector<std::string> asked = RequestsSince(before);
  EXPECT_TRUE(Has(asked, "CreateChangeSet"));
  EXPECT_TRUE(Has(asked, "DescribeChangeSet"));
  EXPECT_TRUE(Has(asked, "DeleteChangeSet"));
  EXPECT_FALSE(Has(asked, "ExecuteChangeSet"));
  EXPECT_EQ(server_.aws().StackStatus(kStackName), "CREATE_COMPLETE");

  RexRun json = Rex({"preview", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  base::Json plan = ParseOrFail(json.out);
  const base::Json& cfn = plan["cloudformation"];
  EXPECT_EQ(cfn["source"], "change-set");
  EXPECT_EQ(cfn["deleted"], true);
  EXPECT_EQ(cfn["agrees"], true);
  // 47 changes over the fake's pages of 20: every page was read.
  EXPECT_EQ(cfn["resources"].size(), 47u);
  EXPECT_EQ(cfn["summary"]["replace"], 37);
  bool vpc_seen = false;
  for (const base::Json& r : cfn["resources"]) {
    if (r["logicalId"] != "NetworkVpc") continue;
    vpc_seen = true;
    EXPECT_EQ(r["replacement"], "True");
    EXPECT_EQ(r["offline"], "replace");
    ASSERT_EQ(r["details"].size(), 1u);
    EXPECT_EQ(r["details"][0]["name"], "CidrBlock");
    EXPECT_EQ(r["details"][0]["requiresRecreation"], "Always");
    EXPECT_EQ(r["details"][0]["changeSource"], "DirectModification");
  }
  EXPECT_TRUE(vpc_seen);
  base::Status gone = DescribeChangeSet(cfn["changeSetId"].get<std::string>());
  EXPECT_EQ(gone.code(), base::Code::kNotFound) << gone.ToString();

  // The stack is untouched and the next deploy goes on as usual.
  RexRun update = Rex({"up", "--yes"});
  EXPECT_EQ(update.exit_code, 0) << update.err;
  EXPECT_EQ(server_.aws().StackStatus(kStackName), "UPDATE_COMPLETE");
}

TEST_F(OnlinePreviewTest, AConditionalReplacementFromCloudFormation) {
  // Deployed from elsewhere with another secret name: this checkout has no .rex/ record, so
  // the template deployed in CloudFormation is the baseline.
  RexRun synth = Rex({"synth"});
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
  base::Json deployed = ParseOrFail(synth.out);
  deployed["Resources"]["DatabaseCredentialsSecret"]["Properties"]["Name"] =
      "rex-backend-dev/db/credentials-old";
  DeployElsewhere(deployed);

  // Replacing the secret loses its value (DATA LOSS offline already); the cluster is only
  // conditionally replaced, which the guard counts as data loss too (engine/guard.h).
  RexRun preview = Rex({"preview", "--allow-data-loss"});
  EXPECT_EQ(preview.exit_code, 0) << preview.err;
  EXPECT_THAT(preview.err, HasSubstr("data loss allowed by --allow-data-loss"));
  EXPECT_THAT(preview.out,
              HasSubstr("against the template CloudFormation holds (CREATE_COMPLETE)"));
  EXPECT_THAT(preview.out,
              AllOf(HasSubstr("CloudFormation change set confirms the plan"),
                    HasSubstr("Replacement: Conditional"),
                    HasSubstr("MasterUsername: Conditionally (Ref DatabaseCredentialsSecret)"),
                    HasSubstr("Name: Always (changed directly)")))
      << preview.out;

  RexRun json = Rex({"preview", "--json", "--allow-data-loss"});
  base::Json plan = ParseOrFail(json.out);
  bool cluster_seen = false;
  for (const base::Json& r : plan["cloudformation"]["resources"]) {
    if (r["logicalId"] != "DatabaseCluster") continue;
    cluster_seen = true;
    EXPECT_EQ(r["replacement"], "Conditional");
    EXPECT_EQ(r["offline"], "may-replace");
    EXPECT_EQ(r["agreement"], "confirmed");
    EXPECT_EQ(r["dataLossAdded"], true);
  }
  EXPECT_TRUE(cluster_seen) << json.out;
}

TEST_F(OnlinePreviewTest, NoChangesOnline) {
  ASSERT_EQ(Rex({"up", "--yes"}).exit_code, 0);
  size_t before = server_.aws().Requests().size();
  RexRun preview = Rex({"preview"});
  EXPECT_EQ(preview.exit_code, 0) << preview.err;
  EXPECT_THAT(preview.out, AllOf(HasSubstr("No changes"),
                                 HasSubstr("CloudFormation change set confirms: no changes.")));
  std::vector<std::string> asked = RequestsSince(before);
  EXPECT_TRUE(Has(asked, "CreateChangeSet"));
  EXPECT_TRUE(Has(asked, "DeleteChangeSet"));
  base::Json plan = ParseOrFail(Rex({"preview", "--json"}).out);
  EXPECT_EQ(plan["cloudformation"]["noChanges"], true);
  EXPECT_EQ(plan["cloudformation"]["deleted"], true);
}

TEST_F(OnlinePreviewTest, AParameterChangeOnlyCloudFormationSeesAndNoSecretInOutput) {
  ASSERT_EQ(
      Rex({"config", "set", "dbMasterPassword", "--secret"}, {}, std::string(kFirstPassword) + "\n")
          .exit_code,
      0);
  ASSERT_EQ(Rex({"up", "--yes"}).exit_code, 0);
  ASSERT_EQ(Rex({"config", "set", "dbMasterPassword", "--secret"}, {},
                std::string(kSecondPassword) + "\n")
                .exit_code,
            0);
  RexRun preview = Rex({"preview", "-v"});
  EXPECT_EQ(preview.exit_code, 0) << preview.err;
  // The template is the same; only the NoEcho parameter's value changed.
  EXPECT_THAT(
      preview.out,
      AllOf(HasSubstr("No changes"),
            HasSubstr("CloudFormation change set differs from the offline plan"),
            HasSubstr("(not in the offline plan)"), HasSubstr("(parameter DbMasterPassword)")))
      << preview.out;
  RexRun json = Rex({"preview", "--json"});
  base::Json plan = ParseOrFail(json.out);
  EXPECT_EQ(plan["cloudformation"]["agrees"], false);
  EXPECT_GE(plan["cloudformation"]["summary"]["onlyCloudFormation"].get<int>(), 1);
  EXPECT_EQ(server_.aws().LastParameters(kStackName)["DbMasterPassword"], kFirstPassword)
      << "the preview deployed nothing";
  EXPECT_THAT(transcript_, AllOf(Not(HasSubstr(kFirstPassword)), Not(HasSubstr(kSecondPassword))));
}

TEST_F(OnlinePreviewTest, AFaultWhileDescribingStillDeletesTheChangeSet) {
  ASSERT_EQ(Rex({"up", "--yes"}).exit_code, 0);
  ASSERT_EQ(Rex({"config", "set", "logRetentionDays", "14"}).exit_code, 0);
  // More 503 answers than rex retries (3 tries).
  server_.aws().InjectFault(
      {.kind = FaultKind::kServiceUnavailable, .action = "DescribeChangeSet", .count = 3});
  size_t before = server_.aws().Requests().size();
  RexRun preview = Rex({"preview"});
  EXPECT_EQ(preview.exit_code, 0) << preview.err;
  EXPECT_THAT(preview.err, HasSubstr("warning: CloudFormation's view is unavailable"));
  EXPECT_THAT(preview.out, Not(HasSubstr("CloudFormation change set")));
  EXPECT_THAT(preview.out, HasSubstr("to update"));  // the offline plan stands
  std::vector<std::string> asked = RequestsSince(before);
  ASSERT_TRUE(Has(asked, "CreateChangeSet"));
  EXPECT_TRUE(Has(asked, "DeleteChangeSet"));
  EXPECT_EQ(server_.aws().faults_served(), 3);
}

TEST_F(OnlinePreviewTest, MissingCredentialsFallBackToOfflineWithANote) {
  size_t before = server_.aws().Requests().size();
  RexRun run = RunRex({"--endpoint-url", server_.url(), "preview"},
                      {.cwd = dir_.path(), .env = {{"AWS_REGION", "us-east-1"}}});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("note: no AWS credentials configured (environment, ~/.aws or "
                                 "--profile); showing the offline plan only"));
  EXPECT_THAT(run.out, HasSubstr("every resource is created"));
  EXPECT_TRUE(RequestsSince(before).empty());

  // Without --endpoint-url and without credentials the preview is offline and says nothing.
  RexRun quiet = RunRex({"preview"}, {.cwd = dir_.path()});
  EXPECT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_THAT(quiet.err, AllOf(Not(HasSubstr("credentials")), Not(HasSubstr("CloudFormation"))));
  RexRun json = RunRex({"preview", "--json"}, {.cwd = dir_.path()});
  base::Json plan = ParseOrFail(json.out);
  EXPECT_EQ(plan["cloudformation"]["source"], "offline");
  EXPECT_EQ(plan["cloudformation"]["reason"], "no-credentials");
}

TEST_F(OnlinePreviewTest, OfflineFlagAndAStackNotDeployedMakeNoChangeSet) {
  size_t before = server_.aws().Requests().size();
  RexRun offline = Rex({"preview", "--offline"});
  EXPECT_EQ(offline.exit_code, 0) << offline.err;
  EXPECT_TRUE(RequestsSince(before).empty());

  RexRun missing = Rex({"preview"});
  EXPECT_EQ(missing.exit_code, 0) << missing.err;
  EXPECT_THAT(missing.err, HasSubstr("note: stack rex-backend-dev is not deployed in "
                                     "CloudFormation (region us-east-1); no change set made"));
  EXPECT_FALSE(Has(RequestsSince(before), "CreateChangeSet"));
  EXPECT_FALSE(server_.aws().HasStack(kStackName));
}

}  // namespace
}  // namespace rex::testing
