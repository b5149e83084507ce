#include "template/cost.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "base/check.h"
#include "base/strings.h"
#include "core/references.h"
#include "template/graph.h"

namespace rex::tmpl {
namespace {

// Types that cost nothing by themselves: what they carry is priced on another resource (a
// subnet's traffic on the NAT gateway, a listener on its load balancer) or is free.
const std::set<std::string, std::less<>>& FreeTypes() {
  static const std::set<std::string, std::less<>> types = {
      "AWS::Amplify::App",
      "AWS::Amplify::Domain",
      "AWS::ApplicationAutoScaling::ScalableTarget",
      "AWS::ApplicationAutoScaling::ScalingPolicy",
      "AWS::Backup::BackupSelection",  // what it selects is priced on the vault and the plan
      "AWS::CloudFormation::WaitConditionHandle",
      "AWS::EC2::EgressOnlyInternetGateway",
      "AWS::EC2::FlowLog",  // its logs are priced on the log group
      "AWS::EC2::InternetGateway",
      "AWS::EC2::Route",
      "AWS::EC2::RouteTable",
      "AWS::EC2::SecurityGroup",
      "AWS::EC2::SecurityGroupEgress",
      "AWS::EC2::SecurityGroupIngress",
      "AWS::EC2::Subnet",
      "AWS::EC2::SubnetRouteTableAssociation",
      "AWS::EC2::VPC",
      "AWS::EC2::VPCGatewayAttachment",
      "AWS::ECR::RegistryPolicy",
      "AWS::ECR::ReplicationConfiguration",
      "AWS::ECS::ClusterCapacityProviderAssociations",
      "AWS::ECS::TaskDefinition",  // priced on its service, or as a one-off task
      "AWS::ElastiCache::ParameterGroup",
      "AWS::ElastiCache::SubnetGroup",
      "AWS::ElastiCache::User",
      "AWS::ElastiCache::UserGroup",
      "AWS::ElasticLoadBalancingV2::Listener",
      "AWS::ElasticLoadBalancingV2::ListenerCertificate",
      "AWS::ElasticLoadBalancingV2::ListenerRule",
      "AWS::ElasticLoadBalancingV2::TargetGroup",
      // A rule matching AWS service events: EventBridge charges nothing for those.
      "AWS::Events::Rule",
      "AWS::IAM::InstanceProfile",
      "AWS::IAM::ManagedPolicy",
      "AWS::IAM::Policy",
      "AWS::IAM::Role",
      "AWS::Logs::MetricFilter",
      "AWS::Logs::SubscriptionFilter",
      "AWS::RDS::DBClusterParameterGroup",
      "AWS::RDS::DBParameterGroup",
      "AWS::RDS::DBSubnetGroup",
      "AWS::Route53::RecordSet",  // alias records to AWS resources: queries free
      "AWS::Route53::RecordSetGroup",
      "AWS::S3::BucketPolicy",
      "AWS::SNS::Subscription",
      "AWS::SNS::TopicPolicy",
      "AWS::SQS::QueuePolicy",
      "AWS::Scheduler::ScheduleGroup",
      "AWS::SecretsManager::ResourcePolicy",
      "AWS::SecretsManager::SecretTargetAttachment",
      "AWS::ServiceDiscovery::HttpNamespace",
      "AWS::ServiceDiscovery::Service",  // its instances are priced on the ECS service
      // Per state transition beyond 4,000 a month (STANDARD); idle it costs nothing, and the
      // rotation follower makes about 4 transitions a week.
      "AWS::StepFunctions::StateMachine",
      "AWS::WAFv2::WebACLAssociation",
  };
  return types;
}

// Half a cent rounds up; the nudge keeps 16.425 (0.0225 × 730, stored as 16.42499...) from
// rounding down to 16.42.
double RoundCents(double usd) {
  return std::round(usd * 100.0 + (usd >= 0 ? 1e-6 : -1e-6)) / 100.0;
}

// Reads the numbers and strings of a template, following Refs to parameter defaults.
class Reader {
 public:
  explicit Reader(const base::Json& tmpl) : tmpl_(tmpl) {
    resources_ = Member(tmpl, "Resources");
    if (resources_ != nullptr && !resources_->is_object()) resources_ = nullptr;
  }

  const base::Json* resources() const { return resources_; }

  const base::Json* Resource(const std::string& id) const { return Member(resources_, id); }

  // The resource's Type; "" if it has none. The view lives as long as the template.
  static std::string_view Type(const base::Json& resource) {
    const base::Json* type = Member(resource, "Type");
    return type != nullptr && type->is_string()
               ? std::string_view(type->get_ref<const std::string&>())
               : std::string_view();
  }

  static const base::Json* Prop(const base::Json& resource, std::string_view name) {
    return Member(Member(resource, "Properties"), name);
  }

  // A Ref to a parameter with a Default is read as that default.
  const base::Json& Resolve(const base::Json& value) const {
    const base::Json* ref = value.size() == 1 ? Member(value, "Ref") : nullptr;
    if (ref != nullptr && ref->is_string()) {
      const base::Json* param = Member(Member(tmpl_, "Parameters"), ref->get<std::string>());
      if (const base::Json* fallback = Member(param, "Default")) return *fallback;
    }
    return value;
  }

  std::optional<double> Number(const base::Json* value) const {
    if (value == nullptr) return std::nullopt;
    const base::Json& v = Resolve(*value);
    if (v.is_number()) return v.get<double>();
    if (v.is_string()) {
      const std::string& text = v.get<std::string>();
      char* end = nullptr;
      double parsed = std::strtod(text.c_str(), &end);
      if (!text.empty() && end == text.c_str() + text.size()) return parsed;
    }
    return std::nullopt;
  }

  std::optional<std::string> String(const base::Json* value) const {
    if (value == nullptr) return std::nullopt;
    const base::Json& v = Resolve(*value);
    if (v.is_string()) return v.get<std::string>();
    return std::nullopt;
  }

  std::optional<bool> Bool(const base::Json* value) const {
    if (value == nullptr) return std::nullopt;
    const base::Json& v = Resolve(*value);
    if (v.is_boolean()) return v.get<bool>();
    if (v.is_string() && (v == "true" || v == "false")) return v == "true";
    return std::nullopt;
  }

