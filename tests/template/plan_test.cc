#include "template/plan.h"

#include <gtest/gtest.h>

#include <array>
#include <string>

#include "cfn/registry.gen.h"
#include "template/template_reader.h"

namespace rex::tmpl {
namespace {

using base::Json;
using core::PropertySchema;
using core::Replacement;
using core::ResourceSchema;
using core::StructSchema;
using core::TypeKind;
using core::TypeSchema;

// Hand-written schemas: a stateful database, a network and a resource that references others.
constexpr TypeSchema kString{TypeKind::kString};
constexpr TypeSchema kTag{TypeKind::kTag};

constexpr PropertySchema kSettingsFields[] = {
    {.name = "Level", .type = {TypeKind::kInteger}},
    {.name = "Zone", .type = {TypeKind::kString}, .replacement = Replacement::kYes},
};
constexpr StructSchema kSettings{"Settings", kSettingsFields};

constexpr PropertySchema kDbProperties[] = {
    {.name = "Engine", .type = {TypeKind::kString}, .replacement = Replacement::kMaybe},
    {.name = "Name", .type = {TypeKind::kString}, .replacement = Replacement::kYes},
    {.name = "Settings", .type = {TypeKind::kStruct, nullptr, &kSettings}},
    {.name = "Size", .type = {TypeKind::kInteger}},
    {.name = "Subnets", .type = {TypeKind::kList, &kString}},
    {.name = "Tags", .type = {TypeKind::kList, &kTag}},
};
constexpr ResourceSchema kDb{.type = "Test::Db",
                             .properties = kDbProperties,
                             .attributes = {},
                             .primary_identifier = {},
                             .stateful = true};

constexpr PropertySchema kNetProperties[] = {
    {.name = "Cidr", .type = {TypeKind::kString}, .replacement = Replacement::kYes},
    {.name = "Label", .type = {TypeKind::kString}},
};
constexpr ResourceSchema kNet{
    .type = "Test::Net", .properties = kNetProperties, .attributes = {}, .primary_identifier = {}};

constexpr PropertySchema kUserProperties[] = {
    {.name = "Description", .type = {TypeKind::kString}},
    {.name = "NetId", .type = {TypeKind::kString}, .replacement = Replacement::kYes},
    {.name = "Policy", .type = {TypeKind::kJson}},
};
constexpr ResourceSchema kUser{.type = "Test::User",
                               .properties = kUserProperties,
                               .attributes = {},
                               .primary_identifier = {}};

const ResourceSchema* FakeSchemas(std::string_view type) {
  for (const ResourceSchema* s : {&kDb, &kNet, &kUser}) {
    if (s->type == type) return s;
  }
  return nullptr;
}

Json Resource(std::string_view type, Json properties, std::string_view path = "") {
  Json r = {{"Type", type}, {"Properties", std::move(properties)}};
  if (!path.empty()) r["Metadata"] = {{"rex:path", path}};
  return r;
}

Json Template(Json resources) { return Json{{"Resources", std::move(resources)}}; }

Json Db(Json properties) { return Resource("Test::Db", std::move(properties), "Rex/Data/Db"); }

const ResourcePlan& Find(const Plan& plan, std::string_view id) {
  for (const ResourcePlan& r : plan.resources) {
    if (r.logical_id == id) return r;
  }
  static const ResourcePlan kMissing;
  ADD_FAILURE() << "no resource " << id << " in the plan";
  return kMissing;
}

Plan FakePlan(const Json& before, const Json& after) {
  return ComputePlan(before, after, FakeSchemas);
}

// --- one table of single-resource cases: before properties, after properties, expected action,
// expected change paths, expected causes, data loss.
struct UpdateCase {
  std::string name;
  Json before;
  Json after;
  Action action;
  std::vector<std::string> paths;
  std::vector<std::string> causes;
  bool data_loss;
};

class PlanUpdateTest : public ::testing::TestWithParam<UpdateCase> {};

TEST_P(PlanUpdateTest, ClassifiesTheChange) {
  const UpdateCase& c = GetParam();
  Plan plan = FakePlan(Template({{"Db", Db(c.before)}}), Template({{"Db", Db(c.after)}}));
  ASSERT_EQ(plan.resources.size(), 1u);
  const ResourcePlan& r = plan.resources[0];
  EXPECT_EQ(ActionName(r.action), ActionName(c.action));
  std::vector<std::string> paths;
  for (const ValueChange& change : r.changes) paths.push_back(change.path);
  EXPECT_EQ(paths, c.paths);
  EXPECT_EQ(r.causes, c.causes);
  EXPECT_EQ(r.data_loss, c.data_loss);
  EXPECT_EQ(r.component, "Data");
  EXPECT_EQ(r.path, "Rex/Data/Db");
}

INSTANTIATE_TEST_SUITE_P(
    Table, PlanUpdateTest,
    ::testing::Values(
        UpdateCase{"NoChange", {{"Size", 1}}, {{"Size", 1}}, Action::kNoChange, {}, {}, false},
        UpdateCase{
            "InPlaceUpdate", {{"Size", 1}}, {{"Size", 2}}, Action::kUpdate, {"Size"}, {}, false},
        UpdateCase{"YesPropertyReplaces",
                   {{"Name", "a"}, {"Size", 1}},
                   {{"Name", "b"}, {"Size", 2}},
                   Action::kReplace,
                   {"Name", "Size"},
                   {"Name"},
                   true},
        UpdateCase{"MaybePropertyMayReplace",
                   {{"Engine", "pg14"}},
                   {{"Engine", "pg15"}},
                   Action::kMayReplace,
                   {"Engine"},
                   {"Engine"},
                   false},
        UpdateCase{"AddingAYesPropertyReplaces",
                   {{"Size", 1}},
                   {{"Size", 1}, {"Name", "n"}},
                   Action::kReplace,
                   {"Name"},
                   {"Name"},
                   true},
        UpdateCase{"NestedNoField",
                   {{"Settings", {{"Level", 1}, {"Zone", "a"}}}},
                   {{"Settings", {{"Level", 2}, {"Zone", "a"}}}},
                   Action::kUpdate,
                   {"Settings.Level"},
                   {},
                   false},
        UpdateCase{"NestedYesFieldReplaces",
                   {{"Settings", {{"Level", 1}, {"Zone", "a"}}}},
                   {{"Settings", {{"Level", 1}, {"Zone", "b"}}}},
                   Action::kReplace,
                   {"Settings.Zone"},
                   {"Settings"},
                   true},
        UpdateCase{"ListInsertIsOneAdd",
                   {{"Subnets", {"a", "b"}}},
                   {{"Subnets", {"a", "x", "b"}}},
                   Action::kUpdate,
                   {"Subnets[1]"},
                   {},
                   false},
        UpdateCase{"ListElementChanged",
                   {{"Subnets", {"a", "b"}}},
                   {{"Subnets", {"a", "c"}}},
                   Action::kUpdate,
                   {"Subnets[1]"},
                   {},
                   false},
        UpdateCase{"ListElementRemoved",
                   {{"Subnets", {"a", "b", "c"}}},
                   {{"Subnets", {"a", "c"}}},
                   Action::kUpdate,
                   {"Subnets[1]"},
                   {},
                   false},
        UpdateCase{"TagValueInsideList",
                   {{"Tags", {{{"Key", "Name"}, {"Value", "old"}}}}},
                   {{"Tags", {{{"Key", "Name"}, {"Value", "new"}}}}},
                   Action::kUpdate,
                   {"Tags[0].Value"},
                   {},
                   false},
        UpdateCase{"UnknownPropertyMayReplace",
                   {{"Size", 1}},
                   {{"Size", 1}, {"Shiny", true}},
                   Action::kMayReplace,
                   {"Shiny"},
                   {"Shiny"},
                   false}),
    [](const auto& p) { return p.param.name; });

TEST(PlanTest, ChangeCarriesBeforeAndAfterValues) {
  Plan plan = FakePlan(Template({{"Db", Db({{"Size", 1}, {"Subnets", {"a", "b", "c"}}})}}),
                       Template({{"Db", Db({{"Size", 2}, {"Subnets", {"a", "c"}}})}}));
  const ResourcePlan& r = Find(plan, "Db");
  ASSERT_EQ(r.changes.size(), 2u);
  EXPECT_EQ(r.changes[0].path, "Size");
  EXPECT_EQ(r.changes[0].kind, ChangeKind::kModify);
  EXPECT_EQ(r.changes[0].before, 1);
  EXPECT_EQ(r.changes[0].after, 2);
  EXPECT_EQ(r.changes[0].replacement, Replacement::kNo);
  EXPECT_EQ(r.changes[1].path, "Subnets[1]");
  EXPECT_EQ(r.changes[1].kind, ChangeKind::kRemove);
  EXPECT_EQ(r.changes[1].before, "b");
}

TEST(PlanTest, NoChangeHasNoChanges) {
  Json t = Template({{"Db", Db({{"Name", "a"}})}, {"Net", Resource("Test::Net", {{"Cidr", "x"}})}});
  Plan plan = FakePlan(t, t);
  EXPECT_FALSE(plan.HasChanges());
  EXPECT_FALSE(plan.nothing_deployed);
  EXPECT_EQ(plan.summary.no_change, 2u);
  EXPECT_EQ(plan.summary.create + plan.summary.update + plan.summary.replace, 0u);
}

TEST(PlanTest, NothingDeployedMakesEverythingACreate) {
  Json after = Template({{"Db", Db({{"Name", "a"}})}, {"Net", Resource("Test::Net", {})}});
  Plan plan = FakePlan(nullptr, after);
  EXPECT_TRUE(plan.nothing_deployed);
  EXPECT_TRUE(plan.HasChanges());
  EXPECT_EQ(plan.summary.create, 2u);
  EXPECT_EQ(Find(plan, "Db").action, Action::kCreate);
  EXPECT_TRUE(Find(plan, "Db").stateful);
  EXPECT_FALSE(Find(plan, "Db").data_loss);
}

TEST(PlanTest, CreateAndDelete) {
  Plan plan = FakePlan(Template({{"Old", Resource("Test::Net", {{"Cidr", "a"}})}}),
                       Template({{"New", Resource("Test::Net", {{"Cidr", "b"}})}}));
  ASSERT_EQ(plan.resources.size(), 2u);
  EXPECT_EQ(plan.resources[0].logical_id, "New");  // sorted by logical id
  EXPECT_EQ(plan.resources[0].action, Action::kCreate);
  EXPECT_EQ(plan.resources[1].action, Action::kDelete);
  EXPECT_FALSE(plan.resources[1].data_loss);  // not stateful
  EXPECT_EQ(plan.resources[0].renamed, "");   // properties differ: no rename hint
  EXPECT_EQ(plan.summary.create, 1u);
  EXPECT_EQ(plan.summary.remove, 1u);
}

TEST(PlanTest, DeletingAStatefulResourceLosesDataUnlessRetained) {
  Json db = Db({{"Name", "a"}});
  Plan plan = FakePlan(Template({{"Db", db}}), Template(Json::object()));
  EXPECT_EQ(Find(plan, "Db").action, Action::kDelete);
  EXPECT_TRUE(Find(plan, "Db").data_loss);
  EXPECT_TRUE(plan.HasDataLoss());

  db["DeletionPolicy"] = "Snapshot";
  plan = FakePlan(Template({{"Db", db}}), Template(Json::object()));
  EXPECT_TRUE(Find(plan, "Db").data_loss);  // a snapshot is not the live database
  EXPECT_EQ(Find(plan, "Db").removal_policy, "Snapshot");

  db["DeletionPolicy"] = "Retain";
  plan = FakePlan(Template({{"Db", db}}), Template(Json::object()));
  EXPECT_FALSE(Find(plan, "Db").data_loss);
  EXPECT_EQ(Find(plan, "Db").removal_policy, "Retain");
}

TEST(PlanTest, LogicalIdRenameIsDeletePlusCreateWithDataLoss) {
  Json db = Db({{"Name", "a"}, {"Size", 1}});
  Plan plan = FakePlan(Template({{"DataDb", db}}), Template({{"StorageDb", db}}));
  const ResourcePlan& old_db = Find(plan, "DataDb");
  const ResourcePlan& new_db = Find(plan, "StorageDb");
  EXPECT_EQ(old_db.action, Action::kDelete);
  EXPECT_TRUE(old_db.data_loss);
  EXPECT_EQ(new_db.action, Action::kCreate);
  EXPECT_EQ(old_db.renamed, "StorageDb");
  EXPECT_EQ(new_db.renamed, "DataDb");
}

TEST(PlanTest, RenameHintIgnoresRenamedReferences) {
  Plan plan =
      FakePlan(Template({{"OldNet", Resource("Test::Net", {{"Cidr", "a"}})},
                         {"OldUser", Resource("Test::User", {{"NetId", {{"Ref", "OldNet"}}}})}}),
               Template({{"NewNet", Resource("Test::Net", {{"Cidr", "a"}})},
                         {"NewUser", Resource("Test::User", {{"NetId", {{"Ref", "NewNet"}}}})}}));
  EXPECT_EQ(Find(plan, "OldUser").renamed, "NewUser");
  EXPECT_EQ(Find(plan, "OldNet").renamed, "NewNet");
}

TEST(PlanTest, TypeChangeIsAReplacement) {
  Plan plan = FakePlan(Template({{"Thing", Resource("Test::Db", {{"Name", "a"}})}}),
                       Template({{"Thing", Resource("Test::Net", {{"Cidr", "a"}})}}));
  const ResourcePlan& r = Find(plan, "Thing");
  EXPECT_EQ(r.action, Action::kReplace);
  EXPECT_EQ(r.previous_type, "Test::Db");
  EXPECT_EQ(r.type, "Test::Net");
  EXPECT_EQ(r.causes, std::vector<std::string>{"Type"});
  EXPECT_TRUE(r.data_loss);  // the old type is stateful
}

TEST(PlanTest, UnknownTypeMayReplace) {
  Plan plan = FakePlan(Template({{"X", Resource("Custom::Thing", {{"A", 1}})}}),
                       Template({{"X", Resource("Custom::Thing", {{"A", 2}})}}));
  EXPECT_EQ(Find(plan, "X").action, Action::kMayReplace);
  EXPECT_FALSE(Find(plan, "X").schema_known);
  EXPECT_EQ(Find(plan, "X").changes[0].replacement, Replacement::kMaybe);
}

TEST(PlanTest, ChangedReferenceTargetIsReported) {
  Json nets = {{"A", Resource("Test::Net", {{"Cidr", "a"}})},
               {"B", Resource("Test::Net", {{"Cidr", "b"}})}};
  Json before = nets;
  Json after = nets;
  before["User"] = Resource("Test::User", {{"Description", {{"Fn::GetAtt", {"A", "Arn"}}}}});
  after["User"] = Resource("Test::User", {{"Description", {{"Fn::GetAtt", {"B", "Arn"}}}}});
  Plan plan = FakePlan(Template(before), Template(after));
  const ResourcePlan& user = Find(plan, "User");
  ASSERT_EQ(user.changes.size(), 1u);
  EXPECT_EQ(user.changes[0].path, "Description");  // intrinsics are compared whole
  EXPECT_TRUE(user.changes[0].reference_changed);
  EXPECT_EQ(user.action, Action::kUpdate);

  after["User"] = Resource("Test::User", {{"Description", {{"Fn::Sub", "${A}-x"}}}});
  plan = FakePlan(Template(before), Template(after));
  EXPECT_FALSE(Find(plan, "User").changes[0].reference_changed);
}

TEST(PlanTest, DependentsOfAReplacedResourceChangeAfterDeploy) {
  Json before = {
      {"Net", Resource("Test::Net", {{"Cidr", "10.0.0.0/16"}})},
      {"User", Resource("Test::User", {{"NetId", {{"Ref", "Net"}}},
                                       {"Description", {{"Fn::Sub", "in ${Net.Arn}"}}}})},
      {"Reader", Resource("Test::User", {{"Description", {{"Fn::GetAtt", {"Net", "Arn"}}}}})},
      {"Bystander", Resource("Test::User", {{"Description", "static"}})},
  };
  Json after = before;
  after["Net"]["Properties"]["Cidr"] = "10.1.0.0/16";
  Json outputs_before = {{"NetId", {{"Value", {{"Ref", "Net"}}}}}, {"Other", {{"Value", "x"}}}};
  Json t_before = {{"Resources", before}, {"Outputs", outputs_before}};
  Json t_after = {{"Resources", after}, {"Outputs", outputs_before}};
  Plan plan = FakePlan(t_before, t_after);

  EXPECT_EQ(Find(plan, "Net").action, Action::kReplace);
  EXPECT_EQ(Find(plan, "Net").causes, std::vector<std::string>{"Cidr"});

  // NetId is a replace-on-change property: the user is replaced as well.
  const ResourcePlan& user = Find(plan, "User");
  EXPECT_EQ(user.action, Action::kReplace);
  ASSERT_EQ(user.changes.size(), 2u);
  for (const ValueChange& c : user.changes) {
    EXPECT_TRUE(c.known_after_deploy) << c.path;
    EXPECT_EQ(c.caused_by, "Net");
    EXPECT_EQ(c.before, c.after);  // same template text, new value
  }
  EXPECT_EQ(user.causes, std::vector<std::string>{"NetId"});

  // Description updates in place.
  const ResourcePlan& reader = Find(plan, "Reader");
  EXPECT_EQ(reader.action, Action::kUpdate);
  ASSERT_EQ(reader.changes.size(), 1u);
  EXPECT_EQ(reader.changes[0].path, "Description");

  EXPECT_EQ(Find(plan, "Bystander").action, Action::kNoChange);

  ASSERT_EQ(plan.outputs.size(), 1u);
  EXPECT_EQ(plan.outputs[0].name, "NetId");
  ASSERT_EQ(plan.outputs[0].changes.size(), 1u);
  EXPECT_TRUE(plan.outputs[0].changes[0].known_after_deploy);
  EXPECT_EQ(plan.summary.replace, 2u);
  EXPECT_EQ(plan.summary.update, 1u);
}

TEST(PlanTest, ReplacementPropagatesTransitively) {
  Json before = {
      {"Net", Resource("Test::Net", {{"Cidr", "a"}})},
      {"First", Resource("Test::User", {{"NetId", {{"Ref", "Net"}}}})},
      {"Second", Resource("Test::User", {{"NetId", {{"Ref", "First"}}}})},
  };
  Json after = before;
  after["Net"]["Properties"]["Cidr"] = "b";
  Plan plan = FakePlan(Template(before), Template(after));
  EXPECT_EQ(Find(plan, "First").action, Action::kReplace);
  EXPECT_EQ(Find(plan, "Second").action, Action::kReplace);
  EXPECT_EQ(Find(plan, "Second").changes[0].caused_by, "First");
}

TEST(PlanTest, MayReplacePropagatesAtMostMayReplace) {
  Json before = {
      {"Db", Db({{"Engine", "pg14"}})},
      {"User", Resource("Test::User", {{"NetId", {{"Ref", "Db"}}}})},
  };
  Json after = before;
  after["Db"]["Properties"]["Engine"] = "pg15";
  Plan plan = FakePlan(Template(before), Template(after));
  EXPECT_EQ(Find(plan, "Db").action, Action::kMayReplace);
  EXPECT_EQ(Find(plan, "User").action, Action::kMayReplace);
  EXPECT_EQ(Find(plan, "User").changes[0].replacement, Replacement::kMaybe);
}

TEST(PlanTest, StatefulReplacementByPropagationLosesData) {
  Json before = {
      {"Net", Resource("Test::Net", {{"Cidr", "a"}})},
      {"Db", Db({{"Name", {{"Fn::Sub", "db-${Net}"}}}})},
  };
  Json after = before;
  after["Net"]["Properties"]["Cidr"] = "b";
  Plan plan = FakePlan(Template(before), Template(after));
  EXPECT_EQ(Find(plan, "Db").action, Action::kReplace);
  EXPECT_TRUE(Find(plan, "Db").data_loss);
  EXPECT_EQ(plan.summary.data_loss, 1u);
}

TEST(PlanTest, MetadataOnlyChangesAreNoOps) {
  Json before = Template({{"Net", Resource("Test::Net", {{"Cidr", "a"}}, "Rex/Network/Net")},
                          {"Db", Db({{"Name", "a"}})}});
  Json after = before;
  after["Resources"]["Net"]["DependsOn"] = "Db";
  after["Resources"]["Net"]["Metadata"]["rex:path"] = "Rex/Network/Moved";
  after["Resources"]["Db"]["DeletionPolicy"] = "Snapshot";
  Plan plan = FakePlan(before, after);
  const ResourcePlan& net = Find(plan, "Net");
  EXPECT_EQ(net.action, Action::kNoChange);
  EXPECT_TRUE(net.metadata_only());
  ASSERT_EQ(net.attribute_changes.size(), 2u);
  EXPECT_EQ(net.attribute_changes[0].attribute, "DependsOn");
  EXPECT_EQ(net.attribute_changes[0].kind, ChangeKind::kAdd);
  EXPECT_EQ(net.attribute_changes[1].attribute, "Metadata");
  EXPECT_TRUE(Find(plan, "Db").metadata_only());
  EXPECT_EQ(plan.summary.metadata_only, 2u);
  EXPECT_TRUE(plan.HasChanges());

  // "A" and ["A"] are the same DependsOn.
  Json list_form = after;
  list_form["Resources"]["Net"]["DependsOn"] = Json::array({"Db"});
  Plan same = FakePlan(after, list_form);
  EXPECT_FALSE(same.HasChanges());
}

TEST(PlanTest, ConditionChangeMayReplace) {
  Json before = Template({{"Net", Resource("Test::Net", {{"Cidr", "a"}})}});
  Json after = before;
  after["Resources"]["Net"]["Condition"] = "IsProd";
  Plan plan = FakePlan(before, after);
  EXPECT_EQ(Find(plan, "Net").action, Action::kMayReplace);
  EXPECT_EQ(Find(plan, "Net").causes, std::vector<std::string>{"Condition"});
}

TEST(PlanTest, ParameterOutputConditionAndTemplateChanges) {
  Json before = {
      {"Description", "old"},
      {"Parameters",
       {{"Keep", {{"Type", "String"}}},
        {"Gone", {{"Type", "String"}}},
        {"Pw", {{"Type", "String"}, {"NoEcho", true}}}}},
      {"Outputs", {{"vpcId", {{"Value", "a"}}}, {"dropped", {{"Value", "b"}}}}},
      {"Conditions", {{"IsProd", {{"Fn::Equals", {"a", "b"}}}}}},
      {"Resources", Json::object()},
  };
  Json after = before;
  after["Description"] = "new";
  after["Parameters"].erase("Gone");
  after["Parameters"]["Added"] = {{"Type", "Number"}};
  after["Parameters"]["Pw"]["MinLength"] = 8;
  after["Outputs"]["vpcId"]["Value"] = "c";
  after["Outputs"].erase("dropped");
  after["Conditions"]["IsProd"] = {{"Fn::Equals", {"a", "a"}}};
  Plan plan = FakePlan(before, after);

  ASSERT_EQ(plan.parameters.size(), 3u);
  EXPECT_EQ(plan.parameters[0].name, "Added");
  EXPECT_EQ(plan.parameters[0].kind, ChangeKind::kAdd);
  EXPECT_EQ(plan.parameters[1].name, "Gone");
  EXPECT_EQ(plan.parameters[1].kind, ChangeKind::kRemove);
  EXPECT_EQ(plan.parameters[2].name, "Pw");
  ASSERT_EQ(plan.parameters[2].changes.size(), 1u);
  EXPECT_EQ(plan.parameters[2].changes[0].path, "MinLength");
  EXPECT_EQ(plan.parameters[2].changes[0].kind, ChangeKind::kAdd);

  ASSERT_EQ(plan.outputs.size(), 2u);
  EXPECT_EQ(plan.outputs[0].name, "dropped");
  EXPECT_EQ(plan.outputs[0].kind, ChangeKind::kRemove);
  EXPECT_EQ(plan.outputs[1].changes[0].path, "Value");
  EXPECT_EQ(plan.outputs[1].changes[0].before, "a");
  EXPECT_EQ(plan.outputs[1].changes[0].after, "c");

  ASSERT_EQ(plan.conditions.size(), 1u);
  EXPECT_EQ(plan.conditions[0].changes[0].path, "");  // the whole intrinsic changed

  ASSERT_EQ(plan.template_changes.size(), 1u);
  EXPECT_EQ(plan.template_changes[0].path, "Description");
  EXPECT_EQ(plan.summary.parameters, 3u);
  EXPECT_EQ(plan.summary.outputs, 2u);
  EXPECT_EQ(plan.summary.conditions, 1u);
  EXPECT_EQ(plan.summary.other, 1u);
  EXPECT_TRUE(plan.HasChanges());
}

TEST(PlanTest, KeysWithDotsAreQuotedInPaths) {
  Json before = Template({{"U", Resource("Test::User", {{"Policy", {{"a.b", 1}}}})}});
  Json after = Template({{"U", Resource("Test::User", {{"Policy", {{"a.b", 2}}}})}});
  Plan plan = FakePlan(before, after);
  EXPECT_EQ(Find(plan, "U").changes[0].path, "Policy[\"a.b\"]");
}

TEST(PlanTest, NullSchemaLookupTreatsEverythingAsUnknown) {
  Json before = Template({{"Db", Db({{"Size", 1}})}});
  Json after = Template({{"Db", Db({{"Size", 2}})}});
  Plan plan = ComputePlan(before, after, nullptr);
  EXPECT_EQ(Find(plan, "Db").action, Action::kMayReplace);
  EXPECT_FALSE(Find(plan, "Db").stateful);
}

TEST(PlanTest, ComponentOfPath) {
  EXPECT_EQ(ComponentOfPath("Rex/Network/Vpc"), "Network");
  EXPECT_EQ(ComponentOfPath("Rex/Network/Vpc/Resource"), "Network");
  EXPECT_EQ(ComponentOfPath("Rex/Vpc"), "Vpc");
  EXPECT_EQ(ComponentOfPath("Rex"), "");
  EXPECT_EQ(ComponentOfPath(""), "");
}

TEST(PlanTest, JsonSchema) {
  Json before = Template({{"Db", Db({{"Name", "a"}})}, {"Gone", Resource("Test::Net", {})}});
  Json after = Template({{"Db", Db({{"Name", "b"}})}, {"New", Resource("Test::Net", {})}});
  Json j = PlanToJson(FakePlan(before, after));
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["hasChanges"], true);
  EXPECT_EQ(j["dataLoss"], true);
  EXPECT_EQ(j["nothingDeployed"], false);
  EXPECT_EQ(j["summary"], (Json{{"create", 1},
                                {"update", 0},
                                {"mayReplace", 0},
                                {"replace", 1},
                                {"delete", 1},
                                {"noChange", 0},
                                {"metadataOnly", 0},
                                {"dataLoss", 1},
                                {"parameters", 0},
                                {"outputs", 0},
                                {"conditions", 0},
                                {"other", 0}}));
  ASSERT_EQ(j["resources"].size(), 3u);
  const Json& db = j["resources"][0];
  EXPECT_EQ(db["logicalId"], "Db");
  EXPECT_EQ(db["action"], "replace");
  EXPECT_EQ(db["component"], "Data");
  EXPECT_EQ(db["path"], "Rex/Data/Db");
  EXPECT_EQ(db["dataLoss"], true);
  EXPECT_EQ(db["stateful"], true);
  EXPECT_EQ(db["causes"], Json::array({"Name"}));
  EXPECT_EQ(db["changes"][0], (Json{{"path", "Name"},
                                    {"kind", "modify"},
                                    {"before", "a"},
                                    {"after", "b"},
                                    {"replacement", "yes"},
                                    {"referenceChanged", false},
                                    {"knownAfterDeploy", false}}));
  EXPECT_EQ(j["resources"][1]["action"], "delete");
  EXPECT_FALSE(j["resources"][1].contains("changes"));
  EXPECT_EQ(j["resources"][2]["action"], "create");
  EXPECT_EQ(j["parameters"], Json::array());
  EXPECT_EQ(j["templateChanges"], Json::array());
}

// --- the real generated registry

Plan RealPlan(const Json& before, const Json& after) {
  return ComputePlan(before, after, cfn::FindResourceSchema);
}

TEST(PlanRegistryTest, AuroraClusterIdentifierChangeReplacesWithDataLoss) {
  Json cluster = Resource("AWS::RDS::DBCluster",
                          {{"DBClusterIdentifier", "rex-dev"},
                           {"Engine", "aurora-postgresql"},
                           {"BackupRetentionPeriod", 7}},
                          "Rex/Database/Cluster");
  Json renamed = cluster;
  renamed["Properties"]["DBClusterIdentifier"] = "rex-dev-2";
  Plan plan =
      RealPlan(Template({{"DatabaseCluster", cluster}}), Template({{"DatabaseCluster", renamed}}));
  const ResourcePlan& r = Find(plan, "DatabaseCluster");
  EXPECT_TRUE(r.schema_known);
  EXPECT_TRUE(r.stateful);
  EXPECT_EQ(r.action, Action::kReplace);
  EXPECT_EQ(r.causes, std::vector<std::string>{"DBClusterIdentifier"});
  EXPECT_TRUE(r.data_loss);
  EXPECT_EQ(r.component, "Database");

  Json longer = cluster;
  longer["Properties"]["BackupRetentionPeriod"] = 14;
  plan =
      RealPlan(Template({{"DatabaseCluster", cluster}}), Template({{"DatabaseCluster", longer}}));
  EXPECT_EQ(Find(plan, "DatabaseCluster").action, Action::kUpdate);
  EXPECT_FALSE(Find(plan, "DatabaseCluster").data_loss);
}

TEST(PlanRegistryTest, LogGroupRetentionUpdatesAndNameReplaces) {
  Json group =
      Resource("AWS::Logs::LogGroup", {{"LogGroupName", "/rex/flow"}, {"RetentionInDays", 7}});
  Json retention = group;
  retention["Properties"]["RetentionInDays"] = 14;
  Plan plan = RealPlan(Template({{"Logs", group}}), Template({{"Logs", retention}}));
  EXPECT_EQ(Find(plan, "Logs").action, Action::kUpdate);

  Json renamed = group;
  renamed["Properties"]["LogGroupName"] = "/rex/flow2";
  plan = RealPlan(Template({{"Logs", group}}), Template({{"Logs", renamed}}));
  EXPECT_EQ(Find(plan, "Logs").action, Action::kReplace);
  EXPECT_TRUE(Find(plan, "Logs").data_loss);
}

TEST(PlanRegistryTest, SubnetReplacementReplacesItsNatGateway) {
  Json before = {
      {"Vpc", Resource("AWS::EC2::VPC", {{"CidrBlock", "10.0.0.0/16"}})},
      {"Subnet",
       Resource("AWS::EC2::Subnet", {{"CidrBlock", "10.0.0.0/18"}, {"VpcId", {{"Ref", "Vpc"}}}})},
      {"Eip", Resource("AWS::EC2::EIP", {{"Domain", "vpc"}})},
      {"Nat", Resource("AWS::EC2::NatGateway",
                       {{"SubnetId", {{"Ref", "Subnet"}}},
                        {"AllocationId", {{"Fn::GetAtt", {"Eip", "AllocationId"}}}}})},
  };
  Json after = before;
  after["Subnet"]["Properties"]["CidrBlock"] = "10.0.0.0/17";
  Plan plan = RealPlan(Template(before), Template(after));
  EXPECT_EQ(Find(plan, "Subnet").action, Action::kReplace);
  EXPECT_EQ(Find(plan, "Nat").action, Action::kReplace);
  EXPECT_EQ(Find(plan, "Nat").changes[0].caused_by, "Subnet");
  EXPECT_EQ(Find(plan, "Vpc").action, Action::kNoChange);
  EXPECT_EQ(Find(plan, "Eip").action, Action::kNoChange);
  EXPECT_EQ(plan.summary.data_loss, 0u);
}

}  // namespace
}  // namespace rex::tmpl
