#pragma once

// AWS KMS (JSON 1.1, 2014-11-01, target prefix "TrentService", signing name "kms"): the two
// calls of envelope encryption for the awskms:// secrets provider. A data key is made once
// (GenerateDataKey, KeySpec AES_256) and kept encrypted in the stack config; every process that
// needs the file's secrets asks KMS to decrypt it (Decrypt). Both calls carry the same
// encryption context, which KMS binds to the ciphertext: a data key made for one stack does not
// decrypt under another stack's context.
//
// Errors name the key as the caller gave it (id, ARN or alias/NAME), never a data key's bytes:
// - AccessDeniedException            -> kPermissionDenied, "... is not allowed kms:Decrypt
//                                       (kms:GenerateDataKey) on KMS key K ..."
// - NotFoundException                -> kNotFound, "KMS key K does not exist ..."
// - InvalidCiphertextException,
//   IncorrectKeyException            -> kInvalidArgument, the encrypted data key is not one
//                                       key K made for this context
// - DisabledException,
//   KMSInvalidStateException         -> kFailedPrecondition, the key is disabled or pending
//                                       deletion
// - everything else as AwsClient maps it (throttling and 5xx retried, then kUnavailable).

#include <map>
#include <string>

#include "aws/client.h"
#include "aws/service_models.h"
#include "base/result.h"

namespace rex::aws {

// KMS's encryption context: string pairs bound to the ciphertext as associated data.
using KmsEncryptionContext = std::map<std::string, std::string>;

struct KmsDataKey {
  std::string key_id;      // the ARN of the KMS key that made it
  std::string plaintext;   // 32 raw bytes: wipe after use (base::WipeString)
  std::string ciphertext;  // raw bytes of CiphertextBlob: what the file keeps (base64)
};

class KmsClient {
 public:
  static const LoadedModel& Model();

  KmsClient(Endpoint endpoint, CredentialsProvider* credentials, HttpTransport& transport,
            base::Clock& clock, RetryOptions retry = {});

  // GenerateDataKey{KeyId: key, KeySpec: AES_256, EncryptionContext: context}.
  base::Result<KmsDataKey> GenerateDataKey(const std::string& key,
                                           const KmsEncryptionContext& context);

  // Decrypt{CiphertextBlob, KeyId: key, EncryptionContext: context}: the plaintext (raw bytes).
  // Giving KeyId makes KMS refuse a ciphertext of another key (IncorrectKeyException).
  base::Result<std::string> Decrypt(const std::string& key, const std::string& ciphertext,
                                    const KmsEncryptionContext& context);

  AwsClient& client() { return client_; }

 private:
  AwsClient client_;
};

}  // namespace rex::aws