  // The logical id a Ref or Fn::GetAtt in `value` names, if it is one of those.
  static std::optional<std::string> Target(const base::Json* value) {
    if (value == nullptr || !value->is_object() || value->size() != 1) return std::nullopt;
    // The common case, {"Ref": "Id"}, read directly; every other form through ReferencedIds.
    if (const base::Json* ref = Member(*value, "Ref"); ref != nullptr && ref->is_string()) {
      const std::string& id = ref->get_ref<const std::string&>();
      if (core::IsPseudoParameterName(id)) return std::nullopt;
      return id;
    }
    std::set<std::string> ids = ReferencedIds(*value);
    if (ids.size() != 1) return std::nullopt;
    return *ids.begin();
  }

 private:
  const base::Json& tmpl_;
  const base::Json* resources_ = nullptr;
};

class Estimator {
 public:
  Estimator(const base::Json& tmpl, const Assumptions& assumptions, const PricingTable& prices)
      : reader_(tmpl), assume_(assumptions), prices_(prices) {}

  CostReport Run() {
    report_.region = prices_.region;
    report_.currency = prices_.currency;
    report_.pricing_as_of = prices_.as_of;
    hours_ = assume_.Get("hoursPerMonth");
    if (reader_.resources() != nullptr) {
      IndexResources();
      for (const auto& [id, resource] : reader_.resources()->items()) {
        if (resource.is_object()) PriceResource(id, resource);
      }
    }
    SortItems();
    for (const CostItem& item : report_.items) report_.total += item.monthly;
    report_.total = RoundCents(report_.total);
    FillAssumptions();
    return std::move(report_);
  }

 private:
  // By component, then logical id, then the order priced (a stable sort of their indexes, so
  // each item is moved once).
  void SortItems() {
    std::vector<CostItem>& items = report_.items;
    std::vector<size_t> order(items.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return std::tie(items[a].component, items[a].logical_id) <
             std::tie(items[b].component, items[b].logical_id);
    });
    std::vector<CostItem> sorted;
    sorted.reserve(items.size());
    for (size_t i : order) sorted.push_back(std::move(items[i]));
    items = std::move(sorted);
  }

  // One pass over the resources for what pricing one of them needs to know of the others:
  // - which task definitions run as services, and how many services each cluster has;
  // - the NAT gateways, and the routes through one (a route table each): more routes than
  //   gateways means some subnets reach a gateway in another availability zone;
  // - the internet-facing application load balancers (they share dataTransferOutGb);
  // - scalable targets by what their ResourceId references (the first in logical id order
  //   wins), so finding a service's target is a lookup, not a scan of every resource.
  void IndexResources() {
    for (const auto& [id, resource] : reader_.resources()->items()) {
      if (!resource.is_object()) continue;
      std::string_view type = Reader::Type(resource);
      if (type == "AWS::ECS::Service") {
        if (auto td = Reader::Target(Reader::Prop(resource, "TaskDefinition"))) {
          service_task_definitions_.insert(*td);
        }
        auto cluster = Reader::Target(Reader::Prop(resource, "Cluster"));
        ++services_per_cluster_[cluster.value_or("")];
      } else if (type == "AWS::EC2::NatGateway") {
        ++nat_gateways_;
      } else if (type == "AWS::EC2::Route") {
        if (Reader::Prop(resource, "NatGatewayId") != nullptr) ++nat_routes_;
      } else if (type == "AWS::ElasticLoadBalancingV2::LoadBalancer") {
        if (reader_.String(Reader::Prop(resource, "Scheme")).value_or("internet-facing") ==
                "internet-facing" &&
            reader_.String(Reader::Prop(resource, "Type")).value_or("application") ==
                "application") {
          ++public_load_balancers_;
        }
      } else if (type == "AWS::ApplicationAutoScaling::ScalableTarget") {
        const base::Json* rid = Reader::Prop(resource, "ResourceId");
        if (rid == nullptr) continue;
        for (const std::string& target : ReferencedIds(*rid)) {
          scalable_targets_.emplace(target, &resource);
        }
      }
    }
  }

  void Add(const std::string& id, const base::Json& resource, std::string item, std::string basis,
           double quantity, std::string_view price_key) {
    const tmpl::Price* price = prices_.Find(price_key);
    if (price == nullptr) {
      report_.notes.push_back(id + ": the price table has no \"" + std::string(price_key) + "\"; " +
                              item + " not priced");
      return;
    }
    const Labels& labels = LabelsOf(resource);
    report_.items.push_back(CostItem{
        .component = labels.component,
        .logical_id = id,
        .path = labels.path,
        .type = std::string(Reader::Type(resource)),
        .item = std::move(item),
        .basis = std::move(basis),
        .quantity = quantity,
        .unit = price->unit,
        .unit_price = price->usd,
        .price_key = std::string(price_key),
        .monthly = RoundCents(quantity * price->usd),
    });
  }

  // The path and component of a resource, read once for all the items of the resource being
  // priced.
  struct Labels {
    const base::Json* resource = nullptr;
    std::string path;
    std::string component;
  };

  const Labels& LabelsOf(const base::Json& resource) {
    if (labels_.resource != &resource) {
      labels_.resource = &resource;
      labels_.path = ResourcePath(resource);
      labels_.component = ComponentOf(labels_.path);
    }
    return labels_;
  }

  std::string Hours() const { return FormatQuantity(hours_) + " h"; }

  // How the lists name a resource: the label rex preview shows (ResourceLabel), then its type.
  static std::string Listed(const std::string& id, const base::Json& r) {
    return ResourceLabel(ResourcePath(r), id) + " (" + std::string(Reader::Type(r)) + ")";
  }

  // Listed as costing nothing by itself.
  void Free(const std::string& id, const base::Json& r) { report_.free.push_back(Listed(id, r)); }

  // Listed as not in the price table, with why in the notes when `why` is not empty.
  void Unpriced(const std::string& id, const base::Json& r, const std::string& why) {
    report_.unpriced.push_back(Listed(id, r));
    if (!why.empty()) report_.notes.push_back(id + ": " + why);
  }

  using Pricer = void (Estimator::*)(const std::string& id, const base::Json& r);

