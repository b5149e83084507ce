#include "base/secret_names.h"

#include <cctype>
#include <set>
#include <string>
#include <vector>

namespace rex::base {
namespace {

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

bool LooksLikeSecretName(std::string_view name) {
  static const std::set<std::string> kWords = {"PASSWORD",   "PASSWD",    "PWD",    "SECRET",
                                               "SECRETS",    "TOKEN",     "APIKEY", "CREDENTIALS",
                                               "CREDENTIAL", "PRIVATEKEY"};
  std::vector<std::string> words;
  std::string current;
  char previous = 0;
  for (char c : name) {
    bool lower_to_upper = std::islower(static_cast<unsigned char>(previous)) != 0 &&
                          std::isupper(static_cast<unsigned char>(c)) != 0;
    if (c == '_' || c == '-' || c == '.' || lower_to_upper) {
      if (!current.empty()) words.push_back(Upper(current));
      current.clear();
    }
    if (c != '_' && c != '-' && c != '.') current += c;
    previous = c;
  }
  if (!current.empty()) words.push_back(Upper(current));
  for (size_t i = 0; i < words.size(); ++i) {
    if (kWords.count(words[i]) > 0) return true;
    if (i + 1 < words.size() && words[i + 1] == "KEY" &&
        (words[i] == "API" || words[i] == "PRIVATE" || words[i] == "SECRET" ||
         words[i] == "ACCESS")) {
      return true;
    }
  }
  return false;
}

}  // namespace rex::base
