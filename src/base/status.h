#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace rex::base {

// Canonical error codes, chosen by how the caller should react.
enum class Code {
  kOk = 0,
  kInvalidArgument,     // fix the input (config, flag, file, template)
  kNotFound,            // the thing asked for does not exist
  kAlreadyExists,       // refusing to overwrite or create twice
  kFailedPrecondition,  // fix the state first (e.g. a stack in UPDATE_ROLLBACK_FAILED)
  kUnauthenticated,     // credentials missing, expired or wrong
  kPermissionDenied,    // credentials valid but not allowed
  kUnavailable,         // transient: throttling, 5xx, dropped connection; retry
  kDeadlineExceeded,    // timed out
  kCancelled,           // the user stopped it (Ctrl-C)
  kAborted,             // the operation ran and failed (e.g. the stack rolled back)
  kInternal,            // our bug
};

std::string_view CodeName(Code code);

// Extra facts an AWS error carries; empty for local errors.
struct AwsErrorInfo {
  std::string service_code;  // e.g. "ValidationError", "Throttling"
  int http_status = 0;
  std::string request_id;
};

// A cheap OK value or an error code with a message. Messages start lowercase and have no
// trailing period: "stack web-prod is in UPDATE_ROLLBACK_FAILED; run \"rex rollback\" first".
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  const AwsErrorInfo& aws() const { return aws_; }
  Status& set_aws(AwsErrorInfo info) {
    aws_ = std::move(info);
    return *this;
  }

  // Prefixes the message with "context: ". Used once per layer as an error travels up.
  Status WithContext(std::string_view context) const&;
  Status WithContext(std::string_view context) &&;

  // "invalid argument: <message>"; "ok" for OK.
  std::string ToString() const;

  void IgnoreError() const {}

 private:
  Code code_ = Code::kOk;
  std::string message_;
  AwsErrorInfo aws_;
};

inline Status InvalidArgument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
inline Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
inline Status AlreadyExists(std::string m) { return {Code::kAlreadyExists, std::move(m)}; }
inline Status FailedPrecondition(std::string m) {
  return {Code::kFailedPrecondition, std::move(m)};
}
inline Status Unauthenticated(std::string m) { return {Code::kUnauthenticated, std::move(m)}; }
inline Status PermissionDenied(std::string m) { return {Code::kPermissionDenied, std::move(m)}; }
inline Status Unavailable(std::string m) { return {Code::kUnavailable, std::move(m)}; }
inline Status DeadlineExceeded(std::string m) { return {Code::kDeadlineExceeded, std::move(m)}; }
inline Status Cancelled(std::string m) { return {Code::kCancelled, std::move(m)}; }
inline Status Aborted(std::string m) { return {Code::kAborted, std::move(m)}; }
inline Status Internal(std::string m) { return {Code::kInternal, std::move(m)}; }

}  // namespace rex::base

#define REX_STATUS_CONCAT_INNER_(a, b) a##b
#define REX_STATUS_CONCAT_(a, b) REX_STATUS_CONCAT_INNER_(a, b)

// Returns the Status of `expr` from the enclosing function if it is not OK.
#define REX_RETURN_IF_ERROR(expr)              \
  do {                                         \
    ::rex::base::Status rex_status_ = (expr);  \
    if (!rex_status_.ok()) return rex_status_; \
  } while (false)
