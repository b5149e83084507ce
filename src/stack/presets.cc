#include "stack/presets.h"

#include "base/files.h"
#include "base/strings.h"

namespace rex::stack {

std::string_view PresetName(Preset preset) {
  switch (preset) {
    case Preset::kDev:
      return "dev";
    case Preset::kStaging:
      return "staging";
    case Preset::kProd:
      return "prod";
  }
  return "dev";
}

std::vector<Preset> AllPresets() { return {Preset::kDev, Preset::kStaging, Preset::kProd}; }

base::Result<Preset> ParsePreset(std::string_view name) {
  std::vector<std::string> names;
  for (Preset p : AllPresets()) {
    if (PresetName(p) == name) return p;
    names.emplace_back(PresetName(p));
  }
  std::string hint = base::ClosestMatch(name, names);
  return base::InvalidArgument("unknown preset \"" + std::string(name) +
                               "\": use dev, staging or prod" +
                               (hint.empty() ? "" : "; did you mean \"" + hint + "\"?"));
}

Config PresetConfig(Preset preset) {
  Config c;
  c.environment = std::string(PresetName(preset));
  switch (preset) {
    case Preset::kDev:
      // The cheap one: one NAT, one api task, short retention, nothing kept on destroy.
      c.nat_gateways = 1;
      c.services.api.desired_count = 1;
      c.db_min_capacity = 0.5;
      c.db_max_capacity = 2;
      c.backup_retention_days = 7;
      c.db_deletion_protection = false;
      c.log_retention_days = 7;
      break;
    case Preset::kStaging:
      // Shaped like prod where behaviour differs (TLS, protection, alarms), sized like dev.
      c.nat_gateways = 1;
      c.services.api.desired_count = 2;
      c.db_min_capacity = 0.5;
      c.db_max_capacity = 4;
      c.backup_retention_days = 7;
      c.db_deletion_protection = true;
      c.redis_transit_encryption = true;
      c.redis_snapshot_retention_days = 3;
      c.enable_flow_logs = true;
      c.enable_alarms = true;
      c.log_retention_days = 14;
      break;
    case Preset::kProd:
      // Survives an AZ outage, scales with load, keeps data and logs longer.
      c.nat_gateways = 2;
      c.services.api.desired_count = 2;
      c.services.worker.desired_count = 2;
      c.services.supertokens.desired_count = 2;
      c.autoscaling = {.enabled = true, .min_count = 2, .max_count = 10, .target_cpu_percent = 60};
      c.db_min_capacity = 1;
      c.db_max_capacity = 16;
      c.backup_retention_days = 14;
      c.db_deletion_protection = true;
      c.redis_num_replicas = 1;
      c.redis_transit_encryption = true;
      c.redis_snapshot_retention_days = 7;
      c.enable_flow_logs = true;
      c.enable_alarms = true;
      c.log_retention_days = 30;
      break;
  }
  return c;
}

std::string PresetYaml(Preset preset) {
  std::string name(PresetName(preset));
  std::string header =
      "# rex stack config: " + name + " preset (written by \"rex init " + name +
      "\").\n"
      "# Edit values here or with \"rex config set KEY VALUE\"; secrets only with\n"
      "# \"rex config set KEY --secret\" (encrypted with REX_CONFIG_PASSPHRASE).\n"
      "# Keys may also be written with the Pulumi prefix, e.g. rex-backend:vpcCidr.\n\n";
  return header + ConfigToYaml(PresetConfig(preset));
}

base::Status WritePresetFile(const std::string& path, Preset preset) {
  if (base::PathExists(path)) {
    return base::AlreadyExists(path +
                               " already exists; edit it with \"rex config set\" or remove it "
                               "before \"rex init " +
                               std::string(PresetName(preset)) + "\"");
  }
  return base::WriteFileAtomic(path, PresetYaml(preset), 0600);
}

}  // namespace rex::stack
