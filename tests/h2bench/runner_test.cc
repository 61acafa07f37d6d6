// The runner with the simulated driver (no network) and with scripted drivers: counts come out
// exact, stops are honoured, errors are counted. No assertion depends on timing.
#include "runner.h"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <vector>

#include "simulated_driver.h"

namespace h2bench {
namespace {

RunPlan base_plan() {
  RunPlan plan;
  plan.uris = {"http://127.0.0.1:1/"};
  plan.paths.emplace_back("/{n}");
  return plan;
}

RunResults simulate(const RunPlan& plan, SimulationSpec spec, const RunnerOptions& options = {}) {
  SimulatedDriver driver(spec);
  return run_load(plan, driver, options);
}

TEST(Runner, ClosedLoopCompletesExactlyN) {
  RunPlan plan = base_plan();
  plan.requests = 10007;
  plan.clients = 5;
  plan.threads = 2;
  plan.max_concurrent_streams = 7;
  const RunResults r = simulate(plan, {});
  EXPECT_EQ(r.total, 10007u);
  EXPECT_EQ(r.counts.started, 10007u);
  EXPECT_EQ(r.counts.done, 10007u);
  EXPECT_EQ(r.counts.succeeded, 10007u);
  EXPECT_EQ(r.failed(), 0u);
  EXPECT_EQ(r.request_latency->count(), 10007u);
  EXPECT_EQ(r.connect_ns.size(), 5u);
  EXPECT_EQ(r.client_rps.size(), 5u);
  EXPECT_EQ(exit_status_for(r, 0), kExitOk);
}

TEST(Runner, ResetsAreErrorsAndFailTheRun) {
  RunPlan plan = base_plan();
  plan.requests = 1000;
  SimulationSpec spec;
  spec.reset_every = 10;
  const RunResults r = simulate(plan, spec);
  EXPECT_EQ(r.counts.succeeded, 900u);
  EXPECT_EQ(r.counts.errored, 100u);
  EXPECT_EQ(r.counts.by_reason[static_cast<std::size_t>(FailureReason::kStreamReset)], 100u);
  EXPECT_EQ(exit_status_for(r, 0), kExitErrorRate);
  EXPECT_EQ(exit_status_for(r, 0.1), kExitOk);
}

TEST(Runner, ErrorStatusesAreFailuresNotErrors) {
  RunPlan plan = base_plan();
  plan.requests = 50;
  SimulationSpec spec;
  spec.status = 503;
  const RunResults r = simulate(plan, spec);
  EXPECT_EQ(r.counts.status_class[5], 50u);
  EXPECT_EQ(r.failed(), 50u);
  EXPECT_EQ(r.counts.errored, 0u);
}

TEST(Runner, OpenLoopSendsTheScheduledCount) {
  RunPlan plan = base_plan();
  plan.requests = 300;
  plan.clients = 3;
  plan.threads = 3;
  plan.rate = 20000;
  const RunResults r = simulate(plan, {});
  EXPECT_TRUE(r.open_loop);
  EXPECT_EQ(r.counts.succeeded, 300u);
  EXPECT_EQ(r.service_time->count(), 300u);
  // Latency from the intended start is never shorter than from the actual send.
  EXPECT_GE(r.request_latency->max(), r.service_time->max());
}

TEST(Runner, DurationRunStopsAndAbandonsWithoutFailing) {
  RunPlan plan = base_plan();
  plan.duration = 200 * kMillisecond;
  plan.warm_up = 100 * kMillisecond;
  plan.clients = 2;
  plan.max_concurrent_streams = 4;
  SimulationSpec spec;
  spec.latency = 10 * kMillisecond;
  const RunResults r = simulate(plan, spec);
  EXPECT_GE(r.elapsed, 300 * kMillisecond);
  EXPECT_GT(r.counts.succeeded, 0u);
  EXPECT_EQ(r.failed(), 0u);
  EXPECT_EQ(r.total, r.counts.succeeded);
  EXPECT_EQ(exit_status_for(r, 0), kExitOk);
}

TEST(Runner, InterruptStopsAnNRunAndCountsTheRestAsFailed) {
  RunPlan plan = base_plan();
  plan.requests = 1'000'000'000;
  SimulationSpec spec;
  spec.latency = kMillisecond;
  std::atomic<bool> interrupted{true};
  RunnerOptions options;
  options.interrupted = &interrupted;
  const RunResults r = simulate(plan, spec, options);
  EXPECT_EQ(r.total, 1'000'000'000u);
  EXPECT_GT(r.failed(), 0u);
  EXPECT_GT(r.counts.by_reason[static_cast<std::size_t>(FailureReason::kStopped)], 0u);
}

TEST(Runner, PrintsProgressWhileRunning) {
  RunPlan plan = base_plan();
  plan.duration = 300 * kMillisecond;
  SimulationSpec spec;
  spec.latency = kMillisecond;
  std::vector<std::string> lines;
  RunnerOptions options;
  options.progress_interval = 20 * kMillisecond;
  options.on_progress = [&](const std::string& line) { lines.push_back(line); };
  simulate(plan, spec, options);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.front().rfind("progress: ", 0), 0u);
}

// A driver that checks what the runner hands it and reports a fixed story per thread.
class ScriptedDriver final : public Driver {
 public:
  void run(const RunPlan& plan, std::span<Recorder* const> recorders,
           const RunControl& control) override {
    seen_threads = recorders.size();
    warm_up_seen = control.measure_start() - control.run_start();
    for (std::uint32_t k = 0; k < recorders.size(); ++k) {
      const ThreadPlan thread = thread_plan(plan, k);
      Recorder& r = *recorders[k];
      const Nanos t = control.measure_start();
      r.connect_started(thread.first_client, t);
      r.connected(thread.first_client, t + 100);
      r.request_started(t);
      r.response_headers(t, t + 200, 200, 3, 9);
      r.request_completed(thread.first_client, t, t, t + 300, 200, 10);
      r.requests_not_sent(2, FailureReason::kConnectRefused);
    }
  }
  std::size_t seen_threads = 0;
  Nanos warm_up_seen = -1;
};

TEST(Runner, HandsOneRecorderPerThreadAndMergesThem) {
  RunPlan plan = base_plan();
  plan.threads = 3;
  plan.clients = 3;
  plan.requests = 9;
  ScriptedDriver driver;
  const RunResults r = run_load(plan, driver, {});
  EXPECT_EQ(driver.seen_threads, 3u);
  EXPECT_EQ(driver.warm_up_seen, 0);
  EXPECT_EQ(r.counts.succeeded, 3u);
  EXPECT_EQ(r.counts.not_sent, 6u);
  EXPECT_EQ(r.counts.by_reason[static_cast<std::size_t>(FailureReason::kConnectRefused)], 6u);
  EXPECT_EQ(r.failed(), 6u);
  EXPECT_EQ(r.connect_ns, (std::vector<double>{100, 100, 100}));
}

class ThrowingDriver final : public Driver {
 public:
  void run(const RunPlan&, std::span<Recorder* const>, const RunControl&) override {
    throw std::runtime_error("driver broke");
  }
};

TEST(Runner, DriverExceptionsReachTheCaller) {
  ThrowingDriver driver;
  EXPECT_THROW(run_load(base_plan(), driver, {}), std::runtime_error);
}

TEST(ThreadPlan, SharesClientsAndRequestsAsH2loadDoes) {
  RunPlan plan = base_plan();
  plan.clients = 5;
  plan.threads = 2;
  plan.requests = 23;
  const ThreadPlan a = thread_plan(plan, 0);
  const ThreadPlan b = thread_plan(plan, 1);
  EXPECT_EQ(a.first_client, 0u);
  EXPECT_EQ(a.client_count, 3u);
  EXPECT_EQ(b.first_client, 3u);
  EXPECT_EQ(b.client_count, 2u);
  // Clients get 5, 5, 5, 4, 4.
  EXPECT_EQ(a.request_budget, 15u);
  EXPECT_EQ(b.request_budget, 8u);
}

}  // namespace
}  // namespace h2bench
