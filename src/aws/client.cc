#include "aws/client.h"

#include <cmath>
#include <mutex>
#include <random>

#include "aws/hash.h"
#include "aws/sigv4.h"

namespace rex::aws {

namespace {

constexpr const char* kUserAgent = "rex/0.1";

double DefaultRandom() {
  static std::mutex mu;
  static std::mt19937_64 engine{std::random_device{}()};
  std::lock_guard<std::mutex> lock(mu);
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

// An error refusing the request's time rather than its signature or credentials.
bool IsClockSkewError(const AwsError& error) {
  if (error.code == "RequestTimeTooSkewed" || error.code == "RequestExpired" ||
      error.code == "RequestInTheFuture") {
    return true;
  }
  if (error.code == "InvalidSignatureException" || error.code == "SignatureDoesNotMatch") {
    return error.message.find("Signature expired") != std::string::npos ||
           error.message.find("Signature not yet current") != std::string::npos;
  }
  return false;
}

// "CloudFormation", "S3", ... for the signing name of an endpoint: how the AWS console names
// the service.
std::string ServiceDisplayName(const std::string& signing_name) {
  static const std::pair<const char*, const char*> kNames[] = {
      {"cloudformation", "CloudFormation"},
      {"s3", "S3"},
      {"sts", "STS"},
      {"ecs", "ECS"},
      {"logs", "CloudWatch Logs"},
      {"ecr", "ECR"},
      {"elasticloadbalancing", "Elastic Load Balancing"},
      {"rds", "RDS"},
      {"elasticache", "ElastiCache"},
      {"amplify", "Amplify"},
  };
  for (const auto& [name, display] : kNames) {
    if (signing_name == name) return display;
  }
  return signing_name;
}

std::string Tries(int n) { return std::to_string(n) + (n == 1 ? " try" : " tries"); }

base::Status GaveUp(const base::Status& failure, int attempts,
                    std::chrono::steady_clock::duration elapsed, std::string_view why) {
  auto seconds = std::llround(std::chrono::duration<double>(elapsed).count());
  base::Status out(failure.code(), failure.message() + "; " + std::string(why) + " after " +
                                       Tries(attempts) + " in " + std::to_string(seconds) + "s");
  out.set_aws(failure.aws());
  return out;
}

}  // namespace

AwsClient::AwsClient(ServiceModel model, Endpoint endpoint, CredentialsProvider* credentials,
                     HttpTransport& transport, base::Clock& clock, RetryOptions retry)
    : model_(std::move(model)),
      endpoint_(std::move(endpoint)),
      credentials_(credentials),
      transport_(transport),
      clock_(clock),
      retry_(retry),
      quota_(retry),
      random_(&DefaultRandom) {}

base::Result<base::Json> AwsClient::Call(const OperationModel& op, const base::Json& params,
                                         std::string_view what, const CallOptions& options) {
  auto serialized = SerializeRequest(model_, op, params, serialize_options_);
  if (!serialized.ok()) return std::move(serialized).error().WithContext(what);
  auto url = RequestUrl(endpoint_.url, *serialized);
  if (!url.ok()) return std::move(url).error().WithContext(what);

  const auto start = clock_.Monotonic();
  int taken = 0;
  bool skew_corrected = false;
  for (int attempt = 1;; ++attempt) {
    const auto now = clock_.Now() + std::chrono::milliseconds(skew_ms_.load());
    HttpRequest request;
    request.method = serialized->method;
    request.url = *url;
    request.headers = serialized->headers;
    request.headers.emplace_back("User-Agent", kUserAgent);
    request.body = serialized->body;
    request.label = ServiceDisplayName(endpoint_.signing_name) + " " + op.name;
    if (op.checksum_required && !FindHeader(request.headers, "Content-MD5")) {
      request.headers.emplace_back("Content-MD5", Md5Base64(request.body));
    }
    if (!options.unsigned_request) {
      if (credentials_ == nullptr) {
        return base::Unauthenticated("no AWS credentials configured").WithContext(what);
      }
      auto credentials = credentials_->Get();
      if (!credentials.ok()) return std::move(credentials).error().WithContext(what);
      SigningParams signing;
      if (endpoint_.signing_name == "s3") {
        signing = SigningParams::ForS3(*credentials, endpoint_.signing_region, now);
      } else {
        signing.credentials = *credentials;
        signing.region = endpoint_.signing_region;
        signing.service = endpoint_.signing_name;
        signing.time = now;
      }
      auto signed_request = SignRequest(request, signing);
      if (!signed_request.ok()) return std::move(signed_request).error().WithContext(what);
    }

    auto response = transport_.Send(request);
    base::Status failure;
    bool retryable = false;
    bool timeout = false;
    if (!response.ok()) {
      failure = response.error();
      timeout = failure.code() == base::Code::kDeadlineExceeded;
      retryable = timeout || failure.code() == base::Code::kUnavailable;
    } else if (response->status >= 300) {
      AwsError error = ParseError(model_, op, *response);
      if (!skew_corrected && !options.unsigned_request && IsClockSkewError(error)) {
        std::optional<double> server;
        if (auto date = FindHeader(response->headers, "Date")) {
          auto parsed = ParseHttpDate(*date);
          if (parsed.ok()) server = *parsed;
        }
        if (server.has_value()) {
          auto local = std::chrono::duration<double>(clock_.Now().time_since_epoch()).count();
          skew_ms_.store(std::llround((*server - local) * 1000.0));
          skew_corrected = true;
          --attempt;  // the resend is not a retry
          continue;
        }
      }
      failure = ErrorToStatus(error);
      retryable = IsRetryableError(error);
    } else {
      auto parsed = ParseResponse(model_, op, *response);
      if (!parsed.ok()) {
        // An answer rex cannot read (malformed, too deep, out of range) is the endpoint's
        // failure, not bad input of the user's: exit 1, naming the request.
        const base::Status& error = parsed.error();
        base::Status unreadable =
            error.code() == base::Code::kInvalidArgument
                ? base::Status(base::Code::kUnavailable, "unreadable answer: " + error.message())
                : error;
        return std::move(unreadable).WithContext(what);
      }
      quota_.OnSuccess(taken);
      return parsed;
    }

    if (!retryable) return std::move(failure).WithContext(what);
    auto elapsed = clock_.Monotonic() - start;
    if (attempt >= retry_.max_attempts) {
      return GaveUp(failure, attempt, elapsed, "gave up").WithContext(what);
    }
    if (!quota_.Acquire(timeout, &taken)) {
      return GaveUp(failure, attempt, elapsed, "retry quota exhausted").WithContext(what);
    }
    if (!SleepUnlessCancelled(clock_, BackoffDelay(attempt, random_(), retry_.max_backoff),
                              retry_.cancel)) {
      return base::Cancelled("interrupted while waiting to retry after: " + failure.message())
          .WithContext(what);
    }
  }
}

}  // namespace rex::aws
