#include "template/template_yaml.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "base/yaml_depth.h"
#include "template/template_reader.h"

namespace rex::tmpl {
namespace {

using base::Json;

// --- scalars

// The YAML 1.1 integer forms of PyYAML's resolver (what cfn-flip uses): [-+]? then 0b[01_]+,
// 0x[0-9a-fA-F_]+, 0[0-7_]+, 0, [1-9][0-9_]* or [1-9][0-9_]*(:[0-5]?[0-9])+ (base 60).
// nullopt when `s` is not one of them or does not fit 64 bits.
std::optional<Json> ParseInt(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  uint64_t value = 0;
  auto add_digit = [&value](uint64_t base, uint64_t digit) {
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / base) return false;
    value = value * base + digit;
    return true;
  };
  auto digits = [&](std::string_view text, uint64_t base) {
    bool any = false;
    for (char c : text) {
      if (c == '_') continue;
      uint64_t d;
      if (c >= '0' && c <= '9') {
        d = static_cast<uint64_t>(c - '0');
      } else if (base == 16 && c >= 'a' && c <= 'f') {
        d = static_cast<uint64_t>(c - 'a' + 10);
      } else if (base == 16 && c >= 'A' && c <= 'F') {
        d = static_cast<uint64_t>(c - 'A' + 10);
      } else {
        return false;
      }
      if (d >= base || !add_digit(base, d)) return false;
      any = true;
    }
    return any;
  };
  bool ok;
  if (s.starts_with("0b")) {
    ok = digits(s.substr(2), 2);
  } else if (s.starts_with("0x")) {
    ok = digits(s.substr(2), 16);
  } else if (s == "0") {
    ok = true;
  } else if (s[0] == '0') {
    ok = digits(s.substr(1), 8);
  } else if (s[0] >= '1' && s[0] <= '9') {
    size_t colon = s.find(':');
    ok = digits(s.substr(0, colon), 10);
    while (ok && colon != std::string_view::npos) {
      // Each further part is [0-5]?[0-9], worth a factor of 60.
      size_t next = s.find(':', colon + 1);
      std::string_view part = s.substr(
          colon + 1, next == std::string_view::npos ? std::string_view::npos : next - colon - 1);
      ok = (part.size() == 1 && part[0] >= '0' && part[0] <= '9') ||
           (part.size() == 2 && part[0] >= '0' && part[0] <= '5' && part[1] >= '0' &&
            part[1] <= '9');
      if (ok) {
        uint64_t part_value = 0;
        for (char c : part) part_value = part_value * 10 + static_cast<uint64_t>(c - '0');
        ok = add_digit(60, part_value);
      }
      colon = next;
    }
  } else {
    return std::nullopt;
  }
  if (!ok) return std::nullopt;
  // Shaped as nlohmann's parser would shape the same number in a JSON template.
  if (!negative) return Json(value);
  if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1) return std::nullopt;
  if (value == static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1) {
    return Json(std::numeric_limits<int64_t>::min());
  }
  return Json(-static_cast<int64_t>(value));
}

// PyYAML's decimal float forms: [-+]?[0-9][0-9_]*\.[0-9_]*([eE][-+][0-9]+)? and
// \.[0-9][0-9_]*([eE][-+][0-9]+)?. nullopt otherwise, and for values beyond a double.
std::optional<Json> ParseFloat(std::string_view s) {
  std::string plain;
  size_t i = 0;
  bool leading_dot = !s.empty() && s[0] == '.';
  if (!leading_dot && i < s.size() && (s[i] == '+' || s[i] == '-')) plain += s[i++];
  size_t int_start = i;
  while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_')) {
    if (s[i] != '_') plain += s[i];
    ++i;
  }
  if (leading_dot) {
    if (s.size() < 2 || s[1] < '0' || s[1] > '9') return std::nullopt;
  } else if (i == int_start || s[int_start] < '0' || s[int_start] > '9') {
    return std::nullopt;
  }
  if (i >= s.size() || s[i] != '.') return std::nullopt;
  plain += s[i++];
  while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_')) {
    if (s[i] != '_') plain += s[i];
    ++i;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    plain += s[i++];
    if (i >= s.size() || (s[i] != '+' && s[i] != '-')) return std::nullopt;
    plain += s[i++];
    size_t exp_start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') plain += s[i++];
    if (i == exp_start) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  if (leading_dot) plain = "0" + plain;
  char* end = nullptr;
  double value = std::strtod(plain.c_str(), &end);
  if (end != plain.c_str() + plain.size() || !std::isfinite(value)) return std::nullopt;
  return Json(value);
}

std::optional<bool> ParseBool(std::string_view s) {
  for (std::string_view yes : {"yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"}) {
    if (s == yes) return true;
  }
  for (std::string_view no : {"no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"}) {
    if (s == no) return false;
  }
  return std::nullopt;
}

