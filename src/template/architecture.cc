#include "template/architecture.h"

#include <algorithm>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>
#include <utility>

#include "base/strings.h"
#include "template/graph.h"

namespace rex::tmpl {
namespace {

std::string StringOf(const base::Json* value) {
  return value != nullptr && value->is_string() ? value->get<std::string>() : "";
}

// The items of `value` when it is an array; nothing otherwise.
std::vector<const base::Json*> Items(const base::Json* value) {
  std::vector<const base::Json*> out;
  if (value == nullptr || !value->is_array()) return out;
  for (const base::Json& item : *value) out.push_back(&item);
  return out;
}

// A policy document's statements: a list, or a single object.
std::vector<const base::Json*> Statements(const base::Json* document) {
  const base::Json* statement = Member(document, "Statement");
  if (statement != nullptr && statement->is_object()) return {statement};
  return Items(statement);
}

// The strings of `value` when it is a string or a list of strings.
std::vector<std::string> Strings(const base::Json* value) {
  std::vector<std::string> out;
  if (value == nullptr) return out;
  if (value->is_string()) out.push_back(value->get<std::string>());
  for (const base::Json* item : Items(value)) {
    if (item->is_string()) out.push_back(item->get<std::string>());
  }
  return out;
}

// Every literal string anywhere inside `value`.
void CollectStrings(const base::Json& value, std::vector<std::string>& out) {
  if (value.is_string()) {
    out.push_back(value.get<std::string>());
  } else if (value.is_array() || value.is_object()) {
    for (const auto& [key, item] : value.items()) CollectStrings(item, out);
  }
}

// What an IAM action lets a workload do to a queue or bucket, or "" for nothing we name.
std::string Verb(std::string_view action) {
  std::string lower;
  for (char c : action) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (lower == "*" || base::EndsWith(lower, ":*")) return "all";
  if (base::StartsWith(lower, "sqs:")) {
    if (base::StartsWith(lower, "sqs:sendmessage")) return "send";
    if (lower == "sqs:receivemessage" || lower == "sqs:deletemessage") return "receive";
    return "";
  }
  if (base::StartsWith(lower, "s3:")) {
    if (base::StartsWith(lower, "s3:get") || base::StartsWith(lower, "s3:list")) return "read";
    if (base::StartsWith(lower, "s3:put") || base::StartsWith(lower, "s3:delete") ||
        lower == "s3:abortmultipartupload") {
      return "write";
    }
  }
  return "";
}

// Verbs in a fixed order, so labels read the same every time.
std::string JoinVerbs(const std::set<std::string>& verbs) {
  std::vector<std::string> out;
  for (const char* verb : {"all", "read", "write", "send", "receive"}) {
    if (verbs.contains(verb)) out.push_back(verb);
  }
  return out.empty() ? "access" : base::Join(out, ", ");
}

std::string PortLabel(const base::Json& rule) {
  std::string protocol = StringOf(Member(rule, "IpProtocol"));
  if (protocol == "-1") return "all traffic";
  const base::Json* from = Member(rule, "FromPort");
  const base::Json* to = Member(rule, "ToPort");
  if (from == nullptr || !from->is_number_integer()) return protocol;
  std::string ports = std::to_string(from->get<long long>());
  if (to != nullptr && to->is_number_integer() && to->get<long long>() != from->get<long long>()) {
    ports += "-" + std::to_string(to->get<long long>());
  }
  return (protocol.empty() ? "tcp" : protocol) + " " + ports;
}

std::string EngineName(std::string_view engine, std::string_view fallback) {
  static const std::map<std::string, std::string, std::less<>> kNames = {
      {"aurora", "Aurora MySQL"},
      {"aurora-mysql", "Aurora MySQL"},
      {"aurora-postgresql", "Aurora PostgreSQL"},
      {"postgres", "PostgreSQL"},
      {"mysql", "MySQL"},
      {"mariadb", "MariaDB"},
      {"redis", "Redis"},
      {"valkey", "Valkey"},
      {"memcached", "Memcached"}};
  if (engine.empty()) return std::string(fallback);
  auto it = kNames.find(engine);
  return it == kNames.end() ? std::string(engine) : it->second;
}

class Builder {
 public:
  Builder(const base::Json& tmpl, std::string_view title) : title_(title) {
    const base::Json* resources = Member(tmpl, "Resources");
    if (resources == nullptr || !resources->is_object()) return;
    for (const auto& [id, resource] : resources->items()) {
      resources_[id] = &resource;
      std::string type = StringOf(Member(resource, "Type"));
      by_type_[type].push_back(id);
    }
  }

  Architecture Build() {
    IndexNetwork();
    AddLoadBalancers();
    AddServices();
    AddJobs();
    AddDatabases();
    AddCaches();
    AddQueues();
    AddBuckets();
    AddFrontends();
    ClaimAccessPolicies();
    AddVpcs();
    PlaceInVpcs();
    PlaceInTiers();
    LinkTraffic();
    LinkNetwork();
    LinkIam();
    return Finish();
  }

 private:
  struct Workload {
    std::string component;
    std::string task_definition;
    std::set<std::string> security_groups;
  };

