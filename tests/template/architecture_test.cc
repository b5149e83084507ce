#include "template/architecture.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "base/files.h"
#include "base/json.h"
#include "support/golden.h"
#include "template/plan.h"

namespace rex::tmpl {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsSupersetOf;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

base::Json Parse(std::string_view text) {
  auto json = base::ParseJson(text, "test");
  EXPECT_TRUE(json.has_value());
  return json.has_value() ? *json : base::Json();
}

base::Json Golden(const std::string& name) {
  auto text = base::ReadFile(std::string(REX_SOURCE_DIR) + "/tests/golden/" + name);
  EXPECT_TRUE(text.has_value()) << name;
  return text.has_value() ? Parse(*text) : base::Json();
}

// "kind name" of every component.
std::vector<std::string> Names(const Architecture& a) {
  std::vector<std::string> out;
  for (const Component& c : a.components) {
    out.push_back(std::string(ComponentKindName(c.kind)) + " " + c.name);
  }
  return out;
}

// "from-name -kind[label]-> to-name" of every link, by component names.
std::vector<std::string> Links(const Architecture& a) {
  std::vector<std::string> out;
  for (const Link& link : a.links) {
    const Component* from = a.Find(link.from);
    const Component* to = a.Find(link.to);
    EXPECT_NE(from, nullptr) << link.from;
    EXPECT_NE(to, nullptr) << link.to;
    if (from == nullptr || to == nullptr) continue;
    out.push_back(from->name + " -" + std::string(LinkKindName(link.kind)) +
                  (link.label.empty() ? "" : "[" + link.label + "]") + "-> " + to->name);
  }
  return out;
}

const Component& Named(const Architecture& a, std::string_view name) {
  for (const Component& c : a.components) {
    if (c.name == name) return c;
  }
  ADD_FAILURE() << "no component " << name;
  return a.components.front();
}

TEST(ArchitectureTest, WorkloadsExampleHasOneComponentPerWorkloadStoreQueueAndBucket) {
  Architecture a = BuildArchitecture(Golden("workloads.template.json"), "rex-backend-dev");
  EXPECT_THAT(Names(a),
              UnorderedElementsAre("internet internet", "load balancer ALB", "service api",
                                   "service notifier", "service supertokens", "service worker",
                                   "job bootstrap", "job cleanup", "job migration",
                                   "database Aurora PostgreSQL", "cache Redis", "queue Tasks",
                                   "bucket Uploads"));
  EXPECT_EQ(Named(a, "cleanup").detail, "scheduled cron(0 3 * * ? *)");
  EXPECT_EQ(Named(a, "migration").detail, "one-off task");
  EXPECT_EQ(Named(a, "Tasks").detail, "SQS queue + dead-letter queue");
  ASSERT_EQ(a.vpcs.size(), 1u);
  EXPECT_EQ(a.vpcs[0].label, "VPC 10.0.0.0/16");
  for (const char* inside : {"ALB", "api", "worker", "cleanup", "Aurora PostgreSQL", "Redis"}) {
    EXPECT_EQ(Named(a, inside).vpc, a.vpcs[0].id) << inside;
  }
  for (const char* outside : {"internet", "Tasks", "Uploads"}) {
    EXPECT_EQ(Named(a, outside).vpc, "") << outside;
  }
}

TEST(ArchitectureTest, WorkloadsExampleLinksFollowListenersSecurityGroupsAndPolicies) {
  Architecture a = BuildArchitecture(Golden("workloads.template.json"), "rex-backend-dev");
  EXPECT_THAT(Links(a), IsSupersetOf({
                            "internet -traffic[HTTP :80]-> ALB",
                            "ALB -traffic[/api/*]-> api",
                            "api -network[tcp 5432]-> Aurora PostgreSQL",
                            "api -network[tcp 6379]-> Redis",
                            "api -network[tcp 3567]-> supertokens",
                            "worker -network[tcp 5432]-> Aurora PostgreSQL",
                            "worker -network[tcp 6379]-> Redis",
                            // The schedule runs cleanup with the services' security group.
                            "cleanup -network[tcp 5432]-> Aurora PostgreSQL",
                            // A job rex runs by hand: from its task definition's references.
                            "migration -network-> Aurora PostgreSQL",
                            "migration -network-> Redis",
                            "migration -network[tcp 3567]-> supertokens",
                            "api -iam[write]-> Uploads",
                            "api -iam[send]-> Tasks",
                            "worker -iam[receive]-> Tasks",
                            "worker -iam[read]-> Uploads",
                        }));
  EXPECT_THAT(Links(a), Not(Contains(HasSubstr("-> worker"))));  // nothing calls the worker
  EXPECT_THAT(Links(a), Not(Contains(HasSubstr("notifier -iam"))));
}

TEST(ArchitectureTest, EveryResourceBelongsToOneComponentAtMost) {
  base::Json tmpl = Golden("workloads.template.json");
  Architecture a = BuildArchitecture(tmpl, "rex-backend-dev");
  std::map<std::string, int> seen;
  for (const Component& c : a.components) {
    for (const std::string& r : c.resources) ++seen[r];
  }
  for (const VpcFrame& f : a.vpcs) {
    for (const std::string& r : f.resources) ++seen[r];
  }
  for (const auto& [id, count] : seen) {
    EXPECT_EQ(count, 1) << id;
    EXPECT_TRUE(tmpl["Resources"].contains(id)) << id;
  }
  EXPECT_THAT(
      Named(a, "api").resources,
      IsSupersetOf({"ComputeApiService", "ComputeApiTaskDefinition", "LoadBalancerApiTargetGroup",
                    "MonitoringApiLogGroup", "RegistryApi", "SecurityApiTaskRole"}));
  EXPECT_THAT(Named(a, "Tasks").resources,
              UnorderedElementsAre("QueuesTasks", "QueuesTasksDeadLetterQueue", "QueuesTasksPolicy",
                                   "QueuesTasksConsumePolicy", "QueuesTasksSendPolicy"));
  EXPECT_THAT(Named(a, "cleanup").resources,
              IsSupersetOf({"JobsCleanupSchedule", "JobsCleanupScheduleRole",
                            "JobsCleanupTaskDefinition", "JobsCleanupTaskRole"}));
  EXPECT_THAT(
      a.vpcs[0].resources,
      IsSupersetOf({"NetworkVpc", "NetworkPublicSubnet1", "NetworkNatGateway1", "NetworkNatEip1",
                    "NetworkInternetGateway", "NetworkPrivateSubnet1DefaultRoute"}));
  EXPECT_EQ(a.owner.count("ComputeCluster"), 0u);  // shared by every workload
}

// Rewrites every logical id to an opaque one and drops the construct paths: the architecture
// must come out the same, since it is read from types and references only.
base::Json Anonymize(const base::Json& tmpl) {
  std::vector<std::string> ids;
  for (const auto& [id, resource] : tmpl["Resources"].items()) ids.push_back(id);
  std::sort(ids.begin(), ids.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  std::string text = base::DumpJson(tmpl);
  for (size_t i = 0; i < ids.size(); ++i) {
    std::string opaque = "Q" + std::to_string(i) + "Z";
    for (size_t at = text.find("\"" + ids[i]); at != std::string::npos;
         at = text.find("\"" + ids[i], at + 1)) {
      char after = text[at + 1 + ids[i].size()];
      if (after == '"' || after == '.') text.replace(at + 1, ids[i].size(), opaque);
    }
  }
  base::Json out = Parse(text);
  for (auto& [id, resource] : out["Resources"].items()) resource.erase("Metadata");
  return out;
}

TEST(ArchitectureTest, SubnetTiersComeFromRouteTables) {
  Architecture a = BuildArchitecture(Golden("workloads.template.json"), "rex-backend-dev");
  EXPECT_EQ(Named(a, "ALB").tier, "public");
  for (const char* name : {"api", "worker", "cleanup", "Aurora PostgreSQL", "Redis"}) {
    EXPECT_EQ(Named(a, name).tier, "private") << name;
  }
  EXPECT_EQ(Named(a, "migration").tier, "");  // no schedule says where it runs
  EXPECT_EQ(Named(a, "Tasks").tier, "");
  std::string dot = ArchitectureToDot(a, {.title = "t", .subnets = true});
  EXPECT_THAT(dot, HasSubstr("    subgraph \"cluster_NetworkVpc_public\" {\n"
                             "      label=\"public subnets\";\n"));
  EXPECT_THAT(dot, HasSubstr("      \"LoadBalancerAlb\" [shape=box"));
  EXPECT_THAT(dot, HasSubstr("      \"ComputeApiService\" [shape=box"));
  EXPECT_THAT(dot, HasSubstr("\n    \"ComputeMigrationTaskDefinition\" [shape=box"));
  EXPECT_THAT(dot, Not(HasSubstr("isolated subnets")));
  EXPECT_THAT(ArchitectureToDot(a, {.title = "t"}), Not(HasSubstr("subnets\"")));
}

TEST(ArchitectureTest, ComponentsComeFromTypesAndReferencesNotFromLogicalIds) {
  base::Json tmpl = Golden("workloads.template.json");
  Architecture plain = BuildArchitecture(tmpl, "rex-backend-dev");
  base::Json anonymous = Anonymize(tmpl);
  ASSERT_FALSE(anonymous["Resources"].contains("ComputeApiService"));
  Architecture a = BuildArchitecture(anonymous, "rex-backend-dev");
  // Queues and buckets have no name property: without paths they are named by logical id.
  auto renamed = [](std::vector<std::string> names) {
    for (std::string& n : names) {
      if (n.rfind("queue ", 0) == 0) n = "queue";
      if (n.rfind("bucket ", 0) == 0) n = "bucket";
    }
    std::sort(names.begin(), names.end());
    return names;
  };
  EXPECT_EQ(renamed(Names(a)), renamed(Names(plain)));
  EXPECT_EQ(a.links.size(), plain.links.size());
  EXPECT_THAT(Links(a), IsSupersetOf({"ALB -traffic[/api/*]-> api",
                                      "worker -network[tcp 5432]-> Aurora PostgreSQL",
                                      "migration -network-> Redis"}));
}

TEST(ArchitectureTest, InternalLoadBalancerHasNoInternetAndAmplifyHas) {
  base::Json tmpl = Parse(R"({"Resources": {
    "Lb": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
           "Properties": {"Scheme": "internal"}},
    "Db": {"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": "mysql"}}
  }})");
  Architecture a = BuildArchitecture(tmpl);
  EXPECT_THAT(Names(a), UnorderedElementsAre("load balancer ALB", "database MySQL"));
  EXPECT_TRUE(a.links.empty());
  tmpl["Resources"]["Site"] =
      Parse(R"({"Type": "AWS::Amplify::App", "Properties": {"Name": "shop-web"}})");
  tmpl["Resources"]["Main"] = Parse(
      R"({"Type": "AWS::Amplify::Branch", "Properties": {"AppId": {"Fn::GetAtt": ["Site", "AppId"]}}})");
  a = BuildArchitecture(tmpl, "shop");
  EXPECT_THAT(Names(a), Contains("frontend web"));
  EXPECT_THAT(Links(a), UnorderedElementsAre("internet -traffic[HTTPS]-> web"));
  EXPECT_THAT(Named(a, "web").resources, UnorderedElementsAre("Main", "Site"));
}

