#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

namespace rex::core {

class Stack;

// A problem found while building the tree, reported at synthesis with the construct path.
struct Diagnostic {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  std::string path;      // construct path, e.g. "Rex/Network/Vpc"
  std::string property;  // e.g. "CidrBlock"; empty when not about one property
  std::string message;

  // "error: Rex/Network/Vpc: CidrBlock: <message>"
  std::string ToString() const;
};

// A node of the construct tree. Every construct has a parent (except the root App) and an
// id unique among its siblings; its path ("Rex/Database/Cluster") is its identity, and the
// logical ids of the resources under it derive from it.
//
// Ownership: a parent owns its children. `Add<T>(id, args...)` constructs `T(*this, id,
// args...)`, keeps it and returns a reference that stays valid as long as the root lives.
// Not thread-safe: build a tree on one thread.
//
// Cost: adding a child is O(1) on average (the sibling ids are indexed), so a construct may
// have many thousands of children.
class Construct {
 public:
  Construct(Construct& scope, std::string id);
  virtual ~Construct();
  Construct(const Construct&) = delete;
  Construct& operator=(const Construct&) = delete;

  template <typename T, typename... Args>
  T& Add(std::string id, Args&&... args) {
    auto child = std::make_unique<T>(*this, std::move(id), std::forward<Args>(args)...);
    T& ref = *child;
    Adopt(std::move(child));
    return ref;
  }

  const std::string& id() const { return id_; }
  // Ids from the root's child down to this construct, joined with '/'.
  const std::string& path() const { return path_; }
  Construct* parent() const { return parent_; }
  const std::vector<std::unique_ptr<Construct>>& children() const { return children_; }
  // The nearest Stack at or above this construct; null for the App and constructs outside
  // any stack.
  Stack* stack() const { return stack_; }

  // Records a problem on this construct; synthesis fails listing every error.
  void AddError(std::string message, std::string property = "");
  void AddWarning(std::string message, std::string property = "");
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 protected:
  struct RootTag {};
  explicit Construct(RootTag);  // for App
  void set_stack(Stack* stack) { stack_ = stack; }

 private:
  void Adopt(std::unique_ptr<Construct> child);

  Construct* parent_ = nullptr;
  Stack* stack_ = nullptr;
  std::string id_;
  std::string path_;
  std::vector<std::unique_ptr<Construct>> children_;
  // The ids of children_, viewing each child's id_ (a child's id never changes and the child
  // lives as long as this construct), to find a repeated id without scanning the siblings.
  std::unordered_set<std::string_view> child_ids_;
  std::vector<Diagnostic> diagnostics_;
};

// The root of a construct tree.
class App : public Construct {
 public:
  App();
};

// Visits `root` and every construct under it, parents before children, children in the
// order they were added.
template <typename F>
void Walk(const Construct& root, F&& visit) {
  visit(root);
  for (const auto& child : root.children()) Walk(*child, visit);
}

}  // namespace rex::core