  const base::Json* Resource(const std::string& id) const {
    auto it = resources_.find(id);
    return it == resources_.end() ? nullptr : it->second;
  }
  const base::Json* Props(const std::string& id) const {
    return Member(Resource(id), "Properties");
  }
  std::string TypeOf(const std::string& id) const { return StringOf(Member(Resource(id), "Type")); }
  const std::vector<std::string>& OfType(const std::string& type) const {
    static const std::vector<std::string> kNone;
    auto it = by_type_.find(type);
    return it == by_type_.end() ? kNone : it->second;
  }
  // The resources `value` refers to, optionally only those of `type`.
  std::vector<std::string> Refs(const base::Json* value, std::string_view type = "") const {
    std::vector<std::string> out;
    if (value == nullptr) return out;
    for (const std::string& id : ReferencedIds(*value)) {
      if (resources_.contains(id) && (type.empty() || TypeOf(id) == type)) out.push_back(id);
    }
    return out;
  }
  bool RefersTo(const base::Json* value, const std::string& id) const {
    return value != nullptr && ReferencedIds(*value).contains(id);
  }

  Component& Add(const std::string& id, ComponentKind kind, std::string name, std::string detail) {
    Component& c = components_[id];
    c.id = id;
    c.kind = kind;
    c.name = std::move(name);
    c.detail = std::move(detail);
    Claim(id, id);
    return c;
  }
  // `resource` belongs to `owner` unless something claimed it first.
  void Claim(const std::string& owner, const std::string& resource) {
    if (resources_.contains(resource)) owner_.emplace(resource, owner);
  }
  bool Owned(const std::string& resource) const { return owner_.contains(resource); }

  // A name from a literal property ("rex-backend-dev-frontend" -> "frontend"), else from the
  // construct path (its last part other than "Resource"), else the logical id.
  std::string NameOf(const std::string& id, std::string_view name_property) const {
    std::string literal = StringOf(Member(Props(id), name_property));
    if (!literal.empty()) {
      std::string prefix = title_ + "-";
      if (!title_.empty() && base::StartsWith(literal, prefix) && literal.size() > prefix.size()) {
        return literal.substr(prefix.size());
      }
      return literal;
    }
    std::vector<std::string> parts = base::Split(ResourcePath(*Resource(id)), '/');
    while (!parts.empty() && (parts.back() == "Resource" || parts.back().empty())) {
      parts.pop_back();
    }
    if (parts.size() >= 2) return parts.back();
    return id;
  }

  // The essential container of a task definition (the first one when none says), or nullptr.
  const base::Json* EssentialContainer(const std::string& task_definition) const {
    const base::Json* first = nullptr;
    for (const base::Json* c : Items(Member(Props(task_definition), "ContainerDefinitions"))) {
      if (first == nullptr) first = c;
      const base::Json* essential = Member(c, "Essential");
      if (essential != nullptr && essential->is_boolean() && essential->get<bool>()) return c;
    }
    return first;
  }

  // The task definition's role, log groups and image repositories belong to `owner`.
  void ClaimTaskDefinition(const std::string& owner, const std::string& task_definition) {
    Claim(owner, task_definition);
    const base::Json* props = Props(task_definition);
    for (const std::string& role : Refs(Member(props, "TaskRoleArn"), "AWS::IAM::Role")) {
      Claim(owner, role);
      task_roles_[role].push_back(owner);
    }
    for (const base::Json* c : Items(Member(props, "ContainerDefinitions"))) {
      for (const std::string& id : Refs(Member(c, "LogConfiguration"), "AWS::Logs::LogGroup")) {
        Claim(owner, id);
      }
      for (const std::string& id : Refs(Member(c, "Image"), "AWS::ECR::Repository")) {
        Claim(owner, id);
      }
    }
  }

  void IndexNetwork() {
    for (const char* type : {"AWS::EC2::Subnet", "AWS::EC2::SecurityGroup"}) {
      for (const std::string& id : OfType(type)) {
        std::vector<std::string> vpcs = Refs(Member(Props(id), "VpcId"), "AWS::EC2::VPC");
        if (!vpcs.empty()) vpc_of_[id] = vpcs.front();
      }
    }
    for (const std::string& sg : OfType("AWS::EC2::SecurityGroup")) {
      for (const base::Json* rule : Items(Member(Props(sg), "SecurityGroupIngress"))) {
        for (const std::string& source :
             Refs(Member(rule, "SourceSecurityGroupId"), "AWS::EC2::SecurityGroup")) {
          ingress_[sg].emplace_back(source, PortLabel(*rule));
        }
      }
    }
    for (const std::string& id : OfType("AWS::EC2::SecurityGroupIngress")) {
      const base::Json* props = Props(id);
      for (const std::string& target : Refs(Member(props, "GroupId"), "AWS::EC2::SecurityGroup")) {
        for (const std::string& source :
             Refs(Member(props, "SourceSecurityGroupId"), "AWS::EC2::SecurityGroup")) {
          if (props != nullptr) ingress_[target].emplace_back(source, PortLabel(*props));
        }
      }
    }
  }

