#include "config/config.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>

#include "base/crypto.h"
#include "base/files.h"

namespace rex::config {
namespace {

constexpr char kSource[] = "stacks/dev.yaml";
constexpr char kPassphrase[] = "test passphrase";

Env WithPassphrase() { return Env{.config_passphrase = kPassphrase}; }

// The error text of loading `yaml`, or "OK" if it loads.
std::string LoadError(const std::string& yaml, const Env& env = {}) {
  base::Result<Config> config = LoadConfig(yaml, kSource, env);
  if (config.ok()) return "OK";
  EXPECT_EQ(config.error().code(), base::Code::kInvalidArgument);
  return config.error().message();
}

Config MustLoad(const std::string& yaml, const Env& env = {}) {
  base::Result<Config> config = LoadConfig(yaml, kSource, env);
  EXPECT_TRUE(config.ok()) << config.error().message();
  return config.ok() ? config.value() : Config{};
}

// The {secure: ...} value of `key` in stacks/dev.yaml (v2: bound to stack "dev" and the key).
std::string Secure(const std::string& key, const std::string& plaintext) {
  return "{secure: \"" +
         base::EncryptSecret(plaintext, kPassphrase, base::SecretBinding("dev", key)).value() +
         "\"}";
}

// --- loading

TEST(ConfigLoadTest, EmptyFileGivesTheDefaults) {
  Config config = MustLoad("");
  EXPECT_EQ(config, Config{});
  EXPECT_EQ(config.project_name, "rex-backend");
  EXPECT_EQ(config.environment, "dev");
  EXPECT_EQ(config.region, "us-east-1");
  EXPECT_EQ(config.vpc_cidr, "10.0.0.0/16");
  EXPECT_EQ(config.nat_gateways, 1);
  EXPECT_EQ(config.db_engine_version, "15.17");
  EXPECT_EQ(config.db_min_capacity, 0.5);
  EXPECT_EQ(config.db_max_capacity, 2);
  EXPECT_EQ(config.backup_retention_days, 7);
  EXPECT_EQ(config.redis_node_type, "cache.t4g.micro");
  EXPECT_EQ(config.services.at("api").desired_count, 2);
  EXPECT_EQ(config.services.at("worker").desired_count, 1);
  EXPECT_EQ(config.services.at("supertokens").cpu, 512);
  EXPECT_EQ(config.services.at("supertokens").memory, 1024);
  EXPECT_EQ(config.log_retention_days, 7);
  EXPECT_FALSE(config.db_master_password.is_set());
  EXPECT_FALSE(config.db_deletion_protection_enabled());
  EXPECT_TRUE(ValidateConfig(Config{}, kSource).ok());
  EXPECT_EQ(MustLoad("# only a comment\n"), Config{});
}

TEST(ConfigLoadTest, ReadsTopLevelAndNestedKeys) {
  Config config = MustLoad(R"(projectName: shop
environment: prod
region: eu-west-1
vpcCidr: 172.20.0.0/20
natGateways: 2
enableFlowLogs: true
dbMinCapacity: 0
dbMaxCapacity: 8.5
services:
  api: {desiredCount: 3, cpu: 1024, memory: 3072, imageTag: v1.2.3}
  worker:
    cpu: 256
    memory: 512
autoscaling:
  enabled: true
  minCount: 3
  maxCount: 6
migrationCommand: ["/app/migrate", "--dir", "db/migrations", "up"]
certificateArn: arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666
domainName: api.example.com
hostedZoneId: Z0123456789ABCDEFGHIJ
enableAlarms: true
alertEmail: ops@example.com
logRetentionDays: 365
checks:
  suppress:
    - rule: alb-http-listener
      resource: Rex/LoadBalancer/HttpListener
      reason: TLS terminates at CloudFront
    - rule: db-single-writer
      reason: cost
)");
  EXPECT_EQ(config.project_name, "shop");
  EXPECT_EQ(config.region, "eu-west-1");
  EXPECT_EQ(config.vpc_cidr, "172.20.0.0/20");
  EXPECT_EQ(config.nat_gateways, 2);
  EXPECT_TRUE(config.enable_flow_logs);
  EXPECT_EQ(config.db_min_capacity, 0);
  EXPECT_EQ(config.db_max_capacity, 8.5);
  ServiceConfig api = BuiltInServices().at("api");
  api.desired_count = 3;
  api.cpu = 1024;
  api.memory = 3072;
  api.image_tag = "v1.2.3";
  EXPECT_EQ(config.services.at("api"), api);
  ServiceConfig worker = BuiltInServices().at("worker");
  worker.cpu = 256;
  worker.memory = 512;
  EXPECT_EQ(config.services.at("worker"), worker);
  EXPECT_EQ(config.autoscaling,
            (AutoscalingConfig{
                .enabled = true, .min_count = 3, .max_count = 6, .target_cpu_percent = 70}));
  EXPECT_EQ(config.migration_command,
            (std::vector<std::string>{"/app/migrate", "--dir", "db/migrations", "up"}));
  EXPECT_TRUE(config.db_deletion_protection_enabled());  // environment prod
  ASSERT_EQ(config.checks.suppress.size(), 2u);
  EXPECT_EQ(config.checks.suppress[0],
            (CheckSuppression{.rule = "alb-http-listener",
                              .resource = "Rex/LoadBalancer/HttpListener",
                              .reason = "TLS terminates at CloudFront"}));
  EXPECT_EQ(config.checks.suppress[1].resource, "");
}

TEST(ConfigLoadTest, AcceptsThePulumiPrefixAndRegionKey) {
  Config config = MustLoad(
      "rex-backend:vpcCidr: 10.1.0.0/16\n"
      "rex-backend:natGateways: 2\n"
      "aws:region: eu-central-1\n"
      "environment: staging\n");
  EXPECT_EQ(config.vpc_cidr, "10.1.0.0/16");
  EXPECT_EQ(config.nat_gateways, 2);
  EXPECT_EQ(config.region, "eu-central-1");
  EXPECT_EQ(config.environment, "staging");
}

TEST(ConfigLoadTest, AcceptsAPastedPulumiStackFile) {
  // Pulumi writes every value as a string and wraps the keys in "config:".
  Config config = MustLoad(R"(encryptionsalt: v1:abc=:v1:def:ghi
config:
  aws:region: us-west-2
  rex-backend:environment: dev
  rex-backend:projectName: rex-backend
  rex-backend:vpcCidr: 10.0.0.0/16
  rex-backend:natGateways: "2"
  rex-backend:enableWaf: "true"
  rex-backend:dbMaxCapacity: "4"
  rex-backend:githubRepo: https://github.com/yourusername/rex-backend
  rex-backend:githubBranch: main
)");
  EXPECT_EQ(config.region, "us-west-2");
  EXPECT_EQ(config.nat_gateways, 2);
  EXPECT_TRUE(config.enable_waf);
  EXPECT_EQ(config.db_max_capacity, 4);
  EXPECT_EQ(config.github_repo, "https://github.com/yourusername/rex-backend");
}

TEST(ConfigLoadTest, PulumiEncryptedValueIsRefusedWithTheFix) {
  EXPECT_EQ(LoadError("config:\n  rex-backend:dbMasterPassword:\n    secure: AAABAHs1Y2ZlZGJh\n"),
            "stacks/dev.yaml: dbMasterPassword: the value was not encrypted by rex (Pulumi's "
            "secure values cannot be read); run \"rex config set dbMasterPassword --secret\" to "
            "set it again");
}

TEST(ConfigLoadTest, EmptyValueKeepsTheDefault) {
  Config config = MustLoad("domainName:\nnatGateways:\nservices:\n  api:\n");
  EXPECT_EQ(config, Config{});
}

TEST(ConfigLoadTest, MigrationCommandMayBeAString) {
  EXPECT_EQ(MustLoad("migrationCommand: ./migrate  up --all\n").migration_command,
            (std::vector<std::string>{"./migrate", "up", "--all"}));
}

TEST(ConfigLoadTest, DeletionProtectionFollowsTheEnvironmentUnlessSet) {
  EXPECT_FALSE(MustLoad("environment: dev\n").db_deletion_protection_enabled());
  EXPECT_TRUE(MustLoad("environment: staging\n").db_deletion_protection_enabled());
  EXPECT_TRUE(MustLoad("dbDeletionProtection: true\n").db_deletion_protection_enabled());
  EXPECT_FALSE(MustLoad("environment: prod\ndbDeletionProtection: false\n")
                   .db_deletion_protection_enabled());
}

// --- one test per kind of error, each pinning the exact message

TEST(ConfigErrorTest, UnknownKeyWithHint) {
  EXPECT_EQ(LoadError("natGateway: 2\n"),
            "stacks/dev.yaml: natGateway: unknown key; did you mean \"natGateways\"?");
  EXPECT_EQ(LoadError("services:\n  api:\n    cpus: 512\n"),
            "stacks/dev.yaml: services.api.cpus: unknown key; did you mean \"cpu\"?; allowed: "
            "image, imageTag, command, port, cpu, memory, desiredCount, healthCheck, environment, "
            "secrets, path, discovery, calledBy, autoscaling, bootstrapDatabase");
  EXPECT_EQ(LoadError("services:\n  apu:\n    cpu: 512\n"),
            "stacks/dev.yaml: services.apu: unknown key; did you mean \"services.api\"?");
  EXPECT_EQ(LoadError("frobnicate: 1\n"), "stacks/dev.yaml: frobnicate: unknown key");
  EXPECT_EQ(LoadError("myproject:vpcCidr: 10.0.0.0/16\n"),
            "stacks/dev.yaml: myproject:vpcCidr: unknown key; only the \"rex-backend:\" prefix "
            "is accepted; did you mean \"vpcCidr\"?");
  EXPECT_EQ(LoadError("checks:\n  suppress:\n    - rule: x\n      reson: y\n"),
            "stacks/dev.yaml: checks.suppress[0].reson: unknown key; did you mean \"reason\"?");
  EXPECT_EQ(LoadError("checks:\n  suppress:\n    - rule: x\n"),
            "stacks/dev.yaml: checks.suppress[0]: reason is required: say why the finding is "
            "accepted");
}

TEST(ConfigErrorTest, WrongType) {
  EXPECT_EQ(LoadError("natGateways: two\n"),
            "stacks/dev.yaml: natGateways: expected a whole number, got \"two\"");
  EXPECT_EQ(LoadError("natGateways: 1.5\n"),
            "stacks/dev.yaml: natGateways: expected a whole number, got \"1.5\"");
  EXPECT_EQ(LoadError("dbMinCapacity: half\n"),
            "stacks/dev.yaml: dbMinCapacity: expected a number, got \"half\"");
  EXPECT_EQ(LoadError("enableWaf: yes\n"),
            "stacks/dev.yaml: enableWaf: expected true or false, got \"yes\"");
  EXPECT_EQ(LoadError("vpcCidr: [10.0.0.0/16]\n"),
            "stacks/dev.yaml: vpcCidr: expected a string, got a list");
  EXPECT_EQ(LoadError("services: 3\n"), "stacks/dev.yaml: services: expected a map, got \"3\"");
  EXPECT_EQ(LoadError("migrationCommand: {a: b}\n"),
            "stacks/dev.yaml: migrationCommand: expected a list of strings or a string, got a map");
  EXPECT_EQ(LoadError("migrationCommand: [migrate, {a: b}]\n"),
            "stacks/dev.yaml: migrationCommand: expected a list of strings, got an item that is "
            "a map");
  EXPECT_EQ(LoadError("services:\n  api:\n    command: [serve, {a: b}]\n"),
            "stacks/dev.yaml: services.api.command: expected a list of strings, got an item "
            "that is a map");
  EXPECT_EQ(LoadError("- a\n- b\n"), "stacks/dev.yaml: expected a map of config keys, got a list");
}

TEST(ConfigErrorTest, OutOfRange) {
  EXPECT_EQ(LoadError("backupRetentionDays: 40\n"),
            "stacks/dev.yaml: backupRetentionDays: 40 is not allowed: use 1 to 35 days");
  EXPECT_EQ(LoadError("dbMinCapacity: 0.3\n"),
            "stacks/dev.yaml: dbMinCapacity: 0.3 is not allowed: use 0 to 256 ACU in steps of 0.5");
  EXPECT_EQ(LoadError("dbMaxCapacity: 300\n"),
            "stacks/dev.yaml: dbMaxCapacity: 300 is not allowed: use 1 to 256 ACU in steps of 0.5");
  EXPECT_EQ(
      LoadError("dbMinCapacity: 4\n"),
      "stacks/dev.yaml: dbMinCapacity: 4 is not allowed: it must not exceed dbMaxCapacity (2)");
  EXPECT_EQ(LoadError("wafRateLimit: 5\n"),
            "stacks/dev.yaml: wafRateLimit: 5 is not allowed: use 10 to 2000000000 requests per 5 "
            "minutes");
  EXPECT_EQ(LoadError("autoscaling:\n  maxCount: 1\n"),
            "stacks/dev.yaml: autoscaling.maxCount: 1 is not allowed: use autoscaling.minCount (2) "
            "to 100 tasks");
}

TEST(ConfigErrorTest, BadEnum) {
  EXPECT_EQ(LoadError("natGateways: 3\n"),
            "stacks/dev.yaml: natGateways: 3 is not allowed: use 1 (one shared NAT gateway) or 2 "
            "(one per availability zone)");
  EXPECT_EQ(
      LoadError("logRetentionDays: 10\n"),
      "stacks/dev.yaml: logRetentionDays: 10 is not allowed: use one of CloudWatch's values: "
      "1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, "
      "2922, 3288, 3653");
  EXPECT_EQ(LoadError("services:\n  api:\n    cpu: 300\n"),
            "stacks/dev.yaml: services.api.cpu: 300 is not allowed: use a Fargate CPU value: 256, "
            "512, 1024, 2048, 4096, 8192 or 16384");
  EXPECT_EQ(LoadError("services:\n  worker:\n    cpu: 512\n    memory: 8192\n"),
            "stacks/dev.yaml: services.worker.memory: 8192 is not allowed with cpu 512: use 1024 "
            "to 4096 MiB in steps of 1024");
  EXPECT_EQ(LoadError("services:\n  worker:\n    cpu: 256\n    memory: 1536\n"),
            "stacks/dev.yaml: services.worker.memory: 1536 is not allowed with cpu 256: use 512, "
            "1024 or 2048 MiB");
  EXPECT_EQ(LoadError("region: us-east\n"),
            "stacks/dev.yaml: region: \"us-east\" is not allowed: use an AWS region name such as "
            "\"us-east-1\"");
}

TEST(ConfigErrorTest, BadCidr) {
  const std::string allowed =
      " is not allowed: use a private range (10/8, 172.16/12, 192.168/16) with a prefix from "
      "/16 to /24";
  EXPECT_EQ(LoadError("vpcCidr: 10.0.0.0/8\n"),
            "stacks/dev.yaml: vpcCidr: \"10.0.0.0/8\"" + allowed);
  EXPECT_EQ(LoadError("vpcCidr: 8.8.0.0/16\n"),
            "stacks/dev.yaml: vpcCidr: \"8.8.0.0/16\"" + allowed);
  EXPECT_EQ(LoadError("vpcCidr: 10.0.0.0/28\n"),
            "stacks/dev.yaml: vpcCidr: \"10.0.0.0/28\"" + allowed);
  EXPECT_EQ(LoadError("vpcCidr: 172.32.0.0/16\n"),
            "stacks/dev.yaml: vpcCidr: \"172.32.0.0/16\"" + allowed);
  EXPECT_EQ(LoadError("vpcCidr: 10.0.300.0/16\n"),
            "stacks/dev.yaml: vpcCidr: \"10.0.300.0/16\"" + allowed);
  EXPECT_EQ(LoadError("vpcCidr: ten\n"), "stacks/dev.yaml: vpcCidr: \"ten\"" + allowed);
  EXPECT_EQ(LoadError("vpcCidr: 10.0.1.0/16\n"),
            "stacks/dev.yaml: vpcCidr: \"10.0.1.0/16\" is not allowed: the address has host bits "
            "set; use \"10.0.0.0/16\"");
  EXPECT_EQ(LoadError("vpcCidr: 192.168.10.0/24\n"), "OK");
}

TEST(ConfigErrorTest, BadArn) {
  // The seed README's example has a 9-digit account id.
  EXPECT_EQ(LoadError("certificateArn: arn:aws:acm:us-east-1:123456789:certificate/abc-123\n"),
            "stacks/dev.yaml: certificateArn: "
            "\"arn:aws:acm:us-east-1:123456789:certificate/abc-123\" is not allowed: use an ACM "
            "certificate ARN such as \"arn:aws:acm:us-east-1:123456789012:certificate/<id>\"");
  EXPECT_EQ(LoadError("certificateArn: arn:aws:acm:eu-west-1:123456789012:certificate/abc-123\n"),
            "stacks/dev.yaml: certificateArn: the certificate is in eu-west-1 but the stack is in "
            "us-east-1; a load balancer needs a certificate from its own region");
  EXPECT_EQ(LoadError("certificateArn: arn:aws:acm:us-east-1:123456789012:certificate/abc-123\n"),
            "OK");
}

TEST(ConfigErrorTest, BadEmail) {
  EXPECT_EQ(LoadError("enableAlarms: true\nalertEmail: ops@\n"),
            "stacks/dev.yaml: alertEmail: \"ops@\" is not allowed: use an email address such as "
            "\"ops@example.com\"");
  EXPECT_EQ(LoadError("alertEmail: ops@example.com\n"),
            "stacks/dev.yaml: alertEmail: needs enableAlarms: true (no alarm would ever send it "
            "mail)");
}

TEST(ConfigErrorTest, BadNamesAndDomains) {
  EXPECT_EQ(LoadError("projectName: Rex_Backend\n"),
            "stacks/dev.yaml: projectName: \"Rex_Backend\" is not allowed: use 1 to 20 lowercase "
            "letters, digits and hyphens, starting with a letter");
  EXPECT_EQ(LoadError("projectName: rex-backend-platform\nenvironment: staging\n"),
            "stacks/dev.yaml: projectName: \"rex-backend-platform-staging\" "
            "(projectName-environment) has 28 characters; at most 20 are allowed so names like "
            "\"rex-backend-platform-staging-supertokens\" fit AWS's 32-character limit");
  EXPECT_EQ(LoadError("frontendDomain: app.example.com\n"),
            "stacks/dev.yaml: frontendDomain: needs githubRepo: the domain is attached to the "
            "Amplify app");
  EXPECT_EQ(LoadError("hostedZoneId: Z0123456789ABC\n"),
            "stacks/dev.yaml: hostedZoneId: needs domainName: the alias record is created for "
            "that name");
  EXPECT_EQ(LoadError("domainName: API.example.com\n"),
            "stacks/dev.yaml: domainName: \"API.example.com\" is not allowed: use a lowercase "
            "domain name such as \"api.example.com\"");
  EXPECT_EQ(LoadError("githubBranch: my branch\n"),
            "stacks/dev.yaml: githubBranch: \"my branch\" is not allowed: use a git branch name "
            "such as \"main\" (no spaces, ~ ^ : ? * [ \\ or \"..\")");
  EXPECT_EQ(LoadError("githubBranch: release/2024.1#hotfix\n"), "OK");
  EXPECT_EQ(LoadError("githubRepo: git@github.com:me/repo.git\n"),
            "stacks/dev.yaml: githubRepo: \"git@github.com:me/repo.git\" is not allowed: use an "
            "https URL such as \"https://github.com/owner/repo\"");
}

TEST(ConfigErrorTest, AutoscalingBoundsTheDesiredCount) {
  EXPECT_EQ(LoadError("autoscaling:\n  enabled: true\nservices:\n  api:\n    desiredCount: 1\n"),
            "stacks/dev.yaml: services.api.desiredCount: 1 is not allowed with autoscaling "
            "enabled: use 2 to 10 (autoscaling.minCount to autoscaling.maxCount)");
}

TEST(ConfigErrorTest, DuplicateKey) {
  EXPECT_EQ(LoadError("vpcCidr: 10.0.0.0/16\nrex-backend:vpcCidr: 10.1.0.0/16\n"),
            "stacks/dev.yaml: rex-backend:vpcCidr: is set more than once");
}

TEST(ConfigErrorTest, PlaintextSecret) {
  std::string message = LoadError("dbMasterPassword: YourStrongPasswordHere123!\n");
  EXPECT_EQ(message,
            "stacks/dev.yaml: dbMasterPassword: plaintext secrets are not allowed; run \"rex "
            "config set dbMasterPassword --secret\" to store it encrypted");
}

TEST(ConfigErrorTest, MissingPassphrase) {
  std::string yaml = "dbMasterPassword: " + Secure("dbMasterPassword", "pw-1") + "\n";
  const std::string expected =
      "stacks/dev.yaml: dbMasterPassword: is encrypted but REX_CONFIG_PASSPHRASE is not set; "
      "export the passphrase it was set with";
  EXPECT_EQ(LoadError(yaml), expected);
  EXPECT_EQ(LoadError(yaml, Env{.config_passphrase = ""}), expected);
}

TEST(ConfigErrorTest, WrongPassphraseOrTamperedSecret) {
  std::string yaml = "supertokensApiKey: " + Secure("supertokensApiKey", "key-1") + "\n";
  EXPECT_EQ(LoadError(yaml, Env{.config_passphrase = "not it"}),
            "stacks/dev.yaml: supertokensApiKey: cannot decrypt: wrong REX_CONFIG_PASSPHRASE, a "
            "corrupted value, or a value written for another key or stack (secure values cannot "
            "be moved or swapped; run \"rex config set supertokensApiKey --secret\" to set it "
            "again)");
  EXPECT_EQ(LoadError("githubToken: {secure: \"v1:AAAA\"}\n", WithPassphrase()),
            "stacks/dev.yaml: githubToken: malformed secret: 3 bytes after base64 decoding, at "
            "least 44 expected; run \"rex config set githubToken --secret\" to set it again");
  EXPECT_EQ(LoadError("githubToken: {secret: x}\n", WithPassphrase()),
            "stacks/dev.yaml: githubToken: expected {secure: \"v2:...\"} as written by \"rex "
            "config set githubToken --secret\"");
}

TEST(ConfigErrorTest, YamlSyntaxErrorHasLineAndColumn) {
  EXPECT_EQ(LoadError("projectName: rex\nvpcCidr: [10.0.0.0/16\nnatGateways: 1\n"),
            "stacks/dev.yaml:3:12: invalid YAML: end of sequence flow not found");
  EXPECT_EQ(LoadError("projectName: rex\n  natGateways: 1\n"),
            "stacks/dev.yaml:2:14: invalid YAML: illegal map value");
}

TEST(ConfigErrorTest, ReportsEveryProblemAtOnce) {
  EXPECT_EQ(LoadError("natGateway: 2\n"
                      "backupRetentionDays: many\n"
                      "vpcCidr: 10.0.0.0/8\n"
                      "logRetentionDays: 3\n"
                      "services:\n"
                      "  api:\n"
                      "    memory: 99\n"),
            "stacks/dev.yaml: natGateway: unknown key; did you mean \"natGateways\"?\n"
            "stacks/dev.yaml: backupRetentionDays: expected a whole number, got \"many\"\n"
            "stacks/dev.yaml: vpcCidr: \"10.0.0.0/8\" is not allowed: use a private range (10/8, "
            "172.16/12, 192.168/16) with a prefix from /16 to /24\n"
            "stacks/dev.yaml: services.api.memory: 99 is not allowed with cpu 512: use 1024 to "
            "4096 MiB in steps of 1024");
}

TEST(ConfigSecretTest, DecryptsWithThePassphrase) {
  Config config = MustLoad("dbMasterPassword: " + Secure("dbMasterPassword", "db-pass-9") + "\n" +
                               "rex-backend:supertokensApiKey: " +
                               Secure("supertokensApiKey", "st-key-9-0123456789ab") + "\n",
                           WithPassphrase());
  EXPECT_TRUE(config.db_master_password.is_set());
  EXPECT_EQ(config.db_master_password.Reveal(), "db-pass-9");
  EXPECT_EQ(config.supertokens_api_key.Reveal(), "st-key-9-0123456789ab");
  EXPECT_FALSE(config.github_token.is_set());
}

TEST(ConfigSecretTest, NoSecretValueInErrorsOrPrintableForms) {
  const std::string kValues[] = {"db-pass-SENTINEL", "st-key-SENTINEL-0123456",
                                 "gh-token-SENTINEL"};
  std::string yaml = "dbMasterPassword: " + Secure("dbMasterPassword", kValues[0]) +
                     "\nsupertokensApiKey: " + Secure("supertokensApiKey", kValues[1]) +
                     "\ngithubToken: " + Secure("githubToken", kValues[2]) + "\n";
  Config config = MustLoad(yaml, WithPassphrase());
  ASSERT_EQ(config.github_token.Reveal(), kValues[2]);

  std::ostringstream streamed;
  streamed << config << config.db_master_password;
  std::string printable = ToString(config) + streamed.str() + ConfigToYaml(config);
  EXPECT_NE(printable.find("dbMasterPassword: [secret]"), std::string::npos);
  EXPECT_NE(printable.find("[secret]"), std::string::npos);

  // Errors about the file, with the secrets in it: plaintext, wrong passphrase, bad siblings.
  std::string errors =
      LoadError(yaml + "natGateways: 9\n", WithPassphrase()) +
      LoadError(yaml, Env{.config_passphrase = "wrong"}) + LoadError(yaml) +
      LoadError("dbMasterPassword: " + kValues[0] + "\ngithubToken: [" + kValues[2] + "]\n") +
      LoadError("dbMasterPassword: {secure: " + kValues[0] + "}\n") +
      SetConfigValue("", kSource, "dbMasterPassword", kValues[0]).error().message() +
      SetConfigSecret("", kSource, "projectName", kValues[0], WithPassphrase()).error().message();
  for (const std::string& value : kValues) {
    EXPECT_EQ(printable.find(value), std::string::npos) << value;
    EXPECT_EQ(errors.find(value), std::string::npos) << value << " in\n" << errors;
    EXPECT_EQ(printable.find("SENTINEL"), std::string::npos);
    EXPECT_EQ(errors.find("SENTINEL"), std::string::npos);
  }
}

TEST(ConfigSecretTest, SecretPrintsRedacted) {
  std::ostringstream out;
  out << Secret("hunter2") << " " << Secret();
  EXPECT_EQ(out.str(), "[secret] [not set]");
  EXPECT_EQ(IsSecretKey("githubToken"), true);
  EXPECT_EQ(IsSecretKey("rex-backend:dbMasterPassword"), true);
  EXPECT_EQ(IsSecretKey("githubRepo"), false);
}

TEST(ConfigFileTest, LoadConfigFileNamesThePath) {
  std::string dir = testing::TempDir() + "config_file_test";
  std::filesystem::create_directories(dir);
  std::string path = dir + "/staging.yaml";
  ASSERT_TRUE(base::WriteFileAtomic(path, "natGateways: 4\n").ok());
  base::Result<Config> loaded = LoadConfigFile(path, Env{});
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().message(),
            path +
                ": natGateways: 4 is not allowed: use 1 (one shared NAT gateway) or 2 (one per "
                "availability zone)");
  EXPECT_EQ(LoadConfigFile(dir + "/missing.yaml", Env{}).error().code(), base::Code::kNotFound);
}

TEST(ConfigKeysTest, ListsEveryLeafKeyInFileOrder) {
  std::vector<std::string> keys = ConfigKeys();
  ASSERT_FALSE(keys.empty());
  EXPECT_EQ(keys.front(), "projectName");
  EXPECT_NE(std::find(keys.begin(), keys.end(), "services.supertokens.imageTag"), keys.end());
  EXPECT_NE(std::find(keys.begin(), keys.end(), "autoscaling.targetCpuPercent"), keys.end());
  EXPECT_EQ(std::find(keys.begin(), keys.end(), "checks.suppress"), keys.end());
}

// --- editing

constexpr char kCommented[] = R"(# my stack
projectName: rex-backend  # keep short

# network
natGateways: 1  # cheap
services:
  api:
    cpu: 512
  worker:
    desiredCount: 1
# the end
)";

