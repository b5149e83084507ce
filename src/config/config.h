#pragma once

// The stack config: one typed, validated `Config` per environment, read from
// `stacks/<name>.yaml`, and the text edits behind `rex config get|set|rm` and `rex init`.
//
// YAML layout. Top-level keys keep the names of the original Pulumi program; settings that
// belong together are nested maps; dotted paths ("services.api.cpu") name nested keys in
// messages and on the command line:
//
//     projectName: rex-backend
//     environment: dev
//     region: us-east-1
//     vpcCidr: 10.0.0.0/16
//     natGateways: 1
//     dbMinCapacity: 0.5
//     dbMasterPassword:
//       secure: v2:3q2+7w...          # written by "rex config set dbMasterPassword --secret"
//     services:
//       api: {desiredCount: 2, cpu: 512, memory: 1024, imageTag: latest}
//       worker:
//         cpu: 1024
//         memory: 2048
//     autoscaling:
//       enabled: true
//       minCount: 2
//       maxCount: 10
//     checks:
//       suppress:
//         - rule: alb-http-listener
//           resource: Rex/LoadBalancer/HttpListener
//           reason: TLS terminates at CloudFront
//
// Pulumi compatibility: a top-level key may carry the Pulumi project prefix
// ("rex-backend:vpcCidr" is "vpcCidr"), "aws:region" is "region", and a whole
// Pulumi.<stack>.yaml may be pasted: its keys then sit under a top-level "config:" map and
// Pulumi's own "encryptionsalt", "secretsprovider" and "encryptedkey" are ignored. Pulumi
// stores every value as a string, so scalars are read by their text: "2" is accepted where a
// number is expected and "true" where a boolean is. Values Pulumi encrypted cannot be read;
// set them again with "rex config set KEY --secret".
//
// A key with an empty value ("domainName:") keeps its default. Secrets are maps
// {secure: "v2:..."} (format in base/crypto.h), decrypted at load with the passphrase from
// REX_CONFIG_PASSPHRASE; a plaintext value for a secret key is refused. Without a passphrase,
// a load for a command that hands no secret to AWS (Env::allow_sealed) keeps them sealed:
// set, value unknown, checked when they were set. A v2 value is bound to
// its stack (the file name's stem: "dev" for stacks/dev.yaml) and key, so values swapped
// between keys or copied from another stack's file do not decrypt. v1 values (unbound) are
// still read, with a warning through Env::warn, and every v1 value of a file is rewritten as v2
// by the next SetConfigSecret on it.
//
// Errors: every problem of a file is reported at once, one line each, as
// "<source>: <key>: <problem>: <what is allowed>"; values of secrets never appear in them.
// YAML syntax errors are "<source>:<line>:<column>: invalid YAML: <reason>".
//
// Thread-safety: every function may be called from any thread; none keeps state apart from
// the process-wide key cache of base/crypto.h.

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "base/status.h"
#include "config/workload_types.h"

namespace rex::config {

// The environment variable holding the passphrase that encrypts config secrets.
inline constexpr std::string_view kPassphraseEnvVar = "REX_CONFIG_PASSPHRASE";

// The most bytes a secret's value may have (`rex config set --secret` refuses more).
inline constexpr size_t kMaxSecretBytes = 64 * 1024;

// A secret config value (password, API key, token). Its value is never printed: operator<<
// writes "[secret]" (or "[not set]"), and no ToString in this module reveals it. Read it
// with Reveal() only to hand it to AWS as a NoEcho parameter or a Secrets Manager value.
//
// Three states: not set (AWS generates the value), set with its plaintext, and sealed: set
// in the file but not decrypted (loaded without a passphrase for a command that needs no
// plaintext: synth, cost, check, graph, offline preview). A sealed secret's value was checked
// by its rule (SecretProblem) when `rex config set --secret` stored it; Reveal() is empty.
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)), set_(true) {}
  // A set secret whose value is not known here.
  static Secret Sealed();
  Secret(const Secret& other) = default;
  Secret& operator=(const Secret& other);
  Secret(Secret&& other) noexcept;
  Secret& operator=(Secret&& other) noexcept;
  ~Secret();  // wipes the value

  // False when the key is absent from the config (AWS then generates the value).
  bool is_set() const { return set_; }
  // True when set but not decrypted (see above).
  bool is_sealed() const { return sealed_; }
  // The plaintext; empty when not set or sealed.
  const std::string& Reveal() const { return value_; }

  bool operator==(const Secret& other) const = default;

 private:
  std::string value_;
  bool set_ = false;
  bool sealed_ = false;
};

