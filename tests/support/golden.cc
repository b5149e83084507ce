#include "support/golden.h"

#include <cstdlib>
#include <sstream>

#include "base/files.h"

namespace rex::testing {

::testing::AssertionResult MatchesGolden(const std::string& name, const std::string& actual) {
  std::string path = std::string(REX_SOURCE_DIR) + "/tests/golden/" + name;
  const char* update = std::getenv("REX_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    base::Status written = base::WriteFileAtomic(path, actual);
    if (!written.ok()) return ::testing::AssertionFailure() << written.message();
    return ::testing::AssertionSuccess();
  }
  auto expected = base::ReadFile(path);
  if (!expected.has_value()) {
    return ::testing::AssertionFailure()
           << "no golden file " << path << "; create it with REX_UPDATE_GOLDEN=1";
  }
  if (*expected == actual) return ::testing::AssertionSuccess();
  std::istringstream a(*expected), b(actual);
  std::string la, lb;
  int line = 0;
  while (true) {
    ++line;
    bool more_a = static_cast<bool>(std::getline(a, la));
    bool more_b = static_cast<bool>(std::getline(b, lb));
    if (!more_a && !more_b) break;
    if (!more_a || !more_b || la != lb) break;
  }
  return ::testing::AssertionFailure()
         << "output differs from golden " << path << " at line " << line << ":\n  golden: " << la
         << "\n  actual: " << lb
         << "\nif the change is intended, rerun with REX_UPDATE_GOLDEN=1 and review the diff";
}

}  // namespace rex::testing
