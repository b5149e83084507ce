#include "engine/deploy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>

#include "aws/credentials.h"
#include "aws/hash.h"
#include "engine/parameters.h"
#include "support/fake_aws_server.h"
#include "support/fake_clock.h"
#include "support/fake_transport.h"
#include "support/recording_observer.h"

namespace rex::engine {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kStack = "demo-dev";
constexpr const char* kSecret = "s3cr3t-Value-0123456789";

// The engine against the fake AWS in process: no network, no sleeping.
struct Harness {
  rex::testing::FakeClock clock;
  rex::testing::FakeAws fake{rex::testing::FakeAwsOptions{.events_per_tick = 2, .clock = &clock}};
  rex::testing::FakeTransport transport;
  aws::StaticCredentialsProvider credentials{
      aws::Credentials{"AKIDREXTESTKEY", "rex-test-secret/K7MDENG+bPxRfiCY"}};
  aws::CloudFormationClient cfn{
      {"https://cloudformation.us-east-1.amazonaws.com", "us-east-1", "cloudformation"},
      &credentials,
      transport,
      clock};
  aws::S3Client s3{
      {"https://s3.us-east-1.amazonaws.com", "us-east-1", "s3"}, &credentials, transport, clock};
  DeployClients clients{cfn, clock, &s3};
  rex::testing::RecordingObserver observer;

  Harness() {
    transport.SetHandler([this](const aws::HttpRequest& r) { return fake.Handle(r); });
  }

  base::Result<DeployOutcome> Run(DeployRequest request) {
    return Deploy(clients, request, observer);
  }

  std::vector<std::string> Bodies(const std::string& action) const {
    std::vector<std::string> out;
    for (const aws::HttpRequest& r : transport.requests()) {
      if (r.body.find("Action=" + action + "&") != std::string::npos) out.push_back(r.body);
    }
    return out;
  }
};

base::Json Template(const std::string& queue_name = "jobs", bool secret_parameter = false) {
  base::Json t = {
      {"AWSTemplateFormatVersion", "2010-09-09"},
      {"Resources",
       // A named SNS topic: renaming it replaces it, and a topic holds no data, so the change-set
       // guard lets the update through (an SQS queue would be data loss: it holds messages).
       {{"Queue", {{"Type", "AWS::SNS::Topic"}, {"Properties", {{"TopicName", queue_name}}}}},
        {"Topic", {{"Type", "AWS::SNS::Topic"}}}}},
      {"Outputs",
       {{"QueueUrl", {{"Value", {{"Ref", "Queue"}}}}}, {"Region", {{"Value", "us-east-1"}}}}}};
  if (secret_parameter) {
    t["Parameters"] = {{"DbMasterPassword", {{"Type", "String"}, {"NoEcho", true}}}};
    t["Resources"]["Secret"] = {{"Type", "AWS::SecretsManager::Secret"},
                                {"Properties", {{"SecretString", {{"Ref", "DbMasterPassword"}}}}}};
  }
  return t;
}

DeployRequest Request(const base::Json& tmpl) {
  DeployRequest r;
  r.stack_name = kStack;
  r.template_body = base::DumpJson(tmpl);
  r.tags = {{"project", "demo"}, {"environment", "dev"}};
  return r;
}

TEST(DeployTest, CreatesTheStackThroughAChangeSetAndReturnsOutputs) {
  Harness h;
  auto outcome = h.Run(Request(Template()));
  ASSERT_TRUE(outcome.ok()) << outcome.error().ToString();
  ASSERT_TRUE(std::holds_alternative<Deployed>(*outcome));
  const Deployed& deployed = std::get<Deployed>(*outcome);
  EXPECT_EQ(deployed.final_status, "CREATE_COMPLETE");
  ASSERT_EQ(deployed.outputs.size(), 2u);
  EXPECT_EQ(deployed.outputs[1].key, "Region");
  EXPECT_EQ(deployed.outputs[1].value, "us-east-1");
  EXPECT_EQ(h.fake.StackStatus(kStack), "CREATE_COMPLETE");

  auto creates = h.Bodies("CreateChangeSet");
  ASSERT_EQ(creates.size(), 1u);
  EXPECT_THAT(creates[0], AllOf(HasSubstr("ChangeSetType=CREATE"),
                                HasSubstr("ChangeSetName=rex-20150830T123600Z"),
                                HasSubstr("ClientToken=rex-20150830T123600Z"),
                                HasSubstr("Capabilities.member.1=CAPABILITY_IAM"),
                                HasSubstr("Capabilities.member.2=CAPABILITY_NAMED_IAM"),
                                HasSubstr("Tags.member.1.Key=project")));
  EXPECT_THAT(h.Bodies("ExecuteChangeSet")[0],
              HasSubstr("ClientRequestToken=rex-20150830T123600Z"));
  // Events arrive oldest first, each once, ending with the stack's own completion.
  const auto& events = h.observer.events();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front().event.resource_status, "CREATE_IN_PROGRESS");
  EXPECT_EQ(events.back().event.resource_status, "CREATE_COMPLETE");
  EXPECT_TRUE(events.back().IsStackStatus());
  std::set<std::string> ids;
  for (const auto& e : events) EXPECT_TRUE(ids.insert(e.event.event_id).second);
  EXPECT_EQ(h.observer.statuses().back(), "CREATE_COMPLETE");
  EXPECT_THAT(h.observer.lines(), Contains("plan: 2 changes"));
  // Polling waited on the clock rather than spinning.
  EXPECT_FALSE(h.clock.sleeps().empty());
}

