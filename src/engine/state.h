#pragma once

// The local per-stack state rex keeps between runs, under the project folder:
//
//   <root>/.rex/                              one folder per stack config name
//   <root>/.rex/<stack>/deployed.template.json
//       the template of the last successful deploy of stack <stack> (the name of its config
//       stacks/<stack>.yaml, e.g. "dev"); written by `rex up` after CloudFormation reports
//       success, read by `rex preview` as the "before" side of the plan. Same text format as
//       `rex synth` (keys sorted, 2-space indent, trailing newline). Absent = nothing deployed
//       from this checkout.
//
// Files are replaced atomically (base::WriteFileAtomic), so a reader sees the previous
// template or the new one, never a mix. Not locked: one writer per stack at a time is the
// deploy lock's job. Thread-compatible: a StateStore holds only its root path.

#include <optional>
#include <string>
#include <string_view>

#include "base/json.h"
#include "base/result.h"
#include "base/status.h"

namespace rex::engine {

inline constexpr std::string_view kStateDir = ".rex";
inline constexpr std::string_view kDeployedTemplateFile = "deployed.template.json";

class StateStore {
 public:
  // `root` is the project folder (the one holding stacks/); ".rex/" is created under it on the
  // first write.
  explicit StateStore(std::string root) : root_(std::move(root)) {}

  // ".rex/<stack>/deployed.template.json", relative to the root: the name shown to users.
  static std::string DeployedTemplateRelativePath(std::string_view stack);
  // The same path joined to the root.
  std::string DeployedTemplatePath(std::string_view stack) const;

  // The last deployed template of `stack`; nullopt when none was recorded. kInvalidArgument
  // for a bad stack name (empty, or anything but letters, digits, '-', '_' and '.'; "." and
  // ".." refused), or a file that is unreadable, not JSON or not shaped like a template (the
  // message names the file relative to the root; see ReadTemplate).
  base::Result<std::optional<base::Json>> ReadDeployedTemplate(std::string_view stack) const;

  // Records `tmpl` as the deployed template of `stack`, atomically, creating folders as needed.
  // kInvalidArgument for a bad stack name, a template that fails ValidateTemplate, or a failed
  // write (naming the file and the OS error).
  base::Status WriteDeployedTemplate(std::string_view stack, const base::Json& tmpl) const;

  const std::string& root() const { return root_; }

 private:
  std::string root_;
};

// OK if `stack` can name a folder under .rex/ (see ReadDeployedTemplate); kInvalidArgument
// naming what is allowed otherwise.
base::Status ValidateStackName(std::string_view stack);

}  // namespace rex::engine