// "[secret]" when set, "[not set]" otherwise; never the value.
std::ostream& operator<<(std::ostream& os, const Secret& secret);

// How a service checks its health.
struct HealthCheckConfig {
  // The load balancer's health check path (services with a `path`). Default: "/" for
  // services with a path. Allowed: "" or a path starting with '/', at most 1024 characters.
  std::string path = "";
  // A container health check run by the shell in the container (CMD-SHELL). Default: "" (none).
  std::string command = "";
  // Seconds ECS ignores load balancer health checks after a task starts. Default: 60.
  // Allowed: 0 to 7200.
  int grace_period = 60;

  bool operator==(const HealthCheckConfig& other) const = default;
};

// One ECS Fargate service: YAML "services.<name>".
//
// Values of `image` and `environment` may hold references, replaced at synthesis:
//   ${port}              the service's own port
//   ${dbName}            the application database name
//   ${redisUrl}          redis:// or rediss:// URL of the cache
//   ${namespace}         the Cloud Map namespace, "<projectName>-<environment>.local"
//   ${supertokensImage}  the supertokensImage key
// `secrets` maps a container variable to an app secret (never an environment value):
//   db.host, db.port, db.username, db.password, db.dbname (the database credentials),
//   supertokens.apiKey, supertokens.connectionUri, redis.authToken (with redisAuth only).
// With redisAuth, a service whose environment reads ${redisUrl} also gets REDIS_PASSWORD from
// redis.authToken unless it sets that variable itself (the URL never carries the token).
struct ServiceConfig {
  // image: "" (default) runs the ECR repository rex creates, "<projectName>-<environment>-
  // <name>"; otherwise an image name without tag (external registry). Allowed: "" or an image
  // name without whitespace or tag, or "${supertokensImage}".
  std::string image = "";
  // imageTag. Default: "latest". Allowed: a Docker tag, [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}.
  std::string image_tag = "latest";
  // command: the container command; a YAML list or a string split at spaces. Default: the
  // image's own.
  std::vector<std::string> command = {};
  // port the container listens on. Default: 0 (none). Allowed: 0, or 1 to 65535; at most one
  // service per port; needed by `path` and `discovery`.
  int port = 0;
  // cpu: Fargate CPU units. Default: 512. Allowed: 256, 512, 1024, 2048, 4096, 8192, 16384.
  int cpu = 512;
  // memory in MiB. Default: 1024. Allowed: what Fargate pairs with `cpu` (256: 512, 1024,
  // 2048; 512: 1024-4096; 1024: 2048-8192; 2048: 4096-16384; 4096: 8192-30720, in steps of
  // 1024; 8192: 16384-61440 in steps of 4096; 16384: 32768-122880 in steps of 8192).
  int memory = 1024;
  // desiredCount: tasks to run. Default: 1. Allowed: 0 to 100.
  int desired_count = 1;
  // healthCheck.{path,command,gracePeriod}.
  HealthCheckConfig health_check = {};
  // environment: container variables (name -> value, references allowed). Default: none.
  // Allowed: names of letters, digits and '_' not starting with a digit.
  std::map<std::string, std::string> environment = {};
  // secrets: container variable -> app secret name (see above). Default: none.
  std::map<std::string, std::string> secrets = {};
  // path: ALB path pattern such as "/api/*" that forwards to the service; listener rule
  // priorities are 10, 20, 30, ... in services order. Default: "" (not behind the ALB).
  // Allowed: "" or a pattern starting with '/', at most 128 characters; one service per path.
  std::string path = "";
  // discovery: register the tasks in Cloud Map as <name>.<namespace>. Default: false.
  bool discovery = false;
  // calledBy: services that call this one through Cloud Map; opens its port between tasks.
  // Default: none. Allowed: names of other services; needs discovery.
  std::vector<std::string> called_by = {};
  // autoscaling: the service scales with autoscaling.* (its desiredCount is then left to
  // the scaler). Default: false.
  bool autoscaling = false;
  // bootstrapDatabase: an init container creates the "supertokens" database before the
  // service's container starts. Default: false.
  bool bootstrap_database = false;