TEST(ConfigEditTest, SetReplacesAValueAndKeepsEverythingElse) {
  EXPECT_EQ(SetConfigValue(kCommented, kSource, "natGateways", "2").value(),
            R"(# my stack
projectName: rex-backend  # keep short

# network
natGateways: 2  # cheap
services:
  api:
    cpu: 512
  worker:
    desiredCount: 1
# the end
)");
}

TEST(ConfigEditTest, SetAddsNestedAndTopLevelKeys) {
  std::string text = SetConfigValue(kCommented, kSource, "services.api.memory", "2048").value();
  text = SetConfigValue(text, kSource, "services.supertokens.desiredCount", "2").value();
  text = SetConfigValue(text, kSource, "rex-backend:domainName", "api.example.com").value();
  EXPECT_EQ(text, R"(# my stack
projectName: rex-backend  # keep short

# network
natGateways: 1  # cheap
services:
  api:
    cpu: 512
    memory: 2048
  worker:
    desiredCount: 1
  supertokens:
    desiredCount: 2
# the end
domainName: api.example.com
)");
  Config config = MustLoad(text);
  EXPECT_EQ(config.services.at("api").memory, 2048);
  EXPECT_EQ(config.services.at("supertokens").desired_count, 2);
}

TEST(ConfigEditTest, SetIntoAnEmptyFile) {
  EXPECT_EQ(SetConfigValue("", kSource, "natGateways", "2").value(), "natGateways: 2\n");
  EXPECT_EQ(SetConfigValue("# hello\n", kSource, "services.api.cpu", "256").value(),
            "# hello\nservices:\n  api:\n    cpu: 256\n");
  EXPECT_EQ(SetConfigValue("", kSource, "migrationCommand", "./migrate up").value(),
            "migrationCommand: [./migrate, up]\n");
  // Strings that other YAML readers would take for numbers or booleans are quoted.
  EXPECT_EQ(SetConfigValue("", kSource, "dbEngineVersion", "15.10").value(),
            "dbEngineVersion: \"15.10\"\n");
  EXPECT_EQ(SetConfigValue("services:\n  api:\n    cpu: 512\n", kSource, "services.worker.imageTag",
                           "1.0")
                .value(),
            "services:\n  api:\n    cpu: 512\n  worker:\n    imageTag: \"1.0\"\n");
}

