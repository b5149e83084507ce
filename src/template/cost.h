#pragma once

// Monthly cost estimate of a synthesized CloudFormation template: what each resource costs
// per month at list price (pricing.h) under stated usage assumptions. Pure: it reads the
// template and knows resource types, nothing of the Rex architecture. `rex cost` prints the
// report; `rex preview` estimates the last deployed and the new template and prints the
// difference of their totals:
//
//     tmpl::Assumptions assume;                       // defaults, or --assume overrides
//     double before = tmpl::EstimateCost(deployed, assume).total;
//     double after = tmpl::EstimateCost(synthesized, assume).total;
//     // "monthly cost: $before -> $after (+$delta)"
//
// What is priced, per resource type (quantities use the assumptions below):
//   RDS::DBInstance db.serverless    ACU-hours at the average ACU (Standard or I/O-Optimized
//                                    by the cluster's StorageType)
//   RDS::DBCluster                   storage GB-month, I/O requests (Standard only), the
//                                    Secrets Manager secret of ManageMasterUserPassword, backup
//                                    storage beyond the free amount (changed GB a day × the
//                                    BackupRetentionPeriod days beyond the first) and the tasks'
//                                    cross-AZ traffic to it (billed leaving and entering a zone)
//   ElastiCache::ReplicationGroup    node-hours per node (NumCacheClusters, or node groups ×
//   / CacheCluster                   (replicas + 1)) at the CacheNodeType's price; snapshot
//                                    storage beyond the free one per shard
//                                    (SnapshotRetentionLimit - 1 snapshots); cross-AZ traffic
//   ECS::Service (Fargate)           task count × (vCPU-hours, GB-hours, ephemeral storage above
//                                    20 GB) from its task definition; x86 or ARM64 prices; a
//                                    public IPv4 per task when AssignPublicIp is ENABLED; a Cloud
//                                    Map instance per task for each service registry
//   ECS::TaskDefinition (no service) run on demand (migrations): oneOffTaskHours per month
//   ECS::Cluster with Container      its metrics as custom metrics (per cluster + per service)
//     Insights                       and its performance log ingestion
//   EC2::NatGateway                  hours, data processed (natDataGb shared by all gateways),
//                                    and cross-AZ traffic when fewer gateways than routes to them
//                                    (subnets of the other zones reach a gateway across zones)
//   EC2::EIP                         a public IPv4 address
//   ElasticLoadBalancingV2::         hours, LCU-hours and, internet-facing, one public IPv4
//     LoadBalancer (application)     address per subnet (two when the subnets are not literal)
//                                    and data transfer out to the internet (dataTransferOutGb
//                                    shared by the internet-facing load balancers)
//   EC2::VPCEndpoint (Interface)     hours per subnet; gateway endpoints are free
//   Logs::LogGroup                   ingestion and storage (retention days' worth of logs; 12
//                                    months when no retention is set)
//   CloudWatch::Alarm, SecretsManager::Secret, KMS::Key, Route53::HostedZone (+ queries),
//   ServiceDiscovery::Private/PublicDnsNamespace (a hosted zone), ECR::Repository (storage),
//   Amplify::Branch (build minutes, storage, data served), WAFv2::WebACL (ACL, rules,
//   requests), SNS::Topic (publishes beyond the free tier; 0 by default), S3::Bucket (S3
//   Standard storage, writes and reads), SQS::Queue (requests beyond the free tier; 0 by
//   default), Scheduler::Schedule (invocations beyond the free tier; 0 by default)
// Types known to cost nothing by themselves (VPC, subnets, routes, security groups, IAM,
// listeners, target groups, ...) are counted as free; any other type is listed as unpriced
// so the estimate never silently claims to be complete.
//
// Numbers are read from literals, numeric strings ("512") and Refs to parameters with a
// Default; anything else falls back to a stated default and adds a note.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "base/status.h"
#include "template/pricing.h"

