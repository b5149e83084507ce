#include "template/pricing.h"

#include <cstdio>

#include "base/check.h"
#include "template/graph.h"

namespace rex::tmpl {
namespace {

std::string StringField(const base::Json& object, std::string_view key) {
  const base::Json* value = Member(object, key);
  return value != nullptr && value->is_string() ? value->get<std::string>() : "";
}

}  // namespace

const Price* PricingTable::Find(std::string_view key) const {
  auto it = prices.find(std::string(key));
  return it == prices.end() ? nullptr : &it->second;
}

base::Result<PricingTable> ParsePricing(const base::Json& json) {
  if (!json.is_object()) return base::InvalidArgument("price table: expected a JSON object");
  PricingTable table;
  table.region = StringField(json, "region");
  table.currency = StringField(json, "currency");
  table.as_of = StringField(json, "as_of");
  table.note = StringField(json, "note");
  const base::Json* sources = Member(json, "sources");
  const base::Json* prices = Member(json, "prices");
  if (sources == nullptr || !sources->is_object()) {
    return base::InvalidArgument("price table: \"sources\" must be an object of {url, entered}");
  }
  if (prices == nullptr || !prices->is_object()) {
    return base::InvalidArgument("price table: \"prices\" must be an object of price entries");
  }
  for (const auto& [key, entry] : prices->items()) {
    std::string where = "price table: " + key;
    if (!entry.is_object()) return base::InvalidArgument(where + ": expected an object");
    const base::Json* usd = Member(entry, "usd");
    if (usd == nullptr || !usd->is_number()) {
      return base::InvalidArgument(where + ": \"usd\" must be a number");
    }
    if (usd->get<double>() < 0) return base::InvalidArgument(where + ": \"usd\" is negative");
    Price price;
    price.key = key;
    price.usd = usd->get<double>();
    price.unit = StringField(entry, "unit");
    price.description = StringField(entry, "description");
    if (price.unit.empty()) return base::InvalidArgument(where + ": \"unit\" is missing");
    std::string source = StringField(entry, "source");
    const base::Json* src = Member(*sources, source);
    if (source.empty() || src == nullptr || !src->is_object()) {
      return base::InvalidArgument(where + ": source \"" + source +
                                   "\" is not defined in \"sources\"");
    }
    price.source_url = StringField(*src, "url");
    price.entered = StringField(*src, "entered");
    if (price.source_url.empty() || price.entered.empty()) {
      return base::InvalidArgument(where + ": source \"" + source + "\" needs url and entered");
    }
    table.prices.emplace(key, std::move(price));
  }
  return table;
}

const PricingTable& BuiltInPricing() {
  static const PricingTable* table = [] {
    auto json = base::ParseJson(BuiltInPricingJson(), "built-in price table");
    if (!json.has_value()) {
      std::fprintf(stderr, "%s\n", json.error().ToString().c_str());
    }
    REX_CHECK(json.has_value());
    auto parsed = ParsePricing(*json);
    if (!parsed.has_value()) {
      std::fprintf(stderr, "%s\n", parsed.error().ToString().c_str());
    }
    REX_CHECK(parsed.has_value());
    return new PricingTable(std::move(parsed).value());
  }();
  return *table;
}

}  // namespace rex::tmpl