TEST(ConfigEditTest, SetReplacesBlockListsAndKeepsQuotedHashes) {
  std::string text =
      "migrationCommand:\n- ./migrate\n- up\nsupertokensImage: \"a/b\"  # x\n"
      "githubBranch: \"dev#1\"\nnatGateways: 1\n";
  text = SetConfigValue(text, kSource, "migrationCommand", "./migrate down 1").value();
  text = SetConfigValue(text, kSource, "supertokensImage", "c/d").value();
  text = SetConfigValue(text, kSource, "githubBranch", "main").value();
  EXPECT_EQ(text,
            "migrationCommand: [./migrate, down, 1]\nsupertokensImage: c/d  # x\n"
            "githubBranch: main\nnatGateways: 1\n");
  EXPECT_EQ(MustLoad(text).migration_command, (std::vector<std::string>{"./migrate", "down", "1"}));
}

TEST(ConfigEditTest, SetRewritesFlowMapsInBlockStyle) {
  std::string text = SetConfigValue("services: {api: {cpu: 512}}\nnatGateways: 1\n", kSource,
                                    "services.api.memory", "2048")
                         .value();
  EXPECT_EQ(text, "services:\n  api: {cpu: 512, memory: 2048}\nnatGateways: 1\n");
  EXPECT_EQ(MustLoad(text).services.at("api").memory, 2048);
}

