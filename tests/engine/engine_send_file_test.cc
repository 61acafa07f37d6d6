// Context::send_file end to end on loopback: bodies sent from a file's mapping arrive byte for
// byte, in order with data and trailers queued around them, through small flow-control windows,
// in both actor modes; a range outside the file resets the stream; a file truncated under a
// queued body costs only its own connection. Every wait is bounded.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "h2engine/engine.h"
#include "loopback_support.h"

namespace {

using namespace std::chrono_literals;
using h2engine::ConnectionRef;
using h2engine::Context;
using h2engine::StreamRef;
using h2enginetest::bytes;


// A temporary file with `content`, removed at the end of the test.
class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    char name[] = "/tmp/h2engine-send-file-XXXXXX";
    int fd = ::mkstemp(name);
    EXPECT_GE(fd, 0);
    path_ = name;
    EXPECT_EQ(::write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
    ::close(fd);
  }
  ~TempFile() { ::unlink(path_.c_str()); }
  h2engine::FileRef open() const {
    return std::make_shared<h2engine::File>(::open(path_.c_str(), O_RDONLY | O_CLOEXEC));
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string pattern(size_t n, unsigned seed) {
  std::string s(n, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (char& c : s) {
    x = x * 1664525u + 1013904223u;
    c = static_cast<char>(x >> 24);
  }
  return s;
}

// What the test server is told to serve (set before the engine starts).
struct Plan {
  const TempFile* file = nullptr;
  uint64_t offset = 0;
  uint64_t length = 0;
  bool mixed = false;     // "head" + file range + "tail" + trailers
  bool truncate = false;  // truncate the file between opening (mapping) it and queuing it
  mutable std::atomic<uint64_t> sent{0};  // what on_sent reported, all streams together
};

class FileServer final : public h2engine::Handler {
 public:
  explicit FileServer(const Plan& plan) : plan_(plan) {}
  void on_headers(Context& cx, StreamRef s, h2::HeaderList headers, bool) override {
    std::string_view path;
    for (const auto& h : headers)
      if (h.name == ":path") path = h.value;
    if (path != "/file") {  // anything else: a small answer, to show the server still works
      cx.send_headers(s, {{":status", "200"}});
      cx.send_data(s, bytes("ok"), true);
      return;
    }
    cx.send_headers(s, {{":status", "200"}});
    if (plan_.mixed) cx.send_data(s, bytes("head"));
    h2engine::FileRef f = plan_.file->open();
    if (plan_.truncate) {  // after it was mapped: the mapping outlives the file's bytes
      int fd = ::open(plan_.file->path().c_str(), O_WRONLY);
      EXPECT_EQ(::ftruncate(fd, 0), 0);
      ::close(fd);
    }
    cx.send_file(s, std::move(f), plan_.offset, plan_.length, !plan_.mixed);
    if (plan_.mixed) {
      cx.send_data(s, bytes("tail"));
      cx.send_trailers(s, {{"x-checksum", "done"}});
    }
  }
  void on_data(Context& cx, StreamRef s, h2::Bytes d, bool) override { cx.credit(s, d.size()); }
  void on_sent(Context&, StreamRef, size_t n) override { plan_.sent += n; }

 private:
  const Plan& plan_;
};

struct Seen {
  std::mutex mu;
  std::condition_variable cv;
  std::map<std::string, std::string> body;  // by path
  std::map<std::string, bool> ended;
  std::map<std::string, std::string> trailer;
  std::map<std::string, int> reset_code;
  int closed = 0;
  template <class Pred>
  bool wait_for(Pred pred, std::chrono::milliseconds limit = 20s) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, limit, pred);
  }
};

// Opens one connection and GETs each of `paths` on it.
class FileClient final : public h2engine::Handler {
 public:
  FileClient(Seen& seen, std::vector<std::string> paths) : seen_(seen), paths_(std::move(paths)) {}
  void on_connection_open(Context& cx, ConnectionRef c, uint64_t) override {
    for (const std::string& p : paths_) {
      h2::Header h[] = {
          {":method", "GET"}, {":scheme", "http"}, {":authority", "t"}, {":path", p}};
      StreamRef s = cx.open_stream(c, h, true);
      path_of_[s.stream_id] = p;
    }
  }
  void on_connection_closed(Context&, ConnectionRef, h2engine::CloseReason, uint64_t) override {
    note([&] { ++seen_.closed; });
  }
  void on_headers(Context&, StreamRef s, h2::HeaderList, bool end) override {
    if (end) note([&] { seen_.ended[path_of_[s.stream_id]] = true; });
  }
  void on_data(Context& cx, StreamRef s, h2::Bytes d, bool end) override {
    cx.credit(s, d.size());
    note([&] {
      auto& p = path_of_[s.stream_id];
      seen_.body[p].append(reinterpret_cast<const char*>(d.data()), d.size());
      if (end) seen_.ended[p] = true;
    });
  }
  void on_trailers(Context&, StreamRef s, h2::HeaderList t) override {
    note([&] {
      auto& p = path_of_[s.stream_id];
      for (const auto& h : t) seen_.trailer[p] = std::string(h.value);
      seen_.ended[p] = true;
    });
  }
  void on_reset(Context&, StreamRef s, h2::ErrorCode code) override {
    note([&] { seen_.reset_code[path_of_[s.stream_id]] = static_cast<int>(code); });
  }

