#include "stack/networking.h"

#include "core/intrinsics.h"

namespace rex::stack {
namespace {

using core::List;
using core::Str;
using core::Tag;

List<Tag> NameTag(const std::string& name) { return List<Tag>{Tag{"Name", name}}; }

}  // namespace

Networking::Networking(core::Construct& scope, std::string id, NetworkingProps props)
    : core::Construct(scope, std::move(id)), props_(std::move(props)) {
  const std::string& p = props_.name_prefix;
  auto vpc_cidr = base::ParseVpcCidr(props_.vpc_cidr);
  base::Cidr block = vpc_cidr.has_value() ? *vpc_cidr : base::Cidr{0x0A000000, 16};
  if (!vpc_cidr.has_value()) AddError("vpcCidr: " + vpc_cidr.error().message());
  if (props_.nat_gateways != 1 && props_.nat_gateways != 2) {
    AddError("natGateways is " + std::to_string(props_.nat_gateways) +
             "; use 1 (one shared gateway) or 2 (one per availability zone)");
  }

  vpc_ = &Add<cfn::ec2::CfnVPC>("Vpc", cfn::ec2::CfnVPCProps{
                                           .cidr_block = block.ToString(),
                                           .enable_dns_hostnames = true,
                                           .enable_dns_support = true,
                                           .tags = NameTag(p + "-vpc"),
                                       });
  auto& igw = Add<cfn::ec2::CfnInternetGateway>(
      "InternetGateway", cfn::ec2::CfnInternetGatewayProps{.tags = NameTag(p + "-igw")});
  auto& attachment = Add<cfn::ec2::CfnVPCGatewayAttachment>("GatewayAttachment",
                                                            cfn::ec2::CfnVPCGatewayAttachmentProps{
                                                                .internet_gateway_id = igw.Ref(),
                                                                .vpc_id = vpc_->Ref(),
                                                            });

  // Four equal blocks: public subnets first, then private, one of each per AZ.
  auto plan = base::PlanSubnets(block, block.prefix + 2, 2 * kAzCount);
  if (!plan.has_value()) {
    AddError(plan.error().message());
    return;
  }
  for (int az = 0; az < kAzCount; ++az) {
    public_.push_back(AddSubnet("PublicSubnet" + std::to_string(az + 1),
                                (*plan)[static_cast<size_t>(az)], az, true));
  }
  for (int az = 0; az < kAzCount; ++az) {
    private_.push_back(AddSubnet("PrivateSubnet" + std::to_string(az + 1),
                                 (*plan)[static_cast<size_t>(kAzCount + az)], az, false));
  }

  // Public subnets (one shared route table) reach the internet through the gateway. The
  // route needs the attachment, which no property references: an explicit DependsOn.
  auto& public_route = Add<cfn::ec2::CfnRoute>(
      "PublicDefaultRoute",
      cfn::ec2::CfnRouteProps{.destination_cidr_block = "0.0.0.0/0",
                              .gateway_id = igw.Ref(),
                              .route_table_id = public_.front().route_table->Ref()});
  public_route.AddDependsOn(attachment);

  int nat_count = props_.nat_gateways == 2 ? 2 : 1;
  for (int i = 0; i < nat_count; ++i) {
    std::string n = std::to_string(i + 1);
    auto& eip = Add<cfn::ec2::CfnEIP>(
        "NatEip" + n, cfn::ec2::CfnEIPProps{.domain = "vpc", .tags = NameTag(p + "-nat-eip-" + n)});
    // An EIP in a VPC needs the gateway attached before it can be allocated to a NAT.
    eip.AddDependsOn(attachment);
    nats_.push_back(&Add<cfn::ec2::CfnNatGateway>(
        "NatGateway" + n, cfn::ec2::CfnNatGatewayProps{
                              .allocation_id = eip.attr_allocation_id(),
                              .subnet_id = public_[static_cast<size_t>(i)].subnet->Ref(),
                              .tags = NameTag(p + "-nat-" + n),
                          }));
  }
  for (size_t i = 0; i < private_.size(); ++i) {
    cfn::ec2::CfnNatGateway* nat = nats_[nat_count == 2 ? i : 0];
    Add<cfn::ec2::CfnRoute>(
        "PrivateSubnet" + std::to_string(i + 1) + "DefaultRoute",
        cfn::ec2::CfnRouteProps{.destination_cidr_block = "0.0.0.0/0",
                                .nat_gateway_id = nat->Ref(),
                                .route_table_id = private_[i].route_table->Ref()});
  }

  if (props_.enable_s3_endpoint) {
    // A gateway endpoint is free and keeps ECR image layers (stored in S3) off the NAT.
    List<Str> route_tables;
    for (const auto& s : private_) route_tables.push_back(s.route_table->Ref());
    Add<cfn::ec2::CfnVPCEndpoint>("S3Endpoint",
                                  cfn::ec2::CfnVPCEndpointProps{
                                      .route_table_ids = route_tables,
                                      .service_name = core::Sub("com.amazonaws.${AWS::Region}.s3"),
                                      .vpc_endpoint_type = "Gateway",
                                      .vpc_id = vpc_->Ref(),
                                  });
  }

  if (props_.enable_flow_logs) {
    auto& group = Add<cfn::logs::CfnLogGroup>("FlowLogGroup",
                                              cfn::logs::CfnLogGroupProps{
                                                  .log_group_name = "/vpc/" + p + "-flow-logs",
                                                  .retention_in_days = props_.log_retention_days,
                                              });
    auto& role = Add<cfn::iam::CfnRole>(
        "FlowLogRole",
        cfn::iam::CfnRoleProps{
            .assume_role_policy_document = core::Json(base::Json::parse(R"({
              "Version": "2012-10-17",
              "Statement": [{"Effect": "Allow",
                             "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
                             "Action": "sts:AssumeRole"}]})")),
            .description = "lets VPC flow logs write to " + ("/vpc/" + p + "-flow-logs"),
            .policies = List<cfn::iam::CfnRole::Policy>{cfn::iam::CfnRole::Policy{
                .policy_document = core::Json(core::Value::Object({
                    {"Version", "2012-10-17"},
                    {"Statement",
                     core::Value::List({core::Value::Object({
                         {"Effect", "Allow"},
                         {"Action", core::Value::List({"logs:CreateLogStream", "logs:PutLogEvents",
                                                       "logs:DescribeLogStreams"})},
                         {"Resource", group.attr_arn().value()},
                     })})},
                })),
                .policy_name = "write-flow-logs",
            }},
        });
    Add<cfn::ec2::CfnFlowLog>("FlowLog", cfn::ec2::CfnFlowLogProps{
                                             .deliver_logs_permission_arn = role.attr_arn(),
                                             .log_destination_type = "cloud-watch-logs",
                                             .log_group_name = group.Ref(),
                                             .resource_id = vpc_->Ref(),
                                             .resource_type = "VPC",
                                             .traffic_type = "ALL",
                                         });
  }
}

SubnetParts Networking::AddSubnet(const std::string& id, const base::Cidr& cidr, int az,
                                  bool is_public) {
  const std::string& p = props_.name_prefix;
  std::string kind = is_public ? "public" : "private";
  std::string name = p + "-" + kind + "-" + std::to_string(az + 1);
  SubnetParts parts;
  parts.cidr = cidr.ToString();
  parts.subnet = &Add<cfn::ec2::CfnSubnet>(
      id, cfn::ec2::CfnSubnetProps{
              .availability_zone = core::Select(az, core::GetAZs()),
              .cidr_block = parts.cidr,
              .map_public_ip_on_launch = is_public,
              .tags = List<Tag>{Tag{"Name", name}, Tag{"rex:subnet-type", kind}},
              .vpc_id = vpc_->Ref(),
          });
  // Public subnets share one route table; each private subnet has its own (its AZ's NAT).
  if (is_public && !public_.empty()) {
    parts.route_table = public_.front().route_table;
  } else {
    std::string table_id = is_public ? "PublicRouteTable" : id + "RouteTable";
    parts.route_table = &Add<cfn::ec2::CfnRouteTable>(
        table_id, cfn::ec2::CfnRouteTableProps{
                      .tags = NameTag(is_public ? p + "-public" : name),
                      .vpc_id = vpc_->Ref(),
                  });
  }
  Add<cfn::ec2::CfnSubnetRouteTableAssociation>(id + "RouteTableAssociation",
                                                cfn::ec2::CfnSubnetRouteTableAssociationProps{
                                                    .route_table_id = parts.route_table->Ref(),
                                                    .subnet_id = parts.subnet->Ref(),
                                                });
  return parts;
}

core::List<core::Str> Networking::public_subnet_ids() const {
  core::List<core::Str> ids;
  for (const auto& s : public_) ids.push_back(s.subnet->Ref());
  return ids;
}

core::List<core::Str> Networking::private_subnet_ids() const {
  core::List<core::Str> ids;
  for (const auto& s : private_) ids.push_back(s.subnet->Ref());
  return ids;
}

}  // namespace rex::stack
