#include "support/fake_secretsmanager.h"

#include <algorithm>

namespace rex::testing {

using base::Json;

namespace {

bool Has(const std::vector<std::string>& stages, const std::string& stage) {
  return std::find(stages.begin(), stages.end(), stage) != stages.end();
}

void Drop(std::vector<std::string>& stages, const std::string& stage) {
  stages.erase(std::remove(stages.begin(), stages.end(), stage), stages.end());
}

FakeAnswer NotFound(const std::string& id) {
  return FakeJsonError(400, "ResourceNotFoundException",
                       "Secrets Manager can't find the specified secret: " + id);
}

}  // namespace

FakeAnswer FakeSecretsManager::Serve(const FakeCall& call) {
  std::lock_guard<std::mutex> lock(mu_);
  calls_.push_back(call.action);
  const Json in = call.json.is_object() ? call.json : Json::object();
  if (call.action == "DescribeSecret") return DescribeSecret(in);
  if (call.action == "PutSecretValue") return PutSecretValue(in);
  if (call.action == "UpdateSecretVersionStage") return UpdateSecretVersionStage(in);
  return FakeJsonError(400, "UnknownOperationException",
                       "the fake Secrets Manager does not know " + call.action);
}

void FakeSecretsManager::Follow(FakeAws& aws, const std::string& stack) {
  aws.OnStackAppliedWithParameters(
      [this, stack](const std::string& name,
                    const std::map<std::string, FakeAws::ResourceInfo>& resources, const Json& tmpl,
                    const std::map<std::string, std::string>& params) {
        if (name != stack) return;
        std::lock_guard<std::mutex> lock(mu_);
        Apply(resources, tmpl, params);
      });
}

void FakeSecretsManager::Apply(const std::map<std::string, FakeAws::ResourceInfo>& resources,
                               const Json& tmpl, const std::map<std::string, std::string>& params) {
  if (!tmpl.contains("Resources") || !tmpl["Resources"].is_object()) return;
  for (const auto& [logical_id, resource] : tmpl["Resources"].items()) {
    if (resource.value("Type", "") != "AWS::SecretsManager::Secret") continue;
    auto physical = resources.find(logical_id);
    if (physical == resources.end()) continue;
    const std::string& arn = physical->second.physical_id;
    const Json properties = resource.value("Properties", Json::object());
    bool created = secrets_.count(arn) == 0;
    Secret& secret = secrets_[arn];
    secret.arn = arn;
    secret.name = properties.value("Name", logical_id);
    std::string value;
    if (properties.contains("SecretString")) {
      const Json& s = properties["SecretString"];
      if (s.is_string()) {
        value = s.get<std::string>();
      } else if (s.is_object() && s.contains("Ref") && s["Ref"].is_string()) {
        auto p = params.find(s["Ref"].get<std::string>());
        if (p != params.end()) value = p->second;
      }
    } else if (created) {
      // GenerateSecretString: a value nobody chose, made once at creation.
      value = "generated" + std::to_string(++counter_) + "abcdefghijklmnopqrstuvw";
    } else {
      continue;  // CloudFormation keeps a generated value on updates
    }
    const std::string current = ValueLocked(arn, "AWSCURRENT");
    if (created || value != current) {
      AddCurrent(secret, "cfn-" + std::to_string(++counter_), value);
    }
  }
}

void FakeSecretsManager::AddCurrent(Secret& secret, const std::string& id,
                                    const std::string& value) {
  for (Version& v : secret.versions) Drop(v.stages, "AWSPREVIOUS");
  for (Version& v : secret.versions) {
    if (Has(v.stages, "AWSCURRENT")) {
      Drop(v.stages, "AWSCURRENT");
      v.stages.push_back("AWSPREVIOUS");
    }
  }
  secret.versions.push_back({id, value, {"AWSCURRENT"}});
}

FakeSecretsManager::Secret* FakeSecretsManager::Find(const std::string& id) {
  for (auto& [arn, secret] : secrets_) {
    if (arn == id || secret.name == id) return &secret;
  }
  return nullptr;
}

const FakeSecretsManager::Secret* FakeSecretsManager::Find(const std::string& id) const {
  for (const auto& [arn, secret] : secrets_) {
    if (arn == id || secret.name == id) return &secret;
  }
  return nullptr;
}

FakeAnswer FakeSecretsManager::DescribeSecret(const Json& in) {
  const std::string id = in.value("SecretId", "");
  const Secret* secret = Find(id);
  if (secret == nullptr) return NotFound(id);
  Json stages = Json::object();
  for (const Version& v : secret->versions) {
    if (!v.stages.empty()) stages[v.id] = v.stages;
  }
  return FakeJsonAnswer(
      {{"ARN", secret->arn}, {"Name", secret->name}, {"VersionIdsToStages", stages}});
}

FakeAnswer FakeSecretsManager::PutSecretValue(const Json& in) {
  const std::string id = in.value("SecretId", "");
  Secret* secret = Find(id);
  if (secret == nullptr) return NotFound(id);
  const std::string token = in.value("ClientRequestToken", "");
  const std::string value = in.value("SecretString", "");
  if (token.size() < 32 || value.empty()) {
    return FakeJsonError(400, "InvalidParameterException",
                         "ClientRequestToken (32 to 64 characters) and SecretString are required");
  }
  std::vector<std::string> stages = {"AWSCURRENT"};
  if (in.contains("VersionStages") && in["VersionStages"].is_array()) {
    stages = in["VersionStages"].get<std::vector<std::string>>();
  }
  for (const Version& v : secret->versions) {
    if (v.id != token) continue;
    if (v.value != value) {
      return FakeJsonError(400, "ResourceExistsException",
                           "a version with this ClientRequestToken has another value");
    }
    return FakeJsonAnswer({{"ARN", secret->arn}, {"VersionId", v.id}, {"VersionStages", v.stages}});
  }
  if (Has(stages, "AWSCURRENT")) {
    AddCurrent(*secret, token, value);
    Version& added = secret->versions.back();
    for (const std::string& s : stages) {
      if (s == "AWSCURRENT") continue;
      for (Version& v : secret->versions) Drop(v.stages, s);
      added.stages.push_back(s);
    }
  } else {
    for (const std::string& s : stages) {
      for (Version& v : secret->versions) Drop(v.stages, s);
    }
    secret->versions.push_back({token, value, stages});
  }
  const Version& added = secret->versions.back();
  return FakeJsonAnswer(
      {{"ARN", secret->arn}, {"VersionId", added.id}, {"VersionStages", added.stages}});
}

FakeAnswer FakeSecretsManager::UpdateSecretVersionStage(const Json& in) {
  const std::string id = in.value("SecretId", "");
  Secret* secret = Find(id);
  if (secret == nullptr) return NotFound(id);
  const std::string stage = in.value("VersionStage", "");
  const std::string move_to = in.value("MoveToVersionId", "");
  const std::string remove_from = in.value("RemoveFromVersionId", "");
  Version* holder = nullptr;
  Version* target = nullptr;
  for (Version& v : secret->versions) {
    if (Has(v.stages, stage)) holder = &v;
    if (!move_to.empty() && v.id == move_to) target = &v;
  }
  if (!move_to.empty() && target == nullptr) {
    return FakeJsonError(400, "InvalidParameterException", "no version " + move_to);
  }
  if (holder != nullptr && holder != target && holder->id != remove_from) {
    return FakeJsonError(400, "InvalidParameterException",
                         "The staging label " + stage + " is attached to version " + holder->id +
                             "; RemoveFromVersionId must name it");
  }
  if (holder == nullptr && !remove_from.empty()) {
    return FakeJsonError(400, "InvalidParameterException",
                         "The staging label " + stage + " is not attached to " + remove_from);
  }
  if (stage == "AWSCURRENT" && target != nullptr && holder != target) {
    // AWSPREVIOUS follows to the version AWSCURRENT leaves, as Secrets Manager moves it.
    for (Version& v : secret->versions) Drop(v.stages, "AWSPREVIOUS");
    if (holder != nullptr) {
      Drop(holder->stages, "AWSCURRENT");
      holder->stages.push_back("AWSPREVIOUS");
    }
    target->stages.push_back("AWSCURRENT");
    return FakeJsonAnswer({{"ARN", secret->arn}, {"Name", secret->name}});
  }
  if (holder != nullptr) Drop(holder->stages, stage);
  if (target != nullptr && !Has(target->stages, stage)) target->stages.push_back(stage);
  return FakeJsonAnswer({{"ARN", secret->arn}, {"Name", secret->name}});
}

std::string FakeSecretsManager::ValueWithStage(const std::string& secret,
                                               const std::string& stage) const {
  std::lock_guard<std::mutex> lock(mu_);
  return ValueLocked(secret, stage);
}

std::string FakeSecretsManager::ValueLocked(const std::string& secret,
                                            const std::string& stage) const {
  const Secret* s = Find(secret);
  if (s == nullptr) return "";
  for (const Version& v : s->versions) {
    if (Has(v.stages, stage)) return v.value;
  }
  return "";
}

std::vector<std::string> FakeSecretsManager::LabelledValues(const std::string& secret) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  const Secret* s = Find(secret);
  if (s == nullptr) return out;
  for (const Version& v : s->versions) {
    if (!v.stages.empty()) out.push_back(v.value);
  }
  return out;
}

std::vector<std::string> FakeSecretsManager::Secrets() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& [arn, secret] : secrets_) out.push_back(arn);
  return out;
}

std::vector<std::string> FakeSecretsManager::Calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return calls_;
}

}  // namespace rex::testing
