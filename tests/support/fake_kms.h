#pragma once

// A TEST DOUBLE of AWS KMS (JSON 1.1, target prefix "TrentService") for FakeAws: symmetric keys
// that really encrypt, so a wrong key, a wrong encryption context or a changed ciphertext fails
// the way KMS fails. Operations: GenerateDataKey (KeySpec AES_256 or NumberOfBytes) and
// Decrypt, in the shapes of botocore's model (blobs base64 in the JSON).
//
// Each key holds a random 32-byte master key. A CiphertextBlob is
//     key id (36 bytes) | AES-256-GCM(master, nonce, plaintext) with the encryption context
//     (its pairs sorted, "k=v" joined by "\n") as associated data
// so Decrypt finds the key from the blob as KMS does, and answers:
// - NotFoundException for a KeyId (id, key ARN, alias/NAME, alias ARN) it does not know;
// - IncorrectKeyException when KeyId names another key than the blob's;
// - InvalidCiphertextException for another context or any change to the blob;
// - AccessDeniedException for a key denied with Deny (both operations);
// - DisabledException for a key disabled with Disable.
//
//   FakeKms kms;
//   std::string id = kms.AddKey("alias/rex-secrets");
//   server.aws().AddService("kms", &kms);
//   kms.Deny("alias/rex-secrets");
//
// Thread-safe (its own mutex).

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "support/fake_aws_server.h"

namespace rex::testing {

class FakeKms : public FakeService {
 public:
  explicit FakeKms(std::string region = "us-east-1", std::string account = "111122223333");

  // A new key (a fresh id and master key), optionally with an alias ("alias/NAME"). Returns its
  // id.
  std::string AddKey(const std::string& alias = "");
  // The ARN of a key id.
  std::string KeyArn(const std::string& key_id) const;
  // From now on every call naming `key` (id, ARN or alias), or whose blob is the key's, is
  // AccessDeniedException / DisabledException.
  void Deny(const std::string& key);
  void Disable(const std::string& key);

  // The plaintext data keys GenerateDataKey handed out (raw bytes), for tests that prove they
  // appear nowhere.
  std::vector<std::string> IssuedDataKeys() const;
  // The encryption contexts of every call so far, in order, with the operation name.
  std::vector<std::pair<std::string, std::map<std::string, std::string>>> Calls() const;

  FakeAnswer Serve(const FakeCall& call) override;

 private:
  struct Key {
    std::string id;
    std::string master;  // 32 random bytes
    bool denied = false;
    bool disabled = false;
  };

  // The key a KeyId names, or nullptr.
  Key* Find(const std::string& key_id);
  FakeAnswer Refusal(const Key& key, const std::string& action) const;
  FakeAnswer GenerateDataKey(const base::Json& in);
  FakeAnswer Decrypt(const base::Json& in);

  const std::string region_;
  const std::string account_;
  mutable std::mutex mu_;
  std::map<std::string, Key> keys_;             // by id
  std::map<std::string, std::string> aliases_;  // alias/NAME -> id
  std::vector<std::string> issued_;
  std::vector<std::pair<std::string, std::map<std::string, std::string>>> calls_;
  int counter_ = 0;
};

}  // namespace rex::testing
