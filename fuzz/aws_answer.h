#pragma once

// Shared by the AWS answer fuzz targets: the first input byte picks an operation from
// `operations` and whether the answer is a success (ParseResponse) or an error (ParseError,
// which never fails, then ErrorToStatus); the rest is the body, as it would come off the wire.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/codec.h"
#include "aws/service_models.h"
#include "base/json.h"

namespace rex::fuzz {

struct AwsOperation {
  const aws::LoadedModel* model;
  aws::OperationModel op;
};

inline void ParseAnswer(const std::vector<AwsOperation>& operations, const uint8_t* data,
                        size_t size) {
  if (size < 1 || operations.empty()) return;
  const AwsOperation& o = operations[(data[0] >> 1) % operations.size()];
  aws::HttpResponse response;
  response.status = (data[0] & 1) != 0 ? 400 : 200;
  response.body.assign(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (response.status == 200) {
    auto parsed = aws::ParseResponse(o.model->service, o.op, response);
    if (parsed.has_value()) (void)base::DumpJson(*parsed);  // as rex prints it
  } else {
    aws::AwsError error = aws::ParseError(o.model->service, o.op, response);
    (void)aws::ErrorToStatus(error);
  }
  (void)aws::ResponseRequestId(response);
}

}  // namespace rex::fuzz
