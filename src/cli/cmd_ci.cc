// `rex ci github [--environment NAME] [--branch BRANCH] [--force]`: writes the GitHub Actions
// workflow .github/workflows/rex.yml (atomically, base::WriteFileAtomic) that makes CI a user
// of rex like any machine:
//   - on pull_request: one job per stack config (stacks/*.yaml; without a stacks/ folder the
//     selected stack, --stack / $REX_STACK / dev) runs `rex preview --format markdown` and
//     appends it to $GITHUB_STEP_SUMMARY; rex's exit status is the step's (1: the plan loses
//     data, 2: bad config), so a dangerous pull request shows red;
//   - on push to BRANCH (default "main"): `rex up --yes` of the selected stack, in the GitHub
//     environment NAME (default "production", where reviewers and protection rules live), one
//     deploy at a time (a concurrency group per stack).
// Both get AWS credentials through OpenID Connect only (permissions id-token: write,
// contents: read; aws-actions/configure-aws-credentials with role-to-assume): the deploy
// role's ARN is the repository variable REX_DEPLOY_ROLE_ARN, the preview role's
// REX_PREVIEW_ROLE_ARN, both printed by `rex bootstrap --github-repo OWNER/REPO`. No AWS keys
// are stored anywhere. Each job's aws-region is the region of its stack config (the config's
// region is authoritative, see aws/endpoints.h ResolveRegion). The only actions used are
// actions/checkout and aws-actions/configure-aws-credentials.
// rex reaches the runner by building this repository's source (Release, tests and benchmarks
// off) on ubuntu-latest: apt-get installs the build packages of scripts/debian-packages.txt
// (toolchain and libraries only; the test and fuzzing ones are not needed), then CMake builds
// the rex target and puts it on PATH. REX_CONFIG_PASSPHRASE comes from the repository secret of
// the same name (the stack configs' encrypted secrets need it).
// Prints the path written (stdout; {"path": s, "stacks": [..], "deployStack": s} with --json)
// and the next steps (stderr).
// Exit codes: 0 written; 2 the file exists and --force was not given, a bad flag, or a stack
// config whose region cannot be read; 1 the file could not be written.

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "base/files.h"
#include "base/strings.h"
#include "cli/command.h"
#include "cli/json_output.h"
#include "cli/stack_select.h"
#include "config/presets.h"

namespace rex::cli {
namespace {

constexpr const char* kWorkflowPath = ".github/workflows/rex.yml";

struct CiFlags {
  std::string environment = "production";
  std::string branch = "main";
  bool force = false;
};

struct StackRegion {
  std::string stack;
  std::string region;
};

// The region a stack config file names: its `region` (or `aws:region`, `rex-backend:region`,
// also under a Pulumi file's `config:`), else the config default us-east-1 (config/config.h). Read
// without decrypting anything, so CI setup needs no passphrase.
base::Result<std::string> ConfigRegion(const std::filesystem::path& path,
                                       const std::string& relative) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path.string());
  } catch (const YAML::Exception& e) {
    return base::InvalidArgument(relative + ": not valid YAML (" + e.msg + ")");
  }
  std::string region = "us-east-1";
  const YAML::Node& const_root = root;  // const operator[] never inserts
  // A pasted Pulumi.<stack>.yaml keeps its keys under "config:".
  YAML::Node keys = const_root.IsMap() && const_root["config"] && const_root["config"].IsMap()
                        ? const_root["config"]
                        : root;
  if (keys.IsMap()) {
    const YAML::Node& const_keys = keys;
    for (const char* key : {"region", "aws:region", "rex-backend:region"}) {
      if (const_keys[key] && const_keys[key].IsScalar()) {
        region = const_keys[key].as<std::string>();
      }
    }
  }
  // The length first: std::regex recurses once per character of the value.
  if (region.size() > 64 ||
      !std::regex_match(region, std::regex("[a-z]{2}(-[a-z]+)+-[0-9]{1,2}"))) {
    return base::InvalidArgument(relative + ": region \"" + region +
                                 "\" is not an AWS region name such as \"us-east-1\"");
  }
  return region;
}

// Every stack config of the project, by name; without a stacks/ folder the selected stack's
// built-in preset.
base::Result<std::vector<StackRegion>> ProjectStacks(const Context& ctx) {
  std::filesystem::path dir = std::filesystem::path(ctx.io.cwd) / "stacks";
  std::error_code ec;
  std::vector<StackRegion> stacks;
  if (!std::filesystem::is_directory(dir, ec)) {
    auto preset = config::ParsePreset(ctx.global.stack);
    if (!preset.has_value()) {
      return base::NotFound("no stack config stacks/" + ctx.global.stack +
                            ".yaml; create it with \"rex init " + ctx.global.stack + "\"");
    }
    stacks.push_back({ctx.global.stack, config::PresetConfig(*preset).region});
    return stacks;
  }
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".yaml") continue;
    std::string name = entry.path().stem().string();
    if (!std::regex_match(name, std::regex("[a-z0-9][a-z0-9-]*"))) continue;
    REX_ASSIGN_OR_RETURN(std::string region,
                         ConfigRegion(entry.path(), "stacks/" + name + ".yaml"));
    stacks.push_back({name, region});
  }
  std::sort(stacks.begin(), stacks.end(),
            [](const StackRegion& a, const StackRegion& b) { return a.stack < b.stack; });
  if (stacks.empty()) {
    return base::NotFound("stacks/ holds no stack config; create one with \"rex init dev\"");
  }
  return stacks;
}

