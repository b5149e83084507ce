#include "aws/service_models.h"

#include "aws/typed.h"
#include "base/check.h"

namespace rex::aws {

OperationModel LoadedModel::Operation(std::string_view name) const {
  auto it = operations.find(std::string(name));
  REX_CHECK(it != operations.end());
  return OperationModelFromBotocore(*it);
}

LoadedModel LoadModel(std::string_view json) {
  ModelJson model = MustParseModel(json);
  auto service = ServiceModelFromBotocore(model["metadata"], model["shapes"]);
  REX_CHECK(service.ok());
  return LoadedModel{std::move(service).value(), model["operations"]};
}

}  // namespace rex::aws
