// `rex config get|set|rm` as text edits (config/config.h, "editing"): the key's line is
// replaced, added or removed and the rest of the file (other keys, comments, order) is kept;
// the edited text is validated as a whole before it is returned or written.

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "base/crypto.h"
#include "base/files.h"
#include "base/strings.h"
#include "config/config.h"
#include "config/config_text.h"
#include "config/keys.h"
#include "config/loader.h"
#include "config/secrets_provider.h"

namespace rex::config {

using base::Result;
using base::Status;
using keys::ChildKeys;
using keys::Field;
using keys::Fields;
using keys::FindField;
using keys::FormatField;
using keys::IsGroup;
using keys::IsSecretField;
using keys::kPulumiPrefix;
using keys::kSuppressKey;
using keys::ListRef;
using keys::SecretRef;
using keys::StringRef;
using keys::YamlScalar;
using text::Quote;
using text::SplitWords;

namespace {

// The canonical dotted key of a `rex config` argument, or kInvalidArgument.
// Groups ("services.api") are accepted only when `allow_group` (removal of a whole block).
Result<std::string> ResolveKey(std::string_view source, std::string_view key,
                               bool allow_group = false) {
  std::string name(key);
  if (base::StartsWith(name, kPulumiPrefix)) name = name.substr(kPulumiPrefix.size());
  if (name == "aws:region") name = "region";
  if (FindField(name) != nullptr) return name;
  if (name != "checks" && IsGroup(name)) {
    if (allow_group) return name;
    return base::InvalidArgument(std::string(source) + ": " + name +
                                 ": is a group of keys; name one of them, e.g. \"" +
                                 ChildKeys(name).front() + "\"");
  }
  if (name == kSuppressKey || name == "checks") {
    return base::InvalidArgument(std::string(source) + ": " + name + ": is a list; edit it in " +
                                 std::string(source));
  }
  std::string hint = base::ClosestMatch(name, ConfigKeys());
  return base::InvalidArgument(std::string(source) + ": " + std::string(key) + ": unknown key" +
                               (hint.empty() ? "" : "; did you mean \"" + hint + "\"?"));
}

// One key of a map in the document, with where it is written.
struct Entry {
  bool found = false;
  int line = 0;    // 0-based, of the key
  int column = 0;  // 0-based, of the key
  std::string spelled;
  YAML::Node value;
};

Entry Find(const YAML::Node& map, std::string_view name, bool top) {
  Entry e;
  if (!map.IsMap()) return e;
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!it->first.IsScalar()) continue;
    std::string spelled = it->first.Scalar();
    std::string normal = spelled;
    if (top) {
      if (base::StartsWith(normal, kPulumiPrefix)) normal = normal.substr(kPulumiPrefix.size());
      if (normal == "aws:region") normal = "region";
    }
    if (normal == name) {
      e.found = true;
      e.line = it->first.Mark().line;
      e.column = it->first.Mark().column;
      e.spelled = spelled;
      e.value = it->second;
      return e;
    }
  }
  return e;
}

size_t Indentation(const std::string& line) {
  size_t n = 0;
  while (n < line.size() && line[n] == ' ') ++n;
  return n;
}

bool IsBlankOrComment(const std::string& line) {
  size_t n = Indentation(line);
  return n == line.size() || line[n] == '#' || line[n] == '\r';
}

// One past the last line of the block that starts with the key at (line, column): the
// following lines indented deeper, and sequence items at the key's own column. Trailing blank
// and comment lines belong to what comes next.
size_t BlockEnd(const std::vector<std::string>& lines, size_t line, size_t column) {
  size_t end = line + 1;
  for (size_t i = line + 1; i < lines.size(); ++i) {
    if (IsBlankOrComment(lines[i])) continue;
    size_t indent = Indentation(lines[i]);
    bool item = indent == column && lines[i][indent] == '-';
    if (indent <= column && !item) break;
    end = i + 1;
  }
  return end;
}

// The "# comment" ending a one-line "key: value", or "".
std::string TrailingComment(const std::string& line) {
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#' && i > 0 && (line[i - 1] == ' ' || line[i - 1] == '\t')) {
      return line.substr(i);
    }
  }
  return "";
}