  // How each priced type is priced: one row per type. Add a priced type here (and its price
  // keys to pricing_data.cc); a type that costs nothing by itself goes in FreeTypes().
  static const std::unordered_map<std::string_view, Pricer>& Pricers() {
    static const std::unordered_map<std::string_view, Pricer> pricers = {
        {"AWS::Amplify::Branch", &Estimator::AmplifyBranch},
        {"AWS::Backup::BackupPlan", &Estimator::BackupPlan},
        {"AWS::Backup::BackupVault", &Estimator::BackupVault},
        {"AWS::CloudTrail::Trail", &Estimator::Trail},
        {"AWS::CloudWatch::Alarm", &Estimator::Alarm},
        {"AWS::EC2::EIP", &Estimator::ElasticIp},
        {"AWS::EC2::NatGateway", &Estimator::NatGateway},
        {"AWS::EC2::VPCEndpoint", &Estimator::VpcEndpoint},
        {"AWS::ECR::Repository", &Estimator::EcrRepository},
        {"AWS::ECS::Cluster", &Estimator::EcsCluster},
        {"AWS::ECS::Service", &Estimator::EcsService},
        {"AWS::ECS::TaskDefinition", &Estimator::TaskDefinition},
        {"AWS::ElastiCache::CacheCluster", &Estimator::CacheCluster},
        {"AWS::ElastiCache::ReplicationGroup", &Estimator::ReplicationGroup},
        {"AWS::ElasticLoadBalancingV2::LoadBalancer", &Estimator::LoadBalancer},
        {"AWS::KMS::Key", &Estimator::KmsKey},
        {"AWS::Logs::LogGroup", &Estimator::LogGroup},
        {"AWS::RDS::DBCluster", &Estimator::DbCluster},
        {"AWS::RDS::DBInstance", &Estimator::DbInstance},
        {"AWS::Route53::HostedZone", &Estimator::HostedZone},
        {"AWS::S3::Bucket", &Estimator::Bucket},
        {"AWS::SNS::Topic", &Estimator::Topic},
        {"AWS::SQS::Queue", &Estimator::Queue},
        {"AWS::Scheduler::Schedule", &Estimator::Schedule},
        {"AWS::SecretsManager::Secret", &Estimator::Secret},
        {"AWS::ServiceDiscovery::PrivateDnsNamespace", &Estimator::DnsNamespace},
        {"AWS::ServiceDiscovery::PublicDnsNamespace", &Estimator::DnsNamespace},
        {"AWS::WAFv2::WebACL", &Estimator::WebAcl},
    };
    return pricers;
  }

  void PriceResource(const std::string& id, const base::Json& r) {
    std::string_view type = Reader::Type(r);
    const auto& pricers = Pricers();
    if (auto it = pricers.find(type); it != pricers.end()) return (this->*it->second)(id, r);
    if (FreeTypes().contains(type)) return Free(id, r);
    Unpriced(id, r, "");
  }

  void ElasticIp(const std::string& id, const base::Json& r) {
    Add(id, r, "public IPv4 address", Hours(), hours_, "vpc.public_ipv4.hour");
  }

  void Alarm(const std::string& id, const base::Json& r) {
    Add(id, r, "metric alarm", "1 alarm", 1, "cloudwatch.alarm.month");
  }

  void Secret(const std::string& id, const base::Json& r) {
    Add(id, r, "secret", "1 secret", 1, "secretsmanager.secret.month");
  }

  void KmsKey(const std::string& id, const base::Json& r) {
    Add(id, r, "KMS key", "1 key", 1, "kms.key.month");
  }

  void EcrRepository(const std::string& id, const base::Json& r) {
    double gb = assume_.Get("ecrStorageGbPerRepository");
    Add(id, r, "image storage", FormatQuantity(gb) + " GB stored", gb, "ecr.storage.gb_month");
  }

  void HostedZone(const std::string& id, const base::Json& r) {
    Add(id, r, "hosted zone", "1 zone", 1, "route53.hosted_zone.month");
    double queries = assume_.Get("route53MillionQueries");
    Add(id, r, "DNS queries", FormatQuantity(queries) + " million queries", queries,
        "route53.million_queries");
  }

  void DnsNamespace(const std::string& id, const base::Json& r) {
    Add(id, r, "namespace's hosted zone", "1 zone", 1, "route53.hosted_zone.month");
  }

  void Topic(const std::string& id, const base::Json& r) {
    double publishes = assume_.Get("snsMillionPublishes");
    Add(id, r, "publishes beyond the free tier", FormatQuantity(publishes) + " million publishes",
        publishes, "sns.million_publishes");
  }

  void Bucket(const std::string& id, const base::Json& r) {
    double gb = assume_.Get("s3StorageGbPerBucket");
    Add(id, r, "storage (S3 Standard)", FormatQuantity(gb) + " GB stored", gb,
        "s3.standard.gb_month");
    double writes = assume_.Get("s3ThousandWritesPerBucket");
    Add(id, r, "writes (PUT, COPY, POST, LIST)", FormatQuantity(writes) + " thousand requests",
        writes, "s3.thousand_writes");
    double reads = assume_.Get("s3ThousandReadsPerBucket");
    Add(id, r, "reads (GET)", FormatQuantity(reads) + " thousand requests", reads,
        "s3.thousand_reads");
  }

  // The vault's Aurora backups in AWS Backup's warm storage (how much depends on the database:
  // an assumption).
  void BackupVault(const std::string& id, const base::Json& r) {
    double gb = assume_.Get("backupStorageGb");
    Add(id, r, "backups stored (warm)", FormatQuantity(gb) + " GB stored", gb,
        "backup.aurora.gb_month");
  }

  // A plan costs nothing by itself; each copy action of its rules stores the backups again in
  // another region and sends them there.
  void BackupPlan(const std::string& id, const base::Json& r) {
    double copies = 0;
    const base::Json* plan = Reader::Prop(r, "BackupPlan");
    if (plan != nullptr && plan->is_object()) {
      auto rules = plan->find("BackupPlanRule");
      if (rules != plan->end() && rules->is_array()) {
        for (const base::Json& rule : *rules) {
          auto actions = rule.is_object() ? rule.find("CopyActions") : rule.end();
          if (rule.is_object() && actions != rule.end() && actions->is_array()) {
            copies += static_cast<double>(actions->size());
          }
        }
      }
    }
    if (copies == 0) return Free(id, r);
    double stored = assume_.Get("backupStorageGb") * copies;
    Add(id, r, "copies stored in the copy region (warm)", FormatQuantity(stored) + " GB stored",
        stored, "backup.aurora.gb_month");
    double sent = assume_.Get("backupCopyGbPerMonth") * copies;
    Add(id, r, "copies sent to the copy region", FormatQuantity(sent) + " GB", sent,
        "data_transfer.inter_region.gb");
  }

