#pragma once

// The architecture a person would sketch of a synthesized template: one component per load
// balancer, workload, data store, queue, bucket and front end, the VPC they run in as a frame,
// and the traffic and access links between them. `rex graph` draws it by default (the
// resource-level drawing of template/graph.h is `--level resources`); `rex preview --graph`
// colours it with the plan.
//
// Everything is derived from resource types and the references between resources, never from
// logical ids or names rex happens to give, so a service, job, queue or bucket added in the
// config appears without code:
// - a service is an AWS::ECS::Service, named by the container its LoadBalancers name, else by
//   its task definition's essential container (as ops/stack_info.h FindWorkloads names it);
// - a job is an AWS::ECS::TaskDefinition no service runs, named by its essential container;
//   "scheduled" when an AWS::Scheduler::Schedule or AWS::Events::Rule targets it;
// - the load balancers, databases (RDS cluster, or an instance outside any cluster), caches
//   (ElastiCache replication group, serverless cache, or a cluster outside any group), queues
//   (an SQS queue that is another's dead-letter queue is drawn with it), buckets and Amplify
//   apps by type;
// - "internet" when a load balancer is internet-facing (Scheme not "internal") or an Amplify
//   app exists.
// Placement: a load balancer, service, database or cache sits in the VPC of the subnets or
// security groups it names (directly or through a subnet group); a scheduled job where its
// schedule runs it; a job rex runs by hand (rex run: the private subnets) in the stack's VPC
// when there is exactly one. The subnet tier (Component::tier) comes the same way from the
// route tables of those subnets.
// Links (from -> to):
// - traffic: internet -> each internet-facing load balancer (labelled with its listeners'
//   protocols and ports) and each Amplify app; load balancer -> each service whose target
//   group a listener or listener rule of it forwards to (labelled with the rule's path and
//   host conditions, or "default");
// - network access: workload -> database or cache when an ingress rule of the store's
//   security group (AWS::EC2::SecurityGroupIngress or inline) admits a security group the
//   workload runs with (labelled "tcp PORT"), or when its task definition refers to a resource
//   of the store (a job rex runs by hand has no security group in the template);
//   workload -> service when the workload's environment names the service's Cloud Map host
//   ("<service>.<namespace>");
// - IAM access: workload -> queue or bucket when a policy of the workload's task role (an
//   AWS::IAM::Policy or ManagedPolicy naming the role, or the role's inline Policies) allows
//   actions on it; labelled with what the actions do ("read", "write", "send", "receive",
//   "all"; "access" for anything else).
// Each resource of the template belongs to at most one component or VPC frame (`owner`): its
// primary resource and what only it uses (task definition, task role, log groups, target
// groups, Cloud Map service, image repository, schedule; listeners and rules; subnet groups,
// security groups, secret attachments; dead-letter queues, queue and bucket policies, the
// IAM policies granting access to them; subnets, route tables, gateways and endpoints of a
// VPC). Cluster-wide resources (the ECS cluster, alarms, shared roles, security group rules)
// belong to none and are drawn only at the resource level.
//
// Pure and total: a malformed template gives fewer components, never an error. Output is
// deterministic: components sorted by kind then name, links by (from, to, kind).

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "template/plan.h"