std::vector<std::string> Render(const std::string& key, const YAML::Node& value, size_t indent,
                                bool string_scalar = false) {
  if (string_scalar && value.IsScalar()) {
    return {std::string(indent, ' ') + key + ": " + YamlScalar(value.Scalar())};
  }
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << key << YAML::Value << value << YAML::EndMap;
  std::vector<std::string> lines = base::Split(out.c_str(), '\n');
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  for (std::string& l : lines) l = std::string(indent, ' ') + l;
  return lines;
}

// "parts[from]:" / "  parts[from + 1]:" / ... / "    leaf: value", starting at `indent`.
std::vector<std::string> RenderNested(const std::vector<std::string>& parts, size_t from,
                                      const std::string& first_name, const YAML::Node& value,
                                      size_t indent, bool string_scalar) {
  std::vector<std::string> lines;
  for (size_t i = from; i + 1 < parts.size(); ++i) {
    lines.push_back(std::string(indent, ' ') + (i == from ? first_name : parts[i]) + ":");
    indent += 2;
  }
  const std::string& leaf = from + 1 == parts.size() ? first_name : parts.back();
  for (std::string& l : Render(leaf, value, indent, string_scalar)) lines.push_back(std::move(l));
  return lines;
}

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out = base::Join(lines, "\n");
  if (!out.empty()) out += "\n";
  return out;
}

Result<YAML::Node> Parse(std::string_view text, std::string_view source) {
  if (auto refused = CheckYamlBounds(text, source)) return base::InvalidArgument(*refused);
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::ParserException& e) {
    return base::InvalidArgument(std::string(source) + ":" + std::to_string(e.mark.line + 1) + ":" +
                                 std::to_string(e.mark.column + 1) + ": invalid YAML: " + e.msg);
  } catch (const YAML::Exception& e) {
    return base::InvalidArgument(std::string(source) + ": invalid YAML: " + e.msg);
  }
}

// The map holding the config keys (the root, or a Pulumi "config:" map) and its entry.
struct Container {
  YAML::Node map;
  Entry entry;  // found == false for the root
};

Container FindContainer(const YAML::Node& root) {
  Container c;
  c.map = root;
  if (root.IsMap()) {
    Entry wrapper = Find(root, "config", false);
    if (wrapper.found && (wrapper.value.IsMap() || wrapper.value.IsNull())) {
      c.entry = wrapper;
      c.map = wrapper.value;
    }
  }
  return c;
}

bool UsesPrefix(const YAML::Node& map) {
  if (!map.IsMap()) return false;
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (it->first.IsScalar() && base::StartsWith(it->first.Scalar(), kPulumiPrefix)) return true;
  }
  return false;
}

bool IsBlockMap(const YAML::Node& node) {
  return node.IsMap() && node.size() > 0 && node.Style() != YAML::EmitterStyle::Flow;
}

