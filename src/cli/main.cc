#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cli/cli.h"

namespace {

// rex holds secrets in memory (the config passphrase, decrypted NoEcho values, AWS keys): no
// core dump may write them to disk, and other processes of the same user may not ptrace or
// read /proc/<pid>/mem of rex. Best effort: a failure leaves rex running as before.
void HardenProcess() {
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  struct rlimit no_core {};
  ::setrlimit(RLIMIT_CORE, &no_core);
}

}  // namespace

int main(int argc, char** argv) {
  HardenProcess();
  std::ios::sync_with_stdio(false);
  std::error_code ec;
  rex::cli::Io io{
      .out = std::cout,
      .err = std::cerr,
      .out_is_tty = ::isatty(STDOUT_FILENO) == 1,
      .err_is_tty = ::isatty(STDERR_FILENO) == 1,
      .getenv = [](std::string_view name) -> std::optional<std::string> {
        const char* value = std::getenv(std::string(name).c_str());
        if (value == nullptr) return std::nullopt;
        return std::string(value);
      },
      .cwd = std::filesystem::current_path(ec).string(),
      .in = &std::cin,
      .in_is_tty = ::isatty(STDIN_FILENO) == 1,
  };
  int code = rex::cli::Run(argc, argv, io);
  std::cout.flush();
  return code;
}
