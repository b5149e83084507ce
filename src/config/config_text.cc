#include "config/config_text.h"

#include <charconv>
#include <cmath>
#include <system_error>

namespace rex::config::text {

std::optional<int> ParseInt(std::string_view text) {
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  int v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

std::optional<double> ParseNumber(std::string_view text) {
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty() || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v;
}

std::optional<bool> ParseBool(std::string_view text) {
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  return std::nullopt;
}

std::vector<std::string> SplitWords(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n') {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

std::string Quote(std::string_view s) {
  if (s.size() <= kMaxQuotedBytes) return QuoteAll(s);
  // Cut at a character boundary: never in the middle of a UTF-8 sequence.
  size_t cut = kMaxQuotedBytes;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  std::string out = QuoteAll(s.substr(0, cut));
  out.insert(out.size() - 1, "...");
  return out + " (" + std::to_string(s.size()) + " bytes)";
}

std::string QuoteAll(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += c;
    }
  }
  return out + "\"";
}

std::string Describe(const YAML::Node& node) {
  if (node.IsMap()) return "a map";
  if (node.IsSequence()) return "a list";
  if (node.IsNull()) return "nothing";
  return Quote(node.Scalar());
}

std::optional<std::vector<std::string>> ScalarItems(const YAML::Node& sequence,
                                                    std::string* problem) {
  std::vector<std::string> items;
  for (const YAML::Node& item : sequence) {
    if (!item.IsScalar()) {
      *problem = "expected a list of strings, got an item that is " + Describe(item);
      return std::nullopt;
    }
    items.push_back(item.Scalar());
  }
  return items;
}

}  // namespace rex::config::text