// Sets (value given) or removes (value null and `remove`) `key` in the text.
Result<std::string> Edit(std::string_view text, std::string_view source, const std::string& key,
                         const YAML::Node& value, bool remove) {
  REX_ASSIGN_OR_RETURN(YAML::Node root, Parse(text, source));
  if (!root.IsNull() && !root.IsMap()) {
    return base::InvalidArgument(std::string(source) + ": expected a map of config keys");
  }
  std::vector<std::string> lines = base::Split(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  std::vector<std::string> parts = base::Split(key, '.');
  Container container = FindContainer(root);
  bool prefixed = UsesPrefix(container.map);
  const Field* field = FindField(key);
  bool string_scalar = field != nullptr && std::holds_alternative<StringRef>(field->ref);

  // Replaces lines [from, to) with `with`.
  auto splice = [&](size_t from, size_t to, const std::vector<std::string>& with) {
    lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(from),
                lines.begin() + static_cast<std::ptrdiff_t>(to));
    lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(from), with.begin(), with.end());
  };
  auto not_set = [&]() {
    return base::NotFound(std::string(source) + ": " + key + ": is not set in " +
                          std::string(source));
  };

  YAML::Node cur = container.map;
  Entry cur_entry = container.entry;  // the entry whose value is `cur`; root if !found
  for (size_t i = 0; i < parts.size(); ++i) {
    if (!IsBlockMap(cur)) {
      // An empty or flow-style map (or a scalar where a map belongs): rewrite the entry that
      // holds it, in block style, with the change applied.
      YAML::Node merged = cur.IsMap() ? YAML::Clone(cur) : YAML::Node(YAML::NodeType::Map);
      merged.SetStyle(YAML::EmitterStyle::Block);
      if (remove) {
        YAML::Node node = merged;
        for (size_t j = i; j + 1 < parts.size(); ++j) {
          if (!node.IsMap() || !node[parts[j]]) return not_set();
          node.reset(node[parts[j]]);
        }
        if (!node.IsMap() || !node.remove(parts.back())) return not_set();
      } else {
        YAML::Node node = merged;
        for (size_t j = i; j + 1 < parts.size(); ++j) {
          if (!node[parts[j]] || !node[parts[j]].IsMap()) {
            node[parts[j]] = YAML::Node(YAML::NodeType::Map);
          }
          node.reset(node[parts[j]]);
        }
        node[parts.back()] = value;
      }
      if (!cur_entry.found) {
        if (cur.IsMap() && cur.size() > 0) {
          return base::FailedPrecondition(std::string(source) +
                                          ": the file is one flow-style map; rewrite it in block "
                                          "style (one key per line) to edit it with rex config");
        }
        // An empty document: append the key.
        for (std::string& l : RenderNested(parts, 0, parts[0], value, 0, string_scalar)) {
          lines.push_back(std::move(l));
        }
      } else {
        size_t end = BlockEnd(lines, cur_entry.line, cur_entry.column);
        splice(cur_entry.line, end, Render(cur_entry.spelled, merged, cur_entry.column));
      }
      return JoinLines(lines);
    }
    Entry e = Find(cur, parts[i], /*top=*/i == 0);
    if (!e.found) {
      if (remove) return not_set();
      // Append the missing part at the end of the enclosing block (of the file at the top),
      // indented like the block's keys.
      size_t column = static_cast<size_t>(cur.begin()->first.Mark().column);
      std::string name = parts[i];
      if (i == 0 && prefixed) name = std::string(kPulumiPrefix) + name;
      std::vector<std::string> rendered =
          RenderNested(parts, i, name, value, column, string_scalar);
      size_t at =
          cur_entry.found ? BlockEnd(lines, cur_entry.line, cur_entry.column) : lines.size();
      splice(at, at, rendered);
      return JoinLines(lines);
    }
    if (i + 1 == parts.size()) {
      size_t end = BlockEnd(lines, e.line, e.column);
      if (remove) {
        splice(e.line, end, {});
        return JoinLines(lines);
      }
      std::vector<std::string> rendered = Render(e.spelled, value, e.column, string_scalar);
      if (e.value.IsScalar() && end == static_cast<size_t>(e.line) + 1 && rendered.size() == 1) {
        std::string comment = TrailingComment(lines[e.line]);
        if (!comment.empty()) rendered[0] += "  " + comment;
      }
      splice(e.line, end, rendered);
      return JoinLines(lines);
    }
    cur = e.value;
    cur_entry = e;
  }
  return base::Internal("config edit walked past the key " + key);
}

// Validates edited text like LoadConfig would, without decrypting.
Status ValidateEdited(std::string_view text, std::string_view source) {
  Result<Config> loaded = LoadText(text, source, Env{}, /*decrypt=*/false);
  return loaded.ok() ? Status::Ok() : loaded.error();
}

Result<std::string> ApplyAndValidate(std::string_view text, std::string_view source,
                                     const std::string& key, const YAML::Node& value, bool remove) {
  REX_ASSIGN_OR_RETURN(std::string edited, Edit(text, source, key, value, remove));
  REX_RETURN_IF_ERROR(ValidateEdited(edited, source));
  return edited;
}

// Every secure value in the document, by key.
std::vector<std::pair<std::string, std::string>> SecureValues(const YAML::Node& root) {
  std::vector<std::pair<std::string, std::string>> out;
  YAML::Node map = FindContainer(root).map;
  for (const Field& f : Fields()) {
    if (!IsSecretField(f)) continue;
    Entry e = Find(map, f.key, /*top=*/true);
    if (e.found && e.value.IsMap() && e.value["secure"] && e.value["secure"].IsScalar()) {
      out.emplace_back(std::string(f.key), e.value["secure"].Scalar());
    }
  }
  return out;
}

