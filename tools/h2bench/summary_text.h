#pragma once
// The summary printed at the end, laid out as h2load prints it (same lines, same columns,
// same units), followed by h2bench's own percentile block and the failure reasons.
#include <string>

#include "results.h"

namespace h2bench {

// h2load's block: "finished in", requests, status codes, traffic and the min/max/mean/sd
// table for request time, connect time, time to 1st byte and req/s per client.
std::string format_h2load_summary(const RunResults& results);

// p50 / p90 / p99 / p99.9 / p99.99 / max of the request time and time to the response
// headers (and, with --rate, the uncorrected service time); then failure reasons, if any.
std::string format_percentiles(const RunResults& results);

// Finer than h2load's whole microseconds, for the percentile block: "12.34us", "1.23ms".
std::string format_latency(double nanos);

}  // namespace h2bench