bool IsNull(std::string_view s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

// A plain scalar typed as cfn-flip types it (see the header).
Json ResolvePlain(const std::string& s) {
  if (IsNull(s)) return nullptr;
  if (auto b = ParseBool(s)) return *b;
  if (auto i = ParseInt(s)) return *i;
  if (auto f = ParseFloat(s)) return *f;
  return s;
}

// --- the short forms

struct ShortForm {
  std::string_view tag;   // without the '!'
  std::string_view name;  // the long form's key
};

constexpr ShortForm kShortForms[] = {
    {"Ref", "Ref"},
    {"Condition", "Condition"},
    {"GetAtt", "Fn::GetAtt"},
    {"Base64", "Fn::Base64"},
    {"Cidr", "Fn::Cidr"},
    {"FindInMap", "Fn::FindInMap"},
    {"GetAZs", "Fn::GetAZs"},
    {"ImportValue", "Fn::ImportValue"},
    {"Join", "Fn::Join"},
    {"Length", "Fn::Length"},
    {"Select", "Fn::Select"},
    {"Split", "Fn::Split"},
    {"Sub", "Fn::Sub"},
    {"ToJsonString", "Fn::ToJsonString"},
    {"Transform", "Fn::Transform"},
    {"And", "Fn::And"},
    {"Equals", "Fn::Equals"},
    {"If", "Fn::If"},
    {"Not", "Fn::Not"},
    {"Or", "Fn::Or"},
};

const ShortForm* FindShortForm(std::string_view tag) {
  if (!tag.starts_with('!')) return nullptr;
  tag.remove_prefix(1);
  for (const ShortForm& form : kShortForms) {
    if (form.tag == tag) return &form;
  }
  return nullptr;
}

constexpr std::string_view kYamlTagPrefix = "tag:yaml.org,2002:";

// Text from the template printed in a message (a key, a scalar, a tag): short and printable.
std::string Shown(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 40)) {
    unsigned char u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? '?' : c;
  }
  if (text.size() > 40) out += "...";
  return out;
}

// A tag as it is written: "!!int" for yaml-cpp's "tag:yaml.org,2002:int".
std::string ShowTag(std::string_view tag) {
  if (tag.starts_with(kYamlTagPrefix)) return "!!" + Shown(tag.substr(kYamlTagPrefix.size()));
  return Shown(tag);
}

std::string KnownTags() {
  std::string out;
  for (const ShortForm& form : kShortForms) {
    if (!out.empty()) out += ", ";
    out += "!" + std::string(form.tag);
  }
  return out;
}

// Thrown by the builder to stop yaml-cpp's parser at the first problem; caught in
// ParseYamlTemplate, never beyond it.
struct YamlProblem {
  int line;  // 1-based
  std::string message;
};

[[noreturn]] void Fail(const YAML::Mark& mark, std::string message) {
  throw YamlProblem{mark.line + 1, std::move(message)};
}

