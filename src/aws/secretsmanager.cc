#include "aws/secretsmanager.h"

#include <algorithm>

#include "aws/typed.h"

namespace rex::aws {

using base::Json;

std::string SecretDescription::VersionWithStage(const std::string& stage) const {
  for (const auto& [id, stages] : version_stages) {
    if (std::find(stages.begin(), stages.end(), stage) != stages.end()) return id;
  }
  return "";
}

const LoadedModel& SecretsManagerClient::Model() {
  static const LoadedModel* model = new LoadedModel(LoadModel(SecretsmanagerModelJson()));
  return *model;
}

SecretsManagerClient::SecretsManagerClient(Endpoint endpoint, CredentialsProvider* credentials,
                                           HttpTransport& transport, base::Clock& clock,
                                           RetryOptions retry)
    : client_(Model().service, std::move(endpoint), credentials, transport, clock, retry) {}

base::Result<SecretDescription> SecretsManagerClient::DescribeSecret(const std::string& secret_id) {
  static const OperationModel op = Model().Operation("DescribeSecret");
  REX_ASSIGN_OR_RETURN(
      Json out, client_.Call(op, Json{{"SecretId", secret_id}}, "describe secret " + secret_id));
  SecretDescription result;
  result.arn = JsonString(out, "ARN");
  result.name = JsonString(out, "Name");
  for (const auto& [id, stages] : JsonObject(out, "VersionIdsToStages").items()) {
    std::vector<std::string>& labels = result.version_stages[id];
    if (!stages.is_array()) continue;
    for (const auto& s : stages) {
      if (s.is_string()) labels.push_back(s.get<std::string>());
    }
  }
  return result;
}

base::Result<std::string> SecretsManagerClient::PutSecretValue(const PutSecretValueRequest& r) {
  static const OperationModel op = Model().Operation("PutSecretValue");
  Json p = {{"SecretId", r.secret_id},
            {"SecretString", r.secret_string},
            {"ClientRequestToken", r.client_request_token}};
  if (!r.version_stages.empty()) {
    Json stages = Json::array();
    for (const auto& s : r.version_stages) stages.push_back(s);
    p["VersionStages"] = std::move(stages);
  }
  REX_ASSIGN_OR_RETURN(Json out, client_.Call(op, p, "put a new value into " + r.secret_id));
  return JsonString(out, "VersionId");
}

base::Status SecretsManagerClient::UpdateSecretVersionStage(
    const UpdateSecretVersionStageRequest& r) {
  static const OperationModel op = Model().Operation("UpdateSecretVersionStage");
  Json p = {{"SecretId", r.secret_id}, {"VersionStage", r.version_stage}};
  if (!r.move_to_version_id.empty()) p["MoveToVersionId"] = r.move_to_version_id;
  if (!r.remove_from_version_id.empty()) p["RemoveFromVersionId"] = r.remove_from_version_id;
  return client_.Call(op, p, "move the " + r.version_stage + " label of " + r.secret_id).status();
}

}  // namespace rex::aws
