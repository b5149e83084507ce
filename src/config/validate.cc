// Validation of a Config: every key against its rule in the key table (config/keys.cc), then
// the rules that relate keys to each other, then the map sections (services, jobs, queues,
// buckets) and the check suppressions.

#include "config/validate.h"

#include <set>
#include <string>
#include <variant>
#include <vector>

#include "base/cidr.h"
#include "base/strings.h"
#include "config/config.h"
#include "config/config_text.h"
#include "config/jobs_config.h"
#include "config/keys.h"
#include "config/services_config.h"
#include "config/storage_config.h"

namespace rex::config {
namespace {

using keys::Field;
using text::Quote;

class Validator {
 public:
  Validator(const Config& config, std::string_view source) : c_(config), source_(source) {}

  std::vector<std::string> Run() {
    for (const Field& f : keys::Fields()) KeyRule(f);
    Relations();
    Sections();
    Suppressions();
    return std::move(errors_);
  }

 private:
  void Error(std::string_view key, const std::string& message) {
    errors_.push_back(std::string(source_) + ": " + std::string(key) + ": " + message);
  }

  void KeyRule(const Field& f) {
    if (!f.rule.accepts || f.rule.accepts(keys::ValueOf(f, c_))) return;
    refused_.insert(f.key);
    if (f.key == "vpcCidr") {
      // A block that is allowed but for its host bits: say which block to use instead.
      auto written = base::ParseCidrAddress(c_.vpc_cidr);
      if (written.ok() && base::ParseVpcCidr(written->Network().ToString()).ok()) {
        Error(f.key, Quote(c_.vpc_cidr) + " is not allowed: the address has host bits set; use " +
                         Quote(written->Network().ToString()));
        return;
      }
    }
    if (const auto* secret = std::get_if<keys::SecretRef>(&f.ref)) {
      // Never the value: what is wrong with it, and the rule.
      Error(f.key, f.rule.secret_problem((*secret)(const_cast<Config&>(c_)).Reveal()) + "; use " +
                       f.rule.allowed);
      return;
    }
    if (std::holds_alternative<keys::ListRef>(f.ref)) {
      Error(f.key, "an empty command is not allowed: give " + f.rule.allowed);
      return;
    }
    Error(f.key, keys::FormatField(f, c_, /*quote_strings=*/true) + " is not allowed: use " +
                     f.rule.allowed);
  }

