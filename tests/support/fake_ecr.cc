#include "support/fake_ecr.h"

#include "aws/hash.h"

namespace rex::testing {

namespace {

using base::Json;

// A stable fake digest for a repository and tag.
std::string Digest(const std::string& repository, const std::string& tag) {
  return "sha256:" + aws::HexEncode(aws::Sha256(repository + ":" + tag));
}

}  // namespace

FakeEcr::FakeEcr(std::string account, std::string region)
    : account_(std::move(account)), region_(std::move(region)) {}

std::string FakeEcr::Registry() const {
  return account_ + ".dkr.ecr." + region_ + ".amazonaws.com";
}

FakeAnswer FakeEcr::Serve(const FakeCall& call) {
  std::lock_guard<std::mutex> lock(mu_);
  const Json in = call.json.is_object() ? call.json : Json::object();
  if (call.action == "GetAuthorizationToken") {
    ++tokens_issued_;
    return FakeJsonAnswer(
        {{"authorizationData",
          Json::array({{{"authorizationToken", aws::Base64Encode(std::string("AWS:") + kPassword)},
                        {"expiresAt", 1795043200},
                        {"proxyEndpoint", "https://" + Registry()}}})}});
  }
  const std::string repository = in.value("repositoryName", std::string());
  if (call.action == "DescribeImages") {
    Json details = Json::array();
    auto repo = images_.find(repository);
    for (const auto& id : in.value("imageIds", Json::array())) {
      std::string tag = id.value("imageTag", std::string());
      if (repo == images_.end() || repo->second.count(tag) == 0) {
        return FakeJsonError(400, "ImageNotFoundException",
                             "The image with imageId {imageDigest:'null', imageTag:'" + tag +
                                 "'} does not exist within the repository with name '" +
                                 repository + "' in the registry with id '" + account_ + "'");
      }
      details.push_back({{"registryId", account_},
                         {"repositoryName", repository},
                         {"imageDigest", Digest(repository, tag)},
                         {"imageTags", Json::array({tag})},
                         {"imageSizeInBytes", 48213377},
                         {"imagePushedAt", 1795000000}});
    }
    return FakeJsonAnswer({{"imageDetails", details}});
  }
  if (call.action == "ListImages") {
    Json ids = Json::array();
    auto repo = images_.find(repository);
    if (repo != images_.end()) {
      for (const std::string& tag : repo->second) {
        ids.push_back({{"imageDigest", Digest(repository, tag)}, {"imageTag", tag}});
      }
    }
    return FakeJsonAnswer({{"imageIds", ids}});
  }
  return FakeJsonError(400, "UnknownOperationException",
                       "the fake ECR does not know " + call.action);
}

void FakeEcr::AddImage(const std::string& repository, const std::string& tag) {
  std::lock_guard<std::mutex> lock(mu_);
  images_[repository].insert(tag);
}

int FakeEcr::TokensIssued() const {
  std::lock_guard<std::mutex> lock(mu_);
  return tokens_issued_;
}

}  // namespace rex::testing
