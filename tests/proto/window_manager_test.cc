// h2::WindowManager, the automatic WINDOW_UPDATE rule (BEHAVIOUR.md §2.7, h2/windows.py).
#include "window_manager.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <stdexcept>

#include "h2/exceptions.h"

namespace h2 {
namespace {

constexpr int64_t kLargest = 0x7fffffff;

TEST(WindowManager, StartsFullAtItsTarget) {
  WindowManager w(65535);
  EXPECT_EQ(w.current_window_size(), 65535);
  EXPECT_EQ(w.max_window_size(), 65535);
}

TEST(WindowManager, AcceptsTheLargestWindowAndRejectsLarger) {
  EXPECT_EQ(WindowManager(0x7fffffff).current_window_size(), kLargest);
  EXPECT_THROW(WindowManager(0x80000000u), std::invalid_argument);
}

TEST(WindowManagerConsumed, ShrinksTheWindow) {
  WindowManager w(65535);
  w.window_consumed(535);
  EXPECT_EQ(w.current_window_size(), 65000);
  EXPECT_EQ(w.max_window_size(), 65535);
  w.window_consumed(65000);
  EXPECT_EQ(w.current_window_size(), 0);
}

TEST(WindowManagerConsumed, BelowZeroIsAFlowControlError) {
  WindowManager w(100);
  try {
    w.window_consumed(101);
    FAIL() << "no exception";
  } catch (const FlowControlError& e) {
    EXPECT_EQ(e.error_code(), ErrorCode::kFlowControlError);
  }
  EXPECT_EQ(w.current_window_size(), -1);  // as in h2, the bytes are counted before the check
}

TEST(WindowManagerConsumed, ZeroBytesOnAnEmptyWindowAreFine) {
  WindowManager w(10);
  w.window_consumed(10);
  w.window_consumed(0);
  EXPECT_EQ(w.current_window_size(), 0);
}

TEST(WindowManagerOpened, GrowsTheWindowAndRaisesTheTarget) {
  WindowManager w(100);
  w.window_consumed(50);
  w.window_opened(30);
  EXPECT_EQ(w.current_window_size(), 80);
  EXPECT_EQ(w.max_window_size(), 100);  // below the target: target unchanged
  w.window_opened(70);
  EXPECT_EQ(w.current_window_size(), 150);
  EXPECT_EQ(w.max_window_size(), 150);  // target raised to the window
}

TEST(WindowManagerOpened, UpToTwoPow31MinusOneIsFine) {
  WindowManager w(65535);
  w.window_opened(static_cast<uint32_t>(kLargest - 65535));
  EXPECT_EQ(w.current_window_size(), kLargest);
  EXPECT_EQ(w.max_window_size(), kLargest);
}

TEST(WindowManagerOpened, PastTwoPow31MinusOneIsAFlowControlError) {
  WindowManager w(65535);
  EXPECT_THROW(w.window_opened(static_cast<uint32_t>(kLargest - 65535 + 1)), FlowControlError);
  EXPECT_EQ(w.max_window_size(), 65535);  // as in h2: the target is not raised
  WindowManager full(0x7fffffff);
  EXPECT_THROW(full.window_opened(0xffffffffu), FlowControlError);
}

TEST(WindowManagerProcess, NothingProcessedGivesNothing) {
  WindowManager w(65535);
  w.window_consumed(65535);
  EXPECT_EQ(w.process_bytes(0), std::nullopt);
}

TEST(WindowManagerProcess, SmallAcknowledgementsQueueNothing) {  // h2: 9 or 0 bytes
  WindowManager w(65535);
  w.window_consumed(9);
  EXPECT_EQ(w.process_bytes(9), std::nullopt);
  EXPECT_EQ(w.process_bytes(0), std::nullopt);
  EXPECT_EQ(w.current_window_size(), 65526);
}

TEST(WindowManagerProcess, EmptyWindowUpdatesOnceMoreThan1024Processed) {
  WindowManager w(65535);
  w.window_consumed(65535);
  EXPECT_EQ(w.process_bytes(1024), std::nullopt);  // needs strictly more than 1024
  EXPECT_EQ(w.process_bytes(1), 1025u);
  EXPECT_EQ(w.current_window_size(), 1025);
}

TEST(WindowManagerProcess, EmptySmallWindowUpdatesOnceMoreThanAQuarterProcessed) {
  WindowManager w(400);  // min(1024, 400/4) = 100
  w.window_consumed(400);
  EXPECT_EQ(w.process_bytes(100), std::nullopt);
  EXPECT_EQ(w.process_bytes(1), 101u);
}

TEST(WindowManagerProcess, NonEmptyWindowUpdatesAtHalfTheTarget) {
  WindowManager w(65535);
  w.window_consumed(40000);
  EXPECT_EQ(w.process_bytes(32766), std::nullopt);  // 65535 // 2 = 32767
  EXPECT_EQ(w.process_bytes(1), 32767u);
  EXPECT_EQ(w.current_window_size(), 25535 + 32767);
}

TEST(WindowManagerProcess, EmptyRuleDoesNotApplyToAnAlmostEmptyWindow) {
  WindowManager w(65535);
  w.window_consumed(65534);
  EXPECT_EQ(w.process_bytes(5000), std::nullopt);
  EXPECT_EQ(w.process_bytes(27767), 32767u);
}

TEST(WindowManagerProcess, IncrementIsCappedAtTheRoomLeftInTheTarget) {
  WindowManager w(100);
  w.window_consumed(10);
  EXPECT_EQ(w.process_bytes(60), 10u);  // min(60, 100 - 90)
  EXPECT_EQ(w.current_window_size(), 100);
  // processed was reset although only 10 of 60 were returned.
  EXPECT_EQ(w.process_bytes(49), std::nullopt);
}

TEST(WindowManagerProcess, ZeroIncrementGivesNothingButResetsProcessed) {
  WindowManager w(100);
  EXPECT_EQ(w.process_bytes(50), std::nullopt);  // full window: min(50, 0) = 0
  EXPECT_EQ(w.current_window_size(), 100);
  w.window_consumed(30);
  EXPECT_EQ(w.process_bytes(30), std::nullopt);  // 30 < 50: the earlier 50 were dropped
  EXPECT_EQ(w.process_bytes(20), 30u);
}

TEST(WindowManagerProcess, ProcessedResetsAfterAnUpdate) {
  WindowManager w(1000);
  w.window_consumed(1000);
  EXPECT_EQ(w.process_bytes(600), 600u);
  w.window_consumed(600);
  EXPECT_EQ(w.process_bytes(251), 251u);  // empty again: > min(1024, 250)
}

TEST(WindowManagerProcess, ManualIncrementRaisesTheTargetForLaterUpdates) {
  WindowManager w(65535);
  w.window_opened(65535);  // target 131070
  w.window_consumed(131070);
  EXPECT_EQ(w.process_bytes(65534), 65534u);  // empty: > 1024 processed
  w.window_consumed(65534);
  EXPECT_EQ(w.process_bytes(1024), std::nullopt);
  EXPECT_EQ(w.process_bytes(1), 1025u);
}

TEST(WindowManagerProcess, AnyAmountAbove1024OnEmptyWindowIsReturnedWhole) {
  std::mt19937 rng(7);
  for (int i = 0; i < 200; ++i) {  // h2: hypothesis n in 1025..65535
    const uint32_t n = 1025 + rng() % (65535 - 1025 + 1);
    WindowManager w(65535);
    w.window_consumed(65535);
    EXPECT_EQ(w.process_bytes(n), n);
  }
}

TEST(WindowManagerAdjustMax, MovesWindowAndTargetByDelta) {
  WindowManager w(65535);
  w.window_consumed(1000);
  w.adjust_max(128000 - 65535);
  EXPECT_EQ(w.current_window_size(), 128000 - 1000);
  EXPECT_EQ(w.max_window_size(), 128000);
  w.adjust_max(1280 - 128000);
  EXPECT_EQ(w.current_window_size(), 280);
  EXPECT_EQ(w.max_window_size(), 1280);
}

TEST(WindowManagerAdjustMax, MayMakeTheWindowNegative) {
  WindowManager w(65535);
  w.window_consumed(60000);
  w.adjust_max(80 - 65535);
  EXPECT_EQ(w.current_window_size(), 80 - 60000);
  EXPECT_EQ(w.max_window_size(), 80);
  EXPECT_THROW(w.window_consumed(1), FlowControlError);
}

TEST(WindowManagerAdjustMax, NegativeTargetNeverGivesAnUpdate) {
  WindowManager w(100);
  w.adjust_max(-300);
  EXPECT_EQ(w.current_window_size(), -200);
  EXPECT_EQ(w.max_window_size(), -200);
  EXPECT_EQ(w.process_bytes(1), std::nullopt);  // triggers (1 >= -100) but min(1, 0) = 0
  w.window_opened(250);
  EXPECT_EQ(w.current_window_size(), 50);
  EXPECT_EQ(w.max_window_size(), 50);
}

TEST(WindowManagerAdjustMax, NegativeWindowRecoversThroughUpdates) {
  WindowManager w(1000);
  w.window_consumed(1000);
  w.adjust_max(-500);                     // window -500, target 500
  EXPECT_EQ(w.process_bytes(300), 300u);  // 300 >= 250; min(300, 500 - (-500))
  EXPECT_EQ(w.current_window_size(), -200);
}

TEST(WindowManagerAdjustMax, OverflowIsAFlowControlErrorAndLeavesTheTarget) {
  WindowManager w(65535);
  EXPECT_THROW(w.adjust_max(kLargest), FlowControlError);
  EXPECT_EQ(w.max_window_size(), 65535);
  WindowManager ok(65535);
  ok.adjust_max(kLargest - 65535);
  EXPECT_EQ(ok.current_window_size(), kLargest);
}

// A direct transcription of h2 4.4.1's windows.py with Python integer semantics.
struct Model {
  int64_t max;
  int64_t current;
  int64_t processed = 0;

