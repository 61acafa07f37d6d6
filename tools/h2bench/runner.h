#pragma once
// Runs a plan through a driver: one recorder per thread, the driver on a thread of its own,
// and on the calling thread the clock: the progress line once a second, the stop at the end
// of -D, and interruption (Ctrl-C). Returns the merged results.
#include <atomic>
#include <functional>
#include <string>

#include "driver.h"
#include "results.h"
#include "run_plan.h"

namespace h2bench {

struct RunnerOptions {
  // Receives the progress line once a second (nothing when empty).
  std::function<void(const std::string&)> on_progress;
  Nanos progress_interval = kSecond;
  // Set (e.g. by a SIGINT handler) to stop the run early; polled every 50 ms.
  const std::atomic<bool>* interrupted = nullptr;
};

RunResults run_load(const RunPlan& plan, Driver& driver, const RunnerOptions& options);

}  // namespace h2bench
