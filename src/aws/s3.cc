#include "aws/s3.h"

namespace rex::aws {

namespace {

using base::Json;

S3Object ParseObject(const Json& o) {
  return S3Object{JsonString(o, "Key"), JsonTime(o, "LastModified"), JsonString(o, "ETag"),
                  JsonInt(o, "Size"), JsonString(o, "StorageClass")};
}

std::string Where(const std::string& bucket, const std::string& key = "") {
  return "s3://" + bucket + (key.empty() ? "" : "/" + key);
}

bool IsConditionalConflict(const base::Status& status) {
  return status.aws().service_code == "ConditionalRequestConflict";
}

// Calls `call` again while S3 answers 409 ConditionalRequestConflict, up to
// kConditionalConflictAttempts in all, sleeping 50 ms, 100 ms, 200 ms between them.
template <typename Call>
auto RetryConflicts(base::Clock& clock, Call call) -> decltype(call()) {
  std::chrono::milliseconds pause(50);
  for (int attempt = 1;; ++attempt) {
    auto result = call();
    if (result.ok() || !IsConditionalConflict(result.status()) ||
        attempt >= kConditionalConflictAttempts) {
      return result;
    }
    clock.SleepFor(pause);
    pause *= 2;
  }
}

}  // namespace

bool IsPreconditionFailed(const base::Status& status) {
  return status.code() == base::Code::kFailedPrecondition &&
         status.aws().service_code == "PreconditionFailed";
}

const LoadedModel& S3Client::Model() {
  static const LoadedModel* model = new LoadedModel(LoadModel(S3ModelJson()));
  return *model;
}

S3Client::S3Client(Endpoint endpoint, CredentialsProvider* credentials, HttpTransport& transport,
                   base::Clock& clock, RetryOptions retry)
    : client_(Model().service, std::move(endpoint), credentials, transport, clock, retry),
      clock_(clock) {}

base::Status S3Client::CreateBucket(const std::string& bucket) {
  static const OperationModel op = Model().Operation("CreateBucket");
  Json p = {{"Bucket", bucket}};
  const std::string& region = client_.endpoint().signing_region;
  if (region != "us-east-1") {
    p["CreateBucketConfiguration"] = {{"LocationConstraint", region}};
  }
  return client_.Call(op, p, "create bucket " + bucket).status();
}

base::Result<bool> S3Client::BucketExists(const std::string& bucket) {
  static const OperationModel op = Model().Operation("HeadBucket");
  auto out = client_.Call(op, Json{{"Bucket", bucket}}, "head bucket " + bucket);
  if (out.ok()) return true;
  if (out.error().code() == base::Code::kNotFound) return false;
  return std::move(out).error();
}

base::Status S3Client::PutBucketVersioning(const std::string& bucket, bool enabled) {
  static const OperationModel op = Model().Operation("PutBucketVersioning");
  Json p = {{"Bucket", bucket},
            {"VersioningConfiguration", {{"Status", enabled ? "Enabled" : "Suspended"}}}};
  return client_.Call(op, p, "enable versioning on " + Where(bucket)).status();
}

base::Status S3Client::PutBucketEncryption(const std::string& bucket, const std::string& algorithm,
                                           const std::string& kms_key_id) {
  static const OperationModel op = Model().Operation("PutBucketEncryption");
  Json by_default = {{"SSEAlgorithm", algorithm}};
  if (!kms_key_id.empty()) by_default["KMSMasterKeyID"] = kms_key_id;
  Json p = {{"Bucket", bucket},
            {"ServerSideEncryptionConfiguration",
             {{"Rules", Json::array({{{"ApplyServerSideEncryptionByDefault", by_default}}})}}}};
  return client_.Call(op, p, "set encryption on " + Where(bucket)).status();
}

base::Result<PutObjectResult> S3Client::PutObject(const PutObjectRequest& r) {
  static const OperationModel op = Model().Operation("PutObject");
  Json p = {{"Bucket", r.bucket}, {"Key", r.key}, {"Body", r.body}};
  if (!r.content_type.empty()) p["ContentType"] = r.content_type;
  if (!r.server_side_encryption.empty()) p["ServerSideEncryption"] = r.server_side_encryption;
  if (!r.kms_key_id.empty()) p["SSEKMSKeyId"] = r.kms_key_id;
  if (!r.metadata.empty()) p["Metadata"] = r.metadata;
  if (!r.tagging.empty()) p["Tagging"] = r.tagging;
  if (!r.if_none_match.empty()) p["IfNoneMatch"] = r.if_none_match;
  if (!r.if_match.empty()) p["IfMatch"] = r.if_match;
  REX_ASSIGN_OR_RETURN(Json out, RetryConflicts(clock_, [&] {
                         return client_.Call(op, p, "put " + Where(r.bucket, r.key));
                       }));
  return PutObjectResult{JsonString(out, "ETag"), JsonString(out, "VersionId")};
}

base::Result<GetObjectResult> S3Client::GetObject(const std::string& bucket, const std::string& key,
                                                  const std::string& version_id) {
  static const OperationModel op = Model().Operation("GetObject");
  Json p = {{"Bucket", bucket}, {"Key", key}};
  if (!version_id.empty()) p["VersionId"] = version_id;
  REX_ASSIGN_OR_RETURN(Json out, client_.Call(op, p, "get " + Where(bucket, key)));
  GetObjectResult result;
  result.body = JsonString(out, "Body");
  result.content_type = JsonString(out, "ContentType");
  result.etag = JsonString(out, "ETag");
  result.version_id = JsonString(out, "VersionId");
  result.last_modified = JsonTime(out, "LastModified");
  for (const auto& [k, v] : JsonObject(out, "Metadata").items()) {
    if (v.is_string()) result.metadata[k] = v.get<std::string>();
  }
  return result;
}

base::Result<ListObjectsPage> S3Client::ListObjectsV2(const std::string& bucket,
                                                      const std::string& prefix,
                                                      const std::string& continuation_token,
                                                      int max_keys) {
  static const OperationModel op = Model().Operation("ListObjectsV2");
  Json p = {{"Bucket", bucket}};
  if (!prefix.empty()) p["Prefix"] = prefix;
  if (!continuation_token.empty()) p["ContinuationToken"] = continuation_token;
  if (max_keys > 0) p["MaxKeys"] = max_keys;
  REX_ASSIGN_OR_RETURN(Json out, client_.Call(op, p, "list " + Where(bucket, prefix)));
  ListObjectsPage page;
  for (const auto& o : JsonArray(out, "Contents")) page.objects.push_back(ParseObject(o));
  for (const auto& cp : JsonArray(out, "CommonPrefixes")) {
    page.common_prefixes.push_back(JsonString(cp, "Prefix"));
  }
  page.is_truncated = JsonBool(out, "IsTruncated");
  page.next_continuation_token = JsonString(out, "NextContinuationToken");
  return page;
}

base::Result<std::vector<S3Object>> S3Client::ListAllObjects(const std::string& bucket,
                                                             const std::string& prefix) {
  std::vector<S3Object> all;
  std::string token;
  do {
    REX_ASSIGN_OR_RETURN(ListObjectsPage page, ListObjectsV2(bucket, prefix, token));
    all.insert(all.end(), page.objects.begin(), page.objects.end());
    if (page.is_truncated && page.next_continuation_token == token) {
      return base::Internal("list " + Where(bucket, prefix) + ": S3 repeated its page token");
    }
    token = page.is_truncated ? page.next_continuation_token : "";
  } while (!token.empty());
  return all;
}

base::Result<DeleteObjectsResult> S3Client::DeleteObjects(const std::string& bucket,
                                                          const std::vector<std::string>& keys) {
  static const OperationModel op = Model().Operation("DeleteObjects");
  if (keys.size() > 1000) {
    return base::InvalidArgument("delete objects in " + Where(bucket) + ": " +
                                 std::to_string(keys.size()) + " keys, at most 1000 per call");
  }
  Json objects = Json::array();
  for (const auto& key : keys) objects.push_back({{"Key", key}});
  Json p = {{"Bucket", bucket}, {"Delete", {{"Objects", objects}, {"Quiet", false}}}};
  REX_ASSIGN_OR_RETURN(Json out, client_.Call(op, p, "delete objects in " + Where(bucket)));
  DeleteObjectsResult result;
  for (const auto& d : JsonArray(out, "Deleted")) result.deleted.push_back(JsonString(d, "Key"));
  for (const auto& e : JsonArray(out, "Errors")) {
    result.errors.push_back(
        {JsonString(e, "Key"), JsonString(e, "Code"), JsonString(e, "Message")});
  }
  return result;
}

base::Status S3Client::DeleteObject(const std::string& bucket, const std::string& key,
                                    const std::string& version_id, const std::string& if_match) {
  static const OperationModel op = Model().Operation("DeleteObject");
  Json p = {{"Bucket", bucket}, {"Key", key}};
  if (!version_id.empty()) p["VersionId"] = version_id;
  if (!if_match.empty()) p["IfMatch"] = if_match;
  return RetryConflicts(clock_, [&] { return client_.Call(op, p, "delete " + Where(bucket, key)); })
      .status();
}

}  // namespace rex::aws