TEST(ArchitectureTest, MalformedTemplatesGiveNoComponents) {
  EXPECT_TRUE(BuildArchitecture(base::Json::array()).components.empty());
  EXPECT_TRUE(BuildArchitecture(Parse(R"({"Resources": []})")).components.empty());
  Architecture odd = BuildArchitecture(Parse(R"({"Resources": {
    "X": 3,
    "S": {"Type": "AWS::ECS::Service", "Properties": {"TaskDefinition": {"Ref": "Nope"}}},
    "Q": {"Type": "AWS::SQS::Queue", "Properties": {"RedrivePolicy": {"deadLetterTargetArn":
          {"Fn::GetAtt": ["Q", "Arn"]}}}}
  }})"));
  EXPECT_THAT(Names(odd), UnorderedElementsAre("service S", "queue Q"));
}

TEST(ArchitectureTest, PlanColoursComponentsByTheirResourcesActions) {
  base::Json before = Golden("workloads.template.json");
  base::Json after = before;
  base::Json& resources = after["Resources"];
  // The bucket goes, a queue arrives, the worker's task definition and the VPC's route change.
  for (const char* id : {"BucketsUploads", "BucketsUploadsPolicy", "BucketsUploadsReadPolicy",
                         "BucketsUploadsWritePolicy"}) {
    resources.erase(id);
  }
  resources["ComputeApiService"]["DependsOn"] = base::Json::array();
  resources["ComputeWorkerService"]["DependsOn"] = base::Json::array();
  resources["Events"] = Parse(R"({"Type": "AWS::SQS::Queue"})");
  resources["ComputeWorkerTaskDefinition"]["Properties"]["Cpu"] = "1024";
  resources["NetworkPublicDefaultRoute"]["Properties"]["DestinationCidrBlock"] = "10.1.0.0/16";
  Plan plan = ComputePlan(before, after, nullptr);
  base::Json merged = TemplateForPlan(before, after);
  EXPECT_TRUE(merged["Resources"].contains("BucketsUploads"));
  EXPECT_TRUE(merged["Resources"].contains("Events"));
  Architecture a = BuildArchitecture(merged, "rex-backend-dev");
  std::map<std::string, Action> actions = ComponentActions(a, plan);
  EXPECT_EQ(actions[Named(a, "Uploads").id], Action::kDelete);
  EXPECT_EQ(actions[Named(a, "Events").id], Action::kCreate);
  // Without schemas a changed property may replace: the task definition, and so the service
  // that refers to it (the plan's own action for the primary resource).
  EXPECT_EQ(actions[Named(a, "worker").id], Action::kMayReplace);
  EXPECT_EQ(actions[Named(a, "cleanup").id], Action::kNoChange);
  EXPECT_EQ(actions[Named(a, "api").id], Action::kNoChange);
  EXPECT_EQ(actions["NetworkVpc"], Action::kUpdate);
  EXPECT_EQ(TemplateForPlan(base::Json(nullptr), after), after);

  std::string dot = ArchitectureToDot(a, {.title = "rex-backend-dev", .actions = &actions});
  EXPECT_THAT(dot, HasSubstr("<b>- Uploads</b>"));
  EXPECT_THAT(dot, HasSubstr("<b>+ Events</b>"));
  EXPECT_THAT(dot, HasSubstr("<b>~ worker</b>"));
  EXPECT_THAT(dot, HasSubstr("<b>api</b>"));
  EXPECT_THAT(dot, HasSubstr("label=\"~ VPC 10.0.0.0/16 (update)\""));
  EXPECT_THAT(dot, HasSubstr("-/+ replace"));  // the legend lists the whole palette
}

