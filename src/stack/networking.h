#pragma once

#include <string>
#include <vector>

#include "base/cidr.h"
#include "cfn/ec2.gen.h"
#include "cfn/iam.gen.h"
#include "cfn/logs.gen.h"
#include "core/construct.h"
#include "core/value.h"

namespace rex::stack {

struct NetworkingProps {
  std::string name_prefix = "rex-backend-dev";  // "<projectName>-<environment>"
  std::string vpc_cidr = "10.0.0.0/16";         // validated: private, /16../24
  int nat_gateways = 1;                         // 1 (shared) or 2 (one per AZ)
  bool enable_flow_logs = false;                // Default: false.
  bool enable_s3_endpoint = true;               // Default: true.
  int log_retention_days = 7;                   // flow log group retention
};

// One subnet with its route table association.
struct SubnetParts {
  cfn::ec2::CfnSubnet* subnet = nullptr;
  cfn::ec2::CfnRouteTable* route_table = nullptr;
  std::string cidr;  // computed at synth, e.g. "10.0.0.0/18"
};

// The VPC of ARCHITECTURE.md: one public and one private subnet in each of 2 availability
// zones (Fn::GetAZs), CIDRs computed at synth (the VPC block split in four, public first),
// an internet gateway, NAT gateway(s) with Elastic IPs in the public subnets, route tables,
// and optionally flow logs to CloudWatch Logs and an S3 gateway endpoint.
// A bad vpc_cidr or nat_gateways is recorded as an error on this construct.
class Networking : public core::Construct {
 public:
  static constexpr int kAzCount = 2;

  Networking(core::Construct& scope, std::string id, NetworkingProps props);

  cfn::ec2::CfnVPC& vpc() { return *vpc_; }
  core::Str vpc_id() const { return vpc_->Ref(); }
  const std::vector<SubnetParts>& public_subnets() const { return public_; }
  const std::vector<SubnetParts>& private_subnets() const { return private_; }
  core::List<core::Str> public_subnet_ids() const;
  core::List<core::Str> private_subnet_ids() const;
  const std::vector<cfn::ec2::CfnNatGateway*>& nat_gateways() const { return nats_; }

 private:
  SubnetParts AddSubnet(const std::string& id, const base::Cidr& cidr, int az, bool is_public);

  NetworkingProps props_;
  cfn::ec2::CfnVPC* vpc_ = nullptr;
  std::vector<SubnetParts> public_;
  std::vector<SubnetParts> private_;
  std::vector<cfn::ec2::CfnNatGateway*> nats_;
};

}  // namespace rex::stack