TEST(ConfigEditTest, SetKeepsThePulumiLayout) {
  std::string text =
      SetConfigValue("config:\n  rex-backend:vpcCidr: 10.0.0.0/16\n", kSource, "natGateways", "2")
          .value();
  EXPECT_EQ(text, "config:\n  rex-backend:vpcCidr: 10.0.0.0/16\n  rex-backend:natGateways: 2\n");
  text = SetConfigValue(text, kSource, "vpcCidr", "10.9.0.0/16").value();
  EXPECT_EQ(text, "config:\n  rex-backend:vpcCidr: 10.9.0.0/16\n  rex-backend:natGateways: 2\n");
}

TEST(ConfigEditTest, SetValidatesKeyAndValue) {
  EXPECT_EQ(SetConfigValue(kCommented, kSource, "natGateway", "2").error().message(),
            "stacks/dev.yaml: natGateway: unknown key; did you mean \"natGateways\"?");
  EXPECT_EQ(SetConfigValue(kCommented, kSource, "natGateways", "3").error().message(),
            "stacks/dev.yaml: natGateways: 3 is not allowed: use 1 (one shared NAT gateway) or 2 "
            "(one per availability zone)");
  EXPECT_EQ(SetConfigValue(kCommented, kSource, "enableWaf", "yes").error().message(),
            "stacks/dev.yaml: enableWaf: expected true or false, got \"yes\"");
  EXPECT_EQ(SetConfigValue(kCommented, kSource, "dbMasterPassword", "x").error().message(),
            "stacks/dev.yaml: dbMasterPassword: is a secret; run \"rex config set "
            "dbMasterPassword --secret\" so it is stored encrypted");
  EXPECT_EQ(SetConfigValue(kCommented, kSource, "checks.suppress", "x").error().message(),
            "stacks/dev.yaml: checks.suppress: is a list; edit it in stacks/dev.yaml");
  EXPECT_EQ(SetConfigValue("a: [", kSource, "natGateways", "2").error().message(),
            "stacks/dev.yaml:1:1: invalid YAML: end of sequence flow not found");
}

