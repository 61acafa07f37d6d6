#include "h2engine/counters.h"

namespace h2engine {

CountersSnapshot snapshot(const WorkerCounters& c) noexcept {
  auto get = [](const std::atomic<uint64_t>& a) { return a.load(std::memory_order_relaxed); };
  return CountersSnapshot{
      get(c.connections_open), get(c.connections_total), get(c.streams_total), get(c.bytes_in),
      get(c.bytes_out),        get(c.frames_in),         get(c.resets),        get(c.errors)};
}

}  // namespace h2engine