TEST(DeployTest, AnUnchangedTemplateIsNoChangesAndTheEmptyChangeSetIsDeleted) {
  Harness h;
  ASSERT_TRUE(h.Run(Request(Template())).ok());
  h.clock.Advance(std::chrono::seconds(60));
  auto outcome = h.Run(Request(Template()));
  ASSERT_TRUE(outcome.ok()) << outcome.error().ToString();
  ASSERT_TRUE(std::holds_alternative<NoChanges>(*outcome));
  EXPECT_EQ(std::get<NoChanges>(*outcome).outputs.size(), 2u);
  EXPECT_EQ(h.Bodies("DeleteChangeSet").size(), 1u);
  EXPECT_EQ(h.Bodies("ExecuteChangeSet").size(), 1u);
}

TEST(DeployTest, AnUpdateIsAnUpdateChangeSet) {
  Harness h;
  ASSERT_TRUE(h.Run(Request(Template())).ok());
  h.clock.Advance(std::chrono::seconds(60));
  auto outcome = h.Run(Request(Template("jobs-2")));
  ASSERT_TRUE(outcome.ok()) << outcome.error().ToString();
  ASSERT_TRUE(std::holds_alternative<Deployed>(*outcome));
  EXPECT_EQ(std::get<Deployed>(*outcome).final_status, "UPDATE_COMPLETE");
  EXPECT_THAT(h.Bodies("CreateChangeSet")[1], HasSubstr("ChangeSetType=UPDATE"));
  // Events of the first deploy are not reported again.
  int creates = 0;
  for (const auto& e : h.observer.events()) {
    if (e.IsStackStatus() && e.event.resource_status == "CREATE_COMPLETE") ++creates;
  }
  EXPECT_EQ(creates, 1);
}

