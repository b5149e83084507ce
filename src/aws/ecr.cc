#include "aws/ecr.h"

#include "aws/hash.h"

namespace rex::aws {

namespace {

using base::Json;

EcrImageId ParseImageId(const Json& j) {
  return EcrImageId{JsonString(j, "imageDigest"), JsonString(j, "imageTag")};
}

}  // namespace

const LoadedModel& EcrClient::Model() {
  static const LoadedModel* model = new LoadedModel(LoadModel(EcrModelJson()));
  return *model;
}

EcrClient::EcrClient(Endpoint endpoint, CredentialsProvider* credentials, HttpTransport& transport,
                     base::Clock& clock, RetryOptions retry)
    : client_(Model().service, std::move(endpoint), credentials, transport, clock, retry) {}

base::Result<EcrAuthorization> EcrClient::GetAuthorizationToken() {
  static const OperationModel op = Model().Operation("GetAuthorizationToken");
  REX_ASSIGN_OR_RETURN(Json out, client_.Call(op, Json::object(), "get ECR authorization token"));
  const Json& data = JsonArray(out, "authorizationData");
  if (data.empty()) {
    return base::InvalidArgument("get ECR authorization token: the response holds no token");
  }
  auto decoded = Base64Decode(JsonString(data[0], "authorizationToken"));
  size_t colon = decoded.ok() ? decoded->find(':') : std::string::npos;
  if (colon == std::string::npos) {
    // Not quoting the token: it is a credential.
    return base::InvalidArgument(
        "get ECR authorization token: the token is not base64 of \"user:password\"");
  }
  EcrAuthorization auth;
  auth.username = decoded->substr(0, colon);
  auth.password = decoded->substr(colon + 1);
  auth.proxy_endpoint = JsonString(data[0], "proxyEndpoint");
  auth.expires_at = JsonTime(data[0], "expiresAt");
  return auth;
}

base::Result<EcrImagesPage> EcrClient::ListImages(const std::string& repository,
                                                  const std::string& tag_status,
                                                  const std::string& next_token) {
  static const OperationModel op = Model().Operation("ListImages");
  Json p = {{"repositoryName", repository}};
  if (!tag_status.empty()) p["filter"] = {{"tagStatus", tag_status}};
  if (!next_token.empty()) p["nextToken"] = next_token;
  REX_ASSIGN_OR_RETURN(Json out, client_.Call(op, p, "list images in " + repository));
  EcrImagesPage page;
  for (const auto& id : JsonArray(out, "imageIds")) page.image_ids.push_back(ParseImageId(id));
  page.next_token = JsonString(out, "nextToken");
  return page;
}

base::Result<EcrImageDetail> EcrClient::DescribeImage(const std::string& repository,
                                                      const std::string& tag) {
  static const OperationModel op = Model().Operation("DescribeImages");
  Json p = {{"repositoryName", repository}, {"imageIds", Json::array({{{"imageTag", tag}}})}};
  REX_ASSIGN_OR_RETURN(Json out, client_.Call(op, p, "describe image " + repository + ":" + tag));
  const Json& details = JsonArray(out, "imageDetails");
  if (details.empty()) {
    return base::NotFound("describe image " + repository + ":" + tag + ": no such image");
  }
  const Json& d = details[0];
  return EcrImageDetail{JsonString(d, "imageDigest"), JsonStringList(d, "imageTags"),
                        JsonOptionalInt(d, "imageSizeInBytes"), JsonTime(d, "imagePushedAt")};
}

base::Result<BatchDeleteImageResult> EcrClient::BatchDeleteImage(
    const std::string& repository, const std::vector<EcrImageId>& images) {
  static const OperationModel op = Model().Operation("BatchDeleteImage");
  if (images.size() > 100) {
    return base::InvalidArgument("delete images in " + repository + ": " +
                                 std::to_string(images.size()) + " images, at most 100 per call");
  }
  Json ids = Json::array();
  for (const auto& image : images) {
    Json id = Json::object();
    if (!image.image_digest.empty()) id["imageDigest"] = image.image_digest;
    if (!image.image_tag.empty()) id["imageTag"] = image.image_tag;
    ids.push_back(std::move(id));
  }
  Json p = {{"repositoryName", repository}, {"imageIds", std::move(ids)}};
  REX_ASSIGN_OR_RETURN(Json out, client_.Call(op, p, "delete images in " + repository));
  BatchDeleteImageResult result;
  for (const auto& id : JsonArray(out, "imageIds")) result.deleted.push_back(ParseImageId(id));
  for (const auto& f : JsonArray(out, "failures")) {
    result.failures.push_back({ParseImageId(JsonObject(f, "imageId")), JsonString(f, "failureCode"),
                               JsonString(f, "failureReason")});
  }
  return result;
}

}  // namespace rex::aws
