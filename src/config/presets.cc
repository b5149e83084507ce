#include "config/presets.h"

#include <map>
#include <string>

#include "base/files.h"
#include "base/strings.h"

namespace rex::config {

ServicesConfig BuiltInServices() {
  // What the api, worker and migration read: the database name, Redis and the SuperTokens
  // core (through Cloud Map); the database credentials and the SuperTokens API key as secrets.
  const std::map<std::string, std::string> app_secrets = {
      {"DB_HOST", "db.host"},
      {"DB_PASSWORD", "db.password"},
      {"DB_PORT", "db.port"},
      {"DB_USER", "db.username"},
      {"SUPERTOKENS_API_KEY", "supertokens.apiKey"},
  };
  auto app_environment = [](bool with_port) {
    std::map<std::string, std::string> env = {
        {"DB_NAME", "${dbName}"},
        {"REDIS_URL", "${redisUrl}"},
        {"SUPERTOKENS_CONNECTION_URI", "http://supertokens.${namespace}:3567/auth"},
    };
    if (with_port) env["PORT"] = "${port}";
    return env;
  };
  ServicesConfig services;
  services.entries.emplace_back("api", ServiceConfig{
                                           .port = 8080,
                                           .desired_count = 2,
                                           .health_check = {.path = "/api/health"},
                                           .environment = app_environment(true),
                                           .secrets = app_secrets,
                                           .path = "/api/*",
                                           .discovery = true,
                                           .autoscaling = true,
                                       });
  services.entries.emplace_back("worker", ServiceConfig{
                                              .environment = app_environment(false),
                                              .secrets = app_secrets,
                                          });
  // SuperTokens serves its API under BASE_PATH, so the ALB rule /auth/* and the health check
  // /auth/hello reach it unchanged. The image has bash but no curl: the container health check
  // speaks HTTP over bash's /dev/tcp (SuperTokens' own docker-compose example does the same).
  // A JVM: it gets 120 s before load balancer health checks count. Its database is created by
  // an init container before it starts (bootstrapDatabase).
  services.entries.emplace_back(
      "supertokens",
      ServiceConfig{
          .image = "${supertokensImage}",
          .port = 3567,
          .health_check =
              {
                  .path = "/auth/hello",
                  .command = "bash -c 'exec 3<>/dev/tcp/127.0.0.1/3567 && printf \"GET "
                             "/auth/hello HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: "
                             "close\\r\\n\\r\\n\" >&3 && grep -q Hello <&3'",
                  .grace_period = 120,
              },
          .environment = {{"BASE_PATH", "/auth"}},
          .secrets = {{"API_KEYS", "supertokens.apiKey"},
                      {"POSTGRESQL_CONNECTION_URI", "supertokens.connectionUri"}},
          .path = "/auth/*",
          .discovery = true,
          .called_by = {"api"},
          .bootstrap_database = true,
      });
  return services;
}

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
      c.services.at("api").desired_count = 1;
      c.db_min_capacity = 0.5;
      c.db_max_capacity = 2;
      c.backup_retention_days = 7;
      c.db_deletion_protection = false;
      c.log_retention_days = 7;
      break;
    case Preset::kStaging:
      // Shaped like prod where behaviour differs (TLS, protection, alarms), sized like dev.
      c.nat_gateways = 1;
      c.services.at("api").desired_count = 2;
      c.db_min_capacity = 0.5;
      c.db_max_capacity = 4;
      c.backup_retention_days = 7;
      c.db_deletion_protection = true;
      c.db_managed_password = true;
      c.redis_transit_encryption = true;
      c.redis_auth = true;
      c.redis_snapshot_retention_days = 3;
      c.enable_flow_logs = true;
      c.enable_alarms = true;
      c.log_retention_days = 14;
      c.alb_access_logs = {.enabled = true, .retention_days = 30};
      // Two weeks of daily backups: a bad migration or a lost table is noticed within a sprint.
      c.backup_plan = {.enabled = true, .retention_days = 14};
      break;
    case Preset::kProd:
      // Survives an AZ outage, scales with load, keeps data and logs longer.
      c.nat_gateways = 2;
      c.services.at("api").desired_count = 2;
      c.services.at("worker").desired_count = 2;
      c.services.at("supertokens").desired_count = 2;
      c.autoscaling = {.enabled = true, .min_count = 2, .max_count = 10, .target_cpu_percent = 60};
      c.db_min_capacity = 1;
      c.db_max_capacity = 16;
      c.backup_retention_days = 14;
      c.db_deletion_protection = true;
      c.db_managed_password = true;
      c.redis_num_replicas = 1;
      c.redis_transit_encryption = true;
      c.redis_auth = true;
      c.redis_snapshot_retention_days = 7;
      c.enable_flow_logs = true;
      c.enable_alarms = true;
      c.log_retention_days = 30;
      // A year of access logs: the request history an incident review or audit asks for.
      c.alb_access_logs = {.enabled = true, .retention_days = 365};
      // 35 days of daily backups: a month of restore points beyond the cluster's own 14 days of
      // point-in-time recovery, kept apart from the cluster (they survive its deletion).
      c.backup_plan = {.enabled = true, .retention_days = 35};
      c.cloud_trail = {.enabled = true, .retention_days = 365};
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

}  // namespace rex::config
