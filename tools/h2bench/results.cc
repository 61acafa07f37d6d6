#include "results.h"

#include <algorithm>
#include <cmath>

namespace h2bench {

SampleStats stats_of(std::span<const double> samples) {
  SampleStats s;
  s.count = samples.size();
  if (samples.empty()) return s;
  s.min = *std::min_element(samples.begin(), samples.end());
  s.max = *std::max_element(samples.begin(), samples.end());
  double sum = 0;
  for (const double v : samples) sum += v;
  s.mean = sum / static_cast<double>(samples.size());
  double squares = 0;
  for (const double v : samples) squares += (v - s.mean) * (v - s.mean);
  s.sd = std::sqrt(squares / static_cast<double>(samples.size()));
  const auto within = std::count_if(samples.begin(), samples.end(), [&](double v) {
    return v >= s.mean - s.sd && v <= s.mean + s.sd;
  });
  s.within_sd_percent = 100.0 * static_cast<double>(within) / static_cast<double>(samples.size());
  return s;
}

SampleStats stats_of(const LatencyHistogram& h) {
  SampleStats s;
  s.count = h.count();
  if (s.count == 0) return s;
  s.min = static_cast<double>(h.min());
  s.max = static_cast<double>(h.max());
  s.mean = h.mean();
  s.sd = h.stddev();
  s.within_sd_percent = h.percent_within_stddev();
  return s;
}

double RunResults::requests_per_second() const {
  if (measured <= 0) return 0;
  const auto responses = counts.succeeded + counts.status_failed;
  return static_cast<double>(responses) * 1e9 / static_cast<double>(measured);
}

double RunResults::bytes_per_second() const {
  if (measured <= 0) return 0;
  return static_cast<double>(counts.bytes_total) * 1e9 / static_cast<double>(measured);
}

double RunResults::header_space_savings() const {
  // No wire bytes means the driver did not measure them, not a perfect compression.
  if (counts.header_decoded_bytes == 0 || counts.header_bytes == 0) return 0;
  return 1.0 - static_cast<double>(counts.header_bytes) /
                   static_cast<double>(counts.header_decoded_bytes);
}

RunResults merge_results(const RunPlan& plan, std::span<const Recorder* const> recorders,
                         Nanos run_start, Nanos run_end) {
  RunResults r;
  r.timing_based = plan.timing_based();
  r.open_loop = plan.rate.has_value();
  r.rate = plan.rate.value_or(0);
  r.elapsed = run_end - run_start;
  r.request_latency = std::make_unique<LatencyHistogram>();
  r.first_byte_latency = std::make_unique<LatencyHistogram>();
  r.service_time = std::make_unique<LatencyHistogram>();
  Nanos measure_start = run_start;
  for (const Recorder* rec : recorders) {
    measure_start = rec->measure_start();
    r.counts.add(rec->counts());
    r.request_latency->merge(rec->request_latency());
    r.first_byte_latency->merge(rec->first_byte_latency());
    r.service_time->merge(rec->service_time());
    const auto points = rec->timeline();
    if (points.size() > r.timeline.size()) r.timeline.resize(points.size());
    for (std::size_t i = 0; i < points.size(); ++i) {
      r.timeline[i].completed += points[i].completed;
      r.timeline[i].succeeded += points[i].succeeded;
      r.timeline[i].errors += points[i].errors;
      r.timeline[i].body_bytes += points[i].body_bytes;
    }
    for (const ClientRecord& client : rec->clients()) {
      if (client.connect_start < 0) continue;
      if (client.connected >= 0) {
        r.connect_ns.push_back(static_cast<double>(client.connected - client.connect_start));
      }
      if (client.first_byte >= 0) {
        r.first_byte_ns.push_back(static_cast<double>(client.first_byte - client.connect_start));
      }
      const Nanos from = std::max(client.connect_start, measure_start);
      const Nanos to = client.finished >= 0 ? client.finished : run_end;
      if (to > from) {
        r.client_rps.push_back(static_cast<double>(client.succeeded) * 1e9 /
                               static_cast<double>(to - from));
      }
    }
  }
  r.measured = run_end - measure_start;

  r.abandoned = r.counts.abandoned;
  // -n: the planned count. -D: what was started (abandoned ones aside) or due but not sent.
  r.total = r.timing_based ? r.counts.started - std::min(r.counts.started, r.abandoned) +
                                 r.counts.not_sent
                           : plan.requests;
  return r;
}

int exit_status_for(const RunResults& results, double max_error_rate) {
  if (results.failed() == 0) return kExitOk;
  return results.error_rate() > max_error_rate ? kExitErrorRate : kExitOk;
}

}  // namespace h2bench