  // The first copy of an account's management events in a region is free; a trail of an
  // account that already has one pays for its copy (an assumption: 0, this is the only trail).
  void Trail(const std::string& id, const base::Json& r) {
    double events = assume_.Get("cloudTrailPaidHundredThousandEvents");
    Add(id, r, "management events beyond the free first copy",
        FormatQuantity(events) + " hundred thousand events", events,
        "cloudtrail.management_events.hundred_thousand");
  }

  void Queue(const std::string& id, const base::Json& r) {
    bool fifo = reader_.Bool(Reader::Prop(r, "FifoQueue")).value_or(false);
    double requests = assume_.Get("sqsMillionRequestsPerQueue");
    Add(id, r, "requests beyond the free tier", FormatQuantity(requests) + " million requests",
        requests, fifo ? "sqs.fifo.million_requests" : "sqs.standard.million_requests");
  }

  void Schedule(const std::string& id, const base::Json& r) {
    double invocations = assume_.Get("schedulerMillionInvocations");
    Add(id, r, "invocations beyond the free tier",
        FormatQuantity(invocations) + " million invocations", invocations,
        "scheduler.million_invocations");
  }

  // A task definition that a service runs is priced on the service; one that none runs is
  // run on demand (migrations).
  void TaskDefinition(const std::string& id, const base::Json& r) {
    if (service_task_definitions_.contains(id)) return Free(id, r);
    OneOffTask(id, r);
  }

  // The Aurora cluster an instance belongs to.
  const base::Json* ClusterOf(const base::Json& instance) const {
    auto cluster = Reader::Target(Reader::Prop(instance, "DBClusterIdentifier"));
    return cluster ? reader_.Resource(*cluster) : nullptr;
  }

  static bool IoOptimized(const Reader& reader, const base::Json* cluster) {
    if (cluster == nullptr) return false;
    return reader.String(Reader::Prop(*cluster, "StorageType")).value_or("") == "aurora-iopt1";
  }

  void DbInstance(const std::string& id, const base::Json& r) {
    std::string cls = reader_.String(Reader::Prop(r, "DBInstanceClass")).value_or("");
    if (cls != "db.serverless") {
      return Unpriced(id, r,
                      "instance class " + (cls.empty() ? std::string("(not literal)") : cls) +
                          " is not in the price table; only db.serverless is priced");
    }
    const base::Json* cluster = ClusterOf(r);
    double acu = 0.5;
    std::string basis;
    if (assume_.IsSet("auroraAverageAcu")) {
      acu = assume_.Get("auroraAverageAcu");
    } else {
      std::optional<double> min;
      if (cluster != nullptr) {
        const base::Json* scaling = Reader::Prop(*cluster, "ServerlessV2ScalingConfiguration");
        if (scaling != nullptr && scaling->is_object() && scaling->contains("MinCapacity")) {
          min = reader_.Number(&(*scaling)["MinCapacity"]);
        }
      }
      if (!min) {
        report_.notes.push_back(id +
                                ": the cluster's MinCapacity is not readable; assumed 0.5 ACU");
      } else if (*min <= 0) {
        report_.notes.push_back(id +
                                ": MinCapacity is 0 (auto-pause); assumed it never pauses "
                                "and idles at 0.5 ACU; set auroraAverageAcu to model pausing");
      } else {
        acu = *min;
      }
    }
    bool iopt = IoOptimized(reader_, cluster);
    Add(id, r, std::string("Aurora Serverless v2 capacity") + (iopt ? " (I/O-Optimized)" : ""),
        FormatQuantity(acu) + " ACU × " + Hours(), acu * hours_,
        iopt ? "aurora.serverless_v2.iopt.acu_hour" : "aurora.serverless_v2.acu_hour");
  }

  void DbCluster(const std::string& id, const base::Json& r) {
    std::string engine = reader_.String(Reader::Prop(r, "Engine")).value_or("");
    if (!base::StartsWith(engine, "aurora")) {
      return Unpriced(id, r, "engine " + engine + " is not Aurora; only Aurora is priced");
    }
    bool iopt = IoOptimized(reader_, &r);
    double gb = assume_.Get("auroraStorageGb");
    Add(id, r, iopt ? "storage (I/O-Optimized)" : "storage", FormatQuantity(gb) + " GB stored", gb,
        iopt ? "aurora.iopt.storage.gb_month" : "aurora.storage.gb_month");
    if (!iopt) {
      double io = assume_.Get("auroraIoMillionRequests");
      Add(id, r, "I/O requests", FormatQuantity(io) + " million", io, "aurora.io.million_requests");
    }
    if (reader_.Bool(Reader::Prop(r, "ManageMasterUserPassword")).value_or(false)) {
      Add(id, r, "master password secret (managed by RDS)", "1 secret", 1,
          "secretsmanager.secret.month");
    }
    // Backup storage up to the cluster's size is free, and so is a retention of one day:
    // what is billed is, roughly, the changed data kept for the days beyond the first.
    double days = reader_.Number(Reader::Prop(r, "BackupRetentionPeriod")).value_or(1);
    double change = assume_.Get("auroraBackupChangeGbPerDay");
    double billed_days = std::max(0.0, days - 1);
    Add(id, r, "backup storage",
        FormatQuantity(change) + " GB/day × " + FormatQuantity(billed_days) + " days (" +
            FormatQuantity(days) + " kept, 1 free)",
        change * billed_days, "aurora.backup.gb_month");
    CrossAzTraffic(id, r, assume_.Get("auroraTrafficGb"), "tasks ↔ Aurora");
  }

  // Traffic between the tasks and a database or cache node in another availability zone,
  // charged in each direction.
  void CrossAzTraffic(const std::string& id, const base::Json& r, double gb,
                      const std::string& between) {
    double share = assume_.Get("crossAzShare");
    Add(id, r, "cross-AZ traffic",
        FormatQuantity(gb) + " GB " + between + " × " + FormatQuantity(share) +
            " cross-AZ × 2 sides",
        gb * share * 2, "data_transfer.cross_az.gb");
  }

