// CloudFormationClient: request encoding and response decoding with canned bodies.
#include "aws/cloudformation.h"

#include <gtest/gtest.h>

#include "base/files.h"
#include "support/fake_clock.h"
#include "support/fake_transport.h"

namespace rex::aws {
namespace {

using base::Code;
using rex::testing::FakeClock;
using rex::testing::FakeTransport;

std::string Wrap(const std::string& op, const std::string& result) {
  return "<" + op + "Response xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\"><" +
         op + "Result>" + result + "</" + op + "Result><ResponseMetadata><RequestId>rid" +
         "</RequestId></ResponseMetadata></" + op + "Response>";
}

class CloudFormationTest : public ::testing::Test {
 protected:
  StaticCredentialsProvider credentials_{Credentials{"AKID", "secret", "", {}}};
  FakeTransport transport_;
  FakeClock clock_;
  CloudFormationClient cfn_{
      Endpoint{"https://cloudformation.eu-west-1.amazonaws.com", "eu-west-1", "cloudformation"},
      &credentials_, transport_, clock_};
};

TEST_F(CloudFormationTest, CreateChangeSetEncoding) {
  transport_.Respond(200,
                     Wrap("CreateChangeSet", "<Id>arn:cs/1</Id><StackId>arn:stack/web</StackId>"));
  CreateChangeSetRequest request{
      .stack_name = "web",
      .change_set_name = "rex-1",
      .template_body = "{\"Resources\":{}}",
      .parameters = {{.key = "DbPassword", .value = "p&ss"},
                     {.key = "Old", .use_previous_value = true}},
      .capabilities = {"CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"},
      .change_set_type = "CREATE",
      .client_token = "tok-1",
      .tags = {{"project", "rex"}},
  };
  auto result = cfn_.CreateChangeSet(request);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(result->id, "arn:cs/1");
  EXPECT_EQ(result->stack_id, "arn:stack/web");
  EXPECT_EQ(transport_.requests()[0].body,
            "Action=CreateChangeSet&Version=2010-05-15&StackName=web"
            "&TemplateBody=%7B%22Resources%22%3A%7B%7D%7D"
            "&Parameters.member.1.ParameterKey=DbPassword&Parameters.member.1.ParameterValue=p%26ss"
            "&Parameters.member.2.ParameterKey=Old&Parameters.member.2.UsePreviousValue=true"
            "&Capabilities.member.1=CAPABILITY_IAM&Capabilities.member.2=CAPABILITY_NAMED_IAM"
            "&Tags.member.1.Key=project&Tags.member.1.Value=rex"
            "&ChangeSetName=rex-1&ClientToken=tok-1&ChangeSetType=CREATE");
}

TEST_F(CloudFormationTest, DescribeChangeSetFollowsPages) {
  transport_.Respond(
      200, Wrap("DescribeChangeSet",
                "<ChangeSetName>rex-1</ChangeSetName><Status>CREATE_COMPLETE</Status>"
                "<ExecutionStatus>AVAILABLE</ExecutionStatus>"
                "<CreationTime>2024-05-01T10:00:00.123Z</CreationTime>"
                "<Changes><member><Type>Resource</Type><ResourceChange>"
                "<Action>Modify</Action><LogicalResourceId>DbCluster</LogicalResourceId>"
                "<ResourceType>AWS::RDS::DBCluster</ResourceType>"
                "<Replacement>True</Replacement><Scope><member>Properties</member></Scope>"
                "<Details><member><Target><Attribute>Properties</Attribute>"
                "<Name>DBClusterIdentifier</Name><RequiresRecreation>Always"
                "</RequiresRecreation></Target><Evaluation>Static</Evaluation>"
                "<ChangeSource>DirectModification</ChangeSource></member></Details>"
                "</ResourceChange></member></Changes><NextToken>page2</NextToken>"));
  transport_.Respond(200,
                     Wrap("DescribeChangeSet",
                          "<ChangeSetName>rex-1</ChangeSetName><Changes><member><ResourceChange>"
                          "<Action>Add</Action><LogicalResourceId>Bucket</LogicalResourceId>"
                          "</ResourceChange></member></Changes>"));
  auto cs = cfn_.DescribeChangeSet("rex-1", "web");
  ASSERT_TRUE(cs.ok()) << cs.error().ToString();
  EXPECT_EQ(cs->status, "CREATE_COMPLETE");
  EXPECT_EQ(cs->execution_status, "AVAILABLE");
  ASSERT_TRUE(cs->creation_time.has_value());
  EXPECT_EQ(FormatIso8601(*cs->creation_time), "2024-05-01T10:00:00Z");
  ASSERT_EQ(cs->changes.size(), 2u);
  EXPECT_EQ(cs->changes[0].action, "Modify");
  EXPECT_EQ(cs->changes[0].replacement, "True");
  EXPECT_EQ(cs->changes[0].scope, std::vector<std::string>{"Properties"});
  ASSERT_EQ(cs->changes[0].details.size(), 1u);
  EXPECT_EQ(cs->changes[0].details[0].target.name, "DBClusterIdentifier");
  EXPECT_EQ(cs->changes[0].details[0].target.requires_recreation, "Always");
  EXPECT_EQ(cs->changes[1].logical_resource_id, "Bucket");
  EXPECT_EQ(transport_.requests()[1].body,
            "Action=DescribeChangeSet&Version=2010-05-15&ChangeSetName=rex-1&StackName=web"
            "&NextToken=page2");
}

TEST_F(CloudFormationTest, DescribeStacksDecodesOutputs) {
  transport_.Respond(200,
                     Wrap("DescribeStacks",
                          "<Stacks><member><StackId>arn:stack/web</StackId>"
                          "<StackName>web</StackName><StackStatus>UPDATE_COMPLETE</StackStatus>"
                          "<CreationTime>2024-05-01T10:00:00Z</CreationTime>"
                          "<DisableRollback>false</DisableRollback>"
                          "<Outputs><member><OutputKey>Url</OutputKey><OutputValue>https://x"
                          "</OutputValue><ExportName>web-url</ExportName></member></Outputs>"
                          "<Tags><member><Key>a</Key><Value>b</Value></member></Tags>"
                          "</member></Stacks>"));
  auto stacks = cfn_.DescribeStacks("web");
  ASSERT_TRUE(stacks.ok()) << stacks.error().ToString();
  ASSERT_EQ(stacks->size(), 1u);
  const Stack& s = (*stacks)[0];
  EXPECT_EQ(s.stack_status, "UPDATE_COMPLETE");
  ASSERT_EQ(s.outputs.size(), 1u);
  EXPECT_EQ(s.outputs[0].key, "Url");
  EXPECT_EQ(s.outputs[0].value, "https://x");
  EXPECT_EQ(s.outputs[0].export_name, "web-url");
  ASSERT_EQ(s.tags.size(), 1u);
  EXPECT_EQ(s.tags[0].value, "b");
}

TEST_F(CloudFormationTest, MissingStackIsNotFound) {
  auto body = base::ReadFile(std::string(REX_FIXTURES_DIR) +
                             "/aws-responses/cloudformation-error-validation.xml");
  ASSERT_TRUE(body.ok());
  transport_.Respond(400, *body);
  auto stacks = cfn_.DescribeStacks("foobar");
  ASSERT_FALSE(stacks.ok());
  EXPECT_EQ(stacks.error().code(), Code::kNotFound);
  EXPECT_EQ(stacks.error().message(),
            "describe stack foobar: ValidationError (HTTP 400, request "
            "21113b58-b7e4-11e2-91fa-05ec834fa451): Stack: foobar does not exist");
}

TEST_F(CloudFormationTest, EmptyStackListFromSample) {
  auto body = base::ReadFile(std::string(REX_FIXTURES_DIR) +
                             "/aws-responses/cloudformation-describe-stacks-empty.xml");
  ASSERT_TRUE(body.ok());
  transport_.Respond(200, *body);
  auto stacks = cfn_.DescribeStacks();
  ASSERT_TRUE(stacks.ok()) << stacks.error().ToString();
  EXPECT_TRUE(stacks->empty());
  EXPECT_EQ(transport_.requests()[0].body, "Action=DescribeStacks&Version=2010-05-15");
}

TEST_F(CloudFormationTest, DescribeStackEventsPage) {
  transport_.Respond(200,
                     Wrap("DescribeStackEvents",
                          "<StackEvents><member><EventId>e2</EventId><StackName>web</StackName>"
                          "<LogicalResourceId>Bucket</LogicalResourceId>"
                          "<ResourceStatus>CREATE_FAILED</ResourceStatus>"
                          "<ResourceStatusReason>Bucket exists</ResourceStatusReason>"
                          "<Timestamp>2024-05-01T10:00:05Z</Timestamp></member>"
                          "<member><EventId>e1</EventId></member></StackEvents>"
                          "<NextToken>more</NextToken>"));
  auto page = cfn_.DescribeStackEvents("web");
  ASSERT_TRUE(page.ok()) << page.error().ToString();
  ASSERT_EQ(page->events.size(), 2u);
  EXPECT_EQ(page->events[0].event_id, "e2");
  EXPECT_EQ(page->events[0].resource_status_reason, "Bucket exists");
  EXPECT_EQ(FormatIso8601(*page->events[0].timestamp), "2024-05-01T10:00:05Z");
  EXPECT_EQ(page->next_token, "more");
}

TEST_F(CloudFormationTest, ExecuteDeleteAndRollbackEncoding) {
  transport_.Respond(200, Wrap("ExecuteChangeSet", ""))
      .Respond(200, Wrap("DeleteChangeSet", ""))
      .Respond(200,
               "<DeleteStackResponse><ResponseMetadata><RequestId>x</RequestId>"
               "</ResponseMetadata></DeleteStackResponse>")
      .Respond(200, Wrap("ContinueUpdateRollback", ""));
  ASSERT_TRUE(cfn_.ExecuteChangeSet("rex-1", "web", "tok", false).ok());
  ASSERT_TRUE(cfn_.DeleteChangeSet("rex-1", "web").ok());
  ASSERT_TRUE(cfn_.DeleteStack("web", {"Db"}, "", "tok2").ok());
  ASSERT_TRUE(cfn_.ContinueUpdateRollback("web", {"Cache"}).ok());
  auto sent = transport_.requests();
  EXPECT_EQ(sent[0].body,
            "Action=ExecuteChangeSet&Version=2010-05-15&ChangeSetName=rex-1&StackName=web"
            "&ClientRequestToken=tok&DisableRollback=false");
  EXPECT_EQ(sent[1].body,
            "Action=DeleteChangeSet&Version=2010-05-15&ChangeSetName=rex-1&StackName=web");
  EXPECT_EQ(sent[2].body,
            "Action=DeleteStack&Version=2010-05-15&StackName=web&RetainResources.member.1=Db"
            "&ClientRequestToken=tok2");
  EXPECT_EQ(sent[3].body,
            "Action=ContinueUpdateRollback&Version=2010-05-15&StackName=web"
            "&ResourcesToSkip.member.1=Cache");
}

TEST_F(CloudFormationTest, InvalidChangeSetStatusIsFailedPrecondition) {
  transport_.Respond(
      400,
      "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidChangeSetStatus</Code>"
      "<Message>ChangeSet [rex-1] cannot be executed in its current status of "
      "[CREATE_IN_PROGRESS]</Message></Error><RequestId>r</RequestId></ErrorResponse>");
  base::Status status = cfn_.ExecuteChangeSet("rex-1", "web");
  EXPECT_EQ(status.code(), Code::kFailedPrecondition);
  EXPECT_EQ(status.aws().service_code, "InvalidChangeSetStatus");
}

TEST_F(CloudFormationTest, TemplateCalls) {
  transport_.Respond(200,
                     Wrap("GetTemplate",
                          "<TemplateBody>{\"Resources\":{}}</TemplateBody><StagesAvailable>"
                          "<member>Original</member><member>Processed</member></StagesAvailable>"));
  transport_.Respond(200, Wrap("ValidateTemplate",
                               "<Parameters><member><ParameterKey>DbPassword</ParameterKey>"
                               "<NoEcho>true</NoEcho></member></Parameters>"
                               "<Capabilities><member>CAPABILITY_IAM</member></Capabilities>"
                               "<CapabilitiesReason>IAM role</CapabilitiesReason>"));
  auto tpl = cfn_.GetTemplate("web", "", "Original");
  ASSERT_TRUE(tpl.ok()) << tpl.error().ToString();
  EXPECT_EQ(tpl->template_body, "{\"Resources\":{}}");
  EXPECT_EQ(tpl->stages_available.size(), 2u);
  auto valid = cfn_.ValidateTemplate("{}");
  ASSERT_TRUE(valid.ok()) << valid.error().ToString();
  ASSERT_EQ(valid->parameters.size(), 1u);
  EXPECT_TRUE(valid->parameters[0].no_echo);
  EXPECT_EQ(valid->capabilities, std::vector<std::string>{"CAPABILITY_IAM"});
  EXPECT_EQ(transport_.requests()[0].body,
            "Action=GetTemplate&Version=2010-05-15&StackName=web&TemplateStage=Original");
  EXPECT_EQ(transport_.requests()[1].body,
            "Action=ValidateTemplate&Version=2010-05-15&TemplateBody=%7B%7D");
}

TEST_F(CloudFormationTest, ListStackResourcesReadsEveryPage) {
  transport_.Respond(200, Wrap("ListStackResources",
                               "<StackResourceSummaries><member>"
                               "<LogicalResourceId>ComputeApiService</LogicalResourceId>"
                               "<PhysicalResourceId>arn:aws:ecs:eu-west-1:1:service/c/api"
                               "</PhysicalResourceId>"
                               "<ResourceType>AWS::ECS::Service</ResourceType>"
                               "<LastUpdatedTimestamp>2024-05-01T10:00:05Z</LastUpdatedTimestamp>"
                               "<ResourceStatus>CREATE_COMPLETE</ResourceStatus>"
                               "</member></StackResourceSummaries><NextToken>p2</NextToken>"));
  transport_.Respond(200, Wrap("ListStackResources",
                               "<StackResourceSummaries><member>"
                               "<LogicalResourceId>MonitoringApiLogGroup</LogicalResourceId>"
                               "<PhysicalResourceId>/rex/dev/api</PhysicalResourceId>"
                               "<ResourceType>AWS::Logs::LogGroup</ResourceType>"
                               "<ResourceStatus>UPDATE_FAILED</ResourceStatus>"
                               "<ResourceStatusReason>quota</ResourceStatusReason>"
                               "</member></StackResourceSummaries>"));
  auto resources = cfn_.ListStackResources("web");
  ASSERT_TRUE(resources.ok()) << resources.error().ToString();
  ASSERT_EQ(resources->size(), 2u);
  EXPECT_EQ((*resources)[0].logical_resource_id, "ComputeApiService");
  EXPECT_EQ((*resources)[0].physical_resource_id, "arn:aws:ecs:eu-west-1:1:service/c/api");
  EXPECT_EQ((*resources)[0].resource_type, "AWS::ECS::Service");
  EXPECT_TRUE((*resources)[0].last_updated_timestamp.has_value());
  EXPECT_EQ((*resources)[1].resource_status, "UPDATE_FAILED");
  EXPECT_EQ((*resources)[1].resource_status_reason, "quota");
  ASSERT_EQ(transport_.requests().size(), 2u);
  EXPECT_EQ(transport_.requests()[0].body,
            "Action=ListStackResources&Version=2010-05-15&StackName=web");
  EXPECT_EQ(transport_.requests()[1].body,
            "Action=ListStackResources&Version=2010-05-15&StackName=web&NextToken=p2");
}

}  // namespace
}  // namespace rex::aws