TEST(DeployTest, AFailedUpdateReportsTheFirstFailureAndFollowsTheRollbackToItsEnd) {
  Harness h;
  ASSERT_TRUE(h.Run(Request(Template())).ok());
  h.clock.Advance(std::chrono::seconds(60));
  h.fake.FailResource("Queue", "Resource handler returned message: \"queue name taken\"");
  auto outcome = h.Run(Request(Template("taken")));
  ASSERT_TRUE(outcome.ok()) << outcome.error().ToString();
  ASSERT_TRUE(std::holds_alternative<Failed>(*outcome));
  const Failed& failed = std::get<Failed>(*outcome);
  EXPECT_EQ(failed.first_failure_reason, "Resource handler returned message: \"queue name taken\"");
  EXPECT_EQ(failed.failed_resource, "Queue");
  EXPECT_EQ(failed.failed_resource_type, "AWS::SNS::Topic");
  EXPECT_EQ(failed.final_status, "UPDATE_ROLLBACK_COMPLETE");
  EXPECT_EQ(h.fake.StackStatus(kStack), "UPDATE_ROLLBACK_COMPLETE");
  EXPECT_THAT(h.observer.statuses(), Contains("UPDATE_ROLLBACK_COMPLETE"));
}

TEST(DeployTest, AFailedFirstCreateIsDeletedBeforeTheNextCreate) {
  Harness h;
  h.fake.FailResource("Topic", "topic quota reached");
  auto first = h.Run(Request(Template()));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(std::holds_alternative<Failed>(*first));
  EXPECT_EQ(std::get<Failed>(*first).final_status, "ROLLBACK_COMPLETE");
  h.fake.ClearFailures();
  h.clock.Advance(std::chrono::seconds(60));
  auto second = h.Run(Request(Template()));
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  ASSERT_TRUE(std::holds_alternative<Deployed>(*second));
  EXPECT_EQ(h.Bodies("DeleteStack").size(), 1u);
  EXPECT_THAT(h.observer.Text(), HasSubstr("is ROLLBACK_COMPLETE"));
}

TEST(DeployTest, AStackInProgressIsAClearErrorWithoutWait) {
  Harness h;
  ASSERT_TRUE(h.Run(Request(Template())).ok());
  h.fake.SetBusy(kStack, "UPDATE_IN_PROGRESS", 100);
  auto outcome = h.Run(Request(Template("jobs-2")));
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code(), base::Code::kFailedPrecondition);
  EXPECT_EQ(outcome.error().message(),
            "deploy demo-dev: stack demo-dev is UPDATE_IN_PROGRESS; wait for it or run with "
            "--wait");
  EXPECT_TRUE(h.Bodies("CreateChangeSet").size() == 1u);
}

TEST(DeployTest, WithWaitABusyStackIsWaitedFor) {
  Harness h;
  ASSERT_TRUE(h.Run(Request(Template())).ok());
  h.fake.SetBusy(kStack, "UPDATE_IN_PROGRESS", 3);
  DeployRequest request = Request(Template("jobs-2"));
  request.wait_if_busy = true;
  auto outcome = h.Run(request);
  ASSERT_TRUE(outcome.ok()) << outcome.error().ToString();
  EXPECT_TRUE(std::holds_alternative<Deployed>(*outcome));
  EXPECT_THAT(h.observer.lines(), Contains("waiting: demo-dev UPDATE_IN_PROGRESS"));
}

TEST(DeployTest, UpdateRollbackFailedTellsTheUserWhatToDo) {
  Harness h;
  ASSERT_TRUE(h.Run(Request(Template())).ok());
  h.fake.SetBusy(kStack, "UPDATE_ROLLBACK_FAILED", 1);
  auto outcome = h.Run(Request(Template("jobs-2")));
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code(), base::Code::kFailedPrecondition);
  EXPECT_THAT(outcome.error().message(),
              AllOf(HasSubstr("is UPDATE_ROLLBACK_FAILED"),
                    HasSubstr("continue-update-rollback --stack-name demo-dev")));
}