TEST(ConfigEditTest, SetSecretEncryptsAndSharesOneSalt) {
  std::string text =
      SetConfigSecret(kCommented, kSource, "dbMasterPassword", "first-pw", WithPassphrase())
          .value();
  EXPECT_EQ(text.find("first-pw"), std::string::npos);
  EXPECT_NE(text.find("dbMasterPassword:\n  secure: v2:"), std::string::npos) << text;
  text = SetConfigSecret(text, kSource, "rex-backend:supertokensApiKey", "second-key-0123456789",
                         WithPassphrase())
             .value();
  Config config = MustLoad(text, WithPassphrase());
  EXPECT_EQ(config.db_master_password.Reveal(), "first-pw");
  EXPECT_EQ(config.supertokens_api_key.Reveal(), "second-key-0123456789");
  EXPECT_EQ(config.nat_gateways, 1);

  // Both values carry the same salt, so a load derives one key.
  YAML::Node doc = YAML::Load(text);
  EXPECT_EQ(base::SecretSalt(doc["dbMasterPassword"]["secure"].Scalar()).value(),
            base::SecretSalt(doc["supertokensApiKey"]["secure"].Scalar()).value());

  // Replacing a secret keeps the rest.
  std::string replaced =
      SetConfigSecret(text, kSource, "dbMasterPassword", "third-pw", WithPassphrase()).value();
  EXPECT_EQ(MustLoad(replaced, WithPassphrase()).db_master_password.Reveal(), "third-pw");
  EXPECT_EQ(MustLoad(replaced, WithPassphrase()).supertokens_api_key.Reveal(),
            "second-key-0123456789");
}

