#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "aws/client.h"
#include "aws/service_models.h"
#include "aws/typed.h"

// Amazon S3 (REST-XML, 2006-03-01), path-style addressing
// (https://s3.{region}.amazonaws.com/{bucket}/{key}), which also works against moto and
// LocalStack. Used for the template bucket, deploy history, the deploy lease and the
// bootstrap record.
//
// Conditional writes (S3's compare-and-swap): PutObjectRequest::if_none_match = "*" creates an
// object only if the key is free; if_match = an ETag replaces it only if it still has that
// ETag; DeleteObject's `if_match` deletes only that version of the object. A condition that
// does not hold is HTTP 412 PreconditionFailed: kFailedPrecondition with
// status.aws().service_code "PreconditionFailed" (IsPreconditionFailed). An If-Match on a key
// that does not exist is kNotFound (404 NoSuchKey). HTTP 409 ConditionalRequestConflict (two
// conditional writes of one key at the same moment) is retried by PutObject and DeleteObject
// (kConditionalConflictAttempts in all, 50 ms, 100 ms, ... apart on the client's clock) and
// returned as kFailedPrecondition when it persists.
namespace rex::aws {

struct PutObjectRequest {
  std::string bucket;
  std::string key;
  std::string body;
  std::string content_type = {};            // Default: none (S3 stores binary/octet-stream).
  std::string server_side_encryption = {};  // AES256 | aws:kms. Default: the bucket's.
  std::string kms_key_id = {};
  std::map<std::string, std::string> metadata = {};  // sent as x-amz-meta-<key>
  std::string tagging = {};                          // "k1=v1&k2=v2"
  // "*": only create (412 PreconditionFailed when the key exists). Default: unconditional.
  std::string if_none_match = {};
  // An ETag (quoted, as S3 returns it): only replace the object if it has this ETag (412 when
  // it differs, 404 when the key is missing). Default: unconditional.
  std::string if_match = {};
};

// Attempts of a conditional write that S3 answers 409 ConditionalRequestConflict.
inline constexpr int kConditionalConflictAttempts = 4;

// True for the 412 of a conditional request whose condition did not hold.
bool IsPreconditionFailed(const base::Status& status);

struct PutObjectResult {
  std::string etag;
  std::string version_id;
};

struct GetObjectResult {
  std::string body;
  std::string content_type;
  std::string etag;
  std::string version_id;
  std::optional<TimePoint> last_modified;
  std::map<std::string, std::string> metadata;
};

struct S3Object {
  std::string key;
  std::optional<TimePoint> last_modified;
  std::string etag;
  int64_t size = 0;
  std::string storage_class;
};

struct ListObjectsPage {
  std::vector<S3Object> objects;
  std::vector<std::string> common_prefixes;
  bool is_truncated = false;
  std::string next_continuation_token;  // empty on the last page
};

struct S3DeleteError {
  std::string key;
  std::string code;
  std::string message;
};

struct DeleteObjectsResult {
  std::vector<std::string> deleted;
  std::vector<S3DeleteError> errors;
};

class S3Client {
 public:
  static const LoadedModel& Model();

  // `credentials`, `transport` and `clock` must outlive the client; the bucket region for
  // CreateBucket is endpoint.signing_region.
  S3Client(Endpoint endpoint, CredentialsProvider* credentials, HttpTransport& transport,
           base::Clock& clock, RetryOptions retry = {});

  // Sends a LocationConstraint unless the region is us-east-1. kAlreadyExists for
  // BucketAlreadyExists / BucketAlreadyOwnedByYou.
  base::Status CreateBucket(const std::string& bucket);
  // HeadBucket: false on 404; kPermissionDenied on 403 (the bucket belongs to someone else).
  base::Result<bool> BucketExists(const std::string& bucket);
  base::Status PutBucketVersioning(const std::string& bucket, bool enabled);
  // `algorithm`: AES256 or aws:kms (then `kms_key_id` may name the key).
  base::Status PutBucketEncryption(const std::string& bucket, const std::string& algorithm,
                                   const std::string& kms_key_id = "");
  base::Result<PutObjectResult> PutObject(const PutObjectRequest& request);
  // kNotFound for NoSuchKey / NoSuchBucket.
  base::Result<GetObjectResult> GetObject(const std::string& bucket, const std::string& key,
                                          const std::string& version_id = "");
  // One page. `max_keys` 0 = the service default (1000).
  base::Result<ListObjectsPage> ListObjectsV2(const std::string& bucket,
                                              const std::string& prefix = "",
                                              const std::string& continuation_token = "",
                                              int max_keys = 0);
  // Every page.
  base::Result<std::vector<S3Object>> ListAllObjects(const std::string& bucket,
                                                     const std::string& prefix = "");
  // Up to 1000 keys per call (kInvalidArgument above that). Per-key failures are in
  // DeleteObjectsResult::errors, not the Status.
  base::Result<DeleteObjectsResult> DeleteObjects(const std::string& bucket,
                                                  const std::vector<std::string>& keys);
  // `if_match` (an ETag): delete only if the object still has it (412 otherwise, 404 when the
  // key is missing). Default: unconditional (and a missing key is not an error).
  base::Status DeleteObject(const std::string& bucket, const std::string& key,
                            const std::string& version_id = "", const std::string& if_match = "");

  AwsClient& client() { return client_; }

 private:
  AwsClient client_;
  base::Clock& clock_;
};

}  // namespace rex::aws
