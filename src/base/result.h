#pragma once

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <type_traits>
#include <utility>

#include "base/check.h"
#include "base/status.h"

namespace rex::base {

// Holds a T or the Status saying why there is none. Shaped like std::expected
// (has_value(), value(), error()) so it can be swapped for it once the toolchain has it.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(const T& value) : value_(value) {}        // NOLINT(google-explicit-constructor)
  Result(T&& value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  template <typename U, typename = std::enable_if_t<std::is_constructible_v<T, U&&> &&
                                                    !std::is_same_v<std::decay_t<U>, Status> &&
                                                    !std::is_same_v<std::decay_t<U>, Result<T>>>>
  Result(U&& value) : value_(T(std::forward<U>(value))) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : status_(std::move(status)) {      // NOLINT(google-explicit-constructor)
    REX_CHECK(!status_.ok());
  }

  bool has_value() const { return value_.has_value(); }
  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return has_value(); }

  const T& value() const& {
    REX_CHECK(has_value());
    return *value_;
  }
  T& value() & {
    REX_CHECK(has_value());
    return *value_;
  }
  T&& value() && {
    REX_CHECK(has_value());
    return std::move(*value_);
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  // The error; OK if a value is held.
  const Status& error() const& { return status_; }
  Status&& error() && { return std::move(status_); }
  const Status& status() const& { return status_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace rex::base

// Evaluates `expr` (a Result<T>); on error returns its Status, else moves the value into `lhs`.
#define REX_ASSIGN_OR_RETURN(lhs, expr) \
  REX_ASSIGN_OR_RETURN_IMPL_(REX_STATUS_CONCAT_(rex_result_, __LINE__), lhs, expr)
#define REX_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr)     \
  auto tmp = (expr);                                   \
  if (!tmp.has_value()) return std::move(tmp).error(); \
  lhs = std::move(tmp).value()