// Builds the JSON document from yaml-cpp's events with an explicit stack of open collections
// (no recursion), converting tags and scalars as the header describes.
class Builder : public YAML::EventHandler {
 public:
  std::optional<Json>& root() { return root_; }
  int documents() const { return documents_; }

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ > 1) {
      Fail(mark, "holds more than one YAML document; a template is a single document");
    }
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t /*anchor*/) override {
    if (ExpectsKey()) Fail(mark, "a mapping key is empty; keys must be strings");
    Add(nullptr);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t /*anchor*/) override {
    Fail(mark, "YAML aliases (*name) are not supported; CloudFormation does not accept them");
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t /*anchor*/,
                const std::string& value) override {
    if (ExpectsKey()) {
      if (tag != "?" && tag != "!" && tag != std::string(kYamlTagPrefix) + "str") {
        Fail(mark, "a mapping key cannot carry the tag " + ShowTag(tag));
      }
      Frame& top = frames_.back();
      if (top.value.contains(value)) Fail(mark, "duplicate key \"" + Shown(value) + "\"");
      top.key = value;
      top.has_key = true;
      return;
    }
    Add(ScalarValue(mark, tag, value));
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t /*anchor*/,
                       YAML::EmitterStyle::value /*style*/) override {
    Open(mark, tag, Json::array());
  }
  void OnSequenceEnd() override { Close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t /*anchor*/,
                  YAML::EmitterStyle::value /*style*/) override {
    Open(mark, tag, Json::object());
  }
  void OnMapEnd() override { Close(); }

 private:
  struct Frame {
    Json value;  // the object or array being filled
    std::string tag;
    YAML::Mark mark;
    bool has_key = false;  // objects: `key` waits for its value
    std::string key;
  };

  bool ExpectsKey() const {
    return !frames_.empty() && frames_.back().value.is_object() && !frames_.back().has_key;
  }

  void Open(const YAML::Mark& mark, const std::string& tag, Json empty) {
    if (ExpectsKey()) Fail(mark, "a mapping key is a collection; keys must be strings");
    if (frames_.size() >= static_cast<size_t>(kMaxTemplateDepth)) {
      Fail(mark, "nested deeper than " + std::to_string(kMaxTemplateDepth) +
                     " levels; not a CloudFormation template");
    }
    frames_.push_back(Frame{std::move(empty), tag, mark, false, {}});
  }

  void Close() {
    Frame frame = std::move(frames_.back());
    frames_.pop_back();
    Add(TaggedCollection(frame));
  }

  void Add(Json value) {
    if (frames_.empty()) {
      root_ = std::move(value);
      return;
    }
    Frame& top = frames_.back();
    if (top.value.is_array()) {
      top.value.push_back(std::move(value));
      return;
    }
    top.value[top.key] = std::move(value);
    top.has_key = false;
    top.key.clear();
  }

  static Json Wrap(const ShortForm& form, Json value) {
    Json out = Json::object();
    out[std::string(form.name)] = std::move(value);
    return out;
  }

  static Json ScalarValue(const YAML::Mark& mark, const std::string& tag,
                          const std::string& value) {
    if (tag == "?") return ResolvePlain(value);
    if (tag == "!") return value;
    if (const ShortForm* form = FindShortForm(tag)) {
      if (form->tag != "GetAtt") return Wrap(*form, value);
      size_t dot = value.find('.');
      if (dot == std::string::npos || dot == 0 || dot + 1 == value.size()) {
        Fail(mark, "!GetAtt takes Resource.Attribute or [Resource, Attribute]; got \"" +
                       Shown(value) + "\"");
      }
      return Wrap(*form, Json::array({value.substr(0, dot), value.substr(dot + 1)}));
    }
    if (tag.starts_with(kYamlTagPrefix)) {
      std::string_view type = std::string_view(tag).substr(kYamlTagPrefix.size());
      if (type == "str") return value;
      if (type == "null" && IsNull(value)) return nullptr;
      if (type == "bool") {
        if (auto b = ParseBool(value)) return *b;
      }
      if (type == "int") {
        if (auto i = ParseInt(value)) return *i;
      }
      if (type == "float") {
        if (auto f = ParseFloat(value)) return *f;
        if (auto i = ParseInt(value)) return static_cast<double>(i->get<double>());
      }
      if (type == "null" || type == "bool" || type == "int" || type == "float") {
        Fail(mark, "\"" + Shown(value) + "\" is not a valid " + ShowTag(tag));
      }
    }
    Fail(mark, "unknown tag " + ShowTag(tag) + "; CloudFormation's short forms are " + KnownTags());
  }

  static Json TaggedCollection(Frame& frame) {
    const std::string& tag = frame.tag;
    if (tag == "?" || tag == "!" || tag.empty()) return std::move(frame.value);
    if (const ShortForm* form = FindShortForm(tag)) {
      if (form->tag == "GetAtt" && !frame.value.is_array()) {
        Fail(frame.mark,
             "!GetAtt takes Resource.Attribute or [Resource, Attribute]; got a mapping");
      }
      return Wrap(*form, std::move(frame.value));
    }
    std::string map_tag = std::string(kYamlTagPrefix) + "map";
    std::string seq_tag = std::string(kYamlTagPrefix) + "seq";
    if ((tag == map_tag && frame.value.is_object()) || (tag == seq_tag && frame.value.is_array())) {
      return std::move(frame.value);
    }
    Fail(frame.mark, "unknown tag " + ShowTag(tag) + " on a " +
                         (frame.value.is_object() ? "mapping" : "sequence") +
                         "; CloudFormation's short forms are " + KnownTags());
  }

  std::vector<Frame> frames_;
  std::optional<Json> root_;
  int documents_ = 0;
};

// Refuses a second document after the first (the builder throws on its start).
class SecondDocument : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    Fail(mark, "holds more than one YAML document; a template is a single document");
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

std::string AtLine(std::string_view what, int line) {
  return std::string(what) + ": line " + std::to_string(line) + ": ";
}

}  // namespace

int ScanYamlDepth(std::string_view text, int limit, int* line_out) {
  return base::ScanYamlDepth(text, limit, line_out);
}

base::Result<Json> ParseYamlTemplate(std::string_view text, std::string_view what) {
  int line = 0;
  if (ScanYamlDepth(text, kMaxTemplateDepth, &line) > kMaxTemplateDepth) {
    return base::InvalidArgument(AtLine(what, line) + "nested deeper than " +
                                 std::to_string(kMaxTemplateDepth) +
                                 " levels; not a CloudFormation template");
  }
  Builder builder;
  try {
    std::istringstream in{std::string(text)};
    YAML::Parser parser(in);
    parser.HandleNextDocument(builder);
    SecondDocument second;
    parser.HandleNextDocument(second);
  } catch (const YamlProblem& problem) {
    return base::InvalidArgument(AtLine(what, problem.line) + problem.message);
  } catch (const YAML::Exception& e) {
    if (e.mark.is_null())
      return base::InvalidArgument(std::string(what) + ": invalid YAML: " + e.msg);
    return base::InvalidArgument(std::string(what) + ": line " + std::to_string(e.mark.line + 1) +
                                 ", column " + std::to_string(e.mark.column + 1) +
                                 ": invalid YAML: " + e.msg);
  } catch (const std::exception& e) {
    return base::InvalidArgument(std::string(what) + ": cannot be read as YAML (" + e.what() + ")");
  }
  if (!builder.root().has_value()) {
    return base::InvalidArgument(std::string(what) + ": holds no YAML document");
  }
  return std::move(*builder.root());
}

}  // namespace rex::tmpl
