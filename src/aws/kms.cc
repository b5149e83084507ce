#include "aws/kms.h"

#include "aws/typed.h"
#include "base/crypto.h"

namespace rex::aws {

namespace {

using base::Json;

Json ContextJson(const KmsEncryptionContext& context) {
  Json out = Json::object();
  for (const auto& [name, value] : context) out[name] = value;
  return out;
}

// The clear message of a KMS error about `key` for the call `action` ("kms:Decrypt").
base::Status KmsError(const base::Status& error, const std::string& key, std::string_view action) {
  const std::string& code = error.aws().service_code;
  std::string named = "KMS key " + key;
  base::Status mapped;
  if (code == "AccessDeniedException") {
    mapped = base::PermissionDenied(
        "these credentials are not allowed " + std::string(action) + " on " + named +
        " (or its key policy does not let them use it); ask for " + std::string(action) +
        " on the key, or use the passphrase provider: " + error.message());
  } else if (code == "NotFoundException") {
    mapped = base::NotFound(named +
                            " does not exist in this account and region (check the "
                            "key id, ARN or alias/NAME, and ?region=): " +
                            error.message());
  } else if (code == "InvalidCiphertextException" || code == "IncorrectKeyException") {
    mapped = base::InvalidArgument(
        "encryptedDataKey was not made by " + named +
        " for this stack, or it is corrupted; run \"rex config change-secrets-provider\" from "
        "an intact copy of the file: " +
        error.message());
  } else if (code == "DisabledException" || code == "KMSInvalidStateException") {
    mapped = base::FailedPrecondition(named +
                                      " is disabled or pending deletion; enable it (or "
                                      "cancel its deletion) first: " +
                                      error.message());
  } else {
    return error;
  }
  mapped.set_aws(error.aws());
  return mapped;
}

}  // namespace

const LoadedModel& KmsClient::Model() {
  static const LoadedModel* model = new LoadedModel(LoadModel(KmsModelJson()));
  return *model;
}

KmsClient::KmsClient(Endpoint endpoint, CredentialsProvider* credentials, HttpTransport& transport,
                     base::Clock& clock, RetryOptions retry)
    : client_(Model().service, std::move(endpoint), credentials, transport, clock, retry) {}

base::Result<KmsDataKey> KmsClient::GenerateDataKey(const std::string& key,
                                                    const KmsEncryptionContext& context) {
  static const OperationModel op = Model().Operation("GenerateDataKey");
  Json p = {{"KeyId", key}, {"KeySpec", "AES_256"}};
  if (!context.empty()) p["EncryptionContext"] = ContextJson(context);
  auto out = client_.Call(op, p, "generate a data key with KMS key " + key);
  if (!out.ok()) return KmsError(out.error(), key, "kms:GenerateDataKey");
  KmsDataKey data_key;
  data_key.key_id = JsonString(*out, "KeyId");
  data_key.plaintext = JsonString(*out, "Plaintext");
  data_key.ciphertext = JsonString(*out, "CiphertextBlob");
  if (auto it = out->find("Plaintext"); it != out->end() && it->is_string()) {
    base::WipeString(it->get_ref<std::string&>());
  }
  if (data_key.plaintext.size() != base::kDataKeySize || data_key.ciphertext.empty()) {
    base::WipeString(data_key.plaintext);
    return base::Unavailable(
        "generate a data key with KMS key " + key + ": unreadable answer: expected a " +
        std::to_string(base::kDataKeySize) + "-byte Plaintext and a CiphertextBlob");
  }
  return data_key;
}

base::Result<std::string> KmsClient::Decrypt(const std::string& key, const std::string& ciphertext,
                                             const KmsEncryptionContext& context) {
  static const OperationModel op = Model().Operation("Decrypt");
  Json p = {{"CiphertextBlob", ciphertext}, {"KeyId", key}};
  if (!context.empty()) p["EncryptionContext"] = ContextJson(context);
  auto out = client_.Call(op, p, "decrypt the data key with KMS key " + key);
  if (!out.ok()) return KmsError(out.error(), key, "kms:Decrypt");
  std::string plaintext = JsonString(*out, "Plaintext");
  auto it = out->find("Plaintext");
  if (it != out->end() && it->is_string()) base::WipeString(it->get_ref<std::string&>());
  return plaintext;
}

}  // namespace rex::aws
