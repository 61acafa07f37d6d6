#pragma once
// The run's figures: every thread's recorder merged, plus what is derived from them. Built
// once at the end (merge_results) and read by the summary, the JSON and the HTML report.
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "clock.h"
#include "histogram.h"
#include "recorder.h"
#include "run_plan.h"

namespace h2bench {

// min / max / mean / sd / "+/- sd" of a set of samples, as in h2load's table.
struct SampleStats {
  std::size_t count = 0;
  double min = 0, max = 0, mean = 0, sd = 0;
  double within_sd_percent = 0;  // share of samples within mean +/- sd
};
SampleStats stats_of(std::span<const double> samples);
SampleStats stats_of(const LatencyHistogram& histogram);

struct RunResults {
  Nanos elapsed = 0;   // run start to end, warm-up included ("finished in")
  Nanos measured = 0;  // end of warm-up to end: the base of req/s and MB/s
  bool timing_based = false;
  bool open_loop = false;
  double rate = 0;

  std::uint64_t total = 0;      // -n, or (timing based) requests started + not sent - abandoned
  std::uint64_t abandoned = 0;  // -D: in flight when the duration ended; not failures
  RequestCounts counts;         // merged
  std::unique_ptr<LatencyHistogram> request_latency;     // from intended start to end
  std::unique_ptr<LatencyHistogram> first_byte_latency;  // from intended start to headers
  std::unique_ptr<LatencyHistogram> service_time;        // from sending to end
  std::vector<double> connect_ns;      // per client that connected
  std::vector<double> first_byte_ns;   // per client that read a byte, from connect start
  std::vector<double> client_rps;      // per client: succeeded / its active time
  std::vector<TimelinePoint> timeline;  // per second since the end of the warm-up

  std::uint64_t failed() const { return total > counts.succeeded ? total - counts.succeeded : 0; }
  double error_rate() const {
    return total == 0 ? 0.0 : static_cast<double>(failed()) / static_cast<double>(total);
  }
  double requests_per_second() const;  // succeeded + status-failed responses per second
  double bytes_per_second() const;
  double header_space_savings() const;  // 1 - wire / decoded, h2load's figure
};

RunResults merge_results(const RunPlan& plan, std::span<const Recorder* const> recorders,
                         Nanos run_start, Nanos run_end);

// Exit status from the verdict: 0, or kExitErrorRate when failed / total > max_error_rate.
inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 1;
inline constexpr int kExitErrorRate = 2;
inline constexpr int kExitCannotRun = 3;
int exit_status_for(const RunResults& results, double max_error_rate);

}  // namespace h2bench
