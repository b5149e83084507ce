// Codec behaviour beyond the botocore suites: the example wire responses in
// tests/fixtures/aws-responses/ and the AWS error → Status mapping.
#include "aws/codec.h"

#include <gtest/gtest.h>

#include "base/files.h"

namespace rex::aws {
namespace {

using base::Code;
using base::Json;

const std::string kResponses = std::string(REX_FIXTURES_DIR) + "/aws-responses";

std::string Read(const std::string& name) {
  auto text = base::ReadFile(kResponses + "/" + name);
  EXPECT_TRUE(text.ok()) << name;
  return text.ok() ? *text : "";
}

ServiceModel QueryModel() {
  ServiceModel m;
  m.protocol = Protocol::kQuery;
  m.api_version = "2010-05-15";
  m.shapes = ParseModelJson(R"({
    "DescribeStacksInput": {"type": "structure", "members": {
        "StackName": {"shape": "String"}, "NextToken": {"shape": "String"}}},
    "DescribeStacksOutput": {"type": "structure", "members": {
        "Stacks": {"shape": "Stacks"}, "NextToken": {"shape": "String"}}},
    "Stacks": {"type": "list", "member": {"shape": "Stack"}},
    "Stack": {"type": "structure", "members": {"StackName": {"shape": "String"}}},
    "String": {"type": "string"}
  })",
                            "test model")
                 .value();
  return m;
}

OperationModel DescribeStacks() {
  OperationModel op;
  op.name = "DescribeStacks";
  op.input_shape = "DescribeStacksInput";
  op.output_shape = "DescribeStacksOutput";
  return op;
}

TEST(CodecResponses, CloudFormationValidationErrorIsNotFound) {
  HttpResponse response{
      400, {{"Content-Type", "text/xml"}}, Read("cloudformation-error-validation.xml")};
  AwsError error = ParseError(QueryModel(), DescribeStacks(), response);
  EXPECT_EQ(error.code, "ValidationError");
  EXPECT_EQ(error.message, "Stack: foobar does not exist");
  EXPECT_EQ(error.request_id, "21113b58-b7e4-11e2-91fa-05ec834fa451");
  EXPECT_EQ(error.http_status, 400);

  base::Status status = ErrorToStatus(error);
  EXPECT_EQ(status.code(), Code::kNotFound);
  EXPECT_EQ(status.message(),
            "ValidationError (HTTP 400, request 21113b58-b7e4-11e2-91fa-05ec834fa451): "
            "Stack: foobar does not exist");
  EXPECT_EQ(status.aws().service_code, "ValidationError");
  EXPECT_EQ(status.aws().http_status, 400);
  EXPECT_EQ(status.aws().request_id, "21113b58-b7e4-11e2-91fa-05ec834fa451");
}

TEST(CodecResponses, CloudFormationDescribeStacksEmpty) {
  HttpResponse response{200, {}, Read("cloudformation-describe-stacks-empty.xml")};
  auto result = ParseResponse(QueryModel(), DescribeStacks(), response);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(*result, Json::parse(R"({"Stacks": []})"));
  EXPECT_EQ(ResponseRequestId(response), "ad4c8bf2-9167-11e2-991c-f387408da2bf");
}

TEST(CodecResponses, S3ErrorWithoutWrapper) {
  ServiceModel s3;
  s3.protocol = Protocol::kRestXml;
  OperationModel op;
  op.name = "CreateBucket";
  HttpResponse response{409, {}, Read("s3-error-create-bucket.xml")};
  AwsError error = ParseError(s3, op, response);
  EXPECT_EQ(error.code, "BucketAlreadyOwnedByYou");
  EXPECT_EQ(error.message,
            "Your previous request to create the named bucket succeeded and you already own it.");
  EXPECT_EQ(error.request_id, "96380E1CB938DDF7");
  EXPECT_EQ(ErrorToStatus(error).code(), Code::kAlreadyExists);
}

