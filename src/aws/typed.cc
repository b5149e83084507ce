#include "aws/typed.h"

#include "base/check.h"

namespace rex::aws {

ModelJson MustParseModel(std::string_view text) {
  auto model = ParseModelJson(text, "built-in service model");
  REX_CHECK(model.ok());
  return std::move(model).value();
}

}  // namespace rex::aws