// The build packages of scripts/debian-packages.txt (toolchain and libraries; present on
// ubuntu-latest under the same names).
constexpr const char* kBuildPackages =
    "build-essential cmake pkg-config nlohmann-json3-dev libyaml-cpp-dev libssl-dev "
    "libcurl4-openssl-dev zlib1g-dev libcli11-dev libexpat1-dev libgraphviz-dev";

void BuildSteps(std::ostringstream& out) {
  out << "      - uses: actions/checkout@v4\n"
      << "      - name: Build rex from this repository (Release, no tests)\n"
      << "        run: |\n"
      << "          sudo apt-get update -qq\n"
      << "          sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "
         "--no-install-recommends "
      << kBuildPackages << "\n"
      << "          cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release "
         "-DREX_BUILD_TESTS=OFF -DREX_BUILD_BENCHMARKS=OFF\n"
      << "          cmake --build build-release -j\"$(nproc)\" --target rex\n"
      << "          echo \"$PWD/build-release/src\" >> \"$GITHUB_PATH\"\n";
}

void CredentialSteps(std::ostringstream& out, const std::string& role_variable,
                     const std::string& region) {
  out << "      - uses: aws-actions/configure-aws-credentials@v4\n"
      << "        with:\n"
      << "          role-to-assume: ${{ vars." << role_variable << " }}\n"
      << "          aws-region: " << region << "\n";
}

std::string Workflow(const std::vector<StackRegion>& stacks, const StackRegion& deploy,
                     const CiFlags& flags) {
  std::ostringstream out;
  out << "# Generated by `rex ci github`; `rex ci github --force` writes it again.\n"
      << "# Pull requests: `rex preview --format markdown` of every stack config in the job\n"
      << "# summary; the job fails when the plan loses data (exit 1) or a config is bad (exit "
         "2).\n"
      << "# Pushes to " << flags.branch << ": `rex up --yes` of stack " << deploy.stack
      << " in the GitHub environment " << flags.environment << ".\n"
      << "# AWS credentials: OpenID Connect only, no stored keys. The role ARNs are repository\n"
      << "# variables printed by `rex bootstrap --github-repo OWNER/REPO`: REX_DEPLOY_ROLE_ARN "
         "and\n"
      << "# REX_PREVIEW_ROLE_ARN. The secret REX_CONFIG_PASSPHRASE decrypts the configs' "
         "secrets.\n"
      << "# rex is built from this repository's source on the runner (the build packages of\n"
      << "# scripts/debian-packages.txt, then CMake, Release).\n"
      << "name: rex\n"
      << "\n"
      << "on:\n"
      << "  pull_request:\n"
      << "  push:\n"
      << "    branches: [" << flags.branch << "]\n"
      << "\n"
      << "permissions:\n"
      << "  id-token: write\n"
      << "  contents: read\n"
      << "\n"
      << "env:\n"
      << "  REX_CONFIG_PASSPHRASE: ${{ secrets.REX_CONFIG_PASSPHRASE }}\n"
      << "\n"
      << "jobs:\n"
      << "  preview:\n"
      << "    if: github.event_name == 'pull_request'\n"
      << "    runs-on: ubuntu-latest\n"
      << "    strategy:\n"
      << "      fail-fast: false\n"
      << "      matrix:\n"
      << "        include:\n";
  for (const StackRegion& s : stacks) {
    out << "          - stack: " << s.stack << "\n"
        << "            region: " << s.region << "\n";
  }
  out << "    env:\n"
      << "      REX_STACK: ${{ matrix.stack }}\n"
      << "    steps:\n";
  BuildSteps(out);
  CredentialSteps(out, "REX_PREVIEW_ROLE_ARN", "${{ matrix.region }}");
  out << "      - name: rex preview\n"
      << "        run: rex preview --format markdown >> \"$GITHUB_STEP_SUMMARY\"\n"
      << "\n"
      << "  deploy:\n"
      << "    if: github.event_name == 'push' && github.ref == 'refs/heads/" << flags.branch
      << "'\n"
      << "    runs-on: ubuntu-latest\n"
      << "    environment: " << flags.environment << "\n"
      << "    concurrency:\n"
      << "      group: rex-deploy-" << deploy.stack << "\n"
      << "      cancel-in-progress: false\n"
      << "    env:\n"
      << "      REX_STACK: " << deploy.stack << "\n"
      << "    steps:\n";
  BuildSteps(out);
  CredentialSteps(out, "REX_DEPLOY_ROLE_ARN", deploy.region);
  out << "      - name: rex up\n"
      << "        run: rex up --yes\n";
  return out.str();
}