TEST(DeployTest, ThrottledCallsAreRetriedWithOneChangeSetAndOneToken) {
  Harness h;
  h.fake.InjectFault(
      {.kind = rex::testing::FaultKind::kThrottle, .action = "CreateChangeSet", .count = 2});
  auto outcome = h.Run(Request(Template()));
  ASSERT_TRUE(outcome.ok()) << outcome.error().ToString();
  EXPECT_TRUE(std::holds_alternative<Deployed>(*outcome));
  EXPECT_EQ(h.fake.faults_served(), 2);
  EXPECT_EQ(h.fake.ChangeSetsCreated(kStack), 1);
  auto creates = h.Bodies("CreateChangeSet");
  ASSERT_EQ(creates.size(), 3u);
  EXPECT_EQ(creates[0], creates[2]);  // the retry repeats the same ClientToken
}

TEST(DeployTest, ARetriedCreateWithTheSameTokenReturnsTheSameChangeSet) {
  Harness h;
  aws::CreateChangeSetRequest r{.stack_name = kStack,
                                .change_set_name = "rex-1",
                                .template_body = base::DumpJson(Template()),
                                .change_set_type = "CREATE",
                                .client_token = "rex-1"};
  auto first = h.cfn.CreateChangeSet(r);
  auto second = h.cfn.CreateChangeSet(r);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->id, second->id);
  EXPECT_EQ(h.fake.ChangeSetsCreated(kStack), 1);
}

TEST(DeployTest, ALargeTemplateGoesThroughTheBucket) {
  Harness h;
  ASSERT_TRUE(h.s3.CreateBucket("rex-bootstrap-bucket").ok());
  base::Json t = Template();
  t["Resources"]["Topic"]["Metadata"] = {{"padding", std::string(60000, 'x')}};
  DeployRequest request = Request(t);
  request.template_bucket = "rex-bootstrap-bucket";
  auto outcome = h.Run(request);
  ASSERT_TRUE(outcome.ok()) << outcome.error().ToString();
  EXPECT_TRUE(std::holds_alternative<Deployed>(*outcome));
  EXPECT_THAT(h.Bodies("CreateChangeSet")[0],
              AllOf(HasSubstr("TemplateURL="), Not(HasSubstr("TemplateBody="))));
  std::string key = "templates/demo-dev/" + aws::Sha256Hex(request.template_body) + ".json";
  EXPECT_EQ(h.fake.Object("rex-bootstrap-bucket", key), request.template_body);
}

TEST(DeployTest, ALargeTemplateWithoutABucketAsksForBootstrap) {
  Harness h;
  base::Json t = Template();
  t["Resources"]["Topic"]["Metadata"] = {{"padding", std::string(60000, 'x')}};
  auto outcome = h.Run(Request(t));
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code(), base::Code::kFailedPrecondition);
  EXPECT_THAT(outcome.error().message(),
              AllOf(HasSubstr("51200-byte limit"), HasSubstr("run \"rex bootstrap\"")));
  EXPECT_TRUE(h.Bodies("CreateChangeSet").empty());
}

TEST(DeployTest, DecliningDeletesTheChangeSetAndExecutesNothing) {
  Harness h;
  DeployRequest request = Request(Template());
  int asked = 0;
  request.confirm = [&](const aws::ChangeSet& cs) {
    ++asked;
    EXPECT_EQ(cs.changes.size(), 2u);
    return false;
  };
  auto outcome = h.Run(request);
  ASSERT_TRUE(outcome.ok());
  ASSERT_TRUE(std::holds_alternative<Declined>(*outcome));
  EXPECT_EQ(asked, 1);
  EXPECT_EQ(h.Bodies("DeleteChangeSet").size(), 1u);
  EXPECT_TRUE(h.Bodies("ExecuteChangeSet").empty());
}

