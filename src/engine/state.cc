#include "engine/state.h"

#include <filesystem>

#include "base/files.h"
#include "template/template_reader.h"

namespace rex::engine {

base::Status ValidateStackName(std::string_view stack) {
  bool ok = !stack.empty() && stack != "." && stack != ".." && stack.size() <= 128;
  for (char c : stack) {
    bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '_' || c == '.';
    ok = ok && allowed;
  }
  if (ok) return base::Status::Ok();
  return base::InvalidArgument("stack name \"" + std::string(stack.substr(0, 128)) +
                               "\" cannot name a folder under .rex/; use 1 to 128 letters, "
                               "digits, '-', '_' or '.' (not \".\" or \"..\")");
}

std::string StateStore::DeployedTemplateRelativePath(std::string_view stack) {
  return std::string(kStateDir) + "/" + std::string(stack) + "/" +
         std::string(kDeployedTemplateFile);
}

std::string StateStore::DeployedTemplatePath(std::string_view stack) const {
  return (std::filesystem::path(root_) / DeployedTemplateRelativePath(stack)).string();
}

base::Result<std::optional<base::Json>> StateStore::ReadDeployedTemplate(
    std::string_view stack) const {
  REX_RETURN_IF_ERROR(ValidateStackName(stack));
  std::string relative = DeployedTemplateRelativePath(stack);
  if (base::Status links = base::CheckNoLinks(root_, relative); !links.ok()) {
    return base::InvalidArgument(relative + ": " + links.message());
  }
  auto text = base::ReadFile(DeployedTemplatePath(stack));
  if (!text.has_value()) {
    if (text.error().code() == base::Code::kNotFound) return std::optional<base::Json>();
    return base::InvalidArgument(relative + ": " + text.error().message());
  }
  REX_ASSIGN_OR_RETURN(base::Json tmpl,
                       tmpl::ReadTemplate(*text, relative, tmpl::kMaxLocalTemplateBytes));
  return std::optional<base::Json>(std::move(tmpl));
}

base::Status StateStore::WriteDeployedTemplate(std::string_view stack,
                                               const base::Json& tmpl) const {
  REX_RETURN_IF_ERROR(ValidateStackName(stack));
  std::string relative = DeployedTemplateRelativePath(stack);
  REX_RETURN_IF_ERROR(tmpl::ValidateTemplate(tmpl, relative));
  if (base::Status links = base::CheckNoLinks(root_, relative); !links.ok()) {
    return base::InvalidArgument(relative + ": " + links.message());
  }
  return base::WriteFileAtomic(DeployedTemplatePath(stack), base::DumpJson(tmpl));
}

}  // namespace rex::engine
