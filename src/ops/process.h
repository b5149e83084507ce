#pragma once

// The one seam between day-2 operations and other programs (docker): run a program with
// arguments and bytes on its standard input, and collect what it prints. Tests substitute a
// recording double; NewSystemProcessRunner runs real processes.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace rex::ops {

struct ProcessResult {
  int exit_code = -1;       // 128 + signal number when a signal ended it
  std::string output = {};  // stdout and stderr, interleaved as they came
};

class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;

  // The path `program` resolves to (an absolute or relative path as is when executable, else
  // the first executable PATH entry), or "" when there is none.
  virtual std::string Find(const std::string& program) = 0;

  // Runs argv (argv[0] resolved as Find does) with `stdin_data` written to its standard input
  // (then closed), never on its command line, so secrets passed this way stay out of `ps`.
  // `on_output`, when set, receives output chunks as they arrive. kNotFound when argv[0]
  // cannot be found, kInternal when it cannot be started; the exit code otherwise, whatever
  // it is. Error messages never contain `stdin_data`.
  virtual base::Result<ProcessResult> Run(
      const std::vector<std::string>& argv, const std::string& stdin_data,
      const std::function<void(std::string_view)>& on_output = {}) = 0;
};

// Real processes (fork/exec with pipes). `path` is the PATH to search (e.g. the environment's
// PATH); empty: "/usr/local/bin:/usr/bin:/bin". Children get ChildEnvironment(environ), never
// rex's whole environment.
std::unique_ptr<ProcessRunner> NewSystemProcessRunner(std::string path);

// The allow-listed subset of `environ` (NAME=value strings, null-terminated) a child process
// gets: PATH, HOME, USER, LOGNAME, SHELL, TERM, TZ, TMPDIR, LANG, LC_*, DBUS_SESSION_BUS_ADDRESS,
// DOCKER_*, XDG_*, and the proxy variables (HTTP_PROXY, HTTPS_PROXY, NO_PROXY, ALL_PROXY, each
// also lower-case). Everything else -- REX_CONFIG_PASSPHRASE, AWS_* credentials, tokens -- is
// left out, so docker and its credential helpers never see rex's secrets.
std::vector<std::string> ChildEnvironment(const char* const* environ);

// `word` quoted for a POSIX shell, for commands printed for a person to paste: unchanged when it
// holds only [A-Za-z0-9_./:@%+=,-] (and is not empty), else in single quotes with each ' as '\''.
std::string ShellQuote(std::string_view word);

}  // namespace rex::ops
