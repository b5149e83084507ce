// libFuzzer target: URLs rex reads (--endpoint-url, AWS_ENDPOINT_URL, container credential
// URIs, S3 answers' locations) and the query strings and percent-encoding around them.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "aws/http.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto url = rex::aws::ParseUrl(text);
  if (url.has_value()) {
    (void)url->HostHeader();
    (void)url->Origin();
    (void)rex::aws::ParseQuery(url->query);
  }
  std::string decoded = rex::aws::UriDecode(text, true);
  if (rex::aws::UriDecode(rex::aws::UriEncode(decoded)) != decoded) __builtin_trap();
  return 0;
}