  bool operator==(const ServiceConfig& other) const = default;
};

// YAML "services:": a map of named services, in file order after the built-in entries
// (api, worker and supertokens; see BuiltInServices in presets.h). A name is 1 to 20
// lowercase letters, digits and hyphens, starting with a letter; a new name one edit away
// from an existing one ("apu") is refused as a likely typo.
struct ServicesConfig {
  std::vector<std::pair<std::string, ServiceConfig>> entries;

  // The entry `name`; aborts if there is none (use Find to test).
  ServiceConfig& at(std::string_view name);
  const ServiceConfig& at(std::string_view name) const;
  // The entry `name`, or null.
  ServiceConfig* Find(std::string_view name);
  const ServiceConfig* Find(std::string_view name) const;
  // The entry `name`, appended with defaults if there is none.
  ServiceConfig& GetOrAdd(std::string_view name);

  bool operator==(const ServicesConfig& other) const = default;
};

// The api, worker and supertokens entries of every preset (definition in presets.cc).
ServicesConfig BuiltInServices();

// The construct id of a service: its name in CamelCase ("api" -> "Api", "email-sender" ->
// "EmailSender"), the prefix of the logical ids of its resources.
std::string ServiceConstructId(std::string_view name);

// YAML "autoscaling:": target-tracking auto scaling on CPU of the services with
// `autoscaling: true` (the api).
struct AutoscalingConfig {
  // Default: false (services.api.desiredCount tasks run).
  bool enabled = false;
  // Fewest api tasks. Default: 2. Allowed: 1 to 100.
  int min_count = 2;
  // Most api tasks. Default: 10. Allowed: minCount to 100.
  int max_count = 10;
  // Average CPU the policy aims for, in percent. Default: 70. Allowed: 10 to 90.
  int target_cpu_percent = 70;

  bool operator==(const AutoscalingConfig& other) const = default;
};

// YAML "albAccessLogs:".
struct AccessLogsConfig {
  // Default: false (the staging and prod presets: true).
  bool enabled = false;
  // Days the bucket keeps the logs. Default: 90.
  int retention_days = 90;

  bool operator==(const AccessLogsConfig& other) const = default;
};

// YAML "cloudTrail:".
struct CloudTrailConfig {
  // Default: false (the prod preset: true).
  bool enabled = false;
  // Days the bucket keeps the log files. Default: 365.
  int retention_days = 365;

  bool operator==(const CloudTrailConfig& other) const = default;
};

// YAML "backupPlan:".
struct BackupPlanConfig {
  // Default: false (the staging and prod presets: true).
  bool enabled = false;
  // Days each daily backup is kept. Default: 35.
  int retention_days = 35;
  // A second region each backup is copied to; "" (default): none.
  std::string copy_region = "";

  bool operator==(const BackupPlanConfig& other) const = default;
};

// One accepted finding of `rex check`. YAML: an item of "checks.suppress".
struct CheckSuppression {
  std::string rule = "";      // the check's id; required
  std::string resource = "";  // a construct path; empty means every resource
  std::string reason = "";    // why it is accepted; required

  bool operator==(const CheckSuppression& other) const = default;
};

// YAML "checks:".
struct ChecksConfig {
  std::vector<CheckSuppression> suppress = {};  // Default: none.

  bool operator==(const ChecksConfig& other) const = default;
};

// Everything that varies between deployments of the Rex Backend. Field comments give the YAML key,
// what it means and its default; what a key allows is its rule in the key table
// (config/keys.cc), which validation applies and `rex init`'s comments and errors quote.
struct Config {
  // --- naming
  // projectName. Default: "rex-backend".
  std::string project_name = "rex-backend";
  // environment. Default: "dev". "<projectName>-<environment>" may have at most 20 characters so
  // resource names such as "<projectName>-<environment>-supertokens" fit AWS's 32-character limit
  // for load balancer target groups.
  std::string environment = "dev";
  // region (Pulumi: aws:region). Default: "us-east-1".
  std::string region = "us-east-1";

