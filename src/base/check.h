#pragma once

#include <cstdio>
#include <cstdlib>

// A broken invariant is a bug: abort with file:line. Never use for user input.
#define REX_CHECK(cond)                                                                          \
  do {                                                                                           \
    if (!(cond)) {                                                                               \
      std::fprintf(stderr, "rex: internal error: %s:%d: check failed: %s\n", __FILE__, __LINE__, \
                   #cond);                                                                       \
      std::abort();                                                                              \
    }                                                                                            \
  } while (false)
