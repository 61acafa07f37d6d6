#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "h2io/ring.h"
#include "h2io/waker.h"
#include "loop_helpers.h"

namespace {

using h2io::Completion;
using h2io::OpKind;
using h2io::OpTag;
using h2io::Ring;
using h2io::Waker;
using namespace h2io_test;

const OpTag kWakeTag{OpKind::kWake, 0};

TEST(Waker, WakesARingBlockedInWaitFromAnotherThread) {
  Ring ring;
  Waker waker;
  waker.arm(ring, kWakeTag);
  std::thread other([&] {
    std::this_thread::sleep_for(20ms);  // let the main thread block first (not required)
    waker.wake();
  });
  int wakes = 0;
  // One wait, bounded only by the generous timeout: it must end because of the wake.
  ASSERT_EQ(ring.submit_and_wait(1, kGenerousTimeout), 0);
  ring.for_each_completion([&](const Completion& c) {
    ASSERT_EQ(c.tag, kWakeTag);
    EXPECT_EQ(c.res, 8);
    waker.on_completion(ring, c);
    ++wakes;
  });
  other.join();
  EXPECT_EQ(wakes, 1);
}

TEST(Waker, CoalescesWakesUntilTheWorkerHasSeenOne) {
  Ring ring;
  Waker waker;
  waker.arm(ring, kWakeTag);
  EXPECT_TRUE(waker.wake());
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(waker.wake());
  int wakes = 0;
  ASSERT_TRUE(run_until(
      ring, [&] { return wakes == 1; },
      [&](const Completion& c) {
        waker.on_completion(ring, c);
        ++wakes;
      }));
  EXPECT_TRUE(waker.wake()) << "after the worker saw the wake, the next one writes again";
}

TEST(Waker, NoWakeIsLostWithManyProducers) {
  Ring ring;
  Waker waker;
  waker.arm(ring, kWakeTag);
  constexpr int kThreads = 4, kPerThread = 2000;
  std::atomic<int> posted{0};  // stands in for a mailbox
  std::vector<std::thread> producers;
  for (int t = 0; t < kThreads; ++t) {
    producers.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        posted.fetch_add(1, std::memory_order_seq_cst);  // post, then wake
        waker.wake();
      }
    });
  }
  int drained = 0;
  // Each wait is bounded by the generous timeout; a lost wake would leave messages undrained.
  auto deadline = SteadyClock::now() + kGenerousTimeout;
  while (drained < kThreads * kPerThread && SteadyClock::now() < deadline) {
    ASSERT_EQ(ring.submit_and_wait(1, kGenerousTimeout), 0);
    ring.for_each_completion([&](const Completion& c) {
      waker.on_completion(ring, c);                      // clear + re-arm first...
      drained = posted.load(std::memory_order_seq_cst);  // ...then drain
    });
  }
  for (auto& p : producers) p.join();
  EXPECT_EQ(drained, kThreads * kPerThread);
}

}  // namespace
