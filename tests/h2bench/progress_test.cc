#include "progress.h"

#include <gtest/gtest.h>

#include <vector>

namespace h2bench {
namespace {

TEST(FormatProgress, ShowsRateErrorsP99AndShareDone) {
  ProgressSample s;
  s.since_start = 3 * kSecond + 5;
  s.requests_per_second = 120345.4;
  s.errors = 12;
  s.p99_ns = 1'230'000;
  s.percent_done = 36.4;
  EXPECT_EQ(format_progress(s), "progress: 3s, 120345 req/s, 12 errors, p99 1.23ms, 36% done");
}

TEST(FormatProgress, SaysWhenWarmingUp) {
  ProgressSample s;
  s.warming_up = true;
  EXPECT_EQ(format_progress(s), "progress: 0s, 0 req/s, 0 errors, p99 0ns (warm-up, not counted)");
}

TEST(ProgressMeter, RateIsOverTheLastIntervalAndTotalsAreCumulative) {
  RecorderConfig config;
  config.client_count = 1;
  Recorder a(config);
  Recorder b(config);
  const std::vector<const Recorder*> recorders = {&a, &b};
  ProgressMeter meter(0, 0, 100, std::nullopt);

  for (int i = 0; i < 30; ++i) a.request_completed(0, 0, 0, 1000, 200, 0);
  for (int i = 0; i < 10; ++i) b.request_completed(0, 0, 0, 2000, 503, 0);
  auto s = meter.sample(recorders, kSecond);
  EXPECT_DOUBLE_EQ(s.requests_per_second, 40);
  EXPECT_EQ(s.errors, 10u);
  EXPECT_EQ(s.p99_ns, 2000u);
  EXPECT_DOUBLE_EQ(*s.percent_done, 40);

  for (int i = 0; i < 20; ++i) a.request_completed(0, 0, 0, 1000, 200, 0);
  s = meter.sample(recorders, 3 * kSecond);
  EXPECT_DOUBLE_EQ(s.requests_per_second, 10);  // 20 more over 2 s
  EXPECT_EQ(s.responses, 60u);
}

TEST(ProgressMeter, DurationRunsReportTheShareOfTime) {
  RecorderConfig config;
  Recorder a(config);
  const std::vector<const Recorder*> recorders = {&a};
  ProgressMeter meter(0, 2 * kSecond, std::nullopt, 10 * kSecond);
  auto s = meter.sample(recorders, kSecond);
  EXPECT_TRUE(s.warming_up);
  EXPECT_DOUBLE_EQ(*s.percent_done, 10);
  s = meter.sample(recorders, 5 * kSecond);
  EXPECT_FALSE(s.warming_up);
  EXPECT_DOUBLE_EQ(*s.percent_done, 50);
}

}  // namespace
}  // namespace h2bench
