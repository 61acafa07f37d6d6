// Engine: N pinned worker threads, each with its own io_uring and its own shard of HTTP/2
// connections for their whole life, and the application's Handlers, either on the workers
// themselves (inline actors) or on K actor threads joined to every worker by a pair of
// bounded SPSC mailboxes (threaded actors). See docs/engine.md.
//
//   h2engine::EngineConfig cfg;
//   cfg.listen_port = 8080;
//   cfg.handler_factory = [](unsigned) { return std::make_unique<MyHandler>(); };
//   h2engine::Engine engine(cfg);
//   engine.start();               // returns once every worker listens
//   ...
//   engine.stop();                // graceful: GOAWAY, drain, deadline
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "h2/config.h"
#include "h2engine/app.h"
#include "h2engine/counters.h"

namespace h2engine {

enum class ActorMode : uint8_t {
  kInline,   // handlers run on the worker threads: no queue hop
  kThreads,  // handlers run on actor_threads threads, reached through SPSC mailboxes
};

// Closed streams each engine connection remembers, to tell a late frame on a stream it closed
// from a protocol error. h2 remembers 65536 (~14 bytes each): a busy connection then holds up
// to ~900 KB for this alone, and inserting into a table that large costs cache misses on every
// stream. Frames still in flight after a close come within a round trip, far fewer than this.
inline constexpr size_t kClosedStreamsRemembered = 1024;

inline h2::H2Configuration default_h2_configuration() {
  h2::H2Configuration c;
  c.limits.max_closed_streams = kClosedStreamsRemembered;
  return c;
}

struct EngineConfig {
  unsigned workers = 0;  // 0: one per online CPU
  bool pin_workers = true;
  ActorMode actors = ActorMode::kInline;
  unsigned actor_threads = 1;
  // One Handler per worker (inline) or per actor thread (threaded); the argument is its index.
  std::function<std::unique_ptr<Handler>(unsigned index)> handler_factory;

  // Server side. listen = false: a client-only engine (load generator, upstream pool).
  bool listen = true;
  std::string listen_address = "127.0.0.1";
  uint16_t listen_port = 0;  // 0: an ephemeral port; Engine::port() tells which
  // TCP congestion control of every connection, accepted and opened ("cubic", "reno", ...);
  // empty: the system's default. A name the kernel refuses makes start() throw (listening)
  // or the connect fail. On loopback a pacing algorithm (bbr without the fq qdisc) costs
  // about as much kernel CPU per large response as copying it (docs/io.md).
  std::string tcp_congestion;
  // Settings we advertise (RFC 9113 §6.5.2) beyond h2's defaults.
  uint32_t max_concurrent_streams = 128;
  uint32_t initial_window_size = 65535;
  // The connection-level receive window (RFC 9113 §6.9.2 starts it at 65535; a larger value
  // is announced with WINDOW_UPDATE on stream 0 right after the preface).
  uint32_t connection_window_size = 65535;
  // The HTTP/2 options and the flood limits of every connection: h2's, except that a
  // connection remembers at most kClosedStreamsRemembered closed streams (see below).
  h2::H2Configuration h2 = default_h2_configuration();

  // Deadlines.
  std::chrono::milliseconds idle_timeout{60000};
  std::chrono::milliseconds connect_timeout{10000};  // client side: TCP connect
  std::chrono::milliseconds settings_ack_timeout{10000};
  std::chrono::milliseconds shutdown_deadline{5000};

  // Buffers and backpressure.
  uint32_t recv_buffers = 1024;                   // provided buffers per worker (power of two)
  uint32_t recv_buffer_size = 16384;              // bytes each
  uint32_t mailbox_capacity = 4096;               // messages per SPSC mailbox
  size_t max_unsent_per_connection = 256 * 1024;  // stop producing DATA above this backlog
  // Log lines per connection (errors, closes) before it goes quiet.
  unsigned log_lines_per_connection = 4;
  unsigned ring_entries = 1024;
  // Completions a worker handles before it flushes what they produced (responses, requests)
  // and submits the sends, within one loop turn; 0: once per turn. A turn may carry input from
  // every connection. Sending the first answers while the rest are still being handled lets
  // the peer work in parallel; flushing once per turn makes two busy peers alternate in large
  // waves, each idle while the other works (on loopback with 64 connections x 32 streams this
  // alone capped h2bench against h2server at ~0.9 M req/s, with both at ~60 % of a core).
  unsigned flush_every = 16;
};

class Engine {
 public:
  explicit Engine(EngineConfig config);
  ~Engine();  // stops if still running
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Starts the workers (and actor threads); returns once all of them are ready. Throws
  // h2io::IoError when io_uring or the listen socket cannot be set up.
  void start();
  // Graceful stop: GOAWAY to every connection, streams below it finish, then the remaining
  // connections are closed at the shutdown deadline. Returns when every thread has exited.
  void stop();
  // Asks for stop() from any thread (also a signal handler: it only writes eventfds).
  void request_stop() noexcept;
  // Blocks until request_stop() was called, then stops.
  void wait();
  // Like wait(), but calls `every` each `interval` meanwhile (e.g. to print counters).
  void wait(std::chrono::milliseconds interval, const std::function<void()>& every);
  bool stop_requested() const noexcept;

  uint16_t port() const noexcept;
  unsigned worker_count() const noexcept;
  // Per-worker counters, read at run time (relaxed snapshots).
  std::vector<CountersSnapshot> counters() const;
  CountersSnapshot total_counters() const;

  // Client side from outside the engine's threads: opens a connection on `worker` (modulo the
  // worker count); the handler of that connection learns of it via on_connection_open.
  void connect(unsigned worker, std::string host, uint16_t port, uint64_t user_tag);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace h2engine