  // --- networking
  // vpcCidr. Default: "10.0.0.0/16".
  std::string vpc_cidr = "10.0.0.0/16";
  // natGateways. Default: 1.
  int nat_gateways = 1;
  // enableFlowLogs: VPC flow logs to CloudWatch Logs. Default: false.
  bool enable_flow_logs = false;
  // enableS3Endpoint: S3 gateway endpoint so image layers skip the NAT. Default: true.
  bool enable_s3_endpoint = true;

  // --- database (Aurora Serverless v2, aurora-postgresql)
  // dbEngineVersion. Default: "15.17".
  std::string db_engine_version = "15.17";
  // dbMinCapacity in ACU. Default: 0.5.
  double db_min_capacity = 0.5;
  // dbMaxCapacity in ACU. Default: 2.
  double db_max_capacity = 2;
  // backupRetentionDays. Default: 7.
  int backup_retention_days = 7;
  // dbMasterPassword (secret). Default: not set, AWS generates it in Secrets Manager.
  Secret db_master_password = {};
  // dbDeletionProtection. Default: unset, meaning on outside the "dev" environment; see
  // db_deletion_protection_enabled().
  std::optional<bool> db_deletion_protection = {};
  // dbManagedPassword: RDS keeps the master password in a Secrets Manager secret of its own
  // and rotates it (ManageMasterUserPassword); the services and SuperTokens read it from there.
  // Default: false. Not with dbMasterPassword.
  bool db_managed_password = false;

  // --- cache (ElastiCache Redis 7)
  // redisNodeType. Default: "cache.t4g.micro".
  std::string redis_node_type = "cache.t4g.micro";
  // redisNumReplicas; 1 or more turns on automatic failover and Multi-AZ. Default: 0.
  int redis_num_replicas = 0;
  // redisTransitEncryption: TLS between tasks and Redis. Default: false.
  bool redis_transit_encryption = false;
  // redisAuth: Redis AUTH with a token generated in Secrets Manager, handed to the services as
  // a secret. Default: false. Needs redisTransitEncryption.
  bool redis_auth = false;
  // redisSnapshotRetentionDays. Default: 1.
  int redis_snapshot_retention_days = 1;

  // --- compute (ECS Fargate)
  ServicesConfig services = BuiltInServices();  // services.<name>.*
  AutoscalingConfig autoscaling = {};           // autoscaling.*
  // migrationCommand: the command of the migration task (api image). A YAML list, or a string split
  // at spaces. Default: ["./migrate", "up"].
  std::vector<std::string> migration_command = {"./migrate", "up"};
  // supertokensApiKey (secret). Default: not set, AWS generates it in Secrets Manager.
  Secret supertokens_api_key = {};
  // supertokensImage: repository of the SuperTokens image, without tag (the tag is
  // services.supertokens.imageTag). Default: the official PostgreSQL image.
  std::string supertokens_image = "registry.supertokens.io/supertokens/supertokens-postgresql";

  // --- frontend (AWS Amplify)
  // githubRepo. Default: "" (no Amplify app).
  std::string github_repo = "";
  // githubBranch. Default: "main".
  std::string github_branch = "main";
  // githubToken (secret). Default: not set (public repositories need none).
  Secret github_token = {};
  // frontendDomain: custom domain of the Amplify app. Default: "" (none).
  std::string frontend_domain = "";

  // --- load balancer and DNS
  // domainName of the API. Default: "" (none).
  std::string domain_name = "";
  // hostedZoneId: Route 53 zone for an alias record to the ALB. Default: "" (no record).
  std::string hosted_zone_id = "";
  // certificateArn: ACM certificate for the HTTPS listener. Default: "" (HTTP only).
  std::string certificate_arn = "";
  // enableWaf: WAF web ACL with AWS managed rules and a rate limit. Default: false.
  bool enable_waf = false;
  // wafRateLimit: requests per 5 minutes per IP before WAF blocks. Default: 2000.
  int waf_rate_limit = 2000;
  // albAccessLogs.{enabled,retentionDays}: ALB access logs to an encrypted, TLS-only bucket
  // whose lifecycle deletes them after retentionDays.
  AccessLogsConfig alb_access_logs = {};

