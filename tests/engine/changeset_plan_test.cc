#include "engine/changeset_plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>

#include "aws/credentials.h"
#include "support/fake_aws_server.h"
#include "support/fake_clock.h"
#include "support/fake_transport.h"
#include "support/recording_observer.h"

namespace rex::engine {
namespace {

using ::testing::HasSubstr;

// ---------------------------------------------------------------- MergeChangeSet

// One resource as the offline plan sees it.
struct Offline {
  tmpl::Action action = tmpl::Action::kNoChange;
  bool metadata_only = false;
  bool stateful = false;
  bool data_loss = false;
  std::string removal_policy = {};
};

// One resource as CloudFormation reports it; action "" = not listed.
struct Reported {
  std::string action = {};
  std::string replacement = {};
};

struct MergeCase {
  std::string name;
  std::optional<Offline> offline;  // nullopt: the resource is not in the offline plan at all
  Reported cloudformation;
  // Expected:
  bool listed = true;  // the view has the resource
  Agreement agreement = Agreement::kConfirmed;
  tmpl::Action cfn_action = tmpl::Action::kNoChange;
  bool data_loss_added = false;
};

tmpl::Plan PlanWith(const Offline& o) {
  tmpl::Plan plan;
  tmpl::ResourcePlan r;
  r.logical_id = "Thing";
  r.type = "AWS::Demo::Thing";
  r.path = "Rex/Demo/Thing";
  r.action = o.action;
  r.stateful = o.stateful;
  r.data_loss = o.data_loss;
  r.removal_policy = o.removal_policy;
  if (o.metadata_only) {
    r.attribute_changes.push_back({.attribute = "Metadata", .kind = tmpl::ChangeKind::kModify});
  }
  plan.resources.push_back(r);
  return plan;
}

std::vector<aws::CfnResourceChange> ChangesWith(const Reported& c) {
  if (c.action.empty()) return {};
  aws::CfnResourceChange change;
  change.action = c.action;
  change.logical_resource_id = "Thing";
  change.resource_type = "AWS::Demo::Thing";
  change.replacement = c.replacement;
  return {change};
}

const MergeCase kMergeCases[] = {
    {.name = "BothUpdate",
     .offline = Offline{.action = tmpl::Action::kUpdate},
     .cloudformation = {"Modify", "False"},
     .cfn_action = tmpl::Action::kUpdate},
    {.name = "BothReplace",
     .offline = Offline{.action = tmpl::Action::kReplace},
     .cloudformation = {"Modify", "True"},
     .cfn_action = tmpl::Action::kReplace},
    {.name = "BothCreate",
     .offline = Offline{.action = tmpl::Action::kCreate},
     .cloudformation = {"Add", ""},
     .cfn_action = tmpl::Action::kCreate},
    {.name = "BothDelete",
     .offline = Offline{.action = tmpl::Action::kDelete},
     .cloudformation = {"Remove", ""},
     .cfn_action = tmpl::Action::kDelete},
    {.name = "BothConditional",
     .offline = Offline{.action = tmpl::Action::kMayReplace},
     .cloudformation = {"Modify", "Conditional"},
     .cfn_action = tmpl::Action::kMayReplace},
    {.name = "MayReplaceDecidedTrue",
     .offline = Offline{.action = tmpl::Action::kMayReplace},
     .cloudformation = {"Modify", "True"},
     .agreement = Agreement::kResolved,
     .cfn_action = tmpl::Action::kReplace},
    {.name = "MayReplaceDecidedInPlace",
     .offline = Offline{.action = tmpl::Action::kMayReplace},
     .cloudformation = {"Modify", "False"},
     .agreement = Agreement::kResolved,
     .cfn_action = tmpl::Action::kUpdate},
    {.name = "UpdateButCloudFormationReplaces",
     .offline = Offline{.action = tmpl::Action::kUpdate},
     .cloudformation = {"Modify", "True"},
     .agreement = Agreement::kDiffers,
     .cfn_action = tmpl::Action::kReplace},
    {.name = "ReplaceButCloudFormationUpdatesInPlace",
     .offline = Offline{.action = tmpl::Action::kReplace},
     .cloudformation = {"Modify", "False"},
     .agreement = Agreement::kDiffers,
     .cfn_action = tmpl::Action::kUpdate},
    {.name = "OnlyCloudFormation",
     .offline = Offline{.action = tmpl::Action::kNoChange},
     .cloudformation = {"Modify", "False"},
     .agreement = Agreement::kOnlyCloudFormation,
     .cfn_action = tmpl::Action::kUpdate},
    {.name = "NotInTheOfflinePlanAtAll",
     .offline = std::nullopt,
     .cloudformation = {"Remove", ""},
     .agreement = Agreement::kOnlyCloudFormation,
     .cfn_action = tmpl::Action::kDelete},
    {.name = "OnlyOffline",
     .offline = Offline{.action = tmpl::Action::kUpdate},
     .cloudformation = {},
     .agreement = Agreement::kOnlyOffline},
    {.name = "MetadataOnlyAndNothingReported",
     .offline = Offline{.metadata_only = true},
     .cloudformation = {}},
    {.name = "MetadataOnlyAndModify",
     .offline = Offline{.metadata_only = true},
     .cloudformation = {"Modify", "False"},
     .cfn_action = tmpl::Action::kUpdate},
    {.name = "MetadataOnlyButReplaced",
     .offline = Offline{.metadata_only = true},
     .cloudformation = {"Modify", "True"},
     .agreement = Agreement::kDiffers,
     .cfn_action = tmpl::Action::kReplace},
    {.name = "UnchangedOnBothSidesIsNotListed",
     .offline = Offline{},
     .cloudformation = {},
     .listed = false},
    {.name = "StatefulReplacedByCloudFormationOnlyIsDataLoss",
     .offline = Offline{.action = tmpl::Action::kUpdate, .stateful = true},
     .cloudformation = {"Modify", "True"},
     .agreement = Agreement::kDiffers,
     .cfn_action = tmpl::Action::kReplace,
     .data_loss_added = true},
    {.name = "StatefulDataLossAlreadyOfflineIsNotAddedTwice",
     .offline = Offline{.action = tmpl::Action::kReplace, .stateful = true, .data_loss = true},
     .cloudformation = {"Modify", "True"},
     .cfn_action = tmpl::Action::kReplace},
    // CloudFormation's Conditional is its last word before execution: guarded as data loss
    // (engine/guard.h).
    {.name = "StatefulConditionalIsDataLoss",
     .offline = Offline{.action = tmpl::Action::kMayReplace, .stateful = true},
     .cloudformation = {"Modify", "Conditional"},
     .cfn_action = tmpl::Action::kMayReplace,
     .data_loss_added = true},
    {.name = "StatefulRemovedButRetained",
     .offline =
         Offline{.action = tmpl::Action::kUpdate, .stateful = true, .removal_policy = "Retain"},
     .cloudformation = {"Remove", ""},
     .agreement = Agreement::kDiffers,
     .cfn_action = tmpl::Action::kDelete},
};

class MergeTest : public ::testing::TestWithParam<MergeCase> {};

TEST_P(MergeTest, Agreement) {
  const MergeCase& c = GetParam();
  tmpl::Plan plan = c.offline ? PlanWith(*c.offline) : tmpl::Plan{};
  ChangeSetView view = MergeChangeSet(plan, ChangesWith(c.cloudformation));
  if (!c.listed) {
    EXPECT_TRUE(view.resources.empty());
    EXPECT_TRUE(view.Agrees());
    return;
  }
  ASSERT_EQ(view.resources.size(), 1u);
  const ResourceVerdict& v = view.resources[0];
  EXPECT_EQ(v.logical_id, "Thing");
  EXPECT_EQ(v.type, "AWS::Demo::Thing");
  EXPECT_EQ(AgreementName(v.agreement), AgreementName(c.agreement));
  EXPECT_EQ(tmpl::ActionName(v.cloudformation), tmpl::ActionName(c.cfn_action));
  EXPECT_EQ(v.cfn_action, c.cloudformation.action);
  EXPECT_EQ(v.data_loss_added, c.data_loss_added);
  EXPECT_EQ(view.HasDataLoss(), c.data_loss_added);
  bool agrees = c.agreement == Agreement::kConfirmed || c.agreement == Agreement::kResolved;
  EXPECT_EQ(view.Agrees(), agrees);
}

INSTANTIATE_TEST_SUITE_P(Cases, MergeTest, ::testing::ValuesIn(kMergeCases),
                         [](const auto& test_case) { return test_case.param.name; });

tmpl::ResourcePlan Resource(const std::string& id, const std::string& type, tmpl::Action action) {
  tmpl::ResourcePlan r;
  r.logical_id = id;
  r.type = type;
  r.action = action;
  return r;
}

aws::CfnResourceChange Change(const std::string& action, const std::string& id,
                              const std::string& type, const std::string& replacement) {
  aws::CfnResourceChange c;
  c.action = action;
  c.logical_resource_id = id;
  c.resource_type = type;
  c.replacement = replacement;
  return c;
}

aws::CfnResourceChangeDetail Detail(const std::string& name, const std::string& recreation,
                                    const std::string& evaluation, const std::string& source,
                                    const std::string& entity) {
  aws::CfnResourceChangeDetail d;
  d.target.attribute = "Properties";
  d.target.name = name;
  d.target.requires_recreation = recreation;
  d.evaluation = evaluation;
  d.change_source = source;
  d.causing_entity = entity;
  return d;
}

TEST(MergeChangeSetTest, DetailsBecomeCausesWithoutDuplicatesAndCountsAddUp) {
  tmpl::Plan plan;
  tmpl::ResourcePlan db = Resource("Cluster", "AWS::RDS::DBCluster", tmpl::Action::kReplace);
  db.path = "Rex/Database/Cluster";
  db.stateful = true;
  db.data_loss = true;
  plan.resources.push_back(db);
  plan.resources.push_back(Resource("Subnet", "AWS::EC2::Subnet", tmpl::Action::kMayReplace));
  aws::CfnResourceChange cluster = Change("Modify", "Cluster", "AWS::RDS::DBCluster", "True");
  aws::CfnResourceChangeDetail detail =
      Detail("DBClusterIdentifier", "Always", "Static", "DirectModification", "");
  cluster.details = {detail, detail};
  aws::CfnResourceChange subnet = Change("Modify", "Subnet", "AWS::EC2::Subnet", "Conditional");
  subnet.details = {Detail("VpcId", "Conditionally", "Dynamic", "ResourceAttribute", "Vpc.VpcId")};
  ChangeSetView view = MergeChangeSet(plan, {cluster, subnet});
  ASSERT_EQ(view.resources.size(), 2u);
  EXPECT_EQ(view.resources[0].logical_id, "Cluster");
  EXPECT_EQ(view.resources[0].path, "Rex/Database/Cluster");
  ASSERT_EQ(view.resources[0].causes.size(), 1u);
  EXPECT_EQ(view.resources[0].causes[0].name, "DBClusterIdentifier");
  EXPECT_EQ(view.resources[0].causes[0].requires_recreation, "Always");
  EXPECT_EQ(view.resources[1].causes[0].causing_entity, "Vpc.VpcId");
  EXPECT_EQ(view.summary.confirmed, 2u);
  EXPECT_EQ(view.summary.replace, 1u);
  EXPECT_EQ(view.summary.conditional, 1u);
  EXPECT_FALSE(view.HasDataLoss());  // the offline plan already blocks on it

  base::Json json = ChangeSetViewToJson(view);
  EXPECT_EQ(json["source"], "change-set");
  EXPECT_EQ(json["agrees"], true);
  EXPECT_EQ(json["summary"]["replace"], 1);
  EXPECT_EQ(json["resources"][0]["replacement"], "True");
  EXPECT_EQ(json["resources"][0]["offline"], "replace");
  EXPECT_EQ(json["resources"][0]["details"][0]["requiresRecreation"], "Always");
  EXPECT_EQ(json["resources"][1]["details"][0]["evaluation"], "Dynamic");
  EXPECT_EQ(json["resources"][1]["details"][0]["name"], "VpcId");
  EXPECT_FALSE(json["resources"][0]["details"][0].contains("causingEntity"));
}

TEST(MergeChangeSetTest, SchemasTellWhetherAResourceUnknownOfflineIsStateful) {
  static const core::ResourceSchema kBucket = [] {
    core::ResourceSchema schema;
    schema.type = "AWS::S3::Bucket";
    schema.stateful = true;
    return schema;
  }();
  tmpl::SchemaLookup schemas = [](std::string_view type) -> const core::ResourceSchema* {
    return type == "AWS::S3::Bucket" ? &kBucket : nullptr;
  };
  aws::CfnResourceChange removed = Change("Remove", "Logs", "AWS::S3::Bucket", "");
  ChangeSetView view = MergeChangeSet(tmpl::Plan{}, {removed}, schemas);
  ASSERT_EQ(view.resources.size(), 1u);
  EXPECT_TRUE(view.resources[0].data_loss_added);
  EXPECT_EQ(view.resources[0].agreement, Agreement::kOnlyCloudFormation);
}

// ---------------------------------------------------------------- PreviewThroughChangeSet

constexpr const char* kStack = "demo-dev";

// The engine against the fake AWS in process: no network, no sleeping.
struct Harness {
  rex::testing::FakeClock clock;
  rex::testing::FakeAws fake{rex::testing::FakeAwsOptions{.events_per_tick = 50, .clock = &clock}};
  rex::testing::FakeTransport transport;
  aws::StaticCredentialsProvider credentials{
      aws::Credentials{"AKIDREXTESTKEY", "rex-test-secret/K7MDENG+bPxRfiCY"}};
  aws::CloudFormationClient cfn{
      {"https://cloudformation.us-east-1.amazonaws.com", "us-east-1", "cloudformation"},
      &credentials,
      transport,
      clock};
  DeployClients clients{cfn, clock, nullptr};
  rex::testing::RecordingObserver observer;

