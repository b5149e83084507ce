#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string_view>

#include "aws/codec.h"
#include "aws/credentials.h"
#include "aws/endpoints.h"
#include "aws/retry.h"
#include "aws/transport.h"
#include "base/clock.h"
#include "base/json.h"

// The generic AWS call: serialize with the service's codec, sign with SigV4, send through
// the HttpTransport, retry transient failures with the standard retry policy, parse the
// response or map the error to a Status.
namespace rex::aws {

struct CallOptions {
  // Send without a signature (STS AssumeRoleWithWebIdentity). Default: signed.
  bool unsigned_request = false;
};

class AwsClient {
 public:
  // `credentials` (may be null only if every call is unsigned), `transport` and `clock`
  // must outlive the client. S3 is signed the S3 way when endpoint.signing_name is "s3".
  AwsClient(ServiceModel model, Endpoint endpoint, CredentialsProvider* credentials,
            HttpTransport& transport, base::Clock& clock, RetryOptions retry = {});

  // Calls `op` with `params` (an object matching the input shape) and returns the parsed
  // output (an object; {} for operations without output). `what` names the call in error
  // messages, e.g. "create change set".
  //
  // Retries transport failures (kUnavailable, kDeadlineExceeded), HTTP 500/502/503/504 and
  // throttling/transient AWS codes, up to RetryOptions::max_attempts attempts, sleeping
  // rand(0,1)×2^(n−1) s (≤ max_backoff) on the clock between them, while the retry quota
  // lasts. Errors carry the code of ErrorToStatus (or the transport's) and the AWS error
  // info; when retries ran out the message ends "; gave up after N tries in Ts", e.g.
  // "create change set: Throttling (HTTP 400, request 7f3c…): Rate exceeded; gave up after
  // 3 tries in 31s". Credential failures are returned as they are, with `what` as context.
  //
  // Clock skew, as the AWS SDKs correct it: an answer refusing the request's time
  // (RequestTimeTooSkewed, RequestExpired, RequestInTheFuture, or InvalidSignatureException /
  // SignatureDoesNotMatch saying "Signature expired" or "Signature not yet current") that
  // carries a Date header sets the client's clock offset to (that date - the clock's time), and
  // the request is signed again and resent once, without counting as a retry. Later calls of
  // the client sign with the offset from the start.
  // Thread-safe if the transport, clock and credentials provider are.
  base::Result<base::Json> Call(const OperationModel& op, const base::Json& params,
                                std::string_view what, const CallOptions& options = {});

  const Endpoint& endpoint() const { return endpoint_; }
  const ServiceModel& model() const { return model_; }
  const RetryQuota& quota() const { return quota_; }
  // The offset added to the clock's time when signing (server time - local time), learnt from a
  // clock-skew answer; 0 until one came.
  std::chrono::milliseconds clock_skew() const {
    return std::chrono::milliseconds(skew_ms_.load());
  }

  // Replaces the jitter source (default: uniform [0, 1) from std::mt19937).
  void set_random(std::function<double()> random) { random_ = std::move(random); }
  // Replaces the idempotency-token generator used for members the caller left out.
  void set_idempotency_token(std::function<std::string()> token) {
    serialize_options_.idempotency_token = std::move(token);
  }

 private:
  ServiceModel model_;
  Endpoint endpoint_;
  CredentialsProvider* credentials_;
  HttpTransport& transport_;
  base::Clock& clock_;
  RetryOptions retry_;
  RetryQuota quota_;
  std::function<double()> random_;
  SerializeOptions serialize_options_;
  std::atomic<int64_t> skew_ms_{0};
};

}  // namespace rex::aws
