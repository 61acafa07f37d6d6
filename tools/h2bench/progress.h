#pragma once
// The live line printed to stderr once a second while the load runs:
//   progress: 3s, 120345 req/s, 12 errors, p99 1.23ms, 36% done
// req/s is over the last interval; errors (failed requests: error or non-2xx/3xx status) and
// p99 (request time) are for the run so far. Reads the recorders without stopping them.
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "clock.h"
#include "histogram.h"
#include "recorder.h"

namespace h2bench {

struct ProgressSample {
  Nanos since_start = 0;
  double requests_per_second = 0;  // responses in the last interval / its length
  std::uint64_t responses = 0;     // so far
  std::uint64_t errors = 0;        // so far
  std::uint64_t p99_ns = 0;        // so far
  std::optional<double> percent_done;
  bool warming_up = false;  // before the end of --warm-up-time: nothing is counted yet
};

std::string format_progress(const ProgressSample& sample);

class ProgressMeter {
 public:
  // `planned_requests` (-n) or `planned_duration` (warm-up + -D) give the percentage.
  ProgressMeter(Nanos run_start, Nanos measure_start,
                std::optional<std::uint64_t> planned_requests,
                std::optional<Nanos> planned_duration);

  ProgressSample sample(std::span<const Recorder* const> recorders, Nanos now);

 private:
  Nanos run_start_;
  Nanos measure_start_;
  std::optional<std::uint64_t> planned_requests_;
  std::optional<Nanos> planned_duration_;
  Nanos last_time_;
  std::uint64_t last_responses_ = 0;
  LatencyHistogram merged_;  // scratch, reused every second
};

}  // namespace h2bench