  // False when the nodes cannot be priced (listed as unpriced).
  bool CacheNodes(const std::string& id, const base::Json& r, double nodes,
                  const std::string& node_type) {
    if (node_type.empty()) {
      Unpriced(id, r, "CacheNodeType is not a literal");
      return false;
    }
    std::string key = "elasticache.node_hour." + node_type;
    if (prices_.Find(key) == nullptr) {
      Unpriced(id, r, "node type " + node_type + " is not in the price table");
      return false;
    }
    Add(id, r, node_type + " nodes",
        FormatQuantity(nodes) + (nodes == 1 ? " node × " : " nodes × ") + Hours(), nodes * hours_,
        key);
    return true;
  }

  void ReplicationGroup(const std::string& id, const base::Json& r) {
    double nodes = 1;
    if (auto n = reader_.Number(Reader::Prop(r, "NumCacheClusters"))) {
      nodes = *n;
    } else {
      double groups = reader_.Number(Reader::Prop(r, "NumNodeGroups")).value_or(1);
      double replicas = reader_.Number(Reader::Prop(r, "ReplicasPerNodeGroup")).value_or(0);
      nodes = groups * (replicas + 1);
    }
    if (CacheNodes(id, r, nodes, reader_.String(Reader::Prop(r, "CacheNodeType")).value_or(""))) {
      double groups = reader_.Number(Reader::Prop(r, "NumNodeGroups")).value_or(1);
      CacheExtras(id, r, groups);
    }
  }

  // Snapshot storage (one snapshot per shard is free, each further retained day is billed)
  // and the tasks' cross-AZ traffic to the cache.
  void CacheExtras(const std::string& id, const base::Json& r, double shards) {
    double days = reader_.Number(Reader::Prop(r, "SnapshotRetentionLimit")).value_or(0);
    double gb = assume_.Get("redisSnapshotGb");
    double billed = std::max(0.0, days - 1);
    Add(id, r, "snapshot storage",
        FormatQuantity(gb) + " GB × " + FormatQuantity(billed) + " snapshots" +
            (shards == 1 ? "" : " × " + FormatQuantity(shards) + " shards") + " (" +
            FormatQuantity(days) + " kept, 1 free)",
        gb * billed * shards, "elasticache.backup.gb_month");
    CrossAzTraffic(id, r, assume_.Get("redisTrafficGb"), "tasks ↔ cache");
  }

  void CacheCluster(const std::string& id, const base::Json& r) {
    double nodes = reader_.Number(Reader::Prop(r, "NumCacheNodes")).value_or(1);
    if (CacheNodes(id, r, nodes, reader_.String(Reader::Prop(r, "CacheNodeType")).value_or(""))) {
      CacheExtras(id, r, 1);
    }
  }

  struct TaskSize {
    double vcpu = 0;
    double gb = 0;
    double ephemeral_gb = 20;
    bool arm = false;
  };

  std::optional<TaskSize> SizeOf(const std::string& id, const base::Json& td) {
    auto cpu = reader_.Number(Reader::Prop(td, "Cpu"));
    auto memory = reader_.Number(Reader::Prop(td, "Memory"));
    if (!cpu || !memory) {
      report_.notes.push_back(id + ": task definition Cpu or Memory is not a literal; not priced");
      return std::nullopt;
    }
    TaskSize size{.vcpu = *cpu / 1024.0, .gb = *memory / 1024.0};
    if (const base::Json* platform = Reader::Prop(td, "RuntimePlatform");
        platform != nullptr && platform->is_object() && platform->contains("CpuArchitecture")) {
      size.arm = reader_.String(&(*platform)["CpuArchitecture"]).value_or("") == "ARM64";
    }
    if (const base::Json* storage = Reader::Prop(td, "EphemeralStorage");
        storage != nullptr && storage->is_object() && storage->contains("SizeInGiB")) {
      size.ephemeral_gb = reader_.Number(&(*storage)["SizeInGiB"]).value_or(20);
    }
    return size;
  }

  void AddTaskHours(const std::string& id, const base::Json& r, const TaskSize& size, double tasks,
                    double hours, const std::string& what) {
    std::string arch = size.arm ? "arm" : "x86";
    std::string count = FormatQuantity(tasks) + (tasks == 1 ? " task × " : " tasks × ") +
                        FormatQuantity(hours) + " h";
    Add(id, r, "Fargate vCPU" + what, count + " × " + FormatQuantity(size.vcpu) + " vCPU",
        tasks * hours * size.vcpu, "fargate." + arch + ".vcpu_hour");
    Add(id, r, "Fargate memory" + what, count + " × " + FormatQuantity(size.gb) + " GB",
        tasks * hours * size.gb, "fargate." + arch + ".gb_hour");
    if (size.ephemeral_gb > 20) {
      double extra = size.ephemeral_gb - 20;
      Add(id, r, "Fargate ephemeral storage" + what,
          count + " × " + FormatQuantity(extra) + " GB above 20", tasks * hours * extra,
          "fargate.ephemeral.gb_hour");
    }
  }

  // The MinCapacity of a scalable target that scales `service_id`, if any.
  std::optional<double> ScaledMinimum(const std::string& service_id) const {
    auto it = scalable_targets_.find(service_id);
    if (it == scalable_targets_.end()) return std::nullopt;
    return reader_.Number(Reader::Prop(*it->second, "MinCapacity"));
  }