// The plaintext data key of an awskms:// file (`config` loaded without decrypting), from
// env.decrypt_data_key; the hook's error keeps its code (a denied key is exit 1).
Result<std::string> FileDataKey(const Config& config, std::string_view source, const Env& env) {
  REX_ASSIGN_OR_RETURN(auto provider, ParseSecretsProvider(config.secrets_provider));
  std::string named = provider.has_value() ? "KMS key " + provider->key : "KMS";
  if (!env.decrypt_data_key) {
    return base::FailedPrecondition(std::string(source) +
                                    ": the secrets are sealed with a data key of " + named +
                                    " and this command cannot ask KMS to decrypt it");
  }
  auto data_key = env.decrypt_data_key(config.secrets_provider.substr(kKmsScheme.size()),
                                       config.encrypted_data_key);
  if (!data_key.ok()) {
    return Status(data_key.error().code(), std::string(source) +
                                               ": encryptedDataKey: cannot decrypt it with " +
                                               named + ": " + data_key.error().message());
  }
  return data_key;
}

}  // namespace

namespace {

// The YAML value `rex config set KEY VALUE` writes for a non-secret key: a list key takes a
// JSON array of strings or words split at spaces; other keys a plain scalar.
Result<YAML::Node> ValueNode(std::string_view source, const std::string& name, const Field& field,
                             std::string_view value) {
  if (!std::holds_alternative<ListRef>(field.ref)) return YAML::Node(std::string(value));
  YAML::Node node(YAML::NodeType::Sequence);
  std::string_view trimmed = value;
  while (!trimmed.empty() && (trimmed.front() == ' ' || trimmed.front() == '\t')) {
    trimmed.remove_prefix(1);
  }
  if (!trimmed.empty() && trimmed.front() == '[') {
    // JSON is YAML: read the array with the YAML reader, then require strings.
    auto refuse = [&](const std::string& what) {
      return base::InvalidArgument(std::string(source) + ": " + name + ": " + what +
                                   "; use a JSON array of strings such as " +
                                   "'[\"sh\", \"-c\", \"./migrate up\"]', or words "
                                   "separated by spaces");
    };
    YAML::Node parsed;
    try {
      parsed = YAML::Load(std::string(trimmed));
    } catch (const YAML::Exception& e) {
      return refuse("is not a JSON array (" + e.msg + ")");
    }
    if (!parsed.IsSequence()) return refuse("is not a JSON array");
    for (const YAML::Node& item : parsed) {
      if (!item.IsScalar()) return refuse("has an item that is " + text::Describe(item));
      node.push_back(item.Scalar());
    }
  } else {
    for (const std::string& word : SplitWords(value)) node.push_back(word);
  }
  node.SetStyle(YAML::EmitterStyle::Flow);
  return node;
}

// secretsProvider and encryptedDataKey change together with every secret's value, by
// ChangeSecretsProvider only.
Status RefuseProviderKey(std::string_view source, const std::string& name) {
  if (name != "secretsProvider" && name != "encryptedDataKey") return Status::Ok();
  return base::InvalidArgument(std::string(source) + ": " + name +
                               ": is changed only by \"rex config change-secrets-provider "
                               "<passphrase | awskms://KEY>\", which re-encrypts every secret "
                               "with the new provider");
}

// The key an error line "<source>: <key>: ..." is about, or "".
std::string KeyOfLine(const std::string& line, std::string_view source) {
  std::string prefix = std::string(source) + ": ";
  if (!base::StartsWith(line, prefix)) return "";
  size_t end = line.find(": ", prefix.size());
  return end == std::string::npos ? "" : line.substr(prefix.size(), end - prefix.size());
}

// The problems of an edit that sets `names`: lines the file had before the edit are kept;
// a new line about a key that was not set is a relation to a key that was: it names both and
// says to set them in one command.
Status BlameEdit(const Status& problems, std::string_view before, std::string_view source,
                 const std::vector<std::string>& names) {
  std::set<std::string> old_lines;
  Result<Config> old = LoadText(before, source, Env{}, /*decrypt=*/false);
  if (!old.ok()) {
    for (std::string& l : base::Split(old.error().message(), '\n')) old_lines.insert(l);
  }
  std::vector<std::string> lines = base::Split(problems.message(), '\n');
  for (std::string& line : lines) {
    std::string key = KeyOfLine(line, source);
    if (key.empty() || old_lines.count(line) > 0 ||
        std::find(names.begin(), names.end(), key) != names.end()) {
      continue;
    }
    std::string set = base::Join(names, ", ");
    std::string example;
    for (const std::string& n : names) example += n + "=... ";
    line = std::string(source) + ": " + set + ": the new value conflicts with " + key + ": " +
           line.substr(std::string(source).size() + 2 + key.size() + 2) +
           "; change both in one command: rex config set " + example + key + "=...";
  }
  return Status(problems.code(), base::Join(lines, "\n"));
}

}  // namespace