TEST(ArchitectureTest, DotEscapesNamesInLabels) {
  Architecture a;
  a.components.push_back(Component{.id = "A\"b",
                                   .kind = ComponentKind::kQueue,
                                   .name = "<jobs & more>",
                                   .detail = "SQS queue",
                                   .vpc = "",
                                   .resources = {},
                                   .tier = ""});
  std::string dot = ArchitectureToDot(a, {.title = "say \"hi\""});
  EXPECT_THAT(dot, HasSubstr("digraph \"say \\\"hi\\\"\" {"));
  EXPECT_THAT(dot, HasSubstr("\"A\\\"b\" [shape=box3d"));
  EXPECT_THAT(dot, HasSubstr("<b>&lt;jobs &amp; more&gt;</b>"));
}

TEST(ArchitectureTest, DevPresetArchitectureDotIsGolden) {
  Architecture a = BuildArchitecture(Golden("dev.template.json"), "rex-backend-dev");
  std::string dot = ArchitectureToDot(a, {.title = "rex-backend-dev"});
  EXPECT_EQ(dot,
            ArchitectureToDot(BuildArchitecture(Golden("dev.template.json"), "rex-backend-dev"),
                              {.title = "rex-backend-dev"}));
  EXPECT_TRUE(rex::testing::MatchesGolden("graph/dev.architecture.dot", dot));
}

TEST(ArchitectureTest, WorkloadsExampleArchitectureDotIsGolden) {
  Architecture a = BuildArchitecture(Golden("workloads.template.json"), "rex-backend-dev");
  EXPECT_TRUE(rex::testing::MatchesGolden("graph/workloads.architecture.dot",
                                          ArchitectureToDot(a, {.title = "rex-backend-dev"})));
}

}  // namespace
}  // namespace rex::tmpl
