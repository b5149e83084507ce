#include "aws/codec.h"

#include <cmath>
#include <cstdlib>
#include <map>
#include <random>
#include <set>

#include "aws/hash.h"
#include "aws/xml.h"
#include "base/strings.h"

namespace rex::aws {

namespace {

using base::Json;
using base::Result;
using base::Status;

// A shape as reached through a member reference: the shape's definition plus the traits
// written on the reference itself.
struct Ref {
  const ModelJson* shape = nullptr;
  const ModelJson* member = nullptr;  // null for top-level shapes
  std::string shape_name;

  std::string Type() const { return shape->value("type", std::string("structure")); }
  // A trait written on the member reference only (locationName, location, xmlAttribute...).
  std::string MemberString(const char* key) const {
    if (member != nullptr && member->contains(key) && (*member)[key].is_string()) {
      return (*member)[key].get<std::string>();
    }
    return "";
  }
  bool MemberBool(const char* key) const {
    return member != nullptr && member->contains(key) && (*member)[key].is_boolean() &&
           (*member)[key].get<bool>();
  }
  // A trait on the member reference, else on the shape.
  const ModelJson* Trait(const char* key) const {
    if (member != nullptr && member->contains(key)) return &(*member)[key];
    if (shape->contains(key)) return &(*shape)[key];
    return nullptr;
  }
  bool Flattened() const {
    const ModelJson* t = Trait("flattened");
    return t != nullptr && t->is_boolean() && t->get<bool>();
  }
  std::string TimestampFormat(const std::string& fallback) const {
    const ModelJson* t = Trait("timestampFormat");
    return t != nullptr && t->is_string() ? t->get<std::string>() : fallback;
  }
};

Result<Ref> ResolveShape(const ServiceModel& service, const std::string& name,
                         const ModelJson* member = nullptr) {
  auto it = service.shapes.find(name);
  if (it == service.shapes.end()) return base::Internal("model has no shape \"" + name + "\"");
  return Ref{&*it, member, name};
}

Result<Ref> ResolveMember(const ServiceModel& service, const ModelJson& member_ref) {
  return ResolveShape(service, member_ref.value("shape", std::string()), &member_ref);
}

const ModelJson& Members(const Ref& ref) {
  static const ModelJson kEmpty = ModelJson::object();
  auto it = ref.shape->find("members");
  return it == ref.shape->end() ? kEmpty : *it;
}

bool IsDocument(const Ref& ref) {
  return ref.shape->contains("document") && (*ref.shape)["document"].is_boolean() &&
         (*ref.shape)["document"].get<bool>();
}

bool IsNumberType(const std::string& type) {
  return type == "integer" || type == "long" || type == "float" || type == "double" ||
         type == "byte" || type == "short";
}

// Epoch seconds as a JSON number: an integer when whole.
Json SecondsToJson(double seconds) {
  double whole;
  if (std::modf(seconds, &whole) == 0.0 && std::fabs(whole) < 9.0e15) {
    return Json(static_cast<int64_t>(whole));
  }
  return Json(std::round(seconds * 1000.0) / 1000.0);
}

std::string FormatIsoSeconds(double seconds) {
  auto total_ms = static_cast<int64_t>(std::llround(seconds * 1000.0));
  int64_t whole = total_ms >= 0 ? total_ms / 1000 : -((-total_ms + 999) / 1000);
  auto millis = static_cast<int>(total_ms - whole * 1000);
  std::string text =
      FormatIso8601(std::chrono::system_clock::time_point(std::chrono::seconds(whole)));
  if (millis > 0) {
    char buf[16];
    std::snprintf(buf, sizeof(buf), ".%03d", millis);
    text.insert(text.size() - 1, buf);
  }
  return text;
}

std::string NumberText(double value) { return Json(value).dump(); }

// Parses a timestamp in any of AWS's three formats.
Result<double> ParseTimestampText(std::string_view text) {
  bool numeric = !text.empty();
  for (char c : text) {
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-')) numeric = false;
  }
  if (numeric) {
    char* end = nullptr;
    std::string copy(text);
    double v = std::strtod(copy.c_str(), &end);
    if (end != nullptr && *end == '\0') return v;
  }
  auto iso = ParseIso8601(text);
  if (iso.ok()) return iso;
  auto http = ParseHttpDate(text);
  if (http.ok()) return http;
  return base::InvalidArgument("invalid timestamp \"" + std::string(text) + "\"");
}

template <typename J>
Result<double> TimestampSeconds(const J& value) {
  if (value.is_number()) return value.template get<double>();
  if (value.is_string()) return ParseTimestampText(value.template get<std::string>());
  return base::InvalidArgument("timestamp must be epoch seconds or an ISO-8601 string");
}

std::string FormatTimestamp(double seconds, const std::string& format) {
  if (format == "unixTimestamp") {
    double whole;
    if (std::modf(seconds, &whole) == 0.0) return std::to_string(static_cast<int64_t>(whole));
    return NumberText(seconds);
  }
  if (format == "rfc822") return FormatHttpDate(seconds);
  return FormatIsoSeconds(seconds);
}

template <typename J>
Json ToJson(const J& value) {
  if constexpr (std::is_same_v<J, Json>) {
    return value;
  } else {
    return Json::parse(value.dump(), nullptr, false);
  }
}

// A string taken from the caller's params; kInvalidArgument (never an exception) otherwise.
template <typename J>
Result<std::string> ParamString(const J& value, const std::string& what) {
  if (!value.is_string()) return base::InvalidArgument(what + " must be a string");
  return value.template get<std::string>();
}

// The text form of a scalar for query strings, XML, headers and URIs.
template <typename J>
Result<std::string> ScalarText(const Ref& ref, const J& value, const std::string& ts_default) {
  std::string type = ref.Type();
  if (type == "string") {
    if (value.is_string()) return value.template get<std::string>();
    return base::InvalidArgument("shape " + ref.shape_name + " wants a string");
  }
  if (type == "boolean") {
    if (value.is_boolean()) return std::string(value.template get<bool>() ? "true" : "false");
    return base::InvalidArgument("shape " + ref.shape_name + " wants a boolean");
  }
  if (IsNumberType(type)) {
    if (value.is_string()) return value.template get<std::string>();  // NaN, Infinity
    if (value.is_number_integer()) return std::to_string(value.template get<int64_t>());
    if (value.is_number()) return NumberText(value.template get<double>());
    return base::InvalidArgument("shape " + ref.shape_name + " wants a number");
  }
  if (type == "timestamp") {
    REX_ASSIGN_OR_RETURN(double seconds, TimestampSeconds(value));
    return FormatTimestamp(seconds, ref.TimestampFormat(ts_default));
  }
  if (type == "blob") {
    if (value.is_string()) return Base64Encode(value.template get<std::string>());
    return base::InvalidArgument("shape " + ref.shape_name + " wants bytes");
  }
  return base::InvalidArgument("shape " + ref.shape_name + " of type " + type + " is not a scalar");
}

std::string RandomUuid() {
  std::random_device rd;
  std::string bytes;
  for (int i = 0; i < 16; ++i) bytes.push_back(static_cast<char>(rd() & 0xff));
  bytes[6] = static_cast<char>((bytes[6] & 0x0f) | 0x40);
  bytes[8] = static_cast<char>((bytes[8] & 0x3f) | 0x80);
  std::string hex = HexEncode(bytes);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

// ---------------------------------------------------------------------------------------
// Query protocol serialization.

template <typename J>
Status QuerySerialize(const ServiceModel& service, const Ref& ref, const J& value,
                      const std::string& prefix,
                      std::vector<std::pair<std::string, std::string>>& out) {
  std::string type = ref.Type();
  if (type == "structure") {
    if (!value.is_object()) return base::InvalidArgument(prefix + " must be an object");
    for (const auto& [name, member_ref] : Members(ref).items()) {
      auto it = value.find(name);
      if (it == value.end() || it->is_null()) continue;
      REX_ASSIGN_OR_RETURN(Ref member, ResolveMember(service, member_ref));
      std::string key = member.MemberString("locationName");
      if (key.empty()) key = name;
      REX_RETURN_IF_ERROR(
          QuerySerialize(service, member, *it, prefix.empty() ? key : prefix + "." + key, out));
    }
    return Status::Ok();
  }
  if (type == "list") {
    if (!value.is_array()) return base::InvalidArgument(prefix + " must be a list");
    if (value.empty()) {
      out.emplace_back(prefix, "");
      return Status::Ok();
    }
    REX_ASSIGN_OR_RETURN(Ref element, ResolveMember(service, (*ref.shape)["member"]));
    std::string list_prefix;
    if (ref.Flattened()) {
      // Flattened lists repeat the member's own name: "Name.1=a&Name.2=b".
      list_prefix = prefix;
    } else {
      std::string name = element.MemberString("locationName");
      list_prefix = prefix + "." + (name.empty() ? "member" : name);
    }
    size_t i = 1;
    for (const auto& item : value) {
      REX_RETURN_IF_ERROR(
          QuerySerialize(service, element, item, list_prefix + "." + std::to_string(i++), out));
    }
    return Status::Ok();
  }
  if (type == "map") {
    if (!value.is_object()) return base::InvalidArgument(prefix + " must be an object");
    REX_ASSIGN_OR_RETURN(Ref key_ref, ResolveMember(service, (*ref.shape)["key"]));
    REX_ASSIGN_OR_RETURN(Ref value_ref, ResolveMember(service, (*ref.shape)["value"]));
    std::string base_prefix = ref.Flattened() ? prefix : prefix + ".entry";
    std::string key_name = key_ref.MemberString("locationName");
    std::string value_name = value_ref.MemberString("locationName");
    if (key_name.empty()) key_name = "key";
    if (value_name.empty()) value_name = "value";
    size_t i = 1;
    for (const auto& [k, v] : value.items()) {
      std::string entry = base_prefix + "." + std::to_string(i++) + ".";
      out.emplace_back(entry + key_name, k);
      REX_RETURN_IF_ERROR(QuerySerialize(service, value_ref, v, entry + value_name, out));
    }
    return Status::Ok();
  }
  REX_ASSIGN_OR_RETURN(std::string text, ScalarText(ref, value, "iso8601"));
  out.emplace_back(prefix, std::move(text));
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------
// JSON protocol serialization.

template <typename J>
Result<Json> JsonSerialize(const ServiceModel& service, const Ref& ref, const J& value) {
  std::string type = ref.Type();
  if (IsDocument(ref)) return ToJson(value);
  if (type == "structure") {
    if (!value.is_object()) return base::InvalidArgument(ref.shape_name + " must be an object");
    Json out = Json::object();
    for (const auto& [name, member_ref] : Members(ref).items()) {
      auto it = value.find(name);
      if (it == value.end() || it->is_null()) continue;
      REX_ASSIGN_OR_RETURN(Ref member, ResolveMember(service, member_ref));
      std::string key = member.MemberString("locationName");
      REX_ASSIGN_OR_RETURN(out[key.empty() ? name : key], JsonSerialize(service, member, *it));
    }
    return out;
  }
  if (type == "list") {
    if (!value.is_array()) return base::InvalidArgument(ref.shape_name + " must be a list");
    REX_ASSIGN_OR_RETURN(Ref element, ResolveMember(service, (*ref.shape)["member"]));
    Json out = Json::array();
    for (const auto& item : value) {
      REX_ASSIGN_OR_RETURN(Json v, JsonSerialize(service, element, item));
      out.push_back(std::move(v));
    }
    return out;
  }
  if (type == "map") {
    if (!value.is_object()) return base::InvalidArgument(ref.shape_name + " must be an object");
    REX_ASSIGN_OR_RETURN(Ref value_ref, ResolveMember(service, (*ref.shape)["value"]));
    Json out = Json::object();
    for (const auto& [k, v] : value.items()) {
      REX_ASSIGN_OR_RETURN(out[k], JsonSerialize(service, value_ref, v));
    }
    return out;
  }
  if (type == "timestamp") {
    REX_ASSIGN_OR_RETURN(double seconds, TimestampSeconds(value));
    std::string format = ref.TimestampFormat("unixTimestamp");
    if (format == "unixTimestamp") return SecondsToJson(seconds);
    return Json(FormatTimestamp(seconds, format));
  }
  if (type == "blob") {
    if (!value.is_string()) return base::InvalidArgument(ref.shape_name + " wants bytes");
    return Json(Base64Encode(value.template get<std::string>()));
  }
  return ToJson(value);
}

// ---------------------------------------------------------------------------------------
// XML serialization (REST-XML bodies).

std::string XmlNamespaceAttribute(const Ref& ref) {
  const ModelJson* ns = ref.Trait("xmlNamespace");
  if (ns == nullptr) return "";
  if (ns->is_string()) return " xmlns=\"" + XmlEscape(ns->get<std::string>(), true) + "\"";
  if (ns->is_object()) {
    std::string uri = ns->value("uri", std::string());
    std::string prefix = ns->value("prefix", std::string());
    return std::string(" xmlns") + (prefix.empty() ? "" : ":" + prefix) + "=\"" +
           XmlEscape(uri, true) + "\"";
  }
  return "";
}

template <typename J>
Status XmlSerialize(const ServiceModel& service, const Ref& ref, const J& value,
                    const std::string& name, std::string& out) {
  std::string type = ref.Type();
  if (type == "structure") {
    if (!value.is_object()) return base::InvalidArgument(name + " must be an object");
    std::string attributes = XmlNamespaceAttribute(ref);
    std::string children;
    for (const auto& [member_name, member_ref] : Members(ref).items()) {
      auto it = value.find(member_name);
      if (it == value.end() || it->is_null()) continue;
      REX_ASSIGN_OR_RETURN(Ref member, ResolveMember(service, member_ref));
      if (!member.MemberString("location").empty()) continue;
      std::string key = member.MemberString("locationName");
      if (key.empty()) key = member_name;
      if (member.MemberBool("xmlAttribute")) {
        REX_ASSIGN_OR_RETURN(std::string text, ScalarText(member, *it, "iso8601"));
        attributes += " " + key + "=\"" + XmlEscape(text, true) + "\"";
        continue;
      }
      REX_RETURN_IF_ERROR(XmlSerialize(service, member, *it, key, children));
    }
    out += "<" + name + attributes + ">" + children + "</" + name + ">";
    return Status::Ok();
  }
  if (type == "list") {
    if (!value.is_array()) return base::InvalidArgument(name + " must be a list");
    REX_ASSIGN_OR_RETURN(Ref element, ResolveMember(service, (*ref.shape)["member"]));
    if (ref.Flattened()) {
      for (const auto& item : value)
        REX_RETURN_IF_ERROR(XmlSerialize(service, element, item, name, out));
      return Status::Ok();
    }
    std::string element_name = element.MemberString("locationName");
    if (element_name.empty()) element_name = "member";
    out += "<" + name + XmlNamespaceAttribute(ref) + ">";
    for (const auto& item : value) {
      REX_RETURN_IF_ERROR(XmlSerialize(service, element, item, element_name, out));
    }
    out += "</" + name + ">";
    return Status::Ok();
  }
  if (type == "map") {
    if (!value.is_object()) return base::InvalidArgument(name + " must be an object");
    REX_ASSIGN_OR_RETURN(Ref key_ref, ResolveMember(service, (*ref.shape)["key"]));
    REX_ASSIGN_OR_RETURN(Ref value_ref, ResolveMember(service, (*ref.shape)["value"]));
    std::string key_name = key_ref.MemberString("locationName");
    std::string value_name = value_ref.MemberString("locationName");
    if (key_name.empty()) key_name = "key";
    if (value_name.empty()) value_name = "value";
    bool flat = ref.Flattened();
    if (!flat) out += "<" + name + XmlNamespaceAttribute(ref) + ">";
    for (const auto& [k, v] : value.items()) {
      out += flat ? "<" + name + XmlNamespaceAttribute(ref) + ">" : std::string("<entry>");
      REX_RETURN_IF_ERROR(XmlSerialize(service, key_ref, J(k), key_name, out));
      REX_RETURN_IF_ERROR(XmlSerialize(service, value_ref, v, value_name, out));
      out += flat ? "</" + name + ">" : std::string("</entry>");
    }
    if (!flat) out += "</" + name + ">";
    return Status::Ok();
  }
  REX_ASSIGN_OR_RETURN(std::string text, ScalarText(ref, value, "iso8601"));
  out += "<" + name + XmlNamespaceAttribute(ref) + ">" + XmlEscape(text) + "</" + name + ">";
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------
// REST bindings (URI labels, query string, headers) and the request as a whole.

template <typename J>
Result<std::string> HostPrefix(const OperationModel& op, const Ref* input, const J& params) {
  std::string out = op.host_prefix;
  size_t open;
  while ((open = out.find('{')) != std::string::npos) {
    size_t close = out.find('}', open);
    if (close == std::string::npos) return base::Internal("bad host prefix " + op.host_prefix);
    std::string label = out.substr(open + 1, close - open - 1);
    std::string value;
    if (input != nullptr && params.contains(label)) {
      const J& v = params.at(label);
      if (v.is_string()) value = v.template get<std::string>();
    }
    if (value.empty()) return base::InvalidArgument("host label " + label + " is required");
    out.replace(open, close - open + 1, value);
  }
  return out;
}

// The REST-JSON body (botocore's RestJSONSerializer): a blob or string payload as is; a
// structure payload, or the members bound to no location, as a JSON object; "{}" when the
// input has unbound members (or a structure payload) but the caller set none.
template <typename J>
Status RestJsonBody(const ServiceModel& service, const Ref& input, const J& params,
                    const std::optional<std::string>& payload_member, SerializedRequest& request) {
  bool has_content_type = FindHeader(request.headers, "Content-Type").has_value();
  if (payload_member) {
    REX_ASSIGN_OR_RETURN(Ref member, ResolveMember(service, Members(input)[*payload_member]));
    std::string type = member.Type();
    auto it = params.find(*payload_member);
    bool present = it != params.end() && !it->is_null();
    if (type == "blob" || type == "string") {
      if (present) {
        REX_ASSIGN_OR_RETURN(request.body, ParamString(*it, *payload_member));
        if (!has_content_type) {
          request.headers.emplace_back("Content-Type",
                                       type == "blob" ? "application/octet-stream" : "text/plain");
        }
      }
      return Status::Ok();
    }
    if (!present && member.shape->value("union", false)) return Status::Ok();
    if (present) {
      REX_ASSIGN_OR_RETURN(Json body, JsonSerialize(service, member, *it));
      request.body = body.dump();
    } else {
      request.body = "{}";
    }
  } else {
    Json body = Json::object();
    bool has_unbound = false;
    for (const auto& [name, member_ref] : Members(input).items()) {
      REX_ASSIGN_OR_RETURN(Ref member, ResolveMember(service, member_ref));
      if (!member.MemberString("location").empty()) continue;
      has_unbound = true;
      auto it = params.find(name);
      if (it == params.end() || it->is_null()) continue;
      std::string key = member.MemberString("locationName");
      REX_ASSIGN_OR_RETURN(body[key.empty() ? name : key], JsonSerialize(service, member, *it));
    }
    if (!has_unbound) return Status::Ok();
    request.body = body.dump();
  }
  if (!has_content_type) request.headers.emplace_back("Content-Type", "application/json");
  return Status::Ok();
}

template <typename J>
Result<SerializedRequest> SerializeImpl(const ServiceModel& service, const OperationModel& op,
                                        const J& params_in, const SerializeOptions& options) {
  SerializedRequest request;
  request.method = op.http_method;
  J params = params_in.is_object() ? params_in : J::object();
  std::optional<Ref> input;
  if (!op.input_shape.empty()) {
    REX_ASSIGN_OR_RETURN(input, ResolveShape(service, op.input_shape));
    // Fill idempotency tokens the caller left out.
    for (const auto& [name, member_ref] : Members(*input).items()) {
      if (member_ref.value("idempotencyToken", false) &&
          (!params.contains(name) || params[name].is_null())) {
        params[name] = options.idempotency_token ? options.idempotency_token() : RandomUuid();
      }
    }
  }
  REX_ASSIGN_OR_RETURN(request.host_prefix, HostPrefix(op, input ? &*input : nullptr, params));

  if (service.protocol == Protocol::kQuery) {
    std::vector<std::pair<std::string, std::string>> fields = {{"Action", op.name},
                                                               {"Version", service.api_version}};
    if (input) REX_RETURN_IF_ERROR(QuerySerialize(service, *input, params, "", fields));
    for (const auto& [k, v] : fields) {
      if (!request.body.empty()) request.body += "&";
      request.body += UriEncode(k) + "=" + UriEncode(v);
    }
    request.path = op.request_uri;
    request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    return request;
  }
  if (service.protocol == Protocol::kJson) {
    Json body = Json::object();
    if (input) {
      REX_ASSIGN_OR_RETURN(body, JsonSerialize(service, *input, params));
    }
    request.body = body.dump();
    request.path = op.request_uri;
    request.headers.emplace_back("Content-Type", "application/x-amz-json-" + service.json_version);
    request.headers.emplace_back("X-Amz-Target", service.target_prefix + "." + op.name);
    return request;
  }

  // REST-XML and REST-JSON: the same URI, query and header bindings; the body differs.
  const bool rest_json = service.protocol == Protocol::kRestJson;
  std::string path_template = op.request_uri;
  std::string constant_query;
  if (size_t q = path_template.find('?'); q != std::string::npos) {
    constant_query = path_template.substr(q + 1);
    path_template.resize(q);
  }
  std::vector<std::pair<std::string, std::string>> query;
  std::set<std::string> explicit_keys;
  std::string body_xml;
  bool has_body_members = false;
  std::optional<std::string> payload_member;
  if (input && input->shape->contains("payload")) {
    payload_member = (*input->shape)["payload"].template get<std::string>();
  }
  if (input) {
    // Pass 1: labels, headers, explicit query parameters.
    for (const auto& [name, member_ref] : Members(*input).items()) {
      REX_ASSIGN_OR_RETURN(Ref member, ResolveMember(service, member_ref));
      std::string location = member.MemberString("location");
      std::string location_name = member.MemberString("locationName");
      if (location_name.empty()) location_name = name;
      auto it = params.find(name);
      bool present = it != params.end() && !it->is_null();
      if (location == "uri") {
        std::string greedy = "{" + location_name + "+}";
        std::string plain = "{" + location_name + "}";
        bool is_greedy = path_template.find(greedy) != std::string::npos;
        if (!present) return base::InvalidArgument("URI label " + name + " is required");
        REX_ASSIGN_OR_RETURN(std::string text, ScalarText(member, *it, "iso8601"));
        if (member.Type() == "blob") {
          REX_ASSIGN_OR_RETURN(text, ParamString(*it, name));
        }
        std::string encoded = UriEncode(text, /*keep_slash=*/is_greedy);
        const std::string& token = is_greedy ? greedy : plain;
        size_t pos = path_template.find(token);
        if (pos != std::string::npos) path_template.replace(pos, token.size(), encoded);
      } else if (location == "querystring" && present) {
        if (member.Type() == "map") continue;  // pass 2
        if (member.Type() == "list") {
          REX_ASSIGN_OR_RETURN(Ref element, ResolveMember(service, (*member.shape)["member"]));
          for (const auto& item : *it) {
            REX_ASSIGN_OR_RETURN(std::string text, ScalarText(element, item, "iso8601"));
            query.emplace_back(location_name, std::move(text));
          }
        } else {
          REX_ASSIGN_OR_RETURN(std::string text, ScalarText(member, *it, "iso8601"));
          query.emplace_back(location_name, std::move(text));
        }
        explicit_keys.insert(location_name);
      } else if (location == "header" && present) {
        if (member.Type() == "list") {
          REX_ASSIGN_OR_RETURN(Ref element, ResolveMember(service, (*member.shape)["member"]));
          std::vector<std::string> parts;
          for (const auto& item : *it) {
            REX_ASSIGN_OR_RETURN(std::string text, ScalarText(element, item, "rfc822"));
            parts.push_back(std::move(text));
          }
          request.headers.emplace_back(location_name, base::Join(parts, ", "));
        } else {
          REX_ASSIGN_OR_RETURN(std::string text, ScalarText(member, *it, "rfc822"));
          request.headers.emplace_back(location_name, std::move(text));
        }
      } else if (location == "headers" && present) {
        for (const auto& [k, v] : it->items()) {
          REX_ASSIGN_OR_RETURN(std::string text, ParamString(v, name + "." + k));
          request.headers.emplace_back(location_name + k, std::move(text));
        }
      } else if (location.empty() && present && payload_member != name) {
        has_body_members = true;
      }
    }
    // Pass 2: query-string maps, which never override an explicit parameter.
    for (const auto& [name, member_ref] : Members(*input).items()) {
      REX_ASSIGN_OR_RETURN(Ref member, ResolveMember(service, member_ref));
      auto it = params.find(name);
      if (member.MemberString("location") != "querystring" || member.Type() != "map" ||
          it == params.end() || it->is_null()) {
        continue;
      }
      for (const auto& [k, v] : it->items()) {
        if (explicit_keys.count(k) != 0) continue;
        if (v.is_array()) {
          for (const auto& item : v) {
            REX_ASSIGN_OR_RETURN(std::string text, ParamString(item, name + "." + k));
            query.emplace_back(k, std::move(text));
          }
        } else {
          REX_ASSIGN_OR_RETURN(std::string text, ParamString(v, name + "." + k));
          query.emplace_back(k, std::move(text));
        }
      }
    }
    // Body.
    if (rest_json) {
      REX_RETURN_IF_ERROR(RestJsonBody(service, *input, params, payload_member, request));
    } else if (payload_member) {
      auto it = params.find(*payload_member);
      if (it != params.end() && !it->is_null()) {
        REX_ASSIGN_OR_RETURN(Ref member, ResolveMember(service, Members(*input)[*payload_member]));
        std::string type = member.Type();
        if (type == "blob") {
          REX_ASSIGN_OR_RETURN(request.body, ParamString(*it, *payload_member));
        } else if (type == "string") {
          REX_ASSIGN_OR_RETURN(request.body, ParamString(*it, *payload_member));
          request.headers.emplace_back("Content-Type", "text/plain");
        } else {
          std::string root = member.MemberString("locationName");
          if (root.empty() || root == *payload_member) {
            root = member.shape->value("locationName", member.shape_name);
          }
          REX_RETURN_IF_ERROR(XmlSerialize(service, member, *it, root, request.body));
          request.headers.emplace_back("Content-Type", "application/xml");
        }
      }
    } else if (has_body_members) {
      std::string root = input->shape->value("locationName", op.input_location_name.empty()
                                                                 ? input->shape_name
                                                                 : op.input_location_name);
      REX_RETURN_IF_ERROR(XmlSerialize(service, *input, params, root, request.body));
      request.headers.emplace_back("Content-Type", "application/xml");
    }
  }
  request.path = path_template;
  std::string query_text = constant_query;
  for (const auto& [k, v] : query) {
    if (!query_text.empty()) query_text += "&";
    query_text += UriEncode(k) + "=" + UriEncode(v);
  }
  if (!query_text.empty()) request.path += "?" + query_text;
  return request;
}

// ---------------------------------------------------------------------------------------
// Parsing.

Result<Json> ScalarFromText(const Ref& ref, const std::string& text) {
  std::string type = ref.Type();
  if (type == "string") return Json(text);
  if (type == "boolean") {
    if (text == "true") return Json(true);
    if (text == "false") return Json(false);
    return base::InvalidArgument("invalid boolean \"" + text + "\"");
  }
  if (type == "integer" || type == "long" || type == "byte" || type == "short") {
    char* end = nullptr;
    long long v = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0')
      return base::InvalidArgument("invalid integer \"" + text + "\"");
    return Json(static_cast<int64_t>(v));
  }
  if (type == "float" || type == "double") {
    if (text == "NaN" || text == "Infinity" || text == "-Infinity") return Json(text);
    char* end = nullptr;
    double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0')
      return base::InvalidArgument("invalid number \"" + text + "\"");
    return Json(v);
  }
  if (type == "timestamp") {
    REX_ASSIGN_OR_RETURN(double seconds, ParseTimestampText(text));
    return SecondsToJson(seconds);
  }
  if (type == "blob") {
    REX_ASSIGN_OR_RETURN(std::string bytes, Base64Decode(text));
    return Json(bytes);
  }
  return Json(text);
}

Result<Json> XmlParseValue(const ServiceModel& service, const Ref& ref,
                           const std::vector<const XmlNode*>& nodes);

// The element name under which a structure member appears (flattened lists and maps repeat
// it once per item).
std::string XmlMemberKey(const Ref& member, const std::string& member_name) {
  std::string name = member.MemberString("locationName");
  return name.empty() ? member_name : name;
}

// Members bound to HTTP headers or the status code, which a REST body never holds.
bool IsHeaderBound(const Ref& member) {
  std::string location = member.MemberString("location");
  return location == "header" || location == "headers" || location == "statusCode";
}

Result<Json> XmlParseStructure(const ServiceModel& service, const Ref& ref, const XmlNode& node,
                               bool body_members_only) {
  std::map<std::string, std::vector<const XmlNode*>> by_name;
  for (const XmlNode& child : node.children) by_name[child.name].push_back(&child);
  Json out = Json::object();
  for (const auto& [member_name, member_ref] : Members(ref).items()) {
    REX_ASSIGN_OR_RETURN(Ref member, ResolveMember(service, member_ref));
    if (body_members_only && IsHeaderBound(member)) continue;
    if (member.MemberBool("xmlAttribute")) {
      std::string name = member.MemberString("locationName");
      if (const std::string* attr = node.Attribute(name.empty() ? member_name : name)) {
        REX_ASSIGN_OR_RETURN(out[member_name], ScalarFromText(member, *attr));
      }
      continue;
    }
    std::string key = XmlMemberKey(member, member_name);
    auto it = by_name.find(key);
    if (it == by_name.end()) continue;
    std::string type = member.Type();
    bool flat = (type == "list" || type == "map") && member.Flattened();
    std::vector<const XmlNode*> nodes =
        flat ? it->second : std::vector<const XmlNode*>{it->second.front()};
    REX_ASSIGN_OR_RETURN(out[member_name], XmlParseValue(service, member, nodes));
  }
  return out;
}

Result<Json> XmlParseValue(const ServiceModel& service, const Ref& ref,
                           const std::vector<const XmlNode*>& nodes) {
  std::string type = ref.Type();
  const XmlNode& node = *nodes.front();
  if (type == "structure") return XmlParseStructure(service, ref, node, false);
  if (type == "list") {
    REX_ASSIGN_OR_RETURN(Ref element, ResolveMember(service, (*ref.shape)["member"]));
    Json out = Json::array();
    std::vector<const XmlNode*> items;
    if (ref.Flattened()) {
      items = nodes;
    } else {
      for (const XmlNode& child : node.children) items.push_back(&child);
    }
    for (const XmlNode* item : items) {
      REX_ASSIGN_OR_RETURN(Json v, XmlParseValue(service, element, {item}));
      out.push_back(std::move(v));
    }
    return out;
  }
  if (type == "map") {
    REX_ASSIGN_OR_RETURN(Ref key_ref, ResolveMember(service, (*ref.shape)["key"]));
    REX_ASSIGN_OR_RETURN(Ref value_ref, ResolveMember(service, (*ref.shape)["value"]));
    std::string key_name = key_ref.MemberString("locationName");
    std::string value_name = value_ref.MemberString("locationName");
    if (key_name.empty()) key_name = "key";
    if (value_name.empty()) value_name = "value";
    std::vector<const XmlNode*> entries;
    if (ref.Flattened()) {
      entries = nodes;
    } else {
      for (const XmlNode& child : node.children) entries.push_back(&child);
    }
    Json out = Json::object();
    for (const XmlNode* entry : entries) {
      const XmlNode* k = entry->Child(key_name);
      const XmlNode* v = entry->Child(value_name);
      if (k == nullptr) return base::InvalidArgument("map entry without <" + key_name + ">");
      if (v == nullptr) {
        out[k->text] = nullptr;
        continue;
      }
      REX_ASSIGN_OR_RETURN(out[k->text], XmlParseValue(service, value_ref, {v}));
    }
    return out;
  }
  return ScalarFromText(ref, node.text);
}

Result<Json> JsonParseValue(const ServiceModel& service, const Ref& ref, const Json& value) {
  std::string type = ref.Type();
  if (IsDocument(ref)) return value;
  if (type == "structure") {
    Json out = Json::object();
    if (!value.is_object()) return out;
    for (const auto& [member_name, member_ref] : Members(ref).items()) {
      REX_ASSIGN_OR_RETURN(Ref member, ResolveMember(service, member_ref));
      std::string key = member.MemberString("locationName");
      auto it = value.find(key.empty() ? member_name : key);
      if (it == value.end() || it->is_null()) continue;
      REX_ASSIGN_OR_RETURN(out[member_name], JsonParseValue(service, member, *it));
    }
    return out;
  }
  if (type == "list") {
    REX_ASSIGN_OR_RETURN(Ref element, ResolveMember(service, (*ref.shape)["member"]));
    Json out = Json::array();
    if (!value.is_array()) return base::InvalidArgument(ref.shape_name + " is not a list");
    for (const auto& item : value) {
      if (item.is_null()) {
        out.push_back(nullptr);
        continue;
      }
      REX_ASSIGN_OR_RETURN(Json v, JsonParseValue(service, element, item));
      out.push_back(std::move(v));
    }
    return out;
  }
  if (type == "map") {
    REX_ASSIGN_OR_RETURN(Ref value_ref, ResolveMember(service, (*ref.shape)["value"]));
    Json out = Json::object();
    if (!value.is_object()) return base::InvalidArgument(ref.shape_name + " is not a map");
    for (const auto& [k, v] : value.items()) {
      if (v.is_null()) continue;
      REX_ASSIGN_OR_RETURN(out[k], JsonParseValue(service, value_ref, v));
    }
    return out;
  }
  if (type == "timestamp") {
    REX_ASSIGN_OR_RETURN(double seconds, TimestampSeconds(value));
    return SecondsToJson(seconds);
  }
  if (type == "blob") {
    if (!value.is_string()) return base::InvalidArgument(ref.shape_name + " is not base64");
    REX_ASSIGN_OR_RETURN(std::string bytes, Base64Decode(value.get<std::string>()));
    return Json(bytes);
  }
  return value;
}

// Header-bound members of a REST-XML output (or error) shape.
Status ParseRestHeaders(const ServiceModel& service, const Ref& ref, const HttpResponse& response,
                        Json& out) {
  for (const auto& [member_name, member_ref] : Members(ref).items()) {
    REX_ASSIGN_OR_RETURN(Ref member, ResolveMember(service, member_ref));
    std::string location = member.MemberString("location");
    std::string location_name = member.MemberString("locationName");
    if (location_name.empty()) location_name = member_name;
    if (location == "statusCode") {
      out[member_name] = response.status;
    } else if (location == "header") {
      auto value = response.Header(location_name);
      if (!value) continue;
      // A malformed header (S3's free-form Expires, say) is dropped rather than failing the
      // whole response.
      auto scalar_ok = [&](const Ref& r, const std::string& text) {
        return ScalarFromText(r, text).ok();
      };
      if (member.Type() == "list") {
        REX_ASSIGN_OR_RETURN(Ref element, ResolveMember(service, (*member.shape)["member"]));
        std::vector<std::string> parts = base::Split(*value, ',');
        if (element.Type() == "timestamp" && element.TimestampFormat("rfc822") == "rfc822") {
          // "Mon, 16 Dec 2019 23:48:18 GMT" holds a comma itself: rejoin pairs.
          std::vector<std::string> joined;
          for (size_t i = 0; i + 1 < parts.size(); i += 2)
            joined.push_back(parts[i] + "," + parts[i + 1]);
          parts = joined;
        }
        Json list = Json::array();
        for (std::string part : parts) {
          size_t b = part.find_first_not_of(' ');
          size_t e = part.find_last_not_of(' ');
          part = b == std::string::npos ? "" : part.substr(b, e - b + 1);
          REX_ASSIGN_OR_RETURN(Json v, ScalarFromText(element, part));
          list.push_back(std::move(v));
        }
        out[member_name] = std::move(list);
      } else if (scalar_ok(member, *value)) {
        out[member_name] = ScalarFromText(member, *value).value();
      }
    } else if (location == "headers") {
      Json map = Json::object();
      // An empty locationName (REST-JSON) collects every header.
      std::string prefix = member.MemberString("locationName");
      for (auto& c : prefix) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      for (const auto& [name, value] : response.headers) {
        std::string lower = name;
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (base::StartsWith(lower, prefix)) map[name.substr(prefix.size())] = value;
      }
      out[member_name] = std::move(map);
    }
  }
  return Status::Ok();
}

std::string Trimmed(std::string_view text) {
  size_t b = text.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  size_t e = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(b, e - b + 1));
}

// Removes members bound to headers or the status code that a JSON body happened to hold.
void DropHeaderBound(const ServiceModel& service, const Ref& ref, Json& out) {
  for (const auto& [member_name, member_ref] : Members(ref).items()) {
    auto member = ResolveMember(service, member_ref);
    if (member.ok() && IsHeaderBound(*member)) out.erase(member_name);
  }
}

// A REST-JSON response: header and status-code members, then the payload member (a blob or
// string as is, a structure as JSON) or the body's members.
Result<Json> ParseRestJsonResponse(const ServiceModel& service, const Ref& output,
                                   const HttpResponse& response) {
  Json out = Json::object();
  if (output.shape->contains("payload")) {
    std::string payload = (*output.shape)["payload"].get<std::string>();
    REX_ASSIGN_OR_RETURN(Ref member, ResolveMember(service, Members(output)[payload]));
    std::string type = member.Type();
    if (type == "blob" || type == "string") {
      if (!response.body.empty()) out[payload] = response.body;
    } else if (!Trimmed(response.body).empty()) {
      REX_ASSIGN_OR_RETURN(Json body, base::ParseJson(response.body, "response body"));
      REX_ASSIGN_OR_RETURN(out[payload], JsonParseValue(service, member, body));
    }
  } else if (!Trimmed(response.body).empty()) {
    REX_ASSIGN_OR_RETURN(Json body, base::ParseJson(response.body, "response body"));
    REX_ASSIGN_OR_RETURN(out, JsonParseValue(service, output, body));
    DropHeaderBound(service, output, out);
  }
  REX_RETURN_IF_ERROR(ParseRestHeaders(service, output, response, out));
  return out;
}

// The code without a "namespace#" prefix or ":uri" suffix.
std::string SanitizeCode(std::string code) {
  if (size_t colon = code.find(':'); colon != std::string::npos) code.resize(colon);
  if (size_t hash = code.rfind('#'); hash != std::string::npos) code = code.substr(hash + 1);
  return Trimmed(code);
}

std::string StatusCodeName(int status) {
  switch (status) {
    case 301:
      return "PermanentRedirect";
    case 304:
      return "NotModified";
    case 400:
      return "BadRequest";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 412:
      return "PreconditionFailed";
    default:
      return "Http" + std::to_string(status);
  }
}

const ModelJson* FindErrorShape(const ServiceModel& service, const OperationModel& op,
                                const std::string& code, std::string& name_out) {
  for (const std::string& name : op.error_shapes) {
    auto it = service.shapes.find(name);
    if (it == service.shapes.end()) continue;
    std::string modeled = name;
    if (it->contains("error") && (*it)["error"].contains("code")) {
      modeled = (*it)["error"]["code"].get<std::string>();
    }
    if (modeled == code || name == code) {
      name_out = name;
      return &*it;
    }
  }
  return nullptr;
}

}  // namespace

base::Result<ModelJson> ParseModelJson(std::string_view text, std::string_view what) {
  ModelJson out = ModelJson::parse(text, nullptr, /*allow_exceptions=*/false);
  if (out.is_discarded()) {
    return base::InvalidArgument("malformed JSON in " + std::string(what));
  }
  return out;
}

base::Result<ServiceModel> ServiceModelFromBotocore(const ModelJson& metadata,
                                                    const ModelJson& shapes) {
  ServiceModel service;
  std::string protocol = metadata.value("protocol", std::string());
  if (protocol == "query") {
    service.protocol = Protocol::kQuery;
  } else if (protocol == "json") {
    service.protocol = Protocol::kJson;
  } else if (protocol == "rest-xml") {
    service.protocol = Protocol::kRestXml;
  } else if (protocol == "rest-json") {
    service.protocol = Protocol::kRestJson;
  } else {
    return base::InvalidArgument("unsupported protocol \"" + protocol + "\"");
  }
  service.api_version = metadata.value("apiVersion", std::string());
  service.target_prefix = metadata.value("targetPrefix", std::string());
  service.json_version = metadata.value("jsonVersion", std::string("1.1"));
  service.shapes = shapes;
  return service;
}

OperationModel OperationModelFromBotocore(const ModelJson& operation) {
  OperationModel op;
  op.name = operation.value("name", std::string());
  if (operation.contains("http")) {
    op.http_method = operation["http"].value("method", std::string("POST"));
    op.request_uri = operation["http"].value("requestUri", std::string("/"));
  }
  if (operation.contains("input")) {
    op.input_shape = operation["input"].value("shape", std::string());
    op.input_location_name = operation["input"].value("locationName", std::string());
  }
  if (operation.contains("output"))
    op.output_shape = operation["output"].value("shape", std::string());
  if (operation.contains("errors")) {
    for (const auto& e : operation["errors"])
      op.error_shapes.push_back(e.value("shape", std::string()));
  }
  if (operation.value("httpChecksumRequired", false)) op.checksum_required = true;
  if (operation.contains("httpChecksum") &&
      operation["httpChecksum"].value("requestChecksumRequired", false)) {
    op.checksum_required = true;
  }
  if (operation.contains("endpoint")) {
    op.host_prefix = operation["endpoint"].value("hostPrefix", std::string());
  }
  return op;
}

base::Result<SerializedRequest> SerializeRequest(const ServiceModel& service,
                                                 const OperationModel& op, const base::Json& params,
                                                 const SerializeOptions& options) {
  try {
    return SerializeImpl(service, op, params, options);
  } catch (const base::Json::exception& e) {
    // A string that is not UTF-8 (from a config value or a template) cannot go into a JSON body.
    return base::InvalidArgument("the parameters of " + op.name + " cannot be sent (" + e.what() +
                                 ")");
  }
}

base::Result<SerializedRequest> SerializeRequest(const ServiceModel& service,
                                                 const OperationModel& op, const ModelJson& params,
                                                 const SerializeOptions& options) {
  try {
    return SerializeImpl(service, op, params, options);
  } catch (const base::Json::exception& e) {
    return base::InvalidArgument("the parameters of " + op.name + " cannot be sent (" + e.what() +
                                 ")");
  }
}

base::Result<std::string> RequestUrl(std::string_view endpoint, const SerializedRequest& request) {
  REX_ASSIGN_OR_RETURN(Url url, ParseUrl(endpoint));
  std::string base_path = url.path == "/" ? "" : url.path;
  if (base::EndsWith(base_path, "/")) base_path.pop_back();
  url.host = request.host_prefix + url.host;
  return url.Origin() + base_path + request.path;
}

std::string ResponseRequestId(const HttpResponse& response) {
  for (const char* name : {"x-amzn-RequestId", "x-amz-request-id", "x-amzn-request-id"}) {
    if (auto id = response.Header(name)) return *id;
  }
  size_t open = response.body.find("<RequestId>");
  if (open != std::string::npos) {
    open += 11;
    size_t close = response.body.find("</RequestId>", open);
    if (close != std::string::npos) return Trimmed(response.body.substr(open, close - open));
  }
  return "";
}

AwsError ParseError(const ServiceModel& service, const OperationModel& op,
                    const HttpResponse& response) {
  AwsError error;
  error.http_status = response.status;
  error.request_id = ResponseRequestId(response);
  const ModelJson* shape = nullptr;
  std::string shape_name;

  if (service.protocol == Protocol::kJson || service.protocol == Protocol::kRestJson) {
    Json body = Json::parse(response.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) body = Json::object();
    if (auto q = response.Header("x-amzn-query-error"); q && !q->empty()) {
      error.code = q->substr(0, q->find(';'));
    } else if (auto t = response.Header("x-amzn-errortype"); t && !t->empty()) {
      error.code = SanitizeCode(*t);
    } else if (body.contains("__type") && body["__type"].is_string()) {
      error.code = SanitizeCode(body["__type"].get<std::string>());
    } else if (body.contains("code") && body["code"].is_string()) {
      error.code = SanitizeCode(body["code"].get<std::string>());
    }
    for (const char* key : {"message", "Message", "errorMessage"}) {
      if (body.contains(key) && body[key].is_string()) {
        error.message = body[key].get<std::string>();
        break;
      }
    }
    if (error.code.empty()) error.code = StatusCodeName(response.status);
    shape = FindErrorShape(service, op, error.code, shape_name);
    if (shape != nullptr) {
      Ref ref{shape, nullptr, shape_name};
      auto fields = JsonParseValue(service, ref, body);
      if (fields.ok()) error.fields = std::move(fields).value();
      if (service.protocol == Protocol::kRestJson) {
        DropHeaderBound(service, ref, error.fields);
        ParseRestHeaders(service, ref, response, error.fields).IgnoreError();
      }
    }
    return error;
  }

  auto root = ParseXml(response.body);
  const XmlNode* node = nullptr;
  if (root.ok()) node = root->name == "Error" ? &*root : root->Find("Error");
  if (node != nullptr) {
    if (const XmlNode* code = node->Child("Code")) error.code = Trimmed(code->text);
    if (const XmlNode* message = node->Child("Message")) error.message = message->text;
    if (error.request_id.empty()) {
      if (const XmlNode* id = root->Find("RequestId")) error.request_id = Trimmed(id->text);
    }
  } else if (!Trimmed(response.body).empty()) {
    error.message = response.body.substr(0, 200);
  }
  if (error.code.empty()) error.code = StatusCodeName(response.status);
  shape = FindErrorShape(service, op, error.code, shape_name);
  if (shape != nullptr) {
    Ref ref{shape, nullptr, shape_name};
    Json fields = Json::object();
    if (node != nullptr) {
      auto parsed = XmlParseStructure(service, ref, *node, true);
      if (parsed.ok()) fields = std::move(parsed).value();
    }
    if (service.protocol == Protocol::kRestXml)
      ParseRestHeaders(service, ref, response, fields).IgnoreError();
    error.fields = std::move(fields);
  }
  return error;
}

base::Result<base::Json> ParseResponse(const ServiceModel& service, const OperationModel& op,
                                       const HttpResponse& response) {
  if (op.output_shape.empty()) return Json::object();
  REX_ASSIGN_OR_RETURN(Ref output, ResolveShape(service, op.output_shape));

  if (service.protocol == Protocol::kJson) {
    if (Trimmed(response.body).empty()) return Json::object();
    REX_ASSIGN_OR_RETURN(Json body, base::ParseJson(response.body, "response body"));
    return JsonParseValue(service, output, body);
  }

  if (service.protocol == Protocol::kQuery) {
    if (Trimmed(response.body).empty()) return Json::object();
    REX_ASSIGN_OR_RETURN(XmlNode root, ParseXml(response.body));
    const XmlNode* start = root.Child(op.name + "Result");
    if (start == nullptr) start = &root;
    return XmlParseStructure(service, output, *start, false);
  }

  if (service.protocol == Protocol::kRestJson)
    return ParseRestJsonResponse(service, output, response);

  // REST-XML.
  Json out = Json::object();
  REX_RETURN_IF_ERROR(ParseRestHeaders(service, output, response, out));
  if (output.shape->contains("payload")) {
    std::string payload = (*output.shape)["payload"].get<std::string>();
    REX_ASSIGN_OR_RETURN(Ref member, ResolveMember(service, Members(output)[payload]));
    std::string type = member.Type();
    if (type == "blob" || type == "string") {
      if (!response.body.empty() || type == "blob") {
        if (!response.body.empty()) out[payload] = response.body;
      }
    } else if (!Trimmed(response.body).empty()) {
      REX_ASSIGN_OR_RETURN(XmlNode root, ParseXml(response.body));
      REX_ASSIGN_OR_RETURN(out[payload], XmlParseValue(service, member, {&root}));
    }
    return out;
  }
  if (!Trimmed(response.body).empty()) {
    REX_ASSIGN_OR_RETURN(XmlNode root, ParseXml(response.body));
    REX_ASSIGN_OR_RETURN(Json body, XmlParseStructure(service, output, root, true));
    for (auto& [k, v] : body.items()) out[k] = std::move(v);
  }
  return out;
}

bool IsThrottlingCode(std::string_view code) {
  static const std::set<std::string_view> kCodes = {
      "Throttling",
      "ThrottlingException",
      "ThrottledException",
      "RequestThrottledException",
      "TooManyRequestsException",
      "ProvisionedThroughputExceededException",
      "TransactionInProgressException",
      "RequestLimitExceeded",
      "BandwidthLimitExceeded",
      "LimitExceededException",
      "RequestThrottled",
      "SlowDown",
      "EC2ThrottledException",
  };
  return kCodes.count(code) != 0;
}

bool IsRetryableError(const AwsError& error) {
  static const std::set<std::string_view> kTransient = {"RequestTimeout", "RequestTimeoutException",
                                                        "PriorRequestNotComplete",
                                                        "IDPCommunicationError"};
  return IsThrottlingCode(error.code) || kTransient.count(error.code) != 0 ||
         error.http_status == 500 || error.http_status == 502 || error.http_status == 503 ||
         error.http_status == 504;
}

base::Status ErrorToStatus(const AwsError& error) {
  static const std::set<std::string_view> kUnauthenticated = {"ExpiredToken",
                                                              "ExpiredTokenException",
                                                              "InvalidClientTokenId",
                                                              "UnrecognizedClient",
                                                              "UnrecognizedClientException",
                                                              "SignatureDoesNotMatch",
                                                              "IncompleteSignature",
                                                              "MissingAuthenticationToken",
                                                              "InvalidAccessKeyId",
                                                              "AuthFailure",
                                                              "InvalidToken",
                                                              "InvalidIdentityToken",
                                                              "MissingAuthenticationTokenException",
                                                              "TokenRefreshRequired"};
  static const std::set<std::string_view> kPermissionDenied = {
      "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "Forbidden",
      "AllAccessDisabled"};
  static const std::set<std::string_view> kNotFound = {"NoSuchKey",
                                                       "NoSuchBucket",
                                                       "NoSuchEntity",
                                                       "ChangeSetNotFound",
                                                       "ChangeSetNotFoundException",
                                                       "StackNotFoundException",
                                                       "ResourceNotFoundException",
                                                       "ClusterNotFoundException",
                                                       "ServiceNotFoundException",
                                                       "RepositoryNotFoundException",
                                                       "ImageNotFoundException",
                                                       "TargetGroupNotFound",
                                                       "DBClusterNotFoundFault",
                                                       "ReplicationGroupNotFoundFault",
                                                       "LoadBalancerNotFound",
                                                       "NotFound",
                                                       "NoSuchUpload",
                                                       "NoSuchVersion"};
  static const std::set<std::string_view> kAlreadyExists = {
      "AlreadyExistsException",         "BucketAlreadyExists",
      "BucketAlreadyOwnedByYou",        "TokenAlreadyExistsException",
      "ResourceAlreadyExistsException", "EntityAlreadyExists"};
  static const std::set<std::string_view> kFailedPrecondition = {
      "InvalidChangeSetStatus",       "InvalidChangeSetStatusException",
      "OperationInProgressException", "InsufficientCapabilitiesException",
      "ServiceNotActiveException",    "PreconditionFailed",
      "StaleRequestException",        "OperationIdAlreadyExistsException"};

  std::string message = error.code + " (HTTP " + std::to_string(error.http_status);
  if (!error.request_id.empty()) message += ", request " + error.request_id;
  message += ")";
  if (!error.message.empty()) message += ": " + error.message;

  base::Code code;
  if (IsRetryableError(error) || error.code == "ServiceUnavailable" ||
      error.code == "InternalFailure" || error.code == "InternalError" ||
      error.code == "ServiceUnavailableException" || error.code == "ServerException") {
    code = base::Code::kUnavailable;
  } else if (kUnauthenticated.count(error.code) != 0) {
    code = base::Code::kUnauthenticated;
  } else if (kPermissionDenied.count(error.code) != 0) {
    code = base::Code::kPermissionDenied;
  } else if (error.code == "ValidationError" || error.code == "ValidationException") {
    code = error.message.find("does not exist") != std::string::npos ? base::Code::kNotFound
                                                                     : base::Code::kInvalidArgument;
  } else if (kNotFound.count(error.code) != 0 || error.http_status == 404) {
    code = base::Code::kNotFound;
  } else if (kAlreadyExists.count(error.code) != 0) {
    code = base::Code::kAlreadyExists;
  } else if (kFailedPrecondition.count(error.code) != 0 || error.http_status == 409) {
    code = base::Code::kFailedPrecondition;
  } else if (error.http_status == 401) {
    code = base::Code::kUnauthenticated;
  } else if (error.http_status == 403) {
    code = base::Code::kPermissionDenied;
  } else if (error.http_status >= 500) {
    code = base::Code::kUnavailable;
  } else {
    code = base::Code::kInvalidArgument;
  }
  base::Status status(code, std::move(message));
  status.set_aws({error.code, error.http_status, error.request_id});
  return status;
}

}  // namespace rex::aws
