#include "support/fake_kms.h"

#include <cstdio>

#include "base/crypto.h"
#include "base/encoding.h"
#include "base/strings.h"

namespace rex::testing {
namespace {

using base::Json;

constexpr size_t kKeyIdSize = 36;

std::map<std::string, std::string> ContextOf(const Json& in) {
  std::map<std::string, std::string> out;
  if (!in.is_object() || !in.contains("EncryptionContext")) return out;
  const Json& context = in.at("EncryptionContext");
  if (!context.is_object()) return out;
  for (const auto& [name, value] : context.get<std::map<std::string, Json>>()) {
    if (value.is_string()) out[name] = value.get<std::string>();
  }
  return out;
}

std::string Aad(const std::map<std::string, std::string>& context) {
  std::string out;
  for (const auto& [k, v] : context) out += k + "=" + v + "\n";
  return out;
}

std::string Str(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

FakeKms::FakeKms(std::string region, std::string account)
    : region_(std::move(region)), account_(std::move(account)) {}

std::string FakeKms::AddKey(const std::string& alias) {
  std::lock_guard<std::mutex> lock(mu_);
  char id[kKeyIdSize + 1];
  ++counter_;
  std::snprintf(id, sizeof(id), "%08x-1234-4abc-8def-%012x", 0x5eed0000u + counter_,
                static_cast<unsigned>(counter_ * 7919));
  Key key;
  key.id = id;
  key.master = base::RandomBytes(base::kDataKeySize).value();
  keys_[key.id] = key;
  if (!alias.empty()) aliases_[alias] = key.id;
  return key.id;
}

std::string FakeKms::KeyArn(const std::string& key_id) const {
  return "arn:aws:kms:" + region_ + ":" + account_ + ":key/" + key_id;
}

FakeKms::Key* FakeKms::Find(const std::string& key_id) {
  std::string id = key_id;
  std::string alias_arn = "arn:aws:kms:" + region_ + ":" + account_ + ":";
  std::string key_arn = alias_arn + "key/";
  if (base::StartsWith(id, key_arn)) id = id.substr(key_arn.size());
  if (base::StartsWith(id, alias_arn + "alias/")) id = id.substr(alias_arn.size());
  if (base::StartsWith(id, "alias/")) {
    auto a = aliases_.find(id);
    if (a == aliases_.end()) return nullptr;
    id = a->second;
  }
  auto it = keys_.find(id);
  return it == keys_.end() ? nullptr : &it->second;
}

void FakeKms::Deny(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  if (Key* k = Find(key)) k->denied = true;
}

void FakeKms::Disable(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  if (Key* k = Find(key)) k->disabled = true;
}

std::vector<std::string> FakeKms::IssuedDataKeys() const {
  std::lock_guard<std::mutex> lock(mu_);
  return issued_;
}

std::vector<std::pair<std::string, std::map<std::string, std::string>>> FakeKms::Calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return calls_;
}

FakeAnswer FakeKms::Refusal(const Key& key, const std::string& action) const {
  return FakeJsonError(
      400, "AccessDeniedException",
      "User: arn:aws:iam::" + account_ + ":user/tester is not authorized to perform: kms:" +
          action + " on resource: " + KeyArn(key.id) +
          " because no identity-based policy allows the kms:" + action + " action");
}

FakeAnswer FakeKms::Serve(const FakeCall& call) {
  std::lock_guard<std::mutex> lock(mu_);
  calls_.emplace_back(call.action, ContextOf(call.json));
  if (call.action == "GenerateDataKey") return GenerateDataKey(call.json);
  if (call.action == "Decrypt") return Decrypt(call.json);
  return FakeJsonError(400, "UnknownOperationException",
                       "the fake KMS does not serve " + call.action);
}

FakeAnswer FakeKms::GenerateDataKey(const Json& in) {
  std::string key_id = Str(in, "KeyId");
  Key* key = Find(key_id);
  if (key == nullptr) {
    return FakeJsonError(400, "NotFoundException", "Key '" + key_id + "' does not exist");
  }
  if (key->denied) return Refusal(*key, "GenerateDataKey");
  if (key->disabled)
    return FakeJsonError(400, "DisabledException", KeyArn(key->id) + " is disabled.");
  size_t size = 0;
  if (Str(in, "KeySpec") == "AES_256") size = 32;
  if (Str(in, "KeySpec") == "AES_128") size = 16;
  if (auto n = in.find("NumberOfBytes"); n != in.end() && n->is_number_integer()) {
    size = n->get<size_t>();
  }
  if (size == 0 || size > 1024) {
    return FakeJsonError(400, "ValidationException", "KeySpec or NumberOfBytes is required");
  }
  std::string plaintext = base::RandomBytes(size).value();
  std::string sealed = base::AesGcmSeal(key->master, Aad(ContextOf(in)), plaintext).value();
  issued_.push_back(plaintext);
  return FakeJsonAnswer({{"KeyId", KeyArn(key->id)},
                         {"Plaintext", base::Base64Encode(plaintext)},
                         {"CiphertextBlob", base::Base64Encode(key->id + sealed)}});
}

FakeAnswer FakeKms::Decrypt(const Json& in) {
  auto blob = base::Base64Decode(Str(in, "CiphertextBlob"));
  if (!blob.ok() || blob->size() < kKeyIdSize) {
    return FakeJsonError(400, "InvalidCiphertextException", "");
  }
  Key* owner = Find(blob->substr(0, kKeyIdSize));
  if (owner == nullptr) return FakeJsonError(400, "InvalidCiphertextException", "");
  std::string key_id = Str(in, "KeyId");
  if (!key_id.empty()) {
    Key* named = Find(key_id);
    if (named == nullptr) {
      return FakeJsonError(400, "NotFoundException", "Key '" + key_id + "' does not exist");
    }
    if (named->denied) return Refusal(*named, "Decrypt");
    if (named != owner) {
      return FakeJsonError(400, "IncorrectKeyException",
                           "The key ID in the request does not identify a CMK that can perform "
                           "this operation.");
    }
  }
  if (owner->denied) return Refusal(*owner, "Decrypt");
  if (owner->disabled) {
    return FakeJsonError(400, "DisabledException", KeyArn(owner->id) + " is disabled.");
  }
  auto plain = base::AesGcmOpen(owner->master, Aad(ContextOf(in)), blob->substr(kKeyIdSize));
  if (!plain.ok()) return FakeJsonError(400, "InvalidCiphertextException", "");
  return FakeJsonAnswer({{"KeyId", KeyArn(owner->id)},
                         {"Plaintext", base::Base64Encode(*plain)},
                         {"EncryptionAlgorithm", "SYMMETRIC_DEFAULT"}});
}

}  // namespace rex::testing