TEST(ConfigEditTest, SetSecretNeedsTheFilesPassphrase) {
  std::string text =
      SetConfigSecret("", kSource, "dbMasterPassword", "pw-long-1", WithPassphrase()).value();
  EXPECT_EQ(SetConfigSecret(text, kSource, "githubToken", "t",
                            Env{.config_passphrase = "another passphrase"})
                .error()
                .message(),
            "stacks/dev.yaml: githubToken: REX_CONFIG_PASSPHRASE does not decrypt "
            "dbMasterPassword; use the passphrase of the file's other secrets");
  EXPECT_EQ(SetConfigSecret(text, kSource, "githubToken", "t", Env{}).error().message(),
            "stacks/dev.yaml: githubToken: REX_CONFIG_PASSPHRASE is not set; export a passphrase "
            "to encrypt secrets with");
  EXPECT_EQ(SetConfigSecret(text, kSource, "githubRepo", "x", WithPassphrase()).error().message(),
            "stacks/dev.yaml: githubRepo: is not a secret; set it without --secret");
}

TEST(ConfigSecretTest, SwappedSecureValuesAreRefused) {
  std::string text =
      SetConfigSecret("", kSource, "dbMasterPassword", "db-pw-0001", WithPassphrase()).value();
  text = SetConfigSecret(text, kSource, "supertokensApiKey", "st-key-1-0123456789abcd",
                         WithPassphrase())
             .value();
  YAML::Node doc = YAML::Load(text);
  std::string db = doc["dbMasterPassword"]["secure"].Scalar();
  std::string st = doc["supertokensApiKey"]["secure"].Scalar();
  ASSERT_EQ(MustLoad(text, WithPassphrase()).db_master_password.Reveal(), "db-pw-0001");

  // The two values swapped: each is bound to the other key, and neither decrypts.
  std::string swapped =
      "dbMasterPassword: {secure: \"" + st + "\"}\nsupertokensApiKey: {secure: \"" + db + "\"}\n";
  std::string error = LoadError(swapped, WithPassphrase());
  EXPECT_NE(error.find("stacks/dev.yaml: dbMasterPassword: cannot decrypt"), std::string::npos)
      << error;
  EXPECT_NE(error.find("stacks/dev.yaml: supertokensApiKey: cannot decrypt"), std::string::npos)
      << error;
  EXPECT_EQ(error.find("db-pw-0001"), std::string::npos);
  EXPECT_EQ(error.find("st-key-1-0123456789abcd"), std::string::npos);

  // The same value copied into another stack's file does not decrypt either.
  std::string copied = "dbMasterPassword: {secure: \"" + db + "\"}\n";
  EXPECT_EQ(MustLoad(copied, WithPassphrase()).db_master_password.Reveal(), "db-pw-0001");
  base::Result<Config> prod = LoadConfig(copied, "stacks/prod.yaml", WithPassphrase());
  ASSERT_FALSE(prod.ok());
  EXPECT_NE(prod.error().message().find("stacks/prod.yaml: dbMasterPassword: cannot decrypt"),
            std::string::npos)
      << prod.error().message();
}