Result<std::string> SetConfigValue(std::string_view yaml_text, std::string_view source_name,
                                   std::string_view key, std::string_view value) {
  return SetConfigValues(yaml_text, source_name, {{std::string(key), std::string(value)}});
}

Result<std::string> SetConfigValues(
    std::string_view yaml_text, std::string_view source_name,
    const std::vector<std::pair<std::string, std::string>>& values) {
  if (values.empty()) {
    return base::InvalidArgument(std::string(source_name) + ": no key to set");
  }
  std::string edited(yaml_text);
  std::vector<std::string> names;
  for (const auto& [key, value] : values) {
    REX_ASSIGN_OR_RETURN(std::string name, ResolveKey(source_name, key));
    REX_RETURN_IF_ERROR(RefuseProviderKey(source_name, name));
    const Field* field = FindField(name);
    if (IsSecretField(*field)) {
      return base::InvalidArgument(std::string(source_name) + ": " + name +
                                   ": is a secret; run \"rex config set " + name +
                                   " --secret\" so it is stored encrypted");
    }
    if (std::find(names.begin(), names.end(), name) != names.end()) {
      return base::InvalidArgument(std::string(source_name) + ": " + name +
                                   ": is given twice; set each key once");
    }
    REX_ASSIGN_OR_RETURN(YAML::Node node, ValueNode(source_name, name, *field, value));
    REX_ASSIGN_OR_RETURN(edited, Edit(edited, source_name, name, node, /*remove=*/false));
    names.push_back(name);
  }
  Status valid = ValidateEdited(edited, source_name);
  if (!valid.ok()) return BlameEdit(valid, yaml_text, source_name, names);
  return edited;
}