TEST(CodecResponses, BodilessErrorUsesHttpStatus) {
  ServiceModel s3;
  s3.protocol = Protocol::kRestXml;
  AwsError error =
      ParseError(s3, OperationModel{}, HttpResponse{404, {{"x-amz-request-id", "R1"}}, ""});
  EXPECT_EQ(error.code, "NotFound");
  EXPECT_EQ(error.request_id, "R1");
  EXPECT_EQ(ErrorToStatus(error).code(), Code::kNotFound);
}

TEST(CodecResponses, JsonQueryErrorHeaderWins) {
  ServiceModel m;
  m.protocol = Protocol::kJson;
  HttpResponse response{400,
                        {{"x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender"},
                         {"x-amzn-RequestId", "abc"}},
                        R"({"__type": "com.amazon#QueueDoesNotExist", "message": "gone"})"};
  AwsError error = ParseError(m, OperationModel{}, response);
  EXPECT_EQ(error.code, "AWS.SimpleQueueService.NonExistentQueue");
  EXPECT_EQ(error.message, "gone");
  EXPECT_EQ(error.request_id, "abc");
}

TEST(CodecResponses, JsonErrorTypeNamespaceIsStripped) {
  ServiceModel m;
  m.protocol = Protocol::kJson;
  HttpResponse response{400, {}, R"({"__type": "com.amazonaws.ecs#ClusterNotFoundException",
                                     "message": "Cluster not found."})"};
  AwsError error = ParseError(m, OperationModel{}, response);
  EXPECT_EQ(error.code, "ClusterNotFoundException");
  EXPECT_EQ(ErrorToStatus(error).code(), Code::kNotFound);
}

struct MappingCase {
  std::string code;
  int http_status;
  std::string message;
  Code want;
};

TEST(CodecErrors, CodeMapping) {
  const std::vector<MappingCase> cases = {
      {"Throttling", 400, "Rate exceeded", Code::kUnavailable},
      {"ThrottlingException", 400, "", Code::kUnavailable},
      {"TooManyRequestsException", 429, "", Code::kUnavailable},
      {"SlowDown", 503, "", Code::kUnavailable},
      {"RequestTimeout", 400, "", Code::kUnavailable},
      {"InternalFailure", 500, "", Code::kUnavailable},
      {"Http502", 502, "", Code::kUnavailable},
      {"AccessDenied", 403, "", Code::kPermissionDenied},
      {"AccessDeniedException", 400, "", Code::kPermissionDenied},
      {"ExpiredToken", 400, "", Code::kUnauthenticated},
      {"ExpiredTokenException", 400, "", Code::kUnauthenticated},
      {"InvalidClientTokenId", 403, "", Code::kUnauthenticated},
      {"UnrecognizedClientException", 400, "", Code::kUnauthenticated},
      {"SignatureDoesNotMatch", 403, "", Code::kUnauthenticated},
      {"ValidationError", 400, "Template format error", Code::kInvalidArgument},
      {"ValidationError", 400, "Stack with id web does not exist", Code::kNotFound},
      {"ChangeSetNotFound", 404, "", Code::kNotFound},
      {"NoSuchKey", 404, "", Code::kNotFound},
      {"AlreadyExistsException", 400, "", Code::kAlreadyExists},
      {"InvalidChangeSetStatus", 400, "", Code::kFailedPrecondition},
      {"InsufficientCapabilitiesException", 400, "", Code::kFailedPrecondition},
      {"OperationInProgressException", 409, "", Code::kFailedPrecondition},
      {"InvalidParameterException", 400, "", Code::kInvalidArgument},
  };
  for (const MappingCase& c : cases) {
    AwsError error;
    error.code = c.code;
    error.http_status = c.http_status;
    error.message = c.message;
    EXPECT_EQ(ErrorToStatus(error).code(), c.want) << c.code << " " << c.message;
  }
}

TEST(CodecErrors, RetryableClassification) {
  AwsError throttled{"Throttling", "", "", 400, Json::object()};
  AwsError bad{"ValidationError", "", "", 400, Json::object()};
  AwsError gateway{"Http504", "", "", 504, Json::object()};
  EXPECT_TRUE(IsRetryableError(throttled));
  EXPECT_FALSE(IsRetryableError(bad));
  EXPECT_TRUE(IsRetryableError(gateway));
}

