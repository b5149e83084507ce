// libFuzzer target: AWS answers in XML (the query protocol of CloudFormation, ELBv2, RDS and
// ElastiCache, and S3's REST-XML), success and error, through the codec rex's clients use
// (aws::ParseResponse / aws::ParseError over aws::ParseXml).

#include "aws_answer.h"

namespace {

const std::vector<rex::fuzz::AwsOperation>& Operations() {
  static const auto* operations = [] {
    static const rex::aws::LoadedModel cfn =
        rex::aws::LoadModel(rex::aws::CloudformationModelJson());
    static const rex::aws::LoadedModel s3 = rex::aws::LoadModel(rex::aws::S3ModelJson());
    static const rex::aws::LoadedModel elbv2 = rex::aws::LoadModel(rex::aws::Elbv2ModelJson());
    static const rex::aws::LoadedModel rds = rex::aws::LoadModel(rex::aws::RdsModelJson());
    static const rex::aws::LoadedModel cache =
        rex::aws::LoadModel(rex::aws::ElasticacheModelJson());
    return new std::vector<rex::fuzz::AwsOperation>{
        {&cfn, cfn.Operation("DescribeStacks")},
        {&cfn, cfn.Operation("DescribeStackEvents")},
        {&cfn, cfn.Operation("DescribeChangeSet")},
        {&cfn, cfn.Operation("GetTemplate")},
        {&cfn, cfn.Operation("ListStackResources")},
        {&s3, s3.Operation("ListObjectsV2")},
        {&s3, s3.Operation("GetObject")},
        {&s3, s3.Operation("DeleteObjects")},
        {&elbv2, elbv2.Operation("DescribeTargetHealth")},
        {&rds, rds.Operation("DescribeDBClusters")},
        {&cache, cache.Operation("DescribeReplicationGroups")},
    };
  }();
  return *operations;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  rex::fuzz::ParseAnswer(Operations(), data, size);
  return 0;
}
