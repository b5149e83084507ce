#include "ops/secret_rotation.h"

#include <algorithm>

#include "base/check.h"
#include "base/crypto.h"
#include "base/strings.h"
#include "core/references.h"
#include "template/template_reader.h"

namespace rex::ops {

namespace {

using base::Json;

const Json* Find(const Json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

// Whether `value` refers to `logical_id` at any depth (core's one reference walker: Ref,
// Fn::GetAtt in both forms, ${id} and ${id.Attr} in Fn::Sub).
bool RefersTo(const Json& value, std::string_view logical_id) {
  return core::ReferencedNames(value).contains(std::string(logical_id));
}

// Whether the task definition `task` (a template resource) has a container reading the
// secret through its Secrets.
bool TaskReadsSecret(const Json& task, std::string_view logical_id) {
  const Json* properties = Find(task, "Properties");
  const Json* containers = properties ? Find(*properties, "ContainerDefinitions") : nullptr;
  if (containers == nullptr || !containers->is_array()) return false;
  for (const Json& container : *containers) {
    const Json* secrets = Find(container, "Secrets");
    if (secrets != nullptr && RefersTo(*secrets, logical_id)) return true;
  }
  return false;
}

}  // namespace

const std::vector<RotatableSecret>& RotatableSecrets() {
  static const std::vector<RotatableSecret> kSecrets = {
      {"supertokensApiKey", "SecretsSupertokensApiKey", "the SuperTokens API key"},
  };
  return kSecrets;
}

base::Result<RotatableSecret> FindRotatableSecret(std::string_view key) {
  std::string_view bare = key;
  constexpr std::string_view kPrefix = "rex-backend:";
  if (bare.substr(0, kPrefix.size()) == kPrefix) bare.remove_prefix(kPrefix.size());
  std::vector<std::string> names;
  for (const RotatableSecret& s : RotatableSecrets()) {
    if (s.key == bare) return s;
    names.push_back(s.key);
  }
  std::string hint = base::ClosestMatch(std::string(bare), names);
  return base::InvalidArgument(
      "unknown secret \"" + std::string(key) + "\"" +
      (hint.empty() ? std::string() : "; did you mean \"" + hint + "\"?") +
      " rex secrets rotate can rotate: " + base::Join(names, ", ") +
      " (dbMasterPassword is rotated by RDS with dbManagedPassword; githubToken is used once, "
      "at deploy)");
}

base::Result<std::string> NewSecretValue(size_t length) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  // 62 letters and digits: bytes >= 248 (4 × 62) are dropped so each is equally likely.
  constexpr unsigned kLimit = 4 * kAlphabet.size();
  std::string out;
  out.reserve(length);
  while (out.size() < length) {
    REX_ASSIGN_OR_RETURN(std::string bytes, base::RandomBytes(length));
    for (char c : bytes) {
      unsigned b = static_cast<unsigned char>(c);
      if (b >= kLimit || out.size() == length) continue;
      out.push_back(kAlphabet[b % kAlphabet.size()]);
    }
    base::WipeString(bytes);
  }
  return out;
}

base::Result<std::string> NewRequestToken() {
  REX_ASSIGN_OR_RETURN(std::string bytes, base::RandomBytes(16));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    unsigned b = static_cast<unsigned char>(bytes[i]);
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

std::vector<std::string> ServicesReadingSecret(const Json& tmpl, const StackInfo& stack,
                                               std::string_view secret_logical_id) {
  std::vector<std::string> out;
  const Json* resources = Find(tmpl, "Resources");
  if (resources == nullptr) return out;
  for (const auto& [name, service] : stack.services) {
    const Json* resource = Find(*resources, service.logical_id);
    const Json* properties = resource ? Find(*resource, "Properties") : nullptr;
    const Json* task = properties ? Find(*properties, "TaskDefinition") : nullptr;
    const Json* ref = task ? Find(*task, "Ref") : nullptr;
    if (ref == nullptr || !ref->is_string()) continue;
    const Json* definition = Find(*resources, ref->get<std::string>());
    if (definition != nullptr && TaskReadsSecret(*definition, secret_logical_id)) {
      out.push_back(name);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

base::Result<std::vector<std::string>> FindSecretReaders(Session& session, const StackInfo& stack,
                                                         std::string_view secret_logical_id) {
  REX_CHECK(session.cfn != nullptr);
  const std::string what = "the template of stack " + stack.stack_name;
  auto body = session.cfn->GetTemplate(stack.stack_name);
  if (!body.ok()) return body.error().WithContext("read " + what);
  REX_ASSIGN_OR_RETURN(Json tmpl, tmpl::ReadTemplate(body->template_body, what));
  return ServicesReadingSecret(tmpl, stack, secret_logical_id);
}

base::Result<std::string> PutNewValue(aws::SecretsManagerClient& secrets,
                                      const std::string& secret_arn, const std::string& value,
                                      const std::string& token) {
  return secrets.PutSecretValue({.secret_id = secret_arn,
                                 .secret_string = value,
                                 .client_request_token = token,
                                 .version_stages = {aws::kAwsCurrent}});
}

base::Result<bool> RetirePreviousValue(aws::SecretsManagerClient& secrets,
                                       const std::string& secret_arn) {
  REX_ASSIGN_OR_RETURN(aws::SecretDescription described, secrets.DescribeSecret(secret_arn));
  const std::string previous = described.VersionWithStage(aws::kAwsPrevious);
  if (previous.empty()) return false;
  REX_RETURN_IF_ERROR(secrets.UpdateSecretVersionStage({.secret_id = secret_arn,
                                                        .version_stage = aws::kAwsPrevious,
                                                        .remove_from_version_id = previous}));
  return true;
}

}  // namespace rex::ops
