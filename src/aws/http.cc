#include "aws/http.h"

#include <strings.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace rex::aws {

namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool ParseInt(std::string_view text, int& out) {
  if (text.empty()) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm), so no
// time-zone dependent libc call is needed.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::tm UtcTm(std::chrono::system_clock::time_point time) {
  std::time_t t = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}

constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr const char* kWeekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

}  // namespace

std::optional<std::string> FindHeader(const Headers& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return std::nullopt;
}

void SetHeader(Headers& headers, std::string_view name, std::string value) {
  std::erase_if(headers, [&](const auto& h) { return EqualsIgnoreCase(h.first, name); });
  headers.emplace_back(std::string(name), std::move(value));
}

std::string Url::HostHeader() const {
  if (!port) return host;
  if ((scheme == "https" && *port == 443) || (scheme == "http" && *port == 80)) return host;
  return host + ":" + std::to_string(*port);
}

std::string Url::Origin() const {
  // Appended piece by piece: GCC 12 at -O3 reports `":" + std::to_string(...)` here as an
  // overlapping copy (-Wrestrict, a false positive of its std::string inlining).
  std::string out = scheme;
  out += "://";
  out += host;
  if (port) {
    out += ':';
    out += std::to_string(*port);
  }
  return out;
}

base::Result<Url> ParseUrl(std::string_view url) {
  Url out;
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) {
    return base::InvalidArgument("URL \"" + std::string(url) + "\" has no scheme");
  }
  out.scheme = std::string(url.substr(0, scheme_end));
  for (char& c : out.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view rest = url.substr(scheme_end + 3);
  size_t authority_end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view tail =
      authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  size_t port_colon = std::string_view::npos;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return base::InvalidArgument("URL \"" + std::string(url) + "\" has a malformed host");
    }
    if (close + 1 < authority.size() && authority[close + 1] == ':') port_colon = close + 1;
  } else {
    port_colon = authority.rfind(':');
  }
  if (port_colon != std::string_view::npos) {
    int port = 0;
    if (!ParseInt(authority.substr(port_colon + 1), port) || port <= 0 || port > 65535) {
      return base::InvalidArgument("URL \"" + std::string(url) + "\" has an invalid port");
    }
    out.port = port;
    authority = authority.substr(0, port_colon);
  }
  if (authority.empty()) {
    return base::InvalidArgument("URL \"" + std::string(url) + "\" has no host");
  }
  out.host = std::string(authority);
  size_t q = tail.find('?');
  std::string_view path = tail.substr(0, q);
  out.path = path.empty() ? "/" : std::string(path);
  if (q != std::string_view::npos) out.query = std::string(tail.substr(q + 1));
  return out;
}

std::string UriEncode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
        (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  return out;
}

std::string UriDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      int hi = HexValue(text[i + 1]);
      int lo = HexValue(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    std::string_view part = query.substr(start, end - start);
    if (!part.empty()) {
      size_t eq = part.find('=');
      if (eq == std::string_view::npos) {
        out.emplace_back(UriDecode(part), "");
      } else {
        out.emplace_back(UriDecode(part.substr(0, eq)), UriDecode(part.substr(eq + 1)));
      }
    }
    start = end + 1;
  }
  return out;
}

std::string FormatAmzDate(std::chrono::system_clock::time_point time) {
  std::tm tm = UtcTm(time);
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%04d%02d%02dT%02d%02d%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string FormatIso8601(std::chrono::system_clock::time_point time) {
  std::tm tm = UtcTm(time);
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

namespace {

// The text of a date for an error message: at most 64 bytes of it (a date is shorter; the
// rest of a hostile answer is not worth repeating).
std::string DateForMessage(std::string_view text) {
  return text.size() <= 64 ? std::string(text) : std::string(text.substr(0, 64)) + "...";
}

}  // namespace

base::Result<double> ParseIso8601(std::string_view text) {
  auto bad = [&] {
    return base::InvalidArgument("invalid ISO-8601 timestamp \"" + DateForMessage(text) + "\"");
  };
  int year, month, day, hour, minute, second;
  if (text.size() < 19 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || text[13] != ':' ||
      text[16] != ':' || !ParseInt(text.substr(0, 4), year) ||
      !ParseInt(text.substr(5, 2), month) || !ParseInt(text.substr(8, 2), day) ||
      !ParseInt(text.substr(11, 2), hour) || !ParseInt(text.substr(14, 2), minute) ||
      !ParseInt(text.substr(17, 2), second)) {
    return bad();
  }
  if (year < kMinDateYear || year > kMaxDateYear || month < 1 || month > 12 || day < 1 ||
      day > 31 || hour > 23 || minute > 59 || second > 60) {
    return bad();
  }
  size_t i = 19;
  double fraction = 0;
  if (i < text.size() && text[i] == '.') {
    double scale = 0.1;
    ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      fraction += (text[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
  }
  int offset_seconds = 0;
  if (i == text.size()) {
    // No zone: AWS means UTC.
  } else if (text[i] == 'Z' || text[i] == 'z') {
    ++i;
  } else if (text[i] == '+' || text[i] == '-') {
    int oh, om;
    std::string_view zone = text.substr(i + 1);
    if (zone.size() == 5 && zone[2] == ':' && ParseInt(zone.substr(0, 2), oh) &&
        ParseInt(zone.substr(3, 2), om)) {
    } else if (zone.size() == 4 && ParseInt(zone.substr(0, 2), oh) &&
               ParseInt(zone.substr(2, 2), om)) {
    } else {
      return bad();
    }
    offset_seconds = (oh * 3600 + om * 60) * (text[i] == '+' ? 1 : -1);
    i = text.size();
  }
  if (i != text.size()) return bad();
  int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  double seconds =
      static_cast<double>(days * 86400 + hour * 3600 + minute * 60 + second - offset_seconds);
  return seconds + fraction;
}

base::Result<double> ParseHttpDate(std::string_view text) {
  // "Sun, 06 Nov 1994 08:49:37 GMT"
  auto bad = [&] {
    return base::InvalidArgument("invalid HTTP date \"" + DateForMessage(text) + "\"");
  };
  size_t comma = text.find(", ");
  if (comma == std::string_view::npos) return bad();
  std::string_view rest = text.substr(comma + 2);
  if (rest.size() < 20) return bad();
  int day, year, hour, minute, second;
  if (!ParseInt(rest.substr(0, 2), day) || !ParseInt(rest.substr(7, 4), year) ||
      !ParseInt(rest.substr(12, 2), hour) || !ParseInt(rest.substr(15, 2), minute) ||
      !ParseInt(rest.substr(18, 2), second)) {
    return bad();
  }
  std::string_view mon = rest.substr(3, 3);
  unsigned month = 0;
  for (unsigned m = 0; m < 12; ++m) {
    if (mon == kMonths[m]) month = m + 1;
  }
  if (month == 0) return bad();
  if (year < kMinDateYear || year > kMaxDateYear || day < 1 || day > 31 || hour > 23 ||
      minute > 59 || second > 60) {
    return bad();
  }
  int64_t days = DaysFromCivil(year, month, static_cast<unsigned>(day));
  return static_cast<double>(days * 86400 + hour * 3600 + minute * 60 + second);
}

std::string FormatHttpDate(double seconds) {
  auto whole = static_cast<std::time_t>(std::floor(seconds));
  std::tm tm{};
  gmtime_r(&whole, &tm);
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%s, %02d %s %04d %02d:%02d:%02d GMT", kWeekdays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

}  // namespace rex::aws