  Harness() {
    transport.SetHandler([this](const aws::HttpRequest& r) { return fake.Handle(r); });
  }

  void Deploy(const base::Json& tmpl) {
    DeployRequest request;
    request.stack_name = kStack;
    request.template_body = CompactTemplateBody(tmpl);
    auto outcome = engine::Deploy(clients, request, observer);
    ASSERT_TRUE(outcome.ok()) << outcome.error().ToString();
    ASSERT_TRUE(std::holds_alternative<Deployed>(*outcome));
  }

  base::Result<OnlinePreview> Preview(const base::Json& tmpl) {
    ChangeSetRequest request;
    request.stack_name = kStack;
    request.template_body = CompactTemplateBody(tmpl);
    return PreviewThroughChangeSet(clients, request, observer);
  }

  size_t Count(const std::string& action) const {
    size_t n = 0;
    for (const aws::HttpRequest& r : transport.requests()) {
      if (r.body.find("Action=" + action + "&") != std::string::npos) ++n;
    }
    return n;
  }
};

base::Json Subnets(const std::string& cidr, const std::string& zone) {
  return {{"Resources",
           {{"Vpc", {{"Type", "AWS::EC2::VPC"}, {"Properties", {{"CidrBlock", "10.0.0.0/16"}}}}},
            {"Subnet",
             {{"Type", "AWS::EC2::Subnet"},
              {"Properties",
               {{"VpcId", {{"Ref", "Vpc"}}}, {"CidrBlock", cidr}, {"AvailabilityZone", zone}}}}}}}};
}

TEST(PreviewThroughChangeSetTest, DescribesEveryPageAndDeletesTheChangeSet) {
  Harness h;
  h.Deploy(Subnets("10.0.0.0/24", "us-east-1a"));
  auto preview = h.Preview(Subnets("10.0.1.0/24", "us-east-1a"));
  ASSERT_TRUE(preview.ok()) << preview.error().ToString();
  EXPECT_EQ(preview->state, OnlinePreview::State::kReady);
  EXPECT_TRUE(preview->deleted);
  EXPECT_THAT(preview->change_set_name, HasSubstr("rex-preview-"));
  ASSERT_EQ(preview->change_set.changes.size(), 1u);
  const aws::CfnResourceChange& c = preview->change_set.changes[0];
  EXPECT_EQ(c.logical_resource_id, "Subnet");
  EXPECT_EQ(c.replacement, "True");  // CidrBlock of a subnet: causesReplacement yes
  ASSERT_EQ(c.details.size(), 1u);
  EXPECT_EQ(c.details[0].target.name, "CidrBlock");
  EXPECT_EQ(c.details[0].target.requires_recreation, "Always");
  EXPECT_EQ(c.details[0].change_source, "DirectModification");
  EXPECT_EQ(h.Count("DeleteChangeSet"), 1u);
  EXPECT_EQ(h.Count("ExecuteChangeSet"), 1u);  // the deploy's, never the preview's
  auto gone = h.cfn.DescribeChangeSet(preview->change_set_id, kStack);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code(), base::Code::kNotFound);
}

TEST(PreviewThroughChangeSetTest, NoChangesIsReportedAndTheChangeSetDeleted) {
  Harness h;
  h.Deploy(Subnets("10.0.0.0/24", "us-east-1a"));
  auto preview = h.Preview(Subnets("10.0.0.0/24", "us-east-1a"));
  ASSERT_TRUE(preview.ok()) << preview.error().ToString();
  EXPECT_EQ(preview->state, OnlinePreview::State::kNoChanges);
  EXPECT_TRUE(preview->deleted);
  EXPECT_EQ(h.Count("DeleteChangeSet"), 1u);
}

TEST(PreviewThroughChangeSetTest, AMissingStackGetsNoChangeSet) {
  Harness h;
  auto preview = h.Preview(Subnets("10.0.0.0/24", "us-east-1a"));
  ASSERT_TRUE(preview.ok()) << preview.error().ToString();
  EXPECT_EQ(preview->state, OnlinePreview::State::kStackMissing);
  EXPECT_EQ(h.Count("CreateChangeSet"), 0u);
  EXPECT_FALSE(h.fake.HasStack(kStack));
}

TEST(PreviewThroughChangeSetTest, AFailingDescribeStillDeletesTheChangeSet) {
  Harness h;
  h.Deploy(Subnets("10.0.0.0/24", "us-east-1a"));
  // More 503 answers than the client retries.
  h.fake.InjectFault({.kind = rex::testing::FaultKind::kServiceUnavailable,
                      .action = "DescribeChangeSet",
                      .count = 10});
  auto preview = h.Preview(Subnets("10.0.1.0/24", "us-east-1a"));
  ASSERT_FALSE(preview.ok());
  EXPECT_EQ(preview.error().code(), base::Code::kUnavailable);
  EXPECT_THAT(preview.error().message(), HasSubstr("preview demo-dev"));
  EXPECT_EQ(h.Count("DeleteChangeSet"), 1u);
}

TEST(PreviewThroughChangeSetTest, CancelWhileWaitingDeletesTheChangeSet) {
  Harness h;
  h.Deploy(Subnets("10.0.0.0/24", "us-east-1a"));
  std::atomic<bool> cancel{true};  // Ctrl-C already pressed: the first wait stops
  ChangeSetRequest request;
  request.stack_name = kStack;
  request.template_body = CompactTemplateBody(Subnets("10.0.1.0/24", "us-east-1a"));
  request.cancel = &cancel;
  auto preview = PreviewThroughChangeSet(h.clients, request, h.observer);
  ASSERT_TRUE(preview.ok()) << preview.error().ToString();
  EXPECT_EQ(preview->state, OnlinePreview::State::kCancelled);
  EXPECT_EQ(h.Count("DeleteChangeSet"), 1u);
}

TEST(CompactTemplateBodyTest, HasNoWhitespaceAndParsesBackToTheSameTemplate) {
  base::Json t = Subnets("10.0.0.0/24", "us-east-1a");
  std::string compact = CompactTemplateBody(t);
  EXPECT_EQ(compact.find('\n'), std::string::npos);
  EXPECT_EQ(compact.find(": "), std::string::npos);
  EXPECT_LT(compact.size(), base::DumpJson(t).size());
  EXPECT_EQ(base::Json::parse(compact), t);
}

}  // namespace
}  // namespace rex::engine
