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
// LocalStack. Used for the template bucket and deploy history.
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
};

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
  base::Status DeleteObject(const std::string& bucket, const std::string& key,
                            const std::string& version_id = "");

  AwsClient& client() { return client_; }

 private:
  AwsClient client_;
};

}  // namespace rex::aws