TEST(DeployTest, CancelBeforeExecutionDeletesTheChangeSet) {
  Harness h;
  std::atomic<bool> cancel{false};
  DeployRequest request = Request(Template());
  request.cancel = &cancel;
  request.confirm = [&](const aws::ChangeSet&) {
    cancel = true;  // Ctrl-C at the prompt
    return true;
  };
  auto outcome = h.Run(request);
  ASSERT_TRUE(outcome.ok());
  ASSERT_TRUE(std::holds_alternative<Cancelled>(*outcome));
  EXPECT_FALSE(std::get<Cancelled>(*outcome).executed);
  EXPECT_EQ(h.Bodies("DeleteChangeSet").size(), 1u);
  EXPECT_TRUE(h.Bodies("ExecuteChangeSet").empty());
}

// Cancels as soon as the first resource event arrives.
class CancellingObserver : public rex::testing::RecordingObserver {
 public:
  explicit CancellingObserver(std::atomic<bool>& cancel) : cancel_(cancel) {}
  void OnResourceEvent(const StackEvent& event) override {
    RecordingObserver::OnResourceEvent(event);
    cancel_ = true;
  }

 private:
  std::atomic<bool>& cancel_;
};

TEST(DeployTest, CancelWhileFollowingSaysHowToResume) {
  Harness h;
  std::atomic<bool> cancel{false};
  CancellingObserver observer(cancel);
  DeployRequest request = Request(Template());
  request.cancel = &cancel;
  auto outcome = Deploy(h.clients, request, observer);
  ASSERT_TRUE(outcome.ok());
  ASSERT_TRUE(std::holds_alternative<Cancelled>(*outcome));
  const Cancelled& cancelled = std::get<Cancelled>(*outcome);
  EXPECT_TRUE(cancelled.executed);
  EXPECT_EQ(cancelled.resume, "rex up --wait");
  EXPECT_EQ(cancelled.stack_status, "CREATE_IN_PROGRESS");
}

TEST(DeployTest, NoEchoValuesReachCloudFormationButNeverTheObserver) {
  Harness h;
  base::Json t = Template("jobs", true);
  DeployRequest request = Request(t);
  auto parameters = ParametersForTemplate(t, {{"DbMasterPassword", kSecret}});
  ASSERT_TRUE(parameters.ok());
  request.parameters = *parameters;
  auto outcome = h.Run(request);
  ASSERT_TRUE(outcome.ok()) << outcome.error().ToString();
  EXPECT_EQ(h.fake.LastParameters(kStack).at("DbMasterPassword"), kSecret);
  EXPECT_THAT(h.observer.Text(), Not(HasSubstr(kSecret)));
}

TEST(DeployTest, ABadTemplateIsRefusedWithCloudFormationsReason) {
  Harness h;
  DeployRequest request;
  request.stack_name = kStack;
  request.template_body = "{not json";
  auto outcome = h.Run(request);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code(), base::Code::kInvalidArgument);
  EXPECT_THAT(outcome.error().message(), HasSubstr("Template format error"));
  EXPECT_EQ(outcome.error().aws().service_code, "ValidationError");
}

TEST(DeployTest, ExpiredCredentialsAreUnauthenticated) {
  Harness h;
  h.fake.InjectFault({.kind = rex::testing::FaultKind::kExpiredToken});
  auto outcome = h.Run(Request(Template()));
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code(), base::Code::kUnauthenticated);
  EXPECT_THAT(outcome.error().message(),
              AllOf(HasSubstr("deploy demo-dev"), HasSubstr("ExpiredToken (HTTP 403")));
  EXPECT_THAT(outcome.error().message(), Not(HasSubstr("rex-test-secret")));
}

TEST(BackoffTest, GrowsToTheMaximumAndStopsOnCancel) {
  rex::testing::FakeClock clock;
  std::atomic<bool> cancel{false};
  PollOptions options;
  Backoff backoff(clock, options, nullptr);
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(backoff.Sleep());
  std::vector<long> ms;
  for (auto d : clock.sleeps()) ms.push_back(static_cast<long>(d.count()));
  EXPECT_EQ(ms, (std::vector<long>{1000, 1500, 2250, 3375, 5000, 5000}));
  Backoff cancellable(clock, options, &cancel);
  cancel = true;
  EXPECT_FALSE(cancellable.Sleep());
}