  void AddLoadBalancers() {
    for (const std::string& lb : OfType("AWS::ElasticLoadBalancingV2::LoadBalancer")) {
      const base::Json* props = Props(lb);
      std::string type = StringOf(Member(props, "Type"));
      std::string name = type == "network" ? "NLB" : type == "gateway" ? "GWLB" : "ALB";
      bool internal = StringOf(Member(props, "Scheme")) == "internal";
      Add(lb, ComponentKind::kLoadBalancer, name,
          internal ? "internal load balancer" : "internet-facing load balancer");
      if (!internal) internet_facing_.insert(lb);
      for (const std::string& sg :
           Refs(Member(props, "SecurityGroups"), "AWS::EC2::SecurityGroup")) {
        Claim(lb, sg);
      }
      for (const std::string& listener : OfType("AWS::ElasticLoadBalancingV2::Listener")) {
        if (!RefersTo(Member(Props(listener), "LoadBalancerArn"), lb)) continue;
        Claim(lb, listener);
        listener_lb_[listener] = lb;
      }
      for (const char* type_name : {"AWS::ElasticLoadBalancingV2::ListenerRule",
                                    "AWS::ElasticLoadBalancingV2::ListenerCertificate"}) {
        for (const std::string& id : OfType(type_name)) {
          for (const std::string& listener : Refs(Member(Props(id), "ListenerArn"))) {
            if (listener_lb_.contains(listener)) Claim(lb, id);
          }
        }
      }
    }
  }

  void AddServices() {
    for (const std::string& id : OfType("AWS::ECS::Service")) {
      const base::Json* props = Props(id);
      std::vector<std::string> tds =
          Refs(Member(props, "TaskDefinition"), "AWS::ECS::TaskDefinition");
      std::string td = tds.empty() ? "" : tds.front();
      std::string name;
      for (const base::Json* lb : Items(Member(props, "LoadBalancers"))) {
        if (name.empty()) name = StringOf(Member(lb, "ContainerName"));
      }
      if (name.empty() && !td.empty()) name = StringOf(Member(EssentialContainer(td), "Name"));
      if (name.empty()) name = id;
      std::string launch = StringOf(Member(props, "LaunchType"));
      Add(id, ComponentKind::kService, name,
          launch == "FARGATE" ? "Fargate service"
                              : (launch.empty() ? "ECS service" : launch + " service"));
      if (!td.empty()) {
        ClaimTaskDefinition(id, td);
        run_by_service_.insert(td);
      }
      for (const std::string& tg :
           Refs(Member(props, "LoadBalancers"), "AWS::ElasticLoadBalancingV2::TargetGroup")) {
        Claim(id, tg);
        target_group_service_[tg].push_back(id);
      }
      for (const std::string& discovery :
           Refs(Member(props, "ServiceRegistries"), "AWS::ServiceDiscovery::Service")) {
        Claim(id, discovery);
        discovery_service_[discovery] = id;
      }
      Workload w{.component = id, .task_definition = td, .security_groups = {}};
      for (const std::string& sg :
           Refs(Member(props, "NetworkConfiguration"), "AWS::EC2::SecurityGroup")) {
        w.security_groups.insert(sg);
      }
      workloads_.push_back(std::move(w));
    }
  }

  void AddJobs() {
    for (const std::string& td : OfType("AWS::ECS::TaskDefinition")) {
      if (run_by_service_.contains(td)) continue;
      std::string name = StringOf(Member(EssentialContainer(td), "Name"));
      Workload w{.component = td, .task_definition = td, .security_groups = {}};
      std::vector<std::string> schedules;
      std::string expression;
      // EventBridge Scheduler: Target.EcsParameters.TaskDefinitionArn; EventBridge rules:
      // Targets[].EcsParameters.TaskDefinitionArn.
      auto consider = [&](const std::string& id, const base::Json* target) {
        if (!RefersTo(Member(Member(target, "EcsParameters"), "TaskDefinitionArn"), td)) return;
        schedules.push_back(id);
        if (expression.empty()) expression = StringOf(Member(Props(id), "ScheduleExpression"));
        for (const std::string& sg :
             Refs(Member(Member(target, "EcsParameters"), "NetworkConfiguration"),
                  "AWS::EC2::SecurityGroup")) {
          w.security_groups.insert(sg);
        }
        for (const std::string& role : Refs(Member(target, "RoleArn"), "AWS::IAM::Role")) {
          schedule_roles_.emplace_back(td, role);
        }
      };
      for (const std::string& id : OfType("AWS::Scheduler::Schedule")) {
        consider(id, Member(Props(id), "Target"));
      }
      for (const std::string& id : OfType("AWS::Events::Rule")) {
        for (const base::Json* target : Items(Member(Props(id), "Targets"))) consider(id, target);
      }
      std::string detail = schedules.empty()    ? "one-off task"
                           : expression.empty() ? "scheduled task"
                                                : "scheduled " + expression;
      Add(td, ComponentKind::kJob, name.empty() ? td : name, detail);
      ClaimTaskDefinition(td, td);
      for (const std::string& s : schedules) Claim(td, s);
      workloads_.push_back(std::move(w));
    }
    for (const auto& [td, role] : schedule_roles_) Claim(td, role);
  }

  void ClaimSecurityGroups(const std::string& owner, const base::Json* value) {
    for (const std::string& sg : Refs(value, "AWS::EC2::SecurityGroup")) {
      Claim(owner, sg);
      store_groups_[owner].insert(sg);
    }
  }

