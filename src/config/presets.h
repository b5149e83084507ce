#pragma once

// The configurations `rex init dev|staging|prod` starts from (ARCHITECTURE.md, "Presets").
//
//                       dev            staging        prod
//   natGateways         1              1              2 (one per AZ)
//   api tasks           1              2              2-10, auto scaling on CPU
//   db ACU              0.5-2          0.5-4          1-16
//   backups             7 days         7 days         14 days
//   deletion protection off            on             on
//   logs                7 days         14 days        30 days
//   flow logs / alarms  off            on             on
//   redis               1 node         1 node, TLS    1 replica, failover, TLS
//   redis snapshots     1 day          3 days         7 days

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "config/config.h"

namespace rex::config {

enum class Preset { kDev, kStaging, kProd };

// "dev", "staging", "prod".
std::string_view PresetName(Preset preset);

// Every preset, in the order above.
std::vector<Preset> AllPresets();

// The preset called `name`. kInvalidArgument naming the choices (and the closest one) otherwise.
base::Result<Preset> ParsePreset(std::string_view name);

// The preset's config: Config's defaults with the values in the table above; `environment` is
// the preset's name. Passes ValidateConfig. Secrets are not set.
Config PresetConfig(Preset preset);

// The commented text of stacks/<name>.yaml that `rex init` writes. LoadConfig on it gives back
// exactly PresetConfig(preset), with no passphrase needed.
std::string PresetYaml(Preset preset);

// Writes PresetYaml(preset) to `path` for `rex init`, atomically and with mode 0600 (the file
// will hold encrypted secrets), creating missing directories. kAlreadyExists if `path` exists:
// init never overwrites a config. Other errors as base::WriteFileAtomic.
base::Status WritePresetFile(const std::string& path, Preset preset);

}  // namespace rex::config