  // --- monitoring
  // logRetentionDays. Default: 7.
  int log_retention_days = 7;
  // enableAlarms: CloudWatch alarms to an SNS topic. Default: false.
  bool enable_alarms = false;
  // alertEmail subscribed to the alarm topic. Default: "" (none).
  std::string alert_email = "";

  // --- audit and recovery
  // cloudTrail.{enabled,retentionDays}: a multi-region CloudTrail trail with log-file
  // validation, to an encrypted bucket.
  CloudTrailConfig cloud_trail = {};
  // backupPlan.{enabled,retentionDays,copyRegion}: an AWS Backup plan for the database.
  BackupPlanConfig backup_plan = {};

  // --- secrets
  // secretsProvider: what seals the secrets of this file: "passphrase" (REX_CONFIG_PASSPHRASE)
  // or "awskms://<key id, ARN or alias/NAME>" (a data key from KMS, kept encrypted in the file).
  // Default: "passphrase".
  std::string secrets_provider = "passphrase";
  // encryptedDataKey: with an awskms:// provider, the data key that seals this file's secrets,
  // encrypted by that KMS key (base64); written by `rex config change-secrets-provider`.
  // Default: "".
  std::string encrypted_data_key = "";

  // --- jobs, queues and buckets (config/workload_types.h). Default: none.
  JobsConfig jobs = {};        // jobs.<name>.*
  QueuesConfig queues = {};    // queues.<name>.*
  BucketsConfig buckets = {};  // buckets.<name>.*

  // --- rex check
  ChecksConfig checks = {};  // checks.suppress

  // Whether the database gets deletion protection and a final snapshot: the configured value, else
  // true for every environment but "dev".
  bool db_deletion_protection_enabled() const {
    return db_deletion_protection.value_or(environment != "dev");
  }

  bool operator==(const Config& other) const = default;
};

// Where the loader gets what the process environment provides. The CLI fills it from the
// real environment (FromProcess); tests build it directly.
struct Env {
  // REX_CONFIG_PASSPHRASE; unset or empty means no passphrase.
  std::optional<std::string> config_passphrase = {};
  // Receives warnings that do not stop the load (a secret still in the v1 format). Unset:
  // they are dropped.
  std::function<void(const std::string&)> warn = {};
  // Without a passphrase: false (the default) refuses a file with secrets ("is encrypted but
  // REX_CONFIG_PASSPHRASE is not set"); true loads them sealed (Secret::is_sealed), for
  // commands that hand no secret's value to AWS. With a passphrase secrets are decrypted.
  bool allow_sealed = false;
  // For a file whose secretsProvider is awskms://: the plaintext of its encryptedDataKey
  // (KMS Decrypt under `kms_key`, the provider's key). Unset: such a file is read as one
  // without a passphrase (sealed or refused, by allow_sealed).
  std::function<base::Result<std::string>(std::string_view kms_key,
                                          std::string_view encrypted_data_key)>
      decrypt_data_key = {};

  static Env FromProcess();
};

// Parses and validates config text. `source_name` (usually the file path) starts every error
// line. Decrypts secrets with env.config_passphrase.
// kInvalidArgument listing every problem, one per line, for: YAML syntax errors, unknown keys
// (with a "did you mean" hint), values of the wrong type, values outside what is allowed,
// plaintext or undecryptable secrets, and secrets present without a passphrase.
base::Result<Config> LoadConfig(std::string_view yaml_text, std::string_view source_name,
                                const Env& env);

// LoadConfig on the contents of `path` (the path is the source name). kNotFound if the file
// does not exist.
base::Result<Config> LoadConfigFile(const std::string& path, const Env& env);

// Checks every value of `config` against what its field comment allows (ranges, enums, CIDR,
// ARN, email, Fargate sizes, cross-field rules). OK or kInvalidArgument listing every problem
// as "<source_name>: <key>: ...". For configs built in code as well as loaded ones.
base::Status ValidateConfig(const Config& config, std::string_view source_name);

// Every key `rex config set` accepts, as dotted paths, in file order ("projectName", ...,
// "services.api.cpu", ...). checks.suppress is a list and is edited in the file, as are the
// services added to "services:" and the keys of services.* other than desiredCount, cpu,
// memory and imageTag of the built-in entries.
std::vector<std::string> ConfigKeys();

