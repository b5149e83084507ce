#include "base/cidr.h"

#include <charconv>

#include "base/strings.h"

namespace rex::base {
namespace {

bool ParseInt(std::string_view text, int max, int& out) {
  if (text.empty() || text.size() > 3) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size() && out >= 0 && out <= max &&
         !(text.size() > 1 && text[0] == '0');
}

}  // namespace

std::string Cidr::ToString() const {
  return std::to_string((address >> 24) & 0xff) + "." + std::to_string((address >> 16) & 0xff) +
         "." + std::to_string((address >> 8) & 0xff) + "." + std::to_string(address & 0xff) + "/" +
         std::to_string(prefix);
}

bool Cidr::Contains(const Cidr& other) const {
  if (other.prefix < prefix) return false;
  uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
  return (other.address & mask) == address;
}

Cidr Cidr::Network() const {
  uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
  return Cidr{address & mask, prefix};
}

base::Result<Cidr> ParseCidrAddress(std::string_view text) {
  auto bad = [&](std::string why) {
    return base::InvalidArgument("\"" + std::string(text) + "\" is not a CIDR block: " + why);
  };
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return bad("expected a.b.c.d/n, e.g. 10.0.0.0/16");
  std::vector<std::string> octets = base::Split(text.substr(0, slash), '.');
  if (octets.size() != 4) return bad("expected four dot-separated numbers before the '/'");
  uint32_t address = 0;
  for (const std::string& octet : octets) {
    int value = 0;
    if (!ParseInt(octet, 255, value)) return bad("\"" + octet + "\" is not a number from 0 to 255");
    address = (address << 8) | static_cast<uint32_t>(value);
  }
  int prefix = 0;
  if (!ParseInt(text.substr(slash + 1), 32, prefix)) {
    return bad("the prefix length must be a number from 0 to 32");
  }
  return Cidr{address, prefix};
}

base::Result<Cidr> ParseCidr(std::string_view text) {
  REX_ASSIGN_OR_RETURN(Cidr cidr, ParseCidrAddress(text));
  if (cidr.Network() != cidr) {
    return base::InvalidArgument("\"" + std::string(text) +
                                 "\" is not a CIDR block: host bits are set; use " +
                                 cidr.Network().ToString());
  }
  return cidr;
}

base::Result<Cidr> ParseVpcCidr(std::string_view text) {
  REX_ASSIGN_OR_RETURN(Cidr cidr, ParseCidr(text));
  static const Cidr kPrivate[] = {{0x0A000000, 8}, {0xAC100000, 12}, {0xC0A80000, 16}};
  bool is_private = false;
  for (const Cidr& range : kPrivate) is_private = is_private || range.Contains(cidr);
  if (!is_private) {
    return base::InvalidArgument("\"" + std::string(text) +
                                 "\" is not in a private range; use a block inside 10.0.0.0/8, "
                                 "172.16.0.0/12 or 192.168.0.0/16");
  }
  if (cidr.prefix < 16 || cidr.prefix > 24) {
    return base::InvalidArgument("\"" + std::string(text) + "\" has prefix /" +
                                 std::to_string(cidr.prefix) +
                                 "; a VPC block must be from /16 (65,536 addresses) to /24 (256)");
  }
  return cidr;
}

base::Result<std::vector<Cidr>> PlanSubnets(const Cidr& vpc, int prefix, int count) {
  if (prefix < vpc.prefix || prefix > 28) {
    return base::InvalidArgument("subnet prefix /" + std::to_string(prefix) + " must be from /" +
                                 std::to_string(vpc.prefix) + " to /28 inside " + vpc.ToString());
  }
  uint64_t block = uint64_t{1} << (32 - prefix);
  if (count < 0 || block * static_cast<uint64_t>(count) > vpc.size()) {
    return base::InvalidArgument(std::to_string(count) + " subnets of /" + std::to_string(prefix) +
                                 " do not fit in " + vpc.ToString());
  }
  std::vector<Cidr> out;
  out.reserve(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    out.push_back({static_cast<uint32_t>(vpc.address + block * static_cast<uint64_t>(i)), prefix});
  }
  return out;
}

}  // namespace rex::base
