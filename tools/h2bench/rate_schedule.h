#pragma once
// Open-loop pacing for --rate R (requests per second over the whole run).
//
// The run has one global schedule: request g is intended to start at start + g / R, and it
// belongs to connection g mod c. Each connection thus sends every c / R seconds, the
// connections are staggered by 1 / R, and together they make exactly R per second with no
// drift (times are computed from g, never accumulated). A thread that owns the contiguous
// connections [first, first + count) walks only its own requests, in time order:
// local m -> g = (m / count) * c + first + m % count.
//
// Latency is measured from the intended start, not from when the request could really be
// sent (coordinated-omission correction, as wrk2 does): if the server stalls, requests pile
// up as due and each one's wait counts against the server.
//
// Pure: the caller supplies the time, so tests need no clock.
#include <cstdint>
#include <limits>
#include <optional>

#include "clock.h"

namespace h2bench {

struct DueRequest {
  std::uint64_t sequence;    // g: the request's index in the global schedule
  Nanos intended_start;      // when it should have started
  std::uint32_t connection;  // global client index the schedule assigned it to
};

class RateSchedule {
 public:
  static constexpr std::uint64_t kUnlimited = std::numeric_limits<std::uint64_t>::max();

  // `rate` requests/s over `total_connections`; this schedule covers the connections
  // [first_connection, first_connection + connection_count). Requests with g >= limit
  // (-n) or intended at or after `end` (-D) are never due.
  RateSchedule(double rate, Nanos start, std::uint32_t total_connections,
               std::uint32_t first_connection, std::uint32_t connection_count,
               std::uint64_t limit = kUnlimited, Nanos end = std::numeric_limits<Nanos>::max());

  // The next request if it is due at `now` (its intended start <= now); it is then consumed.
  // Call in a loop until nullopt to get everything due.
  std::optional<DueRequest> next_due(Nanos now) {
    if (exhausted_ || next_.intended_start > now) return std::nullopt;
    const DueRequest due = next_;
    advance();
    return due;
  }

  // When the next request becomes due; nullopt once the schedule is exhausted.
  std::optional<Nanos> next_time() const {
    if (exhausted_) return std::nullopt;
    return next_.intended_start;
  }
  bool exhausted() const { return exhausted_; }
  // Requests of this schedule handed out so far.
  std::uint64_t issued() const { return local_; }

  // Request g's intended start.
  Nanos intended_start_of(std::uint64_t sequence) const;

 private:
  void advance();
  void load(std::uint64_t local);

  double period_ns_;
  Nanos start_;
  std::uint32_t total_connections_;
  std::uint32_t first_connection_;
  std::uint32_t connection_count_;
  std::uint64_t limit_;
  Nanos end_;
  std::uint64_t local_ = 0;  // requests handed out
  DueRequest next_{};
  bool exhausted_ = false;
};

}  // namespace h2bench
