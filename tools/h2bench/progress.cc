#include "progress.h"

#include <algorithm>
#include <cstdio>

#include "summary_text.h"

namespace h2bench {

std::string format_progress(const ProgressSample& s) {
  char line[256];
  int n = std::snprintf(line, sizeof line, "progress: %llds, %.0f req/s, %llu errors, p99 %s",
                        static_cast<long long>(s.since_start / kSecond), s.requests_per_second,
                        static_cast<unsigned long long>(s.errors),
                        format_latency(static_cast<double>(s.p99_ns)).c_str());
  if (s.percent_done && n > 0 && static_cast<std::size_t>(n) < sizeof line) {
    std::snprintf(line + n, sizeof line - static_cast<std::size_t>(n), ", %.0f%% done",
                  std::min(*s.percent_done, 100.0));
  }
  std::string out = line;
  if (s.warming_up) out += " (warm-up, not counted)";
  return out;
}

ProgressMeter::ProgressMeter(Nanos run_start, Nanos measure_start,
                             std::optional<std::uint64_t> planned_requests,
                             std::optional<Nanos> planned_duration)
    : run_start_(run_start),
      measure_start_(measure_start),
      planned_requests_(planned_requests),
      planned_duration_(planned_duration),
      last_time_(run_start) {}

ProgressSample ProgressMeter::sample(std::span<const Recorder* const> recorders, Nanos now) {
  RequestCounts totals;
  merged_.reset();
  for (const Recorder* recorder : recorders) {
    totals.add(recorder->counts());
    merged_.merge(recorder->request_latency());
  }
  ProgressSample s;
  s.since_start = now - run_start_;
  s.warming_up = now < measure_start_;
  s.responses = totals.succeeded + totals.status_failed;
  s.errors = totals.status_failed + totals.errored;
  s.p99_ns = merged_.value_at_percentile(99);
  const Nanos interval = now - last_time_;
  if (interval > 0 && s.responses >= last_responses_) {
    s.requests_per_second =
        static_cast<double>(s.responses - last_responses_) * 1e9 / static_cast<double>(interval);
  }
  if (planned_requests_ && *planned_requests_ > 0) {
    s.percent_done = 100.0 * static_cast<double>(totals.done + totals.not_sent) /
                     static_cast<double>(*planned_requests_);
  } else if (planned_duration_ && *planned_duration_ > 0) {
    s.percent_done = 100.0 * static_cast<double>(s.since_start) /
                     static_cast<double>(*planned_duration_);
  }
  last_time_ = now;
  last_responses_ = s.responses;
  return s;
}

}  // namespace h2bench
