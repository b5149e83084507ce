#pragma once

#include <optional>
#include <string>
#include <vector>

#include "aws/client.h"
#include "aws/service_models.h"
#include "aws/typed.h"

// AWS CloudFormation (query protocol, 2010-05-15): the change-set lifecycle and the stack
// reads rex deploys through. Field names follow the API in snake_case; an empty string or
// nullopt means "not sent" in requests and "absent" in responses.
namespace rex::aws {

struct CfnParameter {
  std::string key;
  std::string value = {};
  bool use_previous_value = false;
};

struct CfnTag {
  std::string key;
  std::string value;
};

struct CreateChangeSetRequest {
  std::string stack_name;
  std::string change_set_name;     // [a-zA-Z][-a-zA-Z0-9]*, ≤128
  std::string template_body = {};  // ≤51,200 bytes; else use template_url
  std::string template_url = {};
  bool use_previous_template = false;
  std::vector<CfnParameter> parameters = {};
  std::vector<std::string> capabilities = {};  // CAPABILITY_IAM, CAPABILITY_NAMED_IAM, ...
  std::string change_set_type = {};            // CREATE | UPDATE | IMPORT. Default: UPDATE.
  std::string description = {};
  std::string client_token = {};  // idempotency: a retry never makes a second change set
  std::string role_arn = {};
  std::vector<std::string> notification_arns = {};
  std::vector<CfnTag> tags = {};
  std::optional<bool> include_nested_stacks = {};
};

struct CreateChangeSetResult {
  std::string id;  // change set ARN
  std::string stack_id;
};

struct CfnResourceTarget {
  std::string attribute;            // Properties | Metadata | Tags | ...
  std::string name;                 // property name
  std::string requires_recreation;  // Never | Conditionally | Always
};

struct CfnResourceChangeDetail {
  CfnResourceTarget target;
  std::string evaluation;     // Static | Dynamic
  std::string change_source;  // ResourceReference | ParameterReference | DirectModification ...
  std::string causing_entity;
};

struct CfnResourceChange {
  std::string action;  // Add | Modify | Remove | Import | Dynamic
  std::string logical_resource_id;
  std::string physical_resource_id;
  std::string resource_type;
  std::string replacement;  // True | False | Conditional
  std::vector<std::string> scope;
  std::vector<CfnResourceChangeDetail> details;
};

struct ChangeSet {
  std::string change_set_name;
  std::string change_set_id;
  std::string stack_id;
  std::string stack_name;
  std::string description;
  std::vector<CfnParameter> parameters;
  std::optional<TimePoint> creation_time;
  std::string execution_status;  // UNAVAILABLE | AVAILABLE | EXECUTE_* | OBSOLETE
  std::string status;  // CREATE_PENDING | CREATE_IN_PROGRESS | CREATE_COMPLETE | FAILED ...
  std::string status_reason;
  std::vector<std::string> capabilities;
  std::vector<CfnTag> tags;
  std::vector<CfnResourceChange> changes;  // every page
};

struct CfnOutput {
  std::string key;
  std::string value;
  std::string description;
  std::string export_name;
};

struct Stack {
  std::string stack_id;
  std::string stack_name;
  std::string change_set_id;
  std::string description;
  std::vector<CfnParameter> parameters;
  std::optional<TimePoint> creation_time;
  std::optional<TimePoint> last_updated_time;
  std::optional<TimePoint> deletion_time;
  std::string stack_status;
  std::string stack_status_reason;
  bool disable_rollback = false;
  std::vector<std::string> capabilities;
  std::vector<CfnOutput> outputs;
  std::vector<CfnTag> tags;
  std::string role_arn;
  bool enable_termination_protection = false;
  std::string parent_id;
  std::string root_id;
};

struct StackEvent {
  std::string stack_id;
  std::string event_id;
  std::string stack_name;
  std::string logical_resource_id;
  std::string physical_resource_id;
  std::string resource_type;
  std::optional<TimePoint> timestamp;
  std::string resource_status;
  std::string resource_status_reason;
  std::string resource_properties;
  std::string client_request_token;
};

struct StackEventsPage {
  std::vector<StackEvent> events;  // newest first, as CloudFormation returns them
  std::string next_token;          // empty on the last page
};

struct TemplateParameter {
  std::string key;
  std::string default_value;
  bool no_echo = false;
  std::string description;
};

struct ValidateTemplateResult {
  std::vector<TemplateParameter> parameters;
  std::string description;
  std::vector<std::string> capabilities;
  std::string capabilities_reason;
  std::vector<std::string> declared_transforms;
};

// One resource of a stack (ListStackResources' StackResourceSummary).
struct StackResourceSummary {
  std::string logical_resource_id;
  std::string physical_resource_id;  // an ARN, a name or an id, as the resource type has it
  std::string resource_type;
  std::optional<TimePoint> last_updated_timestamp;
  std::string resource_status;
  std::string resource_status_reason;
};

struct GetTemplateResult {
  std::string template_body;
  std::vector<std::string> stages_available;
};

class CloudFormationClient {
 public:
  static const LoadedModel& Model();

