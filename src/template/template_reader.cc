#include "template/template_reader.h"

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "base/utf8.h"
#include "template/template_yaml.h"

namespace rex::tmpl {
namespace {

using base::Json;

std::string KindOf(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::object:
      return "an object";
    case Json::value_t::array:
      return "an array";
    case Json::value_t::string:
      return "a string";
    case Json::value_t::boolean:
      return "a boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return "a number";
    case Json::value_t::binary:
    case Json::value_t::discarded:
      break;
  }
  return "an unknown value";
}

// The nesting depth of `root`, computed with an explicit stack so hostile input cannot
// exhaust the call stack. Stops counting once `limit` is passed.
int Depth(const Json& root, int limit) {
  std::vector<std::pair<const Json*, int>> stack = {{&root, 1}};
  int deepest = 0;
  while (!stack.empty()) {
    auto [value, depth] = stack.back();
    stack.pop_back();
    if (!value->is_structured()) continue;
    deepest = std::max(deepest, depth);
    if (deepest > limit) return deepest;
    for (const Json& child : *value) stack.emplace_back(&child, depth + 1);
  }
  return deepest;
}

// Template keys are printed in messages: keep them short and printable.
std::string Printable(std::string_view key) {
  std::string out;
  for (char c : key.substr(0, 64)) {
    unsigned char u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? '?' : c;
  }
  if (key.size() > 64) out += "...";
  return out;
}

class Checker {
 public:
  explicit Checker(std::string_view what) : what_(what) {}

  base::Status Check(const Json& tmpl) {
    if (!tmpl.is_object())
      return Fail("", "must be a JSON object (a CloudFormation template)", tmpl);
    if (Depth(tmpl, kMaxTemplateDepth) > kMaxTemplateDepth) {
      return base::InvalidArgument(std::string(what_) + ": nested deeper than " +
                                   std::to_string(kMaxTemplateDepth) +
                                   " levels; not a CloudFormation template");
    }
    for (std::string_view key : {"Description", "AWSTemplateFormatVersion"}) {
      auto it = tmpl.find(key);
      if (it != tmpl.end() && !it->is_string()) {
        return Fail(std::string(key), "must be a string", *it);
      }
    }
    for (std::string_view section : {"Parameters", "Outputs", "Mappings", "Rules"}) {
      REX_RETURN_IF_ERROR(CheckSection(tmpl, section, /*entries_are_objects=*/true));
    }
    REX_RETURN_IF_ERROR(CheckSection(tmpl, "Conditions", /*entries_are_objects=*/false));
    REX_RETURN_IF_ERROR(CheckSection(tmpl, "Resources", /*entries_are_objects=*/true));
    auto resources = tmpl.find("Resources");
    if (resources == tmpl.end()) return base::Status::Ok();
    for (const auto& [id, resource] : resources->get_ref<const Json::object_t&>()) {
      REX_RETURN_IF_ERROR(CheckResource(id, resource));
    }
    return base::Status::Ok();
  }

 private:
  base::Status Fail(const std::string& path, std::string_view problem, const Json& got) const {
    std::string message = std::string(what_) + ": ";
    if (!path.empty()) message += path + ": ";
    message += std::string(problem) + "; got " + KindOf(got);
    return base::InvalidArgument(std::move(message));
  }

  base::Status CheckSection(const Json& tmpl, std::string_view name, bool entries_are_objects) {
    auto section = tmpl.find(name);
    if (section == tmpl.end()) return base::Status::Ok();
    if (!section->is_object()) return Fail(std::string(name), "must be an object", *section);
    if (!entries_are_objects) return base::Status::Ok();
    for (auto it = section->begin(); it != section->end(); ++it) {
      if (!it->is_object()) {
        return Fail(std::string(name) + "." + Printable(it.key()), "must be an object", *it);
      }
    }
    return base::Status::Ok();
  }

