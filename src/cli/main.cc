#include <malloc.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <streambuf>
#include <vector>

#include "base/fd.h"
#include "base/keep.h"
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

// stdout as a stream whose every write is checked: write(2) on descriptor 1, buffered; the
// first failure (a closed pipe: EPIPE, as SIGPIPE is ignored; a full disk: ENOSPC) is kept,
// the stream goes bad and later writes are dropped. main() reports it and exits 1, so a
// cut-off output never looks like a success.
class CheckedStdout : public std::streambuf {
 public:
  CheckedStdout() : buffer_(64 * 1024) { setp(buffer_.data(), buffer_.data() + buffer_.size()); }
  ~CheckedStdout() override { Flush(); }

  // The errno of the first failed write; 0 if none failed.
  int error() const { return error_; }

  bool Flush() {
    if (error_ == 0) {
      error_ = rex::base::WriteAll(
          STDOUT_FILENO, std::string_view(pbase(), static_cast<size_t>(pptr() - pbase())));
    }
    setp(buffer_.data(), buffer_.data() + buffer_.size());
    return error_ == 0;
  }

 protected:
  int_type overflow(int_type ch) override {
    if (!Flush()) return traits_type::eof();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }
  int sync() override { return Flush() ? 0 : -1; }

 private:
  std::vector<char> buffer_;
  int error_ = 0;
};

}  // namespace

// Sanitizer builds free everything, so that LeakSanitizer and AddressSanitizer check it.
#if defined(__SANITIZE_ADDRESS__)
#define REX_FREE_AT_EXIT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define REX_FREE_AT_EXIT 1
#endif
#endif

int main(int argc, char** argv) {
  HardenProcess();
#ifndef REX_FREE_AT_EXIT
  // The big trees a command is done with (templates, plans, the construct tree) are left to
  // the operating system at exit instead of being freed piece by piece (base/keep.h). Every
  // output is still flushed and checked below: main returns normally.
  rex::base::EnableKeepUntilExit();
  // No fast bins in glibc's allocator: a command builds trees of millions of small nodes, and
  // with fast bins every large allocation after frees first consolidates them all
  // (malloc_consolidate: 10% of rex preview at 20,000 resources). Small blocks are still
  // cached per thread (tcache).
  ::mallopt(M_MXFAST, 0);
#endif
  std::ios::sync_with_stdio(false);
  // A closed pipe is an error to report (EPIPE), not a silent death by SIGPIPE. A handler that
  // does nothing rather than SIG_IGN: programs rex runs (docker, ...) get the default back at
  // exec, where an ignored signal would stay ignored.
  struct sigaction on_pipe {};
  on_pipe.sa_handler = [](int) {};
  on_pipe.sa_flags = SA_RESTART;
  ::sigaction(SIGPIPE, &on_pipe, nullptr);
  CheckedStdout checked_stdout;
  std::ostream out(&checked_stdout);
  std::error_code ec;
  rex::cli::Io io{
      .out = out,
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
  out.flush();
  if (checked_stdout.error() != 0) {
    std::cerr << "error: cannot write to stdout: " << std::strerror(checked_stdout.error()) << "\n";
    std::cerr.flush();
    return code != rex::cli::kExitOk ? code : rex::cli::kExitFailed;
  }
  return code;
}