// True for dbMasterPassword, supertokensApiKey and githubToken (with or without prefix).
bool IsSecretKey(std::string_view key);

// The one rule of a secret key's value, applied by `rex config set --secret`, by the loader to
// decrypted values and by the synth: "<key>: <what is wrong>; use <what is allowed>", or ""
// when `plaintext` is allowed (or `key` is not a secret key). Never quotes the value.
std::string SecretProblem(std::string_view key, std::string_view plaintext);

// OK when no secret of `config` is sealed; else kInvalidArgument naming the sealed keys and
// REX_CONFIG_PASSPHRASE: for commands that hand secrets to AWS.
base::Status RequireUnsealedSecrets(const Config& config);

// One "key: value" line per key, in ConfigKeys() order, then the suppressions. Secrets show as
// "[secret]" or "[not set]", never their value.
std::string ToString(const Config& config);
std::ostream& operator<<(std::ostream& os, const Config& config);

// The YAML text of `config` in the layout above, with a comment per key saying what it does
// and allows. Secrets cannot be written in clear: each is a comment telling how to set it.
// Loading the result (without secrets) gives back `config` with its secrets unset.
std::string ConfigToYaml(const Config& config);

// --- editing (rex config get|set|rm). Each takes the text of a config file and returns the
// new text; the rest of the file (other keys, comments, order) is kept. `key` is a dotted
// path and may carry the "rex-backend:" prefix. The edited text is validated as a whole before
// it is returned; kInvalidArgument lists the problems (unknown key with "did you mean",
// wrong value with what is allowed, a secret key set without --secret or the reverse).

// Sets a non-secret key to `value` (read as YAML would read a plain scalar; a list key such as
// migrationCommand takes a JSON array of strings, '["sh", "-c", "a && b"]', or words split
// at spaces).
base::Result<std::string> SetConfigValue(std::string_view yaml_text, std::string_view source_name,
                                         std::string_view key, std::string_view value);

// Sets several non-secret keys at once (key, value), validated together, so keys that depend
// on each other (services.api.cpu and services.api.memory) change in one step. Errors about a
// key that was not set name the keys that were and say to set the related key in the same
// command.
base::Result<std::string> SetConfigValues(
    std::string_view yaml_text, std::string_view source_name,
    const std::vector<std::pair<std::string, std::string>>& values);

// Sets a secret key to {secure: "v2:..."} encrypted with env.config_passphrase. Reuses the
// salt of the v2 secrets already in the file, so loading derives one key; v1 secrets already in
// the file are re-encrypted as v2 (under the same salt). kInvalidArgument if there is no
// passphrase, if it is shorter than base::kMinPassphraseLength, or if it does not decrypt the
// secrets already in the file (one file, one passphrase).
base::Result<std::string> SetConfigSecret(std::string_view yaml_text, std::string_view source_name,
                                          std::string_view key, std::string_view plaintext,
                                          const Env& env);

// Removes a key (its default applies again). kNotFound if the file does not set it.
base::Result<std::string> RemoveConfigValue(std::string_view yaml_text,
                                            std::string_view source_name, std::string_view key);

// The effective value of a key as text (the default when the file does not set it); "[secret]"
// for a secret that is set. kNotFound for a secret that is not set. Needs no passphrase.
base::Result<std::string> GetConfigValue(std::string_view yaml_text, std::string_view source_name,
                                         std::string_view key);

// File versions of the edits: read `path` (kNotFound if missing), edit, and write it back
// atomically with mode 0600 (it holds encrypted secrets); a symlink is written through (its
// target is replaced, the link kept). Each holds an exclusive flock(2) on "<file>.lock" beside
// the (resolved) file from the read to the write, so concurrent edits do not lose updates.
// Nothing is written on error.
base::Status SetConfigFileValue(const std::string& path, std::string_view key,
                                std::string_view value);
base::Status SetConfigFileValues(const std::string& path,
                                 const std::vector<std::pair<std::string, std::string>>& values);
base::Status SetConfigFileSecret(const std::string& path, std::string_view key,
                                 std::string_view plaintext, const Env& env);
base::Status RemoveConfigFileValue(const std::string& path, std::string_view key);
base::Result<std::string> GetConfigFileValue(const std::string& path, std::string_view key);

}  // namespace rex::config
