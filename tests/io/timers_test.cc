#include <gtest/gtest.h>

#include <vector>

#include "h2io/timers.h"

namespace {

using h2io::Timers;
using namespace std::chrono_literals;

// A fake clock: time only moves when the test says so.
const Timers::TimePoint t0 = Timers::TimePoint{} + 1h;

std::vector<Timers::Id> expire(Timers& timers, Timers::TimePoint now) {
  std::vector<Timers::Id> fired;
  timers.expired(now, [&](Timers::Id id) { fired.push_back(id); });
  return fired;
}

using Ids = std::vector<Timers::Id>;

TEST(Timers, FireInDeadlineOrderNotSchedulingOrder) {
  Timers timers(t0, 1ms, 64);
  timers.schedule(1, t0 + 30ms);
  timers.schedule(2, t0 + 10ms);
  timers.schedule(3, t0 + 20ms);
  EXPECT_EQ(expire(timers, t0 + 5ms), Ids{});
  EXPECT_EQ(expire(timers, t0 + 25ms), (Ids{2, 3}));
  EXPECT_EQ(expire(timers, t0 + 30ms), Ids{1});
  EXPECT_EQ(timers.size(), 0u);
}

TEST(Timers, EqualDeadlinesFireInSchedulingOrder) {
  Timers timers(t0, 1ms, 64);
  timers.schedule(7, t0 + 10ms);
  timers.schedule(3, t0 + 10ms);
  timers.schedule(5, t0 + 10ms);
  EXPECT_EQ(expire(timers, t0 + 10ms), (Ids{7, 3, 5}));
}

TEST(Timers, CancelledTimersNeverFire) {
  Timers timers(t0, 1ms, 64);
  timers.schedule(1, t0 + 10ms);
  timers.schedule(2, t0 + 10ms);
  EXPECT_TRUE(timers.cancel(1));
  EXPECT_FALSE(timers.cancel(1));
  EXPECT_FALSE(timers.cancel(99));
  EXPECT_FALSE(timers.scheduled(1));
  EXPECT_EQ(expire(timers, t0 + 50ms), Ids{2});
}

TEST(Timers, SchedulingAgainMovesTheDeadline) {
  Timers timers(t0, 1ms, 64);
  timers.schedule(1, t0 + 10ms);
  timers.schedule(1, t0 + 40ms);  // activity pushed the idle timeout back
  EXPECT_EQ(expire(timers, t0 + 20ms), Ids{});
  EXPECT_EQ(expire(timers, t0 + 40ms), Ids{1});
}

TEST(Timers, NeverFiresBeforeTheExactDeadlineWithinATick) {
  Timers timers(t0, 1ms, 64);
  timers.schedule(1, t0 + 10ms + 500us);
  EXPECT_EQ(expire(timers, t0 + 10ms + 200us), Ids{});
  EXPECT_EQ(expire(timers, t0 + 10ms + 500us), Ids{1});
}

TEST(Timers, DeadlinesBeyondOneTurnOfTheWheelWaitForTheirTurn) {
  Timers timers(t0, 1ms, 64);  // one turn = 64 ms
  timers.schedule(1, t0 + 1000ms);
  timers.schedule(2, t0 + 65ms);  // same slot as t0+1ms one turn later
  EXPECT_EQ(expire(timers, t0 + 1ms), Ids{});
  EXPECT_EQ(expire(timers, t0 + 100ms), Ids{2});
  EXPECT_EQ(expire(timers, t0 + 999ms), Ids{});
  EXPECT_EQ(expire(timers, t0 + 5000ms), Ids{1});
}

TEST(Timers, ADeadlineAlreadyPassedFiresOnTheNextSweep) {
  Timers timers(t0, 1ms, 64);
  EXPECT_EQ(expire(timers, t0 + 100ms), Ids{});
  timers.schedule(4, t0 + 50ms);
  EXPECT_EQ(expire(timers, t0 + 100ms), Ids{4});
}

TEST(Timers, NextDeadlineIsTheEarliestOrAnEarlierBound) {
  Timers timers(t0, 1ms, 64);
  EXPECT_FALSE(timers.next_deadline().has_value());
  timers.schedule(1, t0 + 30ms);
  timers.schedule(2, t0 + 12ms + 300us);
  EXPECT_EQ(timers.next_deadline(), t0 + 12ms + 300us);
  timers.cancel(2);
  EXPECT_EQ(timers.next_deadline(), t0 + 30ms);
  timers.cancel(1);
  timers.schedule(3, t0 + 10s);  // beyond one turn: an earlier bound, never later
  ASSERT_TRUE(timers.next_deadline().has_value());
  EXPECT_LE(*timers.next_deadline(), t0 + 10s);
  EXPECT_GT(*timers.next_deadline(), t0);
}

TEST(Timers, AFiringTimerMayCancelAnotherDueOneOrRescheduleItself) {
  Timers timers(t0, 1ms, 64);
  timers.schedule(1, t0 + 10ms);
  timers.schedule(2, t0 + 20ms);
  std::vector<Timers::Id> fired;
  timers.expired(t0 + 30ms, [&](Timers::Id id) {
    fired.push_back(id);
    if (id == 1) {
      timers.cancel(2);                // due in this same sweep, must not fire
      timers.schedule(1, t0 + 100ms);  // re-arm itself
    }
  });
  EXPECT_EQ(fired, Ids{1});
  EXPECT_TRUE(timers.scheduled(1));
  EXPECT_EQ(expire(timers, t0 + 100ms), Ids{1});
}

TEST(Timers, ThousandsOfConnectionsExpireExactlyOnceEach) {
  Timers timers(t0, 1ms, 256);
  constexpr Timers::Id kN = 5000;
  for (Timers::Id id = 0; id < kN; ++id)
    timers.schedule(id, t0 + std::chrono::milliseconds(id % 977));
  std::vector<int> count(kN, 0);
  auto last = t0;
  for (auto now = t0; now <= t0 + 1s; now += 7ms) {
    timers.expired(now, [&](Timers::Id id) {
      ++count[id];
      EXPECT_LE(t0 + std::chrono::milliseconds(id % 977), now);
      EXPECT_GT(t0 + std::chrono::milliseconds(id % 977), last - 1ns);
    });
    last = now;
  }
  for (Timers::Id id = 0; id < kN; ++id) EXPECT_EQ(count[id], 1) << id;
  EXPECT_EQ(timers.size(), 0u);
}

}  // namespace