  void AddDatabases() {
    auto claim_common = [&](const std::string& owner, const std::string& id) {
      const base::Json* props = Props(id);
      for (const char* key : {"DBSubnetGroupName", "DBClusterParameterGroupName",
                              "DBParameterGroupName", "OptionGroupName"}) {
        for (const std::string& ref : Refs(Member(props, key))) Claim(owner, ref);
      }
      ClaimSecurityGroups(owner, Member(props, "VpcSecurityGroupIds"));
      ClaimSecurityGroups(owner, Member(props, "VPCSecurityGroups"));
      // The secrets its master credentials come from ({{resolve:secretsmanager:...}}).
      for (const std::string& ref : Refs(props, "AWS::SecretsManager::Secret")) {
        Claim(owner, ref);
      }
      for (const std::string& a : OfType("AWS::SecretsManager::SecretTargetAttachment")) {
        if (!RefersTo(Member(Props(a), "TargetId"), id)) continue;
        Claim(owner, a);
        for (const std::string& s : Refs(Member(Props(a), "SecretId"))) Claim(owner, s);
      }
    };
    for (const std::string& id : OfType("AWS::RDS::DBCluster")) {
      const base::Json* props = Props(id);
      std::string detail = "RDS cluster";
      if (Member(props, "ServerlessV2ScalingConfiguration") != nullptr) detail += ", serverless v2";
      Add(id, ComponentKind::kDatabase, EngineName(StringOf(Member(props, "Engine")), "database"),
          detail);
      claim_common(id, id);
      for (const std::string& instance : OfType("AWS::RDS::DBInstance")) {
        if (!RefersTo(Member(Props(instance), "DBClusterIdentifier"), id)) continue;
        Claim(id, instance);
        claim_common(id, instance);
      }
    }
    for (const std::string& id : OfType("AWS::RDS::DBInstance")) {
      if (Owned(id)) continue;
      Add(id, ComponentKind::kDatabase,
          EngineName(StringOf(Member(Props(id), "Engine")), "database"), "RDS instance");
      claim_common(id, id);
    }
  }

  void AddCaches() {
    auto claim_common = [&](const std::string& owner, const std::string& id) {
      const base::Json* props = Props(id);
      for (const char* key : {"CacheSubnetGroupName", "CacheParameterGroupName", "SubnetIds"}) {
        for (const std::string& ref : Refs(Member(props, key))) {
          if (TypeOf(ref) != "AWS::EC2::Subnet") Claim(owner, ref);
        }
      }
      ClaimSecurityGroups(owner, Member(props, "SecurityGroupIds"));
      ClaimSecurityGroups(owner, Member(props, "VpcSecurityGroupIds"));
    };
    for (const std::string& id : OfType("AWS::ElastiCache::ReplicationGroup")) {
      Add(id, ComponentKind::kCache, EngineName(StringOf(Member(Props(id), "Engine")), "Redis"),
          "ElastiCache");
      claim_common(id, id);
      for (const std::string& c : OfType("AWS::ElastiCache::CacheCluster")) {
        if (RefersTo(Member(Props(c), "ReplicationGroupId"), id)) Claim(id, c);
      }
    }
    for (const std::string& id : OfType("AWS::ElastiCache::ServerlessCache")) {
      Add(id, ComponentKind::kCache, EngineName(StringOf(Member(Props(id), "Engine")), "cache"),
          "ElastiCache serverless");
      claim_common(id, id);
    }
    for (const std::string& id : OfType("AWS::ElastiCache::CacheCluster")) {
      if (Owned(id)) continue;
      Add(id, ComponentKind::kCache, EngineName(StringOf(Member(Props(id), "Engine")), "cache"),
          "ElastiCache");
      claim_common(id, id);
    }
  }

  void AddQueues() {
    std::map<std::string, std::vector<std::string>> dead_letter;  // queue -> its DLQs
    std::set<std::string> is_dead_letter;
    for (const std::string& id : OfType("AWS::SQS::Queue")) {
      for (const std::string& dlq : Refs(Member(Props(id), "RedrivePolicy"), "AWS::SQS::Queue")) {
        if (dlq == id) continue;
        dead_letter[id].push_back(dlq);
        is_dead_letter.insert(dlq);
      }
    }
    for (const std::string& id : OfType("AWS::SQS::Queue")) {
      // A dead-letter queue is drawn with the queue it serves.
      if (is_dead_letter.contains(id) && !dead_letter.contains(id)) continue;
      std::string detail = dead_letter.contains(id) ? "SQS queue + dead-letter queue" : "SQS queue";
      Add(id, ComponentKind::kQueue, NameOf(id, "QueueName"), detail);
      for (const std::string& dlq : dead_letter[id]) Claim(id, dlq);
    }
    for (const std::string& policy : OfType("AWS::SQS::QueuePolicy")) {
      for (const std::string& q : Refs(Member(Props(policy), "Queues"), "AWS::SQS::Queue")) {
        auto it = owner_.find(q);
        if (it != owner_.end()) Claim(it->second, policy);
      }
    }
  }

  void AddBuckets() {
    for (const std::string& id : OfType("AWS::S3::Bucket")) {
      Add(id, ComponentKind::kBucket, NameOf(id, "BucketName"), "S3 bucket");
    }
    for (const std::string& policy : OfType("AWS::S3::BucketPolicy")) {
      for (const std::string& b : Refs(Member(Props(policy), "Bucket"), "AWS::S3::Bucket")) {
        Claim(b, policy);
      }
    }
  }