Result<std::string> SetConfigSecret(std::string_view yaml_text, std::string_view source_name,
                                    std::string_view key, std::string_view plaintext,
                                    const Env& env) {
  REX_ASSIGN_OR_RETURN(std::string name, ResolveKey(source_name, key));
  if (!IsSecretField(*FindField(name))) {
    return base::InvalidArgument(std::string(source_name) + ": " + name +
                                 ": is not a secret; set it without --secret");
  }
  // The value's own rule first (the one the synth applies), never quoting it.
  if (plaintext.size() > kMaxSecretBytes) {
    return base::InvalidArgument(std::string(source_name) + ": " + name + ": the value has " +
                                 std::to_string(plaintext.size()) +
                                 " bytes; a secret may have at "
                                 "most " +
                                 std::to_string(kMaxSecretBytes));
  }
  if (std::string problem = SecretProblem(name, plaintext); !problem.empty()) {
    return base::InvalidArgument(std::string(source_name) + ": " + problem);
  }
  {
    // The file's provider decides how the value is sealed.
    REX_ASSIGN_OR_RETURN(Config current,
                         LoadText(yaml_text, source_name, Env{}, /*decrypt=*/false));
    if (current.secrets_provider != kPassphraseProvider) {
      REX_ASSIGN_OR_RETURN(std::string data_key, FileDataKey(current, source_name, env));
      auto encrypted = base::EncryptSecretWithDataKey(
          plaintext, data_key, base::DataKeyBinding(StackOfSource(source_name), name));
      base::WipeString(data_key);
      if (!encrypted.ok()) return encrypted.error();
      YAML::Node node(YAML::NodeType::Map);
      node["secure"] = *encrypted;
      return ApplyAndValidate(yaml_text, source_name, name, node, /*remove=*/false);
    }
  }
  if (!env.config_passphrase.has_value() || env.config_passphrase->empty()) {
    return base::InvalidArgument(std::string(source_name) + ": " + name + ": " +
                                 std::string(kPassphraseEnvVar) +
                                 " is not set; export a passphrase to encrypt secrets with");
  }
  const std::string& passphrase = *env.config_passphrase;
  if (passphrase.size() < base::kMinPassphraseLength) {
    return base::InvalidArgument(std::string(source_name) + ": " + name + ": " +
                                 std::string(kPassphraseEnvVar) + " is " +
                                 std::to_string(passphrase.size()) +
                                 " characters long; secrets need a passphrase of at least " +
                                 std::to_string(base::kMinPassphraseLength) + " characters");
  }
  REX_ASSIGN_OR_RETURN(YAML::Node root, Parse(yaml_text, source_name));
  const std::string stack = StackOfSource(source_name);
  // One file, one passphrase: the new secret must be readable with the others. v1 values are
  // kept decrypted here and rewritten as v2 below.
  std::string salt;
  std::vector<std::pair<std::string, Secret>> legacy;
  for (const auto& [other_key, text] : SecureValues(root)) {
    if (other_key == name) continue;
    Result<std::string> plain =
        base::DecryptSecret(text, passphrase, base::SecretBinding(stack, other_key));
    if (!plain.ok()) {
      if (plain.error().code() == base::Code::kUnauthenticated) {
        return base::InvalidArgument(
            std::string(source_name) + ": " + name + ": " + std::string(kPassphraseEnvVar) +
            " does not decrypt " + other_key + "; use the passphrase of the file's other secrets");
      }
      continue;  // a malformed value is reported by validation below
    }
    if (base::IsLegacySecret(text)) {
      legacy.emplace_back(other_key, Secret(std::move(plain).value()));
    } else {
      base::WipeString(*plain);
      if (salt.empty()) salt = base::SecretSalt(text).value();
    }
  }
  // No v2 value yet: a fresh salt, then shared by the v1 values rewritten below.
  REX_ASSIGN_OR_RETURN(
      std::string encrypted,
      base::EncryptSecret(plaintext, passphrase, base::SecretBinding(stack, name), salt));
  if (salt.empty()) salt = base::SecretSalt(encrypted).value();
  std::string text(yaml_text);
  for (const auto& [other_key, secret] : legacy) {
    REX_ASSIGN_OR_RETURN(std::string rewritten,
                         base::EncryptSecret(secret.Reveal(), passphrase,
                                             base::SecretBinding(stack, other_key), salt));
    YAML::Node other(YAML::NodeType::Map);
    other["secure"] = rewritten;
    REX_ASSIGN_OR_RETURN(text, ApplyAndValidate(text, source_name, other_key, other,
                                                /*remove=*/false));
  }
  YAML::Node node(YAML::NodeType::Map);
  node["secure"] = encrypted;
  return ApplyAndValidate(text, source_name, name, node, /*remove=*/false);
}

Result<std::string> RemoveConfigValue(std::string_view yaml_text, std::string_view source_name,
                                      std::string_view key) {
  REX_ASSIGN_OR_RETURN(std::string name, ResolveKey(source_name, key, /*allow_group=*/true));
  REX_RETURN_IF_ERROR(RefuseProviderKey(source_name, name));
  return ApplyAndValidate(yaml_text, source_name, name, YAML::Node(), /*remove=*/true);
}

Result<std::string> GetConfigValue(std::string_view yaml_text, std::string_view source_name,
                                   std::string_view key) {
  REX_ASSIGN_OR_RETURN(std::string name, ResolveKey(source_name, key));
  REX_ASSIGN_OR_RETURN(Config config, LoadText(yaml_text, source_name, Env{}, /*decrypt=*/false));
  const Field* field = FindField(name);
  if (IsSecretField(*field)) {
    if (!std::get<SecretRef>(field->ref)(config).is_set()) {
      return base::NotFound(std::string(source_name) + ": " + name + ": is not set");
    }
    return std::string("[secret]");
  }
  if (name == "dbDeletionProtection") {
    return std::string(config.db_deletion_protection_enabled() ? "true" : "false");
  }
  return FormatField(*field, config, /*quote_strings=*/false);
}

