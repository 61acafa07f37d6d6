#include <gtest/gtest.h>

#include <thread>

#include "h2engine/counters.h"
#include "h2io/uring_probe.h"

namespace {

TEST(WorkerCounters, OccupyWholeCacheLinesSoWorkersNeverShareOne) {
  EXPECT_EQ(alignof(h2engine::WorkerCounters) % 64, 0u);
  EXPECT_EQ(sizeof(h2engine::WorkerCounters) % 64, 0u);
}

TEST(WorkerCounters, SnapshotFromAnotherThreadSeesTheWritersUpdates) {
  h2engine::WorkerCounters counters;
  std::thread writer([&] {
    for (int i = 0; i < 1000; ++i) h2engine::WorkerCounters::bump(counters.frames_in);
    h2engine::WorkerCounters::bump(counters.bytes_in, 4096);
  });
  writer.join();
  auto s = h2engine::snapshot(counters);
  EXPECT_EQ(s.frames_in, 1000u);
  EXPECT_EQ(s.bytes_in, 4096u);
  EXPECT_EQ(s.errors, 0u);
}

TEST(UringProbe, ReportsAReasonWhenUnavailable) {
  auto probe = h2io::probe_io_uring();
  // Either io_uring works here, or the probe must say why; never silent failure.
  if (!probe.available) {
    EXPECT_FALSE(probe.reason.empty());
  } else {
    EXPECT_TRUE(probe.reason.empty());
  }
}

}  // namespace