  void EcsService(const std::string& id, const base::Json& r) {
    std::string launch = reader_.String(Reader::Prop(r, "LaunchType")).value_or("");
    const base::Json* strategy = Reader::Prop(r, "CapacityProviderStrategy");
    bool fargate = launch == "FARGATE";
    if (launch.empty() && strategy != nullptr && strategy->is_array()) {
      for (const auto& s : *strategy) {
        if (s.is_object() && s.contains("CapacityProvider")) {
          std::string provider = reader_.String(&s["CapacityProvider"]).value_or("");
          if (provider == "FARGATE" || provider == "FARGATE_SPOT") fargate = true;
          if (provider == "FARGATE_SPOT") {
            report_.notes.push_back(id + ": FARGATE_SPOT is priced at on-demand rates");
          }
        }
      }
    }
    if (!fargate) {
      return Unpriced(id, r, "not a Fargate service; EC2 capacity is not priced");
    }
    auto td_id = Reader::Target(Reader::Prop(r, "TaskDefinition"));
    const base::Json* td = td_id ? reader_.Resource(*td_id) : nullptr;
    if (td == nullptr) {
      return Unpriced(id, r, "its task definition is not in the template");
    }
    double tasks = 1;
    if (auto desired = reader_.Number(Reader::Prop(r, "DesiredCount"))) {
      tasks = *desired;
    } else if (auto minimum = ScaledMinimum(id)) {
      tasks = *minimum;
    } else {
      report_.notes.push_back(id + ": DesiredCount is not set or not a literal; assumed 1 task");
    }
    auto size = SizeOf(*td_id, *td);
    if (!size) return;
    AddTaskHours(id, r, *size, tasks, hours_, "");

    const base::Json* network = Reader::Prop(r, "NetworkConfiguration");
    if (network != nullptr && network->is_object() && network->contains("AwsvpcConfiguration")) {
      const base::Json& vpc = (*network)["AwsvpcConfiguration"];
      if (vpc.is_object() && vpc.contains("AssignPublicIp") &&
          reader_.String(&vpc["AssignPublicIp"]).value_or("") == "ENABLED") {
        Add(id, r, "public IPv4 addresses of tasks", FormatQuantity(tasks) + " × " + Hours(),
            tasks * hours_, "vpc.public_ipv4.hour");
      }
    }
    const base::Json* registries = Reader::Prop(r, "ServiceRegistries");
    if (registries != nullptr && registries->is_array() && !registries->empty()) {
      double instances = tasks * static_cast<double>(registries->size());
      Add(id, r, "Cloud Map instances",
          FormatQuantity(instances) + (instances == 1 ? " instance" : " instances"), instances,
          "cloudmap.instance.month");
    }
  }

  void OneOffTask(const std::string& id, const base::Json& r) {
    auto size = SizeOf(id, r);
    if (!size) return;
    std::string compat;
    if (const base::Json* c = Reader::Prop(r, "RequiresCompatibilities"); c != nullptr) {
      compat = c->dump();
    }
    if (compat.find("FARGATE") == std::string::npos) {
      return Free(id, r);
    }
    AddTaskHours(id, r, *size, 1, assume_.Get("oneOffTaskHours"), " (on demand)");
  }

  void EcsCluster(const std::string& id, const base::Json& r) {
    bool insights = false;
    if (const base::Json* settings = Reader::Prop(r, "ClusterSettings");
        settings != nullptr && settings->is_array()) {
      for (const auto& s : *settings) {
        if (!s.is_object() || !s.contains("Name") || !s.contains("Value")) continue;
        std::string name = reader_.String(&s["Name"]).value_or("");
        std::string value = reader_.String(&s["Value"]).value_or("");
        if (name == "containerInsights" && (value == "enabled" || value == "enhanced")) {
          insights = true;
        }
      }
    }
    if (!insights) {
      return Free(id, r);
    }
    double services = 0;
    if (auto it = services_per_cluster_.find(id); it != services_per_cluster_.end()) {
      services = it->second;
    }
    double per_cluster = assume_.Get("containerInsightsClusterMetrics");
    double per_service = assume_.Get("containerInsightsServiceMetrics");
    double metrics = per_cluster + per_service * services;
    Add(id, r, "Container Insights metrics",
        FormatQuantity(per_cluster) + " + " + FormatQuantity(per_service) + " × " +
            FormatQuantity(services) + " services",
        metrics, "cloudwatch.metric.month");
    double gb = assume_.Get("containerInsightsLogGb");
    Add(id, r, "Container Insights logs", FormatQuantity(gb) + " GB ingested", gb,
        "cloudwatch.logs.ingest_gb");
  }

  void NatGateway(const std::string& id, const base::Json& r) {
    Add(id, r, "NAT gateway", Hours(), hours_, "vpc.nat_gateway.hour");
    double gateways = std::max(nat_gateways_, 1.0);
    double gb = assume_.Get("natDataGb") / gateways;
    Add(id, r, "NAT data processed",
        FormatQuantity(gb) + " GB" + (gateways > 1 ? " (natDataGb shared)" : ""), gb,
        "vpc.nat_gateway.gb");
    // Subnets routed to a gateway in another AZ: with fewer gateways than routes through
    // them, (routes - gateways) of the routes cross (one gateway per AZ otherwise).
    if (nat_routes_ > gateways) {
      double share = (nat_routes_ - gateways) / nat_routes_;
      Add(id, r, "cross-AZ traffic",
          FormatQuantity(gb) + " GB × " + FormatQuantity(share) + " from other AZs × 2 sides",
          gb * share * 2, "data_transfer.cross_az.gb");
    }
  }

  void LoadBalancer(const std::string& id, const base::Json& r) {
    std::string type = reader_.String(Reader::Prop(r, "Type")).value_or("application");
    if (type != "application") {
      return Unpriced(id, r, type + " load balancers are not in the price table");
    }
    Add(id, r, "Application Load Balancer", Hours(), hours_, "elb.alb.hour");
    double lcu = assume_.Get("albLcu");
    Add(id, r, "load balancer capacity units", FormatQuantity(lcu) + " LCU × " + Hours(),
        lcu * hours_, "elb.alb.lcu_hour");
    std::string scheme = reader_.String(Reader::Prop(r, "Scheme")).value_or("internet-facing");
    if (scheme != "internet-facing") return;
    double addresses = 2;
    const base::Json* subnets = Reader::Prop(r, "Subnets");
    if (subnets == nullptr) subnets = Reader::Prop(r, "SubnetMappings");
    if (subnets != nullptr && subnets->is_array()) {
      addresses = static_cast<double>(subnets->size());
    } else {
      report_.notes.push_back(id +
                              ": subnets are not a literal list; assumed 2 (one public "
                              "IPv4 address per availability zone)");
    }
    Add(id, r, "public IPv4 (one per AZ)", FormatQuantity(addresses) + " × " + Hours(),
        addresses * hours_, "vpc.public_ipv4.hour");
    double out = assume_.Get("dataTransferOutGb") / std::max(public_load_balancers_, 1.0);
    Add(id, r, "data out to the internet",
        FormatQuantity(out) + " GB" +
            (public_load_balancers_ > 1 ? " (dataTransferOutGb shared)" : ""),
        out, "data_transfer.internet_out.gb");
  }

