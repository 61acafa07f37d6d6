#include "driver.h"

#include "load_split.h"

namespace h2bench {

ThreadPlan thread_plan(const RunPlan& plan, std::uint32_t index) {
  ThreadPlan thread;
  thread.index = index;
  thread.first_client = static_cast<std::uint32_t>(first_of_share(plan.clients, plan.threads, index));
  thread.client_count = static_cast<std::uint32_t>(share_of(plan.clients, plan.threads, index));
  if (plan.timing_based()) {
    thread.request_budget = RateSchedule::kUnlimited;
  } else {
    // The thread's budget is the sum of its clients' shares of -n.
    thread.request_budget = 0;
    for (std::uint32_t c = 0; c < thread.client_count; ++c) {
      thread.request_budget += share_of(plan.requests, plan.clients, thread.first_client + c);
    }
  }
  return thread;
}

std::optional<RateSchedule> make_rate_schedule(const RunPlan& plan, const ThreadPlan& thread,
                                               Nanos run_start, std::optional<Nanos> end) {
  if (!plan.rate) return std::nullopt;
  const std::uint64_t limit = plan.timing_based() ? RateSchedule::kUnlimited : plan.requests;
  return RateSchedule(*plan.rate, run_start, plan.clients, thread.first_client, thread.client_count,
                      limit, end.value_or(std::numeric_limits<Nanos>::max()));
}

}  // namespace h2bench
