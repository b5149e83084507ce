#include "cli/wait_spinner.h"

#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "base/fd.h"
#include "cli/terminal.h"

namespace rex::cli {

namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr const char* kFrames[] = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};
constexpr int kFrameCount = sizeof(kFrames) / sizeof(kFrames[0]);
constexpr const char* kEraseLine = "\r\x1b[2K";

// A terminal that went away is ignored: the waiting line is only decoration.
void Show(int fd, const std::string& text) { (void)base::WriteAll(fd, text); }

std::string LabelOf(const aws::HttpRequest& request) {
  if (!request.label.empty()) return request.label;
  auto url = aws::ParseUrl(request.url);
  return request.method + " " + (url.ok() ? url->Origin() : std::string("AWS"));
}

class WaitSpinnerTransport : public aws::HttpTransport {
 public:
  WaitSpinnerTransport(std::unique_ptr<aws::HttpTransport> inner, WaitSpinnerOptions options)
      : inner_(std::move(inner)), options_(options), owner_(std::this_thread::get_id()) {}

  ~WaitSpinnerTransport() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    std::lock_guard<std::mutex> lock(mu_);
    EraseLocked();
  }

  base::Result<aws::HttpResponse> Send(const aws::HttpRequest& request) override {
    if (!options_.any_thread && std::this_thread::get_id() != owner_) return inner_->Send(request);
    uint64_t id = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      id = ++next_id_;
      in_flight_[id] = InFlight{EscapeControls(LabelOf(request)), SteadyClock::now()};
      if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
    }
    wake_.notify_all();
    auto response = inner_->Send(request);
    {
      std::lock_guard<std::mutex> lock(mu_);
      in_flight_.erase(id);
      // Gone before the caller prints anything: its next line starts clean.
      EraseLocked();
    }
    return response;
  }

 private:
  struct InFlight {
    std::string label;
    SteadyClock::time_point started;
  };

  void EraseLocked() {
    if (!drawn_) return;
    Show(options_.fd, kEraseLine);
    drawn_ = false;
  }

  void Run() {
    std::unique_lock<std::mutex> lock(mu_);
    int frame = 0;
    while (!stopping_) {
      wake_.wait_for(lock, options_.interval);
      if (stopping_) break;
      if (in_flight_.empty()) continue;
      // The oldest request still waiting (ids grow with time).
      const InFlight& oldest = in_flight_.begin()->second;
      auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() -
                                                                          oldest.started);
      if (waited < options_.delay) continue;
      Show(options_.fd, kEraseLine + WaitLine(oldest.label, waited, frame));
      drawn_ = true;
      frame = (frame + 1) % kFrameCount;
    }
  }

  std::unique_ptr<aws::HttpTransport> inner_;
  const WaitSpinnerOptions options_;
  const std::thread::id owner_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::map<uint64_t, InFlight> in_flight_;
  uint64_t next_id_ = 0;
  bool drawn_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace

std::string WaitLine(const std::string& label, std::chrono::milliseconds waited, int frame) {
  long long seconds = std::chrono::duration_cast<std::chrono::seconds>(waited).count();
  return std::string(kFrames[((frame % kFrameCount) + kFrameCount) % kFrameCount]) +
         " waiting for " + label + " (" + std::to_string(seconds) + " s)";
}

std::unique_ptr<aws::HttpTransport> NewWaitSpinnerTransport(
    std::unique_ptr<aws::HttpTransport> inner, WaitSpinnerOptions options) {
  return std::make_unique<WaitSpinnerTransport>(std::move(inner), options);
}

}  // namespace rex::cli
