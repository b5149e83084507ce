#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace rex::base {

// An IPv4 CIDR block. Pure value type; the planning functions below never touch the tree.
struct Cidr {
  uint32_t address = 0;  // network address, host byte order
  int prefix = 0;        // 0..32

  std::string ToString() const;
  uint64_t size() const { return uint64_t{1} << (32 - prefix); }
  // True if `other` lies entirely inside this block.
  bool Contains(const Cidr& other) const;
  // This block with the host bits of `address` cleared ("10.0.1.0/16" -> "10.0.0.0/16").
  Cidr Network() const;
  bool operator==(const Cidr&) const = default;
};

// Parses "a.b.c.d/n" as written, host bits and all; kInvalidArgument naming the text if it is
// malformed.
base::Result<Cidr> ParseCidrAddress(std::string_view text);

// Parses "a.b.c.d/n". kInvalidArgument naming the text if it is malformed or has host bits
// set ("10.0.0.1/16": use 10.0.0.0/16).
base::Result<Cidr> ParseCidr(std::string_view text);

// A VPC block rex accepts: inside a private range (10.0.0.0/8, 172.16.0.0/12,
// 192.168.0.0/16) with a prefix from /16 to /24. kInvalidArgument saying which rule failed
// and what is allowed.
base::Result<Cidr> ParseVpcCidr(std::string_view text);

// Carves `count` consecutive blocks of length `prefix` out of `vpc`, in address order,
// starting at its first address. kInvalidArgument if `prefix` is outside the VPC's prefix
// ../28 or the blocks do not fit.
base::Result<std::vector<Cidr>> PlanSubnets(const Cidr& vpc, int prefix, int count);

}  // namespace rex::base
