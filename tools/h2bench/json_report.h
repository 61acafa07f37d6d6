#pragma once
// --json FILE: every figure of the run under stable key names (docs/h2bench.md lists them;
// tests/h2bench/json_report_test.cc pins them). Times are microseconds (floating point) in
// keys ending in _us, sizes are bytes, rates are per second. "schema" changes only when a key
// is removed or changes meaning.
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "histogram.h"
#include "results.h"
#include "run_plan.h"

namespace h2bench {

inline constexpr int kJsonSchema = 1;

nlohmann::ordered_json results_to_json(const RunPlan& plan, const RunResults& results,
                                       int exit_status);

// (percentile, value in ns) pairs for a percentile plot: 0..90 by 10, then ten points per
// decade of 1 / (1 - p) up to 99.999, then 100. Empty for an empty histogram.
std::vector<std::pair<double, std::uint64_t>> percentile_curve(const LatencyHistogram& histogram);

// Writes `text` to `path`; false (and errno set) when it cannot.
bool write_text_file(const std::string& path, const std::string& text);

}  // namespace h2bench