  void VpcEndpoint(const std::string& id, const base::Json& r) {
    std::string kind = reader_.String(Reader::Prop(r, "VpcEndpointType")).value_or("Gateway");
    if (kind != "Interface") {
      return Free(id, r);
    }
    double azs = 1;
    if (const base::Json* subnets = Reader::Prop(r, "SubnetIds");
        subnets != nullptr && subnets->is_array()) {
      azs = std::max(1.0, static_cast<double>(subnets->size()));
    }
    Add(id, r, "interface endpoint", FormatQuantity(azs) + " AZ × " + Hours(), azs * hours_,
        "vpc.interface_endpoint.hour");
  }

  void LogGroup(const std::string& id, const base::Json& r) {
    double gb = assume_.Get("logIngestGbPerGroup");
    Add(id, r, "log ingestion", FormatQuantity(gb) + " GB", gb, "cloudwatch.logs.ingest_gb");
    double months = 12;
    std::string kept = "12 months kept (no retention set)";
    if (auto days = reader_.Number(Reader::Prop(r, "RetentionInDays"))) {
      months = *days / 30.0;
      kept = FormatQuantity(*days) + " days kept";
    }
    Add(id, r, "log storage", FormatQuantity(gb) + " GB × " + kept, gb * months,
        "cloudwatch.logs.storage_gb_month");
  }

  void AmplifyBranch(const std::string& id, const base::Json& r) {
    double minutes = assume_.Get("amplifyBuildMinutes");
    bool auto_build = reader_.Bool(Reader::Prop(r, "EnableAutoBuild")).value_or(true);
    if (auto_build) {
      Add(id, r, "builds", FormatQuantity(minutes) + " build minutes", minutes,
          "amplify.build.minute");
    }
    double stored = assume_.Get("amplifyStorageGb");
    Add(id, r, "hosting storage", FormatQuantity(stored) + " GB", stored,
        "amplify.storage.gb_month");
    double served = assume_.Get("amplifyServedGb");
    Add(id, r, "data served", FormatQuantity(served) + " GB", served, "amplify.served.gb");
  }

  void WebAcl(const std::string& id, const base::Json& r) {
    Add(id, r, "web ACL", "1 web ACL", 1, "waf.web_acl.month");
    const base::Json* rules = Reader::Prop(r, "Rules");
    double count = rules != nullptr && rules->is_array() ? static_cast<double>(rules->size()) : 0;
    if (count > 0) {
      Add(id, r, "rules and managed rule groups",
          FormatQuantity(count) + (count == 1 ? " rule" : " rules"), count, "waf.rule.month");
    }
    double requests = assume_.Get("wafMillionRequests");
    Add(id, r, "requests inspected", FormatQuantity(requests) + " million", requests,
        "waf.million_requests");
  }

  void FillAssumptions() {
    for (const AssumptionSpec& spec : AssumptionSpecs()) {
      AssumptionUse use{.key = spec.key,
                        .value = "",
                        .unit = spec.unit,
                        .description = spec.description,
                        .overridden = assume_.IsSet(spec.key)};
      use.value = use.overridden || spec.default_text.empty()
                      ? FormatQuantity(assume_.Get(spec.key))
                      : spec.default_text;
      report_.assumptions.push_back(std::move(use));
    }
  }

  Reader reader_;
  const Assumptions& assume_;
  const PricingTable& prices_;
  double hours_ = 730;
  std::set<std::string> service_task_definitions_;
  std::map<std::string, double> services_per_cluster_;
  double nat_gateways_ = 0;
  double nat_routes_ = 0;             // AWS::EC2::Route with a NatGatewayId
  double public_load_balancers_ = 0;  // internet-facing application load balancers
  std::map<std::string, const base::Json*> scalable_targets_;  // scaled resource id → target
  Labels labels_;                                              // of the last resource with an item
  CostReport report_;
};

}  // namespace

const std::vector<AssumptionSpec>& AssumptionSpecs() {
  static const std::vector<AssumptionSpec> specs = {
      {"hoursPerMonth", 730, "", "h", "hours every always-on resource runs in a month"},
      {"auroraAverageAcu", 0.5, "the cluster's MinCapacity", "ACU",
       "average Aurora Serverless v2 capacity of each db.serverless instance"},
      {"auroraStorageGb", 10, "", "GB", "Aurora cluster storage"},
      {"auroraIoMillionRequests", 5, "", "million", "Aurora I/O requests (Standard storage)"},
      {"natDataGb", 10, "", "GB", "data through the NAT gateways, shared by all of them"},
      {"dataTransferOutGb", 10, "", "GB",
       "data sent to the internet through the internet-facing load balancers (the 100 GB a "
       "month AWS gives each account free is not subtracted)"},
      {"crossAzShare", 0.5, "", "",
       "share of the tasks' traffic to Aurora and the cache that crosses availability zones"},
      {"auroraTrafficGb", 20, "", "GB", "data exchanged between the tasks and Aurora"},
      {"redisTrafficGb", 10, "", "GB", "data exchanged between the tasks and the cache"},
      {"auroraBackupChangeGbPerDay", 0.5, "", "GB",
       "data changed a day that Aurora's backups keep for each retained day beyond the first"},
      {"redisSnapshotGb", 1, "", "GB",
       "size of one cache snapshot (one per shard is free; retained days beyond it are billed)"},
      {"albLcu", 0.5, "", "LCU", "average load balancer capacity units per hour"},
      {"logIngestGbPerGroup", 1, "", "GB", "logs ingested per log group"},
      {"containerInsightsClusterMetrics", 10, "", "metrics",
       "Container Insights metrics of a cluster"},
      {"containerInsightsServiceMetrics", 20, "", "metrics",
       "Container Insights metrics per service (service and task family dimensions)"},
      {"containerInsightsLogGb", 0.5, "", "GB", "Container Insights performance log events"},
      {"oneOffTaskHours", 1, "", "h",
       "hours a task definition without a service runs (migrations)"},
      {"ecrStorageGbPerRepository", 2, "", "GB", "images kept per ECR repository"},
      {"amplifyBuildMinutes", 100, "", "min", "Amplify build minutes per branch"},
      {"amplifyStorageGb", 1, "", "GB", "Amplify hosting storage per branch"},
      {"amplifyServedGb", 5, "", "GB", "Amplify data served per branch"},
      {"wafMillionRequests", 1, "", "million", "requests WAF inspects per web ACL"},
      {"route53MillionQueries", 1, "", "million", "standard queries per hosted zone"},
      {"snsMillionPublishes", 0, "", "million",
       "SNS publishes beyond the first million (free tier)"},
      {"s3StorageGbPerBucket", 1, "", "GB", "data stored per S3 bucket (S3 Standard)"},
      {"s3ThousandWritesPerBucket", 10, "", "thousand",
       "PUT, COPY, POST and LIST requests per S3 bucket"},
      {"s3ThousandReadsPerBucket", 100, "", "thousand", "GET requests per S3 bucket"},
      {"sqsMillionRequestsPerQueue", 0, "", "million",
       "SQS requests per queue beyond the account's first million (free tier)"},
      {"schedulerMillionInvocations", 0, "", "million",
       "EventBridge Scheduler invocations per schedule beyond the first 14 million (free tier)"},
      {"backupStorageGb", 10, "", "GB",
       "Aurora backup data an AWS Backup vault holds (warm storage), and each copy region again"},
      {"backupCopyGbPerMonth", 10, "", "GB",
       "backup data a copy action sends to its region a month (the first copy is the whole "
       "database, later ones what changed)"},
      {"cloudTrailPaidHundredThousandEvents", 0, "", "hundred thousand",
       "management events a trail records beyond the account's free first copy (0: the "
       "account has no other trail)"},
  };
  return specs;
}