int RunCiGithub(Context& ctx, const CiFlags& flags) {
  auto fail = [&ctx](const base::Status& s) {
    ctx.PrintError(s);
    return ExitCodeFor(s);
  };
  static const std::regex kName("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  if (!std::regex_match(flags.environment, kName)) {
    return fail(base::InvalidArgument("--environment \"" + flags.environment +
                                      "\": use letters, digits, '.', '_' and '-' (at most 100)"));
  }
  static const std::regex kBranch("[A-Za-z0-9][A-Za-z0-9._/-]{0,199}");
  if (!std::regex_match(flags.branch, kBranch) || flags.branch.find("..") != std::string::npos) {
    return fail(base::InvalidArgument("--branch \"" + flags.branch +
                                      "\": use a plain branch name such as main"));
  }
  auto stacks = ProjectStacks(ctx);
  if (!stacks.ok()) return fail(stacks.error());
  auto deploy = std::find_if(stacks->begin(), stacks->end(),
                             [&](const StackRegion& s) { return s.stack == ctx.global.stack; });
  if (deploy == stacks->end()) {
    std::vector<std::string> names;
    for (const StackRegion& s : *stacks) names.push_back(s.stack);
    return fail(base::NotFound("no stack config stacks/" + ctx.global.stack +
                               ".yaml to deploy on push; stacks: " + base::Join(names, ", ") +
                               " (pick one with --stack)"));
  }
  std::filesystem::path path = std::filesystem::path(ctx.io.cwd) / kWorkflowPath;
  std::error_code ec;
  if (std::filesystem::exists(path, ec) && !flags.force) {
    return fail(base::AlreadyExists(std::string(kWorkflowPath) +
                                    " exists; rerun with --force to overwrite it"));
  }
  base::Status written = base::WriteFileAtomic(path.string(), Workflow(*stacks, *deploy, flags));
  if (!written.ok()) return fail(written);

  std::vector<std::string> names;
  for (const StackRegion& s : *stacks) names.push_back(s.stack);
  if (!std::filesystem::exists(std::filesystem::path(ctx.io.cwd) / "CMakeLists.txt", ec)) {
    ctx.PrintWarning(
        "no CMakeLists.txt here: the workflow builds rex from this repository's source; if rex "
        "lives elsewhere, change the \"Build rex\" steps to fetch or build it");
  }
  if (ctx.global.json) {
    ctx.io.out << base::DumpJson(base::Json{{"version", kJsonVersion},
                                            {"path", kWorkflowPath},
                                            {"stacks", names},
                                            {"deployStack", deploy->stack},
                                            {"environment", flags.environment},
                                            {"branch", flags.branch}});
  } else {
    ctx.io.out << kWorkflowPath << "\n";
  }
  ctx.io.err << "wrote " << kWorkflowPath << ": pull requests preview " << base::Join(names, ", ")
             << "; pushes to " << flags.branch << " deploy " << deploy->stack
             << " in the GitHub environment " << flags.environment << "\n"
             << "next:\n"
             << "  1. rex bootstrap --github-repo OWNER/REPO --github-branch " << flags.branch
             << " --github-environment " << flags.environment << "\n"
             << "     (in " << deploy->region
             << "), then set the repository variables REX_DEPLOY_ROLE_ARN and "
                "REX_PREVIEW_ROLE_ARN it prints\n"
             << "  2. add the repository secret REX_CONFIG_PASSPHRASE if the stack configs hold "
                "encrypted secrets\n"
             << "  3. create the GitHub environment " << flags.environment
             << " (required reviewers, branch " << flags.branch << " only)\n";
  return kExitOk;
}

}  // namespace

Command CiCommand() {
  return {
      "ci",
      "CI setup: 'rex ci github' writes a GitHub Actions workflow (preview on pull "
      "requests, rex up on the main branch, OIDC credentials)",
      [](CLI::App& app) -> std::function<int(Context&)> {
        auto flags = std::make_shared<CiFlags>();
        CLI::App* github = app.add_subcommand(
            "github",
            "write .github/workflows/rex.yml: rex preview of every stack on pull requests "
            "(job summary), rex up of --stack on pushes, AWS credentials through OIDC");
        github->fallthrough();
        github
            ->add_option("--environment", flags->environment,
                         "GitHub environment of the deploy job (default: production)")
            ->type_name("NAME");
        github->add_option("--branch", flags->branch, "branch whose pushes deploy (default: main)")
            ->type_name("BRANCH");
        github->add_flag("--force", flags->force, "overwrite an existing workflow file");
        app.require_subcommand(1);
        return [flags](Context& ctx) { return RunCiGithub(ctx, *flags); };
      }};
}

}  // namespace rex::cli