Result<std::string> ChangeSecretsProvider(std::string_view yaml_text, std::string_view source_name,
                                          std::string_view provider, const Env& env,
                                          const GenerateDataKeyFn& generate) {
  auto parsed = ParseSecretsProvider(provider);
  if (!parsed.ok()) {
    return base::InvalidArgument(std::string(source_name) +
                                 ": secretsProvider: " + parsed.error().message());
  }
  const std::string stack = StackOfSource(source_name);
  // Every secret in clear, read with the current provider (its errors as loading gives them).
  Env reading = env;
  reading.allow_sealed = false;
  REX_ASSIGN_OR_RETURN(Config current, LoadText(yaml_text, source_name, reading, /*decrypt=*/true));

  // The new provider's key: a passphrase, or a fresh data key from KMS.
  std::string passphrase;
  NewDataKey data_key;
  if (parsed->has_value()) {
    if (!generate) {
      return base::FailedPrecondition(std::string(source_name) +
                                      ": secretsProvider: this command cannot ask KMS for a "
                                      "data key");
    }
    auto made = generate(provider.substr(kKmsScheme.size()));
    if (!made.ok()) {
      return Status(made.error().code(), std::string(source_name) +
                                             ": secretsProvider: cannot make a data key with KMS "
                                             "key " +
                                             (*parsed)->key + ": " + made.error().message());
    }
    data_key = std::move(made).value();
    if (data_key.plaintext.size() != base::kDataKeySize ||
        !IsEncryptedDataKey(data_key.encrypted)) {
      base::WipeString(data_key.plaintext);
      return base::Internal(std::string(source_name) +
                            ": secretsProvider: KMS returned a data key of an unexpected shape");
    }
  } else {
    if (!env.config_passphrase.has_value() ||
        env.config_passphrase->size() < base::kMinPassphraseLength) {
      return base::InvalidArgument(
          std::string(source_name) + ": secretsProvider: \"passphrase\" needs " +
          std::string(kPassphraseEnvVar) + " set to the new passphrase (at least " +
          std::to_string(base::kMinPassphraseLength) + " characters)");
    }
    passphrase = *env.config_passphrase;
  }
  struct Wipe {
    std::string* a;
    std::string* b;
    ~Wipe() {
      base::WipeString(*a);
      base::WipeString(*b);
    }
  } wipe{&passphrase, &data_key.plaintext};

  // Re-seal every secret that is set; one salt for the passphrase's values.
  std::string text(yaml_text);
  std::string salt;
  std::vector<std::string> sealed_keys;
  for (const Field& f : Fields()) {
    if (!IsSecretField(f)) continue;
    const Secret& secret = std::get<SecretRef>(f.ref)(current);
    if (!secret.is_set()) continue;
    Result<std::string> encrypted =
        parsed->has_value() ? base::EncryptSecretWithDataKey(secret.Reveal(), data_key.plaintext,
                                                             base::DataKeyBinding(stack, f.key))
                            : base::EncryptSecret(secret.Reveal(), passphrase,
                                                  base::SecretBinding(stack, f.key), salt);
    if (!encrypted.ok()) return encrypted.error();
    if (!parsed->has_value() && salt.empty()) salt = base::SecretSalt(*encrypted).value();
    YAML::Node node(YAML::NodeType::Map);
    node["secure"] = *encrypted;
    REX_ASSIGN_OR_RETURN(text, Edit(text, source_name, std::string(f.key), node, false));
    sealed_keys.emplace_back(f.key);
  }
  REX_ASSIGN_OR_RETURN(
      text, Edit(text, source_name, "secretsProvider", YAML::Node(std::string(provider)), false));
  if (parsed->has_value()) {
    REX_ASSIGN_OR_RETURN(
        text, Edit(text, source_name, "encryptedDataKey", YAML::Node(data_key.encrypted), false));
  } else if (!current.encrypted_data_key.empty()) {
    REX_ASSIGN_OR_RETURN(text, Edit(text, source_name, "encryptedDataKey", YAML::Node(), true));
  }
  REX_RETURN_IF_ERROR(ValidateEdited(text, source_name));

  // Read the result back with the new provider: every value must come back as it was.
  Env check;
  if (parsed->has_value()) {
    std::string copy = data_key.plaintext;
    check.decrypt_data_key =
        [copy](std::string_view, std::string_view) mutable -> Result<std::string> { return copy; };
  } else {
    check.config_passphrase = passphrase;
  }
  Result<Config> reread = LoadText(text, source_name, check, /*decrypt=*/true);
  if (!reread.ok()) {
    return base::Internal(std::string(source_name) +
                          ": the re-encrypted file does not load back; nothing was written: " +
                          reread.error().message());
  }
  for (const Field& f : Fields()) {
    if (!IsSecretField(f)) continue;
    const Secret& before = std::get<SecretRef>(f.ref)(current);
    const Secret& after = std::get<SecretRef>(f.ref)(*reread);
    if (before.is_set() != after.is_set() || before.Reveal() != after.Reveal()) {
      return base::Internal(std::string(source_name) + ": " + std::string(f.key) +
                            ": does not read back as it was after re-encryption; nothing was "
                            "written");
    }
  }
  return text;
}

