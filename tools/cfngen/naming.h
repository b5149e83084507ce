#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>

// Every rule that turns a CloudFormation name into a C++ name. The generator never builds a
// C++ name any other way, so a surprising name is fixed here, in one place, with a test.
namespace rex::cfngen {

// A fragment of a CloudFormation name rewritten before words are split, for mixed-case
// acronyms and units the general rule would cut apart ("IPv6" -> "Ipv6", "MiB" -> "Mib").
struct NameException {
  std::string_view cfn;
  std::string_view normalized;
};
std::span<const NameException> NameExceptions();

// "MapPublicIpOnLaunch" -> "map_public_ip_on_launch", "DBClusterIdentifier" ->
// "db_cluster_identifier", "Ipv6CidrBlocks" -> "ipv6_cidr_blocks", "VPCs" -> "vpcs",
// "Endpoint.Address" -> "endpoint_address". A word starts at an upper-case letter that
// follows a lower-case letter or digit, or that ends an acronym ("DBCluster": D, B | Cluster);
// an acronym's plural "s" stays with it ("ARNs"). Dots become word breaks. The exception
// table is applied first. C++ keywords get a trailing underscore ("Namespace" ->
// "namespace_").
std::string SnakeCase(std::string_view cfn_name);

// True for C++20 keywords and alternative tokens.
bool IsCppKeyword(std::string_view word);

// Field of a props or property-type struct: SnakeCase of the property name.
std::string FieldName(std::string_view property);

// "Endpoint.Address" -> "attr_endpoint_address".
std::string AttributeAccessor(std::string_view attribute);

// "Subnet" -> "CfnSubnet".
std::string ClassName(std::string_view resource_name);

// "Subnet" -> "CfnSubnetProps".
std::string PropsName(std::string_view resource_name);

// ("Service", "AwsVpcConfiguration") -> "CfnServiceAwsVpcConfiguration": property types are
// declared at namespace scope, prefixed by their resource's class name.
std::string StructName(std::string_view resource_name, std::string_view type_name);

// "ec2" -> "ec2": the C++ namespace below rex::cfn of a service short name (lower case,
// keywords escaped).
std::string ServiceNamespace(std::string_view service);

// Names a class alias for a property type must not take, because the class or its bases
// already use them (Schema(), Properties(), Ref(), ...) or the generator declares them
// (Props).
bool IsReservedMemberName(std::string_view name);

}  // namespace rex::cfngen