TEST(CodecRequests, QueryRequestForCloudFormation) {
  auto request = SerializeRequest(QueryModel(), DescribeStacks(),
                                  Json{{"StackName", "web prod"}, {"NextToken", "a/b="}});
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->method, "POST");
  EXPECT_EQ(request->path, "/");
  EXPECT_EQ(request->body,
            "Action=DescribeStacks&Version=2010-05-15&StackName=web%20prod&NextToken=a%2Fb%3D");
}

TEST(CodecRequests, RestXmlMissingLabelIsInvalidArgument) {
  ServiceModel s3;
  s3.protocol = Protocol::kRestXml;
  s3.shapes = ParseModelJson(R"({
    "In": {"type": "structure", "members": {
        "Bucket": {"shape": "S", "location": "uri", "locationName": "Bucket"}}},
    "S": {"type": "string"}})",
                             "m")
                  .value();
  OperationModel op;
  op.name = "HeadBucket";
  op.http_method = "HEAD";
  op.request_uri = "/{Bucket}";
  op.input_shape = "In";
  auto request = SerializeRequest(s3, op, Json::object());
  ASSERT_FALSE(request.ok());
  EXPECT_EQ(request.error().code(), Code::kInvalidArgument);
  EXPECT_EQ(request.error().message(), "URI label Bucket is required");
}

// Wrongly typed params are reported, never thrown (nlohmann's get<> would throw).
TEST(CodecRequests, WrongTypesAreInvalidArgument) {
  ServiceModel s3;
  s3.protocol = Protocol::kRestXml;
  s3.shapes = ParseModelJson(R"({
    "In": {"type": "structure", "members": {
        "Meta": {"shape": "M", "location": "headers", "locationName": "x-amz-meta-"},
        "Body": {"shape": "B"}}, "payload": "Body"},
    "M": {"type": "map", "key": {"shape": "S"}, "value": {"shape": "S"}},
    "B": {"type": "blob"},
    "S": {"type": "string"}})",
                             "m")
                  .value();
  OperationModel op;
  op.name = "Put";
  op.http_method = "PUT";
  op.request_uri = "/x";
  op.input_shape = "In";
  auto bad_meta = SerializeRequest(s3, op, Json{{"Meta", {{"a", 1}}}});
  ASSERT_FALSE(bad_meta.ok());
  EXPECT_EQ(bad_meta.error().message(), "Meta.a must be a string");
  auto bad_body = SerializeRequest(s3, op, Json{{"Body", 3}});
  ASSERT_FALSE(bad_body.ok());
  EXPECT_EQ(bad_body.error().code(), Code::kInvalidArgument);
}

TEST(CodecRequests, FractionalTimestampsKeepMilliseconds) {
  ServiceModel m;
  m.protocol = Protocol::kQuery;
  m.api_version = "1";
  m.shapes = ParseModelJson(R"({"In": {"type": "structure", "members": {
      "T": {"shape": "Ts"}}}, "Ts": {"type": "timestamp"}})",
                            "m")
                 .value();
  OperationModel op;
  op.name = "Op";
  op.input_shape = "In";
  auto request = SerializeRequest(m, op, Json{{"T", 1714557600.9996}});
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->body, "Action=Op&Version=1&T=2024-05-01T10%3A00%3A01Z");
  request = SerializeRequest(m, op, Json{{"T", 1714557600.25}});
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->body, "Action=Op&Version=1&T=2024-05-01T10%3A00%3A00.250Z");
}

TEST(CodecRequests, RequestUrlJoinsEndpointPathAndHostPrefix) {
  SerializedRequest request;
  request.path = "/a?b=c";
  request.host_prefix = "data.";
  auto url = RequestUrl("http://localhost:4566/base/", request);
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(*url, "http://data.localhost:4566/base/a?b=c");
}

}  // namespace
}  // namespace rex::aws
