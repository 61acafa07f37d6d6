#pragma once
// Where the network plugs in. The runner (runner.h) builds one ThreadPlan and one Recorder
// per -t thread, then calls Driver::run once; the driver runs the load on its own threads
// (the engine's workers) and reports every event of thread k to recorders[k], from that
// thread only. The runner prints the progress line meanwhile by reading the recorders.
//
// Contract for a driver:
//  - Closed loop (no --rate): thread k opens its `client_count` connections and keeps up to
//    -m streams open on each until its `request_budget` is sent (-n) or until
//    control.stop_requested() (-D). A request's intended start is when it is sent.
//  - Open loop (--rate): thread k asks make_rate_schedule(plan, k, control.run_start) which
//    requests are due and sends each as soon as a stream is free, preferably on the
//    connection the schedule names; its intended start is the schedule's time, even if it
//    had to wait (coordinated-omission correction).
//  - Path of request with sequence s: plan.paths[s % paths.size()].render(s, buffer) with
//    s = DueRequest::sequence (open loop) or local_count * plan.threads + k (closed loop),
//    so `{n}` is unique within the run.
//  - Every request sent is reported as request_started, then response_headers (final
//    response) and request_completed, or request_failed with a reason. Requests of the
//    budget that could never be sent are reported with requests_not_sent. Connections report
//    connect_started / connected (or connect_failed), first_byte, bytes_received and
//    client_finished.
//  - Honour plan.connect_timeout, inactivity_timeout and active_timeout (failures with the
//    matching reason). Return once every thread has finished: budget done, or stop requested
//    and every in-flight request reported: request_abandoned in a -D run (the duration is
//    over; not a failure), request_failed(kStopped) otherwise (an interrupted -n run), plus
//    requests_not_sent(kStopped) for the rest of an -n budget. Never throw for network
//    trouble: that is what FailureReason is for.
//  - Warm-up: just run; the recorders drop requests intended before measure_start().
#include <atomic>
#include <cstdint>
#include <optional>
#include <span>

#include "clock.h"
#include "rate_schedule.h"
#include "recorder.h"
#include "run_plan.h"

namespace h2bench {

// Thread k's share of the run.
struct ThreadPlan {
  std::uint32_t index = 0;
  std::uint32_t first_client = 0;   // global index of its first connection
  std::uint32_t client_count = 0;
  std::uint64_t request_budget = 0;  // -n share; RateSchedule::kUnlimited when timing based
};

ThreadPlan thread_plan(const RunPlan& plan, std::uint32_t index);

// Thread k's open-loop schedule (nullopt without --rate), starting at `run_start`.
std::optional<RateSchedule> make_rate_schedule(const RunPlan& plan, const ThreadPlan& thread,
                                               Nanos run_start, std::optional<Nanos> end);

// Shared between the runner and the driver's threads.
class RunControl {
 public:
  RunControl(Nanos run_start, Nanos measure_start, std::optional<Nanos> measure_end)
      : run_start_(run_start), measure_start_(measure_start), measure_end_(measure_end) {}

  Nanos run_start() const { return run_start_; }
  // End of the warm-up; the recorders ignore requests intended before it.
  Nanos measure_start() const { return measure_start_; }
  // -D runs: no request may start at or after this time.
  std::optional<Nanos> measure_end() const { return measure_end_; }

  // Polled by the driver at least every few milliseconds (e.g. once per loop turn).
  bool stop_requested() const { return stop_.load(std::memory_order_relaxed); }
  void request_stop() { stop_.store(true, std::memory_order_relaxed); }

 private:
  Nanos run_start_;
  Nanos measure_start_;
  std::optional<Nanos> measure_end_;
  std::atomic<bool> stop_{false};
};

class Driver {
 public:
  virtual ~Driver() = default;
  // Blocks until the load is over. recorders.size() == plan.threads.
  virtual void run(const RunPlan& plan, std::span<Recorder* const> recorders,
                   const RunControl& control) = 0;
};

}  // namespace h2bench
