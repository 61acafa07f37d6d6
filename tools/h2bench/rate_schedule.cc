#include "rate_schedule.h"

#include <cmath>

namespace h2bench {

RateSchedule::RateSchedule(double rate, Nanos start, std::uint32_t total_connections,
                           std::uint32_t first_connection, std::uint32_t connection_count,
                           std::uint64_t limit, Nanos end)
    : period_ns_(1e9 / rate),
      start_(start),
      total_connections_(total_connections),
      first_connection_(first_connection),
      connection_count_(connection_count),
      limit_(limit),
      end_(end) {
  if (connection_count_ == 0) {
    exhausted_ = true;
    return;
  }
  load(0);
}

Nanos RateSchedule::intended_start_of(std::uint64_t sequence) const {
  // From g directly: a double holds g * period exactly enough for ~100 days of nanoseconds.
  return start_ + static_cast<Nanos>(std::llround(static_cast<double>(sequence) * period_ns_));
}

void RateSchedule::load(std::uint64_t local) {
  const std::uint64_t round = local / connection_count_;
  const std::uint32_t offset = static_cast<std::uint32_t>(local % connection_count_);
  const std::uint64_t sequence = round * total_connections_ + first_connection_ + offset;
  next_ = DueRequest{sequence, intended_start_of(sequence), first_connection_ + offset};
  // Sequences grow with `local`, so the first one past a limit ends the schedule.
  exhausted_ = sequence >= limit_ || next_.intended_start >= end_;
}

void RateSchedule::advance() {
  ++local_;
  load(local_);
}

}  // namespace h2bench
