#include "config/config_json.h"

#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "base/strings.h"
#include "config/keys.h"

namespace rex::config {

using keys::Field;

namespace {

base::Json FieldJson(const Field& f, const Config& config, bool show_secrets) {
  return std::visit(
      [&](const auto* value) -> base::Json {
        using T = std::decay_t<decltype(*value)>;
        if constexpr (std::is_same_v<T, std::optional<bool>>) {
          if (!value->has_value()) return nullptr;
          return **value;
        } else if constexpr (std::is_same_v<T, Secret>) {
          if (!value->is_set()) return nullptr;
          if (show_secrets && !value->is_sealed()) return value->Reveal();
          return "[secret]";
        } else {
          return *value;
        }
      },
      keys::ValueOf(f, config));
}

}  // namespace

base::Json ConfigJson(const Config& config, bool show_secrets) {
  base::Json out = base::Json::object();
  for (const Field& f : keys::Fields()) {
    base::Json* node = &out;
    std::vector<std::string> parts = base::Split(f.key, '.');
    for (size_t i = 0; i + 1 < parts.size(); ++i) node = &(*node)[parts[i]];
    (*node)[parts.back()] = FieldJson(f, config, show_secrets);
  }
  base::Json suppress = base::Json::array();
  for (const CheckSuppression& s : config.checks.suppress) {
    suppress.push_back({{"rule", s.rule}, {"resource", s.resource}, {"reason", s.reason}});
  }
  out["checks"]["suppress"] = std::move(suppress);
  return out;
}

base::Result<base::Json> KeyJson(const Config& config, std::string_view key, bool show_secrets) {
  std::string name(key);
  if (base::StartsWith(name, keys::kPulumiPrefix)) name = name.substr(keys::kPulumiPrefix.size());
  if (name == "aws:region") name = "region";
  const Field* f = keys::FindField(name);
  if (f == nullptr) {
    std::string hint = base::ClosestMatch(name, ConfigKeys());
    return base::InvalidArgument(std::string(key) + ": unknown key" +
                                 (hint.empty() ? "" : "; did you mean \"" + hint + "\"?"));
  }
  if (name == "dbDeletionProtection") return base::Json(config.db_deletion_protection_enabled());
  return FieldJson(*f, config, show_secrets);
}

}  // namespace rex::config