  // The path in messages ("Resources.<id>") is only built for a resource that fails.
  base::Status CheckResource(const std::string& id, const Json& resource) {
    auto path = [&] { return "Resources." + Printable(id); };
    auto type = resource.find("Type");
    if (type == resource.end()) {
      return base::InvalidArgument(std::string(what_) + ": " + path() + ": has no Type");
    }
    if (!type->is_string() || type->get_ref<const std::string&>().empty()) {
      return Fail(path() + ".Type", "must be a non-empty string", *type);
    }
    for (std::string_view key : {"Properties", "Metadata"}) {
      auto it = resource.find(key);
      if (it != resource.end() && !it->is_object()) {
        return Fail(path() + "." + std::string(key), "must be an object", *it);
      }
    }
    for (std::string_view key : {"DeletionPolicy", "UpdateReplacePolicy", "Condition"}) {
      auto it = resource.find(key);
      if (it != resource.end() && !it->is_string()) {
        return Fail(path() + "." + std::string(key), "must be a string", *it);
      }
    }
    auto depends = resource.find("DependsOn");
    if (depends != resource.end() && !depends->is_string()) {
      if (!depends->is_array()) {
        return Fail(path() + ".DependsOn", "must be a string or an array of strings", *depends);
      }
      for (size_t i = 0; i < depends->size(); ++i) {
        if (!(*depends)[i].is_string()) {
          return Fail(path() + ".DependsOn[" + std::to_string(i) + "]", "must be a string",
                      (*depends)[i]);
        }
      }
    }
    return base::Status::Ok();
  }

  std::string_view what_;
};

// Where the first character that is neither white space nor part of a '#' comment line is:
// '{' there means JSON, anything else YAML. npos for blank text.
size_t FirstSignificant(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    char c = text[pos];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++pos;
    } else if (c == '#') {
      pos = text.find('\n', pos);
    } else {
      return pos;
    }
  }
  return std::string_view::npos;
}

}  // namespace

base::Status ValidateTemplate(const base::Json& tmpl, std::string_view what) {
  return Checker(what).Check(tmpl);
}

base::Result<base::Json> ReadTemplate(std::string_view text, std::string_view what,
                                      size_t max_bytes) {
  if (text.size() > max_bytes) {
    return base::InvalidArgument(std::string(what) + ": is " + std::to_string(text.size()) +
                                 " bytes; a template may have at most " +
                                 std::to_string(max_bytes) + " bytes");
  }
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a UTF-8 byte order mark
  if (auto bad = base::FindInvalidUtf8(text)) {
    // CloudFormation reads UTF-8 only, and a key or value that is not would end the process
    // later, when the plan or the template is written as JSON.
    return base::InvalidArgument(std::string(what) + ": is not UTF-8 (at byte " +
                                 std::to_string(*bad) + ")");
  }
  size_t first = FirstSignificant(text);
  if (first == std::string_view::npos) {
    return base::InvalidArgument(std::string(what) +
                                 ": is empty; expected a JSON or YAML template");
  }
  base::Json tmpl;
  bool yaml = text[first] != '{';
  if (yaml) {
    REX_ASSIGN_OR_RETURN(tmpl, ParseYamlTemplate(text, what));
  } else {
    // base::ParseJson catches parse errors only; a number out of range throws out_of_range, so
    // this adapter parses itself and catches every nlohmann exception. Comment lines before
    // the '{' are skipped (JSON has none); byte offsets count from the start of the text.
    try {
      tmpl = base::Json::parse(text.begin() + static_cast<std::ptrdiff_t>(first), text.end());
    } catch (const base::Json::parse_error& e) {
      return base::InvalidArgument(std::string(what) + " is not valid JSON (at byte " +
                                   std::to_string(e.byte + first) + ")");
    } catch (const base::Json::exception& e) {
      return base::InvalidArgument(std::string(what) + " is not a usable JSON template (" +
                                   e.what() + ")");
    }
  }
  REX_RETURN_IF_ERROR(ValidateTemplate(tmpl, what));
  // The YAML reader can still produce a string that is not UTF-8 from UTF-8 text (yaml-cpp
  // turns some control characters into other bytes): writing the document once, here, finds it
  // (nesting is bounded by now, so the recursive writer is safe). JSON needs no such pass: its
  // text was checked above and the parser refuses escapes that are not UTF-8 (lone
  // surrogates), so every string it makes is UTF-8 (the pass cost a whole second copy of a
  // large template as text).
  if (!yaml) return tmpl;
  try {
    (void)tmpl.dump();
  } catch (const base::Json::exception& e) {
    return base::InvalidArgument(std::string(what) + ": holds text that is not UTF-8 (" + e.what() +
                                 ")");
  }
  return tmpl;
}

}  // namespace rex::tmpl
