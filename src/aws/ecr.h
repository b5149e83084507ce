#pragma once

#include <optional>
#include <string>
#include <vector>

#include "aws/client.h"
#include "aws/service_models.h"
#include "aws/typed.h"

// Amazon ECR (JSON 1.1, 2015-09-21; endpoint api.ecr.{region}, signing name "ecr"): docker
// login and image cleanup.
namespace rex::aws {

struct EcrAuthorization {
  std::string username;        // "AWS"
  std::string password;        // a secret (valid 12 h): never log it
  std::string proxy_endpoint;  // "https://<account>.dkr.ecr.<region>.amazonaws.com"
  std::optional<TimePoint> expires_at;
};

struct EcrImageId {
  std::string image_digest = {};
  std::string image_tag = {};
};

struct EcrImageFailure {
  EcrImageId image_id;
  std::string failure_code;
  std::string failure_reason;
};

struct EcrImagesPage {
  std::vector<EcrImageId> image_ids;
  std::string next_token;
};

struct EcrImageDetail {
  std::string image_digest;
  std::vector<std::string> image_tags;
  std::optional<int64_t> image_size_bytes;
  std::optional<TimePoint> pushed_at;
};

struct BatchDeleteImageResult {
  std::vector<EcrImageId> deleted;
  std::vector<EcrImageFailure> failures;
};

class EcrClient {
 public:
  static const LoadedModel& Model();

  EcrClient(Endpoint endpoint, CredentialsProvider* credentials, HttpTransport& transport,
            base::Clock& clock, RetryOptions retry = {});

  // The registry's docker credentials, decoded from base64("user:password").
  // kInvalidArgument if the token is not in that form.
  base::Result<EcrAuthorization> GetAuthorizationToken();
  // `tag_status`: TAGGED | UNTAGGED | ANY (empty: all).
  base::Result<EcrImagesPage> ListImages(const std::string& repository,
                                         const std::string& tag_status = "",
                                         const std::string& next_token = "");
  // The image tagged `tag` in `repository`. kNotFound (ImageNotFoundException) when no image
  // has that tag, or the repository does not exist (RepositoryNotFoundException).
  base::Result<EcrImageDetail> DescribeImage(const std::string& repository, const std::string& tag);
  // At most 100 images per call (kInvalidArgument above).
  base::Result<BatchDeleteImageResult> BatchDeleteImage(const std::string& repository,
                                                        const std::vector<EcrImageId>& images);

  AwsClient& client() { return client_; }

 private:
  AwsClient client_;
};

}  // namespace rex::aws