  void AddFrontends() {
    for (const std::string& id : OfType("AWS::Amplify::App")) {
      Add(id, ComponentKind::kFrontend, NameOf(id, "Name"), "Amplify app");
      for (const char* type : {"AWS::Amplify::Branch", "AWS::Amplify::Domain"}) {
        for (const std::string& child : OfType(type)) {
          if (RefersTo(Member(Props(child), "AppId"), id)) Claim(id, child);
        }
      }
    }
  }

  // The queue or bucket component `resource` belongs to, or "".
  std::string AccessTarget(const std::string& resource) const {
    auto it = owner_.find(resource);
    if (it == owner_.end()) return "";
    auto c = components_.find(it->second);
    if (c == components_.end()) return "";
    return c->second.kind == ComponentKind::kQueue || c->second.kind == ComponentKind::kBucket
               ? c->first
               : "";
  }

  // A policy granting access to a queue or bucket belongs to it.
  void ClaimAccessPolicies() {
    for (const char* type : {"AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"}) {
      for (const std::string& policy : OfType(type)) {
        if (Owned(policy)) continue;
        for (const std::string& ref : Refs(Member(Props(policy), "PolicyDocument"))) {
          std::string target = AccessTarget(ref);
          if (!target.empty()) {
            Claim(target, policy);
            break;
          }
        }
      }
    }
  }

  void AddVpcs() {
    for (const std::string& vpc : OfType("AWS::EC2::VPC")) {
      VpcFrame frame;
      frame.id = vpc;
      std::string cidr = StringOf(Member(Props(vpc), "CidrBlock"));
      frame.label = cidr.empty() ? "VPC" : "VPC " + cidr;
      frames_[vpc] = frame;
      Claim(vpc, vpc);
    }
    // What refers to the VPC directly, then (three rounds) the network resources that refer to
    // those or that those refer to.
    static const std::set<std::string, std::less<>> kDirect = {
        "AWS::EC2::Subnet",
        "AWS::EC2::RouteTable",
        "AWS::EC2::SecurityGroup",
        "AWS::EC2::VPCEndpoint",
        "AWS::EC2::VPCGatewayAttachment",
        "AWS::EC2::NetworkAcl",
        "AWS::EC2::VPCCidrBlock",
        "AWS::ServiceDiscovery::PrivateDnsNamespace"};
    static const std::set<std::string, std::less<>> kReferring = {
        "AWS::EC2::Route",
        "AWS::EC2::SubnetRouteTableAssociation",
        "AWS::EC2::NatGateway",
        "AWS::EC2::NetworkAclEntry",
        "AWS::EC2::SubnetNetworkAclAssociation",
        "AWS::EC2::VPCEndpoint"};
    static const std::set<std::string, std::less<>> kReferred = {
        "AWS::EC2::InternetGateway", "AWS::EC2::EIP", "AWS::EC2::EgressOnlyInternetGateway"};
    for (const auto& [id, resource] : resources_) {
      if (Owned(id) || !kDirect.contains(TypeOf(id))) continue;
      for (const std::string& vpc : Refs(Member(resource, "Properties"), "AWS::EC2::VPC")) {
        Claim(vpc, id);
      }
    }
    for (int round = 0; round < 3; ++round) {
      for (const auto& [id, resource] : resources_) {
        std::string type = TypeOf(id);
        auto owner = owner_.find(id);
        bool in_vpc = owner != owner_.end() && frames_.contains(owner->second);
        if (!Owned(id) && kReferring.contains(type)) {
          for (const std::string& ref : Refs(Member(resource, "Properties"))) {
            auto it = owner_.find(ref);
            if (it != owner_.end() && frames_.contains(it->second)) {
              Claim(it->second, id);
              break;
            }
          }
        }
        if (in_vpc) {
          for (const std::string& ref : Refs(Member(resource, "Properties"))) {
            if (!Owned(ref) && kReferred.contains(TypeOf(ref))) Claim(owner->second, ref);
          }
        }
      }
    }
  }

  // The VPC that the subnets or security groups `value` refers to (directly, or through a
  // subnet group) belong to; "" when none.
  std::string VpcOf(const base::Json* value) const {
    std::vector<std::string> refs = Refs(value);
    for (const std::string& ref : refs) {
      if (auto it = vpc_of_.find(ref); it != vpc_of_.end()) return it->second;
    }
    for (const std::string& ref : refs) {
      for (const std::string& inner : Refs(Props(ref))) {
        if (auto it = vpc_of_.find(inner); it != vpc_of_.end()) return it->second;
      }
    }
    return "";
  }

  void PlaceInVpcs() {
    for (auto& [id, c] : components_) {
      switch (c.kind) {
        case ComponentKind::kLoadBalancer:
        case ComponentKind::kService:
        case ComponentKind::kDatabase:
        case ComponentKind::kCache:
          c.vpc = VpcOf(Props(id));
          break;
        case ComponentKind::kJob: {
          // Where its schedule runs it; a job rex runs by hand (rex run) runs in the stack's
          // private subnets, so in the stack's one VPC.
          for (const auto& [owned, owner] : owner_) {
            if (owner != id || owned == id || !c.vpc.empty()) continue;
            std::string type = TypeOf(owned);
            if (type == "AWS::Scheduler::Schedule" || type == "AWS::Events::Rule") {
              c.vpc = VpcOf(Props(owned));
            }
          }
          if (c.vpc.empty() && frames_.size() == 1) c.vpc = frames_.begin()->first;
          break;
        }
        default:
          break;
      }
    }
  }

