#include "results.h"

#include <gtest/gtest.h>

#include <vector>

namespace h2bench {
namespace {

RunPlan plan_for(std::uint64_t requests, std::uint32_t clients = 2) {
  RunPlan plan;
  plan.requests = requests;
  plan.clients = clients;
  plan.threads = 2;
  plan.paths.emplace_back("/");
  return plan;
}

std::unique_ptr<Recorder> recorder(std::uint32_t first_client, Nanos measure_start = 0) {
  RecorderConfig c;
  c.first_client = first_client;
  c.client_count = 1;
  c.measure_start = measure_start;
  c.timeline_seconds = 10;
  return std::make_unique<Recorder>(c);
}

TEST(SampleStats, MatchesH2loadDefinitions) {
  const std::vector<double> samples = {1, 2, 3, 4, 100};
  const SampleStats s = stats_of(samples);
  EXPECT_EQ(s.count, 5u);
  EXPECT_EQ(s.min, 1);
  EXPECT_EQ(s.max, 100);
  EXPECT_DOUBLE_EQ(s.mean, 22);
  EXPECT_NEAR(s.sd, 39.0128, 1e-4);  // population sd
  EXPECT_DOUBLE_EQ(s.within_sd_percent, 80);
}

TEST(SampleStats, EmptyIsAllZero) {
  const SampleStats s = stats_of(std::vector<double>{});
  EXPECT_EQ(s.count, 0u);
  EXPECT_EQ(s.max, 0);
}

TEST(MergeResults, AddsThreadsTogether) {
  auto a = recorder(0);
  auto b = recorder(1);
  for (int i = 0; i < 3; ++i) {
    a->request_started(0);
    a->request_completed(0, 0, 0, 1000, 200, 10);
  }
  b->request_started(0);
  b->request_completed(1, 0, 0, 3000, 200, 10);
  a->connect_started(0, 0);
  a->connected(0, 500);
  b->connect_started(1, 0);
  b->connected(1, 700);
  const std::vector<const Recorder*> recorders = {a.get(), b.get()};
  const RunResults r = merge_results(plan_for(4), recorders, 0, kSecond);
  EXPECT_EQ(r.total, 4u);
  EXPECT_EQ(r.counts.succeeded, 4u);
  EXPECT_EQ(r.failed(), 0u);
  EXPECT_EQ(r.request_latency->count(), 4u);
  EXPECT_EQ(r.request_latency->max(), 3000u);
  EXPECT_EQ(r.connect_ns, (std::vector<double>{500, 700}));
  ASSERT_EQ(r.timeline.size(), 1u);
  EXPECT_EQ(r.timeline[0].completed, 4u);
  EXPECT_DOUBLE_EQ(r.requests_per_second(), 4);
}

TEST(MergeResults, UnreportedRequestsOfAnNRunAreFailures) {
  auto a = recorder(0);
  a->request_completed(0, 0, 0, 1, 200, 0);
  const std::vector<const Recorder*> recorders = {a.get()};
  const RunResults r = merge_results(plan_for(10, 1), recorders, 0, kSecond);
  EXPECT_EQ(r.total, 10u);
  EXPECT_EQ(r.failed(), 9u);
  EXPECT_DOUBLE_EQ(r.error_rate(), 0.9);
}

TEST(MergeResults, AbandonedRequestsOfADurationRunAreNotFailures) {
  RunPlan plan = plan_for(1, 1);
  plan.duration = kSecond;
  auto a = recorder(0);
  for (int i = 0; i < 5; ++i) a->request_started(0);
  for (int i = 0; i < 3; ++i) a->request_completed(0, 0, 0, 1, 200, 0);
  a->request_abandoned(0);
  a->request_abandoned(0);
  const std::vector<const Recorder*> recorders = {a.get()};
  const RunResults r = merge_results(plan, recorders, 0, kSecond);
  EXPECT_EQ(r.total, 3u);
  EXPECT_EQ(r.abandoned, 2u);
  EXPECT_EQ(r.failed(), 0u);
}

TEST(MergeResults, MeasuresFromTheEndOfTheWarmUp) {
  RunPlan plan = plan_for(1, 1);
  plan.duration = kSecond;
  auto a = recorder(0, kSecond);
  a->request_started(kSecond);
  a->request_completed(0, kSecond, kSecond, kSecond + 5, 200, 0);
  const std::vector<const Recorder*> recorders = {a.get()};
  const RunResults r = merge_results(plan, recorders, 0, 3 * kSecond);
  EXPECT_EQ(r.elapsed, 3 * kSecond);
  EXPECT_EQ(r.measured, 2 * kSecond);
  EXPECT_DOUBLE_EQ(r.requests_per_second(), 0.5);
}

TEST(MergeResults, HeaderSpaceSavingsAsH2loadComputesIt) {
  auto a = recorder(0);
  a->response_headers(0, 1, 200, 25, 100);
  const std::vector<const Recorder*> recorders = {a.get()};
  EXPECT_DOUBLE_EQ(merge_results(plan_for(1, 1), recorders, 0, 1).header_space_savings(), 0.75);
}

TEST(MergeResults, UnmeasuredWireHeaderBytesAreNoSavings) {
  auto a = recorder(0);
  a->response_headers(0, 1, 200, 0, 100);
  const std::vector<const Recorder*> recorders = {a.get()};
  EXPECT_DOUBLE_EQ(merge_results(plan_for(1, 1), recorders, 0, 1).header_space_savings(), 0);
}

TEST(ExitStatus, AnyFailureFailsByDefault) {
  auto a = recorder(0);
  for (int i = 0; i < 99; ++i) a->request_completed(0, 0, 0, 1, 200, 0);
  a->request_completed(0, 0, 0, 1, 503, 0);
  const std::vector<const Recorder*> recorders = {a.get()};
  const RunResults r = merge_results(plan_for(100, 1), recorders, 0, 1);
  EXPECT_EQ(exit_status_for(r, 0), kExitErrorRate);
  EXPECT_EQ(exit_status_for(r, 0.01), kExitOk);   // 1% failed, 1% allowed
  EXPECT_EQ(exit_status_for(r, 0.009), kExitErrorRate);
}

TEST(ExitStatus, NoFailureIsSuccess) {
  auto a = recorder(0);
  a->request_completed(0, 0, 0, 1, 200, 0);
  const std::vector<const Recorder*> recorders = {a.get()};
  EXPECT_EQ(exit_status_for(merge_results(plan_for(1, 1), recorders, 0, 1), 0), kExitOk);
}

}  // namespace
}  // namespace h2bench
