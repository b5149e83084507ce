// RdsClient, ElasticacheClient, AmplifyClient and EcrClient::DescribeImage: requests as sent
// and canned answers in the services' real shapes.
#include "aws/rds.h"

#include <gtest/gtest.h>

#include "aws/amplify.h"
#include "aws/ecr.h"
#include "aws/elasticache.h"
#include "support/fake_clock.h"
#include "support/fake_transport.h"

namespace rex::aws {
namespace {

using rex::testing::FakeClock;
using rex::testing::FakeTransport;

class DayTwoClientsTest : public ::testing::Test {
 protected:
  StaticCredentialsProvider credentials_{Credentials{"AKID", "secret", "", {}}};
  FakeTransport transport_;
  FakeClock clock_;
};

TEST_F(DayTwoClientsTest, RdsDescribeDbCluster) {
  RdsClient rds{Endpoint{"https://rds.eu-west-1.amazonaws.com", "eu-west-1", "rds"}, &credentials_,
                transport_, clock_};
  transport_.Respond(
      200,
      "<DescribeDBClustersResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\">"
      "<DescribeDBClustersResult><DBClusters><DBCluster>"
      "<DBClusterIdentifier>rex-backend-dev-db</DBClusterIdentifier><Status>available</Status>"
      "<Engine>aurora-postgresql</Engine><EngineVersion>15.10</EngineVersion>"
      "<Endpoint>rex.cluster-abc.eu-west-1.rds.amazonaws.com</Endpoint><Port>5432</Port>"
      "<ServerlessV2ScalingConfiguration><MinCapacity>0.5</MinCapacity>"
      "<MaxCapacity>2.0</MaxCapacity></ServerlessV2ScalingConfiguration>"
      "<DBClusterMembers><DBClusterMember><DBInstanceIdentifier>writer</DBInstanceIdentifier>"
      "<IsClusterWriter>true</IsClusterWriter></DBClusterMember></DBClusterMembers>"
      "</DBCluster></DBClusters></DescribeDBClustersResult>"
      "<ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata>"
      "</DescribeDBClustersResponse>");
  auto cluster = rds.DescribeDbCluster("rex-backend-dev-db");
  ASSERT_TRUE(cluster.ok()) << cluster.error().ToString();
  EXPECT_EQ(cluster->status, "available");
  EXPECT_EQ(cluster->engine_version, "15.10");
  EXPECT_EQ(cluster->endpoint, "rex.cluster-abc.eu-west-1.rds.amazonaws.com");
  EXPECT_EQ(cluster->port, 5432);
  EXPECT_EQ(cluster->serverless_min_capacity, 0.5);
  EXPECT_EQ(cluster->serverless_max_capacity, 2.0);
  ASSERT_EQ(cluster->members.size(), 1u);
  EXPECT_TRUE(cluster->members[0].is_writer);
  EXPECT_EQ(transport_.requests()[0].body,
            "Action=DescribeDBClusters&Version=2014-10-31&DBClusterIdentifier=rex-backend-dev-db");
}

TEST_F(DayTwoClientsTest, RdsMissingClusterIsNotFound) {
  RdsClient rds{Endpoint{"https://rds.eu-west-1.amazonaws.com", "eu-west-1", "rds"}, &credentials_,
                transport_, clock_};
  transport_.Respond(404,
                     "<ErrorResponse><Error><Type>Sender</Type><Code>DBClusterNotFoundFault</Code>"
                     "<Message>DBCluster nope not found.</Message></Error>"
                     "<RequestId>r2</RequestId></ErrorResponse>");
  auto cluster = rds.DescribeDbCluster("nope");
  ASSERT_FALSE(cluster.ok());
  EXPECT_EQ(cluster.error().code(), base::Code::kNotFound);
  EXPECT_EQ(cluster.error().message(),
            "describe database cluster nope: DBClusterNotFoundFault (HTTP 404, request r2): "
            "DBCluster nope not found.");
}

TEST_F(DayTwoClientsTest, ElasticacheDescribeReplicationGroup) {
  ElasticacheClient cache{
      Endpoint{"https://elasticache.eu-west-1.amazonaws.com", "eu-west-1", "elasticache"},
      &credentials_, transport_, clock_};
  transport_.Respond(
      200,
      "<DescribeReplicationGroupsResponse xmlns=\"http://elasticache.amazonaws.com/doc/"
      "2015-02-02/\"><DescribeReplicationGroupsResult><ReplicationGroups><ReplicationGroup>"
      "<ReplicationGroupId>rex-dev-redis</ReplicationGroupId><Status>modifying</Status>"
      "<MemberClusters><ClusterId>rex-dev-redis-001</ClusterId></MemberClusters>"
      "<NodeGroups><NodeGroup><NodeGroupId>0001</NodeGroupId><Status>available</Status>"
      "<PrimaryEndpoint><Address>master.rex.cache.amazonaws.com</Address><Port>6379</Port>"
      "</PrimaryEndpoint><NodeGroupMembers><NodeGroupMember>"
      "<CacheClusterId>rex-dev-redis-001</CacheClusterId><CacheNodeId>0001</CacheNodeId>"
      "<CurrentRole>primary</CurrentRole></NodeGroupMember></NodeGroupMembers></NodeGroup>"
      "</NodeGroups><AutomaticFailover>disabled</AutomaticFailover>"
      "<CacheNodeType>cache.t4g.micro</CacheNodeType></ReplicationGroup></ReplicationGroups>"
      "</DescribeReplicationGroupsResult></DescribeReplicationGroupsResponse>");
  auto group = cache.DescribeReplicationGroup("rex-dev-redis");
  ASSERT_TRUE(group.ok()) << group.error().ToString();
  EXPECT_EQ(group->status, "modifying");
  EXPECT_EQ(group->member_clusters, std::vector<std::string>{"rex-dev-redis-001"});
  ASSERT_EQ(group->node_groups.size(), 1u);
  EXPECT_EQ(group->node_groups[0].status, "available");
  EXPECT_EQ(group->node_groups[0].primary_endpoint, "master.rex.cache.amazonaws.com:6379");
  ASSERT_EQ(group->node_groups[0].members.size(), 1u);
  EXPECT_EQ(group->node_groups[0].members[0].current_role, "primary");
  EXPECT_EQ(transport_.requests()[0].body,
            "Action=DescribeReplicationGroups&Version=2015-02-02&ReplicationGroupId=rex-dev-redis");
}

TEST_F(DayTwoClientsTest, AmplifyListJobsIsRestJson) {
  AmplifyClient amplify{Endpoint{"https://amplify.eu-west-1.amazonaws.com", "eu-west-1", "amplify"},
                        &credentials_, transport_, clock_};
  transport_.Respond(
      200, R"({"jobSummaries":[{"jobArn":"arn:job/12","jobId":"12","commitId":"abc1234f",)"
           R"("commitMessage":"fix login","commitTime":1795000000,)"
           R"("startTime":1795000100.5,"status":"FAILED","endTime":1795000400,)"
           R"("jobType":"WEB_HOOK"}],"nextToken":"t"})");
  auto jobs = amplify.ListJobs("d1abc", "main", 1);
  ASSERT_TRUE(jobs.ok()) << jobs.error().ToString();
  ASSERT_EQ(jobs->size(), 1u);
  EXPECT_EQ((*jobs)[0].job_id, "12");
  EXPECT_EQ((*jobs)[0].status, "FAILED");
  EXPECT_EQ((*jobs)[0].commit_id, "abc1234f");
  EXPECT_EQ((*jobs)[0].commit_message, "fix login");
  ASSERT_TRUE((*jobs)[0].start_time.has_value());
  EXPECT_EQ(ToEpochSeconds(*(*jobs)[0].start_time), 1795000100.5);
  const HttpRequest sent = transport_.requests()[0];
  EXPECT_EQ(sent.method, "GET");
  EXPECT_EQ(sent.url,
            "https://amplify.eu-west-1.amazonaws.com/apps/d1abc/branches/main/jobs"
            "?maxResults=1");
  EXPECT_EQ(sent.body, "");
  EXPECT_TRUE(FindHeader(sent.headers, "Authorization").has_value());
}

TEST_F(DayTwoClientsTest, AmplifyGetBranchAndNotFound) {
  AmplifyClient amplify{Endpoint{"https://amplify.eu-west-1.amazonaws.com", "eu-west-1", "amplify"},
                        &credentials_, transport_, clock_};
  transport_.Respond(200, R"({"branch":{"branchName":"main","stage":"PRODUCTION",)"
                          R"("enableAutoBuild":true,"activeJobId":"12","totalNumberOfJobs":"12",)"
                          R"("updateTime":1795000000}})");
  auto branch = amplify.GetBranch("d1abc", "feature/x");
  ASSERT_TRUE(branch.ok()) << branch.error().ToString();
  EXPECT_EQ(branch->branch_name, "main");
  EXPECT_TRUE(branch->enable_auto_build);
  EXPECT_EQ(branch->active_job_id, "12");
  EXPECT_EQ(branch->total_number_of_jobs, "12");
  EXPECT_EQ(transport_.requests()[0].url,
            "https://amplify.eu-west-1.amazonaws.com/apps/d1abc/branches/feature%2Fx");

  transport_.Respond(404, R"({"message":"Branch not found"})",
                     {{"x-amzn-ErrorType", "NotFoundException:http://internal.amazon.com/"},
                      {"x-amzn-RequestId", "r9"}});
  auto gone = amplify.GetBranch("d1abc", "gone");
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code(), base::Code::kNotFound);
  EXPECT_EQ(gone.error().message(),
            "get Amplify branch d1abc/gone: NotFoundException (HTTP 404, request r9): Branch not "
            "found");
}

TEST_F(DayTwoClientsTest, EcrDescribeImageByTag) {
  EcrClient ecr{Endpoint{"https://api.ecr.eu-west-1.amazonaws.com", "eu-west-1", "ecr"},
                &credentials_, transport_, clock_};
  transport_.Respond(200, R"({"imageDetails":[{"registryId":"123456789012",)"
                          R"("repositoryName":"rex-backend-dev-api","imageDigest":"sha256:ab",)"
                          R"("imageTags":["v1.2.0","latest"],"imageSizeInBytes":52428800,)"
                          R"("imagePushedAt":1795000000}]})");
  auto image = ecr.DescribeImage("rex-backend-dev-api", "v1.2.0");
  ASSERT_TRUE(image.ok()) << image.error().ToString();
  EXPECT_EQ(image->image_digest, "sha256:ab");
  EXPECT_EQ(image->image_tags, (std::vector<std::string>{"v1.2.0", "latest"}));
  EXPECT_EQ(image->image_size_bytes, 52428800);
  EXPECT_EQ(base::Json::parse(transport_.requests()[0].body),
            base::Json::parse(R"({"repositoryName":"rex-backend-dev-api",)"
                              R"("imageIds":[{"imageTag":"v1.2.0"}]})"));
  EXPECT_EQ(FindHeader(transport_.requests()[0].headers, "X-Amz-Target"),
            "AmazonEC2ContainerRegistry_V20150921.DescribeImages");

  transport_.Respond(400, R"({"__type":"ImageNotFoundException","message":"The image with )"
                          R"(imageId {imageTag:'v9'} does not exist"})");
  auto missing = ecr.DescribeImage("rex-backend-dev-api", "v9");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), base::Code::kNotFound);
}

}  // namespace
}  // namespace rex::aws
