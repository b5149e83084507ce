#include "config/keys.h"

#include <gtest/gtest.h>

#include <string>

#include "base/strings.h"
#include "config/config.h"
#include "config/presets.h"

namespace rex::config::keys {
namespace {

// The YAML's comment lines joined into one text (a comment wraps at 100 columns).
std::string CommentText(const std::string& yaml) {
  std::string out;
  for (const std::string& line : base::Split(yaml, '\n')) {
    size_t hash = line.find_first_not_of(' ');
    if (hash == std::string::npos || line.compare(hash, 2, "# ") != 0) {
      out += "\n";
      continue;
    }
    out += line.substr(hash + 2) + " ";
  }
  return out;
}

// Every whole-number key with a rule: the error of a value the rule refuses quotes the rule, and
// the comment `rex init` writes above the key says the same words. One text, two readers.
TEST(KeysTest, TheErrorAndTheCommentQuoteTheOneRule) {
  const std::string comments = CommentText(ConfigToYaml(PresetConfig(Preset::kDev)));
  int checked = 0;
  for (const Field& f : Fields()) {
    if (!f.rule.accepts || !std::holds_alternative<IntRef>(f.ref)) continue;
    std::vector<std::string> parts = base::Split(f.key, '.');
    std::string yaml;
    for (size_t i = 0; i < parts.size(); ++i) {
      yaml += std::string(2 * i, ' ') + parts[i] + ":" + (i + 1 == parts.size() ? " -5\n" : "\n");
    }
    auto loaded = LoadConfig(yaml, "stacks/dev.yaml", Env{});
    ASSERT_FALSE(loaded.ok()) << f.key;
    EXPECT_NE(loaded.error().message().find(std::string(f.key) + ": -5 is not allowed: use " +
                                            f.rule.allowed),
              std::string::npos)
        << loaded.error().message();
    EXPECT_NE(comments.find("Allowed: " + f.rule.allowed + "."), std::string::npos) << f.key;
    ++checked;
  }
  EXPECT_GE(checked, 8);
}

// A secret's rule judges its plaintext (config::SecretProblem) and accepts it unset or sealed;
// only secrets have one.
TEST(KeysTest, EveryKeyHasADocAndSecretsHaveAPlaintextRule) {
  for (const Field& f : Fields()) {
    EXPECT_EQ(static_cast<bool>(f.rule.secret_problem), IsSecretField(f)) << f.key;
    if (IsSecretField(f)) {
      ASSERT_TRUE(f.rule.accepts) << f.key;
      Config config;
      EXPECT_TRUE(f.rule.accepts(ValueOf(f, config))) << f.key;  // not set
      std::get<SecretRef>(f.ref)(config) = Secret::Sealed();
      EXPECT_TRUE(f.rule.accepts(ValueOf(f, config))) << f.key;
      std::get<SecretRef>(f.ref)(config) = Secret("has a\nline break");
      EXPECT_FALSE(f.rule.accepts(ValueOf(f, config))) << f.key;
      EXPECT_NE(f.rule.secret_problem("has a\nline break"), "") << f.key;
    }
    if (f.key.find("services.") == 0) continue;  // the service entries document themselves
    EXPECT_FALSE(f.doc.empty()) << f.key;
  }
}

TEST(KeysTest, TheDefaultsPassTheirRules) {
  Config defaults;
  for (const Field& f : Fields()) {
    if (f.rule.accepts) {
      EXPECT_TRUE(f.rule.accepts(ValueOf(f, defaults))) << f.key;
    }
  }
}

}  // namespace
}  // namespace rex::config::keys
