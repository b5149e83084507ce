// The "waiting for ..." line (cli/wait_spinner.h): shown while a request is in flight, naming its
// label, and erased before Send returns. The line goes to a pipe the test reads; the test waits
// for what it expects to read (no timer decides an outcome).
#include "cli/wait_spinner.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace rex::cli {
namespace {

// Answers 200 once the test releases it.
class HeldTransport : public aws::HttpTransport {
 public:
  base::Result<aws::HttpResponse> Send(const aws::HttpRequest&) override {
    std::unique_lock<std::mutex> lock(mu_);
    entered_ = true;
    cv_.notify_all();
    cv_.wait(lock, [this] { return released_; });
    aws::HttpResponse response;
    response.status = 200;
    return response;
  }
  // Blocks until a request is waiting here.
  void WaitUntilEntered() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return entered_; });
  }
  void Release() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      released_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool released_ = false;
  bool entered_ = false;
};

// Reads `fd` until `text` has been read (true) or the pipe closes (false); everything read is
// appended to `seen`.
bool ReadUntil(int fd, const std::string& text, std::string* seen) {
  char buffer[512];
  while (seen->find(text) == std::string::npos) {
    ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n <= 0) return false;
    seen->append(buffer, static_cast<size_t>(n));
  }
  return true;
}

TEST(WaitSpinnerTest, ShowsTheLabelWhileWaitingAndErasesTheLineBeforeReturning) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  auto held = std::make_unique<HeldTransport>();
  HeldTransport* inner = held.get();
  auto transport =
      NewWaitSpinnerTransport(std::move(held), {.fd = fds[1],
                                                .delay = std::chrono::milliseconds(0),
                                                .interval = std::chrono::milliseconds(5),
                                                .any_thread = true});

  aws::HttpRequest request;
  request.method = "POST";
  request.url = "https://cloudformation.us-east-1.amazonaws.com/";
  request.label = "CloudFormation DescribeStacks";
  base::Result<aws::HttpResponse> response = base::Internal("not sent");
  std::thread caller([&] { response = transport->Send(request); });

  std::string seen;
  ASSERT_TRUE(ReadUntil(fds[0], "waiting for CloudFormation DescribeStacks (0 s)", &seen)) << seen;
  inner->Release();
  caller.join();
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 200);
  transport.reset();  // stops the drawing thread
  ::close(fds[1]);
  ReadUntil(fds[0], "\x01never\x01", &seen);  // the rest, to the end of the pipe
  ::close(fds[0]);
  // Every drawing starts by erasing the line, and the last thing written erases it.
  const std::string erase = "\r\x1b[2K";
  ASSERT_GE(seen.size(), erase.size());
  EXPECT_EQ(seen.substr(seen.size() - erase.size()), erase) << seen;
  EXPECT_EQ(seen.find('\n'), std::string::npos) << "the spinner never moves to a new line";
}

// A request from another thread than the one that made the transport (the lease renewal in the
// background) passes through without a line.
TEST(WaitSpinnerTest, OtherThreadsRequestsDrawNothing) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  auto held = std::make_unique<HeldTransport>();
  HeldTransport* inner = held.get();
  auto transport =
      NewWaitSpinnerTransport(std::move(held), {.fd = fds[1],
                                                .delay = std::chrono::milliseconds(0),
                                                .interval = std::chrono::milliseconds(1)});
  aws::HttpRequest request;
  request.url = "https://s3.us-east-1.amazonaws.com/";
  request.label = "S3 PutObject";
  std::thread background([&] { EXPECT_TRUE(transport->Send(request).ok()); });
  inner->WaitUntilEntered();
  // Many redraw intervals while the request waits (a tracked one would be drawn by now).
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  inner->Release();
  background.join();
  transport.reset();
  ::close(fds[1]);
  std::string seen;
  ReadUntil(fds[0], "\x01never\x01", &seen);
  ::close(fds[0]);
  EXPECT_EQ(seen, "");
}

TEST(WaitSpinnerTest, WaitLine) {
  EXPECT_EQ(WaitLine("CloudFormation DescribeStacks", std::chrono::milliseconds(3200), 0),
            "⠋ waiting for CloudFormation DescribeStacks (3 s)");
  EXPECT_EQ(WaitLine("S3 PutObject", std::chrono::milliseconds(999), 11),
            "⠙ waiting for S3 PutObject (0 s)");
}

// Without a label the line names the method and the endpoint (never the path or query, which may
// hold a presigned token); a label cannot move the cursor.
TEST(WaitSpinnerTest, UnlabelledRequestsNameTheEndpointAndControlsAreEscaped) {
  for (const auto& [label, expected] : std::vector<std::pair<std::string, std::string>>{
           {"", "waiting for GET http://127.0.0.1:9 (0 s)"},
           {"odd\x1b[2Jlabel", "waiting for odd\\x1b[2Jlabel (0 s)"}}) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    auto held = std::make_unique<HeldTransport>();
    HeldTransport* inner = held.get();
    auto transport =
        NewWaitSpinnerTransport(std::move(held), {.fd = fds[1],
                                                  .delay = std::chrono::milliseconds(0),
                                                  .interval = std::chrono::milliseconds(5),
                                                  .any_thread = true});
    aws::HttpRequest request;
    request.method = "GET";
    request.url = "http://127.0.0.1:9/bucket/key?X-Amz-Signature=SECRET";
    request.label = label;
    std::thread caller([&] { (void)transport->Send(request); });
    std::string seen;
    EXPECT_TRUE(ReadUntil(fds[0], expected, &seen)) << seen;
    inner->Release();
    caller.join();
    transport.reset();
    ::close(fds[1]);
    ::close(fds[0]);
    EXPECT_EQ(seen.find("SECRET"), std::string::npos);
  }
}

}  // namespace
}  // namespace rex::cli