TEST(ConfigSecretTest, V1IsReadWithAWarningAndRewrittenAsV2OnTheNextSet) {
  std::string v1_db = base::EncryptSecretV1ForTesting("old-db-pw", kPassphrase).value();
  std::string v1_gh = base::EncryptSecretV1ForTesting("old-gh-token", kPassphrase).value();
  std::string text = "# my stack\nnatGateways: 2\ndbMasterPassword: {secure: \"" + v1_db +
                     "\"}\ngithubToken: {secure: \"" + v1_gh + "\"}\n";
  std::vector<std::string> warnings;
  Env env = WithPassphrase();
  env.warn = [&](const std::string& message) { warnings.push_back(message); };
  Config config = MustLoad(text, env);
  EXPECT_EQ(config.db_master_password.Reveal(), "old-db-pw");
  EXPECT_EQ(config.github_token.Reveal(), "old-gh-token");
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_EQ(warnings[0],
            "stacks/dev.yaml: dbMasterPassword: stored in the old v1 secret format (not bound to "
            "its stack and key); the next \"rex config set ... --secret\" on this file rewrites "
            "it as v2");

  // Setting another secret rewrites both v1 values as v2, under one salt.
  std::string edited =
      SetConfigSecret(text, kSource, "supertokensApiKey", "new-st-key-0123456789", WithPassphrase())
          .value();
  EXPECT_EQ(edited.find("v1:"), std::string::npos) << edited;
  EXPECT_NE(edited.find("# my stack"), std::string::npos) << edited;
  YAML::Node doc = YAML::Load(edited);
  std::string salt = base::SecretSalt(doc["supertokensApiKey"]["secure"].Scalar()).value();
  EXPECT_EQ(base::SecretSalt(doc["dbMasterPassword"]["secure"].Scalar()).value(), salt);
  EXPECT_EQ(base::SecretSalt(doc["githubToken"]["secure"].Scalar()).value(), salt);
  warnings.clear();
  Config migrated = MustLoad(edited, env);
  EXPECT_TRUE(warnings.empty());
  EXPECT_EQ(migrated.db_master_password.Reveal(), "old-db-pw");
  EXPECT_EQ(migrated.github_token.Reveal(), "old-gh-token");
  EXPECT_EQ(migrated.supertokens_api_key.Reveal(), "new-st-key-0123456789");
  EXPECT_EQ(migrated.nat_gateways, 2);
}

