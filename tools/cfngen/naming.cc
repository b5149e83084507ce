#include "naming.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace rex::cfngen {
namespace {

// Mixed-case fragments the word splitter would otherwise cut in the wrong place. Each entry
// is tested in tests/cfngen/naming_test.cc. Keep sorted by `cfn`.
constexpr NameException kExceptions[] = {
    {"DDoS", "Ddos"},      // OnSourceDDoSProtectionConfig -> on_source_ddos_protection_config
    {"FSx", "Fsx"},        // FSxWindowsFileServerVolumeConfiguration -> fsx_windows_...
    {"GiB", "Gib"},        // MemoryGiBPerVCpu -> memory_gib_per_vcpu
    {"IPsec", "Ipsec"},    // IPsecTunnel -> ipsec_tunnel
    {"IPv4", "Ipv4"},      // PrivateIPv4Address -> private_ipv4_address
    {"IPv6", "Ipv6"},      // IPv6Address -> ipv6_address
    {"MiB", "Mib"},        // MemoryMiB -> memory_mib
    {"OTel", "Otel"},      // OTelEnrichment -> otel_enrichment
    {"PromQL", "Promql"},  // AlarmPromQLCriteria -> alarm_promql_criteria
    {"VCpu", "Vcpu"},      // VCpuCount -> vcpu_count
};

// C++20 keywords and alternative tokens (and `main`-free: only what the grammar reserves).
constexpr std::string_view kKeywords[] = {
    "alignas",       "alignof",     "and",
    "and_eq",        "asm",         "auto",
    "bitand",        "bitor",       "bool",
    "break",         "case",        "catch",
    "char",          "char16_t",    "char32_t",
    "char8_t",       "class",       "co_await",
    "co_return",     "co_yield",    "compl",
    "concept",       "const",       "const_cast",
    "consteval",     "constexpr",   "constinit",
    "continue",      "decltype",    "default",
    "delete",        "do",          "double",
    "dynamic_cast",  "else",        "enum",
    "explicit",      "export",      "extern",
    "false",         "float",       "for",
    "friend",        "goto",        "if",
    "inline",        "int",         "long",
    "mutable",       "namespace",   "new",
    "noexcept",      "not",         "not_eq",
    "nullptr",       "operator",    "or",
    "or_eq",         "private",     "protected",
    "public",        "register",    "reinterpret_cast",
    "requires",      "return",      "short",
    "signed",        "sizeof",      "static",
    "static_assert", "static_cast", "struct",
    "switch",        "template",    "this",
    "thread_local",  "throw",       "true",
    "try",           "typedef",     "typeid",
    "typename",      "union",       "unsigned",
    "using",         "virtual",     "void",
    "volatile",      "wchar_t",     "while",
    "xor",           "xor_eq",
};

// Members of the generated classes and of core::CfnResource and its bases, which an alias
// of a property type inside a generated class would hide.
constexpr std::string_view kReservedMembers[] = {
    "Add",
    "AddDependsOn",
    "AddError",
    "AddPropertyOverride",
    "AddWarning",
    "Adopt",
    "App",
    "CfnElement",
    "CfnResource",
    "Component",
    "Construct",
    "DeletionPolicy",
    "Diagnostic",
    "GetAtt",
    "GetAttList",
    "Properties",
    "Props",
    "Ref",
    "RenderProperties",
    "RootTag",
    "Schema",
    "Section",
    "Stack",
    "ToString",
    "Walk",
};

bool IsUpper(char c) { return std::isupper(static_cast<unsigned char>(c)) != 0; }
bool IsLower(char c) { return std::islower(static_cast<unsigned char>(c)) != 0; }
bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
char ToLower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::string ApplyExceptions(std::string_view name) {
  std::string s(name);
  for (const auto& e : kExceptions) {
    for (size_t pos = s.find(e.cfn); pos != std::string::npos;
         pos = s.find(e.cfn, pos + e.normalized.size())) {
      s.replace(pos, e.cfn.size(), e.normalized);
    }
  }
  return s;
}

}  // namespace

std::span<const NameException> NameExceptions() { return kExceptions; }

bool IsCppKeyword(std::string_view word) {
  return std::find(std::begin(kKeywords), std::end(kKeywords), word) != std::end(kKeywords);
}

bool IsReservedMemberName(std::string_view name) {
  return std::find(std::begin(kReservedMembers), std::end(kReservedMembers), name) !=
         std::end(kReservedMembers);
}

std::string SnakeCase(std::string_view cfn_name) {
  const std::string s = ApplyExceptions(cfn_name);
  std::string out;
  out.reserve(s.size() + 8);
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '.' || c == '_' || c == '-' || c == ' ') {
      if (!out.empty() && out.back() != '_') out.push_back('_');
      continue;
    }
    if (IsUpper(c) && i > 0 && !out.empty() && out.back() != '_') {
      const char prev = s[i - 1];
      const bool has_next = i + 1 < s.size();
      const char next = has_next ? s[i + 1] : '\0';
      // An acronym's plural: "ARNs", "VPCs" (the "s" ends the name or a word follows).
      const bool plural_s =
          next == 's' && (i + 2 >= s.size() || !IsLower(s[i + 2])) && IsUpper(prev);
      if (IsLower(prev) || IsDigit(prev) || (IsUpper(prev) && IsLower(next) && !plural_s)) {
        out.push_back('_');
      }
    }
    out.push_back(ToLower(c));
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  if (IsCppKeyword(out)) out.push_back('_');
  return out;
}

std::string FieldName(std::string_view property) { return SnakeCase(property); }

std::string AttributeAccessor(std::string_view attribute) { return "attr_" + SnakeCase(attribute); }

std::string ClassName(std::string_view resource_name) { return "Cfn" + std::string(resource_name); }

std::string PropsName(std::string_view resource_name) { return ClassName(resource_name) + "Props"; }

std::string StructName(std::string_view resource_name, std::string_view type_name) {
  return ClassName(resource_name) + std::string(type_name);
}

std::string ServiceNamespace(std::string_view service) {
  std::string out;
  for (char c : service) {
    if (IsUpper(c) || IsLower(c) || IsDigit(c)) out.push_back(ToLower(c));
  }
  if (IsCppKeyword(out)) out.push_back('_');
  return out;
}

}  // namespace rex::cfngen
