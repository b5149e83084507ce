#include "aws/cloudformation.h"

#include <set>

namespace rex::aws {

namespace {

using base::Json;

Json StringList(const std::vector<std::string>& items) {
  Json out = Json::array();
  for (const auto& item : items) out.push_back(item);
  return out;
}

Json TagList(const std::vector<CfnTag>& tags) {
  Json out = Json::array();
  for (const auto& t : tags) out.push_back({{"Key", t.key}, {"Value", t.value}});
  return out;
}

std::vector<CfnParameter> ParseParameters(const Json& j) {
  std::vector<CfnParameter> out;
  for (const auto& p : JsonArray(j, "Parameters")) {
    out.push_back({JsonString(p, "ParameterKey"), JsonString(p, "ParameterValue"),
                   JsonBool(p, "UsePreviousValue")});
  }
  return out;
}

std::vector<CfnTag> ParseTags(const Json& j) {
  std::vector<CfnTag> out;
  for (const auto& t : JsonArray(j, "Tags"))
    out.push_back({JsonString(t, "Key"), JsonString(t, "Value")});
  return out;
}

CfnResourceChange ParseResourceChange(const Json& rc) {
  CfnResourceChange out;
  out.action = JsonString(rc, "Action");
  out.logical_resource_id = JsonString(rc, "LogicalResourceId");
  out.physical_resource_id = JsonString(rc, "PhysicalResourceId");
  out.resource_type = JsonString(rc, "ResourceType");
  out.replacement = JsonString(rc, "Replacement");
  out.scope = JsonStringList(rc, "Scope");
  for (const auto& d : JsonArray(rc, "Details")) {
    const Json& t = JsonObject(d, "Target");
    out.details.push_back(
        {{JsonString(t, "Attribute"), JsonString(t, "Name"), JsonString(t, "RequiresRecreation")},
         JsonString(d, "Evaluation"),
         JsonString(d, "ChangeSource"),
         JsonString(d, "CausingEntity")});
  }
  return out;
}

Stack ParseStack(const Json& s) {
  Stack out;
  out.stack_id = JsonString(s, "StackId");
  out.stack_name = JsonString(s, "StackName");
  out.change_set_id = JsonString(s, "ChangeSetId");
  out.description = JsonString(s, "Description");
  out.parameters = ParseParameters(s);
  out.creation_time = JsonTime(s, "CreationTime");
  out.last_updated_time = JsonTime(s, "LastUpdatedTime");
  out.deletion_time = JsonTime(s, "DeletionTime");
  out.stack_status = JsonString(s, "StackStatus");
  out.stack_status_reason = JsonString(s, "StackStatusReason");
  out.disable_rollback = JsonBool(s, "DisableRollback");
  out.capabilities = JsonStringList(s, "Capabilities");
  for (const auto& o : JsonArray(s, "Outputs")) {
    out.outputs.push_back({JsonString(o, "OutputKey"), JsonString(o, "OutputValue"),
                           JsonString(o, "Description"), JsonString(o, "ExportName")});
  }
  out.tags = ParseTags(s);
  out.role_arn = JsonString(s, "RoleARN");
  out.enable_termination_protection = JsonBool(s, "EnableTerminationProtection");
  out.parent_id = JsonString(s, "ParentId");
  out.root_id = JsonString(s, "RootId");
  return out;
}

StackEvent ParseEvent(const Json& e) {
  StackEvent out;
  out.stack_id = JsonString(e, "StackId");
  out.event_id = JsonString(e, "EventId");
  out.stack_name = JsonString(e, "StackName");
  out.logical_resource_id = JsonString(e, "LogicalResourceId");
  out.physical_resource_id = JsonString(e, "PhysicalResourceId");
  out.resource_type = JsonString(e, "ResourceType");
  out.timestamp = JsonTime(e, "Timestamp");
  out.resource_status = JsonString(e, "ResourceStatus");
  out.resource_status_reason = JsonString(e, "ResourceStatusReason");
  out.resource_properties = JsonString(e, "ResourceProperties");
  out.client_request_token = JsonString(e, "ClientRequestToken");
  return out;
}

// A paginated call must not loop forever on a service that repeats its token.
base::Status CheckToken(std::set<std::string>& seen, const std::string& token,
                        std::string_view what) {
  if (!seen.insert(token).second) {
    return base::Internal(std::string(what) + ": the service repeated page token " + token);
  }
  return base::Status::Ok();
}

}  // namespace

const LoadedModel& CloudFormationClient::Model() {
  static const LoadedModel* model = new LoadedModel(LoadModel(CloudformationModelJson()));
  return *model;
}

CloudFormationClient::CloudFormationClient(Endpoint endpoint, CredentialsProvider* credentials,
                                           HttpTransport& transport, base::Clock& clock,
                                           RetryOptions retry)
    : client_(Model().service, std::move(endpoint), credentials, transport, clock, retry) {}

base::Result<CreateChangeSetResult> CloudFormationClient::CreateChangeSet(
    const CreateChangeSetRequest& r) {
  Json p = {{"StackName", r.stack_name}, {"ChangeSetName", r.change_set_name}};
  if (!r.template_body.empty()) p["TemplateBody"] = r.template_body;
  if (!r.template_url.empty()) p["TemplateURL"] = r.template_url;
  if (r.use_previous_template) p["UsePreviousTemplate"] = true;
  if (!r.parameters.empty()) {
    Json params = Json::array();
    for (const auto& param : r.parameters) {
      Json one = {{"ParameterKey", param.key}};
      if (param.use_previous_value) {
        one["UsePreviousValue"] = true;
      } else {
        one["ParameterValue"] = param.value;
      }
      params.push_back(std::move(one));
    }
    p["Parameters"] = std::move(params);
  }
  if (!r.capabilities.empty()) p["Capabilities"] = StringList(r.capabilities);
  if (!r.change_set_type.empty()) p["ChangeSetType"] = r.change_set_type;
  if (!r.description.empty()) p["Description"] = r.description;
  if (!r.client_token.empty()) p["ClientToken"] = r.client_token;
  if (!r.role_arn.empty()) p["RoleARN"] = r.role_arn;
  if (!r.notification_arns.empty()) p["NotificationARNs"] = StringList(r.notification_arns);
  if (!r.tags.empty()) p["Tags"] = TagList(r.tags);
  if (r.include_nested_stacks) p["IncludeNestedStacks"] = *r.include_nested_stacks;
  static const OperationModel op = Model().Operation("CreateChangeSet");
  REX_ASSIGN_OR_RETURN(Json out, client_.Call(op, p, "create change set " + r.change_set_name));
  return CreateChangeSetResult{JsonString(out, "Id"), JsonString(out, "StackId")};
}

base::Result<ChangeSet> CloudFormationClient::DescribeChangeSet(const std::string& change_set_name,
                                                                const std::string& stack_name) {
  static const OperationModel op = Model().Operation("DescribeChangeSet");
  std::string what = "describe change set " + change_set_name;
  ChangeSet cs;
  std::string token;
  std::set<std::string> seen;
  for (bool first = true; first || !token.empty(); first = false) {
    Json p = {{"ChangeSetName", change_set_name}};
    if (!stack_name.empty()) p["StackName"] = stack_name;
    if (!token.empty()) p["NextToken"] = token;
    REX_ASSIGN_OR_RETURN(Json out, client_.Call(op, p, what));
    if (first) {
      cs.change_set_name = JsonString(out, "ChangeSetName");
      cs.change_set_id = JsonString(out, "ChangeSetId");
      cs.stack_id = JsonString(out, "StackId");
      cs.stack_name = JsonString(out, "StackName");
      cs.description = JsonString(out, "Description");
      cs.parameters = ParseParameters(out);
      cs.creation_time = JsonTime(out, "CreationTime");
      cs.execution_status = JsonString(out, "ExecutionStatus");
      cs.status = JsonString(out, "Status");
      cs.status_reason = JsonString(out, "StatusReason");
      cs.capabilities = JsonStringList(out, "Capabilities");
      cs.tags = ParseTags(out);
    }
    for (const auto& change : JsonArray(out, "Changes")) {
      cs.changes.push_back(ParseResourceChange(JsonObject(change, "ResourceChange")));
    }
    token = JsonString(out, "NextToken");
    if (!token.empty()) REX_RETURN_IF_ERROR(CheckToken(seen, token, what));
  }
  return cs;
}

base::Status CloudFormationClient::ExecuteChangeSet(const std::string& change_set_name,
                                                    const std::string& stack_name,
                                                    const std::string& client_request_token,
                                                    std::optional<bool> disable_rollback) {
  static const OperationModel op = Model().Operation("ExecuteChangeSet");
  Json p = {{"ChangeSetName", change_set_name}};
  if (!stack_name.empty()) p["StackName"] = stack_name;
  if (!client_request_token.empty()) p["ClientRequestToken"] = client_request_token;
  if (disable_rollback) p["DisableRollback"] = *disable_rollback;
  return client_.Call(op, p, "execute change set " + change_set_name).status();
}

base::Status CloudFormationClient::DeleteChangeSet(const std::string& change_set_name,
                                                   const std::string& stack_name) {
  static const OperationModel op = Model().Operation("DeleteChangeSet");
  Json p = {{"ChangeSetName", change_set_name}};
  if (!stack_name.empty()) p["StackName"] = stack_name;
  return client_.Call(op, p, "delete change set " + change_set_name).status();
}

base::Result<std::vector<Stack>> CloudFormationClient::DescribeStacks(
    const std::string& stack_name) {
  static const OperationModel op = Model().Operation("DescribeStacks");
  std::string what = stack_name.empty() ? "describe stacks" : "describe stack " + stack_name;
  std::vector<Stack> stacks;
  std::string token;
  std::set<std::string> seen;
  for (bool first = true; first || !token.empty(); first = false) {
    Json p = Json::object();
    if (!stack_name.empty()) p["StackName"] = stack_name;
    if (!token.empty()) p["NextToken"] = token;
    REX_ASSIGN_OR_RETURN(Json out, client_.Call(op, p, what));
    for (const auto& s : JsonArray(out, "Stacks")) stacks.push_back(ParseStack(s));
    token = JsonString(out, "NextToken");
    if (!token.empty()) REX_RETURN_IF_ERROR(CheckToken(seen, token, what));
  }
  return stacks;
}

base::Result<StackEventsPage> CloudFormationClient::DescribeStackEvents(
    const std::string& stack_name, const std::string& next_token) {
  static const OperationModel op = Model().Operation("DescribeStackEvents");
  Json p = {{"StackName", stack_name}};
  if (!next_token.empty()) p["NextToken"] = next_token;
  REX_ASSIGN_OR_RETURN(Json out, client_.Call(op, p, "describe stack events of " + stack_name));
  StackEventsPage page;
  for (const auto& e : JsonArray(out, "StackEvents")) page.events.push_back(ParseEvent(e));
  page.next_token = JsonString(out, "NextToken");
  return page;
}

base::Status CloudFormationClient::DeleteStack(const std::string& stack_name,
                                               const std::vector<std::string>& retain_resources,
                                               const std::string& role_arn,
                                               const std::string& client_request_token) {
  static const OperationModel op = Model().Operation("DeleteStack");
  Json p = {{"StackName", stack_name}};
  if (!retain_resources.empty()) p["RetainResources"] = StringList(retain_resources);
  if (!role_arn.empty()) p["RoleARN"] = role_arn;
  if (!client_request_token.empty()) p["ClientRequestToken"] = client_request_token;
  return client_.Call(op, p, "delete stack " + stack_name).status();
}

base::Result<GetTemplateResult> CloudFormationClient::GetTemplate(
    const std::string& stack_name, const std::string& change_set_name, const std::string& stage) {
  static const OperationModel op = Model().Operation("GetTemplate");
  Json p = {{"StackName", stack_name}};
  if (!change_set_name.empty()) p["ChangeSetName"] = change_set_name;
  if (!stage.empty()) p["TemplateStage"] = stage;
  REX_ASSIGN_OR_RETURN(Json out, client_.Call(op, p, "get template of " + stack_name));
  return GetTemplateResult{JsonString(out, "TemplateBody"), JsonStringList(out, "StagesAvailable")};
}

base::Result<std::vector<StackResourceSummary>> CloudFormationClient::ListStackResources(
    const std::string& stack_name) {
  static const OperationModel op = Model().Operation("ListStackResources");
  std::string what = "list resources of stack " + stack_name;
  std::vector<StackResourceSummary> resources;
  std::string token;
  std::set<std::string> seen;
  for (bool first = true; first || !token.empty(); first = false) {
    Json p = {{"StackName", stack_name}};
    if (!token.empty()) p["NextToken"] = token;
    REX_ASSIGN_OR_RETURN(Json out, client_.Call(op, p, what));
    for (const auto& r : JsonArray(out, "StackResourceSummaries")) {
      resources.push_back({JsonString(r, "LogicalResourceId"), JsonString(r, "PhysicalResourceId"),
                           JsonString(r, "ResourceType"), JsonTime(r, "LastUpdatedTimestamp"),
                           JsonString(r, "ResourceStatus"), JsonString(r, "ResourceStatusReason")});
    }
    token = JsonString(out, "NextToken");
    if (!token.empty()) REX_RETURN_IF_ERROR(CheckToken(seen, token, what));
  }
  return resources;
}

base::Result<ValidateTemplateResult> CloudFormationClient::ValidateTemplate(
    const std::string& template_body, const std::string& template_url) {
  static const OperationModel op = Model().Operation("ValidateTemplate");
  Json p = Json::object();
  if (!template_body.empty()) {
    p["TemplateBody"] = template_body;
  } else {
    p["TemplateURL"] = template_url;
  }
  REX_ASSIGN_OR_RETURN(Json out, client_.Call(op, p, "validate template"));
  ValidateTemplateResult result;
  for (const auto& tp : JsonArray(out, "Parameters")) {
    result.parameters.push_back({JsonString(tp, "ParameterKey"), JsonString(tp, "DefaultValue"),
                                 JsonBool(tp, "NoEcho"), JsonString(tp, "Description")});
  }
  result.description = JsonString(out, "Description");
  result.capabilities = JsonStringList(out, "Capabilities");
  result.capabilities_reason = JsonString(out, "CapabilitiesReason");
  result.declared_transforms = JsonStringList(out, "DeclaredTransforms");
  return result;
}

base::Status CloudFormationClient::ContinueUpdateRollback(
    const std::string& stack_name, const std::vector<std::string>& resources_to_skip,
    const std::string& role_arn, const std::string& client_request_token) {
  static const OperationModel op = Model().Operation("ContinueUpdateRollback");
  Json p = {{"StackName", stack_name}};
  if (!resources_to_skip.empty()) p["ResourcesToSkip"] = StringList(resources_to_skip);
  if (!role_arn.empty()) p["RoleARN"] = role_arn;
  if (!client_request_token.empty()) p["ClientRequestToken"] = client_request_token;
  return client_.Call(op, p, "continue update rollback of " + stack_name).status();
}

}  // namespace rex::aws