  // `credentials`, `transport` and `clock` must outlive the client.
  CloudFormationClient(Endpoint endpoint, CredentialsProvider* credentials,
                       HttpTransport& transport, base::Clock& clock, RetryOptions retry = {});

  // Errors: as AwsClient::Call, e.g. kAlreadyExists (AlreadyExistsException: a change set
  // of that name exists), kFailedPrecondition (InsufficientCapabilitiesException),
  // kInvalidArgument (ValidationError: bad template). Context "create change set <name>".
  base::Result<CreateChangeSetResult> CreateChangeSet(const CreateChangeSetRequest& request);
  // Follows NextToken until every change is read. kNotFound for ChangeSetNotFound.
  base::Result<ChangeSet> DescribeChangeSet(const std::string& change_set_name,
                                            const std::string& stack_name = "");
  // kFailedPrecondition for InvalidChangeSetStatus.
  base::Status ExecuteChangeSet(const std::string& change_set_name, const std::string& stack_name,
                                const std::string& client_request_token = "",
                                std::optional<bool> disable_rollback = {});
  base::Status DeleteChangeSet(const std::string& change_set_name,
                               const std::string& stack_name = "");
  // All stacks (every page), or the one named. kNotFound when `stack_name` does not exist
  // ("Stack with id X does not exist").
  base::Result<std::vector<Stack>> DescribeStacks(const std::string& stack_name = "");
  // One page of events, newest first. Pass the previous page's next_token to go on.
  base::Result<StackEventsPage> DescribeStackEvents(const std::string& stack_name,
                                                    const std::string& next_token = "");
  base::Status DeleteStack(const std::string& stack_name,
                           const std::vector<std::string>& retain_resources = {},
                           const std::string& role_arn = "",
                           const std::string& client_request_token = "");
  // `stage`: "Original" or "Processed" (default). kNotFound if the stack does not exist.
  base::Result<GetTemplateResult> GetTemplate(const std::string& stack_name,
                                              const std::string& change_set_name = "",
                                              const std::string& stage = "");
  // Every resource of the stack (every page). kNotFound if the stack does not exist.
  base::Result<std::vector<StackResourceSummary>> ListStackResources(const std::string& stack_name);
  // Exactly one of `template_body` / `template_url` should be set (body wins).
  base::Result<ValidateTemplateResult> ValidateTemplate(const std::string& template_body,
                                                        const std::string& template_url = "");
  base::Status ContinueUpdateRollback(const std::string& stack_name,
                                      const std::vector<std::string>& resources_to_skip = {},
                                      const std::string& role_arn = "",
                                      const std::string& client_request_token = "");

  AwsClient& client() { return client_; }

 private:
  AwsClient client_;
};

}  // namespace rex::aws
