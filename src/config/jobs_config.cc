#include "config/jobs_config.h"

#include <algorithm>
#include <array>
#include <optional>

#include "base/strings.h"
#include "config/config_text.h"
#include "config/services_config.h"

namespace rex::config::jobs {
namespace {

using text::Quote;

constexpr const char* kScheduleHelp =
    "use cron(minutes hours day-of-month month day-of-week year) such as \"cron(0 3 * * ? *)\", "
    "or rate(<n> minutes|hours|days) such as \"rate(1 day)\"";

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// --- schedule expressions

struct CronField {
  const char* name;
  int min;
  int max;
  std::array<const char*, 12> names;  // JAN..DEC, SUN..SAT; empty for numeric-only fields
  bool question;                      // '?' allowed
};

constexpr std::array<CronField, 6> kCronFields = {{
    {"minutes", 0, 59, {}, false},
    {"hours", 0, 23, {}, false},
    {"day-of-month", 1, 31, {}, true},
    {"month",
     1,
     12,
     {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"},
     false},
    {"day-of-week", 1, 7, {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}, true},
    {"year", 1970, 2199, {}, false},
}};

// A value of the field (number in range, or a name), or nullopt.
std::optional<int> CronValue(std::string_view text, const CronField& field) {
  if (text.empty()) return std::nullopt;
  if (std::all_of(text.begin(), text.end(), IsDigit)) {
    if (text.size() > 4) return std::nullopt;
    int v = std::stoi(std::string(text));
    if (v < field.min || v > field.max) return std::nullopt;
    return v;
  }
  for (size_t i = 0; i < field.names.size(); ++i) {
    if (field.names[i] == nullptr) break;
    std::string upper(text);
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (upper == field.names[i]) return static_cast<int>(i) + field.min;
  }
  return std::nullopt;
}

// One comma-separated item of a cron field: "*", "?", "5", "1-5", "*/10", "0/15", "1-10/2",
// and the day forms "L", "LW", "15W" (day-of-month), "5L", "2#3" (day-of-week).
bool CronItemOk(std::string_view item, size_t index) {
  const CronField& field = kCronFields[index];
  if (item == "*") return true;
  if (item == "?") return field.question;
  if (index == 2) {
    if (item == "L" || item == "LW") return true;
    if (item.size() > 1 && item.back() == 'W') {
      return CronValue(item.substr(0, item.size() - 1), field).has_value();
    }
  }
  if (index == 4) {
    if (item == "L") return true;
    size_t hash = item.find('#');
    if (hash != std::string_view::npos) {
      std::string_view nth = item.substr(hash + 1);
      return CronValue(item.substr(0, hash), field).has_value() && nth.size() == 1 &&
             nth[0] >= '1' && nth[0] <= '5';
    }
    if (item.size() > 1 && item.back() == 'L') {
      return CronValue(item.substr(0, item.size() - 1), field).has_value();
    }
  }
  std::string_view base = item;
  size_t slash = item.find('/');
  if (slash != std::string_view::npos) {
    std::string_view step = item.substr(slash + 1);
    if (step.empty() || step.size() > 4 || !std::all_of(step.begin(), step.end(), IsDigit) ||
        std::stoi(std::string(step)) == 0) {
      return false;
    }
    base = item.substr(0, slash);
    if (base == "*") return true;
  }
  size_t dash = base.find('-');
  if (dash != std::string_view::npos) {
    auto from = CronValue(base.substr(0, dash), field);
    auto to = CronValue(base.substr(dash + 1), field);
    return from.has_value() && to.has_value();
  }
  return CronValue(base, field).has_value();
}

std::string CronProblem(std::string_view body) {
  std::vector<std::string> fields = text::SplitWords(body);
  if (fields.size() != kCronFields.size()) {
    return "a cron expression has 6 fields (minutes hours day-of-month month day-of-week year), "
           "this one has " +
           std::to_string(fields.size());
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    for (const std::string& item : base::Split(fields[i], ',')) {
      if (!CronItemOk(item, i)) {
        const CronField& f = kCronFields[i];
        return "the " + std::string(f.name) + " field " + Quote(fields[i]) +
               " is not a cron value of " + std::to_string(f.min) + " to " + std::to_string(f.max) +
               (f.names[0] != nullptr ? " (or names such as " + std::string(f.names[0]) + ")"
                                      : std::string()) +
               " with , - * /" + (f.question ? " ?" : "");
      }
    }
  }
  bool dom_any = fields[2] == "?";
  bool dow_any = fields[4] == "?";
  if (dom_any == dow_any) {
    return dom_any ? "day-of-month and day-of-week are both ?: set one of them"
                   : "day-of-month and day-of-week are both set: put ? in one of them";
  }
  return "";
}

std::string RateProblem(std::string_view body) {
  std::vector<std::string> words = text::SplitWords(body);
  const std::string shape = "a rate is rate(<n> <unit>) with a whole n of at least 1";
  if (words.size() != 2) return shape;
  std::optional<int> n = text::ParseInt(words[0]);
  if (!n || *n < 1 || words[0][0] == '+') return shape;
  const std::string& unit = words[1];
  static const std::array<const char*, 3> kUnits = {"minute", "hour", "day"};
  for (const char* singular : kUnits) {
    if (unit == singular) {
      return *n == 1 ? ""
                     : "use the plural unit with " + std::to_string(*n) + ": " + singular + "s";
    }
    if (unit == std::string(singular) + "s") {
      return *n != 1 ? "" : "use the singular unit with 1: " + std::string(singular);
    }
  }
  return "the unit " + Quote(unit) + " is not one of minute(s), hour(s), day(s)";
}

// "UTC" or an IANA zone name: Area/Location components of letters, digits, '_', '+', '-'.
bool IsTimezone(std::string_view tz) {
  if (tz == "UTC") return true;
  if (tz.empty() || tz.size() > 50) return false;
  std::vector<std::string> parts = base::Split(tz, '/');
  if (parts.size() < 2) return false;
  for (const std::string& part : parts) {
    if (part.empty() || !IsAlpha(part[0])) return false;
    for (char c : part) {
      if (!(IsAlpha(c) || IsDigit(c) || c == '_' || c == '+' || c == '-')) return false;
    }
  }
  return true;
}

// An external image reference with its tag or digest: "alpine:3.20",
// "public.ecr.aws/docker/library/alpine:3.20", "ghcr.io/org/tool@sha256:...".
bool IsImageReference(std::string_view s) {
  if (s.empty() || s.size() > 255) return false;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return false;
  }
  return s.front() != '/' && s.back() != '/' && s.back() != ':' &&
         s.find("//") == std::string_view::npos;
}

std::string ScheduleRule(const std::string& schedule) {
  if (schedule.empty()) return "";
  std::string problem = ScheduleProblem(schedule);
  return problem.empty() ? "" : problem + "; " + std::string(kScheduleHelp);
}

std::string TimezoneRule(const std::string& timezone) {
  if (IsTimezone(timezone)) return "";
  return "use \"UTC\" or an IANA time zone name such as \"Europe/Berlin\"";
}

// One row per key of a jobs: entry, in the order ToYaml writes them. What each means and its
// default: JobConfig in config/workload_types.h. `image`, `environment` and `secrets` are
// checked with the services in Validate.
const std::vector<entries::EntryField<JobConfig>>& Fields() {
  using J = JobConfig;
  static const std::vector<entries::EntryField<J>> fields = {
      entries::TextKey<J>("image", &J::image),
      entries::WordsKey<J>("command", &J::command),
      entries::IntKey<J>("cpu", &J::cpu),  // with memory: CheckFargateSize in Validate
      entries::IntKey<J>("memory", &J::memory),
      entries::MapKey<J>("environment", &J::environment),
      entries::MapKey<J>("secrets", &J::secrets),
      entries::TextKey<J>("schedule", &J::schedule, ScheduleRule),
      entries::TextKey<J>("timezone", &J::timezone, TimezoneRule),
  };
  return fields;
}

}  // namespace

const std::vector<std::string>& EntryKeys() {
  static const std::vector<std::string> keys = entries::EntryKeyNames(Fields());
  return keys;
}

bool IsExternalImage(std::string_view image) {
  return image.find_first_of("/:.@") != std::string_view::npos;
}

std::string ScheduleProblem(std::string_view expression) {
  auto body_of = [&](std::string_view prefix) -> std::optional<std::string_view> {
    if (expression.size() < prefix.size() + 1 || expression.substr(0, prefix.size()) != prefix ||
        expression.back() != ')') {
      return std::nullopt;
    }
    return expression.substr(prefix.size(), expression.size() - prefix.size() - 1);
  };
  if (auto body = body_of("cron(")) return CronProblem(*body);
  if (auto body = body_of("rate(")) return RateProblem(*body);
  if (body_of("at(")) return "one-time at(...) schedules are not supported; run it with rex run";
  return "it is neither cron(...) nor rate(...)";
}

void Load(const YAML::Node& node, JobsConfig& jobs, Problems& problems) {
  entries::ForEachEntry(
      node, "jobs", "job", EntryKeys(), problems,
      [&](const std::string& name, const std::string& key, const YAML::Node& map) {
        jobs.emplace_back(name, JobConfig{});
        if (!map.IsNull()) entries::ReadEntry(key, map, Fields(), jobs.back().second, problems);
      });
}

void Validate(const Config& config, Problems& problems) {
  auto error = [&](const std::string& key, std::string message) {
    problems.emplace_back(key, std::move(message));
  };
  auto not_allowed = [&](const std::string& key, const std::string& shown,
                         const std::string& allowed) {
    error(key, shown + " is not allowed: " + allowed);
  };
  std::vector<std::string> services;
  for (const auto& [name, s] : config.services.entries) services.push_back(name);
  std::vector<std::string> names;

  for (const auto& [name, job] : config.jobs) {
    const std::string entry = "jobs." + name;
    const std::string prefix = entry + ".";
    if (!entries::IsEntryName(name)) {
      not_allowed(entry, Quote(name),
                  "use 1 to 20 lowercase letters, digits and hyphens, starting with a letter");
    }
    if (std::find(names.begin(), names.end(), name) != names.end()) {
      error(entry, "is set more than once");
    }
    names.push_back(name);
    // A job's task definition family and log group are named like a service's.
    if (name == "migration" || name == "bootstrap") {
      not_allowed(entry, Quote(name),
                  "the name is taken by rex's own " + name + " task; choose another name");
    } else if (std::find(services.begin(), services.end(), name) != services.end()) {
      not_allowed(entry, Quote(name),
                  "services." + name + " has that name; give the job a name of its own");
    }

    const std::string image_allowed = "name a service (" + base::Join(services, ", ") +
                                      ") or give an external image with its tag, such as "
                                      "\"public.ecr.aws/docker/library/alpine:3.20\"";
    if (job.image.empty()) {
      error(prefix + "image", "is required: " + image_allowed);
    } else if (IsExternalImage(job.image)) {
      if (!IsImageReference(job.image))
        not_allowed(prefix + "image", Quote(job.image), image_allowed);
    } else if (std::find(services.begin(), services.end(), job.image) == services.end()) {
      std::string hint = base::ClosestMatch(job.image, services);
      not_allowed(
          prefix + "image", Quote(job.image),
          image_allowed + (hint.empty() ? std::string() : "; did you mean \"" + hint + "\"?"));
    }
    entries::CheckEntry(entry, Fields(), job, problems);
    entries::CheckFargateSize(prefix, job.cpu, job.memory, problems);

    for (const auto& [variable, value] : job.environment) {
      const std::string key = prefix + "environment." + variable;
      if (!entries::IsVariableName(variable)) {
        not_allowed(key, Quote(variable),
                    "use a variable name of letters, digits and '_', not starting with a digit");
      }
      std::string unknown = services::UnknownReference(value);
      if (unknown.empty() && value.find("${port}") != std::string::npos) unknown = "${port}";
      if (!unknown.empty()) {
        std::vector<std::string> refs;
        for (const std::string& r : services::ReferenceNames()) {
          if (r != "port") refs.push_back("${" + r + "}");
        }
        not_allowed(key, "the reference " + unknown,
                    "a job may use " + base::Join(refs, ", ") + " (it has no port)");
      }
    }
    for (const auto& [variable, secret] : job.secrets) {
      const std::string key = prefix + "secrets." + variable;
      if (!entries::IsVariableName(variable)) {
        not_allowed(key, Quote(variable),
                    "use a variable name of letters, digits and '_', not starting with a digit");
      }
      const auto& known = services::AppSecretNames();
      if (std::find(known.begin(), known.end(), secret) == known.end()) {
        not_allowed(key, Quote(secret), "use an app secret: " + base::Join(known, ", "));
      }
      if (secret == "redis.authToken" && !config.redis_auth) {
        error(key, "names redis.authToken, which needs redisAuth true (no AUTH token without it)");
      }
      if (job.environment.count(variable) > 0) {
        error(key, "is also in environment; a variable comes from one of them");
      }
    }

    if (job.timezone != "UTC" && job.schedule.empty() && IsTimezone(job.timezone)) {
      error(prefix + "timezone", "needs schedule: the time zone applies to a job's schedule");
    }
  }
}

std::string ToYaml(const JobsConfig& jobs) {
  if (jobs.empty()) return "";
  std::string out = "\n# --- jobs\n";
  out += "# One-off (rex run NAME) and scheduled ECS tasks: image (a service or an external\n";
  out += "# image with tag), command, cpu, memory, environment, secrets, schedule, timezone.\n";
  out += "jobs:\n";
  for (const auto& [name, job] : jobs) {
    YAML::Emitter e;
    e << YAML::BeginMap;
    e << YAML::Key << name << YAML::Value << YAML::BeginMap;
    e << YAML::Key << "image" << YAML::Value << YAML::DoubleQuoted << job.image;
    if (!job.command.empty()) e << YAML::Key << "command" << YAML::Value << job.command;
    e << YAML::Key << "cpu" << YAML::Value << job.cpu;
    e << YAML::Key << "memory" << YAML::Value << job.memory;
    if (!job.environment.empty()) e << YAML::Key << "environment" << YAML::Value << job.environment;
    if (!job.secrets.empty()) e << YAML::Key << "secrets" << YAML::Value << job.secrets;
    if (!job.schedule.empty()) {
      e << YAML::Key << "schedule" << YAML::Value << YAML::DoubleQuoted << job.schedule;
    }
    if (job.timezone != "UTC") e << YAML::Key << "timezone" << YAML::Value << job.timezone;
    e << YAML::EndMap << YAML::EndMap;
    for (const std::string& line : base::Split(e.c_str(), '\n')) out += "  " + line + "\n";
  }
  return out;
}

}  // namespace rex::config::jobs