namespace rex::tmpl {

// In drawing order (left to right).
enum class ComponentKind {
  kInternet,
  kFrontend,      // AWS::Amplify::App
  kLoadBalancer,  // AWS::ElasticLoadBalancingV2::LoadBalancer
  kService,       // AWS::ECS::Service
  kJob,           // AWS::ECS::TaskDefinition no service runs
  kDatabase,      // AWS::RDS::DBCluster, AWS::RDS::DBInstance outside a cluster
  kCache,         // AWS::ElastiCache::ReplicationGroup, ServerlessCache, CacheCluster
  kQueue,         // AWS::SQS::Queue
  kBucket,        // AWS::S3::Bucket
};

// "internet", "frontend", "load balancer", "service", "job", "database", "cache", "queue",
// "bucket".
std::string_view ComponentKindName(ComponentKind kind);

struct Component {
  // Unique: the logical id of its primary resource ("ComputeApiService"); the internet is
  // kInternetId.
  std::string id;
  ComponentKind kind = ComponentKind::kService;
  std::string name;    // "api", "Aurora PostgreSQL", "Redis", "Tasks", "ALB"
  std::string detail;  // "Fargate service", "scheduled cron(0 3 * * ? *)", "SQS queue + DLQ"
  std::string vpc;     // the logical id of the VPC frame it sits in; "" outside any
  std::vector<std::string> resources;  // the logical ids it stands for, sorted; none for internet
  // The subnet tier it runs in, from the subnets it refers to (directly or through a subnet
  // group): "public" (route to an internet gateway), "private" (route through a NAT gateway),
  // "isolated" (neither); "" when unknown or mixed.
  std::string tier = {};
};

inline constexpr std::string_view kInternetId = "(internet)";

// An AWS::EC2::VPC, drawn as a frame around the components that run in it.
struct VpcFrame {
  std::string id;                      // its logical id
  std::string label;                   // "VPC 10.0.0.0/16"
  std::vector<std::string> resources;  // the logical ids it stands for, sorted
};

enum class LinkKind {
  kTraffic,  // requests: internet -> load balancer -> service
  kNetwork,  // a workload reaches a store or another service over the network
  kIam,      // a workload's task role may act on a queue or bucket
};

// "traffic", "network", "iam".
std::string_view LinkKindName(LinkKind kind);

struct Link {
  std::string from;  // component ids
  std::string to;
  LinkKind kind = LinkKind::kTraffic;
  std::string label;  // "" when there is nothing to say

  auto operator<=>(const Link&) const = default;
};

struct Architecture {
  std::vector<Component> components;  // by kind, then name, then id
  std::vector<VpcFrame> vpcs;         // by logical id
  std::vector<Link> links;            // by (from, to, kind); at most one link per triple
  // Logical id -> the component or VPC frame it belongs to; resources of neither are absent.
  std::map<std::string, std::string> owner;

  const Component* Find(std::string_view id) const;
};

// The architecture of `tmpl` (see the file comment). `title`, when it is the stack name, is
// cut from the front of names ("rex-backend-dev-frontend" -> "frontend").
Architecture BuildArchitecture(const base::Json& tmpl, std::string_view title = "");

// What a plan does to each component and VPC frame, by id: the primary resource's own
// create, delete, replace or may-replace; else kUpdate when any resource it stands for
// changes (is created, updated, replaced or deleted); else kNoChange. Ids the plan does not
// touch are absent.
std::map<std::string, Action> ComponentActions(const Architecture& architecture, const Plan& plan);

// The template to draw a plan on: `after` plus the resources only `before` has (so deleted
// components are drawn). `before` may be null (nothing deployed): then `after`.
base::Json TemplateForPlan(const base::Json& before, const base::Json& after);

struct ArchitectureDotOptions {
  std::string title;  // names the digraph and heads the drawing
  // When set, components and frames are coloured by action (the palette of `rex preview`:
  // create green, update and may-replace yellow, replace and delete red, unchanged grey) and
  // the legend explains it; otherwise each kind has its own colour.
  const std::map<std::string, Action>* actions = nullptr;
  // Draw the subnet tiers as frames inside each VPC (components without a tier sit in the VPC
  // frame itself).
  bool subnets = false;
};

// Graphviz DOT text of `architecture`: left to right, the VPC frames as clusters (with the
// subnet tiers inside when options.subnets), nodes
// shaped and coloured by kind (or by action), traffic links bold, network links solid, IAM
// links dashed, and a legend of the kinds, links (and actions) present. Deterministic; ends
// with a newline.
std::string ArchitectureToDot(const Architecture& architecture,
                              const ArchitectureDotOptions& options);

}  // namespace rex::tmpl
