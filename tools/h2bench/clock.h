#pragma once
// One clock for the whole harness: monotonic nanoseconds as a plain integer, so hot-path
// arithmetic (latency = done - intended) is a subtraction and every module agrees on the unit.
#include <chrono>
#include <cstdint>

namespace h2bench {

using Nanos = std::int64_t;

inline constexpr Nanos kMicrosecond = 1'000;
inline constexpr Nanos kMillisecond = 1'000'000;
inline constexpr Nanos kSecond = 1'000'000'000;

inline Nanos now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace h2bench
