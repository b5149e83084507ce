// libFuzzer target: AWS answers in JSON (the JSON 1.1 protocol of ECS, CloudWatch Logs and ECR,
// and Amplify's REST-JSON), success and error, through the codec rex's clients use
// (aws::ParseResponse / aws::ParseError over base::ParseJson).

#include "aws_answer.h"

namespace {

const std::vector<rex::fuzz::AwsOperation>& Operations() {
  static const auto* operations = [] {
    static const rex::aws::LoadedModel ecs = rex::aws::LoadModel(rex::aws::EcsModelJson());
    static const rex::aws::LoadedModel logs = rex::aws::LoadModel(rex::aws::LogsModelJson());
    static const rex::aws::LoadedModel ecr = rex::aws::LoadModel(rex::aws::EcrModelJson());
    static const rex::aws::LoadedModel amplify = rex::aws::LoadModel(rex::aws::AmplifyModelJson());
    return new std::vector<rex::fuzz::AwsOperation>{
        {&ecs, ecs.Operation("DescribeTasks")},
        {&ecs, ecs.Operation("DescribeServices")},
        {&ecs, ecs.Operation("RunTask")},
        {&ecs, ecs.Operation("DescribeTaskDefinition")},
        {&logs, logs.Operation("FilterLogEvents")},
        {&logs, logs.Operation("GetLogEvents")},
        {&ecr, ecr.Operation("GetAuthorizationToken")},
        {&ecr, ecr.Operation("DescribeImages")},
        {&amplify, amplify.Operation("GetBranch")},
        {&amplify, amplify.Operation("ListJobs")},
    };
  }();
  return *operations;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  rex::fuzz::ParseAnswer(Operations(), data, size);
  return 0;
}