  // The tier of each subnet: by the routes of its route table, else by MapPublicIpOnLaunch.
  std::map<std::string, std::string> SubnetTiers() const {
    std::map<std::string, std::string> table_tier;  // route table -> tier
    for (const std::string& route : OfType("AWS::EC2::Route")) {
      const base::Json* props = Props(route);
      std::string tier;
      if (!Refs(Member(props, "GatewayId"), "AWS::EC2::InternetGateway").empty()) tier = "public";
      if (!Refs(Member(props, "NatGatewayId"), "AWS::EC2::NatGateway").empty()) tier = "private";
      if (tier.empty()) continue;
      for (const std::string& table : Refs(Member(props, "RouteTableId"), "AWS::EC2::RouteTable")) {
        std::string& t = table_tier[table];
        if (t != "public") t = tier;  // a route to the internet gateway makes it public
      }
    }
    std::map<std::string, std::string> out;
    for (const std::string& subnet : OfType("AWS::EC2::Subnet")) {
      const base::Json* map_public = Member(Props(subnet), "MapPublicIpOnLaunch");
      out[subnet] = map_public != nullptr && map_public->is_boolean() && map_public->get<bool>()
                        ? "public"
                        : "isolated";
    }
    for (const std::string& a : OfType("AWS::EC2::SubnetRouteTableAssociation")) {
      const base::Json* props = Props(a);
      for (const std::string& table : Refs(Member(props, "RouteTableId"), "AWS::EC2::RouteTable")) {
        auto tier = table_tier.find(table);
        if (tier == table_tier.end()) continue;
        for (const std::string& subnet : Refs(Member(props, "SubnetId"), "AWS::EC2::Subnet")) {
          out[subnet] = tier->second;
        }
      }
    }
    return out;
  }

  // The one tier of the subnets `value` refers to (directly or through a subnet group), or "".
  static std::string TierOf(const std::set<std::string>& tiers) {
    return tiers.size() == 1 ? *tiers.begin() : "";
  }
  void CollectTiers(const base::Json* value, const std::map<std::string, std::string>& subnet_tier,
                    std::set<std::string>& tiers, int depth) const {
    for (const std::string& ref : Refs(value)) {
      if (auto it = subnet_tier.find(ref); it != subnet_tier.end()) {
        tiers.insert(it->second);
      } else if (depth > 0 && TypeOf(ref) != "AWS::EC2::VPC" &&
                 TypeOf(ref) != "AWS::EC2::SecurityGroup") {
        CollectTiers(Props(ref), subnet_tier, tiers, depth - 1);
      }
    }
  }

  void PlaceInTiers() {
    std::map<std::string, std::string> subnet_tier = SubnetTiers();
    for (auto& [id, c] : components_) {
      if (c.vpc.empty()) continue;
      std::set<std::string> tiers;
      if (c.kind == ComponentKind::kJob) {
        for (const auto& [owned, owner] : owner_) {
          std::string type = TypeOf(owned);
          if (owner == id && (type == "AWS::Scheduler::Schedule" || type == "AWS::Events::Rule")) {
            CollectTiers(Props(owned), subnet_tier, tiers, 0);
          }
        }
      } else {
        // Subnets are named directly (services, load balancers) or by a subnet group.
        const base::Json* props = Props(id);
        for (const char* key : {"Subnets", "NetworkConfiguration", "SubnetMappings"}) {
          CollectTiers(Member(props, key), subnet_tier, tiers, 0);
        }
        for (const char* key : {"DBSubnetGroupName", "CacheSubnetGroupName", "SubnetIds"}) {
          CollectTiers(Member(props, key), subnet_tier, tiers, 1);
        }
      }
      c.tier = TierOf(tiers);
    }
  }

  void AddLink(const std::string& from, const std::string& to, LinkKind kind,
               const std::string& label) {
    if (from == to) return;
    std::set<std::string>& labels = links_[{from, to, kind}];
    if (!label.empty()) labels.insert(label);
  }

  static std::string RuleLabel(const base::Json* rule) {
    std::vector<std::string> parts;
    for (const base::Json* condition : Items(Member(rule, "Conditions"))) {
      std::string field = StringOf(Member(condition, "Field"));
      std::vector<std::string> values = Strings(Member(condition, "Values"));
      for (const char* config : {"PathPatternConfig", "HostHeaderConfig"}) {
        for (const std::string& v : Strings(Member(Member(condition, config), "Values"))) {
          values.push_back(v);
        }
      }
      if (field == "path-pattern" || field == "host-header") {
        for (std::string& v : values) parts.push_back(std::move(v));
      }
    }
    return parts.empty() ? "rule" : base::Join(parts, " ");
  }