 private:
  template <class F>
  void note(F f) {
    h2enginetest::note(seen_, f);
  }
  Seen& seen_;
  std::vector<std::string> paths_;
  std::map<uint32_t, std::string> path_of_;
};

h2engine::EngineConfig server_cfg(const Plan& plan, h2engine::ActorMode mode) {
  h2engine::EngineConfig cfg;
  cfg.workers = 1;
  cfg.pin_workers = false;
  cfg.actors = mode;
  cfg.actor_threads = 1;
  cfg.recv_buffers = 64;
  cfg.handler_factory = [&plan](unsigned) { return std::make_unique<FileServer>(plan); };
  return cfg;
}

h2engine::EngineConfig client_cfg(Seen& seen, std::vector<std::string> paths,
                                  uint32_t window = 65535) {
  h2engine::EngineConfig cfg;
  cfg.workers = 1;
  cfg.pin_workers = false;
  cfg.listen = false;
  cfg.recv_buffers = 64;
  cfg.initial_window_size = window;
  cfg.handler_factory = [&seen, paths](unsigned) {
    return std::make_unique<FileClient>(seen, paths);
  };
  return cfg;
}

// A server engine serving `plan`, and a client engine connected to it that GETs `paths`.
struct Loopback {
  Loopback(const Plan& plan, h2engine::ActorMode mode, Seen& seen, std::vector<std::string> paths,
           uint32_t window = 65535)
      : server(server_cfg(plan, mode)), client(client_cfg(seen, std::move(paths), window)) {
    server.start();
    client.start();
    client.connect(0, "127.0.0.1", server.port(), 1);
  }
  h2engine::Engine server;
  h2engine::Engine client;
};

class SendFileModes : public ::testing::TestWithParam<h2engine::ActorMode> {};

TEST_P(SendFileModes, ARangeOfTheFileArrivesByteForByte) {
  const std::string content = pattern(3 * 1024 * 1024 + 11, 1);
  TempFile file(content);
  Plan plan{&file, 1001, 2 * 1024 * 1024 + 5};
  Seen seen;
  Loopback run(plan, GetParam(), seen, {"/file"});
  ASSERT_TRUE(seen.wait_for([&] { return seen.ended["/file"]; }));
  std::lock_guard lock(seen.mu);
  EXPECT_TRUE(seen.body["/file"] == content.substr(1001, 2 * 1024 * 1024 + 5));
}

TEST_P(SendFileModes, DataAndTrailersQueuedAroundTheFileKeepTheirOrder) {
  const std::string content = pattern(100000, 2);
  TempFile file(content);
  Plan plan{&file, 0, content.size(), /*mixed=*/true};
  Seen seen;
  // A 4 KiB stream window: the file leaves in many window-sized pieces.
  Loopback run(plan, GetParam(), seen, {"/file", "/other"}, 4096);
  ASSERT_TRUE(seen.wait_for([&] { return seen.ended["/file"] && seen.ended["/other"]; }));
  std::lock_guard lock(seen.mu);
  EXPECT_TRUE(seen.body["/file"] == "head" + content + "tail");
  EXPECT_EQ(seen.trailer["/file"], "done");
  EXPECT_EQ(seen.body["/other"], "ok");
}

// on_sent is the application's signal to produce more or to return credit (a proxy relaying a
// body): its counts must add up to the whole body, including the last bytes, which leave with
// END_STREAM and finish the stream before the report is made.
TEST_P(SendFileModes, OnSentReportsEveryBodyByteIncludingAFinishedStreamsLast) {
  const std::string content = pattern(200000, 5);
  TempFile file(content);
  Plan plan{&file, 0, content.size(), /*mixed=*/true};
  Seen seen;
  Loopback run(plan, GetParam(), seen, {"/file", "/other"}, 4096);
  ASSERT_TRUE(seen.wait_for([&] { return seen.ended["/file"] && seen.ended["/other"]; }));
  // "head" + file + "tail" on /file, "ok" on /other. The client may see the last frame before
  // the server's worker reports it: wait, bounded.
  const uint64_t expected = 4 + content.size() + 4 + 2;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (plan.sent.load() < expected && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(1ms);
  EXPECT_EQ(plan.sent.load(), expected);
}

TEST_P(SendFileModes, ARangeBeyondTheFileResetsTheStreamOnly) {
  TempFile file(pattern(1000, 3));
  Plan plan{&file, 500, 501};
  Seen seen;
  Loopback run(plan, GetParam(), seen, {"/file", "/other"});
  ASSERT_TRUE(seen.wait_for([&] { return seen.reset_code.count("/file") && seen.ended["/other"]; }));
  std::lock_guard lock(seen.mu);
  EXPECT_EQ(seen.reset_code["/file"], static_cast<int>(h2::ErrorCode::kInternalError));
  EXPECT_EQ(seen.body["/other"], "ok");
  EXPECT_EQ(seen.closed, 0);
}

TEST_P(SendFileModes, AFileTruncatedUnderAQueuedBodyClosesOnlyItsConnection) {
  TempFile file(pattern(1 << 20, 4));
  Plan plan{&file, 0, 1 << 20, false, /*truncate=*/true};
  Seen seen;
  Loopback run(plan, GetParam(), seen, {"/file"});
  ASSERT_TRUE(seen.wait_for([&] { return seen.closed == 1; }));
  {
    std::lock_guard lock(seen.mu);
    EXPECT_FALSE(seen.ended["/file"]);  // the body could not be completed
  }
  // The server goes on serving.
  Seen again;
  h2engine::Engine client2(client_cfg(again, {"/other"}));
  client2.start();
  client2.connect(0, "127.0.0.1", run.server.port(), 1);
  ASSERT_TRUE(again.wait_for([&] { return again.ended["/other"]; }));
  EXPECT_EQ(run.server.total_counters().errors, 1u);
}

INSTANTIATE_TEST_SUITE_P(Actors, SendFileModes,
                         ::testing::Values(h2engine::ActorMode::kInline,
                                           h2engine::ActorMode::kThreads),
                         [](const auto& param_info) {
                           return param_info.param == h2engine::ActorMode::kInline ? "Inline"
                                                                                   : "Threads";
                         });

}  // namespace
