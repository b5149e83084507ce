#pragma once

// Values kept until the process ends instead of being freed piece by piece.
//
// Freeing a large tree (the synthesized template, the baseline, the construct tree: millions
// of small allocations at 20,000 resources) costs a third of a short command's time, and the
// operating system takes the memory back at exit anyway. A command hands the values it is
// done with to KeepUntilExit at its end; main() of the rex binary calls EnableKeepUntilExit()
// (except in sanitizer builds, so that LeakSanitizer and AddressSanitizer still see every
// destructor run). Until it is enabled (unit tests, sanitizer builds), KeepUntilExit destroys
// the values right away, so a long-lived process never accumulates them.
//
// Kept values are never destroyed: hand over only values whose destructors merely free memory
// (no files to close, no locks to release, nothing to flush). They must not hold references
// to objects that die before the process ends. Thread-safe.

#include <memory>
#include <type_traits>
#include <utility>

namespace rex::base {

namespace keep_internal {
struct Kept {
  virtual ~Kept() = default;
};
template <typename T>
struct KeptValue : Kept {
  explicit KeptValue(T v) : value(std::move(v)) {}
  T value;
};
bool Enabled();
void Keep(std::unique_ptr<Kept> kept);
}  // namespace keep_internal

// From now on, values handed to KeepUntilExit stay in memory until the process ends.
void EnableKeepUntilExit();

// Takes `values` (moved from; each is left in its moved-from state) and keeps them until the
// process ends when enabled; destroys them now otherwise.
template <typename... T>
void KeepUntilExit(T&&... values) {
  static_assert((!std::is_lvalue_reference_v<T> && ...),
                "KeepUntilExit takes values: std::move them in");
  if (!keep_internal::Enabled()) {
    ((void)std::decay_t<T>(std::move(values)), ...);
    return;
  }
  (keep_internal::Keep(
       std::make_unique<keep_internal::KeptValue<std::decay_t<T>>>(std::move(values))),
   ...);
}

}  // namespace rex::base