  void LinkTraffic() {
    for (const std::string& lb : internet_facing_) {
      std::set<std::string> ports;
      for (const auto& [listener, owner] : listener_lb_) {
        if (owner != lb) continue;
        const base::Json* props = Props(listener);
        std::string protocol = StringOf(Member(props, "Protocol"));
        const base::Json* port = Member(props, "Port");
        std::string label = protocol.empty() ? "" : protocol;
        if (port != nullptr && port->is_number_integer()) {
          label += (label.empty() ? ":" : " :") + std::to_string(port->get<long long>());
        }
        if (!label.empty()) ports.insert(label);
      }
      AddLink(std::string(kInternetId), lb, LinkKind::kTraffic,
              base::Join(std::vector<std::string>(ports.begin(), ports.end()), ", "));
    }
    for (const std::string& app : OfType("AWS::Amplify::App")) {
      AddLink(std::string(kInternetId), app, LinkKind::kTraffic, "HTTPS");
    }
    auto forward = [&](const std::string& lb, const base::Json* actions, const std::string& label) {
      for (const std::string& tg : Refs(actions, "AWS::ElasticLoadBalancingV2::TargetGroup")) {
        auto it = target_group_service_.find(tg);
        if (it == target_group_service_.end()) continue;
        for (const std::string& service : it->second) {
          AddLink(lb, service, LinkKind::kTraffic, label);
        }
      }
    };
    for (const auto& [listener, lb] : listener_lb_) {
      forward(lb, Member(Props(listener), "DefaultActions"), "default");
    }
    for (const std::string& rule : OfType("AWS::ElasticLoadBalancingV2::ListenerRule")) {
      for (const std::string& listener : Refs(Member(Props(rule), "ListenerArn"))) {
        auto it = listener_lb_.find(listener);
        if (it != listener_lb_.end()) {
          forward(it->second, Member(Props(rule), "Actions"), RuleLabel(Props(rule)));
        }
      }
    }
  }

  void LinkNetwork() {
    // Stores admitted by security group rules, or referred to by the task definition.
    for (const Workload& w : workloads_) {
      for (const auto& [store, groups] : store_groups_) {
        for (const std::string& sg : groups) {
          auto rules = ingress_.find(sg);
          if (rules == ingress_.end()) continue;
          for (const auto& [source, port] : rules->second) {
            if (w.security_groups.contains(source)) {
              AddLink(w.component, store, LinkKind::kNetwork, port);
            }
          }
        }
      }
      if (w.task_definition.empty()) continue;
      for (const std::string& ref : Refs(Props(w.task_definition))) {
        auto owner = owner_.find(ref);
        if (owner == owner_.end()) continue;
        auto c = components_.find(owner->second);
        if (c == components_.end()) continue;
        if (c->second.kind == ComponentKind::kDatabase || c->second.kind == ComponentKind::kCache) {
          AddLink(w.component, c->first, LinkKind::kNetwork, "");
        }
      }
    }
    // Services reached through Cloud Map: "<name>.<namespace>" in another's environment.
    for (const auto& [discovery, service] : discovery_service_) {
      const base::Json* props = Props(discovery);
      std::string name = StringOf(Member(props, "Name"));
      std::vector<std::string> namespaces = Refs(Member(props, "NamespaceId"));
      for (const std::string& ns : Refs(Member(Member(props, "DnsConfig"), "NamespaceId"))) {
        namespaces.push_back(ns);
      }
      if (name.empty() || namespaces.empty()) continue;
      std::string domain = StringOf(Member(Props(namespaces.front()), "Name"));
      if (domain.empty()) continue;
      std::string host = name + "." + domain;
      for (const Workload& w : workloads_) {
        if (w.component == service || w.task_definition.empty()) continue;
        std::vector<std::string> strings;
        if (const base::Json* defs = Member(Props(w.task_definition), "ContainerDefinitions")) {
          CollectStrings(*defs, strings);
        }
        for (const std::string& s : strings) {
          size_t at = s.find(host);
          if (at == std::string::npos) continue;
          std::string port;
          size_t colon = at + host.size();
          if (colon < s.size() && s[colon] == ':') {
            for (size_t i = colon + 1; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
              port += s[i];
            }
          }
          AddLink(w.component, service, LinkKind::kNetwork, port.empty() ? "" : "tcp " + port);
        }
      }
    }
  }

  void LinkIam() {
    // role -> the policy documents that apply to it
    std::vector<std::pair<std::string, const base::Json*>> grants;
    for (const char* type : {"AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"}) {
      for (const std::string& policy : OfType(type)) {
        const base::Json* props = Props(policy);
        for (const std::string& role : Refs(Member(props, "Roles"), "AWS::IAM::Role")) {
          grants.emplace_back(role, Member(props, "PolicyDocument"));
        }
      }
    }
    for (const std::string& role : OfType("AWS::IAM::Role")) {
      for (const base::Json* policy : Items(Member(Props(role), "Policies"))) {
        grants.emplace_back(role, Member(policy, "PolicyDocument"));
      }
    }
    for (const auto& [role, document] : grants) {
      auto workloads = task_roles_.find(role);
      if (workloads == task_roles_.end()) continue;
      std::map<std::string, std::set<std::string>> verbs;  // target -> verbs
      for (const base::Json* statement : Statements(document)) {
        if (StringOf(Member(statement, "Effect")) != "Allow") continue;
        std::vector<std::string> targets;
        for (const std::string& ref : Refs(Member(statement, "Resource"))) {
          std::string target = AccessTarget(ref);
          if (!target.empty()) targets.push_back(target);
        }
        for (const std::string& target : targets) {
          std::set<std::string>& v = verbs[target];
          for (const std::string& action : Strings(Member(statement, "Action"))) {
            std::string verb = Verb(action);
            if (!verb.empty()) v.insert(verb);
          }
        }
      }
      for (const std::string& workload : workloads->second) {
        for (const auto& [target, v] : verbs) {
          AddLink(workload, target, LinkKind::kIam, JoinVerbs(v));
        }
      }
    }
  }

