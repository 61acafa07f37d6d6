// h2bench: load generator for HTTP/2 (h2c) servers. main() only wires the pieces: command
// line -> plan -> driver -> runner -> summary, JSON, HTML report, exit status.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli.h"
#include "html_report.h"
#include "json_report.h"
#include "h2io/uring_probe.h"
#include "network_driver.h"
#include "results.h"
#include "runner.h"
#include "simulated_driver.h"
#include "summary_text.h"

namespace {

std::atomic<bool> g_interrupted{false};

// First Ctrl-C: stop the load and still print the summary. Second: die at once, in case the
// driver is stuck.
extern "C" void on_interrupt(int signal_number) {
  if (g_interrupted.exchange(true)) {
    std::signal(signal_number, SIG_DFL);
    std::raise(signal_number);
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace h2bench;
  const std::vector<std::string> args(argv + 1, argv + argc);
  CliResult cli = parse_command_line(args);
  std::cout << cli.out;
  std::cerr << cli.err;
  if (!cli.plan) return cli.exit_status;
  const RunPlan& plan = *cli.plan;

  std::unique_ptr<Driver> driver;
  if (plan.simulate) {
    driver = std::make_unique<SimulatedDriver>(*plan.simulate);
  } else {
    // The network driver runs on io_uring: say so plainly, at once, if it is unusable.
    h2io::require_io_uring_or_exit("h2bench");
    driver = make_network_driver();
  }
  if (!driver) {
    std::cerr << "h2bench: the network driver is not built yet (the engine's client side is "
                 "pending); use --simulate or --dry-run\n";
    return kExitCannotRun;
  }
  if (plan.verbose) std::cout << describe_plan(plan);

  std::cout << "starting benchmark...\n";
  for (std::uint32_t k = 0; k < plan.threads; ++k) {
    const ThreadPlan thread = thread_plan(plan, k);
    std::cout << "spawning thread #" << k << ": " << thread.client_count << " total client(s). ";
    if (plan.duration) {
      std::cout << "Timing-based test with " << format_latency(static_cast<double>(plan.warm_up))
                << " of warm-up time and " << format_latency(static_cast<double>(*plan.duration))
                << " of main duration for measurements.\n";
    } else {
      std::cout << thread.request_budget << " total requests\n";
    }
  }
  std::cout << std::flush;

  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  RunnerOptions options;
  options.interrupted = &g_interrupted;
  if (plan.progress) {
    options.on_progress = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
  }
  RunResults results;
  try {
    results = run_load(plan, *driver, options);
  } catch (const std::exception& e) {
    std::cerr << "h2bench: the run failed: " << e.what() << "\n";
    return kExitCannotRun;
  }

  const std::string summary = format_h2load_summary(results) + format_percentiles(results);
  std::cout << "\n" << summary << std::flush;
  const int status = exit_status_for(results, plan.max_error_rate);
  int write_failed = 0;
  if (plan.json_path &&
      !write_text_file(*plan.json_path, results_to_json(plan, results, status).dump(2) + "\n")) {
    std::cerr << "h2bench: cannot write " << *plan.json_path << "\n";
    write_failed = 1;
  }
  if (plan.report_path &&
      !write_text_file(*plan.report_path, render_html_report(plan, results, summary))) {
    std::cerr << "h2bench: cannot write " << *plan.report_path << "\n";
    write_failed = 1;
  }
  if (status != kExitOk) {
    std::cerr << "h2bench: " << results.failed() << " of " << results.total
              << " requests failed (error rate " << results.error_rate() * 100
              << "%, allowed " << plan.max_error_rate * 100 << "%)\n";
    return status;
  }
  return write_failed != 0 ? kExitCannotRun : kExitOk;
}
