#pragma once

// The price table `rex cost` multiplies usage by. The built-in table (pricing_data.cc) holds
// us-east-1 on-demand list prices in USD, each with the AWS pricing page it came from and
// the date it was entered; ParsePricing reads the same format from any JSON (tests, or a
// table for another region).

#include <map>
#include <string>
#include <string_view>

#include "base/json.h"
#include "base/result.h"

namespace rex::tmpl {

struct Price {
  std::string key;          // "fargate.x86.vcpu_hour"
  double usd = 0;           // per unit
  std::string unit;         // "vCPU-hour"
  std::string description;  // "Fargate Linux/x86 vCPU"
  std::string source_url;   // the AWS pricing page
  std::string entered;      // the date the figure was entered from that page, YYYY-MM-DD
};

struct PricingTable {
  std::string region;    // "us-east-1"
  std::string currency;  // "USD"
  std::string as_of;     // the table's date, YYYY-MM-DD
  std::string note;
  std::map<std::string, Price> prices;

  // The price called `key`; nullptr if the table has none.
  const Price* Find(std::string_view key) const;
};

// Reads a table in the format documented in pricing_data.cc. kInvalidArgument naming the
// entry for: a missing or non-numeric "usd", a negative price, a missing unit, or a source
// that "sources" does not define.
base::Result<PricingTable> ParsePricing(const base::Json& json);

// The JSON text of the built-in table.
std::string_view BuiltInPricingJson();

// The built-in table, parsed once. The table is part of the binary and tested, so a parse
// failure is a bug (REX_CHECK), not an error.
const PricingTable& BuiltInPricing();

}  // namespace rex::tmpl
