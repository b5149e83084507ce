#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/element.h"
#include "core/value.h"

namespace rex::core {

// Intrinsic functions, typed by what they resolve to. Each records the references of its
// arguments, so dependencies follow the data.

Str Join(std::string_view delimiter, std::vector<Str> parts);
Str JoinList(std::string_view delimiter, const List<Str>& list);
// Fn::Sub with a format string; ${Name} may name a variable of `vars`, a pseudo parameter
// (${AWS::Region}) or an element of the stack by logical id (checked at synthesis).
Str Sub(std::string_view format, std::vector<std::pair<std::string, Str>> vars = {});
Str Select(int index, const List<Str>& list);
List<Str> Split(std::string_view delimiter, const Str& source);
// Fn::GetAZs for `region` ("" = the stack's region).
List<Str> GetAZs(std::string_view region = "");
List<Str> Cidr(const Str& ip_block, int count, int cidr_bits);
Str ImportValue(const Str& export_name);
Str Base64(const Str& text);
// Fn::If on a condition; both branches must be of one type.
Value IfValue(const Condition& condition, Value if_true, Value if_false);
Str If(const Condition& condition, const Str& if_true, const Str& if_false);
// Fn::FindInMap: the value at [top_level_key][second_level_key] of `mapping`. Literal keys are
// checked at synthesis (an absent entry is an error naming the entries there are); a token
// key (aws::Region()) is resolved by CloudFormation, which fails the stack operation when the
// entry is absent: guard such a lookup with a condition where the key may be missing.
Str FindInMap(const Mapping& mapping, const Str& top_level_key, const Str& second_level_key);
// The AWS::NoValue pseudo parameter, for use in an If branch.
Value NoValue();

// Condition functions, for Condition expressions.
Value Equals(Value a, Value b);
Value Not(Value condition);
Value And(std::vector<Value> conditions);
Value Or(std::vector<Value> conditions);
// {"Condition": name}, to nest a condition inside another.
Value ConditionRef(const Condition& condition);

// Pseudo parameters.
namespace aws {
Str AccountId();
Str Region();
Str Partition();
Str StackName();
Str StackId();
Str UrlSuffix();
List<Str> NotificationArns();
}  // namespace aws

}  // namespace rex::core
