#include "naming.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace rex::cfngen {
namespace {

struct Case {
  std::string_view cfn;
  std::string_view snake;
};

// General rules first, then one row per entry of the exception table, then keywords.
constexpr Case kCases[] = {
    {"VpcId", "vpc_id"},
    {"CidrBlock", "cidr_block"},
    {"MapPublicIpOnLaunch", "map_public_ip_on_launch"},
    {"DBClusterIdentifier", "db_cluster_identifier"},
    {"EnableECSManagedTags", "enable_ecs_managed_tags"},
    {"KMSMasterKeyID", "kms_master_key_id"},
    {"Ipv6CidrBlocks", "ipv6_cidr_blocks"},
    {"AssignIpv6AddressOnCreation", "assign_ipv6_address_on_creation"},
    {"S3Key", "s3_key"},
    {"EnableResourceNameDnsARecord", "enable_resource_name_dns_a_record"},
    {"AutoEnableIO", "auto_enable_io"},
    {"TTL", "ttl"},
    {"MultiAZ", "multi_az"},
    // An acronym's plural keeps its "s".
    {"VPCs", "vpcs"},
    {"PreferredCacheClusterAZs", "preferred_cache_cluster_azs"},
    {"SecurityGroupARNs", "security_group_arns"},
    // Dots (attribute names) become word breaks.
    {"Endpoint.Address", "endpoint_address"},
    {"MasterUserSecret.SecretArn", "master_user_secret_secret_arn"},
    // The exception table.
    {"OnSourceDDoSProtectionConfig", "on_source_ddos_protection_config"},
    {"FSxWindowsFileServerVolumeConfiguration", "fsx_windows_file_server_volume_configuration"},
    {"SizeInGiB", "size_in_gib"},
    {"IPsecTunnel", "ipsec_tunnel"},
    {"PrivateIPv4Address", "private_ipv4_address"},
    {"IPv6Address", "ipv6_address"},
    {"MemoryMiB", "memory_mib"},
    {"OTelEnrichment", "otel_enrichment"},
    {"AlarmPromQLCriteria", "alarm_promql_criteria"},
    {"MemoryGiBPerVCpu", "memory_gib_per_vcpu"},
    {"VCpuCount", "vcpu_count"},
    // C++ keywords get a trailing underscore.
    {"Namespace", "namespace_"},
    {"Default", "default_"},
    {"Public", "public_"},
    {"Protected", "protected_"},
    {"Private", "private_"},
    {"Operator", "operator_"},
    {"Delete", "delete_"},
    {"Template", "template_"},
    {"Export", "export_"},
};

TEST(NamingTest, SnakeCase) {
  for (const auto& c : kCases) {
    EXPECT_EQ(SnakeCase(c.cfn), c.snake) << c.cfn;
  }
}

TEST(NamingTest, EveryExceptionHasACase) {
  for (const auto& e : NameExceptions()) {
    bool covered = false;
    for (const auto& c : kCases) {
      if (c.cfn.find(e.cfn) != std::string_view::npos) covered = true;
    }
    EXPECT_TRUE(covered) << "no test case for exception " << e.cfn;
  }
}

TEST(NamingTest, Keywords) {
  EXPECT_TRUE(IsCppKeyword("namespace"));
  EXPECT_TRUE(IsCppKeyword("co_await"));
  EXPECT_FALSE(IsCppKeyword("name"));
}

TEST(NamingTest, DerivedNames) {
  EXPECT_EQ(FieldName("VpcId"), "vpc_id");
  EXPECT_EQ(AttributeAccessor("Endpoint.Address"), "attr_endpoint_address");
  EXPECT_EQ(AttributeAccessor("Ipv6CidrBlocks"), "attr_ipv6_cidr_blocks");
  EXPECT_EQ(ClassName("Subnet"), "CfnSubnet");
  EXPECT_EQ(ClassName("DBCluster"), "CfnDBCluster");
  EXPECT_EQ(PropsName("Subnet"), "CfnSubnetProps");
  EXPECT_EQ(StructName("Service", "AwsVpcConfiguration"), "CfnServiceAwsVpcConfiguration");
  EXPECT_EQ(ServiceNamespace("ec2"), "ec2");
  EXPECT_EQ(ServiceNamespace("elasticloadbalancingv2"), "elasticloadbalancingv2");
  EXPECT_EQ(ServiceNamespace("WAFv2"), "wafv2");
}

TEST(NamingTest, ReservedMemberNames) {
  EXPECT_TRUE(IsReservedMemberName("Schema"));
  EXPECT_TRUE(IsReservedMemberName("Props"));
  EXPECT_TRUE(IsReservedMemberName("Properties"));
  EXPECT_FALSE(IsReservedMemberName("AwsVpcConfiguration"));
}

}  // namespace
}  // namespace rex::cfngen