TEST(ConfigSecretTest, ShortPassphraseIsRefusedWhenEncrypting) {
  EXPECT_EQ(SetConfigSecret("", kSource, "githubToken", "t", Env{.config_passphrase = "short pw"})
                .error()
                .message(),
            "stacks/dev.yaml: githubToken: REX_CONFIG_PASSPHRASE is 8 characters long; secrets "
            "need a passphrase of at least 12 characters");
}

TEST(ConfigEditTest, RemoveDeletesTheKeyAndItsBlock) {
  EXPECT_EQ(RemoveConfigValue(kCommented, kSource, "natGateways").value(),
            "# my stack\nprojectName: rex-backend  # keep short\n\n# network\nservices:\n  api:\n"
            "    cpu: 512\n  worker:\n    desiredCount: 1\n# the end\n");
  EXPECT_EQ(RemoveConfigValue(kCommented, kSource, "services").value(),
            "# my stack\nprojectName: rex-backend  # keep short\n\n# network\nnatGateways: 1  # "
            "cheap\n# the end\n");
  EXPECT_EQ(GetConfigValue(kCommented, kSource, "services.api").error().message(),
            "stacks/dev.yaml: services.api: is a group of keys; name one of them, e.g. "
            "\"services.api.desiredCount\"");
  EXPECT_EQ(RemoveConfigValue(kCommented, kSource, "services.api.cpu").value(),
            "# my stack\nprojectName: rex-backend  # keep short\n\n# network\nnatGateways: 1  # "
            "cheap\nservices:\n  api:\n  worker:\n    desiredCount: 1\n# the end\n");
  base::Result<std::string> absent = RemoveConfigValue(kCommented, kSource, "domainName");
  EXPECT_EQ(absent.error().code(), base::Code::kNotFound);
  EXPECT_EQ(absent.error().message(), "stacks/dev.yaml: domainName: is not set in stacks/dev.yaml");
  std::string with_secret =
      SetConfigSecret(kCommented, kSource, "githubToken", "tok", WithPassphrase()).value();
  EXPECT_EQ(RemoveConfigValue(with_secret, kSource, "githubToken").value(), kCommented);
}

TEST(ConfigEditTest, GetGivesEffectiveValuesAndHidesSecrets) {
  std::string text =
      SetConfigSecret(kCommented, kSource, "dbMasterPassword", "pw-long-1", WithPassphrase())
          .value();
  EXPECT_EQ(GetConfigValue(text, kSource, "natGateways").value(), "1");
  EXPECT_EQ(GetConfigValue(text, kSource, "rex-backend:projectName").value(), "rex-backend");
  EXPECT_EQ(GetConfigValue(text, kSource, "vpcCidr").value(), "10.0.0.0/16");
  EXPECT_EQ(GetConfigValue(text, kSource, "dbMinCapacity").value(), "0.5");
  EXPECT_EQ(GetConfigValue(text, kSource, "migrationCommand").value(), "[\"./migrate\", \"up\"]");
  EXPECT_EQ(GetConfigValue(text, kSource, "dbDeletionProtection").value(), "false");
  EXPECT_EQ(GetConfigValue(text, kSource, "dbMasterPassword").value(), "[secret]");
  EXPECT_EQ(GetConfigValue(text, kSource, "githubToken").error().message(),
            "stacks/dev.yaml: githubToken: is not set");
}

TEST(ConfigEditTest, FileEditsWriteAtomicallyWithMode0600) {
  std::string dir = testing::TempDir() + "config_edit_test";
  std::filesystem::create_directories(dir);
  std::string path = dir + "/dev.yaml";
  ASSERT_TRUE(base::WriteFileAtomic(path, kCommented).ok());
  ASSERT_TRUE(SetConfigFileValue(path, "natGateways", "2").ok());
  ASSERT_TRUE(SetConfigFileSecret(path, "githubToken", "tok-1", WithPassphrase()).ok());
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(GetConfigFileValue(path, "natGateways").value(), "2");
  EXPECT_EQ(LoadConfigFile(path, WithPassphrase()).value().github_token.Reveal(), "tok-1");
  ASSERT_TRUE(RemoveConfigFileValue(path, "githubToken").ok());

  // A rejected edit writes nothing.
  std::string before = base::ReadFile(path).value();
  base::Status bad = SetConfigFileValue(path, "natGateways", "7");
  EXPECT_EQ(bad.code(), base::Code::kInvalidArgument);
  EXPECT_EQ(base::ReadFile(path).value(), before);
  EXPECT_EQ(SetConfigFileValue(dir + "/nope.yaml", "natGateways", "2").code(),
            base::Code::kNotFound);
}

}  // namespace
}  // namespace rex::config
