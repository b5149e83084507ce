#include "core/references.h"

#include <type_traits>

namespace rex::core {
namespace {

using base::Json;

Reference Make(ReferenceKind kind, std::string_view function, std::string_view name) {
  Reference ref;
  ref.kind = kind;
  ref.function = function;
  ref.name = name;
  return ref;
}

// One step of the walk: a value to visit, or (sub_names) the Fn::Sub node whose format string
// names are reported now that its variables have been visited.
template <typename J>
struct Step {
  J* value;
  bool sub_names;
};

template <typename J>
void PushMembers(J& value, std::vector<Step<J>>& stack) {
  // Reverse order on a stack gives the natural order when popped.
  if (value.is_array()) {
    for (auto it = value.rbegin(); it != value.rend(); ++it) stack.push_back({&*it, false});
    return;
  }
  if (value.is_object()) {
    using Object = std::conditional_t<std::is_const_v<J>, const Json::object_t, Json::object_t>;
    auto& object = value.template get_ref<Object&>();
    for (auto it = object.rbegin(); it != object.rend(); ++it) {
      stack.push_back({&it->second, false});
    }
  }
}

// The walk, for `const Json` and `Json`. `on(node, reference)`.
template <typename J, typename On>
void Walk(J& root, const On& on) {
  using Object = std::conditional_t<std::is_const_v<J>, const Json::object_t, Json::object_t>;
  std::vector<Step<J>> stack;
  stack.push_back({&root, false});
  while (!stack.empty()) {
    Step<J> step = stack.back();
    stack.pop_back();
    J& node = *step.value;
    if (step.sub_names) {
      // node is {"Fn::Sub": format} or {"Fn::Sub": [format, variables]}, checked when queued.
      J& arg = node.template get_ref<Object&>().begin()->second;
      const Json* format = &arg;
      const Json* vars = nullptr;
      if (arg.is_array()) {
        format = &arg[0];
        if (arg[1].is_object()) vars = &arg[1];
      }
      for (Reference ref : SubFormatNames(format->template get_ref<const std::string&>())) {
        std::string_view full = std::string_view(format->template get_ref<const std::string&>())
                                    .substr(ref.begin + 2, ref.end - ref.begin - 3);
        if (vars != nullptr && vars->contains(std::string(full))) continue;
        on(node, ref);
      }
      continue;
    }
    if (!node.is_object()) {
      PushMembers(node, stack);
      continue;
    }
    auto& object = node.template get_ref<Object&>();
    if (object.size() != 1) {
      PushMembers(node, stack);
      continue;
    }
    const std::string& key = object.begin()->first;
    J& arg = object.begin()->second;
    if (key == "Ref" && arg.is_string()) {
      on(node, Make(ReferenceKind::kRef, "Ref", arg.template get_ref<const std::string&>()));
      continue;  // `node` may have been replaced
    }
    if (key == "Fn::GetAtt") {
      if (arg.is_string()) {
        std::string_view text = arg.template get_ref<const std::string&>();
        size_t dot = text.find('.');
        Reference ref = Make(ReferenceKind::kGetAtt, "Fn::GetAtt", text);
        if (dot != std::string_view::npos) {
          ref.name = text.substr(0, dot);
          ref.attribute = text.substr(dot + 1);
        }
        on(node, ref);
        continue;
      }
      if (arg.is_array() && !arg.empty() && arg[0].is_string()) {
        Reference ref = Make(ReferenceKind::kGetAtt, "Fn::GetAtt",
                             arg[0].template get_ref<const std::string&>());
        if (arg.size() == 2 && arg[1].is_string()) {
          ref.attribute = arg[1].template get_ref<const std::string&>();
          on(node, ref);
          continue;  // `node` may have been replaced
        }
        on(node, ref);
        for (size_t i = arg.size(); i-- > 1;) stack.push_back({&arg[i], false});
        continue;
      }
    }
    if (key == "Fn::Sub") {
      if (arg.is_string()) {
        stack.push_back({&node, true});
        continue;
      }
      if (arg.is_array() && arg.size() == 2 && arg[0].is_string()) {
        stack.push_back({&node, true});  // after the variables
        if (arg[1].is_object()) {
          PushMembers(arg[1], stack);
        } else {
          stack.push_back({&arg[1], false});
        }
        continue;
      }
    }
    if (key == "Condition" && arg.is_string()) {
      on(node,
         Make(ReferenceKind::kCondition, "Condition", arg.template get_ref<const std::string&>()));
      continue;
    }
    if ((key == "Fn::If" || key == "Fn::FindInMap") && arg.is_array() && !arg.empty() &&
        arg[0].is_string()) {
      bool condition = key == "Fn::If";
      on(node, Make(condition ? ReferenceKind::kCondition : ReferenceKind::kMapping,
                    condition ? "Fn::If" : "Fn::FindInMap",
                    arg[0].template get_ref<const std::string&>()));
    }
    PushMembers(node, stack);
  }
}

}  // namespace

std::vector<Reference> SubFormatNames(std::string_view format) {
  std::vector<Reference> out;
  size_t pos = 0;
  while ((pos = format.find("${", pos)) != std::string_view::npos) {
    size_t end = format.find('}', pos + 2);
    if (end == std::string_view::npos) break;
    std::string_view name = format.substr(pos + 2, end - pos - 2);
    if (!name.empty() && name[0] != '!') {
      Reference ref = Make(ReferenceKind::kSub, "Fn::Sub", name);
      ref.begin = pos;
      ref.end = end + 1;
      if (size_t dot = name.find('.'); dot != std::string_view::npos) {
        ref.name = name.substr(0, dot);
        ref.attribute = name.substr(dot + 1);
      }
      out.push_back(ref);
    }
    pos = end + 1;
  }
  return out;
}

bool IsPseudoParameterName(std::string_view name) { return name.rfind("AWS::", 0) == 0; }

void ForEachReference(const base::Json& value, const ReferenceCallback& on) {
  Walk(value, [&](const Json&, const Reference& ref) { on(ref); });
}

void ForEachReference(base::Json& value, const MutableReferenceCallback& on) {
  Walk(value, [&](Json& node, const Reference& ref) { on(node, ref); });
}

std::set<std::string> ReferencedNames(const base::Json& value) {
  std::set<std::string> out;
  ForEachReference(value, [&](const Reference& ref) {
    if (ref.kind == ReferenceKind::kRef || ref.kind == ReferenceKind::kGetAtt ||
        ref.kind == ReferenceKind::kSub) {
      out.emplace(ref.name);
    }
  });
  return out;
}

}  // namespace rex::core