  static int64_t pydiv(int64_t a, int64_t b) {  // Python's //, by a different route
    int64_t r = ((a % b) + b) % b;
    return (a - r) / b;
  }
  bool consumed(int64_t n) {  // false: FlowControlError
    current -= n;
    return current >= 0;
  }
  bool opened(int64_t n) {
    current += n;
    if (current > kLargest) return false;
    if (current > max) max = current;
    return true;
  }
  bool adjust(int64_t delta) {
    int64_t new_max = max + delta;
    if (!opened(delta)) return false;
    max = new_max;
    return true;
  }
  int64_t process(int64_t n) {
    processed += n;
    if (processed == 0) return 0;
    int64_t max_increment = max - current;
    int64_t increment = 0;
    if (current == 0 && processed > std::min<int64_t>(1024, pydiv(max, 4))) {
      increment = std::min(processed, max_increment);
      processed = 0;
    } else if (processed >= pydiv(max, 2)) {
      increment = std::min(processed, max_increment);
      processed = 0;
    }
    current += increment;
    return increment;
  }
};

TEST(WindowManagerProperty, RandomOperationsMatchH2) {
  std::mt19937 rng(99);
  for (int round = 0; round < 300; ++round) {
    const uint32_t initial = round % 3 == 0 ? rng() % 2000 : 1000 + rng() % 200000;
    WindowManager w(initial);
    Model m{initial, initial};
    for (int step = 0; step < 400; ++step) {
      SCOPED_TRACE(::testing::Message() << "round " << round << " step " << step);
      const unsigned op = rng() % 8;
      if (op < 3) {
        // Usually within the window (as a well-behaved peer sends), sometimes beyond.
        const bool beyond = rng() % 16 == 0;
        if (m.current < 0 && !beyond) continue;  // any DATA now would be an error
        const int64_t room = std::max<int64_t>(m.current, 0);
        const uint32_t n = beyond ? static_cast<uint32_t>(room + 1 + rng() % 100)
                                  : static_cast<uint32_t>(rng() % (room + 1));
        bool threw = false;
        try {
          w.window_consumed(n);
        } catch (const FlowControlError&) {
          threw = true;
        }
        ASSERT_EQ(threw, !m.consumed(n));
        if (threw) break;  // the connection would be torn down
      } else if (op < 6) {
        const uint32_t n = rng() % 4 == 0 ? 0 : rng() % (initial + 2000);
        const int64_t expected = m.process(n);
        const std::optional<uint32_t> got = w.process_bytes(n);
        ASSERT_EQ(got, expected > 0 ? std::optional<uint32_t>(expected) : std::nullopt);
      } else if (op == 6) {
        const uint32_t n = rng() % 1000;
        ASSERT_TRUE(m.opened(n));
        w.window_opened(n);
      } else {
        const int64_t delta = static_cast<int64_t>(rng() % 4000) - 2000;
        ASSERT_TRUE(m.adjust(delta));
        w.adjust_max(delta);
      }
      ASSERT_EQ(w.current_window_size(), m.current);
      ASSERT_EQ(w.max_window_size(), m.max);
      ASSERT_LE(w.current_window_size(), w.max_window_size());
    }
  }
}

}  // namespace
}  // namespace h2