  Architecture Finish() {
    Architecture out;
    bool internet = !internet_facing_.empty() || !OfType("AWS::Amplify::App").empty();
    if (internet) {
      out.components.push_back(Component{.id = std::string(kInternetId),
                                         .kind = ComponentKind::kInternet,
                                         .name = "internet",
                                         .detail = "users",
                                         .vpc = "",
                                         .resources = {},
                                         .tier = ""});
    }
    for (auto& [resource, owner] : owner_) {
      if (auto c = components_.find(owner); c != components_.end()) {
        c->second.resources.push_back(resource);
      } else if (auto f = frames_.find(owner); f != frames_.end()) {
        f->second.resources.push_back(resource);
      }
    }
    for (auto& [id, c] : components_) out.components.push_back(std::move(c));
    std::stable_sort(out.components.begin(), out.components.end(),
                     [](const Component& a, const Component& b) {
                       return std::tie(a.kind, a.name, a.id) < std::tie(b.kind, b.name, b.id);
                     });
    for (auto& [id, f] : frames_) out.vpcs.push_back(std::move(f));
    for (auto& [key, labels] : links_) {
      const auto& [from, to, kind] = key;
      out.links.push_back(
          Link{.from = from,
               .to = to,
               .kind = kind,
               .label = base::Join(std::vector<std::string>(labels.begin(), labels.end()), ", ")});
    }
    out.owner = std::move(owner_);
    return out;
  }

  std::string title_;
  std::map<std::string, const base::Json*> resources_;
  std::map<std::string, std::vector<std::string>> by_type_;
  std::map<std::string, Component> components_;
  std::map<std::string, VpcFrame> frames_;
  std::map<std::string, std::string> owner_;
  std::map<std::string, std::string> vpc_of_;  // subnet or security group -> VPC
  // security group -> (source security group, ports) it admits
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> ingress_;
  std::map<std::string, std::set<std::string>> store_groups_;        // store -> its security groups
  std::map<std::string, std::vector<std::string>> task_roles_;       // role -> workloads
  std::vector<std::pair<std::string, std::string>> schedule_roles_;  // (job, role)
  std::set<std::string> run_by_service_;
  std::map<std::string, std::vector<std::string>> target_group_service_;
  std::map<std::string, std::string> discovery_service_;  // Cloud Map service -> service
  std::map<std::string, std::string> listener_lb_;        // listener -> load balancer
  std::set<std::string> internet_facing_;
  std::vector<Workload> workloads_;
  std::map<std::tuple<std::string, std::string, LinkKind>, std::set<std::string>> links_;
};

}  // namespace

std::string_view ComponentKindName(ComponentKind kind) {
  switch (kind) {
    case ComponentKind::kInternet:
      return "internet";
    case ComponentKind::kFrontend:
      return "frontend";
    case ComponentKind::kLoadBalancer:
      return "load balancer";
    case ComponentKind::kService:
      return "service";
    case ComponentKind::kJob:
      return "job";
    case ComponentKind::kDatabase:
      return "database";
    case ComponentKind::kCache:
      return "cache";
    case ComponentKind::kQueue:
      return "queue";
    case ComponentKind::kBucket:
      return "bucket";
  }
  return "component";
}

std::string_view LinkKindName(LinkKind kind) {
  switch (kind) {
    case LinkKind::kTraffic:
      return "traffic";
    case LinkKind::kNetwork:
      return "network";
    case LinkKind::kIam:
      return "iam";
  }
  return "link";
}

const Component* Architecture::Find(std::string_view id) const {
  for (const Component& c : components) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

Architecture BuildArchitecture(const base::Json& tmpl, std::string_view title) {
  return Builder(tmpl, title).Build();
}

std::map<std::string, Action> ComponentActions(const Architecture& architecture, const Plan& plan) {
  std::map<std::string, Action> out;
  for (const ResourcePlan& r : plan.resources) {
    auto owner = architecture.owner.find(r.logical_id);
    if (owner == architecture.owner.end()) continue;
    Action& action = out.try_emplace(owner->second, Action::kNoChange).first->second;
    if (r.logical_id == owner->second) {
      // The primary resource: its own action, unless a member already changed it.
      if (r.action != Action::kNoChange) action = r.action;
    } else if (r.action != Action::kNoChange && action == Action::kNoChange) {
      action = Action::kUpdate;
    }
  }
  return out;
}

base::Json TemplateForPlan(const base::Json& before, const base::Json& after) {
  base::Json merged = after;
  const base::Json* old_resources = Member(before, "Resources");
  if (old_resources == nullptr || !old_resources->is_object() || !merged.is_object()) return merged;
  base::Json& resources = merged["Resources"];
  if (!resources.is_object()) resources = base::Json::object();
  for (const auto& [id, resource] : old_resources->items()) {
    if (!resources.contains(id)) resources[id] = resource;
  }
  return merged;
}

}  // namespace rex::tmpl
