// The engine in steady state allocates (almost) nothing per request: a client engine keeps 32
// requests in flight on one loopback connection to a server engine (both with inline actors,
// in this process), and once both are warm the global allocation count over 20,000 more
// exchanges stays at a handful. Buffers are pooled, output buffers stay with busy
// connections, stream slots and per-turn lists keep their capacity, closed-stream memory is
// bounded (kClosedStreamsRemembered).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <thread>

#include "h2engine/engine.h"
#include "support/counting_allocator.h"

namespace {

using namespace std::chrono_literals;
using h2engine::ConnectionRef;
using h2engine::Context;
using h2engine::StreamRef;

constexpr uint64_t kWarmUp = 5000;
constexpr uint64_t kMeasured = 20000;
constexpr uint32_t kInFlight = 32;

const uint8_t kBody[100] = {};

class SmallResponder final : public h2engine::Handler {
 public:
  void on_headers(Context& cx, StreamRef s, h2::HeaderList, bool) override {
    cx.send_headers(s, {{":status", "200"}, {"content-length", "100"}});
    cx.send_data(s, h2::Bytes(kBody, sizeof kBody), true);
  }
  void on_data(Context& cx, StreamRef s, h2::Bytes d, bool) override { cx.credit(s, d.size()); }
};

struct Progress {
  std::atomic<uint64_t> allocations_measured{0};
  std::atomic<bool> done{false};
  std::atomic<bool> failed{false};
};

// Closed loop on one connection: every finished response is replaced by a new request.
class Requester final : public h2engine::Handler {
 public:
  explicit Requester(Progress& p) : progress_(p) {}
  void on_connection_open(Context& cx, ConnectionRef c, uint64_t) override {
    for (uint32_t i = 0; i < kInFlight; ++i) send(cx, c);
  }
  void on_connection_closed(Context&, ConnectionRef, h2engine::CloseReason, uint64_t) override {
    if (!progress_.done) progress_.failed = true;
  }
  void on_headers(Context&, StreamRef, h2::HeaderList, bool end) override {
    if (end) progress_.failed = true;  // every response has a body
  }
  void on_data(Context& cx, StreamRef s, h2::Bytes d, bool end) override {
    cx.credit(s, d.size());
    if (end) finished(cx, s.connection);
  }
  void on_reset(Context&, StreamRef, h2::ErrorCode) override { progress_.failed = true; }

 private:
  void send(Context& cx, ConnectionRef c) {
    h2::Header h[] = {{":method", "GET"},
                      {":scheme", "http"},
                      {":authority", "localhost"},
                      {":path", "/small"},
                      {"user-agent", "alloc-test"}};
    cx.open_stream(c, h, true);
    ++sent_;
  }
  void finished(Context& cx, ConnectionRef c) {
    ++completed_;
    if (completed_ == kWarmUp) counter_.emplace();
    if (completed_ == kWarmUp + kMeasured) {
      progress_.allocations_measured = counter_->count();
      progress_.done = true;
      cx.close_connection(c);
      return;
    }
    if (sent_ < kWarmUp + kMeasured + kInFlight) send(cx, c);
  }

  Progress& progress_;
  uint64_t sent_ = 0;
  uint64_t completed_ = 0;
  std::optional<h2test::AllocationCounter> counter_;
};

h2engine::EngineConfig base_config() {
  h2engine::EngineConfig cfg;
  cfg.workers = 1;
  cfg.pin_workers = false;
  cfg.recv_buffers = 64;
  return cfg;
}

TEST(EngineSteadyState, AnExchangeAllocatesNothingOnceWarm) {
  h2engine::EngineConfig server_cfg = base_config();
  server_cfg.handler_factory = [](unsigned) { return std::make_unique<SmallResponder>(); };
  h2engine::Engine server(std::move(server_cfg));
  server.start();

  Progress progress;
  h2engine::EngineConfig client_cfg = base_config();
  client_cfg.listen = false;
  client_cfg.handler_factory = [&progress](unsigned) {
    return std::make_unique<Requester>(progress);
  };
  h2engine::Engine client(std::move(client_cfg));
  client.start();
  client.connect(0, "127.0.0.1", server.port(), 0);

  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (!progress.done && !progress.failed && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(5ms);
  ASSERT_TRUE(progress.done) << (progress.failed ? "a stream or the connection failed"
                                                 : "no progress within the time limit");
  // Both engines (both workers) count: a few at most in 20,000 exchanges (measured: 0). With
  // h2's 65536 closed streams remembered, the closed-stream tables of both connections still
  // grew through these streams (12 allocations).
  EXPECT_LE(progress.allocations_measured.load(), 4u)
      << "allocations over " << kMeasured << " exchanges";
}

}  // namespace
