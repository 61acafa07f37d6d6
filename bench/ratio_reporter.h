// A console reporter that remembers each benchmark's counters and, after the run, prints
// "ours vs theirs" lines for the pairs a benchmark binary declares. Every benchmark that
// matters runs beside its libnghttp2 counterpart, and this is where the ratio is printed.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace h2bench {

struct RatioLine {
  std::string label;
  std::string ours;     // benchmark name (as printed, e.g. "BM_Decode_h2" or "BM_X/arg")
  std::string theirs;   // the counterpart's name
  std::string counter;  // "bytes_per_second", "items_per_second" or a user counter
  double scale = 1;     // printed value = counter * scale
  std::string unit;
  bool as_percent = false;  // print the difference in percent instead of a ratio
};

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  RatioReporter(std::string ours_label, std::string theirs_label, std::vector<RatioLine> lines)
      : ConsoleReporter(OO_Tabular),
        ours_label_(std::move(ours_label)),
        theirs_label_(std::move(theirs_label)),
        lines_(std::move(lines)) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      // With --benchmark_repetitions the mean stands for the benchmark; otherwise the run.
      const bool is_mean = run.run_type == Run::RT_Aggregate && run.aggregate_name == "mean";
      if (run.run_type == Run::RT_Aggregate && !is_mean) continue;
      Result& result = results_[run.run_name.str()];
      if (result.from_mean && !is_mean) continue;
      result.from_mean = is_mean;
      for (const auto& [name, counter] : run.counters) result.counters[name] = counter.value;
    }
  }

  // Prints one line per declared pair whose two benchmarks both ran.
  void print_ratios(std::ostream& os) const {
    os << "\nRatios (" << ours_label_ << " / " << theirs_label_
       << "; above 1 is better for rates, worse for times and sizes)\n";
    bool any = false;
    for (const RatioLine& l : lines_) {
      std::optional<double> a = value(l.ours, l.counter), b = value(l.theirs, l.counter);
      if (!a || !b || *b == 0) continue;
      any = true;
      char buf[256];
      if (l.as_percent) {
        std::snprintf(buf, sizeof buf, "  %-34s %s %12.0f %s  %s %12.0f %s  %+.2f%%\n",
                      l.label.c_str(), ours_label_.c_str(), *a * l.scale, l.unit.c_str(),
                      theirs_label_.c_str(), *b * l.scale, l.unit.c_str(), (*a / *b - 1) * 100);
      } else {
        std::snprintf(buf, sizeof buf, "  %-34s %s %12.2f %s  %s %12.2f %s  x%.2f\n",
                      l.label.c_str(), ours_label_.c_str(), *a * l.scale, l.unit.c_str(),
                      theirs_label_.c_str(), *b * l.scale, l.unit.c_str(), *a / *b);
      }
      os << buf;
    }
    if (!any) os << "  (no complete pair ran)\n";
  }

  // A counter of one benchmark (mean over repetitions when there were any).
  std::optional<double> value(const std::string& benchmark, const std::string& counter) const {
    auto run = results_.find(benchmark);
    if (run == results_.end()) return std::nullopt;
    auto it = run->second.counters.find(counter);
    if (it == run->second.counters.end()) return std::nullopt;
    return it->second;
  }

 private:
  struct Result {
    bool from_mean = false;
    std::map<std::string, double> counters;
  };

  std::string ours_label_, theirs_label_;
  std::vector<RatioLine> lines_;
  std::map<std::string, Result> results_;
};

}  // namespace h2bench
