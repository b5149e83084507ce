#include "core/construct.h"

#include "base/check.h"

namespace rex::core {

std::string Diagnostic::ToString() const {
  std::string out = severity == Severity::kError ? "error: " : "warning: ";
  out += path.empty() ? std::string("(root)") : path;
  out += ": ";
  if (!property.empty()) out += property + ": ";
  out += message;
  return out;
}

Construct::Construct(Construct& scope, std::string id)
    : parent_(&scope), stack_(scope.stack_), id_(std::move(id)) {
  path_ = scope.path_.empty() ? id_ : scope.path_ + "/" + id_;
}

Construct::Construct(RootTag) {}

Construct::~Construct() = default;

void Construct::Adopt(std::unique_ptr<Construct> child) {
  REX_CHECK(child->parent_ == this);
  if (child->id_.empty()) {
    AddError("a child construct has an empty id");
  } else if (child->id_.find('/') != std::string::npos) {
    AddError("construct id \"" + child->id_ + "\" contains '/'");
  }
  if (!child_ids_.insert(child->id_).second) {
    AddError("two children have the id \"" + child->id_ + "\"");
  }
  children_.push_back(std::move(child));
}

void Construct::AddError(std::string message, std::string property) {
  diagnostics_.push_back(
      {Diagnostic::Severity::kError, path_, std::move(property), std::move(message)});
}

void Construct::AddWarning(std::string message, std::string property) {
  diagnostics_.push_back(
      {Diagnostic::Severity::kWarning, path_, std::move(property), std::move(message)});
}

App::App() : Construct(RootTag{}) {}

}  // namespace rex::core
