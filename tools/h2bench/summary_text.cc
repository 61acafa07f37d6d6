#include "summary_text.h"

#include <array>
#include <cstdio>

#include "units.h"

namespace h2bench {
namespace {


// One row of the table: a label of 16 characters, ": ", then right-aligned columns.
std::string time_row(const char* label, const SampleStats& s) {
  return string_printf("%s: %10s  %10s  %10s  %10s%9.2f%%\n", label,
                       format_duration(s.min).c_str(), format_duration(s.max).c_str(),
                       format_duration(s.mean).c_str(), format_duration(s.sd).c_str(),
                       s.within_sd_percent);
}

constexpr std::array<double, 5> kPercentiles = {50, 90, 99, 99.9, 99.99};

std::string percentile_row(const char* label, const LatencyHistogram& h) {
  std::string row = string_printf("%s: ", label);
  for (const double p : kPercentiles) {
    row += string_printf("%10s  ", format_latency(static_cast<double>(h.value_at_percentile(p))).c_str());
  }
  row += string_printf("%10s\n", format_latency(static_cast<double>(h.max())).c_str());
  return row;
}

}  // namespace

std::string format_latency(double nanos) {
  if (nanos < 1e3) return string_printf("%.0fns", nanos);
  if (nanos < 1e6) return string_printf("%.2fus", nanos / 1e3);
  if (nanos < 1e9) return string_printf("%.2fms", nanos / 1e6);
  return string_printf("%.2fs", nanos / 1e9);
}

std::string format_h2load_summary(const RunResults& r) {
  const RequestCounts& c = r.counts;
  std::string out;
  out += string_printf("finished in %s, %.2f req/s, %s/s\n",
                       format_duration(static_cast<double>(r.elapsed)).c_str(),
                       r.requests_per_second(), format_bytes(r.bytes_per_second()).c_str());
  out += string_printf(
      "requests: %llu total, %llu started, %llu done, %llu succeeded, %llu failed, %llu errored, "
      "%llu timeout\n",
      static_cast<unsigned long long>(r.total), static_cast<unsigned long long>(c.started),
      static_cast<unsigned long long>(c.done), static_cast<unsigned long long>(c.succeeded),
      static_cast<unsigned long long>(r.failed()), static_cast<unsigned long long>(c.errored),
      static_cast<unsigned long long>(c.timed_out));
  out += string_printf("status codes: %llu 2xx, %llu 3xx, %llu 4xx, %llu 5xx\n",
                       static_cast<unsigned long long>(c.status_class[2]),
                       static_cast<unsigned long long>(c.status_class[3]),
                       static_cast<unsigned long long>(c.status_class[4]),
                       static_cast<unsigned long long>(c.status_class[5]));
  out += string_printf(
      "traffic: %s (%llu) total, %s (%llu) headers (space savings %.2f%%), %s (%llu) data\n",
      format_bytes(static_cast<double>(c.bytes_total)).c_str(),
      static_cast<unsigned long long>(c.bytes_total),
      format_bytes(static_cast<double>(c.header_bytes)).c_str(),
      static_cast<unsigned long long>(c.header_bytes), r.header_space_savings() * 100,
      format_bytes(static_cast<double>(c.body_bytes)).c_str(),
      static_cast<unsigned long long>(c.body_bytes));
  out += "                     min         max         mean         sd        +/- sd\n";
  out += time_row("time for request", stats_of(*r.request_latency));
  out += time_row("time for connect", stats_of(r.connect_ns));
  out += time_row("time to 1st byte", stats_of(r.first_byte_ns));
  const SampleStats rps = stats_of(r.client_rps);
  out += string_printf("req/s           : %10.2f  %10.2f  %10.2f  %10.2f%9.2f%%\n", rps.min,
                       rps.max, rps.mean, rps.sd, rps.within_sd_percent);
  return out;
}

std::string format_percentiles(const RunResults& r) {
  std::string out = "\n";
  out += r.open_loop
             ? string_printf("latency percentiles (--rate %.2f/s: from each request's intended "
                             "start, corrected for coordinated omission)\n",
                             r.rate)
             : std::string("latency percentiles\n");
  out += string_printf("%18s%10s  %10s  %10s  %10s  %10s  %10s\n", "", "p50", "p90", "p99",
                       "p99.9", "p99.99", "max");
  out += percentile_row("time for request", *r.request_latency);
  out += percentile_row("time to headers ", *r.first_byte_latency);
  if (r.open_loop) out += percentile_row("service time    ", *r.service_time);

  std::string reasons;
  for (std::size_t i = 0; i < kFailureReasonCount; ++i) {
    if (const auto n = r.counts.by_reason[i]; n != 0) {
      reasons += string_printf("%s%llu %s", reasons.empty() ? "" : ", ",
                               static_cast<unsigned long long>(n),
                               std::string(kFailureReasonNames[i]).c_str());
    }
  }
  if (!reasons.empty()) out += "errors: " + reasons + "\n";
  std::string connection_errors;
  for (std::size_t i = 0; i < kFailureReasonCount; ++i) {
    if (const auto n = r.counts.connection_errors[i]; n != 0) {
      connection_errors += string_printf("%s%llu %s", connection_errors.empty() ? "" : ", ",
                                         static_cast<unsigned long long>(n),
                                         std::string(kFailureReasonNames[i]).c_str());
    }
  }
  if (!connection_errors.empty()) out += "connection errors: " + connection_errors + "\n";
  if (r.abandoned != 0) {
    out += string_printf("in flight when the duration ended: %llu (not counted)\n",
                         static_cast<unsigned long long>(r.abandoned));
  }
  return out;
}

}  // namespace h2bench