namespace rex::tmpl {

// One usage assumption: its key (as in `--assume KEY=VALUE` and the proposed `cost:` config
// section), default and meaning.
struct AssumptionSpec {
  std::string key;
  double default_value = 0;
  std::string default_text;  // how the default reads when it is not a plain number
  std::string unit;
  std::string description;
};

// Every assumption, in the order reports list them.
const std::vector<AssumptionSpec>& AssumptionSpecs();

// Usage assumptions: the defaults of AssumptionSpecs() with overrides.
class Assumptions {
 public:
  // Overrides `key`. kInvalidArgument for an unknown key (with a "did you mean" hint) or a
  // negative or non-finite value.
  base::Status Set(std::string_view key, double value);
  // Parses "key=value" (a --assume flag). kInvalidArgument for a missing "=", a value that is
  // not a number, and everything Set refuses.
  base::Status SetFromText(std::string_view assignment);

  // The override, else the default. `key` must be one of AssumptionSpecs() (REX_CHECK).
  double Get(std::string_view key) const;
  bool IsSet(std::string_view key) const { return overrides_.count(std::string(key)) > 0; }
  const std::map<std::string, double>& overrides() const { return overrides_; }

 private:
  std::map<std::string, double> overrides_;
};

// One priced line: quantity × unit price = monthly.
struct CostItem {
  std::string component;   // from the resource's rex:path ("Database"); "" if none
  std::string logical_id;  // "DatabaseWriter"
  std::string path;        // rex:path; "" if none
  std::string type;        // "AWS::RDS::DBInstance"
  std::string item;        // what is charged: "Aurora Serverless v2 capacity"
  std::string basis;       // how the quantity was reached: "0.5 ACU × 730 h"
  double quantity = 0;     // in the price's unit
  std::string unit;        // "ACU-hour"
  double unit_price = 0;   // USD per unit
  std::string price_key;   // the pricing table entry
  double monthly = 0;      // quantity × unit_price, rounded to cents
};

// An assumption as the report used it.
struct AssumptionUse {
  std::string key;
  std::string value = "";  // the number, or the default's text ("the cluster's MinCapacity")
  std::string unit;
  std::string description;
  bool overridden = false;
};

struct CostReport {
  std::string region;    // of the price table
  std::string currency;  // "USD"
  std::string pricing_as_of;
  std::vector<CostItem> items;  // by component, then logical id, then the order priced
  double total = 0;             // the sum of the items' (rounded) monthly figures
  std::vector<AssumptionUse> assumptions;
  std::vector<std::string> free;      // "LogicalId (AWS::EC2::VPC)": no charge by themselves
  std::vector<std::string> unpriced;  // "LogicalId (AWS::X::Y)": not in the price table
  std::vector<std::string> notes;     // fallbacks taken ("ApiService: DesiredCount is ...")

  // Sum of the items of `component`.
  double ComponentTotal(std::string_view component) const;
};

// Estimates `tmpl` (a CloudFormation template as JSON) with `prices`. Never fails: a template
// without resources gives an empty report; what cannot be read is noted in `notes` or listed
// in `unpriced`.
CostReport EstimateCost(const base::Json& tmpl, const Assumptions& assumptions,
                        const PricingTable& prices);
// The same with the built-in us-east-1 table.
CostReport EstimateCost(const base::Json& tmpl, const Assumptions& assumptions);

// The report as JSON, camelCase like every --json of rex (docs/json.md): {region, currency,
// pricingAsOf, total, items: [{component, logicalId, label, path, type, item, basis,
// quantity, unit, unitPrice, priceKey, monthly}], byComponent, assumptions: [{key, value,
// unit, description, overridden}], free, unpriced, notes}; money as numbers in USD. The
// command adds "version" and "stack".
base::Json CostReportToJson(const CostReport& report);

// The name rex cost and rex preview show for a resource: its rex:path without the root
// ("Compute/ApiService" for "Rex/Compute/ApiService"), or the logical id when it has no path.
std::string ResourceLabel(std::string_view path, std::string_view logical_id);

// "$1,234.56".
std::string FormatUsd(double usd);
// A unit price with as many decimals as it has (at least two): "$0.04048", "$0.10".
std::string FormatUnitPrice(double usd);
// A quantity without trailing zeros, at most three decimals: "365", "0.5", "2.333".
std::string FormatQuantity(double value);

}  // namespace rex::tmpl
