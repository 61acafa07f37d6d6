// Per-worker statistics. Each worker owns one WorkerCounters and is its only writer; readers
// on other threads see relaxed snapshots. The struct fills whole cache lines so two workers'
// counters never share one (Seastar's per-shard statistics).
#pragma once

#include <atomic>
#include <cstdint>

namespace h2engine {

struct alignas(64) WorkerCounters {
  std::atomic<uint64_t> connections_open{0};
  std::atomic<uint64_t> connections_total{0};
  std::atomic<uint64_t> streams_total{0};
  std::atomic<uint64_t> bytes_in{0};
  std::atomic<uint64_t> bytes_out{0};
  std::atomic<uint64_t> frames_in{0};
  std::atomic<uint64_t> resets{0};
  std::atomic<uint64_t> errors{0};

  // Single writer: a relaxed load-add-store is enough and avoids a locked instruction.
  static void bump(std::atomic<uint64_t>& c, uint64_t n = 1) noexcept {
    c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
};

struct CountersSnapshot {
  uint64_t connections_open, connections_total, streams_total, bytes_in, bytes_out, frames_in,
      resets, errors;
};

CountersSnapshot snapshot(const WorkerCounters& c) noexcept;

}  // namespace h2engine
