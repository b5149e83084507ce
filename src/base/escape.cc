#include "base/escape.h"

namespace rex::base {

std::string XmlEscape(std::string_view text, bool attribute) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += attribute ? "&quot;" : "\"";
        break;
      case '\'':
        out += attribute ? "&apos;" : "'";
        break;
      case '\r':
        out += "&#xD;";
        break;
      case '\n':
        out += attribute ? "&#xA;" : "\n";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace rex::base
