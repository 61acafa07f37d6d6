#pragma once
// The command line: h2load's flags for what h2bench shares with it (-n -c -m -t -D
// --warm-up-time -H -d -i -T -N -f -w -W --header-table-size --rps ...) plus its own
// (--rate, --json, --report, --max-error-rate, --connect-timeout, --simulate, ...), parsed
// into a validated RunPlan. Every refusal says why; see docs/h2bench.md for the flags.
#include <optional>
#include <string>
#include <vector>

#include "run_plan.h"

namespace h2bench {

inline constexpr const char* kVersion = "0.1.0";

struct CliResult {
  std::optional<RunPlan> plan;  // the run to do; empty when the process should just exit
  int exit_status = 0;          // 0 (--help, --version, --dry-run) or 1 (bad command line)
  std::string out;              // for stdout (help, version, the plan of --dry-run)
  std::string err;              // for stderr (what is wrong, and how to get help)
  bool dry_run = false;         // --dry-run: plan printed in `out`, nothing to run
};

// `args` excludes the program name.
CliResult parse_command_line(const std::vector<std::string>& args);

// The plan in words, for --dry-run and -v.
std::string describe_plan(const RunPlan& plan);

}  // namespace h2bench
