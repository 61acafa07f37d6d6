#include "runner.h"

#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "progress.h"

namespace h2bench {

RunResults run_load(const RunPlan& plan, Driver& driver, const RunnerOptions& options) {
  const Nanos run_start = now_ns();
  const Nanos measure_start = run_start + plan.warm_up;
  std::optional<Nanos> measure_end;
  if (plan.duration) measure_end = measure_start + *plan.duration;
  RunControl control(run_start, measure_start, measure_end);

  std::vector<std::unique_ptr<Recorder>> owned;
  std::vector<Recorder*> recorders;
  for (std::uint32_t k = 0; k < plan.threads; ++k) {
    const ThreadPlan thread = thread_plan(plan, k);
    RecorderConfig config;
    config.first_client = thread.first_client;
    config.client_count = thread.client_count;
    config.measure_start = measure_start;
    config.timeline_seconds = plan.timeline_seconds();
    config.open_loop = plan.rate.has_value();
    owned.push_back(std::make_unique<Recorder>(config));
    recorders.push_back(owned.back().get());
  }
  const std::vector<const Recorder*> readers(recorders.begin(), recorders.end());

  std::mutex mutex;
  std::condition_variable finished_cv;
  bool finished = false;
  std::exception_ptr failure;
  std::thread load([&] {
    try {
      driver.run(plan, recorders, control);
    } catch (...) {
      failure = std::current_exception();
    }
    const std::lock_guard lock(mutex);
    finished = true;
    finished_cv.notify_all();
  });

  std::optional<std::uint64_t> planned_requests;
  std::optional<Nanos> planned_duration;
  if (measure_end) {
    planned_duration = *measure_end - run_start;
  } else {
    planned_requests = plan.requests;
  }
  ProgressMeter meter(run_start, measure_start, planned_requests, planned_duration);
  Nanos next_progress = run_start + options.progress_interval;
  {
    std::unique_lock lock(mutex);
    while (!finished) {
      finished_cv.wait_for(lock, std::chrono::milliseconds(50));
      if (finished) break;
      const Nanos now = now_ns();
      if ((measure_end && now >= *measure_end) ||
          (options.interrupted != nullptr && options.interrupted->load())) {
        control.request_stop();
      }
      if (now >= next_progress) {
        next_progress += options.progress_interval;
        if (options.on_progress) {
          lock.unlock();
          options.on_progress(format_progress(meter.sample(readers, now)));
          lock.lock();
        }
      }
    }
  }
  load.join();
  const Nanos run_end = now_ns();
  if (failure) std::rethrow_exception(failure);
  return merge_results(plan, readers, run_start, run_end);
}

}  // namespace h2bench