// A bucket (stateful) whose name change makes CloudFormation replace it.
base::Json BucketTemplate(const std::string& bucket_name, const std::string& deletion_policy = "") {
  base::Json t = {{"Resources",
                   {{"Data",
                     {{"Type", "AWS::S3::Bucket"},
                      {"Properties", {{"BucketName", bucket_name}}},
                      {"Metadata", {{"rex:path", "Rex/Storage/Data"}}}}},
                    {"Topic", {{"Type", "AWS::SNS::Topic"}}}}}};
  if (!deletion_policy.empty()) t["Resources"]["Data"]["DeletionPolicy"] = deletion_policy;
  return t;
}

TEST(DeployGuardTest, AChangeSetThatReplacesAStatefulResourceIsNotExecuted) {
  Harness h;
  ASSERT_TRUE(h.Run(Request(BucketTemplate("data-1"))).ok());
  DeployRequest request = Request(BucketTemplate("data-2"));
  bool asked = false;
  request.confirm = [&asked](const aws::ChangeSet&) { return asked = true; };
  auto outcome = h.Run(request);
  ASSERT_TRUE(outcome.ok()) << outcome.error().ToString();
  ASSERT_TRUE(std::holds_alternative<Blocked>(*outcome));
  const Blocked& blocked = std::get<Blocked>(*outcome);
  ASSERT_EQ(blocked.report.findings.size(), 1u);
  EXPECT_EQ(blocked.report.findings[0].logical_id, "Data");
  EXPECT_EQ(blocked.report.findings[0].cause, DataLossCause::kReplaced);
  EXPECT_TRUE(blocked.report.findings[0].from_change_set);
  EXPECT_EQ(blocked.report.Lines()[0],
            "Storage/Data (AWS::S3::Bucket): replaced (CloudFormation: Replacement True)");
  EXPECT_FALSE(asked);  // the guard comes before the confirmation: no "yes" gets past it
  EXPECT_TRUE(h.Bodies("ExecuteChangeSet").size() == 1u);  // the first deploy's only
  EXPECT_EQ(h.Bodies("DeleteChangeSet").size(), 1u);
  EXPECT_EQ(h.fake.StackStatus(kStack), "CREATE_COMPLETE");
}

TEST(DeployGuardTest, AllowDataLossExecutesItWithANote) {
  Harness h;
  ASSERT_TRUE(h.Run(Request(BucketTemplate("data-1"))).ok());
  DeployRequest request = Request(BucketTemplate("data-2"));
  request.allow_data_loss = true;
  auto outcome = h.Run(request);
  ASSERT_TRUE(outcome.ok()) << outcome.error().ToString();
  EXPECT_TRUE(std::holds_alternative<Deployed>(*outcome));
  EXPECT_THAT(h.observer.lines(),
              Contains("note: data loss allowed by --allow-data-loss: Storage/Data"));
}

TEST(DeployGuardTest, RemovingAStatefulResourceReadsItsDeletionPolicyFromCloudFormation) {
  base::Json without_bucket = {{"Resources", {{"Topic", {{"Type", "AWS::SNS::Topic"}}}}}};
  {
    Harness h;
    ASSERT_TRUE(h.Run(Request(BucketTemplate("data-1"))).ok());
    auto outcome = h.Run(Request(without_bucket));
    ASSERT_TRUE(outcome.ok()) << outcome.error().ToString();
    ASSERT_TRUE(std::holds_alternative<Blocked>(*outcome));
    EXPECT_EQ(std::get<Blocked>(*outcome).report.Lines()[0],
              "Storage/Data (AWS::S3::Bucket): deleted (CloudFormation removes it; no "
              "DeletionPolicy)");
  }
  {
    Harness h;  // Retain in the deployed template: CloudFormation keeps the bucket
    ASSERT_TRUE(h.Run(Request(BucketTemplate("data-1", "Retain"))).ok());
    auto outcome = h.Run(Request(without_bucket));
    ASSERT_TRUE(outcome.ok()) << outcome.error().ToString();
    EXPECT_TRUE(std::holds_alternative<Deployed>(*outcome));
  }
}