base::Status Assumptions::Set(std::string_view key, double value) {
  const auto& specs = AssumptionSpecs();
  auto it = std::find_if(specs.begin(), specs.end(),
                         [&](const AssumptionSpec& s) { return s.key == key; });
  if (it == specs.end()) {
    std::vector<std::string> keys;
    for (const auto& s : specs) keys.push_back(s.key);
    std::string hint = base::ClosestMatch(key, keys);
    return base::InvalidArgument(
        "unknown cost assumption \"" + std::string(key) + "\"" +
        (hint.empty() ? "; \"rex cost\" lists the keys" : "; did you mean \"" + hint + "\"?"));
  }
  if (!std::isfinite(value) || value < 0) {
    return base::InvalidArgument("cost assumption " + std::string(key) +
                                 " must be a number of 0 or more");
  }
  overrides_[std::string(key)] = value;
  return base::Status::Ok();
}

base::Status Assumptions::SetFromText(std::string_view assignment) {
  size_t eq = assignment.find('=');
  if (eq == std::string_view::npos) {
    return base::InvalidArgument("--assume takes KEY=VALUE, got \"" + std::string(assignment) +
                                 "\"");
  }
  std::string key(assignment.substr(0, eq));
  std::string text(assignment.substr(eq + 1));
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size()) {
    return base::InvalidArgument("--assume " + key + ": \"" + text + "\" is not a number");
  }
  return Set(key, value);
}

double Assumptions::Get(std::string_view key) const {
  if (!overrides_.empty()) {
    if (auto it = overrides_.find(std::string(key)); it != overrides_.end()) return it->second;
  }
  for (const AssumptionSpec& spec : AssumptionSpecs()) {
    if (spec.key == key) return spec.default_value;
  }
  REX_CHECK(false && "unknown assumption key");
  return 0;
}

double CostReport::ComponentTotal(std::string_view component) const {
  double sum = 0;
  for (const CostItem& item : items) {
    if (item.component == component) sum += item.monthly;
  }
  return RoundCents(sum);
}

CostReport EstimateCost(const base::Json& tmpl, const Assumptions& assumptions,
                        const PricingTable& prices) {
  return Estimator(tmpl, assumptions, prices).Run();
}

CostReport EstimateCost(const base::Json& tmpl, const Assumptions& assumptions) {
  return EstimateCost(tmpl, assumptions, BuiltInPricing());
}

base::Json CostReportToJson(const CostReport& report) {
  base::Json items = base::Json::array();
  std::map<std::string, double> by_component;
  for (const CostItem& item : report.items) {
    items.push_back({{"component", item.component},
                     {"logicalId", item.logical_id},
                     {"label", ResourceLabel(item.path, item.logical_id)},
                     {"path", item.path},
                     {"type", item.type},
                     {"item", item.item},
                     {"basis", item.basis},
                     {"quantity", item.quantity},
                     {"unit", item.unit},
                     {"unitPrice", item.unit_price},
                     {"priceKey", item.price_key},
                     {"monthly", item.monthly}});
    by_component[item.component] += item.monthly;
  }
  base::Json components = base::Json::object();
  for (const auto& [name, sum] : by_component) components[name] = RoundCents(sum);
  base::Json assumptions = base::Json::array();
  for (const AssumptionUse& a : report.assumptions) {
    assumptions.push_back({{"key", a.key},
                           {"value", a.value},
                           {"unit", a.unit},
                           {"description", a.description},
                           {"overridden", a.overridden}});
  }
  return {{"region", report.region},
          {"currency", report.currency},
          {"pricingAsOf", report.pricing_as_of},
          {"total", report.total},
          {"items", items},
          {"byComponent", components},
          {"assumptions", assumptions},
          {"free", report.free},
          {"unpriced", report.unpriced},
          {"notes", report.notes}};
}

std::string ResourceLabel(std::string_view path, std::string_view logical_id) {
  size_t slash = path.find('/');
  if (slash == std::string_view::npos || slash + 1 == path.size()) return std::string(logical_id);
  return std::string(path.substr(slash + 1));
}

std::string FormatUsd(double usd) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.2f", std::fabs(usd));
  std::string digits = buffer;
  size_t dot = digits.find('.');
  std::string whole = digits.substr(0, dot);
  std::string grouped;
  for (size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) grouped += ',';
    grouped += whole[i];
  }
  return std::string(usd < -0.004 ? "-" : "") + "$" + grouped + digits.substr(dot);
}

std::string FormatUnitPrice(double usd) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.6f", usd);
  std::string text = buffer;
  while (text.back() == '0' && text.size() - text.find('.') > 3) text.pop_back();
  return "$" + text;
}

std::string FormatQuantity(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.3f", value);
  std::string text = buffer;
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  if (text == "-0") text = "0";
  return text;
}

}  // namespace rex::tmpl