namespace {

// An exclusive flock(2) on "<dir>/.<name>.lock" beside a config file, held while it lives.
class EditLock {
 public:
  static Result<std::unique_ptr<EditLock>> Take(const std::filesystem::path& file) {
    std::filesystem::path lock = file.parent_path() / ("." + file.filename().string() + ".lock");
    int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
      return base::FailedPrecondition("cannot create the lock file " + lock.string() +
                                      " for editing " + file.string() + ": " +
                                      std::strerror(errno));
    }
    int rc;
    do {
      rc = ::flock(fd, LOCK_EX);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
      int err = errno;
      ::close(fd);
      return base::FailedPrecondition("cannot lock " + lock.string() + ": " + std::strerror(err));
    }
    return std::unique_ptr<EditLock>(new EditLock(fd, std::move(lock)));
  }
  const std::filesystem::path& path() const { return path_; }
  ~EditLock() { ::close(fd_); }  // closing releases the lock
  EditLock(const EditLock&) = delete;
  EditLock& operator=(const EditLock&) = delete;

 private:
  EditLock(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::filesystem::path path_;
};

}  // namespace

base::Status RemoveConfigFile(const std::filesystem::path& file) {
  REX_ASSIGN_OR_RETURN(std::unique_ptr<EditLock> lock, EditLock::Take(file));
  std::error_code ec;
  if (!std::filesystem::remove(file, ec) || ec) {
    if (!ec) return base::NotFound(file.string() + ": no such stack config");
    return base::Aborted("cannot remove " + file.string() + ": " + ec.message());
  }
  // Removed while still held: a rex waiting on the lock then finds no config to edit.
  std::filesystem::remove(lock->path(), ec);
  return base::Status::Ok();
}

namespace {

// Read-modify-write of the config file `path` under its lock: `edit` gets the text and the
// source name (`path` as given, so messages and secret bindings name the file the user named),
// and the result replaces the file a symlink at `path` points to (the link is kept).
Status EditFile(const std::string& path,
                const std::function<Result<std::string>(const std::string&)>& edit) {
  // Reading first gives the usual errors for a missing or unreadable file.
  REX_RETURN_IF_ERROR(base::ReadFile(path).status());
  std::error_code ec;
  std::filesystem::path target = std::filesystem::canonical(path, ec);
  if (ec) return base::NotFound(path + ": cannot resolve: " + ec.message());
  REX_ASSIGN_OR_RETURN(std::unique_ptr<EditLock> lock, EditLock::Take(target));
  REX_ASSIGN_OR_RETURN(std::string text, base::ReadFile(target.string()));
  REX_ASSIGN_OR_RETURN(std::string edited, edit(text));
  return base::WriteFileAtomic(target.string(), edited, 0600);
}

}  // namespace

Status SetConfigFileValue(const std::string& path, std::string_view key, std::string_view value) {
  return EditFile(path,
                  [&](const std::string& text) { return SetConfigValue(text, path, key, value); });
}

Status SetConfigFileValues(const std::string& path,
                           const std::vector<std::pair<std::string, std::string>>& values) {
  return EditFile(path,
                  [&](const std::string& text) { return SetConfigValues(text, path, values); });
}

Status SetConfigFileSecret(const std::string& path, std::string_view key,
                           std::string_view plaintext, const Env& env) {
  return EditFile(path, [&](const std::string& text) {
    return SetConfigSecret(text, path, key, plaintext, env);
  });
}

Status RemoveConfigFileValue(const std::string& path, std::string_view key) {
  return EditFile(path,
                  [&](const std::string& text) { return RemoveConfigValue(text, path, key); });
}

Result<std::string> GetConfigFileValue(const std::string& path, std::string_view key) {
  REX_ASSIGN_OR_RETURN(std::string text, base::ReadFile(path));
  return GetConfigValue(text, path, key);
}

Status ChangeConfigFileSecretsProvider(const std::string& path, std::string_view provider,
                                       const Env& env, const GenerateDataKeyFn& generate) {
  return EditFile(path, [&](const std::string& text) {
    return ChangeSecretsProvider(text, path, provider, env, generate);
  });
}

}  // namespace rex::config
