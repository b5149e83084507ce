#include "aws/sts.h"

#include "aws/typed.h"

namespace rex::aws {

namespace {

constexpr std::string_view kShapes = R"({
  "GetCallerIdentityRequest": {"type": "structure", "members": {}},
  "GetCallerIdentityResponse": {"type": "structure", "members": {
    "UserId": {"shape": "String"}, "Account": {"shape": "String"}, "Arn": {"shape": "String"}}},
  "AssumeRoleRequest": {"type": "structure", "members": {
    "RoleArn": {"shape": "String"}, "RoleSessionName": {"shape": "String"},
    "DurationSeconds": {"shape": "Integer"}, "ExternalId": {"shape": "String"}}},
  "AssumeRoleWithWebIdentityRequest": {"type": "structure", "members": {
    "RoleArn": {"shape": "String"}, "RoleSessionName": {"shape": "String"},
    "WebIdentityToken": {"shape": "String"}, "DurationSeconds": {"shape": "Integer"}}},
  "AssumeRoleResponse": {"type": "structure", "members": {
    "Credentials": {"shape": "Credentials"}, "AssumedRoleUser": {"shape": "AssumedRoleUser"}}},
  "Credentials": {"type": "structure", "members": {
    "AccessKeyId": {"shape": "String"}, "SecretAccessKey": {"shape": "String"},
    "SessionToken": {"shape": "String"}, "Expiration": {"shape": "Timestamp"}}},
  "AssumedRoleUser": {"type": "structure", "members": {
    "AssumedRoleId": {"shape": "String"}, "Arn": {"shape": "String"}}},
  "String": {"type": "string"},
  "Integer": {"type": "integer"},
  "Timestamp": {"type": "timestamp"}
})";

OperationModel Op(const char* name, const char* input, const char* output) {
  OperationModel op;
  op.name = name;
  op.input_shape = input;
  op.output_shape = output;
  return op;
}

base::Result<AssumedRole> ToAssumedRole(const base::Json& out, std::string_view what) {
  const base::Json& c = JsonObject(out, "Credentials");
  AssumedRole role;
  role.credentials.access_key_id = JsonString(c, "AccessKeyId");
  role.credentials.secret_access_key = JsonString(c, "SecretAccessKey");
  role.credentials.session_token = JsonString(c, "SessionToken");
  role.credentials.expiration = JsonTime(c, "Expiration");
  if (role.credentials.access_key_id.empty() || role.credentials.secret_access_key.empty()) {
    return base::InvalidArgument(std::string(what) + ": the response holds no credentials");
  }
  const base::Json& user = JsonObject(out, "AssumedRoleUser");
  role.assumed_role_arn = JsonString(user, "Arn");
  role.assumed_role_id = JsonString(user, "AssumedRoleId");
  return role;
}

}  // namespace

const ServiceModel& StsClient::Model() {
  static const ServiceModel* model = [] {
    auto* m = new ServiceModel();
    m->protocol = Protocol::kQuery;
    m->api_version = "2011-06-15";
    m->shapes = MustParseModel(kShapes);
    return m;
  }();
  return *model;
}

StsClient::StsClient(Endpoint endpoint, CredentialsProvider* credentials, HttpTransport& transport,
                     base::Clock& clock, RetryOptions retry)
    : client_(Model(), std::move(endpoint), credentials, transport, clock, retry) {}

base::Result<CallerIdentity> StsClient::GetCallerIdentity() {
  static const OperationModel op =
      Op("GetCallerIdentity", "GetCallerIdentityRequest", "GetCallerIdentityResponse");
  REX_ASSIGN_OR_RETURN(base::Json out,
                       client_.Call(op, base::Json::object(), "get caller identity"));
  return CallerIdentity{JsonString(out, "Account"), JsonString(out, "Arn"),
                        JsonString(out, "UserId")};
}

base::Result<AssumedRole> StsClient::AssumeRole(const AssumeRoleRequest& request) {
  static const OperationModel op = Op("AssumeRole", "AssumeRoleRequest", "AssumeRoleResponse");
  base::Json params = {{"RoleArn", request.role_arn},
                       {"RoleSessionName", request.role_session_name}};
  if (request.duration_seconds) params["DurationSeconds"] = *request.duration_seconds;
  if (!request.external_id.empty()) params["ExternalId"] = request.external_id;
  std::string what = "assume role " + request.role_arn;
  REX_ASSIGN_OR_RETURN(base::Json out, client_.Call(op, params, what));
  return ToAssumedRole(out, what);
}

base::Result<AssumedRole> StsClient::AssumeRoleWithWebIdentity(
    const AssumeRoleWithWebIdentityRequest& request) {
  static const OperationModel op =
      Op("AssumeRoleWithWebIdentity", "AssumeRoleWithWebIdentityRequest", "AssumeRoleResponse");
  base::Json params = {{"RoleArn", request.role_arn},
                       {"RoleSessionName", request.role_session_name},
                       {"WebIdentityToken", request.web_identity_token}};
  if (request.duration_seconds) params["DurationSeconds"] = *request.duration_seconds;
  std::string what = "assume role " + request.role_arn + " with web identity";
  REX_ASSIGN_OR_RETURN(base::Json out,
                       client_.Call(op, params, what, CallOptions{.unsigned_request = true}));
  return ToAssumedRole(out, what);
}

}  // namespace rex::aws