  // Rules between keys; each is checked only when the keys it relates are valid on their own.
  void Relations() {
    std::string stem = c_.project_name + "-" + c_.environment;
    if (stem.size() > 20 && Accepted("projectName") && Accepted("environment")) {
      Error("projectName", Quote(stem) + " (projectName-environment) has " +
                               std::to_string(stem.size()) +
                               " characters; at most 20 are allowed so names like \"" + stem +
                               "-supertokens\" fit AWS's 32-character limit");
    }
    if (Accepted("dbMinCapacity") && Accepted("dbMaxCapacity") &&
        c_.db_min_capacity > c_.db_max_capacity) {
      Error("dbMinCapacity", keys::FormatNumber(c_.db_min_capacity) +
                                 " is not allowed: it must not exceed dbMaxCapacity (" +
                                 keys::FormatNumber(c_.db_max_capacity) + ")");
    }
    const AutoscalingConfig& a = c_.autoscaling;
    if (Accepted("autoscaling.minCount") && Accepted("autoscaling.maxCount") &&
        a.max_count < a.min_count) {
      Error("autoscaling.maxCount", std::to_string(a.max_count) +
                                        " is not allowed: use autoscaling.minCount (" +
                                        std::to_string(a.min_count) + ") to 100 tasks");
    }
    if (!c_.frontend_domain.empty() && Accepted("frontendDomain") && c_.github_repo.empty()) {
      Error("frontendDomain", "needs githubRepo: the domain is attached to the Amplify app");
    }
    if (!c_.hosted_zone_id.empty() && Accepted("hostedZoneId") && c_.domain_name.empty()) {
      Error("hostedZoneId", "needs domainName: the alias record is created for that name");
    }
    if (!c_.certificate_arn.empty() && Accepted("certificateArn")) {
      // arn:<partition>:acm:<region>:...
      std::vector<std::string> parts = base::Split(c_.certificate_arn, ':');
      if (parts.size() > 3 && parts[3] != c_.region) {
        Error("certificateArn", "the certificate is in " + parts[3] + " but the stack is in " +
                                    c_.region +
                                    "; a load balancer needs a certificate from its own region");
      }
    }
    if (c_.db_managed_password && c_.db_master_password.is_set()) {
      Error("dbManagedPassword",
            "true is not allowed together with dbMasterPassword: RDS generates and rotates the "
            "managed password; remove dbMasterPassword (rex config rm dbMasterPassword) or set "
            "dbManagedPassword false");
    }
    if (c_.redis_auth && !c_.redis_transit_encryption) {
      Error("redisAuth",
            "true needs redisTransitEncryption true: ElastiCache accepts an AUTH token only over "
            "TLS; set both (rex config set redisTransitEncryption true, then rex config set "
            "redisAuth true) or set redisAuth false");
    }
    if (!c_.alert_email.empty() && Accepted("alertEmail") && !c_.enable_alarms) {
      Error("alertEmail", "needs enableAlarms: true (no alarm would ever send it mail)");
    }
    if (!c_.backup_plan.copy_region.empty() && Accepted("backupPlan.copyRegion") &&
        Accepted("region") && c_.backup_plan.copy_region == c_.region) {
      Error("backupPlan.copyRegion",
            Quote(c_.backup_plan.copy_region) +
                " is not allowed: it is the stack's own region; a copy there survives no regional "
                "outage. Use another AWS region name such as \"" +
                std::string(c_.region == "us-west-2" ? "us-east-1" : "us-west-2") +
                "\", or \"\" for no copy");
    }
    if (Accepted("secretsProvider") && Accepted("encryptedDataKey")) {
      bool kms = c_.secrets_provider != "passphrase";
      if (kms && c_.encrypted_data_key.empty()) {
        Error("encryptedDataKey",
              "is empty but secretsProvider is " + Quote(c_.secrets_provider) +
                  ", which seals the secrets with a data key kept here; switch providers with "
                  "\"rex config change-secrets-provider <passphrase | awskms://KEY>\", which "
                  "writes both keys");
      } else if (!kms && !c_.encrypted_data_key.empty()) {
        Error("encryptedDataKey",
              "is set but secretsProvider is \"passphrase\", which uses no data key; remove it, "
              "or switch providers with \"rex config change-secrets-provider awskms://KEY\"");
      }
    }
  }

  // The map sections check their own entries (config/services_config.h, jobs_config.h,
  // storage_config.h).
  void Sections() {
    services::Problems problems;
    services::Validate(c_, problems);
    jobs::Validate(c_, problems);
    storage::Validate(c_, problems);
    for (const auto& [key, message] : problems) Error(key, message);
  }

  void Suppressions() {
    for (size_t i = 0; i < c_.checks.suppress.size(); ++i) {
      const CheckSuppression& s = c_.checks.suppress[i];
      std::string path = std::string(keys::kSuppressKey) + "[" + std::to_string(i) + "]";
      if (s.rule.empty()) Error(path, "rule is required: the id of the check to suppress");
      if (s.reason.empty()) Error(path, "reason is required: say why the finding is accepted");
    }
  }

  // Whether `key` passed its own rule (KeyRule ran first, for every key).
  bool Accepted(std::string_view key) const { return refused_.count(key) == 0; }

  const Config& c_;
  std::string_view source_;
  std::vector<std::string> errors_;
  std::set<std::string_view, std::less<>> refused_;  // keys whose rule refused their value
};

}  // namespace

std::vector<std::string> ValidationErrors(const Config& config, std::string_view source_name) {
  return Validator(config, source_name).Run();
}

base::Status ValidateConfig(const Config& config, std::string_view source_name) {
  std::vector<std::string> errors = ValidationErrors(config, source_name);
  if (!errors.empty()) return base::InvalidArgument(base::Join(errors, "\n"));
  return base::Status::Ok();
}

}  // namespace rex::config
