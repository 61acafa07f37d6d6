// EngineConfig::flush_every: a worker may flush and submit its output after every few
// completions instead of once per loop turn. Whatever the granularity (once per turn, after
// every completion, every few), many connections with many streams each get every response
// whole and in order of their own bytes, on both the server and the client side. (The reason
// for flushing early is throughput between two busy peers; that is measured by
// bench/run_client_bench.sh, not asserted here.)
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>

#include "h2engine/engine.h"
#include "loopback_support.h"

namespace {

using namespace std::chrono_literals;
using h2engine::ConnectionRef;
using h2engine::Context;
using h2engine::StreamRef;
using h2enginetest::bytes;

constexpr int kConnections = 6;
constexpr int kRequestsPerConnection = 120;


// Answers each GET with a body naming its path, long enough to span several DATA frames for
// some paths (a window's worth of queued output per connection).
class PathEcho final : public h2engine::Handler {
 public:
  void on_headers(Context& cx, StreamRef s, h2::HeaderList headers, bool) override {
    std::string path;
    for (const auto& h : headers)
      if (h.name == ":path") path = h.value;
    cx.send_headers(s, {{":status", "200"}});
    cx.send_data(s, bytes(body_for(path)), true);
  }
  void on_data(Context& cx, StreamRef s, h2::Bytes d, bool) override { cx.credit(s, d.size()); }

  static std::string body_for(const std::string& path) {
    std::string body = "for " + path + ":";
    const size_t n = path.size() % 3 == 0 ? 40000 : 10;
    for (size_t i = 0; i < n; ++i) body.push_back(static_cast<char>('a' + (i + path.size()) % 26));
    return body;
  }
};

struct Seen {
  std::mutex mu;
  std::condition_variable cv;
  std::map<std::pair<uint64_t, uint32_t>, std::string> body;  // by (connection tag, stream)
  std::map<std::pair<uint64_t, uint32_t>, std::string> path;
  int finished = 0;
  int failed = 0;
};

class ManyStreams final : public h2engine::Handler {
 public:
  explicit ManyStreams(Seen& seen) : seen_(seen) {}
  void on_connection_open(Context& cx, ConnectionRef c, uint64_t tag) override {
    tags_[c.slot] = tag;
    for (int i = 0; i < kRequestsPerConnection; ++i) {
      const std::string p = "/c" + std::to_string(tag) + "/" + std::to_string(i);
      h2::Header h[] = {{":method", "GET"}, {":scheme", "http"}, {":authority", "t"}, {":path", p}};
      StreamRef s = cx.open_stream(c, h, true);
      std::lock_guard lock(seen_.mu);
      seen_.path[{tag, s.stream_id}] = p;
    }
  }
  void on_headers(Context&, StreamRef, h2::HeaderList, bool end) override {
    if (end) note([&] { ++seen_.failed; });  // every answer has a body
  }
  void on_data(Context& cx, StreamRef s, h2::Bytes d, bool end) override {
    cx.credit(s, d.size());
    note([&] {
      seen_.body[{tags_[s.connection.slot], s.stream_id}].append(
          reinterpret_cast<const char*>(d.data()), d.size());
      if (end) ++seen_.finished;
    });
  }
  void on_reset(Context&, StreamRef, h2::ErrorCode) override { note([&] { ++seen_.failed; }); }

 private:
  template <class F>
  void note(F f) {
    h2enginetest::note(seen_, f);
  }
  Seen& seen_;
  std::map<uint32_t, uint64_t> tags_;  // connection slot -> tag
};

class FlushGranularity : public ::testing::TestWithParam<unsigned> {};

TEST_P(FlushGranularity, EveryResponseArrivesWhole) {
  h2engine::EngineConfig server_cfg;
  server_cfg.workers = 1;
  server_cfg.pin_workers = false;
  server_cfg.recv_buffers = 64;
  server_cfg.flush_every = GetParam();
  server_cfg.handler_factory = [](unsigned) { return std::make_unique<PathEcho>(); };
  h2engine::Engine server(std::move(server_cfg));
  server.start();

  Seen seen;
  h2engine::EngineConfig client_cfg;
  client_cfg.workers = 1;
  client_cfg.pin_workers = false;
  client_cfg.listen = false;
  client_cfg.recv_buffers = 64;
  client_cfg.flush_every = GetParam();
  client_cfg.handler_factory = [&seen](unsigned) { return std::make_unique<ManyStreams>(seen); };
  h2engine::Engine client(std::move(client_cfg));
  client.start();
  for (int c = 0; c < kConnections; ++c) client.connect(0, "127.0.0.1", server.port(), c);

  std::unique_lock lock(seen.mu);
  ASSERT_TRUE(seen.cv.wait_for(lock, 30s, [&] {
    return seen.failed > 0 || seen.finished == kConnections * kRequestsPerConnection;
  })) << seen.finished;
  EXPECT_EQ(seen.failed, 0);
  ASSERT_EQ(seen.body.size(), seen.path.size());
  for (const auto& [key, path] : seen.path)
    EXPECT_TRUE(seen.body[key] == PathEcho::body_for(path)) << path;
}

INSTANTIATE_TEST_SUITE_P(Completions, FlushGranularity, ::testing::Values(0u, 1u, 3u, 16u),
                         [](const auto& param_info) { return "Every" + std::to_string(param_info.param); });

}  // namespace