TEST(ParametersTest, NoEchoParametersTakeTheSecretOfExactlyTheirName) {
  base::Json t = {
      {"Parameters",
       {{"DbMasterPassword", {{"Type", "String"}, {"NoEcho", true}}},
        {"DbMasterPasswordCopy", {{"Type", "String"}, {"NoEcho", true}, {"Default", "x"}}},
        {"GithubToken", {{"Type", "String"}, {"NoEcho", "true"}, {"Default", ""}}},
        {"Size", {{"Type", "Number"}, {"Default", 2}}}}},
      {"Resources", base::Json::object()}};
  auto params = ParametersForTemplate(t, {{"DbMasterPassword", "pw-1"}, {"Db", "short"}});
  ASSERT_TRUE(params.ok()) << params.error().ToString();
  // DbMasterPasswordCopy, GithubToken and Size keep their defaults: names are matched exactly.
  ASSERT_EQ(params->size(), 1u);
  EXPECT_EQ((*params)[0].key, "DbMasterPassword");
  EXPECT_EQ((*params)[0].value, "pw-1");
  EXPECT_TRUE((*params)[0].no_echo);
  EXPECT_EQ(RedactedParameters(*params).at("DbMasterPassword"), "****");
  EXPECT_EQ(NoEchoParameterIds(t),
            (std::vector<std::string>{"DbMasterPassword", "DbMasterPasswordCopy", "GithubToken"}));
}

TEST(ParametersTest, ACraftedParameterNameGetsNoSecret) {
  // A record from elsewhere declares a NoEcho parameter named like a secret, without a
  // default: it is reported missing rather than fed the real password.
  base::Json t = {{"Parameters", {{"XDbMasterPassword", {{"Type", "String"}, {"NoEcho", true}}}}}};
  auto params = ParametersForTemplate(t, {{"DbMasterPassword", "real-secret-9"}});
  ASSERT_FALSE(params.ok());
  EXPECT_EQ(params.error().message(),
            "template parameters without a value or a default: XDbMasterPassword (NoEcho)");
}

TEST(ParametersTest, ASecretAnOutputWouldShowIsNotSent) {
  for (const base::Json& value :
       {base::Json{{"Ref", "DbMasterPassword"}}, base::Json{{"Fn::Sub", "pw=${DbMasterPassword}"}},
        base::Json{{"Fn::Join", {"", {"a", {{"Fn::Sub", {"${DbMasterPassword}", {}}}}}}}}}) {
    base::Json t = {{"Parameters", {{"DbMasterPassword", {{"Type", "String"}, {"NoEcho", true}}}}},
                    {"Outputs", {{"Leak", {{"Value", value}}}}}};
    auto params = ParametersForTemplate(t, {{"DbMasterPassword", "real-secret-9"}});
    ASSERT_FALSE(params.ok()) << value.dump();
    EXPECT_EQ(params.error().message(),
              "template parameter DbMasterPassword (NoEcho) is shown by output Leak; rex does not "
              "send a secret that the stack would show");
  }
}

TEST(ParametersTest, AMissingValueNamesTheParameterNotAValue) {
  base::Json t = {{"Parameters",
                   {{"SupertokensApiKey", {{"Type", "String"}, {"NoEcho", true}}},
                    {"Env", {{"Type", "String"}}}}}};
  auto params = ParametersForTemplate(t, {});
  ASSERT_FALSE(params.ok());
  EXPECT_EQ(params.error().message(),
            "template parameters without a value or a default: Env, SupertokensApiKey (NoEcho)");
}

}  // namespace
}  // namespace rex::engine
